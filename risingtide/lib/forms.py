"""What every form view does with a domain refusal, in one place."""

from django.contrib import messages
from django.core.exceptions import ValidationError


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
