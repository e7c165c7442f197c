"""Queries that the API, the pages, the plans and the roll-up share: one query each.

`latest_values` is the one source of truth for a goal that links an indicator: its current
value is the indicator's latest value for the municipality (the value whose period ends
last). `medians` is the median per period, over a network's current members or over every
municipality, kept only where at least `access.MEDIAN_MINIMUM` municipalities contribute.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Aggregate, Count, F, FloatField, OuterRef, QuerySet, Subquery

from networks.indicators.access import MEDIAN_MINIMUM, current_member_ids
from networks.indicators.models import VALUE_PLACES, Indicator, IndicatorValue
from networks.models import LearningNetwork
from tenants.db import connection
from tenants.models import Municipality


@dataclass(frozen=True)
class Latest:
    """An indicator as a goal shows it, with its latest value for one municipality."""

    indicator_id: int
    name: str
    unit: str
    better: str
    value: Decimal | None
    period: str | None


def latest_of(municipality_id: Any) -> QuerySet[IndicatorValue]:
    """The municipality's values of the outer query's indicator, latest first (a subquery)."""
    return IndicatorValue.objects.filter(
        indicator=OuterRef("pk"), municipality_id=municipality_id
    ).order_by("-ends_on", "-starts_on")


def latest_values(municipality: Municipality, indicator_ids: Iterable[int]) -> dict[int, Latest]:
    """Each indicator's latest value for the municipality, by indicator id (one query)."""
    ids = {i for i in indicator_ids if i is not None}
    if not ids:
        return {}
    latest = latest_of(municipality.pk)
    rows = Indicator.objects.filter(pk__in=ids).annotate(
        latest_value=Subquery(latest.values("value")[:1]),
        latest_period=Subquery(latest.values("period")[:1]),
    )
    return {
        row.pk: Latest(
            row.pk,
            row.name,
            row.unit,
            row.better,
            row.latest_value,
            row.latest_period,
        )
        for row in rows
    }


class Median(Aggregate):
    """PostgreSQL's continuous median (`percentile_cont(0.5)`)."""

    function = "PERCENTILE_CONT"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def medians(indicator: Indicator, network: LearningNetwork | None) -> list[dict[str, Any]]:
    """The median per period (oldest first), where enough municipalities contribute."""
    values = IndicatorValue.objects.filter(indicator=indicator)
    if network is not None:
        values = values.filter(
            municipality_id__in=current_member_ids(network).values("municipality_id")
        )
    rows = (
        values.values("period", "starts_on", "ends_on")
        .annotate(median=Median("value"), municipalities=Count("municipality_id"))
        .filter(municipalities__gte=MEDIAN_MINIMUM)
        .order_by("starts_on", "ends_on", "period")
    )
    return [{**row, "median": round(Decimal(str(row["median"])), VALUE_PLACES)} for row in rows]


@dataclass(frozen=True)
class Point:
    period: str
    starts_on: datetime.date
    ends_on: datetime.date
    value: Decimal


def series(
    indicator: Indicator, municipality_ids: QuerySet[Any] | Iterable[int]
) -> dict[int, list[Point]]:
    """The municipalities' values over time, by municipality id, oldest first (one query)."""
    rows = (
        IndicatorValue.objects.filter(indicator=indicator, municipality_id__in=municipality_ids)
        .order_by("municipality_id", "starts_on", "ends_on")
        .values_list("municipality_id", "period", "starts_on", "ends_on", "value")
    )
    found: dict[int, list[Point]] = {}
    for municipality_id, period, starts_on, ends_on, value in rows:
        found.setdefault(municipality_id, []).append(Point(period, starts_on, ends_on, value))
    return found


def _tenant_id() -> int:
    """The municipality whose schema the connection is in (0 in the template schema)."""
    return getattr(connection.tenant, "pk", None) or 0


def with_latest_values(goals: QuerySet[Any]) -> QuerySet[Any]:
    """Goals annotated with their linked indicator's latest value for the municipality the
    connection is in: `latest_indicator_value`, `latest_indicator_period`, and
    `latest_indicator_id` (the indicator they were read for). Subqueries in the goals' own
    query, so a page of goals costs no query more."""
    latest = IndicatorValue.objects.filter(
        indicator=OuterRef("indicator_id"), municipality_id=_tenant_id()
    ).order_by("-ends_on", "-starts_on")
    annotated: QuerySet[Any] = goals.annotate(
        latest_indicator_id=F("indicator_id"),
        latest_indicator_value=Subquery(latest.values("value")[:1]),
        latest_indicator_period=Subquery(latest.values("period")[:1]),
    )
    return annotated


def latest_reading(indicator_id: int) -> tuple[Decimal | None, str | None]:
    """One indicator's latest value and period for the municipality the connection is in."""
    row = (
        IndicatorValue.objects.filter(indicator_id=indicator_id, municipality_id=_tenant_id())
        .order_by("-ends_on", "-starts_on")
        .values_list("value", "period")
        .first()
    )
    return (row[0], row[1]) if row else (None, None)
