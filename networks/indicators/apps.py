"""App config for the shared indicators (public schema, label `indicators`)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "networks.indicators"
    label = "indicators"
    verbose_name = _("Indikatorer")

    def ready(self) -> None:
        # Declares the roll-up's indicator figures in networks.figures' registry.
        import networks.indicators.figures  # noqa: F401
