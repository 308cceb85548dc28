"""Deep Linking (LTI DL 2.0): a teacher launched to choose content picks a TASC project, and
we answer the platform with a signed ``LtiDeepLinkingResponse`` holding one ``ltiResourceLink``
whose custom parameter names the project.

What the request asked is kept in the teacher's session between the launch and the choice (it
is theirs, and the choice page is ours, same-site); it is used once.
"""

import secrets
import time

from django.conf import settings
from joserfc import jwt

from risingtide.lti import keys
from risingtide.lti.claims import DL, LTI, Launch
from risingtide.lti.models import Context, Platform
from risingtide.lti.oidc import launch_url
from risingtide.lti.services import PROJECT_PARAM
from risingtide.tasc.models import Project

SESSION_KEY = "lti_deep_link"
TOTAL_STAGES = 8


def remember(session, launch: Launch, context: Context) -> None:
    dl = launch.claims[DL + "deep_linking_settings"]
    session[SESSION_KEY] = {
        "platform": launch.platform.pk,
        "deployment_id": launch.deployment_id,
        "context": context.pk,
        "return_url": dl["deep_link_return_url"],
        "data": dl.get("data") if isinstance(dl.get("data"), str) else None,
    }


def pending(session) -> dict | None:
    found = session.get(SESSION_KEY)
    return found if isinstance(found, dict) else None


def response_jwt(request_info: dict, platform: Platform, project: Project) -> str:
    """The signed answer to the platform: our client id as issuer, the platform as audience."""
    now = int(time.time())
    item = {
        "type": "ltiResourceLink",
        "title": project.title,
        "text": (project.brief or "")[:500],
        "url": launch_url(),
        "custom": {PROJECT_PARAM: str(project.pk)},
        # Asks the platform to make a gradebook column for it (stages done out of eight).
        "lineItem": {"scoreMaximum": TOTAL_STAGES, "label": project.title[:200]},
    }
    claims = {
        "iss": platform.client_id,
        "aud": [platform.issuer],
        "iat": now,
        "exp": now + 600,
        "nonce": secrets.token_urlsafe(24),
        LTI + "message_type": "LtiDeepLinkingResponse",
        LTI + "version": "1.3.0",
        LTI + "deployment_id": request_info["deployment_id"],
        DL + "content_items": [item],
        DL + "msg": f"{project.title} added from {settings.SITE_NAME}",
    }
    if request_info.get("data") is not None:
        claims[DL + "data"] = request_info["data"]
    header = {"alg": keys.ALGORITHM, "typ": "JWT", "kid": keys.kid()}
    return jwt.encode(header, claims, keys.tool_key(), algorithms=[keys.ALGORITHM])
