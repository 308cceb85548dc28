"""What every page form does, in one place: bound to what was posted (``posted``); a
service's refusal put on its form (``show_refusal``) or, where the form's page is not shown
again (a button, a form on another app's page), said as a message (``refused``,
``refusal_of``); and the one field every app's forms share, a row's id sent by the page
(``id_field``).
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError

# The largest id a row can have (a signed 64-bit key): a bigger number is no row of ours, and
# SQLite cannot even be asked about it.
MAX_ID = 2**63 - 1


def posted(request) -> dict:
    """A page form's data and files: what was posted, even when that is nothing at all (so an
    empty POST is refused field by field), or none on a GET. ``Form(**posted(request))``."""
    if request.method == "POST":
        return {"data": request.POST, "files": request.FILES}
    return {}


def show_refusal(form, exc: ValidationError) -> None:
    """A service's refusal on the form: on its field where it names one, else above it."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def refused(request, exc: ValidationError) -> None:
    """A service's refusal of an action that has no form on the page (a button, a move, a
    reply): every reason, said once, as a message above the page."""
    messages.error(request, " ".join(exc.messages))


def refusal_of(form) -> ValidationError:
    """What an invalid form refused, as a service's refusal, for ``refused``: for a form whose
    page is not shown again, so its reasons must read well on their own."""
    return ValidationError([error for errors in form.errors.as_data().values() for error in errors])


def id_field(refusal: str, *, required: bool = False) -> forms.IntegerField:
    """A row's id as the page sent it (a hidden input, a select): anything that cannot be one
    of our ids is refused in the caller's words, the same words as a row that is not there."""
    return forms.IntegerField(
        required=required,
        min_value=1,
        max_value=MAX_ID,
        widget=forms.HiddenInput,
        error_messages={
            "required": refusal,
            "invalid": refusal,
            "min_value": refusal,
            "max_value": refusal,
        },
    )
