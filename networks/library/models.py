"""Routines shared to a network's library and every version published there (public schema).

A municipality's leader shares an approved routine to a network it belongs to; the
library keeps a copy of the approved version's content (`tenants.routines.content.
version_content`: units by name, never by id) and, each time the source approves a new
version, the next copy. Nothing here points into a municipality's schema by foreign key:
the source routine is named by id, as an adopter names the library entry by id, so that
each side outlives the other and no query ever joins across schemas.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

TITLE_LIMIT = 200


class LibraryRoutineQuerySet(models.QuerySet["LibraryRoutine"]):
    def shared(self) -> LibraryRoutineQuerySet:
        """Entries in the library now: not withdrawn, with at least one published version."""
        return self.filter(withdrawn_at__isnull=True, latest_version__gt=0)


class LibraryRoutine(models.Model):
    """One routine of one municipality, shared to one network."""

    network = models.ForeignKey(
        "networks.LearningNetwork",
        on_delete=models.CASCADE,
        related_name="library_routines",
        verbose_name=_("nettverk"),
    )
    source_municipality = models.ForeignKey(
        "tenants.Municipality",
        on_delete=models.CASCADE,
        related_name="shared_routines",
        verbose_name=_("delt av kommune"),
    )
    # The routine's id in the source municipality's schema.
    source_routine_id = models.PositiveBigIntegerField(_("rutine hos kilden"))
    title = models.CharField(_("tittel"), max_length=TITLE_LIMIT)
    # The number of the latest published LibraryRoutineVersion; 0 before the first.
    latest_version = models.PositiveIntegerField(_("siste versjon"), default=0)
    shared_by_user_id = models.PositiveBigIntegerField(_("delt av bruker"), null=True, blank=True)
    shared_at = models.DateTimeField(_("delt"))
    withdrawn_at = models.DateTimeField(_("trukket tilbake"), null=True, blank=True)

    objects = LibraryRoutineQuerySet.as_manager()

    class Meta:
        verbose_name = _("rutine i biblioteket")
        verbose_name_plural = _("rutiner i biblioteket")
        ordering = ["title", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["network", "source_municipality", "source_routine_id"],
                name="library_routine_shared_once",
            ),
        ]

    def __str__(self) -> str:
        return str(self.title)

    @property
    def is_shared(self) -> bool:
        return self.withdrawn_at is None and self.latest_version > 0


class LibraryRoutineVersion(models.Model):
    """One approved version of the source routine as the library published it, frozen."""

    entry = models.ForeignKey(LibraryRoutine, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("versjon"))
    # The RoutineVersion.number at the source this is a copy of.
    source_version = models.PositiveIntegerField(_("kildens versjon"))
    content: models.JSONField[Any, Any] = models.JSONField(_("innhold"))
    approved_on = models.DateField(_("godkjent hos kilden"))
    published_at = models.DateTimeField(_("publisert"), auto_now_add=True)

    class Meta:
        verbose_name = _("versjon i biblioteket")
        verbose_name_plural = _("versjoner i biblioteket")
        ordering = ["entry", "number"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "number"], name="library_version_once"),
            models.UniqueConstraint(
                fields=["entry", "source_version"], name="library_source_version_once"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="library_version_from_one"),
        ]

    def __str__(self) -> str:
        return f"{self.entry_id} v{self.number}"
