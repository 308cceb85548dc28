"""The e-credit ledger: accounts, balanced transactions of postings, and the lots that carry an
expiry date (docs/decisions/0012-e-credit-ledger.md).

E-credits are treated as money. Every movement is one transaction whose postings add up to
zero; a transaction is never changed or deleted (a correction is a reversing transaction); an
account's ``balance`` is the sum of its postings, kept beside them only so that "never below
zero" can be checked and changed in one conditional UPDATE under concurrent requests — and the
database refuses a negative one as well. ``risingtide manage check_ledger`` re-adds everything.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from risingtide.schools.models import LocalAuthority, Nation, Provider, School


class Account(models.Model):
    class Kind(models.TextChoices):
        OUTSIDE = "outside", "Outside the programme"  # funding comes in, redemptions go out
        NATION = "nation", "National programme"
        LA = "la", "Local authority"
        SCHOOL = "school", "School"
        HELD = "held", "Held for bookings"  # a school's credits held against booked places
        PROVIDER = "provider", "Provider"
        # A provider's credits held while the contract manager decides on their redemption.
        REDEEMING = "redeeming", "Held for redemption"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    nation = models.ForeignKey(Nation, on_delete=models.PROTECT, null=True, blank=True)
    local_authority = models.ForeignKey(
        LocalAuthority, on_delete=models.PROTECT, null=True, blank=True
    )
    school = models.ForeignKey(School, on_delete=models.PROTECT, null=True, blank=True)
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, null=True, blank=True)
    # The sum of this account's postings (see the module's docstring).
    balance = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="outside") | Q(balance__gte=0), name="account_never_negative"
            ),
            # Each kind is owned by exactly the one place it names.
            models.CheckConstraint(
                condition=(
                    Q(
                        kind="outside",
                        nation__isnull=True,
                        local_authority__isnull=True,
                        school__isnull=True,
                        provider__isnull=True,
                    )
                    | Q(
                        kind="nation",
                        nation__isnull=False,
                        local_authority__isnull=True,
                        school__isnull=True,
                        provider__isnull=True,
                    )
                    | Q(
                        kind="la",
                        nation__isnull=True,
                        local_authority__isnull=False,
                        school__isnull=True,
                        provider__isnull=True,
                    )
                    | Q(
                        kind__in=["school", "held"],
                        nation__isnull=True,
                        local_authority__isnull=True,
                        school__isnull=False,
                        provider__isnull=True,
                    )
                    | Q(
                        kind__in=["provider", "redeeming"],
                        nation__isnull=True,
                        local_authority__isnull=True,
                        school__isnull=True,
                        provider__isnull=False,
                    )
                ),
                name="account_owned_by_its_kind",
            ),
            models.UniqueConstraint(
                fields=["kind"], condition=Q(kind="outside"), name="one_outside_account"
            ),
            models.UniqueConstraint(
                fields=["kind", "nation"], condition=Q(kind="nation"), name="one_nation_account"
            ),
            models.UniqueConstraint(
                fields=["kind", "local_authority"], condition=Q(kind="la"), name="one_la_account"
            ),
            models.UniqueConstraint(
                fields=["kind", "school"],
                condition=Q(kind__in=["school", "held"]),
                name="one_school_account_of_each_kind",
            ),
            models.UniqueConstraint(
                fields=["kind", "provider"],
                condition=Q(kind__in=["provider", "redeeming"]),
                name="one_provider_account_of_each_kind",
            ),
        ]

    def __str__(self) -> str:
        owner = self.owner
        if self.kind == self.Kind.HELD:
            return f"{owner}: held for bookings"
        if self.kind == self.Kind.REDEEMING:
            return f"{owner}: held for redemption"
        return str(owner) if owner else self.get_kind_display()

    @property
    def owner(self):
        return self.nation or self.local_authority or self.school or self.provider


class Transaction(models.Model):
    class Kind(models.TextChoices):
        FUNDING = "funding", "Funding in"
        ALLOCATION = "allocation", "Allocation"
        HOLD = "hold", "Held for a booking"
        RELEASE = "release", "Released (refund)"
        SETTLEMENT = "settlement", "Paid to provider"
        REDEMPTION = "redemption", "Redeemed by provider"
        REDEEM_HOLD = "redeem_hold", "Held for redemption"
        REDEEM_BACK = "redeem_back", "Redemption declined, returned"
        EXPIRY = "expiry", "Expired, returned"
        REVERSAL = "reversal", "Reversal"

    kind = models.CharField(max_length=12, choices=Kind.choices)
    memo = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty for the scheduled expiry task.",
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # What a request sent: the same key again returns this transaction instead of a second one.
    idempotency_key = models.CharField(max_length=150, null=True, blank=True, unique=True)
    # A release or settlement draws on the hold it names; a reversal names what it reverses.
    against = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="followers"
    )

    class Meta:
        ordering = ["pk"]
        constraints = [
            # A transaction is reversed at most once.
            models.UniqueConstraint(
                fields=["against"], condition=Q(kind="reversal"), name="reversed_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class Posting(models.Model):
    """One side of a transaction: credits into (positive) or out of (negative) an account."""

    transaction = models.ForeignKey(Transaction, on_delete=models.PROTECT, related_name="postings")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="postings")
    amount = models.BigIntegerField()

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["account", "transaction"])]
        constraints = [models.CheckConstraint(condition=~Q(amount=0), name="posting_not_zero")]

    def __str__(self) -> str:
        return f"{self.amount:+,} {self.account}"


class Lot(models.Model):
    """Credits that came into a nation, LA or school account together and expire together.
    Spending draws on the lots that expire first; an expired lot's remainder goes back to the
    account above (school to LA, LA to nation), where it expires when the credits it was
    allocated from would have."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="lots")
    posting = models.OneToOneField(Posting, on_delete=models.PROTECT, related_name="lot")
    amount = models.BigIntegerField()
    remaining = models.BigIntegerField()
    expires_on = models.DateField(null=True, blank=True)  # empty: never expires
    # When the remainder goes back up, it expires there on this date (empty: never).
    return_expires_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["account", "expires_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(remaining__gte=0) & Q(remaining__lte=models.F("amount")),
                name="lot_remaining_within_amount",
            )
        ]

    def __str__(self) -> str:
        return f"{self.remaining:,} of {self.amount:,} in {self.account}"


class Draw(models.Model):
    """How much a posting took from (positive) or gave back to (negative) one lot."""

    posting = models.ForeignKey(Posting, on_delete=models.PROTECT, related_name="draws")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="draws")
    amount = models.BigIntegerField()

    class Meta:
        ordering = ["pk"]
        constraints = [models.CheckConstraint(condition=~Q(amount=0), name="draw_not_zero")]

    def __str__(self) -> str:
        return f"{self.amount:+,} from lot {self.lot_id}"


class Redemption(models.Model):
    """A provider's request to turn earned credits into money, and the contract manager's
    decision. The credits are held (provider account to its "held for redemption" account)
    when asked for, so two requests can never ask for more than the provider has; approval
    sends them to the outside world, a decline gives them back."""

    class Status(models.TextChoices):
        REQUESTED = "requested", "Waiting for a decision"
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Declined"

    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="redemptions")
    amount = models.BigIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    note = models.CharField("note for the contract manager", max_length=300, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    hold = models.OneToOneField(Transaction, on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField("reason", max_length=300, blank=True)
    # The approval (to the outside world) or the decline (back to the provider).
    outcome = models.OneToOneField(
        Transaction, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    idempotency_key = models.CharField(max_length=150, unique=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        # The queue (requested, oldest first) and the remittance (approved in a period).
        indexes = [models.Index(fields=["status", "decided_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="redemption_positive")
        ]

    def __str__(self) -> str:
        return f"{self.provider}: {self.amount:,} credits ({self.get_status_display()})"
