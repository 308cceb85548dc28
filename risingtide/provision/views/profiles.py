"""A provider's profile: every member of staff who browses the catalogue reads it (with the
provider's published services and how its sessions were rated); its own people change it."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from risingtide.access.core import requires
from risingtide.lib.forms import posted, show_refusal
from risingtide.provision import profiles
from risingtide.provision.contract_forms import ProfileForm
from risingtide.schools.models import LocalAuthority


@require_GET
@requires("provider_profile.view", "pk")
def profile(request, provider):
    return render(
        request,
        "provision/profile.html",
        {"page": profiles.profile_page(request.user, provider), "today": timezone.localdate()},
    )


@requires("provider_profile.edit", "pk")
def edit_profile(request, provider):
    current = profiles.profile_of(provider)
    areas = LocalAuthority.objects.filter(nation_id=provider.nation_id).order_by("name")
    initial = {
        "website": provider.website,
        "areas": [a.pk for a in current.areas.all()] if current.pk else [],
    }
    form = ProfileForm(
        **posted(request),
        instance=current,
        initial=initial,
        areas=[(a.pk, a.name) for a in areas],
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            profiles.save_profile(
                request.user,
                provider,
                {name: data[name] for name in profiles.PROFILE_FIELDS},
                areas=data["areas"],
                website=data["website"],
            )
        except ValidationError as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, "Profile saved: this is what schools now see.")
            return redirect("provision:provider_profile", provider.pk)
    return render(
        request,
        "provision/profile_form.html",
        {"form": form, "provider": provider},
        status=400 if form.errors else 200,
    )
