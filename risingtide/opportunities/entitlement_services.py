"""Setting the school's entitlement: the coordinator or head says how many opportunities a
term, across how many components, and whether one must be beyond the classroom. A sensible
promise is checked here, so the page and the API refuse the same things in the same words."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from risingtide.access.core import can
from risingtide.audit.models import record
from risingtide.opportunities.models import Entitlement
from risingtide.schools.models import School

MAX_PER_TERM = 20


def check(per_term: int, components: int) -> None:
    """A promise that can be kept: 1 to 20 a term, 0 to 5 components, no more components
    than opportunities (each opportunity serves at least one)."""
    errors = {}
    if not 1 <= per_term <= MAX_PER_TERM:
        errors["per_term"] = f"Choose between 1 and {MAX_PER_TERM} opportunities a term."
    if not 0 <= components <= 5:
        errors["components"] = "There are five components: choose between 0 and 5."
    elif components > per_term and "per_term" not in errors:
        errors["components"] = (
            f"{components} components cannot be met with {per_term} "
            f"opportunit{'y' if per_term == 1 else 'ies'} a term: ask for no more components "
            "than opportunities."
        )
    if errors:
        raise ValidationError(errors)


def set_entitlement(
    actor, school: School, *, per_term: int, components: int, beyond_classroom: bool
) -> Entitlement:
    """Save the school's entitlement (created on first save), audited; refused whole, with
    the field and the reason, when it is not a promise that can be kept."""
    if not can(actor, "entitlement.set", school):
        raise PermissionDenied
    check(per_term, components)
    with transaction.atomic():
        row, _ = Entitlement.objects.select_for_update().get_or_create(school=school)
        row.per_term, row.components = per_term, components
        row.beyond_classroom, row.changed_by = beyond_classroom, actor
        row.save()
        record(
            actor,
            "opportunities.entitlement_set",
            row,
            school=school,
            per_term=per_term,
            components=components,
            beyond_classroom=beyond_classroom,
        )
    return row
