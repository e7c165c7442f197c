"""`samla doctor` against the real PostgreSQL: every line, a behind schema, the exit code."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from networks.models import ProgressSnapshot
from samla import doctor
from samla.models import TaskFailure
from tenants.db import connection
from tenants.models import Municipality
from tenants.services import template_schema


def run() -> tuple[str, int]:
    out = StringIO()
    try:
        call_command("doctor", stdout=out)
    except CommandError as exc:
        return out.getvalue(), exc.returncode
    return out.getvalue(), 0


def line(output: str, name: str) -> str:
    [found] = [row for row in output.splitlines() if f" {name}: " in row]
    return found


def forget_last_migration(schema: str) -> None:
    """Inside the test's transaction (rolled back): the schema misses one migration."""
    with connection.cursor() as cursor:
        cursor.execute(
            f'DELETE FROM "{schema}".django_migrations'  # noqa: S608
            f' WHERE id = (SELECT max(id) FROM "{schema}".django_migrations)'
        )


def test_a_healthy_installation_has_no_error_and_exits_zero(nordre_land, nesseby) -> None:
    # (Today's rows may be there already, committed by an earlier test's roll-up.)
    for municipality in (nordre_land, nesseby):
        ProgressSnapshot.objects.get_or_create(municipality=municipality, date=timezone.localdate())
    output, code = run()
    assert code == 0, output
    assert line(output, "database").startswith("OK")
    assert "PostgreSQL" in line(output, "database")
    assert "eager" in line(output, "broker")
    assert line(output, "malskjema").startswith("OK")
    total = Municipality.objects.without_public().count()
    assert line(output, "kommuneskjemaer") == f"OK       kommuneskjemaer: 0 av {total} ligger etter"
    assert line(output, "feilede oppgaver siste døgn").startswith("OK")


def test_a_behind_municipality_is_named_and_the_exit_code_is_one(nordre_land) -> None:
    forget_last_migration(nordre_land.schema_name)
    output, code = run()
    assert code == 1
    behind = line(output, "kommuneskjemaer")
    assert behind.startswith("FEIL")
    assert "1 av" in behind and nordre_land.schema_name in behind
    assert line(output, "malskjema").startswith("OK")


def test_a_behind_template_is_an_error(db) -> None:
    forget_last_migration(template_schema())
    output, code = run()
    assert code == 1
    assert line(output, "malskjema").startswith("FEIL")
    assert "mangler 1 migreringer" in line(output, "malskjema")


def test_the_oldest_roll_up_is_named_and_a_late_one_warns(nordre_land, nesseby) -> None:
    now = timezone.now()
    ProgressSnapshot.objects.filter(municipality__in=[nordre_land, nesseby]).delete()
    ProgressSnapshot.objects.create(
        municipality=nordre_land, date=(now - timedelta(days=3)).date(),
        computed_at=now - timedelta(days=3),
    )  # fmt: skip
    ProgressSnapshot.objects.create(municipality=nesseby, date=now.date(), computed_at=now)
    ProgressSnapshot.objects.exclude(municipality__in=[nordre_land, nesseby]).delete()
    others = Municipality.objects.without_public().exclude(pk__in=[nordre_land.pk, nesseby.pk])
    for other in others:
        ProgressSnapshot.objects.create(municipality=other, date=now.date(), computed_at=now)
    check = doctor.check_rollup(now=now)
    assert check.level == doctor.WARNING
    assert nordre_land.name in check.figure and "3 døgn siden" in check.figure
    ProgressSnapshot.objects.filter(municipality=nordre_land).update(computed_at=now)
    assert doctor.check_rollup(now=now).level == doctor.OK


def test_a_municipality_without_figures_warns(nordre_land) -> None:
    ProgressSnapshot.objects.filter(municipality=nordre_land).delete()
    check = doctor.check_rollup()
    assert check.level == doctor.WARNING
    assert "uten tall" in check.figure


def test_a_broker_that_does_not_answer_is_an_error(settings, db) -> None:
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    check = doctor.check_broker()
    assert check.level == doctor.ERROR
    assert "svarer ikke" in check.figure


def test_failed_tasks_of_the_last_day_are_counted_and_the_most_frequent_named(db) -> None:
    now = timezone.now()
    TaskFailure.objects.all().delete()
    for task, hours_ago in [
        ("networks.refresh_progress", 1),
        ("networks.refresh_progress", 23),
        ("routines.send_review_notices", 2),
        ("routines.send_review_notices", 25),  # older than a day: not counted
        ("routines.send_review_notices", 30),
    ]:
        TaskFailure.objects.create(
            task_name=task, task_id="x", exception_type="RuntimeError",
            failed_at=now - timedelta(hours=hours_ago),
        )  # fmt: skip
    check = doctor.check_failed_tasks(now=now)
    assert check.level == doctor.WARNING
    assert check.figure.startswith("3 (oftest networks.refresh_progress: 2)")
    output, _code = run()
    assert "3 (oftest networks.refresh_progress: 2)" in line(output, "feilede oppgaver siste døgn")
    TaskFailure.objects.filter(failed_at__gte=now - timedelta(hours=24)).delete()
    assert doctor.check_failed_tasks(now=now) == doctor.Check(
        "feilede oppgaver siste døgn", doctor.OK, "ingen"
    )


def test_a_deleted_municipality_is_not_the_oldest_roll_up(nordre_land, nesseby) -> None:
    now = timezone.now()
    ProgressSnapshot.objects.all().delete()
    for municipality in Municipality.objects.without_public():
        ProgressSnapshot.objects.create(municipality=municipality, date=now.date(), computed_at=now)
    ProgressSnapshot.objects.filter(municipality=nesseby).update(
        computed_at=now - timedelta(days=5)
    )
    assert nesseby.name in doctor.check_rollup(now=now).figure
    Municipality.objects.filter(pk=nesseby.pk).update(deleted_at=now)
    check = doctor.check_rollup(now=now)
    assert check.level == doctor.OK and nesseby.name not in check.figure
