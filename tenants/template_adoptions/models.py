"""A plan started from a network's template: which template, which version, what was taken.

Lives in the municipality's schema beside its plans (a row per plan made from a network
template). `baseline` is the template's content as the municipality has reviewed it: the
version it started from, with each change it has taken since moved to that change's
version. What the network has changed and the municipality has not taken is the
difference between `baseline` and the template's latest published version. The template
is in the public schema; it is named by id, not by a foreign key, so that the record
outlives it.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class Adoption(models.Model):
    plan = models.OneToOneField(
        "plans.Plan", on_delete=models.CASCADE, related_name="template_adoption"
    )
    template_id = models.PositiveBigIntegerField(_("mal"), db_index=True)
    network_id = models.PositiveBigIntegerField(_("nettverk"))
    template_title = models.CharField(_("malens tittel"), max_length=200)
    started_version = models.PositiveIntegerField(_("startet fra versjon"))
    # The latest published version whose changes the municipality has looked at and taken
    # from (its own choice; changes it left are still in the difference).
    reviewed_version = models.PositiveIntegerField(_("sist gjennomgått versjon"))
    baseline: models.JSONField[Any, Any] = models.JSONField(_("grunnlag"))
    # Each change taken: {"key", "kind", "version", "at", "by"}.
    taken: models.JSONField[Any, Any] = models.JSONField(_("tatt inn"), default=list)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("plan fra nettverksmal")
        verbose_name_plural = _("planer fra nettverksmaler")

    def __str__(self) -> str:
        return f"{self.template_title} v{self.started_version}"
