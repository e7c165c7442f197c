"""`samla user …`: the operator's tool for accounts; `erase` carries out the right to erasure."""

from __future__ import annotations

import sys
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from samla.accounts.erasure import erase_user
from tenants.cli import user_by_username


class Command(BaseCommand):
    help = "Brukerkontoer: sletting av personopplysninger (retten til sletting)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        erase = sub.add_parser(
            "erase",
            help=("Deaktiver kontoen og fjern personopplysningene; historikken beholder navnet."),
        )
        erase.add_argument("username")
        erase.add_argument("--actor", default=None, help="Brukernavnet til operatøren.")
        erase.add_argument("--yes", action="store_true", help="Ikke spør om bekreftelse.")

    def handle(self, *args: Any, **options: Any) -> None:
        username = options["username"]
        user = user_by_username(username)
        if user is None:
            raise CommandError(_("Oppgi brukernavnet."))
        actor = user_by_username(options["actor"])
        if not options["yes"] and sys.stdin.isatty():
            self.stdout.write(
                _("Slette personopplysningene til %(name)s? Dette kan ikke angres. [ja/nei] ")
                % {"name": username},
                ending="",
            )
            self.stdout.flush()
            if sys.stdin.readline().strip().lower() not in ("ja", "j", "yes", "y"):
                raise CommandError(_("Avbrutt; ingenting er endret."))
        try:
            erased = erase_user(user, actor=actor)
        except ValidationError as exc:
            raise CommandError("\n".join(exc.messages)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                _("Personopplysningene til %(name)s er slettet; kontoen heter nå %(placeholder)s.")
                % {"name": username, "placeholder": erased.username}
            )
        )
