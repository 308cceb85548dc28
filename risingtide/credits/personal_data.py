"""What the e-credit ledger holds about a person: who made each transaction and request."""

from risingtide.lib.personal_data import Holding, Keep, declare

LEDGER = Keep("a legal record of public money: the ledger is never changed")
declare(
    Holding("credits.Transaction", named=("created_by",), erase=LEDGER),
    Holding("credits.Redemption", named=("requested_by", "decided_by"), erase=LEDGER),
)
