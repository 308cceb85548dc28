"""``risingtide manage training_reminders [--enqueue]``: email everyone booked on a training
session tomorrow (run daily; each place is reminded once, however often it runs)."""

from django.core.management.base import BaseCommand

from risingtide.training.session_tasks import send_reminders


class Command(BaseCommand):
    help = "Remind everyone booked on tomorrow's training sessions (once each)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue", action="store_true", help="Leave it to the background worker."
        )

    def handle(self, *args, enqueue=False, **options):
        if enqueue:
            send_reminders.enqueue()
            self.stdout.write("The reminders are queued for the background worker.")
            return
        self.stdout.write(f"{send_reminders.call()} reminder(s) sent.")
