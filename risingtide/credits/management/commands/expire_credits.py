"""``risingtide manage expire_credits [--dry-run] [--enqueue]``: send expired e-credits back up
the tree (schools to their LA, LAs to the nation), or say what would go."""

from django.core.management.base import BaseCommand
from django.db.models import Sum
from django.utils import timezone

from risingtide.credits import services
from risingtide.credits.models import Account, Lot
from risingtide.credits.tasks import expire_credits


class Command(BaseCommand):
    help = "Send expired e-credits back up the tree (school to LA, LA to nation)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would go back; move nothing."
        )
        parser.add_argument(
            "--enqueue", action="store_true", help="Leave it to the background worker."
        )

    def handle(self, *args, dry_run=False, enqueue=False, **options):
        today = timezone.localdate()
        if dry_run:
            due = (
                Lot.objects.filter(
                    account__kind__in=[Account.Kind.SCHOOL, Account.Kind.LA],
                    remaining__gt=0,
                    expires_on__lt=today,
                )
                .values("account")
                .annotate(n=Sum("remaining"))
                .order_by("account")
            )
            accounts = Account.objects.in_bulk([row["account"] for row in due])
            for row in due:
                self.stdout.write(f"{accounts[row['account']]}: {row['n']:,} credits would go back")
            self.stdout.write(f"Dry run: {len(due)} account(s) have expired credits; none moved.")
            return
        if enqueue:
            expire_credits.enqueue()
            self.stdout.write("The expiry is queued for the background worker.")
            return
        done = services.expire(today)
        self.stdout.write(f"{len(done)} expired lot(s) went back up the tree.")
