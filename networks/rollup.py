"""Writing a municipality's progress figures to the public roll-up table, one row per day.

`refresh_snapshot` runs inside the municipality's schema (the figures' queries read its
plans) and upserts `ProgressSnapshot` for the day with one `INSERT … ON CONFLICT DO
UPDATE`, so two refreshes racing on the same day leave one row with the later figures.
The public table is reachable from there: django-tenants' search path ends in `public`.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from networks.figures import compute_figures, validate_figures
from networks.models import ProgressSnapshot
from tenants.db import connection
from tenants.models import Municipality


def refresh_snapshot(
    municipality: Municipality, today: datetime.date | None = None
) -> dict[str, Any]:
    """Compute the figures here (the municipality's schema) and store them for `today`."""
    if connection.schema_name != municipality.schema_name:
        raise RuntimeError(
            f"figures of {municipality.schema_name!r} computed in {connection.schema_name!r}"
        )
    today = today or timezone.localdate()
    figures = compute_figures(today)
    validate_figures(figures)
    ProgressSnapshot.objects.bulk_create(
        [
            ProgressSnapshot(
                municipality_id=municipality.pk,
                date=today,
                figures=figures,
                computed_at=timezone.now(),
            )
        ],
        update_conflicts=True,
        unique_fields=["municipality", "date"],
        update_fields=["figures", "computed_at"],
    )
    return figures
