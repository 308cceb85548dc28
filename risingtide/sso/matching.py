"""Who a verified identity is: exactly one existing account, within the schools the provider
serves, or nobody.

Matching never looks beyond the provider's own schools (its school, or every school of its
LA), never by a name, and never creates an account: a school's provider vouches for the
school's people and no one else. An identifier two people share (an MIS id reused by two
schools of one LA, a shared staff address) matches nobody rather than a guess.

Only pupils and teachers whose every membership is at a school the provider serves sign in
this way. A connection is made by a school's coordinators and heads (or an LA's leads), and its
provider may be one of them runs: it must never vouch for those who manage connections (heads,
coordinators, LA leads, who keep their passwords), nor for anyone whose account reaches beyond
the provider's schools (another school, a cluster, an LA, a nation, a provider, the whole site,
a carer's child, Django staff). Taking over a school's Google or Entra tenant, or connecting a
provider of one's own, must not open more than that school's pupils and teachers.

An LA-wide connection matches on a verified email alone: an MIS id is unique only within one
school, so another school of the LA may have given the same number to someone else.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone

from risingtide.people.models import Membership, Role, User
from risingtide.schools.models import School
from risingtide.sso.models import IdentityLink, IdentityProvider

# The only roles a connection signs in (as ``backends.PROVIDER_ONLY_ROLES``): heads, coordinators
# and LA leads manage connections and keep their password; wider roles reach beyond a school.
SIGNS_IN = (Role.PUPIL, Role.TEACHER)


class NoAccount(Exception):
    """No account, or more than one, answers to the identity. ``reason`` is for the audit."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def served_schools(provider: IdentityProvider) -> QuerySet:
    if provider.school_id:
        return School.objects.filter(pk=provider.school_id)
    return School.objects.filter(local_authority_id=provider.local_authority_id)


def eligible(provider: IdentityProvider) -> QuerySet:
    """Active accounts that are pupils or teachers at the schools the provider serves and
    nothing else: every membership a pupil's or teacher's, and every one at a served school."""
    served = Q(role__in=SIGNS_IN, school__in=served_schools(provider).values("pk"))
    members = Membership.objects.filter(served).values("user_id")
    # Any other membership: another role, or a pupil's or teacher's somewhere not served.
    beyond = Membership.objects.filter(~served | Q(school__isnull=True)).values("user_id")
    return (
        User.objects.filter(is_active=True, is_staff=False, is_superuser=False)
        .filter(pk__in=members)
        .exclude(pk__in=beyond)
    )


def _email(provider: IdentityProvider, claims: dict) -> str:
    if claims.get("email_verified") is not True:  # "true" as a string is not a verification
        raise NoAccount("email_unverified")
    email = claims.get("email")
    if not isinstance(email, str) or email.count("@") != 1:
        raise NoAccount("no_identifier")
    domains = {d.lower() for d in provider.email_domains}
    if email.rsplit("@", 1)[1].lower() not in domains:
        raise NoAccount("email_domain")
    if provider.kind == IdentityProvider.Kind.GOOGLE:
        # Google verifies the address of any Google account, a personal one made on a school's
        # domain included; ``hd`` names the Workspace the account belongs to.
        hosted = claims.get("hd")
        if not isinstance(hosted, str) or hosted.lower() not in domains:
            raise NoAccount("hosted_domain")
    return email


def _identifier_filter(provider: IdentityProvider, claims: dict) -> Q:
    if provider.match_on == IdentityProvider.MatchOn.EMAIL:
        return Q(email__iexact=_email(provider, claims))
    if provider.local_authority_id:
        # Refused when saved too (``IdentityProvider.clean``); here in case one was anyway.
        raise NoAccount("la_mis_id")
    value = claims.get(provider.mis_id_claim) if provider.mis_id_claim else None
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        raise NoAccount("no_identifier")
    return Q(mis_id=value.strip())


def match(provider: IdentityProvider, claims: dict) -> User:
    """The one account the verified ``claims`` belong to, remembered by (issuer, sub) once
    found. Raises :class:`NoAccount` otherwise."""
    issuer, subject = claims["iss"], claims["sub"]
    accounts = eligible(provider)
    linked = list(
        accounts.filter(
            identity_links__provider=provider,
            identity_links__issuer=issuer,
            identity_links__subject=subject,
        )[:1]
    )
    if linked:
        IdentityLink.objects.filter(provider=provider, issuer=issuer, subject=subject).update(
            last_used_at=timezone.now()
        )
        return linked[0]
    if IdentityLink.objects.filter(provider=provider, issuer=issuer, subject=subject).exists():
        # Linked to an account that has since left the provider's schools (or been closed):
        # the link stands for that account alone, never re-pointed to someone else.
        raise NoAccount("linked_account_not_eligible")
    found = list(accounts.filter(_identifier_filter(provider, claims))[:2])
    if not found:
        raise NoAccount("no_match")
    if len(found) > 1:
        raise NoAccount("several_matches")
    IdentityLink.objects.create(
        provider=provider,
        issuer=issuer,
        subject=subject,
        user=found[0],
        last_used_at=timezone.now(),
    )
    return found[0]
