"""App config for accounts and roles."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "samla.accounts"
    label = "accounts"
    verbose_name = _("Kontoer og roller")

    def ready(self) -> None:
        # Registers the schema extension of the integration token authentication.
        from samla.accounts import schema  # noqa: F401
