"""How long `samla upgrade` takes with many municipalities: Samla's way against django-tenants'.

Run from the repository root:

    .venv/bin/python benchmarks/upgrade.py --municipalities 400

In a scratch database of its own (`samla_bench_<pid>`, as `provision.py`) it runs
`samla upgrade`, provisions `--municipalities` municipalities (template clones), then
times the whole `samla upgrade` command four times:

- `upgrade_noop_s`: nothing to migrate, Samla's executor (the default);
- `upgrade_noop_s_standard`: the same with `--executor standard` (django-tenants');
- `upgrade_addfield_s`: one generated migration adding a defaulted column to the plan
  table (`plans.Plan`), Samla's executor;
- `upgrade_addfield_s_standard`: a second such migration, django-tenants' executor.

The generated migrations live in a temporary copy of the plans app's migration package
(`MIGRATION_MODULES`), removed afterwards with the scratch database: nothing is left in
the repository. Each added column is checked in every schema.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import secrets
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.provision import log, org_numbers, report_from_scratch_database

MIGRATION = """from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("{app}", "{previous}")]
    operations = [
        migrations.AddField(model_name="{model}", name="{field}", field={definition}),
    ]
"""


@contextlib.contextmanager
def extra_migrations(
    fields: Sequence[tuple[str, str]],
    app_label: str = "plans",
    model: str = "plan",
    atomic: bool = True,
) -> Iterator[list[tuple[str, str]]]:
    """The app's migrations plus one generated migration per `(field, definition)`, each
    adding that column to `model`, in a temporary migration package that
    `MIGRATION_MODULES` points at; removed afterwards. Yields the new migrations' keys."""
    from django.apps import apps
    from django.db.migrations.loader import MigrationLoader
    from django.test.utils import override_settings

    config = apps.get_app_config(app_label)
    loader = MigrationLoader(None, ignore_no_migrations=True)
    (previous,) = [name for label, name in loader.graph.leaf_nodes() if label == app_label]
    folder = tempfile.mkdtemp(prefix="samla_upgrade_")
    package = f"samla_extra_migrations_{secrets.token_hex(4)}"
    target = Path(folder) / package
    shutil.copytree(
        Path(config.path) / "migrations", target, ignore=shutil.ignore_patterns("__pycache__")
    )
    keys = []
    for number, (field, definition) in enumerate(fields, start=1):
        name = f"9{number:03d}_add_{field}"
        text = MIGRATION.format(
            app=app_label, previous=previous, model=model, field=field, definition=definition
        )
        if not atomic:
            head = "class Migration(migrations.Migration):\n"
            text = text.replace(head, head + "    atomic = False\n")
        (target / f"{name}.py").write_text(text)
        keys.append((app_label, name))
        previous = name
    sys.path.insert(0, folder)
    importlib.invalidate_caches()
    try:
        with override_settings(MIGRATION_MODULES={app_label: package}):
            yield keys
    finally:
        sys.path.remove(folder)
        for module in [m for m in sys.modules if m == package or m.startswith(package + ".")]:
            del sys.modules[module]
        shutil.rmtree(folder, ignore_errors=True)


def schemas_with_column(table: str, column: str) -> int:
    from tenants.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT count(*) FROM pg_attribute a
            JOIN pg_class c ON c.oid = a.attrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relname = %s AND a.attname = %s AND NOT a.attisdropped
              AND n.nspname <> 'public'
            """,
            [table, column],
        )
        return int(cursor.fetchone()[0])


def timed_upgrade(**options: object) -> float:
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("upgrade", verbosity=0, **options)
    return time.perf_counter() - started


def run(count: int, jobs: int) -> dict[str, float | int]:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samla.settings.test")
    django.setup()
    from tenants.models import Municipality
    from tenants.services import provision_municipality

    timed_upgrade()
    numbers = org_numbers()
    started = time.perf_counter()
    for index in range(count):
        provision_municipality(
            name=f"Oppgraderingskommune {index}", slug=f"oppg-{index}", org_number=next(numbers)
        )
        if index % 50 == 49:
            log.info("provisioned %d", index + 1)
    provision_s = time.perf_counter() - started
    total = Municipality.objects.without_public().count()
    schemas = total + 1  # and the template

    results: dict[str, float | int] = {"municipalities_count": total, "upgrade_jobs": jobs}
    results["provision_total_s"] = provision_s
    results["upgrade_noop_s"] = timed_upgrade(jobs=jobs)
    log.info("noop (samla): %.2f s", results["upgrade_noop_s"])
    results["upgrade_noop_s_standard"] = timed_upgrade(executor="standard")
    log.info("noop (standard): %.2f s", results["upgrade_noop_s_standard"])

    first = ("bench_first", "models.IntegerField(default=0)")
    second = ("bench_second", "models.IntegerField(default=0)")
    with extra_migrations([first]):
        results["upgrade_addfield_s"] = timed_upgrade(jobs=jobs)
    log.info("addfield (samla): %.2f s", results["upgrade_addfield_s"])
    results["addfield_schemas_count"] = schemas_with_column("plans_plan", first[0])
    with extra_migrations([first, second]):
        results["upgrade_addfield_s_standard"] = timed_upgrade(executor="standard")
    log.info("addfield (standard): %.2f s", results["upgrade_addfield_s_standard"])
    results["addfield_schemas_count_standard"] = schemas_with_column("plans_plan", second[0])
    for key in ("addfield_schemas_count", "addfield_schemas_count_standard"):
        if results[key] != schemas:
            raise SystemExit(f"{key}: {results[key]} of {schemas} schemas have the column")
    results["speedup_noop_x"] = results["upgrade_noop_s_standard"] / results["upgrade_noop_s"]
    results["speedup_addfield_x"] = (
        results["upgrade_addfield_s_standard"] / results["upgrade_addfield_s"]
    )
    return results


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--municipalities", type=int, default=400)
    parser.add_argument("--jobs", type=int, default=2, help="samla upgrade --jobs")
    args = parser.parse_args(argv)
    if args.municipalities < 1 or args.jobs < 1:
        parser.error("--municipalities and --jobs must be at least 1")
    return report_from_scratch_database(lambda: run(args.municipalities, args.jobs), decimals=3)


if __name__ == "__main__":
    sys.exit(main())
