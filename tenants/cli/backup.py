"""`samla municipality backup` and `restore`: one municipality to one archive and back."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from samla.urls_helpers import municipality_url
from tenants.backup import BackupError, backup_municipality, restore_municipality
from tenants.cli import municipality_by_slug

ACTIONS: frozenset[str] = frozenset({"backup", "restore"})


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register this module's subcommands on `sub`."""
    backup = sub.add_parser(
        "backup", help="Ta sikkerhetskopi av én kommune (skjemaet og radene i fellesskjemaet)."
    )
    backup.add_argument("slug")
    backup.add_argument(
        "--output", default=None, help="Arkivfilen, eller en mappe (standard: denne mappen)."
    )
    restore = sub.add_parser(
        "restore", help="Gjenopprett en kommune fra et arkiv, til samme eller nytt kortnavn."
    )
    restore.add_argument("archive")
    restore.add_argument(
        "--as",
        dest="as_slug",
        default=None,
        help="Gjenopprett som en ny kommune med dette kortnavnet.",
    )
    restore.add_argument(
        "--org-number",
        dest="org_number",
        default=None,
        help="Organisasjonsnummer for den nye kommunen (når arkivets er i bruk).",
    )


def handle(command: BaseCommand, action: str, options: dict[str, Any]) -> None:
    """Run `action` (one of ACTIONS)."""

    def say(line: str) -> None:
        command.stdout.write(line)

    try:
        if action == "backup":
            municipality = municipality_by_slug(options["slug"])
            path = backup_municipality(
                municipality, Path(options["output"]) if options["output"] else None, report=say
            )
            command.stdout.write(
                command.style.SUCCESS(_("Sikkerhetskopi: %(path)s") % {"path": path})
            )
        elif action == "restore":
            restored = restore_municipality(
                Path(options["archive"]),
                as_slug=options["as_slug"],
                org_number=options["org_number"],
                report=say,
            )
            command.stdout.write(
                command.style.SUCCESS(
                    _("Gjenopprettet %(name)s (%(url)s), skjema %(schema)s.")
                    % {
                        "name": restored.name,
                        "url": municipality_url(restored),
                        "schema": restored.schema_name,
                    }
                )
            )
    except BackupError as error:
        raise CommandError(str(error)) from error
