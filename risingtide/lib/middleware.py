"""Small response middleware: headers Django has no setting for, the usual security policy
kept, and friendly 405 pages."""

from csp.constants import HEADER
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
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
        if request.path.startswith("/api/") or (user is not None and user.is_authenticated):
            # Classroom computers are shared: no signed-in page stays in the browser's cache;
            # nor does any API answer (a bearer token's user is not the session's).
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


class RequestGuardMiddleware:
    """Refuse, before anything reads the body, what no view could store: an upload over the
    size limit (CSRF checking would otherwise read it all to disk first), and NUL characters,
    which PostgreSQL cannot keep in text."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings
        from django.http import JsonResponse
        from django.shortcuts import render
        from django.template.defaultfilters import filesizeformat

        api = request.path.startswith("/api/")
        declared = request.META.get("CONTENT_LENGTH") or "0"
        if declared.isdigit() and int(declared) > settings.UPLOAD_MAX_BYTES + 1_048_576:
            if api:
                limit = filesizeformat(settings.UPLOAD_MAX_BYTES)
                return JsonResponse(
                    {"detail": f"The request is too large: files can be at most {limit}."},
                    status=413,
                )
            return render(
                request,
                "413.html",
                {"limit_mb": settings.UPLOAD_MAX_BYTES // 1_048_576},
                status=413,
            )
        content_type = request.META.get("CONTENT_TYPE", "")
        raw = request.META.get("QUERY_STRING", "").encode()
        form_or_json = content_type.lower().startswith(
            ("application/x-www-form-urlencoded", "application/json")
        )
        # The API parses JSON whatever the declared type: read every non-file body there.
        if form_or_json or (api and not content_type.lower().startswith("multipart/")):
            raw += request.body
        nul = b"%00" in raw or b"\x00" in raw or b"\\u0000" in raw
        if not nul and content_type.startswith("multipart/form-data"):
            nul = any("\x00" in v for values in request.POST.lists() for v in values[1])
        if nul:
            if api:
                return JsonResponse({"detail": "The request contains a NUL character."}, status=400)
            return render(request, "400_nul.html", status=400)
        return self.get_response(request)


# What a view sets on its response to change the policy (django-csp's decorators).
_POLICY_CHANGES = (
    "_csp_config", "_csp_update", "_csp_replace",
    "_csp_config_ro", "_csp_update_ro", "_csp_replace_ro",
)  # fmt: skip


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the usual header kept. A response whose view changed
    nothing of the policy, to a request that asked for no nonce, gets the same header every
    time; building it anew (a copy of every directive, then a sort) cost a fiftieth of a
    light page. Anything unusual goes the library's way."""

    _kept: tuple[object, str] | None = None

    def process_response(self, request, response):
        if not self._usual(request, response):
            return super().process_response(request, response)
        config = settings.CONTENT_SECURITY_POLICY
        kept = ContentSecurityPolicyMiddleware._kept
        if kept is None or kept[0] is not config:  # a test's override_settings included
            kept = ContentSecurityPolicyMiddleware._kept = (config, build_policy())
        if kept[1]:
            response[HEADER] = kept[1]
        # As the library does: a nonce asked for after the header is written is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response

    @staticmethod
    def _usual(request, response) -> bool:
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", None) or {}
        return not (
            getattr(request, "_csp_nonce", None) is not None
            or any(getattr(response, name, None) is not None for name in _POLICY_CHANGES)
            or getattr(response, "_csp_exempt", False)
            or HEADER in response
            or getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
            or policy.get("EXCLUDE_URL_PREFIXES")
            or (settings.DEBUG and response.status_code in (404, 500))
        )
