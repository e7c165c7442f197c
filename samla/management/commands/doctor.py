"""`samla doctor`: print what an operator checks first (`samla/doctor.py`); exit 1 on FEIL."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from samla.doctor import ERROR, run_checks


class Command(BaseCommand):
    help = "Vis det en driftsansvarlig sjekker først (database, kø, skjemaer, sammenstilling)."

    def handle(self, *args: Any, **options: Any) -> None:
        checks = run_checks()
        for check in checks:
            self.stdout.write(check.line())
        failed = [check.name for check in checks if check.level == ERROR]
        if failed:
            raise CommandError(f"FEIL i: {', '.join(failed)}", returncode=1)
