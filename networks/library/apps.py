"""App config for the networks' routine library (public schema, inside networks)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LibraryConfig(AppConfig):
    name = "networks.library"
    label = "library"
    verbose_name = _("Nettverkets rutinebibliotek")
