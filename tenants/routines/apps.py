"""App config for collaboration routines (tenant schema)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoutinesConfig(AppConfig):
    name = "tenants.routines"
    label = "routines"
    verbose_name = _("Samhandlingsrutiner")

    def ready(self) -> None:
        # The routines' figures join the roll-up's registry (networks.figures).
        from tenants.routines import figures  # noqa: F401
