"""A network's plan templates and every version it has published (public schema).

The content is a blueprint's JSON shape (`tenants/plans/blueprints.json`, read by
`tenants.plans.blueprints.blueprint_from_data`) without its key, name and description,
which are the template's own: `months`, `phases`, `goals`, `milestones`,
`decision_points`, `activities`, `bodies`. `content` is the working copy the coordinators
edit; publishing freezes it as the next `PlanTemplateVersion`, so what a municipality took
can be compared with what is published now.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PlanTemplate(models.Model):
    network = models.ForeignKey(
        "networks.LearningNetwork",
        on_delete=models.CASCADE,
        related_name="plan_templates",
        verbose_name=_("nettverk"),
    )
    title = models.CharField(_("tittel"), max_length=200)
    description = models.TextField(_("beskrivelse"), blank=True)
    content: models.JSONField[Any, Any] = models.JSONField(_("innhold"))
    # Optimistic locking of the working copy (updates name the version they edited).
    version = models.PositiveIntegerField(default=1)
    # The number of the latest published version; 0 until the first is published.
    published_version = models.PositiveIntegerField(_("publisert versjon"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("planmal")
        verbose_name_plural = _("planmaler")
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return str(self.title)

    @property
    def is_published(self) -> bool:
        return self.published_version > 0


class PlanTemplateVersion(models.Model):
    """One published version of a template, frozen."""

    template = models.ForeignKey(PlanTemplate, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("versjon"))
    title = models.CharField(_("tittel"), max_length=200)
    description = models.TextField(_("beskrivelse"), blank=True)
    content: models.JSONField[Any, Any] = models.JSONField(_("innhold"))
    published_at = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("publisert versjon")
        verbose_name_plural = _("publiserte versjoner")
        ordering = ["template", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["template", "number"], name="plantemplates_version_once"
            ),
            models.CheckConstraint(
                condition=models.Q(number__gte=1), name="plantemplates_version_from_one"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.number}"
