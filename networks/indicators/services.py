"""Every change to the catalogue and to indicator values: plain functions, the acting user
explicit, one transaction each.

Catalogue editors (`access.can_edit_catalogue`) add and change indicators; changes name
the `version` edited. Values are upserted, one per indicator, municipality and period:
entered one at a time (`set_value`) or imported from an SSB Statistikkbanken CSV
(`import_csv`, layout in `csvimport`). The indicator row is locked first, so two writes
of one indicator's values are serialised. An import is all or nothing: any line that
cannot be read, a number out of range, an unknown municipality, a municipality outside
the network named or one the user may not enter values for refuses the whole file with
messages naming the lines, and nothing is written. A re-import of the same file changes
nothing; a corrected value replaces the old one. When values change, the roll-up of each
municipality concerned is refreshed after commit (its goals may link the indicator).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from networks.access import coordinates, is_operator
from networks.indicators import access
from networks.indicators.csvimport import Row, parse_csv, parse_value
from networks.indicators.models import (
    VALUE_LIMIT,
    VALUE_PLACES,
    Indicator,
    IndicatorValue,
    Origin,
)
from networks.indicators.periods import Period, parse_period
from networks.models import LearningNetwork, NetworkMembership
from networks.refresh import progress_changed
from samla.formats import format_number
from tenants.models import Municipality

FIELDS = frozenset(
    {"name", "unit", "better", "source", "source_key", "description", "min_value", "max_value"}
)
QUANTUM = Decimal(1).scaleb(-VALUE_PLACES)
CONSTRAINT_FIELDS = {
    "indicators_name_once": "name",
    "indicators_source_key_once": "source_key",
    "indicators_max_not_below_min": "max_value",
}


class StaleVersion(Exception):
    """The indicator was changed by someone else since the version the caller edited."""

    def __init__(self, current: Indicator) -> None:
        super().__init__(f"indicator {current.pk} is at version {current.version}")
        self.current = current


# The catalogue ------------------------------------------------------------------------


def _check_indicator(indicator: Indicator) -> None:
    errors: dict[str, list[str]] = {}
    try:
        indicator.full_clean(validate_constraints=False)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    others = Indicator.objects.exclude(pk=indicator.pk)
    name = indicator.name.strip()
    if (
        "name" not in errors
        and others.annotate(lower=Lower("name")).filter(lower=name.lower()).exists()
    ):
        errors["name"] = [_("Katalogen har allerede en indikator med dette navnet.")]
    if (
        "source_key" not in errors
        and indicator.source_key
        and others.filter(source=indicator.source, source_key=indicator.source_key).exists()
    ):
        errors["source_key"] = [
            _("Katalogen har allerede en indikator fra denne kilden med id «%(key)s».")
            % {"key": indicator.source_key}
        ]
    low, high = indicator.min_value, indicator.max_value
    if "max_value" not in errors and low is not None and high is not None and high < low:
        errors["max_value"] = [
            _("Den høyeste mulige verdien kan ikke være lavere enn den laveste.")
        ]
    if indicator.pk and not errors and (low is not None or high is not None):
        outside = IndicatorValue.objects.filter(indicator=indicator)
        if low is not None and outside.filter(value__lt=low).exists():
            errors["min_value"] = [_("Noen registrerte verdier er lavere enn dette.")]
        if high is not None and outside.filter(value__gt=high).exists():
            errors["max_value"] = [_("Noen registrerte verdier er høyere enn dette.")]
    if errors:
        raise ValidationError(errors)


def _save(indicator: Indicator) -> None:
    try:
        with transaction.atomic():
            indicator.save()
    except IntegrityError as exc:  # a race the checks did not see
        diag = getattr(exc.__cause__, "diag", None)
        name = getattr(diag, "constraint_name", None)
        if name not in CONSTRAINT_FIELDS:
            raise
        raise ValidationError(
            {CONSTRAINT_FIELDS[name]: [_("Noen andre lagret nettopp en indikator som denne.")]}
        ) from exc


def _apply(indicator: Indicator, data: Mapping[str, Any]) -> None:
    unknown = set(data) - FIELDS
    if unknown:
        raise TypeError(f"an indicator cannot change {sorted(unknown)}")
    for name, value in data.items():
        setattr(indicator, name, value.strip() if isinstance(value, str) else value)


def create_indicator(user: AbstractBaseUser, data: Mapping[str, Any]) -> Indicator:
    """Add an indicator to the shared catalogue (operators and coordinators)."""
    access.require_catalogue_editor(user)
    with transaction.atomic():
        indicator = Indicator()
        _apply(indicator, data)
        _check_indicator(indicator)
        _save(indicator)
        return indicator


def update_indicator(
    user: AbstractBaseUser, indicator: Indicator, data: Mapping[str, Any], *, version: int | None
) -> Indicator:
    """Change an indicator, if `version` is still its current one."""
    access.require_catalogue_editor(user)
    with transaction.atomic():
        current = Indicator.objects.select_for_update().get(pk=indicator.pk)
        if version is None:
            raise ValidationError(
                {"version": [_("Oppgi versjonen du har endret (feltet «version»).")]}
            )
        if current.version != version:
            raise StaleVersion(current)
        _apply(current, data)
        _check_indicator(current)
        current.version += 1
        _save(current)
        return current


# Values -------------------------------------------------------------------------------


def show(value: Decimal) -> str:
    """A value as a message shows it: decimal comma, no trailing zeros."""
    return format_number(value.normalize())


def _range_error(indicator: Indicator, value: Decimal) -> str | None:
    if abs(value) >= VALUE_LIMIT:
        return _("%(value)s er for stort (høyst 12 siffer før komma).") % {"value": show(value)}
    if indicator.min_value is not None and value < indicator.min_value:
        return _("%(value)s er lavere enn laveste mulige verdi for indikatoren (%(limit)s).") % {
            "value": show(value),
            "limit": show(indicator.min_value),
        }
    if indicator.max_value is not None and value > indicator.max_value:
        return _("%(value)s er høyere enn høyeste mulige verdi for indikatoren (%(limit)s).") % {
            "value": show(value),
            "limit": show(indicator.max_value),
        }
    return None


def _lock(indicator: Indicator) -> Indicator:
    return Indicator.objects.select_for_update().get(pk=indicator.pk)


@dataclass(frozen=True)
class Outcome:
    """What an import did: rows created and changed, rows already so, values missing."""

    created: int
    updated: int
    unchanged: int
    missing: int


def _upsert(
    user: AbstractBaseUser,
    indicator: Indicator,
    rows: Iterable[tuple[int, Period, Decimal]],
    origin: str,
) -> tuple[list[IndicatorValue], int, int, int]:
    """Write the (municipality id, period, value) rows; inside the caller's transaction,
    with the indicator locked. Returns the rows written and the counts."""
    rows = list(rows)
    existing = {
        (v.municipality_id, v.period): v
        for v in IndicatorValue.objects.filter(
            indicator=indicator,
            municipality_id__in={m for m, _p, _v in rows},
            period__in={p.label for _m, p, _v in rows},
        )
    }
    now = timezone.now()
    created: list[IndicatorValue] = []
    updated: list[IndicatorValue] = []
    unchanged = 0
    written: list[IndicatorValue] = []
    for municipality_id, period, value in rows:
        row = existing.get((municipality_id, period.label))
        if row is None:
            row = IndicatorValue(
                indicator=indicator,
                municipality_id=municipality_id,
                period=period.label,
                starts_on=period.starts_on,
                ends_on=period.ends_on,
                value=value,
                origin=origin,
                updated_by_id=user.pk,
                updated_at=now,
            )
            created.append(row)
        elif row.value != value:
            row.value, row.origin, row.updated_by_id, row.updated_at = value, origin, user.pk, now
            updated.append(row)
        else:
            unchanged += 1
        written.append(row)
    IndicatorValue.objects.bulk_create(created)
    IndicatorValue.objects.bulk_update(updated, ["value", "origin", "updated_by", "updated_at"])
    changed = {row.municipality_id for row in (*created, *updated)}
    for municipality in Municipality.objects.filter(pk__in=changed):
        progress_changed(municipality)
    return written, len(created), len(updated), unchanged


def _value(raw: object) -> Decimal:
    """A value from the API (Decimal, number or text with a decimal comma), or a field error."""
    number: Decimal | None = None
    if isinstance(raw, Decimal):
        number = raw
    else:
        with contextlib.suppress(ValueError):
            number = parse_value(str(raw))
    if number is None or not number.is_finite():
        raise ValidationError(
            {"value": [_("Oppgi verdien som et tall (desimalkomma eller -punktum).")]}
        )
    return _quantized(number)


def _quantized(number: Decimal) -> Decimal:
    """Rounded to the column's four decimals (a value too large is left for the range check)."""
    if abs(number) >= VALUE_LIMIT:
        return number
    return number.quantize(QUANTUM, rounding=ROUND_HALF_EVEN)


def set_value(
    user: AbstractBaseUser,
    indicator: Indicator,
    municipality_id: int,
    period: object,
    value: object,
) -> tuple[IndicatorValue, bool]:
    """Enter (or correct) one municipality's value for one period; True when it is new.

    The municipality's leader and editors, the coordinators of a network it belongs to,
    and operators may enter it.
    """
    municipality = access.writable_municipalities(user).filter(pk=municipality_id).first()
    if municipality is None:
        if not Municipality.objects.without_public().filter(pk=municipality_id).exists():
            raise ValidationError(
                {
                    "municipality": [
                        _("Kommunen med id %(id)s finnes ikke.") % {"id": municipality_id}
                    ]
                }
            )
        raise PermissionDenied(_("Du kan ikke registrere tall for denne kommunen."))
    errors: dict[str, list[str]] = {}
    try:
        parsed_period = parse_period(period)
    except ValidationError as exc:
        errors["period"] = exc.messages
    try:
        number = _value(value)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    else:
        problem = _range_error(indicator, number)
        if problem:
            errors["value"] = [problem]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        indicator = _lock(indicator)
        problem = _range_error(indicator, number)  # the bounds as they are under the lock
        if problem:
            raise ValidationError({"value": [problem]})
        written, created, _updated, _unchanged = _upsert(
            user, indicator, [(municipality.pk, parsed_period, number)], Origin.ENTERED
        )
        return written[0], created == 1


def import_csv(
    user: AbstractBaseUser,
    indicator: Indicator,
    text: str,
    network: LearningNetwork | None = None,
) -> Outcome:
    """Import an SSB Statistikkbanken CSV of the indicator's values, all or nothing.

    With `network`, every row must be one of its current members and the user one of its
    coordinators (or an operator); without, every row must be a municipality the user may
    enter values for.
    """
    if network is not None and not (is_operator(user) or coordinates(user, network)):
        raise PermissionDenied(_("Bare nettverkets koordinatorer kan importere for nettverket."))
    parsed = parse_csv(text)
    if parsed.errors:
        raise ValidationError({"csv": parsed.errors})
    with transaction.atomic():
        indicator = _lock(indicator)
        errors: list[str] = []

        def error(row: Row, message: str) -> None:
            if len(errors) < 25:
                errors.append(
                    _("Linje %(line)d: %(message)s") % {"line": row.line, "message": message}
                )

        numbers = {row.number for row in parsed.rows}
        by_number = {
            m.number: m for m in Municipality.objects.without_public().filter(number__in=numbers)
        }
        members: set[int] | None = None
        if network is not None:
            members = set(
                NetworkMembership.objects.current()
                .filter(network=network)
                .values_list("municipality_id", flat=True)
            )
        writable = set(
            access.writable_municipalities(user)
            .filter(number__in=numbers)
            .values_list("pk", flat=True)
        )
        seen: dict[tuple[int, str], int] = {}
        rows: list[tuple[int, Period, Decimal]] = []
        for row in parsed.rows:
            municipality = by_number.get(row.number)
            if municipality is None:
                error(row, _("kommunenummeret %(number)s («%(region)s») finnes ikke i Samla.")
                      % {"number": row.number, "region": row.region[:60]})  # fmt: skip
                continue
            if members is not None and municipality.pk not in members:
                error(row, _("%(name)s er ikke medlem av nettverket %(network)s.")
                      % {"name": municipality.name, "network": network})  # fmt: skip
                continue
            if members is None and municipality.pk not in writable:
                error(row, _("du kan ikke registrere tall for %(name)s.")
                      % {"name": municipality.name})  # fmt: skip
                continue
            number = _quantized(row.value)
            problem = _range_error(indicator, number)
            if problem:
                error(row, problem)
                continue
            key = (municipality.pk, row.period.label)
            if key in seen:
                error(
                    row,
                    _("%(name)s har allerede en verdi for %(period)s på linje %(line)d.")
                    % {"name": municipality.name, "period": row.period.label, "line": seen[key]},
                )
                continue
            seen[key] = row.line
            rows.append((municipality.pk, row.period, number))
        if errors:
            raise ValidationError({"csv": errors})
        _written, created, updated, unchanged = _upsert(user, indicator, rows, Origin.IMPORTED)
        return Outcome(created, updated, unchanged, parsed.missing)
