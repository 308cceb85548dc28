"""A provider's profile (its people edit it; every member of staff who browses the catalogue
reads it, with the provider's published services and what its sessions were rated) and the
contract manager's view of a provider: contracts, services, delivery record and ratings.
Each read is a fixed number of queries."""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from risingtide.access.core import can, visible
from risingtide.audit.models import record
from risingtide.provision import contracts, kpis, ratings
from risingtide.provision.contract_models import STATUS_LABELS
from risingtide.provision.models import ProviderProfile, Service
from risingtide.schools.models import LocalAuthority, Provider

PROFILE_FIELDS = (
    "offer",
    "safeguarding",
    "staff_checks_on",
    "contact_name",
    "contact_email",
    "contact_phone",
)


def profile_of(provider: Provider) -> ProviderProfile:
    """The provider's profile, or an empty unsaved one."""
    return ProviderProfile.objects.filter(provider=provider).first() or ProviderProfile(
        provider=provider
    )


def save_profile(
    actor, provider: Provider, fields: dict, areas=(), website: str = ""
) -> ProviderProfile:
    """Change one's own provider's profile; ``website`` is the provider's own (on
    ``schools.Provider``), ``areas`` the LAs it serves (of its own nation)."""
    if not can(actor, "provider_profile.edit", provider):
        raise PermissionDenied
    website = website.strip()
    if website:
        try:
            URLValidator(schemes=["http", "https"])(website)
        except ValidationError:
            raise ValidationError(
                {"website": "Give a web address starting http:// or https://."}
            ) from None
    checked = fields.get("staff_checks_on")
    if checked and checked > timezone.localdate():
        raise ValidationError({"staff_checks_on": "Staff checks cannot be confirmed in future."})
    area_ids = [getattr(a, "pk", a) for a in areas]
    found = list(LocalAuthority.objects.filter(pk__in=area_ids, nation_id=provider.nation_id))
    if len(found) != len(set(area_ids)):
        raise ValidationError({"areas": "Choose local authorities of your own nation."})
    with transaction.atomic():
        profile, _ = ProviderProfile.objects.select_for_update().get_or_create(provider=provider)
        for name in PROFILE_FIELDS:
            if name in fields:
                setattr(profile, name, fields[name])
        profile.save()
        profile.areas.set(found)
        Provider.objects.filter(pk=provider.pk).update(website=website)
        record(actor, "provider.profile", provider)
    provider.website = website
    return profile


@dataclass
class ProfilePage:
    provider: Provider
    profile: ProviderProfile
    areas: list
    contracted: bool
    services: list
    delivery: kpis.Delivery
    comments: list  # for the provider's own people and the contract manager only
    checks_overdue: bool
    checks_due: date | None
    can_edit: bool
    # The provider's own contracts, with their status, for its own people only.
    contracts: list


def profile_page(user, provider: Provider, today: date | None = None) -> ProfilePage:
    """A provider's profile as ``user`` may see it."""
    today = today or timezone.localdate()
    profile = profile_of(provider)
    areas = list(profile.areas.order_by("name")) if profile.pk else []
    contracted = (
        contracts.with_standing(Provider.objects.filter(pk=provider.pk), today)
        .values_list("contracted", flat=True)
        .get()
    )
    services = list(
        visible(user, "service")
        .filter(provider=provider, status=Service.Status.PUBLISHED)
        .order_by("title", "pk")
    )
    all_services = provider.services.values_list("pk", flat=True)
    own = can(user, "provider_profile.edit", provider)
    sees_comments = own or can(user, "provider.oversee", provider)
    own_contracts = (
        [
            (c, STATUS_LABELS[c.status_on(today)])
            for c in contracts.contract_list(user).filter(provider=provider)
        ]
        if own
        else []
    )
    return ProfilePage(
        provider=provider,
        profile=profile,
        areas=areas,
        contracted=contracted,
        services=services,
        delivery=kpis.delivery_of(all_services, today),
        comments=ratings.comments_for(provider) if sees_comments else [],
        checks_overdue=profile.staff_checks_overdue(today),
        checks_due=profile.staff_checks_due(),
        can_edit=own,
        contracts=own_contracts,
    )


@dataclass
class ProviderRecord:
    """The contract manager's view of one provider."""

    provider: Provider
    profile: ProviderProfile
    contracted: bool
    contracts: list  # (contract, status, figures)
    services: list
    delivery: kpis.Delivery
    comments: list
    checks_overdue: bool


def provider_record(user, provider: Provider, today: date | None = None) -> ProviderRecord:
    today = today or timezone.localdate()
    profile = profile_of(provider)
    found = list(contracts.contract_list(user).filter(provider=provider))
    figures = kpis.contract_figures(found, today)
    services = list(
        visible(user, "service").filter(provider=provider).order_by("status", "title", "pk")
    )
    return ProviderRecord(
        provider=provider,
        profile=profile,
        contracted=any(c.in_force_on(today) for c in found),
        contracts=[(c, c.status_on(today), figures[c.pk]) for c in found],
        services=services,
        delivery=kpis.delivery_of([s.pk for s in services], today),
        comments=ratings.comments_for(provider),
        checks_overdue=profile.staff_checks_overdue(today),
    )
