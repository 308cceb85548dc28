"""``risingtide manage check_ledger``: re-add every posting, balance and lot; exit 1 with each
problem in words if the ledger does not add up."""

from django.core.management.base import BaseCommand, CommandError

from risingtide.credits.queries import problems


class Command(BaseCommand):
    help = "Check that every e-credit transaction balances and every balance is its postings."

    def handle(self, *args, **options):
        found = problems()
        if found:
            for problem in found:
                self.stderr.write(problem)
            raise CommandError(f"The ledger does not add up: {len(found)} problem(s).")
        self.stdout.write("The ledger adds up: every transaction balances.")
