"""Through a real Celery worker: the daily dispatcher's review notices, once each.

Marked `worker`: it needs CELERY_TEST_BROKER_URL (Redis); skipped without it locally,
failed without it in CI (`tests.gates`). The data is committed in the two test
municipalities (the worker is another process on another connection) and removed after.
The worker writes its mail to files (Django's file backend, set through the environment
before it starts), so the test reads what was sent.

The dispatcher runs here, in the public schema as beat would start it; each
municipality's notices task goes through the broker to the worker, in its own schema.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import pytest
from django.core.cache import cache
from django.utils import timezone
from django_tenants.utils import tenant_context

from samla.accounts.models import MunicipalityMembership, MunicipalityRole, User
from tenants.db import connection
from tenants.models import Municipality
from tenants.routines.models import Notice, NoticeKind, Routine, RoutineStatus, Unit
from tenants.routines.seeds import build_nordre_land_routines
from tenants.routines.tasks import dispatch_review_notices
from tests.foundation.test_celery import Worker, real_worker  # noqa: F401 (a fixture)

pytestmark = pytest.mark.worker

TODAY = timezone.localdate()
SLUGS = ("nordre-land", "nesseby")


@pytest.fixture(scope="module", autouse=True)
def mail_files(tmp_path_factory) -> Iterator[Path]:
    """The worker (started after this, with this environment) writes each mail to a file."""
    folder = tmp_path_factory.mktemp("mail")
    saved = {key: os.environ.get(key) for key in ("EMAIL_BACKEND", "EMAIL_FILE_PATH")}
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.filebased.EmailBackend"
    os.environ["EMAIL_FILE_PATH"] = str(folder)
    yield folder
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(autouse=True)
def _public_schema_and_clean_cache(django_db_setup, django_db_blocker) -> Iterator[None]:
    """Replaces the suite's per-test transaction: the worker sees only committed rows."""
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        cache.clear()
        yield
        connection.set_schema_to_public()


def _clear(municipality: Municipality) -> None:
    with tenant_context(municipality):
        Notice.objects.all().delete()
        # A routine's version in force is protected from deletion: let go of it first.
        Routine.objects.update(status=RoutineStatus.DRAFT, current=None, draft=None)
        Routine.objects.all().delete()
        Unit.objects.all().delete()


@pytest.fixture
def routines(
    real_worker: Worker,  # noqa: F811
    django_db_blocker,
) -> Iterator[dict[str, list[Routine]]]:
    """In each test municipality the seed's routines, committed: the two approved ones
    due, one overdue and one in ten days, their owner units with the municipality's
    address."""
    made: dict[str, list[Routine]] = {}
    usernames = tuple(f"h6-worker.{slug}" for slug in SLUGS)
    with django_db_blocker.unblock():
        try:
            for slug, username in zip(SLUGS, usernames, strict=True):
                municipality = Municipality.objects.get(slug=slug)
                assert not connection.in_atomic_block
                leader = User.objects.create_user(username=username)
                MunicipalityMembership.objects.create(
                    user=leader, municipality=municipality, role=MunicipalityRole.LEADER
                )
                with tenant_context(municipality):
                    assert not Routine.objects.exists(), "committed routines left behind"
                    built = build_nordre_land_routines(municipality, leader)
                    approved = [r for r in built if r.status == RoutineStatus.APPROVED]
                    for routine, days in zip(approved, (-1, 10), strict=True):
                        Routine.objects.filter(pk=routine.pk).update(
                            next_review=TODAY + datetime.timedelta(days=days)
                        )
                    Unit.objects.update(email=f"rutiner@{slug}.kommune.no")
                    made[slug] = approved
                connection.set_schema_to_public()
            yield made
        finally:
            for slug in SLUGS:
                _clear(Municipality.objects.get(slug=slug))
            connection.set_schema_to_public()
            User.objects.filter(username__in=usernames).delete()


MAIL_SEPARATOR = "-" * 79 + "\n"


def _mails(folder: Path) -> list[str]:
    """Each mail the worker sent. The file backend names a file by the second and the
    connection's id, so two connections can share one file: split on its separator."""
    texts = (path.read_text() for path in sorted(folder.glob("*.log")))
    return [mail for text in texts for mail in text.split(MAIL_SEPARATOR) if mail.strip()]


def test_the_daily_dispatch_sends_each_notice_once_through_a_real_worker(
    routines,
    mail_files: Path,
    real_worker: Worker,  # noqa: F811
    django_db_blocker,
) -> None:
    with django_db_blocker.unblock():
        # When the dispatcher walks the municipalities (its tasks go to the worker)
        walk = dispatch_review_notices.apply().get()
        results = [real_worker.result(task_id) for task_id in walk["task_ids"]]

        # Then every municipality's task succeeded in its own schema
        assert all(r.state == "SUCCESS" for r in results), real_worker.log_text()[-3000:]
        outcomes: list[dict[str, Any]] = [cast(dict[str, Any], r.result) for r in results]
        by_schema = {outcome["schema"]: outcome for outcome in outcomes}
        for slug in SLUGS:
            overdue, soon = routines[slug]
            schema = slug.replace("-", "_")
            assert sorted(map(tuple, by_schema[schema]["sent"])) == sorted(
                [(overdue.pk, NoticeKind.REVIEW_OVERDUE), (soon.pk, NoticeKind.REVIEW_SOON)]
            )
            # and its notices are recorded there, to its own address
            with tenant_context(Municipality.objects.get(slug=slug)):
                notices = list(Notice.objects.order_by("kind").values_list("kind", "recipients"))
            assert notices == [
                (NoticeKind.REVIEW_OVERDUE, [f"rutiner@{slug}.kommune.no"]),
                (NoticeKind.REVIEW_SOON, [f"rutiner@{slug}.kommune.no"]),
            ]
        connection.set_schema_to_public()
        # The worker sent four mails, each to its municipality, with its link
        mails = _mails(mail_files)
        assert len(mails) == 4, real_worker.log_text()[-3000:]
        for slug in SLUGS:
            theirs = [m for m in mails if f"To: rutiner@{slug}.kommune.no" in m]
            assert len(theirs) == 2
            assert all(f"{slug}.localhost/rutiner/" in m for m in theirs)

        # When the dispatcher runs again the same day
        again = dispatch_review_notices.apply().get()
        rerun = [real_worker.result(task_id) for task_id in again["task_ids"]]

        # Then nothing more is sent
        assert all(r.state == "SUCCESS" for r in rerun)
        rerun_outcomes: list[dict[str, Any]] = [cast(dict[str, Any], r.result) for r in rerun]
        assert all(outcome["sent"] == [] for outcome in rerun_outcomes)
        assert len(_mails(mail_files)) == 4
