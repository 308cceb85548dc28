"""The connection form: what a coordinator, head or LA lead types to connect a provider.

Google and Microsoft Entra fill their own discovery URL in (Entra's needs the tenant id); any
other provider is named by its discovery URL. The client secret is never shown back: an empty
box on an existing connection keeps the one saved.
"""

import re

from django import forms

from risingtide.sso.models import ENTRA_DISCOVERY, GOOGLE_DISCOVERY, IdentityProvider
from risingtide.sso.oidc import secure_url

_TENANT = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
)
_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_WELL_KNOWN = "/.well-known/openid-configuration"


class ProviderForm(forms.ModelForm):
    client_secret = forms.CharField(
        label="Client secret",
        required=False,
        strip=True,
        max_length=400,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )
    discovery_url = forms.URLField(
        label="Discovery URL",
        required=False,
        max_length=400,
        assume_scheme="https",
        help_text="Another provider only (Google and Microsoft fill theirs in). It ends in "
        "/.well-known/openid-configuration.",
    )
    email_domains = forms.CharField(
        label="Email domains",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One per line, e.g. school.example.sch.uk. Only addresses on these match.",
    )

    class Meta:
        model = IdentityProvider
        fields = [
            "kind",
            "name",
            "tenant",
            "discovery_url",
            "client_id",
            "client_secret",
            "match_on",
            "email_domains",
            "mis_id_claim",
            "password_sign_in",
            "enabled",
        ]
        widgets = {"kind": forms.RadioSelect, "match_on": forms.RadioSelect}
        help_texts = {
            "tenant": "Microsoft Entra only: the Directory (tenant) ID, e.g. "
            "4f1c2a3b-0000-4000-8000-123456789abc.",
            "mis_id_claim": "When matching on the MIS id: the claim in the provider's identity "
            "token that carries it, e.g. employeeid.",
            "enabled": "Switching it on reads the provider's discovery document first.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.has_secret = bool(self.instance.pk and self.instance.client_secret)
        self.fields["kind"].choices = IdentityProvider.Kind.choices  # no empty "---------"
        self.fields["kind"].label = "Provider"
        self.fields["match_on"].label = "Match people on"
        self.fields["client_secret"].help_text = (
            "A secret is set. Leave this empty to keep it, or type a new one to replace it."
            if self.has_secret
            else "From the provider's app registration. It is never shown again once saved."
        )
        if not self.is_bound:
            self.initial["email_domains"] = "\n".join(self.instance.email_domains or [])

    def clean_client_secret(self):
        secret = self.cleaned_data["client_secret"]
        if not secret and not self.has_secret:
            raise forms.ValidationError("Type the client secret from the provider.")
        return secret or self.instance.client_secret

    def clean_email_domains(self):
        domains = []
        for line in self.cleaned_data["email_domains"].split():
            domain = line.strip().lower().lstrip("@")
            if not _DOMAIN.match(domain):
                raise forms.ValidationError(f"{line} is not a domain name such as school.sch.uk.")
            domains.append(domain)
        return list(dict.fromkeys(domains))

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == IdentityProvider.Kind.GOOGLE:
            data["discovery_url"] = GOOGLE_DISCOVERY
        elif kind == IdentityProvider.Kind.MICROSOFT:
            tenant = (data.get("tenant") or "").strip()
            if not _TENANT.match(tenant):
                self.add_error("tenant", "Type the Entra Directory (tenant) ID: 36 characters.")
            else:
                data["discovery_url"] = ENTRA_DISCOVERY.format(tenant=tenant.lower())
        elif kind == IdentityProvider.Kind.OIDC:
            url = data.get("discovery_url") or ""
            if not url.endswith(_WELL_KNOWN):
                self.add_error(
                    "discovery_url", f"Type the provider's discovery URL, ending in {_WELL_KNOWN}."
                )
            elif not secure_url(url):
                self.add_error("discovery_url", "The discovery URL must start with https://.")
        if kind != IdentityProvider.Kind.MICROSOFT:
            data["tenant"] = ""
        match_on = data.get("match_on")
        if match_on == IdentityProvider.MatchOn.EMAIL and not data.get("email_domains"):
            self.add_error("email_domains", "List the email domains your school's accounts use.")
        if match_on == IdentityProvider.MatchOn.MIS_ID and not data.get("mis_id_claim"):
            self.add_error("mis_id_claim", "Name the claim that carries the MIS id.")
        return data


class EnableForm(forms.Form):
    enabled = forms.BooleanField(required=False)


class FindForm(forms.Form):
    """The school sign-in code typed on the sign-in page: a connection's address name."""

    code = forms.SlugField(
        label="School sign-in code",
        max_length=60,
        error_messages={
            "required": "Type the sign-in code your school gave you.",
            "invalid": "A school sign-in code is letters, numbers and dashes.",
        },
    )
