"""What the credits app asks of the apps above it, without importing them (lib.hooks)."""

from risingtide.lib.hooks import Hook

provider_contacts = Hook(
    "credits.provider_contacts",
    "Given a list of provider ids, return {provider id: how finance reaches them} (a name, "
    "an email, a telephone number), for the remittance; the profile lives in provision.",
)
