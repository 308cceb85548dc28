"""``risingtide manage rotate_credential_key``: make a new key to sign training credentials
from now on. The old keys stay in the key folder, and so in the published key set, so every
credential they signed still verifies (docs/decisions/0019-training-credentials.md)."""

from django.core.management.base import BaseCommand

from risingtide.training import credential_keys


class Command(BaseCommand):
    help = "Make a new key for signing training credentials; old keys stay published."

    def handle(self, *args, **options):
        key = credential_keys.rotate()
        kept = len(credential_keys.all_keys())
        self.stdout.write(f"New signing key {key.kid}; {kept} key(s) published for verifying.")
