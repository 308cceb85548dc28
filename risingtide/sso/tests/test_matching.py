"""Matching a verified identity to exactly one account, within the provider's schools only."""

import pytest

from risingtide.people.models import Membership, Role, User
from risingtide.sso.matching import NoAccount, match
from risingtide.sso.models import IdentityLink, IdentityProvider

pytestmark = pytest.mark.django_db
DOMAIN = "own.example.sch.uk"


def _provider(world, *, school="own", la=None, **fields):
    values = {
        "kind": IdentityProvider.Kind.OIDC,
        "name": "Accounts",
        "slug": f"p-{school}-{la}-{fields.get('match_on', 'email')}",
        "discovery_url": "https://id.example/.well-known/openid-configuration",
        "issuer": "https://id.example",
        "client_id": "c",
        "client_secret": "s",
        "email_domains": [DOMAIN],
        "enabled": True,
        **fields,
    }
    if la:
        return IdentityProvider.objects.create(local_authority=world.las[la], **values)
    return IdentityProvider.objects.create(school=world.schools[school], **values)


def _claims(sub="sub-1", **extra):
    return {"iss": "https://id.example", "sub": sub, **extra}


def _email(user, address):
    user.email = address
    user.save(update_fields=["email"])
    return user


def _refused(provider, claims) -> str:
    with pytest.raises(NoAccount) as refused:
        match(provider, claims)
    return refused.value.reason


def test_a_verified_email_on_the_school_domain_matches_and_is_remembered(world):
    teacher = _email(world.users["teacher@own"], f"Tom@{DOMAIN}")
    provider = _provider(world)
    assert match(provider, _claims(email=f"tom@{DOMAIN}", email_verified=True)) == teacher
    link = IdentityLink.objects.get()
    assert (link.user, link.issuer, link.subject) == (teacher, "https://id.example", "sub-1")


@pytest.mark.parametrize("verified", [False, "true", None])
def test_an_email_not_verified_matches_nobody(world, verified):
    _email(world.users["teacher@own"], f"tom@{DOMAIN}")
    assert _refused(_provider(world), _claims(email=f"tom@{DOMAIN}", email_verified=verified)) == (
        "email_unverified"
    )


def test_an_email_off_the_school_domains_matches_nobody(world):
    _email(world.users["teacher@own"], "tom@gmail.example")
    claims = _claims(email="tom@gmail.example", email_verified=True)
    assert _refused(_provider(world), claims) == "email_domain"


def test_never_a_person_of_another_school(world):
    _email(world.users["teacher@other"], f"tom@{DOMAIN}")  # on our domain, but at "other"
    claims = _claims(email=f"tom@{DOMAIN}", email_verified=True)
    assert _refused(_provider(world), claims) == "no_match"
    assert not IdentityLink.objects.exists()


def test_two_people_with_one_address_match_nobody(world):
    _email(world.users["teacher@own"], f"office@{DOMAIN}")
    _email(world.users["pupil@own"], f"office@{DOMAIN}")
    claims = _claims(email=f"office@{DOMAIN}", email_verified=True)
    assert _refused(_provider(world), claims) == "several_matches"


def test_never_by_display_name(world):
    teacher = world.users["teacher@own"]
    claims = _claims(name=teacher.get_full_name(), given_name=teacher.first_name)
    assert _refused(_provider(world), claims) == "email_unverified"
    mis = _provider(world, match_on="mis_id", mis_id_claim="employeeid")
    assert _refused(mis, claims) == "no_identifier"


def test_an_la_provider_serves_every_school_of_its_la_and_no_other(world):
    peer = _email(world.users["teacher@peer"], f"pat@{DOMAIN}")
    _email(world.users["teacher@other"], f"oli@{DOMAIN}")
    provider = _provider(world, la="own")
    assert match(provider, _claims(email=f"pat@{DOMAIN}", email_verified=True)) == peer
    claims = _claims(sub="sub-2", email=f"oli@{DOMAIN}", email_verified=True)
    assert _refused(provider, claims) == "no_match"


def test_the_mis_id_matches_in_the_named_claim(world):
    pupil = world.users["pupil@own"]
    pupil.mis_id = "1234"
    pupil.save(update_fields=["mis_id"])
    provider = _provider(world, match_on="mis_id", mis_id_claim="employeeid")
    assert match(provider, _claims(employeeid=1234)) == pupil
    assert _refused(provider, _claims(sub="sub-2", employeeid="")) == "no_identifier"


def test_an_mis_id_two_schools_of_the_la_share_matches_nobody(world):
    for key in ("pupil@own", "pupil@peer"):
        world.users[key].mis_id = "77"
        world.users[key].save(update_fields=["mis_id"])
    la = _provider(world, la="own", match_on="mis_id", mis_id_claim="upn_id")
    assert _refused(la, _claims(upn_id="77")) == "la_mis_id"  # an LA's matches on email alone
    # The school's own provider looks at its own school only: one match.
    own = _provider(world, match_on="mis_id", mis_id_claim="upn_id")
    assert match(own, _claims(upn_id="77")) == world.users["pupil@own"]


@pytest.mark.parametrize("key", ["site_admin@site", "national_officer@nation"])
def test_accounts_beyond_a_school_never_sign_in_this_way(world, key):
    wide = _email(world.users[key], f"boss@{DOMAIN}")
    Membership.objects.create(user=wide, role=Role.TEACHER, school=world.schools["own"])
    claims = _claims(email=f"boss@{DOMAIN}", email_verified=True)
    assert _refused(_provider(world), claims) == "no_match"


def test_a_closed_account_matches_nobody(world):
    teacher = _email(world.users["teacher@own"], f"tom@{DOMAIN}")
    teacher.is_active = False
    teacher.save(update_fields=["is_active"])
    claims = _claims(email=f"tom@{DOMAIN}", email_verified=True)
    assert _refused(_provider(world), claims) == "no_match"


def test_a_link_is_never_repointed_when_its_account_has_left(world):
    teacher = _email(world.users["teacher@own"], f"tom@{DOMAIN}")
    provider = _provider(world)
    claims = _claims(email=f"tom@{DOMAIN}", email_verified=True)
    match(provider, claims)
    teacher.memberships.all().delete()  # left the school
    _email(world.users["head@own"], f"tom@{DOMAIN}")  # and the address went to someone else
    assert _refused(provider, claims) == "linked_account_not_eligible"


def test_matching_never_makes_an_account(world):
    before = User.objects.count()
    _refused(_provider(world), _claims(email=f"new@{DOMAIN}", email_verified=True))
    assert User.objects.count() == before


# --- Who a connection can vouch for: pupils and teachers of its own schools, nobody more ------


@pytest.mark.parametrize("key", ["head@own", "leading_teacher@own", "teacher+lead@own"])
def test_those_who_manage_the_connection_never_sign_in_through_it(world, key):
    """A connection's owner (or a provider they run) must not vouch for the school's head or
    coordinators: they manage connections, and keep their passwords."""
    _email(world.users[key], f"boss@{DOMAIN}")
    claims = _claims(email=f"boss@{DOMAIN}", email_verified=True)
    assert _refused(_provider(world), claims) == "no_match"
    assert _refused(_provider(world, la="own"), claims) == "no_match"


def test_an_la_lead_who_also_teaches_in_the_school_never_signs_in_this_way(world):
    lead = _email(world.users["la_lead@other"], f"lead@{DOMAIN}")
    Membership.objects.create(user=lead, role=Role.TEACHER, school=world.schools["own"])
    claims = _claims(email=f"lead@{DOMAIN}", email_verified=True)
    assert _refused(_provider(world), claims) == "no_match"


def test_a_teacher_also_at_a_school_the_connection_does_not_serve_never_signs_in(world):
    """One school's connection cannot vouch for an account that reaches another school."""
    teacher = _email(world.users["teacher@own"], f"tom@{DOMAIN}")
    Membership.objects.create(user=teacher, role=Role.TEACHER, school=world.schools["other"])
    claims = _claims(email=f"tom@{DOMAIN}", email_verified=True)
    assert _refused(_provider(world), claims) == "no_match"


def test_a_teacher_at_two_schools_of_the_la_signs_in_through_the_las_connection(world):
    teacher = _email(world.users["teacher@own"], f"tom@{DOMAIN}")
    Membership.objects.create(user=teacher, role=Role.TEACHER, school=world.schools["peer"])
    claims = _claims(email=f"tom@{DOMAIN}", email_verified=True)
    assert match(_provider(world, la="own"), claims) == teacher
    assert _refused(_provider(world), _claims(sub="sub-2", **claims_email(teacher))) == "no_match"


def claims_email(user) -> dict:
    return {"email": user.email, "email_verified": True}


def test_a_remembered_link_stops_working_once_the_account_reaches_further(world):
    teacher = _email(world.users["teacher@own"], f"tom@{DOMAIN}")
    provider = _provider(world)
    claims = _claims(email=f"tom@{DOMAIN}", email_verified=True)
    assert match(provider, claims) == teacher
    Membership.objects.create(user=teacher, role=Role.HEAD, school=world.schools["own"])
    assert _refused(provider, claims) == "linked_account_not_eligible"


# --- An LA-wide connection matches on email alone --------------------------------------------


def test_an_la_connection_never_matches_on_the_mis_id(world):
    """An MIS id is unique only within one school: a number one school gave its pupil, which
    another school of the LA gave someone else (not yet rostered), must not match the first."""
    own = world.users["pupil@own"]
    own.mis_id = "77"
    own.save(update_fields=["mis_id"])
    la = _provider(world, la="own", match_on="mis_id", mis_id_claim="upn_id")
    assert _refused(la, _claims(sub="peer-pupil", upn_id="77")) == "la_mis_id"
    assert not IdentityLink.objects.exists()


def test_an_la_connection_cannot_be_set_to_match_on_the_mis_id(world):
    from django.core.exceptions import ValidationError

    provider = IdentityProvider(
        local_authority=world.las["own"],
        kind=IdentityProvider.Kind.OIDC,
        name="LA accounts",
        slug="la-own-oidc",
        discovery_url="https://id.example/.well-known/openid-configuration",
        client_id="c",
        client_secret="s",
        match_on=IdentityProvider.MatchOn.MIS_ID,
        mis_id_claim="upn_id",
    )
    with pytest.raises(ValidationError) as refused:
        provider.full_clean()
    assert refused.value.message_dict["match_on"] == [
        "An LA-wide connection matches on email; MIS ids are unique only within one school."
    ]
    provider.school, provider.local_authority = world.schools["own"], None
    provider.full_clean()  # a school's own connection may


# --- Google: the Workspace domain (hd) must be the school's ----------------------------------


def test_a_google_connection_needs_the_workspace_domain_to_be_the_schools(world):
    """Google's email_verified is true for any Google account, a personal one on a school's
    domain included; only ``hd`` says the account is the school's Workspace's."""
    teacher = _email(world.users["teacher@own"], f"tom@{DOMAIN}")
    google = _provider(world, kind=IdentityProvider.Kind.GOOGLE)
    claims = _claims(email=f"tom@{DOMAIN}", email_verified=True)
    assert _refused(google, claims) == "hosted_domain"
    assert _refused(google, {**claims, "hd": "gmail.example"}) == "hosted_domain"
    assert _refused(google, {**claims, "hd": ["own.example.sch.uk"]}) == "hosted_domain"
    assert match(google, {**claims, "hd": DOMAIN.upper()}) == teacher
    # Another provider's answer carries no hd, and needs none.
    assert (
        match(
            _provider(world, school="own", slug="p-oidc"),
            _claims(sub="s2", **claims_email(teacher)),
        )
        == teacher
    )
