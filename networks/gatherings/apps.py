"""App config for gatherings (public schema, inside networks)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GatheringsConfig(AppConfig):
    name = "networks.gatherings"
    label = "gatherings"
    verbose_name = _("Samlinger")
