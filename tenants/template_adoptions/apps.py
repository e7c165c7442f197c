"""App config for template adoptions (each municipality's schema)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TemplateAdoptionsConfig(AppConfig):
    name = "tenants.template_adoptions"
    label = "template_adoptions"
    verbose_name = _("Planer fra nettverksmaler")
