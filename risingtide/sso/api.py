"""Single sign-on in the API, under the same capabilities as the pages: a school's or an LA's
connections, and one connection. Never the client secret: only whether one is set."""

from datetime import datetime

from ninja import Field, Router, Schema

from risingtide.access.core import requires
from risingtide.sso import queries
from risingtide.sso.models import IdentityProvider

router = Router(tags=["Single sign-on"])


class ConnectionOut(Schema):
    id: int
    name: str
    kind: str
    school: int | None = Field(description="The school it serves, or none for an LA's")
    local_authority: int | None = Field(description="The LA whose every school it serves")
    slug: str = Field(description="The school sign-in code; the sign-in address is /sso/<slug>/")
    discovery_url: str
    issuer: str
    client_id: str
    client_secret_set: bool = Field(description="Whether a secret is saved (it is never shown)")
    match_on: str
    email_domains: list[str]
    mis_id_claim: str
    enabled: bool
    password_sign_in: bool
    updated_at: datetime


def _out(provider: IdentityProvider, secret_set: bool) -> dict:
    return {
        "id": provider.pk,
        "name": provider.name,
        "kind": provider.kind,
        "school": provider.school_id,
        "local_authority": provider.local_authority_id,
        "slug": provider.slug,
        "discovery_url": provider.discovery_url,
        "issuer": provider.issuer,
        "client_id": provider.client_id,
        "client_secret_set": secret_set,
        "match_on": provider.match_on,
        "email_domains": provider.email_domains,
        "mis_id_claim": provider.mis_id_claim,
        "enabled": provider.enabled,
        "password_sign_in": provider.password_sign_in,
        "updated_at": provider.updated_at,
    }


def _listed(found) -> list[dict]:
    # Secrets are never loaded for a list; each connection must have one to be saved.
    return [_out(p, True) for p in found]


@router.get(
    "/sso/schools/{school_id}/connections",
    response=list[ConnectionOut],
    summary="A school's single sign-on connections",
)
@requires("school.sign_in", "school_id", api=True)
def sso_school_connections(request, school_id: int):
    return _listed(queries.connections(request.user, school=request.access_target))


@router.get(
    "/sso/las/{la_id}/connections",
    response=list[ConnectionOut],
    summary="An LA's single sign-on connections (for every school in it)",
)
@requires("local_authority.sign_in", "la_id", api=True)
def sso_la_connections(request, la_id: int):
    return _listed(queries.connections(request.user, local_authority=request.access_target))


@router.get(
    "/sso/connections/{provider_id}",
    response=ConnectionOut,
    summary="One single sign-on connection (never its client secret)",
)
@requires("identity_provider.view", "provider_id", api=True)
def sso_connection(request, provider_id: int):
    provider = request.access_target
    return _out(provider, bool(provider.client_secret))
