"""`samla upgrade`: migrate the public schema, the template schema and every municipality.

The public schema and the template go first, as django-tenants migrates them. Then the
municipalities the Samla way (`tenants/upgrade.py`): the schemas that are behind are found
with one query, the plan is computed once per state and applied to each behind schema in
its own transaction, a few at a time; the first failure stops the run and names the
municipality (`--executor standard` or `multiprocessing` runs django-tenants' own
executors instead, one `migrate` per schema).

Then every municipality gets the host names the settings call for (a new base domain adds
`<slug>.<base>` as the primary host and keeps the old one).
"""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tenants.services import ensure_municipality_hosts, ensure_public_tenant, ensure_template
from tenants.upgrade import DEFAULT_JOBS, PlanRefused, UpgradeFailed, upgrade_schemas


class Command(BaseCommand):
    help = "Migrer felles skjema, malskjemaet og alle kommuner (kjøres ved hver utrulling)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--executor",
            default="samla",
            choices=["samla", "standard", "multiprocessing"],
            help="samla: bare kommuner som ligger etter, én transaksjon per kommune "
            "(standard); standard/multiprocessing: django-tenants' egne.",
        )
        parser.add_argument(
            "--jobs",
            type=int,
            default=DEFAULT_JOBS,
            help=f"Kommuner som migreres samtidig (samla; standard {DEFAULT_JOBS}).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        verbosity = options["verbosity"]
        call_command("migrate_schemas", shared=True, interactive=False, verbosity=verbosity)
        ensure_public_tenant()
        ensure_template(verbosity=verbosity)
        if options["executor"] == "samla":
            self._upgrade_municipalities(options["jobs"], verbosity)
        else:
            call_command(
                "migrate_schemas",
                tenant=True,
                interactive=False,
                executor=options["executor"],
                verbosity=verbosity,
            )
        for slug, hosts in ensure_municipality_hosts().items():
            if verbosity:
                self.stdout.write(f"{slug}: nye adresser {', '.join(hosts)}")
        self.stdout.write(self.style.SUCCESS("Databasen er oppdatert."))

    def _upgrade_municipalities(self, jobs: int, verbosity: int) -> None:
        if jobs < 1:
            raise CommandError("--jobs må være minst 1.")
        log = self.stdout.write if verbosity > 1 else None
        try:
            outcome = upgrade_schemas(jobs=jobs, log=log)
        except (UpgradeFailed, PlanRefused) as error:
            raise CommandError(str(error)) from error
        if verbosity:
            self.stdout.write(
                f"Kommuner: {len(outcome.migrated)} oppdatert, {outcome.current} allerede "
                f"oppdatert ({outcome.seconds:.1f} s)."
            )
