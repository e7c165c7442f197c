"""The demo's roll-up history: deterministic, plausible, idempotent, and on the trends.

Given a network with the demo's slug and five members, `load_demo_history` writes 26
weekly rows for each before today, the same every time, without touching rows that
exist; the trends then have a median for every week.
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from networks.demo import NETWORK, WEEKS, history_for, load_demo_history
from networks.figures import validate_figures
from networks.models import LearningNetwork, NetworkMembership, ProgressSnapshot, Sharing
from samla.accounts.models import CoordinatorRole
from tests.networks.comparison_world import extra_municipality, join, snapshot
from tests.networks.conftest import _user, public_api

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_rollup")]


def test_history_is_deterministic_and_plausible():
    today = datetime.date(2026, 6, 1)
    rows = history_for("steinkjer", today)
    assert rows == history_for("steinkjer", today)
    assert rows != history_for("leka", today)
    assert len(rows) == WEEKS and rows[-1][0] == today - datetime.timedelta(weeks=1)
    done = [figures["milestones_done"] for _date, figures in rows]
    assert done == sorted(done) and done[0] < done[-1]
    for _date, figures in rows:
        validate_figures(figures)
        assert 0 <= figures["milestones_done"] <= figures["milestones_total"]
        assert figures["milestones_done_on_time"] <= figures["milestones_done"]
        assert figures["decision_points_decided"] <= figures["decision_points_total"]


def test_loading_twice_changes_nothing_and_the_trends_look_lived_in():
    network = LearningNetwork.objects.create(name="KS Trøndelag", slug=NETWORK, organiser="ks")
    members = [
        extra_municipality(i, name)
        for i, name in enumerate(["Steinkjer", "Leka", "Bindal", "Vikna", "Nærøy"], start=1)
    ]
    for municipality in members:
        join(network, municipality, days_ago=365)
    members[0].slug = "steinkjer"
    members[0].save()
    kept = snapshot(
        members[1], timezone.localdate() - datetime.timedelta(weeks=3), milestones_done=99
    )
    load_demo_history()
    count = ProgressSnapshot.objects.count()
    assert count == 5 * WEEKS
    load_demo_history()
    assert ProgressSnapshot.objects.count() == count
    kept.refresh_from_db()
    assert kept.figures["milestones_done"] == 99
    assert NetworkMembership.objects.get(municipality=members[0]).sharing == Sharing.PLANS

    coordinator = _user("koordinator.demo")
    CoordinatorRole.objects.create(user=coordinator, network=network)
    body = (
        public_api(coordinator)
        .get(f"/api/networks/{network.pk}/trends/", {"figure": "milestones_done"})
        .json()
    )
    assert len(body["points"]) >= WEEKS - 1
    assert all(p["median"] is not None for p in body["points"])
