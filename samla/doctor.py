"""`samla doctor`: what an operator checks first, one line per check.

Each check gives a level (OK, ADVARSEL, FEIL) and a figure: the database answers (its
version), the broker answers (or is not configured and tasks run eagerly), the template
schema has every migration the code has, how many municipality schemas are behind (the
one-query detection of `tenants/upgrade.py`), the oldest roll-up (the municipality whose
latest `networks.ProgressSnapshot` is the oldest; deleted municipalities are left out)
and the tasks that failed in the last day (`samla.TaskFailure`, written by
`samla/task_failures.py`), with the one that failed most often.

A check that cannot run (the database is down) says so as FEIL instead of raising, so the
operator always gets every line. The command exits non-zero when any line is FEIL.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from samla.health import broker_state
from tenants.db import connection

OK = "OK"
WARNING = "ADVARSEL"
ERROR = "FEIL"

# The roll-up runs nightly: a municipality whose latest figures are older than this is late.
ROLLUP_MAX_AGE = timedelta(hours=36)
# Behind schemas named on the line (the rest are counted).
NAMED_AT_MOST = 5
FAILED_TASKS = "feilede oppgaver siste døgn"
FAILED_TASKS_WINDOW = timedelta(hours=24)


@dataclass(frozen=True)
class Check:
    """One line of the report."""

    name: str
    level: str
    figure: str

    def line(self) -> str:
        return f"{self.level:<8} {self.name}: {self.figure}"


def check_database() -> Check:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
        cursor.execute("SELECT current_database()")
        name = cursor.fetchone()[0]
    return Check("database", OK, f"svarer (PostgreSQL {version}, database {name})")


def check_broker() -> Check:
    state = broker_state()
    if state["mode"] == "eager":
        return Check("broker", OK, "ikke konfigurert: oppgaver kjøres straks i prosessen (eager)")
    if state["ok"]:
        return Check("broker", OK, "svarer")
    return Check("broker", ERROR, f"svarer ikke ({state.get('error', 'ukjent feil')})")


def _schema_has_recorder(schema: str) -> bool | None:
    """None when the schema does not exist; else whether it has django_migrations."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [schema])
        if cursor.fetchone() is None:
            return None
        cursor.execute("SELECT to_regclass(quote_ident(%s) || '.django_migrations')", [schema])
        return cursor.fetchone()[0] is not None


def check_template() -> Check:
    from tenants.services import template_schema
    from tenants.upgrade import TenantSchema, expected_migrations, find_behind

    schema = template_schema()
    has_recorder = _schema_has_recorder(schema)
    if has_recorder is None:
        return Check("malskjema", ERROR, f"{schema} finnes ikke: kjør `samla upgrade`")
    behind = find_behind([TenantSchema(schema, schema, has_recorder)], expected_migrations())
    missing = len(behind.get(schema, ()))
    if missing:
        return Check(
            "malskjema", ERROR, f"{schema} mangler {missing} migreringer: kjør `samla upgrade`"
        )
    return Check("malskjema", OK, f"{schema} er oppdatert")


def check_behind() -> Check:
    from tenants.upgrade import expected_migrations, find_behind, municipality_schemas

    schemas = municipality_schemas()
    behind = find_behind(schemas, expected_migrations())
    if not behind:
        return Check("kommuneskjemaer", OK, f"0 av {len(schemas)} ligger etter")
    names = sorted(behind)
    shown = ", ".join(names[:NAMED_AT_MOST]) + (" …" if len(names) > NAMED_AT_MOST else "")
    return Check(
        "kommuneskjemaer",
        ERROR,
        f"{len(behind)} av {len(schemas)} ligger etter ({shown}): kjør `samla upgrade`",
    )


def _age(moment: datetime, now: datetime) -> str:
    hours = (now - moment).total_seconds() / 3600
    return f"{hours:.0f} timer siden" if hours < 48 else f"{hours / 24:.0f} døgn siden"


def check_rollup(now: datetime | None = None) -> Check:
    from networks.models import municipalities_with_latest_rollup

    now = timezone.now() if now is None else now
    latest = list(municipalities_with_latest_rollup().values_list("name", "latest_rollup"))
    if not latest:
        return Check("sammenstilling", OK, "ingen kommuner")
    without = [name for name, moment in latest if moment is None]
    dated = [(moment, name) for name, moment in latest if moment is not None]
    parts = []
    level = OK
    if dated:
        oldest, name = min(dated)
        parts.append(f"eldste siste beregning {name} {oldest:%Y-%m-%d %H:%M} ({_age(oldest, now)})")
        if now - oldest > ROLLUP_MAX_AGE:
            level = WARNING
    if without:
        parts.append(f"{len(without)} kommuner uten tall")
        level = WARNING
    return Check("sammenstilling", level, "; ".join(parts))


def check_failed_tasks(now: datetime | None = None) -> Check:
    """Tasks that failed in the last 24 hours (`samla.TaskFailure`), and the most frequent."""
    from samla.task_failures import failures_since

    now = timezone.now() if now is None else now
    summary = failures_since(now - FAILED_TASKS_WINDOW)
    if summary.count == 0:
        return Check(FAILED_TASKS, OK, "ingen")
    return Check(
        FAILED_TASKS,
        WARNING,
        f"{summary.count} (oftest {summary.most_frequent}: {summary.most_frequent_count}); "
        "se `samla.TaskFailure` og arbeiderens logg",
    )


CHECKS: list[Callable[[], Check]] = [
    check_database,
    check_broker,
    check_template,
    check_behind,
    check_rollup,
    check_failed_tasks,
]
NAMES = [
    "database",
    "broker",
    "malskjema",
    "kommuneskjemaer",
    "sammenstilling",
    FAILED_TASKS,
]


def run_checks() -> list[Check]:
    """Every check in order; one that raises is a FEIL line with the error's kind."""
    results = []
    for name, check in zip(NAMES, CHECKS, strict=True):
        try:
            results.append(check())
        except Exception as exc:  # the report goes on; the reason is on the line
            results.append(Check(name, ERROR, f"kunne ikke sjekkes ({type(exc).__name__}: {exc})"))
    return results
