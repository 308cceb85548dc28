"""An LTI 1.3 platform of our own on 127.0.0.1 for the tests: it signs real id_tokens with its
own RSA key (joserfc), publishes its key set, runs the OIDC authentication step a browser goes
through, answers the OAuth 2 token request (checking our signed client assertion), keeps line
items and the scores posted to them, lists a course's members (NRPS), and receives deep
linking answers. It can misbehave on request: wrong audience, a reused nonce, an expired
token, an unknown deployment, a tampered signature, another issuer.

Its browser pages post with an inline script of its own (it is not our site, so our CSP does
not apply) and keep a visible button as well.
"""

import base64
import html
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
MEMBERSHIP = "http://purl.imsglobal.org/vocab/lis/v2/membership#"
AGS_SCOPES = [
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
]
_KEY = RSAKey.generate_key(2048, private=True, parameters={"kid": "sim-1"})  # made once a run


@dataclass
class Person:
    sub: str
    given: str
    family: str
    role: str  # "Instructor" or "Learner"


@dataclass
class Simulator:
    """The platform's state; ``url`` once started."""

    client_id: str = "rt-tool-1"
    deployment_id: str = "deploy-1"
    context_id: str = "course-42"
    context_title: str = "Year 5 Science"
    tool_key_set: object = None  # () -> our JWKS, to check what we sign
    misbehave: set = field(default_factory=set)
    url: str = ""
    scores: list = field(default_factory=list)
    lineitems: dict = field(default_factory=dict)  # id url -> dict
    tokens_issued: list = field(default_factory=list)
    deep_link_answers: list = field(default_factory=list)
    members: list = field(default_factory=list)  # [Person]
    members_per_page: int = 0  # 0: every member on one page; else pages named in a Link header
    pending: dict = field(default_factory=dict)  # message hint -> what to launch
    used_nonces: list = field(default_factory=list)

    @property
    def issuer(self) -> str:
        return self.url

    def registration(self) -> dict:
        return {
            "issuer": self.url,
            "client_id": self.client_id,
            "key_set_url": self.url + "/jwks",
            "auth_login_url": self.url + "/auth",
            "token_url": self.url + "/token",
        }

    # --- id_tokens ---------------------------------------------------------------------------

    def claims(
        self,
        person: Person,
        nonce: str,
        message: str = "LtiResourceLinkRequest",
        custom: dict | None = None,
        lineitem: str | None = None,
    ) -> dict:
        now = int(time.time())
        claims = {
            "iss": self.url,
            "sub": person.sub,
            "aud": self.client_id,
            "iat": now,
            "exp": now + 300,
            "nonce": nonce,
            "given_name": person.given,
            "family_name": person.family,
            LTI + "message_type": message,
            LTI + "version": "1.3.0",
            LTI + "deployment_id": self.deployment_id,
            LTI + "target_link_uri": "",
            LTI + "roles": [MEMBERSHIP + person.role],
            LTI + "context": {"id": self.context_id, "title": self.context_title},
            "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice": {
                "context_memberships_url": self.url + "/memberships",
                "service_versions": ["2.0"],
            },
        }
        if message == "LtiResourceLinkRequest":
            claims[LTI + "resource_link"] = {"id": "link-1", "title": "TASC project"}
            claims[LTI + "custom"] = custom or {}
            endpoint = {"scope": AGS_SCOPES, "lineitems": self.url + "/lineitems"}
            if lineitem:
                endpoint["lineitem"] = lineitem
            claims["https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"] = endpoint
        else:
            claims[DL + "deep_linking_settings"] = {
                "deep_link_return_url": self.url + "/deep-link-return",
                "accept_types": ["ltiResourceLink"],
                "accept_presentation_document_targets": ["window", "iframe"],
                "data": "sim-data-7",
            }
        return claims

    def sign(self, claims: dict) -> str:
        """``claims`` signed with the platform's key, after any misbehaviour asked for."""
        claims = dict(claims)
        if "wrong_aud" in self.misbehave:
            claims["aud"] = "some-other-tool"
        if "expired" in self.misbehave:
            # Expired 100 s ago (past the leeway), though issued recently enough.
            claims["iat"], claims["exp"] = claims["iat"] - 200, claims["iat"] - 100
        if "unknown_deployment" in self.misbehave:
            claims[LTI + "deployment_id"] = "deploy-nobody-registered"
        if "reuse_nonce" in self.misbehave and self.used_nonces:
            claims["nonce"] = self.used_nonces[0]
        if "other_issuer" in self.misbehave:
            claims["iss"] = "https://platform.invalid"
        self.used_nonces.append(claims["nonce"])
        token = jwt.encode({"alg": "RS256", "kid": "sim-1"}, claims, _KEY, algorithms=["RS256"])
        if "tampered" in self.misbehave:
            head, body, sig = token.split(".")
            changed = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
            changed["sub"] = "someone-else"
            body = base64.urlsafe_b64encode(json.dumps(changed).encode()).rstrip(b"=").decode()
            token = f"{head}.{body}.{sig}"
        return token

    def key_set(self) -> dict:
        return {
            "keys": [{**_KEY.as_dict(private=False), "kid": "sim-1", "alg": "RS256", "use": "sig"}]
        }

    # --- the browser's side --------------------------------------------------------------------

    def start_url(self, tool_login: str, target: str, person: Person, **what) -> str:
        """Where a browser starts a launch: the platform's page that posts to our login."""
        hint = secrets.token_urlsafe(8)
        self.pending[hint] = {"person": person, **what}
        return (
            self.url
            + "/start?"
            + urlencode({"login": tool_login, "target": target, "hint": hint, "who": person.sub})
        )


def _page(title: str, body: str) -> bytes:
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        f"</head><body><main><h1>{title}</h1>{body}</main></body></html>"
    ).encode()


def _autopost(action: str, fields: dict, label: str) -> str:
    inputs = "".join(
        f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
        for k, v in fields.items()
    )
    return (
        f'<form id="f" method="post" action="{html.escape(action)}">{inputs}'
        f'<button type="submit">{label}</button></form>'
        '<script>document.getElementById("f").submit()</script>'
    )


class _Handler(BaseHTTPRequestHandler):
    sim: Simulator

    def log_message(self, *args):  # quiet
        pass

    def _send(
        self, status: int, body: bytes, kind: str = "application/json", extra: dict | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, value, kind: str = "application/json", extra=None) -> None:
        self._send(status, json.dumps(value).encode(), kind, extra)

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _bearer_ok(self) -> bool:
        auth = self.headers.get("Authorization", "")
        return auth.removeprefix("Bearer ") in self.sim.tokens_issued

    def do_GET(self):
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        sim = self.sim
        if parts.path == "/jwks":
            return self._json(200, sim.key_set(), "application/jwk-set+json")
        if parts.path == "/start":
            what = sim.pending[query["hint"]]
            fields = {
                "iss": sim.issuer,
                "login_hint": query["who"],
                "target_link_uri": query["target"],
                "lti_message_hint": query["hint"],
                "client_id": sim.client_id,
                "lti_deployment_id": sim.deployment_id,
            }
            label = "Open Rising Tide"
            if what.get("message") == "LtiDeepLinkingRequest":
                label = "Add Rising Tide content"
            return self._send(
                200,
                _page("Course: " + sim.context_title, _autopost(query["login"], fields, label)),
                "text/html",
            )
        if parts.path == "/auth":
            what = sim.pending.get(query.get("lti_message_hint", ""))
            if what is None or query.get("client_id") != sim.client_id:
                return self._send(400, _page("Bad request", ""), "text/html")
            claims = sim.claims(
                what["person"],
                query["nonce"],
                what.get("message", "LtiResourceLinkRequest"),
                what.get("custom"),
                what.get("lineitem"),
            )
            claims[LTI + "target_link_uri"] = query.get("redirect_uri", "")
            fields = {"id_token": sim.sign(claims), "state": query["state"]}
            return self._send(
                200,
                _page("Signing you in", _autopost(query["redirect_uri"], fields, "Continue")),
                "text/html",
            )
        if parts.path == "/memberships":
            if not self._bearer_ok():
                return self._json(401, {"error": "invalid_token"})
            members = [
                {
                    "user_id": p.sub,
                    "given_name": p.given,
                    "family_name": p.family,
                    "roles": [MEMBERSHIP + p.role],
                    "status": "Active",
                }
                for p in sim.members
            ]
            extra = {}
            if sim.members_per_page:  # NRPS section 2.4.2: the next page in a Link header
                page = int(query.get("page", "1"))
                size = sim.members_per_page
                if page * size < len(members):
                    extra["Link"] = f'<{sim.url}/memberships?page={page + 1}>; rel="next"'
                members = members[(page - 1) * size : page * size]
            return self._json(
                200,
                {"id": sim.url + "/memberships", "members": members},
                "application/vnd.ims.lti-nrps.v2.membershipcontainer+json",
                extra,
            )
        return self._send(404, b"{}")

    def do_POST(self):
        parts = urlsplit(self.path)
        sim = self.sim
        body = self._body()
        if parts.path == "/token":
            form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
            try:
                assertion = jwt.decode(
                    form["client_assertion"],
                    KeySet.import_key_set(sim.tool_key_set()),
                    algorithms=["RS256"],
                ).claims
            except Exception:
                return self._json(401, {"error": "invalid_client"})
            if assertion.get("sub") != sim.client_id or assertion.get("aud") != sim.url + "/token":
                return self._json(401, {"error": "invalid_client"})
            token = secrets.token_urlsafe(16)
            sim.tokens_issued.append(token)
            return self._json(
                200,
                {
                    "access_token": token,
                    "token_type": "Bearer",
                    "expires_in": 3600,
                    "scope": form.get("scope", ""),
                },
            )
        if parts.path == "/lineitems":
            if not self._bearer_ok():
                return self._json(401, {"error": "invalid_token"})
            item = json.loads(body)
            item["id"] = f"{sim.url}/lineitems/{len(sim.lineitems) + 1}"
            sim.lineitems[item["id"]] = item
            return self._json(201, item, "application/vnd.ims.lis.v2.lineitem+json")
        if parts.path.startswith("/lineitems/") and parts.path.endswith("/scores"):
            if not self._bearer_ok():
                return self._json(401, {"error": "invalid_token"})
            if self.headers.get("Content-Type") != "application/vnd.ims.lis.v1.score+json":
                return self._json(415, {"error": "wrong type"})
            sim.scores.append({"lineitem": parts.path.removesuffix("/scores"), **json.loads(body)})
            return self._send(204, b"")
        if parts.path == "/deep-link-return":
            form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
            answer = jwt.decode(
                form["JWT"], KeySet.import_key_set(sim.tool_key_set()), algorithms=["RS256"]
            ).claims
            sim.deep_link_answers.append(answer)
            titles = ", ".join(i.get("title", "") for i in answer.get(DL + "content_items", []))
            return self._send(
                200, _page("Added to the course", f"<p>{html.escape(titles)}</p>"), "text/html"
            )
        return self._send(404, b"{}")


class RunningPlatform:
    """Start with ``with RunningPlatform(sim) as sim: ...``; stops on leaving."""

    def __init__(self, sim: Simulator, host: str = "127.0.0.1"):
        """``host``: the name the platform is reached by. A browser test names it as the live
        server is named ("localhost"), so that the two are the same site, as a school's
        Moodle and Rising Tide are not: over plain HTTP the state cookie can only be Lax."""
        self.sim = sim
        handler = type("Handler", (_Handler,), {"sim": sim})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        sim.url = f"http://{host}:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Simulator:
        self.thread.start()
        return self.sim

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
