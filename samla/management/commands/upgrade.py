"""`samla upgrade`: migrate the public schema, the template schema and every municipality.

Then give every municipality the host names the settings call for (a new base domain adds
`<slug>.<base>` as the primary host and keeps the old one).
"""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from tenants.services import ensure_municipality_hosts, ensure_public_tenant, ensure_template


class Command(BaseCommand):
    help = "Migrer felles skjema, malskjemaet og alle kommuner (kjøres ved hver utrulling)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--executor", default="standard", choices=["standard", "multiprocessing"]
        )

    def handle(self, *args: Any, **options: Any) -> None:
        verbosity = options["verbosity"]
        call_command("migrate_schemas", shared=True, interactive=False, verbosity=verbosity)
        ensure_public_tenant()
        ensure_template(verbosity=verbosity)
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
