"""The page of a long list that a query string asks for.

Its own module because every paged page (the register's lists, the library's search) reads
``?page=`` the same way, and a page number is not a form: anything odd means the first page.
"""


def page_number(raw: str | None) -> int:
    """The page asked for in the query string, or the first."""
    return int(raw) if raw and raw.isascii() and raw.isdigit() and len(raw) < 6 else 1
