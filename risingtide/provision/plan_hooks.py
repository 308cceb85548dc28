"""What the marketplace tells a school's improvement plan (``standards.events``): the e-credits
spent on each action, from the bookings linked to it, so the plan shows budgeted against spent.
"""

from django.db.models import F, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce

from risingtide.credits.models import Posting, Transaction
from risingtide.provision.models import Booking


def credits_spent(action_ids: list[int]) -> dict[int, int]:
    """{action id: credits}: what each linked booking held, less what a cancellation gave
    back (a late one keeps the provider's share), summed per action: one query."""
    if not action_ids:
        return {}
    held = Posting.objects.filter(transaction=OuterRef("hold_id"), amount__gt=0).values("amount")[
        :1
    ]
    back = (
        Posting.objects.filter(
            transaction__kind=Transaction.Kind.RELEASE,
            amount__gt=0,
            transaction__against=OuterRef("hold_id"),
        )
        .values("transaction__against")
        .annotate(n=Sum("amount"))
        .values("n")
    )
    rows = (
        Booking.objects.filter(plan_action_id__in=action_ids)
        .annotate(held=Coalesce(Subquery(held), 0), back=Coalesce(Subquery(back), 0))
        .values("plan_action_id")
        .annotate(n=Sum(F("held") - F("back")))
        .values_list("plan_action_id", "n")
    )
    return {action: int(n or 0) for action, n in rows}
