"""Upgrading every municipality's schema: find the behind ones at once, plan once, apply.

django-tenants' `migrate_schemas --tenant` runs Django's whole `migrate` command once per
schema: it loads the migration graph, reads that schema's `django_migrations`, renders the
project state of every applied migration and sends the migrate signals, also when nothing
is missing. That cost is per schema and it dominates: with 400 municipalities a deploy
with nothing to migrate took about a minute. Here instead:

1. `find_behind` reads the `django_migrations` of every municipality with ONE query
   (a `UNION ALL` over the schemas, compared in SQL with the migrations the code has;
   `DETECT_BATCH` schemas per query) and returns only the schemas that miss something,
   with what they miss. Current schemas are never touched again.
2. `plan_for` computes, once per distinct state (schemas that miss the same migrations
   share it), Django's plan and the project state before and after every operation, the
   way Django's `MigrationExecutor` and `Migration.apply` do; the states are rendered once.
3. `upgrade_schemas` applies the plan to each behind schema on a connection whose
   `search_path` is that schema (as django-tenants does), in ONE transaction per schema
   (PostgreSQL's DDL is transactional): the operations' `database_forwards` with the
   shared states, then the `django_migrations` rows. A few threads, each with its own
   connection, work through the schemas. The first failure stops the run: no thread
   starts another schema, the failed schema's transaction is rolled back (untouched),
   every other schema is either fully migrated or not started, and the failure names the
   municipality and the migration. Running again resumes: the finished schemas are
   current and skipped.

The migrate signals are not sent for municipality schemas: every receiver in this stack
(contenttypes, auth, Wagtail) works only on shared apps, which the tenant router keeps out
of municipality schemas. A migration marked `atomic = False` cannot share the schema's
transaction; a plan with one is refused with a message (apply it with
`samla upgrade --executor standard`).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from django.db import connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.migration import Migration
from django.db.migrations.operations.base import Operation
from django.db.migrations.recorder import MigrationRecorder
from django.db.migrations.state import ProjectState

from tenants.db import connection

logger = logging.getLogger(__name__)

MigrationKey = tuple[str, str]

# Schemas read by one detection query (each adds a relation and its index to the locks the
# query holds; PostgreSQL's lock table holds max_locks_per_transaction × connections).
DETECT_BATCH = 500
# Worker threads (each with its own connection) applying plans to schemas.
DEFAULT_JOBS = 2


class UpgradeFailed(RuntimeError):
    """One municipality's schema could not be migrated; the run stopped there."""

    def __init__(self, municipality: TenantSchema, migration: str, error: BaseException,
                 done: Sequence[str], not_started: Sequence[str]) -> None:  # fmt: skip
        self.municipality = municipality
        self.migration = migration
        self.error = error
        self.done = list(done)
        self.not_started = list(not_started)
        super().__init__(
            f"Oppgraderingen stoppet ved kommunen «{municipality.name}» "
            f"(skjema {municipality.schema}): {migration or 'før første migrering'} feilet: "
            f"{error}. Skjemaet er urørt (transaksjonen ble rullet tilbake). "
            f"{len(self.done)} kommuner ble oppdatert, {len(self.not_started)} ble ikke "
            f"påbegynt. Rett feilen og kjør `samla upgrade` igjen: den fortsetter der den stoppet."
        )


class PlanRefused(RuntimeError):
    """The plan cannot be applied schema by schema in one transaction each (said why)."""


@dataclass(frozen=True)
class TenantSchema:
    """A municipality's schema as the upgrade sees it."""

    schema: str
    name: str
    has_recorder: bool = True  # whether its schema has a django_migrations table


@dataclass
class Step:
    """One migration: its operations with the project state before and after each."""

    migration: Migration
    operations: list[tuple[Operation, ProjectState, ProjectState]]


@dataclass
class Plan:
    """What schemas at one state miss, in order, computed once for all of them."""

    steps: list[Step]
    # Squashed migrations to record once all they replace are applied (check_replacements).
    replacements: list[MigrationKey] = field(default_factory=list)


@dataclass
class Outcome:
    """What a run did: schemas migrated and schemas found current."""

    migrated: list[str]
    current: int
    plans: int
    seconds: float


def expected_migrations() -> frozenset[MigrationKey]:
    """Every migration the code has (a current schema has recorded them all)."""
    return frozenset(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def municipality_schemas() -> list[TenantSchema]:
    """Every municipality's schema (not the public one), whether it has django_migrations."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT m.schema_name, m.name,
                   to_regclass(quote_ident(m.schema_name) || '.django_migrations') IS NOT NULL
            FROM tenants_municipality m
            WHERE m.schema_name <> 'public' AND m.purged_at IS NULL
            ORDER BY m.schema_name
            """
        )
        return [TenantSchema(schema, name, bool(has)) for schema, name, has in cursor.fetchall()]


def find_behind(
    schemas: Sequence[TenantSchema], expected: Iterable[MigrationKey], batch: int = DETECT_BATCH
) -> dict[str, frozenset[MigrationKey]]:
    """The schemas that miss a migration, with what each misses: one query per `batch`.

    The migrations the code has go in as two arrays; the query compares them with the
    `django_migrations` of every schema (a `UNION ALL`) and returns only what is missing.
    A schema without a `django_migrations` table misses everything (not queried).
    """
    expected = sorted(expected)
    apps = [app for app, _name in expected]
    names = [name for _app, name in expected]
    behind = {m.schema: frozenset(expected) for m in schemas if not m.has_recorder}
    readable = [m.schema for m in schemas if m.has_recorder]
    for start in range(0, len(readable), batch):
        chunk = readable[start : start + batch]
        applied = "\nUNION ALL ".join(
            f"SELECT %s::text, app::text, name::text FROM {_quote(schema)}.django_migrations"  # noqa: S608
            for schema in chunk
        )
        sql = f"""
            WITH expected(app, name) AS (SELECT * FROM unnest(%s::text[], %s::text[])),
            applied(schema_name, app, name) AS ({applied})
            SELECT s.schema_name, array_agg(e.app), array_agg(e.name)
            FROM unnest(%s::text[]) AS s(schema_name) CROSS JOIN expected e
            WHERE NOT EXISTS (
                SELECT FROM applied a
                WHERE a.schema_name = s.schema_name AND a.app = e.app AND a.name = e.name
            )
            GROUP BY s.schema_name
        """  # noqa: S608 (schema names quoted; every value is a parameter)
        with connection.cursor() as cursor:
            cursor.execute(sql, [apps, names, *chunk, chunk])
            for schema, missing_apps, missing_names in cursor.fetchall():
                behind[schema] = frozenset(zip(missing_apps, missing_names, strict=True))
    return behind


def plan_for(schema: TenantSchema | None, missing: frozenset[MigrationKey]) -> Plan:
    """Django's plan for schemas at `schema`'s state (None: nothing applied), with states.

    The loader reads the applied migrations of this one schema, as Django's `migrate`
    would; every schema missing the same migrations gets the same plan.
    """
    if schema is None or not schema.has_recorder:
        executor = MigrationExecutor(None)
    else:
        connection.set_schema(schema.schema, include_public=False)
        try:
            executor = MigrationExecutor(connection)
            executor.loader.check_consistent_history(connection)
        finally:
            connection.set_schema_to_public()
    loader = executor.loader
    conflicts = loader.detect_conflicts()
    if conflicts:
        raise PlanRefused(f"Motstridende migreringer: {conflicts}")
    targets = loader.graph.leaf_nodes()
    plan = executor.migration_plan(targets)
    if any(backwards for _migration, backwards in plan):
        raise PlanRefused("Planen vil rulle tilbake migreringer; kjør den for hånd.")
    non_atomic = [f"{m.app_label}.{m.name}" for m, _ in plan if not m.atomic]
    if non_atomic:
        raise PlanRefused(
            f"Migreringene {', '.join(non_atomic)} kan ikke kjøres i skjemaets transaksjon "
            "(atomic = False): kjør `samla upgrade --executor standard`."
        )
    # The state before the first migration to apply, rendered once (Django's
    # _migrate_all_forwards renders it too, per schema).
    state = executor._create_project_state(with_applied_migrations=True)  # type: ignore[attr-defined]
    state.apps  # noqa: B018 (renders the models: the expensive part, done once)
    steps = []
    for migration, _backwards in plan:
        operations = []
        for operation in migration.operations:
            before = state.clone()
            operation.state_forwards(migration.app_label, state)
            operations.append((operation, before, state.clone()))
        steps.append(Step(migration, operations))
    # As Django's check_replacements after migrate: squashes whose replaced set is now all
    # recorded are recorded too.
    recorded = set(loader.applied_migrations)
    for migration, _ in plan:
        recorded.update(migration.replaces or [(migration.app_label, migration.name)])
    replacements = [
        key
        for key, squash in loader.replacements.items()
        if key not in loader.applied_migrations and all(r in recorded for r in squash.replaces)
    ]
    logger.info("Plan for schemas missing %d migrations: %d steps", len(missing), len(steps))
    return Plan(steps, replacements)


class SchemaFailed(Exception):
    """A schema's transaction was rolled back; `migration` is the one that was running."""

    def __init__(self, schema: TenantSchema, migration: str, error: Exception) -> None:
        super().__init__(str(error))
        self.schema = schema
        self.migration = migration
        self.error = error


def apply_plan(schema: TenantSchema, plan: Plan) -> None:
    """Apply `plan` to one schema in one transaction (on this thread's connection).

    Raises SchemaFailed (after the rollback) naming the migration that failed.
    """
    running = ""
    try:
        with transaction.atomic():
            recorder = MigrationRecorder(connection)
            if not schema.has_recorder:
                # Without public on the path, so that public's table does not count.
                connection.set_schema(schema.schema, include_public=False)
                recorder.ensure_schema()
            # Public too: foreign keys to shared tables name them unqualified.
            connection.set_schema(schema.schema)
            applied: list[MigrationKey] = []
            for step in plan.steps:
                migration = step.migration
                running = f"{migration.app_label}.{migration.name}"
                _apply_step(step)
                # As MigrationExecutor.record_migration (a squash records what it replaces).
                applied.extend(migration.replaces or [(migration.app_label, migration.name)])
            running = ""
            # One insert, without MigrationRecorder.record_applied's check for the table
            # (a catalogue query over every schema's tables, per schema).
            recorder.migration_qs.bulk_create(
                recorder.Migration(app=app, name=name)
                for app, name in [*applied, *plan.replacements]
            )
    except Exception as error:
        raise SchemaFailed(schema, running, error) from error
    finally:
        connection.set_schema_to_public()


def _apply_step(step: Step) -> None:
    """As Migration.apply, with the states shared by every schema at this state."""
    migration = step.migration
    with connection.schema_editor(atomic=migration.atomic) as editor:
        for operation, before, after in step.operations:
            atomic_operation = operation.atomic or (
                migration.atomic and operation.atomic is not False
            )
            if not editor.atomic_migration and atomic_operation:
                with transaction.atomic(editor.connection.alias):
                    operation.database_forwards(migration.app_label, editor, before, after)
            else:
                operation.database_forwards(migration.app_label, editor, before, after)


def upgrade_schemas(
    schemas: Sequence[TenantSchema] | None = None,
    jobs: int = DEFAULT_JOBS,
    log: Callable[[str], None] | None = None,
) -> Outcome:
    """Bring every behind schema (default: every municipality) up to the code's migrations.

    Raises UpgradeFailed at the first schema that fails (after the threads at work have
    finished the schema they were on), naming it.
    """
    started = time.perf_counter()
    connection.set_schema_to_public()
    if schemas is None:
        schemas = municipality_schemas()
    by_schema = {m.schema: m for m in schemas}
    behind = find_behind(schemas, expected_migrations())
    groups: dict[frozenset[MigrationKey], list[TenantSchema]] = {}
    for schema_name in sorted(behind):
        groups.setdefault(behind[schema_name], []).append(by_schema[schema_name])
    queue: list[tuple[TenantSchema, Plan]] = []
    for missing, members in groups.items():
        try:
            plan = plan_for(members[0], missing)
        except PlanRefused:
            raise
        except Exception as error:  # an inconsistent history, a migration that won't load
            raise PlanRefused(
                f"Kunne ikke lage migreringsplanen for {len(members)} kommuner, blant dem "
                f"«{members[0].name}» (skjema {members[0].schema}): {error}. Ingen kommune "
                "er endret."
            ) from error
        queue.extend((member, plan) for member in members)
        if log:
            log(f"{len(members)} kommuner mangler {len(missing)} migreringer.")
    current = len(schemas) - len(behind)
    done = _apply_all(queue, max(1, min(jobs, len(queue))), log)
    return Outcome(done, current, len(groups), time.perf_counter() - started)


def _apply_all(
    queue: list[tuple[TenantSchema, Plan]], jobs: int, log: Callable[[str], None] | None
) -> list[str]:
    """Apply each schema's plan with `jobs` threads; stop at the first failure.

    With one job the caller's thread and connection do the work (left open, on the
    public schema); otherwise each thread has its own connection, closed at its end.
    """
    lock = threading.Lock()
    pending = list(reversed(queue))
    done: list[str] = []
    failures: list[SchemaFailed] = []

    def work() -> None:
        while True:
            with lock:
                if failures or not pending:
                    return
                schema, plan = pending.pop()
            try:
                apply_plan(schema, plan)
            except SchemaFailed as failure:
                logger.exception("Upgrade failed in %s", schema.schema)
                with lock:
                    failures.append(failure)
                return
            with lock:
                done.append(schema.schema)
            if log:
                log(f"{schema.name} ({schema.schema}): oppdatert.")

    def work_and_close() -> None:
        try:
            work()
        finally:
            connections.close_all()  # this thread's connections

    if jobs == 1:
        work()
    else:
        threads = [
            threading.Thread(target=work_and_close, name=f"samla-upgrade-{n}") for n in range(jobs)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    if failures:
        first = failures[0]
        not_started = [schema.schema for schema, _plan in reversed(pending)]
        raise UpgradeFailed(first.schema, first.migration, first.error, done, not_started)
    return done
