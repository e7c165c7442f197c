"""Leaving Samla: deleting a municipality, the retention period, and purging it.

A municipality leaves in three steps. First an export of everything it owns
(`tenants/export.py`); deletion is refused without a fresh one. Then deletion: its hosts
answer 404 at once (`tenants/middleware.py`), its schema and rows stay for the retention
period (`SAMLA_DELETION_RETENTION_DAYS`), and an operator may undo it within that period.
Last the purge (the daily task, or an operator's explicit command that skips the
retention): its schema is dropped and its public rows deleted, except the bookkeeping
rows (`tenants/ownership.py`), which the Bookkeeping Act keeps five years. The
municipality's row stays as a tombstone (name, slug, organisation number) so that those
rows stay attached to it. See docs/decisions/0013-leaving-samla.md.
"""

from __future__ import annotations

import datetime
import logging
from typing import Any, cast

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, models, transaction
from django.db.models.deletion import Collector
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import get_public_schema_name, tenant_context

from samla.accounts.models import IntegrationToken, User
from tenants.db import connection
from tenants.models import Municipality
from tenants.ownership import OWNED_PUBLIC_MODELS
from tenants.services import drop_schema

logger = logging.getLogger(__name__)

# Deletion needs an export this recent, and no row of its schema written after it
# (`changed_since`): what was exported is then everything there is.
EXPORT_FRESH_FOR = datetime.timedelta(hours=24)


def is_gone(municipality: Municipality) -> bool:
    """Deleted or purged: its hosts answer 404."""
    return municipality.deleted_at is not None or municipality.purged_at is not None


def retention_period() -> datetime.timedelta:
    return datetime.timedelta(days=settings.SAMLA_DELETION_RETENTION_DAYS)


def _locked(municipality: Municipality) -> Municipality:
    """The municipality's row, locked for the rest of the transaction, read fresh."""
    found: Municipality = Municipality.objects.select_for_update().get(pk=municipality.pk)
    return found


def tenant_models() -> list[type[models.Model]]:
    """Every model that lives in a municipality's schema (TENANT_APPS), in app order."""
    found: list[type[models.Model]] = []
    for label in settings.TENANT_APPS:
        config = next(c for c in apps.get_app_configs() if c.name == label)
        found.extend(config.get_models(include_auto_created=True))
    return found


def changed_since(municipality: Municipality, moment: datetime.datetime) -> bool:
    """Whether a row in its schema was written after `moment` (its creation and update
    stamps: every recorded change writes a history row stamped with its time)."""
    with tenant_context(municipality):
        for model in tenant_models():
            stamps = [
                f.name
                for f in model._meta.concrete_fields
                if isinstance(f, models.DateTimeField) and (f.auto_now or f.auto_now_add)
            ]
            if not stamps:
                continue
            newer = models.Q()
            for name in stamps:
                newer |= models.Q(**{f"{name}__gt": moment})
            if model._default_manager.filter(newer).exists():
                return True
    return False


def delete_municipality(
    municipality: Municipality,
    *,
    actor: User | None,
    retention: datetime.timedelta | None = None,
    now: datetime.datetime | None = None,
) -> Municipality:
    """Delete the municipality: its hosts 404 from now on; purged after the retention period.

    Refused (ValidationError, nothing written) when it is deleted already, or when it has
    no export from the last 24 hours, or when its plans changed after that export.
    """
    now = now or timezone.now()
    retention = retention_period() if retention is None else retention
    if retention < datetime.timedelta(0):
        raise ValidationError(_("Oppbevaringstiden kan ikke være negativ."))
    with transaction.atomic():
        found = _locked(municipality)
        if found.is_public:
            raise ValidationError(_("Det offentlige skjemaet kan ikke slettes."))
        if is_gone(found):
            raise ValidationError(_("%(name)s er allerede slettet.") % {"name": found.name})
        if found.exported_at is None:
            raise ValidationError(
                _(
                    "%(name)s er ikke eksportert. Eksporter først: "
                    "samla municipality export %(slug)s"
                )
                % {"name": found.name, "slug": found.slug}
            )
        if found.exported_at < now - EXPORT_FRESH_FOR:
            raise ValidationError(
                _(
                    "Siste eksport av %(name)s er eldre enn 24 timer. Eksporter på nytt: "
                    "samla municipality export %(slug)s"
                )
                % {"name": found.name, "slug": found.slug}
            )
        if changed_since(found, found.exported_at):
            raise ValidationError(
                _(
                    "%(name)s er endret etter siste eksport. Eksporter på nytt: "
                    "samla municipality export %(slug)s"
                )
                % {"name": found.name, "slug": found.slug}
            )
        found.deleted_at = now
        found.deleted_by = actor
        found.purge_after = now + retention
        found.save(update_fields=["deleted_at", "deleted_by", "purge_after"])
    logger.info(
        "Municipality deleted",
        extra={"municipality": found.slug, "purge_after": found.purge_after.isoformat()},
    )
    _copy(found, municipality)
    return municipality


def undelete_municipality(municipality: Municipality, *, actor: User | None) -> Municipality:
    """Undo a deletion within the retention period: its hosts answer again."""
    with transaction.atomic():
        found = _locked(municipality)
        if found.purged_at is not None:
            raise ValidationError(
                _("%(name)s er endelig slettet og kan ikke gjenopprettes her.")
                % {"name": found.name}
            )
        if found.deleted_at is None:
            raise ValidationError(_("%(name)s er ikke slettet.") % {"name": found.name})
        found.deleted_at = None
        found.deleted_by = None
        found.purge_after = None
        found.save(update_fields=["deleted_at", "deleted_by", "purge_after"])
    logger.info(
        "Municipality undeleted",
        extra={"municipality": found.slug, "actor": actor.pk if actor else None},
    )
    _copy(found, municipality)
    return municipality


def _copy(source: Municipality, target: Municipality) -> None:
    for field in ("exported_at", "deleted_at", "deleted_by_id", "purge_after", "purged_at"):
        setattr(target, field, getattr(source, field))


def _touched_models(queryset: models.QuerySet[models.Model]) -> set[type[models.Model]]:
    """Every model whose rows deleting `queryset` would delete or change (Django's cascade)."""
    collector = Collector(using=DEFAULT_DB_ALIAS, origin=queryset)
    collector.collect(cast(Any, queryset))  # the stubs want a list; a queryset is as good
    touched: set[type[models.Model]] = {model for model, rows in collector.data.items() if rows}
    touched |= {qs.model for qs in collector.fast_deletes}
    touched |= {field.model for (field, _value) in collector.field_updates}
    return touched


def purge_municipality(
    municipality: Municipality,
    *,
    actor: User | None = None,
    skip_retention: bool = False,
    now: datetime.datetime | None = None,
) -> None:
    """Drop the municipality's schema and delete its public rows but the bookkeeping ones.

    Refused (ValidationError, nothing changed) unless it is deleted and its retention
    period has passed, or `skip_retention` (the operator's explicit command). One
    transaction: the schema, the rows and the tombstone's `purged_at` go together.
    """
    now = now or timezone.now()
    bookkeeping = {owned.model for owned in OWNED_PUBLIC_MODELS if owned.bookkeeping}
    with transaction.atomic():
        found = _locked(municipality)
        schema = found.schema_name
        if found.is_public or schema in (get_public_schema_name(), settings.SAMLA_TEMPLATE_SCHEMA):
            raise ValidationError(_("Dette skjemaet kan ikke slettes."))
        if found.purged_at is not None:
            raise ValidationError(_("%(name)s er allerede endelig slettet.") % {"name": found.name})
        if not skip_retention:
            if found.deleted_at is None or found.purge_after is None:
                raise ValidationError(
                    _("%(name)s er ikke slettet; slett den først.") % {"name": found.name}
                )
            if found.purge_after > now:
                raise ValidationError(
                    _("Oppbevaringstiden for %(name)s varer til %(date)s.")
                    % {
                        "name": found.name,
                        "date": f"{timezone.localtime(found.purge_after):%d.%m.%Y %H:%M}",
                    }
                )
        connection.set_schema_to_public()
        with connection.cursor() as cursor:
            # Checks deferred to the commit (Django's foreign keys) must not be pending on
            # tables about to go: run them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        drop_schema(schema)
        # The service accounts behind its integration tokens can reach nothing any more.
        User.objects.filter(
            pk__in=IntegrationToken.objects.filter(municipality=found).values("service_user")
        ).update(is_active=False)
        for owned in reversed(OWNED_PUBLIC_MODELS):
            if owned.bookkeeping:
                continue
            rows = owned.rows(found)
            kept = _touched_models(rows) & bookkeeping
            if kept:
                names = ", ".join(sorted(model._meta.label for model in kept))
                raise ValidationError(
                    _("Sletting av %(model)s ville endre regnskapsrader (%(kept)s).")
                    % {"model": owned.label, "kept": names}
                )
            rows.delete()
        found.purged_at = now
        if found.deleted_at is None:
            found.deleted_at = now
            found.deleted_by = actor
        found.purge_after = found.purge_after or now
        found.save(update_fields=["purged_at", "deleted_at", "deleted_by", "purge_after"])
    logger.info(
        "Municipality purged",
        extra={
            "municipality": found.slug,
            "schema": schema,
            "actor": actor.pk if actor else None,
            "skipped_retention": skip_retention,
        },
    )
    _copy(found, municipality)


def municipalities_due_for_purge(now: datetime.datetime | None = None) -> list[Municipality]:
    """Deleted municipalities whose retention period has passed and that are not purged."""
    now = now or timezone.now()
    return list(
        Municipality.objects.without_public()
        .filter(deleted_at__isnull=False, purged_at__isnull=True, purge_after__lte=now)
        .order_by("purge_after", "pk")
    )


def purge_due_municipalities(now: datetime.datetime | None = None) -> list[str]:
    """Purge every municipality that is due (each in its own transaction); their slugs.

    One that fails is logged and left for the next run; the others go on.
    """
    now = now or timezone.now()
    purged: list[str] = []
    for municipality in municipalities_due_for_purge(now):
        try:
            purge_municipality(municipality, now=now)
        except Exception:
            logger.exception("Purge failed", extra={"municipality": municipality.slug})
            continue
        purged.append(municipality.slug)
    return purged


# The Bookkeeping Act (bokføringsloven § 13) keeps the records of a financial year (the
# calendar year) for five years after it ends.
BOOKKEEPING_YEARS = 5


def bookkeeping_kept_until(municipality: Municipality) -> datetime.date | None:
    """The last day the municipality's bookkeeping rows must be kept; None without any.

    The latest year any of them belongs to: an invoice's date (or when it was made, for a
    draft), an order's last change or end, a licence's year.
    """
    from billing.models import Invoice, Licence, Order

    years = [
        *(
            (issued or made.date()).year
            for issued, made in Invoice.objects.filter(municipality=municipality).values_list(
                "issue_date", "created_at"
            )
        ),
        *(
            max(changed.date(), ends).year
            for changed, ends in Order.objects.filter(municipality=municipality).values_list(
                "updated_at", "end_date"
            )
        ),
        *Licence.objects.filter(municipality=municipality).values_list("year", flat=True),
    ]
    if not years:
        return None
    return datetime.date(max(years) + BOOKKEEPING_YEARS, 12, 31)


def remove_expired_tombstones(today: datetime.date | None = None) -> list[str]:
    """Remove purged municipalities whose bookkeeping period has ended: their bookkeeping
    rows (children first) and the tombstone row itself, one transaction each; their slugs.

    A tombstone without bookkeeping rows goes at once: nothing holds it any more.
    """
    today = today or timezone.localdate()
    removed: list[str] = []
    for tombstone in Municipality.objects.without_public().filter(purged_at__isnull=False):
        kept_until = bookkeeping_kept_until(tombstone)
        if kept_until is not None and kept_until >= today:
            continue
        with transaction.atomic():
            for owned in reversed(OWNED_PUBLIC_MODELS):
                owned.rows(tombstone).delete()
            tombstone.delete()
        logger.info("Tombstone removed", extra={"municipality": tombstone.slug})
        removed.append(tombstone.slug)
    return removed
