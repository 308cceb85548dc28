"""The scheduled expiry of e-credits, through the ``django.tasks`` API.

Run it daily: enqueue it from the host's scheduler (``risingtide manage expire_credits
--enqueue``) for the worker to run, or run it directly (``risingtide manage expire_credits``).
It is idempotent: ``services.expire`` moves only what is still in an expired lot, each lot in
its own transaction, so a second run on the same day, or a run after a failure, moves nothing
twice."""

from django_tasks import task

from risingtide.credits import services


@task()
def expire_credits() -> int:
    """Send every expired lot's credits back up the tree; returns how many lots went back."""
    return len(services.expire())
