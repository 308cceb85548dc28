"""The sign-ins a browser has started, kept in its session until the provider sends it back.

Each is keyed by its ``state`` and taken out (popped) the first time the callback reads it, so
a state works once: a replayed or forged callback finds nothing and is refused, whatever code it
carries. The nonce and PKCE verifier never leave the server. A browser may have a few sign-ins
open at once (two tabs); the oldest are dropped past that, and any older than ten minutes.
"""

from __future__ import annotations

import time

from django.views.decorators.debug import sensitive_variables

SESSION_KEY = "sso_flows"
MAX_OPEN = 3
MAX_AGE_SECONDS = 600


@sensitive_variables()  # every state, nonce and PKCE verifier open in this browser
def remember(session, *, state: str, provider_id: int, nonce: str, verifier: str, next_url: str):
    flows = {
        k: v
        for k, v in session.get(SESSION_KEY, {}).items()
        if time.time() - v["at"] < MAX_AGE_SECONDS
    }
    flows[state] = {
        "provider": provider_id,
        "nonce": nonce,
        "verifier": verifier,
        "next": next_url,
        "at": time.time(),
    }
    session[SESSION_KEY] = dict(sorted(flows.items(), key=lambda kv: kv[1]["at"])[-MAX_OPEN:])


@sensitive_variables()
def take(session, state: str) -> dict | None:
    """The sign-in ``state`` started, removed from the session; None if there is none (never
    started here, used already, or too old)."""
    flows = dict(session.get(SESSION_KEY, {}))
    flow = flows.pop(state, None) if isinstance(state, str) and state else None
    if flow is not None:
        session[SESSION_KEY] = flows
        if time.time() - flow["at"] >= MAX_AGE_SECONDS:
            return None
    return flow
