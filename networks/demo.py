"""The demo's roll-up history: half a year of weekly figures for KS Trøndelag's members.

The real roll-up writes one row per municipality and day from now on; this fills the
weeks before, so that the trends page has something to show on the first day of the
demo. The figures are made up but plausible and deterministic (seeded by the slug): the
milestones done climb towards today's figure, overdue ones come and go, a status report
is sent every four to six weeks, the phase moves on once. Rows that exist are left as
they are (idempotent: loading the demo twice changes nothing). Steinkjer shares its plans
with the network, so the coordinator can follow a row to its plans.
"""

from __future__ import annotations

import datetime
import random
import zlib
from typing import Any

from django.db import transaction
from django.utils import timezone

from networks.figures import FIGURES, validate_figures
from networks.models import LearningNetwork, NetworkMembership, ProgressSnapshot, Sharing

NETWORK = "ks-trondelag-samhandling"
SHARES_PLANS = ("steinkjer",)
WEEKS = 26
PHASES = ("Kartlegging", "Rutiner og samhandling", "Forankring og implementering")


def history_for(
    slug: str, today: datetime.date, weeks: int = WEEKS
) -> list[tuple[datetime.date, dict[str, Any]]]:
    """The municipality's made-up weekly figures before today, oldest first."""
    rng = random.Random(zlib.crc32(slug.encode()))
    total = rng.randint(14, 30)
    done_now = rng.randint(total // 3, total - 2)
    decisions = rng.randint(3, 6)
    report_every = rng.randint(4, 6)
    phase_change = rng.randint(weeks // 3, weeks - 4)
    rows = []
    for week in range(weeks, 0, -1):
        date = today - datetime.timedelta(weeks=week)
        progress = (weeks - week) / weeks
        done = round(done_now * (0.25 + 0.75 * progress))
        on_time = max(done - rng.randint(0, 3), 0)
        overdue = max(rng.randint(-1, 4) - round(2 * progress), 0)
        phase = 1 if (weeks - week) < phase_change else 2
        since_report = ((weeks - week) % report_every) * 7 + rng.randint(0, 6)
        figures: dict[str, Any] = {key: None for key in FIGURES}
        figures.update(
            {
                "milestones_total": total,
                "milestones_done": done,
                "milestones_done_on_time": on_time,
                "milestones_overdue": overdue,
                "decision_points_total": decisions,
                "decision_points_decided": min(decisions, round(decisions * progress) + 1),
                "current_phase": PHASES[phase - 1],
                "current_phase_position": phase,
                "phase_count": len(PHASES),
                "high_risks_open": rng.choice((0, 0, 1, 1, 2)),
                "days_since_status_report": since_report,
            }
        )
        figures = {key: figures.get(key) for key in FIGURES}
        validate_figures(figures)
        rows.append((date, figures))
    return rows


def load_demo_history(today: datetime.date | None = None) -> int:
    """Weekly rows for the network's current members before today; how many it offered
    (a row that exists already is kept as it is)."""
    today = today or timezone.localdate()
    network = LearningNetwork.objects.filter(slug=NETWORK).first()
    if network is None:
        return 0
    members = list(
        NetworkMembership.objects.current().filter(network=network).select_related("municipality")
    )
    with transaction.atomic():
        NetworkMembership.objects.filter(
            pk__in=[m.pk for m in members if m.municipality.slug in SHARES_PLANS]
        ).update(sharing=Sharing.PLANS)
        created = ProgressSnapshot.objects.bulk_create(
            [
                ProgressSnapshot(municipality=m.municipality, date=date, figures=figures)
                for m in members
                for date, figures in history_for(m.municipality.slug, today)
            ],
            ignore_conflicts=True,
        )
    return len(created)
