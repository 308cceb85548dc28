"""A real OpenID Connect provider for the tests, run as its own process on 127.0.0.1.

``python -m risingtide.sso.tests.provider`` prints the port it listens on, then serves:

* ``/.well-known/openid-configuration`` (its issuer is its own address) and ``/jwks``;
* ``/authorize``: checks the client and the registered redirect URI, insists on PKCE S256, and
  approves the configured person at once (a 302 back with a fresh code and the state);
* ``/token``: checks the client secret (HTTP Basic or in the body), the code (each works once),
  the redirect URI and the PKCE verifier, and answers an id_token signed RS256 with joserfc;
* ``/_control`` (tests only): set the client, the person's claims and how to misbehave, and
  read which token requests came in.

Misbehaviours, each named in ``misbehave``: ``wrong_aud``, ``wrong_iss``, ``expired``,
``wrong_nonce``, ``no_nonce``, ``bad_signature`` (signed by another key under the same key id),
``email_unverified``, ``reuse_codes`` (a code works again: shows our own state check refuses a
replay even when a provider would not), ``no_id_token``, ``no_iss_param`` (the authorization
response leaves out the RFC 9207 ``iss`` its discovery document promises), ``no_iss_support``
(the discovery document does not promise ``iss``, and the response has none).

Like current Google and Entra, it says in its discovery document that its authorization
response carries its issuer (RFC 9207 ``authorization_response_iss_parameter_supported``), and
sends it.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import secrets
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

KEY = RSAKey.generate_key(2048, parameters={"kid": "test-key", "use": "sig", "alg": "RS256"})
# Another key under the same id: what it signs fails the signature check, not the key lookup.
IMPOSTOR = RSAKey.generate_key(2048, parameters={"kid": "test-key", "use": "sig", "alg": "RS256"})

_DEFAULTS = {
    "client_id": "rising-tide-test",
    "client_secret": "s3cret-never-shown",
    "redirect_uris": [],
    "claims": {"sub": "subject-1", "email": "tom@own.example.sch.uk", "email_verified": True},
    "misbehave": [],
}


class State:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        self.config = json.loads(json.dumps(_DEFAULTS))
        self.codes: dict[str, dict] = {}
        self.token_requests: list[dict] = []


STATE = State()


def _challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


class Handler(BaseHTTPRequestHandler):
    server_version = "TestOIDC/1.0"

    def log_message(self, format, *args):  # quiet: the tests read what they need from _control
        pass

    @property
    def base(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def _json(self, data, status: int = 200) -> None:
        body = json.dumps(data).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def _error(self, error: str, status: int = 400) -> None:
        self._json({"error": error}, status)

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def do_GET(self):
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        if parts.path == "/.well-known/openid-configuration":
            issuer = self.base
            promised = "no_iss_support" not in STATE.config["misbehave"]
            return self._json(
                {
                    "authorization_response_iss_parameter_supported": promised,
                    "issuer": issuer,
                    "authorization_endpoint": f"{issuer}/authorize",
                    "token_endpoint": f"{issuer}/token",
                    "jwks_uri": f"{issuer}/jwks",
                    "response_types_supported": ["code"],
                    "subject_types_supported": ["public"],
                    "id_token_signing_alg_values_supported": ["RS256"],
                    "code_challenge_methods_supported": ["S256"],
                    "token_endpoint_auth_methods_supported": [
                        "client_secret_basic",
                        "client_secret_post",
                    ],
                }
            )
        if parts.path == "/jwks":
            return self._json(KeySet([KEY]).as_dict(private=False))
        if parts.path == "/authorize":
            return self._authorize(query)
        if parts.path == "/_control":
            with STATE.lock:
                return self._json({"config": STATE.config, "token_requests": STATE.token_requests})
        return self._error("not_found", 404)

    def _authorize(self, query: dict) -> None:
        config = STATE.config
        if query.get("client_id") != config["client_id"]:
            return self._error("unauthorized_client")
        redirect_uri = query.get("redirect_uri", "")
        if redirect_uri not in config["redirect_uris"]:
            return self._error("invalid_redirect_uri")
        if query.get("response_type") != "code" or "openid" not in query.get("scope", "").split():
            return self._error("unsupported_response_type")
        if query.get("code_challenge_method") != "S256" or not query.get("code_challenge"):
            return self._error("invalid_request: PKCE S256 is required")
        code = secrets.token_urlsafe(24)
        with STATE.lock:
            STATE.codes[code] = {
                "redirect_uri": redirect_uri,
                "challenge": query["code_challenge"],
                "nonce": query.get("nonce"),
                "used": False,
            }
        answer = {"code": code, "state": query.get("state", "")}
        if not {"no_iss_param", "no_iss_support"} & set(config["misbehave"]):
            answer["iss"] = self.base  # RFC 9207: who is answering
        target = redirect_uri + "?" + urlencode(answer)
        self.send_response(302)
        self.send_header("Location", target)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_POST(self):
        parts = urlsplit(self.path)
        if parts.path == "/token":
            return self._token()
        if parts.path == "/_control":
            update = json.loads(self._body() or b"{}")
            with STATE.lock:
                if update.pop("reset", False):
                    STATE.reset()
                STATE.config.update(update)
            return self._json({"ok": True})
        return self._error("not_found", 404)

    def _client(self, form: dict) -> tuple[str | None, str | None]:
        auth = self.headers.get("Authorization", "")
        if auth.startswith("Basic "):
            decoded = base64.b64decode(auth[6:]).decode()
            client_id, _, secret = decoded.partition(":")
            from urllib.parse import unquote_plus

            return unquote_plus(client_id), unquote_plus(secret)
        return form.get("client_id"), form.get("client_secret")

    def _token(self) -> None:
        form = {k: v[0] for k, v in parse_qs(self._body().decode()).items()}
        config = STATE.config
        misbehave = set(config["misbehave"])
        client_id, secret = self._client(form)
        with STATE.lock:
            STATE.token_requests.append(
                {
                    "has_verifier": bool(form.get("code_verifier")),
                    "grant_type": form.get("grant_type"),
                }
            )
            if client_id != config["client_id"] or secret != config["client_secret"]:
                return self._error("invalid_client", 401)
            if form.get("grant_type") != "authorization_code":
                return self._error("unsupported_grant_type")
            issued = STATE.codes.get(form.get("code", ""))
            if issued is None or (issued["used"] and "reuse_codes" not in misbehave):
                return self._error("invalid_grant")
            issued["used"] = True
        if form.get("redirect_uri") != issued["redirect_uri"]:
            return self._error("invalid_grant")
        if _challenge(form.get("code_verifier", "")) != issued["challenge"]:
            return self._error("invalid_grant")
        now = int(time.time())
        claims = {
            "iss": self.base,
            "aud": config["client_id"],
            "iat": now,
            "exp": now + 300,
            "nonce": issued["nonce"],
            **config["claims"],
        }
        if "wrong_aud" in misbehave:
            # Naming us as the authorised party, so only the audience check itself refuses it.
            claims["aud"], claims["azp"] = "some-other-client", config["client_id"]
        if "wrong_iss" in misbehave:
            claims["iss"] = "https://impostor.example"
        if "expired" in misbehave:
            claims["iat"], claims["exp"] = now - 3600, now - 1800
        if "wrong_nonce" in misbehave:
            claims["nonce"] = "not-the-nonce-you-sent"
        if "no_nonce" in misbehave:
            claims.pop("nonce")
        if "email_unverified" in misbehave:
            claims["email_verified"] = False
        key = IMPOSTOR if "bad_signature" in misbehave else KEY
        id_token = jwt.encode({"alg": "RS256", "kid": "test-key"}, claims, key)
        answer = {
            "access_token": secrets.token_urlsafe(24),
            "token_type": "Bearer",
            "expires_in": 300,
            "id_token": id_token,
        }
        if "no_id_token" in misbehave:
            answer.pop("id_token")
        return self._json(answer)


def main() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)  # noqa: T201 - the parent reads the port
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
