from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "risingtide.privacy"
    label = "privacy"
    verbose_name = "Privacy"

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        from risingtide.privacy import (
            access,  # noqa: F401  (declares who may do what)
            hooks,
        )

        hooks.connect()  # a box on the pupil record page

        # Each app's personal_data.py declares what it holds about a person (lib.personal_data):
        # found here, so no app below ever imports privacy.
        autodiscover_modules("personal_data")
