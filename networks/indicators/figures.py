"""The roll-up's figures of goals that link an indicator: on track and off track.

Declared in `networks.figures`' registry (imported when the app is ready) with one source,
one aggregate query in the municipality's schema: each counted plan's goals that link an
indicator, with the indicator's latest value for the municipality (a subquery into the
public schema, which the search path reaches) and its better direction.

The rule, with "better" the indicator's direction (higher or lower):

- on track: the latest value has reached the target (at it, or beyond it in the better
  direction), or has moved from the baseline in the better direction;
- off track: the goal has a baseline or a target and a latest value, and is neither;
- not counted: the indicator has no value for the municipality yet, or the goal has
  neither a baseline nor a target.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.utils.translation import gettext_lazy as _

from networks.figures import Better, Figure, Unit, Values, counted_plans, declare
from networks.indicators.models import Direction, IndicatorValue
from tenants.db import connection
from tenants.plans.models import Goal

_NUMBER: DecimalField[Decimal, Decimal] = DecimalField(max_digits=30, decimal_places=6)


def indicator_goal_figures(today: datetime.date) -> Values:
    """Goals on and off track by their linked indicator (one query, this schema)."""
    # The template schema's tenant has no row: nothing matches there.
    municipality_id: int = getattr(connection.tenant, "pk", None) or 0
    latest = (
        IndicatorValue.objects.filter(
            indicator=OuterRef("indicator_id"), municipality_id=municipality_id
        )
        .order_by("-ends_on", "-starts_on")
        .values("value")[:1]
    )
    goals = Goal.objects.filter(plan__in=counted_plans(), indicator__isnull=False).annotate(
        latest=Subquery(latest, output_field=_NUMBER),
        direction=Case(
            When(indicator__better=Direction.HIGHER, then=Value(1)),
            When(indicator__better=Direction.LOWER, then=Value(-1)),
            default=Value(0),
            output_field=IntegerField(),
        ),
        beyond_target=ExpressionWrapper(
            (F("latest") - F("target")) * F("direction"), output_field=_NUMBER
        ),
        from_baseline=ExpressionWrapper(
            (F("latest") - F("baseline")) * F("direction"), output_field=_NUMBER
        ),
    )
    counted = (
        Q(latest__isnull=False)
        & ~Q(direction=0)
        & (Q(target__isnull=False) | Q(baseline__isnull=False))
    )
    on_track = counted & (Q(beyond_target__gte=0) | Q(from_baseline__gt=0))
    result = goals.aggregate(
        counted=Count("id", filter=counted), on_track=Count("id", filter=on_track)
    )
    return {
        "goals_indicator_on_track": result["on_track"],
        "goals_indicator_off_track": result["counted"] - result["on_track"],
    }


declare(
    Figure(
        "goals_indicator_on_track",
        _("Mål der indikatoren går riktig vei"),
        Unit.COUNT,
        Better.HIGHER,
        indicator_goal_figures,
    ),
    Figure(
        "goals_indicator_off_track",
        _("Mål der indikatoren ikke går riktig vei"),
        Unit.COUNT,
        Better.LOWER,
        indicator_goal_figures,
    ),
)
