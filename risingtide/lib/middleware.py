"""Small response middleware: headers Django has no setting for, and friendly 405 pages."""

from django.template.loader import render_to_string


class PermissionsPolicyMiddleware:
    """Deny powerful browser features, keep signed-in pages out of caches, and explain a
    wrong HTTP method in a page."""

    POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.POLICY)
        # Only where the view looked at who is signed in (so /healthz and static files stay
        # free of session queries).
        user = getattr(request, "_cached_user", None)
        if user is not None and user.is_authenticated:
            # Classroom computers are shared: no signed-in page stays in the browser's cache.
            response.headers.setdefault("Cache-Control", "private, no-store")
        if (
            response.status_code == 405
            and not response.content
            and not request.path.startswith("/api/")
        ):
            response.content = render_to_string(
                "405.html", {"allowed": response.headers.get("Allow", "")}, request=request
            )
            response.headers["Content-Type"] = "text/html; charset=utf-8"
        return response
