"""Through a real Celery worker: a committed milestone change refreshes the roll-up row.

Marked `worker`: it needs CELERY_TEST_BROKER_URL (Redis); skipped without it locally,
failed without it in CI (`tests.gates`). The data is committed (a scratch municipality
with the Nesseby seed plan), since the worker is another process on another connection.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.utils import timezone
from django_tenants.utils import tenant_context

from networks.models import ProgressSnapshot
from samla.accounts.models import MunicipalityMembership, MunicipalityRole, User
from tenants.db import connection
from tenants.models import Municipality
from tenants.plans import services
from tenants.plans.models import Milestone, MilestoneStatus
from tenants.plans.seed_plans import SEEDS, build_seed_plan
from tests.committed import provision_scratch, remove_scratch, scratch_slug
from tests.foundation.test_celery import Worker, real_worker  # noqa: F401 (a fixture)

pytestmark = pytest.mark.worker


@pytest.fixture(autouse=True)
def _public_schema_and_clean_cache(django_db_setup, django_db_blocker) -> Iterator[None]:
    """Replaces the suite's per-test transaction: the worker sees only committed rows."""
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        cache.clear()
        yield
        connection.set_schema_to_public()


@pytest.fixture
def scratch(real_worker: Worker, django_db_blocker) -> Iterator[tuple[Municipality, User]]:  # noqa: F811
    slug = scratch_slug("rollup")
    username = f"{slug}.leder"
    with django_db_blocker.unblock():
        try:
            municipality = provision_scratch(slug)
            leader = User.objects.create_user(username=username)
            MunicipalityMembership.objects.create(
                user=leader, municipality=municipality, role=MunicipalityRole.LEADER
            )
            with tenant_context(municipality):
                build_seed_plan(municipality, leader, SEEDS["nesseby"], today=timezone.localdate())
            connection.set_schema_to_public()
            # The seed's own writes sent refreshes too: start from a clean slate.
            _wait_for_row(municipality)
            ProgressSnapshot.objects.filter(municipality=municipality).delete()
            cache.clear()
            yield municipality, leader
        finally:
            remove_scratch(slug, (username,))


def _wait_for_row(
    municipality: Municipality, done: int | None = None, timeout: float = 20.0
) -> ProgressSnapshot | None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        row = ProgressSnapshot.objects.filter(municipality=municipality).first()
        if row is not None and (done is None or row.figures["milestones_done"] == done):
            return row
        time.sleep(0.1)
    return None


def test_a_milestone_change_refreshes_the_row_through_a_real_worker(
    scratch,
    real_worker: Worker,  # noqa: F811
    django_db_blocker,
) -> None:
    municipality, leader = scratch
    with django_db_blocker.unblock():
        # Given no row for the municipality, and a milestone not yet done
        assert not ProgressSnapshot.objects.filter(municipality=municipality).exists()
        with tenant_context(municipality):
            milestone = Milestone.objects.exclude(status=MilestoneStatus.DONE).first()
            done = Milestone.objects.filter(status=MilestoneStatus.DONE).count() + 1
            # When it is marked done (committed: no transaction is open here)
            assert not connection.in_atomic_block
            started = time.monotonic()
            services.update_milestone(
                municipality,
                milestone,
                leader,
                {"status": MilestoneStatus.DONE, "done_on": timezone.localdate()},
                version=milestone.version,
            )
        connection.set_schema_to_public()

        # Then the worker writes today's row with the change counted
        row = _wait_for_row(municipality, done)
        assert row is not None, real_worker.log_text()[-3000:]
        assert row.date == timezone.localdate()
        print(f"refresh_single_ms={(time.monotonic() - started) * 1000:.0f}")
