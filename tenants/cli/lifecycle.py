"""`samla municipality` subcommands for leaving Samla: export, delete, undelete, purge.

Thin: each finds the municipality, asks for confirmation where a step cannot be undone,
and calls `tenants/export.py` or `tenants/lifecycle.py`. Refusals are CommandErrors with
the service's Norwegian message; nothing is written then.
"""

from __future__ import annotations

import argparse
import datetime
import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from tenants import lifecycle
from tenants.cli import municipality_by_slug, user_by_username

ACTIONS: frozenset[str] = frozenset({"export", "export-fields", "delete", "undelete", "purge"})


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register this module's subcommands on `sub`."""
    export = sub.add_parser(
        "export", help="Eksporter alt kommunen eier til et åpent arkiv (zip med JSON)."
    )
    export.add_argument("slug")
    export.add_argument(
        "--output", default=None, help="Arkivfilen (standard: <kortnavn>-eksport-<tid>.zip)."
    )
    fields = sub.add_parser(
        "export-fields", help="Skriv feltbeskrivelsen av eksportarkivet (FIELDS.md)."
    )
    fields.add_argument(
        "--write", default=None, help="Oppdater feltbeskrivelsen i denne filen (docs/export.md)."
    )
    delete = sub.add_parser(
        "delete", help="Slett en kommune (krever fersk eksport; skjemaet beholdes en periode)."
    )
    delete.add_argument("slug")
    delete.add_argument("--retention-days", type=int, default=None, dest="retention_days")
    delete.add_argument("--actor", default=None, help="Brukernavnet til operatøren.")
    delete.add_argument("--yes", action="store_true", help="Ikke spør om bekreftelse.")
    undelete = sub.add_parser("undelete", help="Angre en sletting innenfor oppbevaringstiden.")
    undelete.add_argument("slug")
    undelete.add_argument("--actor", default=None, help="Brukernavnet til operatøren.")
    purge = sub.add_parser(
        "purge", help="Slett skjemaet og radene til en slettet kommune for godt."
    )
    purge.add_argument("slug")
    purge.add_argument(
        "--now",
        action="store_true",
        help="Hopp over oppbevaringstiden (operatørens uttrykkelige valg).",
    )
    purge.add_argument("--actor", default=None, help="Brukernavnet til operatøren.")
    purge.add_argument("--yes", action="store_true", help="Ikke spør om bekreftelse.")


def _confirm(command: BaseCommand, options: dict[str, Any], question: str) -> None:
    """Ask on a terminal unless --yes; without a terminal (scripts, tests) --yes is implied."""
    if options.get("yes") or not sys.stdin.isatty():
        return
    command.stdout.write(question + " [ja/nei] ", ending="")
    command.stdout.flush()
    if sys.stdin.readline().strip().lower() not in ("ja", "j", "yes", "y"):
        raise CommandError(_("Avbrutt; ingenting er endret."))


def _refused(exc: ValidationError) -> CommandError:
    return CommandError("\n".join(exc.messages))


def _export_fields(command: BaseCommand, write: str | None) -> None:
    from tenants import export

    if write is None:
        command.stdout.write(export.fields_markdown(), ending="")
        return
    path = Path(write)
    try:
        updated = export.with_fields_reference(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CommandError(
            _("Fant ikke feltbeskrivelsens merker i %(path)s.") % {"path": path}
        ) from exc
    temporary = path.with_name(f".{path.name}.part")
    temporary.write_text(updated, encoding="utf-8")
    temporary.replace(path)
    command.stdout.write(command.style.SUCCESS(_("Oppdatert %(path)s") % {"path": path}))


def handle(command: BaseCommand, action: str, options: dict[str, Any]) -> None:
    """Run `action` (one of ACTIONS)."""
    if action == "export-fields":
        _export_fields(command, options["write"])
        return
    municipality = municipality_by_slug(options["slug"])
    if action == "export":
        from tenants import export

        output = Path(options["output"]) if options["output"] else None
        try:
            path = export.export_municipality(municipality, output=output)
        except ValidationError as exc:
            raise _refused(exc) from exc
        command.stdout.write(command.style.SUCCESS(_("Eksportert til %(path)s") % {"path": path}))
    elif action == "delete":
        actor = user_by_username(options["actor"])
        days = options["retention_days"]
        retention = None if days is None else datetime.timedelta(days=days)
        _confirm(
            command,
            options,
            _("Slette %(name)s? Adressene svarer 404 med en gang.") % {"name": municipality.name},
        )
        try:
            lifecycle.delete_municipality(municipality, actor=actor, retention=retention)
        except ValidationError as exc:
            raise _refused(exc) from exc
        command.stdout.write(
            command.style.SUCCESS(
                _("Slettet %(name)s; skjemaet slettes endelig etter %(date)s.")
                % {
                    "name": municipality.name,
                    "date": timezone.localtime(municipality.purge_after).strftime("%Y-%m-%d %H:%M"),
                }
            )
        )
    elif action == "undelete":
        try:
            lifecycle.undelete_municipality(municipality, actor=user_by_username(options["actor"]))
        except ValidationError as exc:
            raise _refused(exc) from exc
        command.stdout.write(
            command.style.SUCCESS(_("%(name)s er gjenopprettet.") % {"name": municipality.name})
        )
    elif action == "purge":
        actor = user_by_username(options["actor"])
        if not options["now"] and municipality.deleted_at is None:
            raise CommandError(
                _(
                    "%(name)s er ikke slettet. Slett den først, eller bruk --now for å "
                    "slette den endelig med en gang."
                )
                % {"name": municipality.name}
            )
        _confirm(
            command,
            options,
            _("Slette skjemaet og dataene til %(name)s for godt? Dette kan ikke angres.")
            % {"name": municipality.name},
        )
        try:
            lifecycle.purge_municipality(municipality, actor=actor, skip_retention=options["now"])
        except ValidationError as exc:
            raise _refused(exc) from exc
        command.stdout.write(
            command.style.SUCCESS(
                _("%(name)s er endelig slettet; regnskapsradene er beholdt.")
                % {"name": municipality.name}
            )
        )
    else:  # pragma: no cover - argparse only lets ACTIONS through
        raise CommandError(action)
