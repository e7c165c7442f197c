"""App config for network plan templates (public schema, inside networks)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanTemplatesConfig(AppConfig):
    name = "networks.plantemplates"
    label = "plantemplates"
    verbose_name = _("Nettverkets planmaler")
