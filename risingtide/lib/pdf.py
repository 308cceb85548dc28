"""PDFs through WeasyPrint, which may read only what we allow: never the network.

WeasyPrint needs Pango from the operating system (Debian: libpango-1.0-0, libpangoft2-1.0-0);
it is imported here, when a PDF is asked for, so the rest of the platform runs without it.
"""

from pathlib import Path
from urllib.parse import unquote, urlsplit


def to_pdf(
    *, html: str | None = None, filename: Path | None = None, root: Path | None = None
) -> bytes:
    """A PDF of ``html`` (reading no file at all) or of the page at ``filename`` (reading only
    files under ``root``)."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    allowed = root.resolve() if root else None

    class OnlyInside(URLFetcher):
        def fetch(self, url, headers=None):
            path = Path(unquote(urlsplit(url).path)).resolve()
            if allowed is None or (path != allowed and allowed not in path.parents):
                raise ValueError(f"this PDF may not read {url}")
            return super().fetch(url, headers)

    fetcher = OnlyInside(allowed_protocols={"file"}, allow_redirects=False)
    if filename is not None:
        return HTML(filename=str(filename), url_fetcher=fetcher).write_pdf()
    return HTML(string=html, url_fetcher=fetcher).write_pdf()
