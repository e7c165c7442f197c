"""The roll-up refreshes itself: on commit of a plan change (debounced) and nightly.

Tasks run eagerly here (no broker), after commit as they would with one. Given the
Nesseby seed plan run mid-way: a milestone marked done refreshes Nesseby's row for the
day; a rolled-back change refreshes nothing; a burst of changes makes one refresh at once
and at most one trailing one; a second refresh the same day updates the one row; the
nightly dispatcher walks every municipality in batches.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
from celery.signals import task_prerun
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_tenants.utils import tenant_context

from networks.models import ProgressSnapshot
from networks.refresh import WINDOW_SECONDS
from networks.tasks import dispatch_progress_refresh, refresh_progress
from samla.celery import app
from samla.tasks import run_for_municipality
from tenants.models import Municipality
from tenants.plans import services
from tenants.plans.models import Milestone, MilestoneStatus
from tenants.plans.seed_plans import SEEDS, build_seed_plan

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def eager() -> Iterator[None]:
    saved = {key: app.conf[key] for key in ("task_always_eager", "task_eager_propagates")}
    app.conf.update(task_always_eager=True, task_eager_propagates=True)
    yield
    app.conf.update(saved)


@pytest.fixture
def ran() -> Iterator[list[tuple[str, Any]]]:
    """(task name, arguments) of every task that started in this process."""
    started: list[tuple[str, Any]] = []

    def record(sender: Any = None, args: Any = None, kwargs: Any = None, **_: Any) -> None:
        started.append((sender.name, kwargs or args))

    task_prerun.connect(record, weak=False)
    yield started
    task_prerun.disconnect(record)


@pytest.fixture
def plan(nesseby, leader_b):
    with tenant_context(nesseby):
        return build_seed_plan(nesseby, leader_b, SEEDS["nesseby"], today=timezone.localdate())


def open_milestones(nesseby) -> list[Milestone]:
    with tenant_context(nesseby):
        return list(Milestone.objects.exclude(status=MilestoneStatus.DONE).order_by("due"))


def mark_done(nesseby, leader_b, milestone: Milestone) -> None:
    with tenant_context(nesseby):
        services.update_milestone(
            nesseby,
            milestone,
            leader_b,
            {"status": MilestoneStatus.DONE, "done_on": timezone.localdate()},
            version=milestone.version,
        )


def refreshes(ran) -> int:
    return sum(1 for name, _args in ran if name == "networks.refresh_progress")


def test_a_committed_milestone_change_refreshes_the_row(
    nesseby, leader_b, plan, ran, django_capture_on_commit_callbacks
):
    # Given no row yet for Nesseby
    assert not ProgressSnapshot.objects.filter(municipality=nesseby).exists()
    milestone = open_milestones(nesseby)[0]

    # When a milestone is marked done and the change commits
    with django_capture_on_commit_callbacks(execute=True):
        mark_done(nesseby, leader_b, milestone)

    # Then one refresh ran and today's row counts it
    assert refreshes(ran) == 1
    row = ProgressSnapshot.objects.get(municipality=nesseby, date=timezone.localdate())
    with tenant_context(nesseby):
        done = Milestone.objects.filter(status=MilestoneStatus.DONE).count()
    assert row.figures["milestones_done"] == done


def test_a_rolled_back_change_refreshes_nothing(
    nesseby, leader_b, plan, ran, django_capture_on_commit_callbacks
):
    milestone = open_milestones(nesseby)[0]
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(ValidationError),
        tenant_context(nesseby),
    ):
        services.update_milestone(
            nesseby, milestone, leader_b, {"status": "nonsense"}, version=milestone.version
        )
    assert refreshes(ran) == 0
    assert not ProgressSnapshot.objects.filter(municipality=nesseby).exists()


def test_a_burst_refreshes_at_once_and_once_more_at_most(
    nesseby, leader_b, plan, monkeypatch, django_capture_on_commit_callbacks
):
    sent: list[int | None] = []

    def record(*args: Any, countdown: int | None = None, **kwargs: Any) -> None:
        sent.append(countdown)

    monkeypatch.setattr(refresh_progress, "apply_async", record)

    # Given five changes, each committed, in quick succession
    for milestone in open_milestones(nesseby)[:5]:
        with django_capture_on_commit_callbacks(execute=True):
            mark_done(nesseby, leader_b, milestone)

    # Then the first was refreshed at once, and the other four made one trailing refresh,
    # sent to start when the window has passed (so it sees the burst's last change)
    assert sent == [None, WINDOW_SECONDS]

    # When the window has passed (the marks expire), the next change refreshes at once again
    cache.clear()
    with django_capture_on_commit_callbacks(execute=True):
        mark_done(nesseby, leader_b, open_milestones(nesseby)[0])
    assert sent == [None, WINDOW_SECONDS, None]


def test_a_second_refresh_the_same_day_updates_the_one_row(nesseby, leader_b, plan):
    first = run_for_municipality(nesseby, refresh_progress)
    mark_done(nesseby, leader_b, open_milestones(nesseby)[0])
    second = run_for_municipality(nesseby, refresh_progress)

    rows = ProgressSnapshot.objects.filter(municipality=nesseby)
    assert rows.count() == 1
    assert second["milestones_done"] == first["milestones_done"] + 1
    assert rows.get().figures == second


def test_rows_of_other_days_are_kept(nesseby, plan):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    ProgressSnapshot.objects.create(municipality=nesseby, date=yesterday, figures={})
    run_for_municipality(nesseby, refresh_progress)
    assert sorted(
        ProgressSnapshot.objects.filter(municipality=nesseby).values_list("date", flat=True)
    ) == [yesterday, timezone.localdate()]


@pytest.mark.parametrize("batch_size", [1, 2, 50])
def test_the_nightly_dispatcher_walks_every_municipality_in_batches(
    batch_size, ran, django_capture_on_commit_callbacks
):
    everyone = set(Municipality.objects.without_public().values_list("pk", flat=True))
    assert len(everyone) >= 2

    # When beat's one entry runs the dispatcher (from the public schema)
    with django_capture_on_commit_callbacks(execute=True):
        dispatch_progress_refresh.apply_async(kwargs={"batch_size": batch_size})

    # Then every municipality has today's row
    rows = ProgressSnapshot.objects.filter(date=timezone.localdate())
    assert set(rows.values_list("municipality_id", flat=True)) == everyone
    # and the dispatcher ran once per batch, never sending more than a batch
    dispatches = [args for name, args in ran if name == "networks.dispatch_progress_refresh"]
    assert len(dispatches) == len(everyone) // batch_size + 1
    assert refreshes(ran) == len(everyone)


def test_the_dispatcher_is_the_one_beat_entry_for_the_roll_up():
    from django.conf import settings

    entries = [e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()]
    assert entries.count("networks.dispatch_progress_refresh") == 1
    assert "networks.refresh_progress" not in entries


def test_approving_or_archiving_a_plan_refreshes_the_row(
    nesseby, leader_b, plan, ran, django_capture_on_commit_callbacks
):
    # Given a draft plan (plan-level writes do not pass through a part's lock)
    with tenant_context(nesseby):
        draft = services.create_plan(
            nesseby,
            leader_b,
            {"title": "Ny plan", "start": plan.start, "end": plan.end},
        )

    # When the leader approves it and the change commits
    with django_capture_on_commit_callbacks(execute=True), tenant_context(nesseby):
        services.approve_plan(nesseby, draft, leader_b, version=draft.version)

    # Then the figures were refreshed for today
    assert refreshes(ran) >= 1
    assert ProgressSnapshot.objects.filter(municipality=nesseby, date=timezone.localdate()).exists()
