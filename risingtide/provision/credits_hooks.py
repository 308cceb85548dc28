"""What provision tells the credits app through its hooks: how finance reaches a provider (the
contact on its profile), for the remittance of redeemed credits."""

from risingtide.provision.models import ProviderProfile


def provider_contacts(provider_ids: list[int]) -> dict[int, str]:
    """Each provider's contact as one line (name, email, telephone): one query."""
    out = {}
    rows = ProviderProfile.objects.filter(provider_id__in=provider_ids).values_list(
        "provider_id", "contact_name", "contact_email", "contact_phone"
    )
    for pk, *parts in rows:
        if line := ", ".join(p for p in parts if p):
            out[pk] = line
    return out
