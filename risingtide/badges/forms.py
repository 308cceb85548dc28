"""The badges pages' forms: awarding (which badge, for which project, and where to go back
to), withdrawing, a school's own badge, and the school's choices."""

from django import forms
from django.utils.http import url_has_allowed_host_and_scheme

from risingtide.badges.models import DESIGNS, SchoolBadgeSettings
from risingtide.badges.services import REASON_MAX_CHARS
from risingtide.lib.forms import id_field


def safe_back(value: str, fallback: str) -> str:
    """Where the teacher acted (the progress grid, a portfolio): a path on this site only, so
    the form cannot be made to send anyone elsewhere."""
    if value.startswith("/") and url_has_allowed_host_and_scheme(value, allowed_hosts=None):
        return value.split("#")[0]
    return fallback


class AwardForm(forms.Form):
    badge_class = id_field("Choose a badge to award.", required=True)
    project = id_field("That project is not one you can award for.")
    back = forms.CharField(required=False, max_length=500, widget=forms.HiddenInput)


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label="Why is the badge withdrawn?",
        # A reason can name another child ("copied Sam's work"): it is the staff's alone.
        help_text=(
            "Only the school’s staff see the reason. The badge leaves the pupil’s badges (and "
            "their carers’); its public page and the checking page say only that the school "
            "withdrew it, and when. Neither the pupil nor anyone checking the badge is shown why."
        ),
        max_length=REASON_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say why the badge is withdrawn."},
    )


class BadgeClassForm(forms.Form):
    name = forms.CharField(max_length=80, error_messages={"required": "Give the badge a name."})
    description = forms.CharField(
        label="What it is for, in words a pupil understands",
        max_length=300,
        error_messages={"required": "Say what the badge is for."},
    )
    criteria = forms.CharField(
        label="What a pupil does to earn it",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say what a pupil does to earn it."},
    )
    design = forms.ChoiceField(
        label="Picture",
        choices=list(DESIGNS.items()),
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a picture.", "invalid_choice": "Choose a picture."},
    )


class SettingsForm(forms.Form):
    allow_download = forms.BooleanField(
        label=SchoolBadgeSettings._meta.get_field("allow_download").verbose_name, required=False
    )
    name_in_credential = forms.ChoiceField(
        label=SchoolBadgeSettings._meta.get_field("name_in_credential").verbose_name,
        choices=SchoolBadgeSettings.Names.choices,
        widget=forms.RadioSelect,
    )
