"""Deploy checks for portfolios: ``serve`` runs ``check --deploy --fail-level WARNING``."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def fetch_allow_list_is_empty(app_configs, **kwargs):
    if settings.FETCH_ALLOW_HOSTS:
        return [
            Warning(
                "RISINGTIDE_FETCH_ALLOW_HOSTS is set: clipping may reach "
                + ", ".join(settings.FETCH_ALLOW_HOSTS)
                + " without the private-address checks.",
                hint="It exists for tests; leave it empty in production.",
                id="risingtide.W001",
            )
        ]
    return []
