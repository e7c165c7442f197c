"""The tenant registry: municipalities, their host names and their schema checks."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import connection, models, transaction
from django.utils.translation import gettext_lazy as _
from django_tenants.models import DomainMixin, TenantMixin

from tenants.validators import validate_municipality_number


class MunicipalityQuerySet(models.QuerySet["Municipality"]):
    def without_public(self) -> MunicipalityQuerySet:
        """Real municipalities: not the row django-tenants keeps for the public schema."""
        return self.exclude(schema_name="public")

    def live(self) -> MunicipalityQuerySet:
        """Municipalities in service: not the public row, not deleted, not purged (their
        hosts answer 404; a purged one has no schema). Nightly fan-outs use this."""
        return self.without_public().filter(deleted_at__isnull=True, purged_at__isnull=True)


class Municipality(TenantMixin):
    """One municipality: one PostgreSQL schema, one workspace, one host."""

    # Annotated: TenantMixin is untyped, so mypy's Django plugin does not see a model here.
    schema_name: str
    name: models.CharField[str, str] = models.CharField(_("navn"), max_length=100)
    slug: models.SlugField[str, str] = models.SlugField(_("kortnavn"), max_length=63, unique=True)
    org_number: models.CharField[str, str] = models.CharField(
        _("organisasjonsnummer"), max_length=9, unique=True
    )
    # The official four-digit municipality number (kommunenummer) that statistics (SSB,
    # KOSTRA) are keyed by; empty for rows made before it was recorded.
    number: models.CharField[str | None, str | None] = models.CharField(
        _("kommunenummer"),
        max_length=4,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_municipality_number],
    )
    county: models.CharField[str, str] = models.CharField(_("fylke"), max_length=100, blank=True)
    created_at: models.DateTimeField[Any, Any] = models.DateTimeField(auto_now_add=True)
    # Leaving Samla (tenants/lifecycle.py): the last export of everything it owns; when it
    # was deleted (its hosts answer 404 from then on) and by whom; when its schema may be
    # dropped (the retention period); when it was (the row stays as a tombstone for the
    # invoices the bookkeeping period keeps).
    exported_at: models.DateTimeField[Any, Any] = models.DateTimeField(
        _("sist eksportert"), null=True, blank=True
    )
    deleted_at: models.DateTimeField[Any, Any] = models.DateTimeField(
        _("slettet"), null=True, blank=True
    )
    deleted_by: models.ForeignKey[Any, Any] = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    purge_after: models.DateTimeField[Any, Any] = models.DateTimeField(
        _("skjemaet slettes etter"), null=True, blank=True
    )
    purged_at: models.DateTimeField[Any, Any] = models.DateTimeField(
        _("skjemaet slettet"), null=True, blank=True
    )

    objects = MunicipalityQuerySet.as_manager()

    # Schemas are created by tenants.services.provision_municipality (cloned from the
    # template in the same transaction as the rows), never as a side effect of save().
    auto_create_schema = False
    auto_drop_schema = False

    class Meta:
        verbose_name = _("kommune")
        verbose_name_plural = _("kommuner")
        ordering = ["name"]

    def __str__(self) -> str:
        return str(self.name)

    @property
    def is_public(self) -> bool:
        from django_tenants.utils import get_public_schema_name

        return bool(self.schema_name == get_public_schema_name())


class Installation(models.Model):
    """This Samla installation (one database): its identity, written once, never changed.

    Backup archives carry it, so that an archive from another installation is refused.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return str(self.id)

    @classmethod
    def current(cls) -> Installation:
        """The installation's row, made on first use (one row, whoever asks first)."""
        found = cls.objects.order_by("created_at").first()
        if found is None:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("LOCK TABLE tenants_installation IN EXCLUSIVE MODE")
                found = cls.objects.order_by("created_at").first() or cls.objects.create()
        return found


class Domain(DomainMixin):
    """A host name that routes to one municipality (or to the public schema)."""

    class Meta:
        verbose_name = _("domene")
        verbose_name_plural = _("domener")


class SchemaCheck(models.Model):
    """The result of comparing a municipality's schema with the template, run by a task."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="schema_checks"
    )
    checked_at = models.DateTimeField(auto_now_add=True)
    schema_name = models.CharField(max_length=63)
    missing_tables = models.JSONField(default=list)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-checked_at"]

    def __str__(self) -> str:
        return f"{self.schema_name} {self.checked_at:%Y-%m-%d %H:%M}"

    @property
    def ok(self) -> bool:
        return not self.missing_tables
