"""The kept Content-Security-Policy header is the one django-csp builds, and anything unusual
(a view's own change, a nonce, report-only, an exempt response) still goes the library's way."""

import pytest
from csp.constants import NONCE, SELF
from csp.exceptions import CSPNonceError
from csp.middleware import CSPMiddleware
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from risingtide.lib.middleware import ContentSecurityPolicyMiddleware

HEADER = "Content-Security-Policy"


def _both(make_response, *, nonce=False):
    """The header from ours and from the library's, for the same request and response."""
    headers = []
    for middleware in (ContentSecurityPolicyMiddleware, CSPMiddleware):
        handler = middleware(lambda request: make_response())
        request = RequestFactory().get("/somewhere/")
        handler.process_request(request)
        if nonce:
            str(request.csp_nonce)
        response = handler.process_response(request, make_response())
        headers.append((response.get(HEADER), response.get(HEADER + "-Report-Only"), request))
    return headers


def test_the_usual_header_is_the_librarys():
    ours, library = _both(HttpResponse)
    assert ours[0] and ours[0] == library[0]
    assert _both(HttpResponse)[0][0] == ours[0]  # and again, from what was kept
    # Asking for a nonce once the header is written fails as the library's does.
    with pytest.raises(CSPNonceError):
        str(ours[2].csp_nonce)


def test_a_views_own_change_is_honoured():
    def replaced():
        response = HttpResponse()
        response._csp_replace = {"frame-src": ["https://player.example"]}
        return response

    ours, library = _both(replaced)
    assert "frame-src https://player.example" in ours[0]
    assert ours[0] == library[0]
    # ...and does not become the kept header of the next response.
    plain, _ = _both(HttpResponse)
    assert "player.example" not in plain[0]


def test_a_nonce_goes_in_the_header():
    policy = {"DIRECTIVES": {"default-src": [SELF], "script-src": [SELF, NONCE]}}
    with override_settings(CONTENT_SECURITY_POLICY=policy):
        (header, _, request), _ = _both(HttpResponse, nonce=True)
        assert f"'nonce-{request._csp_nonce}'" in header
        # Without a nonce asked for, the kept header has none.
        assert "nonce" not in _both(HttpResponse)[0][0]


def test_an_exempt_response_has_no_header():
    def exempt():
        response = HttpResponse()
        response._csp_exempt = True
        return response

    assert _both(exempt)[0][0] is None


def test_changed_settings_change_the_header():
    before = _both(HttpResponse)[0][0]
    policy = {"DIRECTIVES": {"default-src": ["'self'"], "img-src": ["https://pictures.example"]}}
    with override_settings(CONTENT_SECURITY_POLICY=policy):
        changed = _both(HttpResponse)[0][0]
        assert "img-src https://pictures.example" in changed
    with override_settings(CONTENT_SECURITY_POLICY_REPORT_ONLY=policy):
        ours, library = _both(HttpResponse)
        assert ours[1] and ours[1] == library[1]
    assert _both(HttpResponse)[0][0] == before
