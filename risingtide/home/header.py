"""The page header's menu as HTML, rendered once per person and kept (the context processor).

Rendering the bar, its menus and the account menu is most of what an otherwise empty page
costs (about a hundred template nodes per page). What it shows depends only on the person's
menu (``home.context.menu_of``, kept under their access version), which top-level item holds
the page and whether the page is one of the menu's links. So the HTML is kept under exactly
those, and the two things that differ per request or may change without the access version
moving are put in afterwards: the CSRF token of the sign-out form, and the person's name.
"""

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.html import escape

from risingtide.home.context import NAV_SECONDS, menu_of, section
from risingtide.lib.kept import TOKEN, with_token

# Where the person's name goes; it cannot occur in rendered HTML otherwise.
_NAME = "\x1bname\x1b"


class _Path:
    """What the header's template reads of the request."""

    def __init__(self, path: str):
        self.path = path


class _Person:
    """What the header's template reads of the person (the name comes in afterwards)."""

    def __init__(self, pk: int):
        self.pk = pk
        self.username = _NAME

    def get_full_name(self) -> str:
        return _NAME


class Header:
    """Rendered when the layout shows it (``{{ nav_header }}``), not for fragments."""

    def __init__(self, request):
        self.request = request

    def __html__(self) -> str:
        request, user = self.request, self.request.user
        menu = menu_of(user)
        place = section(menu, request.path)
        hrefs = {link.href for _, link in menu.links()} | {link.href for link in menu.account}
        current = request.path if request.path in hrefs else ""
        key = (
            f"header:{user.pk}:{user.access_version}:{int(user.is_superuser)}"
            f"{int(user.is_staff)}:{place}:{current}"
        )
        html = cache.get(key)
        if html is None:
            context = {
                "nav": menu,
                "nav_section": place,
                "request": _Path(current or "\x1b"),
                "user": _Person(user.pk),
                "csrf_token": TOKEN,
            }
            html = render_to_string("home/nav/_header.html", context)
            cache.set(key, html, NAV_SECONDS)
        # (Without the escape character, so that no name can spell a placeholder.)
        name = escape((user.get_full_name() or user.username).replace("\x1b", ""))
        return with_token(html.replace(_NAME, name), request)

    __str__ = __html__


def navigation(request) -> dict:
    """The context processor: the header, for a signed-in person."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_header": ""}
    return {"nav_header": Header(request)}
