"""What the families pages read: an invitation, the join page's code and new account, a
consent answer and a comment on the plan. The domain's refusals land on these through
``lib.forms``."""

from django import forms
from django.contrib.auth.validators import UnicodeUsernameValidator

from risingtide.families.services import RELATIONSHIP_LIMIT, NewCarer
from risingtide.learning_plans.models import MESSAGE_LIMIT
from risingtide.lib.forms import id_field


class InviteForm(forms.Form):
    relationship = forms.CharField(
        label="Relationship to the pupil (optional)",
        help_text="For example: Mother, Grandfather, Foster carer.",
        required=False,
        max_length=RELATIONSHIP_LIMIT,
        error_messages={"max_length": f"Keep the relationship to {RELATIONSHIP_LIMIT} characters."},
    )


class RowForm(forms.Form):
    """A button acting on one row (an invitation to cancel, a carer to unlink)."""

    def __init__(self, *args, refusal: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["row"] = id_field(refusal, required=True)


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Your code from the school",
        help_text="12 letters and numbers, like ABCD-EFGH-JKMN. Capitals, spaces and dashes do "
        "not matter.",
        max_length=40,
        error_messages={"required": "Type the code from the school's letter."},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "inputmode": "text",
            }
        ),
    )


class JoinForm(CodeForm):
    """The code and the carer's own new account."""

    first_name = forms.CharField(
        label="Your first name",
        max_length=150,
        error_messages={"required": "Type your first name: the school sees it."},
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label="Your last name",
        max_length=150,
        error_messages={"required": "Type your last name: the school sees it."},
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    email = forms.EmailField(
        label="Email (optional)",
        help_text="Only to reset your password if you forget it.",
        required=False,
        error_messages={"invalid": "That email address looks incomplete: check it."},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    username = forms.CharField(
        label="Choose a sign-in name",
        help_text="Letters, numbers and . @ + - _ only, for example sam.jones.",
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        error_messages={"required": "Choose a sign-in name."},
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )
    password = forms.CharField(
        label="Choose a password",
        help_text="At least 8 characters; not a common password, and not like your name.",
        strip=False,
        error_messages={"required": "Choose a password."},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label="Type the password again",
        strip=False,
        error_messages={"required": "Type the password a second time."},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if (
            data.get("password")
            and data.get("password_again") is not None
            and data["password"] != data["password_again"]
        ):
            self.add_error("password_again", "The two passwords are not the same.")
        return data

    def new_carer(self) -> NewCarer:
        data = self.cleaned_data
        return NewCarer(
            username=data["username"],
            first_name=data["first_name"].strip(),
            last_name=data["last_name"].strip(),
            email=data["email"],
            password=data["password"],
        )


class ConsentForm(forms.Form):
    participation = id_field("Choose an opportunity to answer for.", required=True)
    answer = forms.ChoiceField(
        choices=[("give", "Yes"), ("refuse", "No"), ("withdraw", "Withdraw")],
        error_messages={
            "required": "Say yes or no.",
            "invalid_choice": "Say yes or no.",
        },
    )


class PlaceConsentForm(forms.Form):
    place = id_field("Choose a place to answer for.", required=True)
    answer = ConsentForm.base_fields["answer"]


class CommentForm(forms.Form):
    text = forms.CharField(
        label="Add a comment to the plan",
        help_text="Your child, their learning guide and their teachers will read it.",
        max_length=MESSAGE_LIMIT,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Write something to add to the plan.",
            "max_length": f"Keep it to {MESSAGE_LIMIT} characters.",
        },
    )
