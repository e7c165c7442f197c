"""`samla municipality …`: the operator's tool for municipalities (more actions in tenants/cli/)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from samla.tasks import run_for_municipality
from samla.urls_helpers import municipality_url
from tenants.cli import backup as backup_cli
from tenants.cli import lifecycle as lifecycle_cli
from tenants.cli import municipality_by_slug
from tenants.models import Municipality
from tenants.services import provision_municipality
from tenants.tasks import check_schema

# The modules that add subcommands (tenants/cli/): backup and restore; export and deletion.
MORE_ACTIONS = (backup_cli, lifecycle_cli)


class Command(BaseCommand):
    help = "Opprett, list og kontroller kommuner."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Opprett en kommune med eget skjema og adresse.")
        create.add_argument("--name", required=True)
        create.add_argument("--slug", required=True)
        create.add_argument("--org-number", required=True, dest="org_number")
        create.add_argument("--county", default="")
        create.add_argument(
            "--number", default=None, help="Kommunenummeret, fire siffer (for eksempel 3448)."
        )
        sub.add_parser("list", help="List kommunene.")
        check = sub.add_parser("check", help="Kontroller skjemaet til en kommune mot malen.")
        check.add_argument("slug")
        for module in MORE_ACTIONS:
            module.add_parsers(sub)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        for module in MORE_ACTIONS:
            if action in module.ACTIONS:
                module.handle(self, action, options)
                return
        if action == "create":
            try:
                municipality = provision_municipality(
                    name=options["name"],
                    slug=options["slug"],
                    org_number=options["org_number"],
                    county=options["county"],
                    number=options["number"],
                )
            except ValidationError as exc:
                lines = [
                    f"{field}: {msg}" for field, msgs in exc.message_dict.items() for msg in msgs
                ]
                raise CommandError("\n".join(lines)) from exc
            self.stdout.write(
                self.style.SUCCESS(
                    f"Opprettet {municipality.name} ({municipality_url(municipality)})"
                )
            )
        elif action == "list":
            for m in Municipality.objects.without_public().order_by("name"):
                self.stdout.write(
                    f"{m.slug:20} {m.number or '----'} {m.org_number} {m.name:30} "
                    f"{municipality_url(m)}"
                )
        elif action == "check":
            found = municipality_by_slug(options["slug"])
            result = run_for_municipality(found, check_schema)
            missing = result["missing_tables"]
            if missing:
                raise CommandError(f"Mangler tabeller: {', '.join(missing)}")
            self.stdout.write(self.style.SUCCESS("Skjemaet er i orden."))
