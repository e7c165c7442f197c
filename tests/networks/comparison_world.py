"""Helpers for the comparison tests: extra member municipalities and their roll-up rows.

The comparison reads only public tables, so the extra municipalities are registry rows
without a schema (`Municipality.auto_create_schema` is off): cheap enough for twelve.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from networks.figures import FIGURES
from networks.models import LearningNetwork, NetworkMembership, ProgressSnapshot
from tenants.models import Municipality


def extra_municipality(index: int, name: str | None = None) -> Municipality:
    return Municipality.objects.create(
        schema_name=f"cmp_{index}",
        slug=f"cmp-{index}",
        name=name or f"Testkommune {index:02d}",
        org_number=f"{900000000 + index}",
        number=f"{9000 + index}",
    )


def figures(**values: Any) -> dict[str, Any]:
    """A full set of figures: None for those not given."""
    return {key: values.get(key) for key in FIGURES}


def snapshot(
    municipality: Municipality, date: datetime.date | None = None, **values: Any
) -> ProgressSnapshot:
    return ProgressSnapshot.objects.create(
        municipality=municipality, date=date or timezone.localdate(), figures=figures(**values)
    )


def join(
    network: LearningNetwork, municipality: Municipality, days_ago: int = 400, **extra: Any
) -> NetworkMembership:
    return NetworkMembership.objects.create(
        network=network,
        municipality=municipality,
        joined_on=timezone.localdate() - datetime.timedelta(days=days_ago),
        **extra,
    )


def members_with_figures(
    network: LearningNetwork, count: int, start: int = 1
) -> list[Municipality]:
    """`count` new members, the i-th with i milestones done and i-1 overdue, today."""
    made = []
    for index in range(start, start + count):
        municipality = extra_municipality(index)
        join(network, municipality)
        snapshot(
            municipality,
            milestones_total=10,
            milestones_done=index,
            milestones_overdue=index - 1,
            current_phase=f"Fase {index}",
        )
        made.append(municipality)
    return made
