"""The e-credit pages' forms. Amounts are read by the ledger's own check (``whole_credits``), so
a page refuses a negative or fractional number in the same words as the API. Every form that
moves credits carries a hidden one-time key: a double submit posts once."""

import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from risingtide.credits.ledger import whole_credits
from risingtide.credits.rounds import WEIGHT_LIMITS
from risingtide.lib.forms import id_field


class CreditsField(forms.CharField):
    """A whole number of credits above zero (or, with ``allow_zero``, zero for "none")."""

    def __init__(self, *args, allow_zero: bool = False, **kwargs):
        self.allow_zero = allow_zero
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric"}))
        super().__init__(*args, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value in ("", None):
            return 0 if self.allow_zero else None
        text = str(value).strip()
        if self.allow_zero and text == "0":
            return 0
        if text.startswith("-") and text[1:].replace(".", "", 1).isdigit():
            raise ValidationError("Give a number of credits above zero.")
        try:
            return whole_credits(value)
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["amount"]) from None


class KeyedForm(forms.Form):
    """A form that moves credits: its key is made when the page is shown and sent back."""

    key = forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={"required": "This form has expired: open the page again."},
    )

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        if data is None:
            self.initial.setdefault("key", uuid.uuid4())


def _future(value):
    if value is not None and value <= timezone.localdate():
        raise ValidationError("Give an expiry date after today.")
    return value


class StatementForm(forms.Form):
    start = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", "Give a date on or after the start.")
        return data


class FundForm(KeyedForm):
    amount = CreditsField(label="Credits coming in")
    memo = forms.CharField(label="Where they come from", max_length=300, required=False)


class ReverseForm(KeyedForm):
    transaction = id_field("Choose a movement on this account's statement.", required=True)
    memo = forms.CharField(
        label="Why it is reversed",
        max_length=300,
        error_messages={"required": "Say why it is reversed."},
    )

    def line(self) -> int:
        """The statement line the form was sent from (0 if none): where its errors belong."""
        try:
            return self.fields["transaction"].clean(self.data.get("transaction"))
        except ValidationError:
            return 0


class RoundForm(KeyedForm):
    """A funding round: by hand (an amount for each place below) or by the register formula."""

    method = forms.ChoiceField(
        label="How the credits are shared",
        choices=[
            ("hand", "By hand: an amount for each"),
            ("formula", "By formula from the register"),
        ],
        widget=forms.RadioSelect,
        initial="formula",
    )
    per_pupil = CreditsField(
        label="Credits per identified pupil",
        required=False,
        help_text="By formula: for each pupil identified on the register this year.",
    )
    weight = forms.IntegerField(
        label="Weighting for disadvantaged pupils (%)",
        required=False,
        initial=150,
        min_value=WEIGHT_LIMITS[0],
        max_value=WEIGHT_LIMITS[1],
        help_text="By formula: a pupil eligible for free school meals now or in the last six "
        "years (Ever-6) counts as this share of a pupil; 150 means one and a half.",
    )
    expires_on = forms.DateField(
        label="The credits expire on",
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[_future],
        help_text="Unspent credits go back up on the day after.",
    )
    memo = forms.CharField(label="Note on the statements", max_length=300, required=False)

    def __init__(self, data=None, *, places=(), **kwargs):
        super().__init__(data, **kwargs)
        self.places = list(places)
        for place in self.places:
            self.fields[f"amount_{place.pk}"] = CreditsField(
                label=str(place), required=False, allow_zero=True
            )

    def amount_fields(self):
        return [self[f"amount_{place.pk}"] for place in self.places]

    def lead_fields(self):
        return [self[name] for name in ("method", "per_pupil", "weight", "expires_on", "memo")]

    def clean(self):
        data = super().clean()
        if data.get("method") == "formula":
            if not data.get("per_pupil") and "per_pupil" not in self.errors:
                self.add_error("per_pupil", "Give the credits per identified pupil.")
            if data.get("weight") is None and "weight" not in self.errors:
                self.add_error("weight", "Give the weighting, such as 150.")
        return data

    def amounts(self) -> dict[int, int]:
        return {place.pk: self.cleaned_data.get(f"amount_{place.pk}") or 0 for place in self.places}


class RedeemForm(KeyedForm):
    amount = forms.CharField(
        label="Credits to redeem",
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text='A whole number of credits, or "all" for everything available.',
        error_messages={"required": 'Give a number of credits, or "all".'},
    )
    note = forms.CharField(label="Note for the contract manager", max_length=300, required=False)

    def clean_amount(self):
        value = self.cleaned_data["amount"].strip().lower()
        if value == "all":
            return value
        if value.startswith("-") and value[1:].replace(".", "", 1).isdigit():
            raise ValidationError("Give a number of credits above zero.")
        try:
            return whole_credits(value)
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["amount"]) from None


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", "Approve"), ("decline", "Decline")],
        error_messages={
            "required": "Choose approve or decline.",
            "invalid_choice": "Choose approve or decline.",
        },
    )
    reason = forms.CharField(label="Reason", max_length=300, required=False)


class PeriodForm(StatementForm):
    """The days of a remittance (both inclusive; either may be left open)."""
