"""A capability declared ``fresh`` makes ``requires`` ask the ``fresh_check`` hook after the
grant (and only then); any other capability never asks it; with no handler it is as any other."""

from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse

from risingtide.access.core import fresh_check, requires
from risingtide.access.policy import CAPABILITIES, SIGNED_IN, Capability, Reach


def _view(request):
    return HttpResponse("done")


def _declare(monkeypatch, name, fresh):
    cap = Capability(name, None, "a test action", {SIGNED_IN: Reach.ANY}, fresh=fresh)
    monkeypatch.setitem(CAPABILITIES, name, cap)
    return requires(name)(_view)


def test_a_fresh_capability_answers_as_the_hook_says(monkeypatch, rf, world):
    asked = []

    def refuse(request, capability, api=False):
        asked.append((capability.name, api))
        return HttpResponse("confirm first", status=302)

    monkeypatch.setattr(fresh_check, "_handlers", [refuse])
    view = _declare(monkeypatch, "test.fresh", fresh=True)
    request = rf.get("/")
    request.user = world.user("teacher@own")
    assert view(request).content == b"confirm first"
    assert asked == [("test.fresh", False)]
    # Signed out: the sign-in page first, the hook not asked.
    request.user = AnonymousUser()
    assert view(request)["Location"].startswith("/accounts/login/")
    assert len(asked) == 1
    # A handler content with the check lets the view run.
    monkeypatch.setattr(fresh_check, "_handlers", [lambda *a, **k: None])
    request.user = world.user("teacher@own")
    assert view(request).content == b"done"


def test_other_capabilities_never_ask(monkeypatch, rf, world):
    monkeypatch.setattr(fresh_check, "_handlers", [lambda *a, **k: HttpResponse(status=302)])
    view = _declare(monkeypatch, "test.plain", fresh=False)
    request = rf.get("/")
    request.user = world.user("teacher@own")
    assert view(request).content == b"done"


def test_twofactor_is_connected():
    from risingtide.twofactor.freshness import fresh_or_confirm

    assert fresh_or_confirm in fresh_check._handlers
