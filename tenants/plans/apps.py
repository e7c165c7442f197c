"""App config for plans (tenant schema)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "tenants.plans"
    label = "plans"
    verbose_name = _("Prosjektplaner")
