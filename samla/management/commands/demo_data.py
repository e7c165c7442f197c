"""`samla demo_data`: load the demo and print where to log in."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from samla.demo import DEMO_PASSWORD, load_demo
from samla.urls_helpers import host_url, municipality_host, public_url


class Command(BaseCommand):
    help = "Last inn demodata (kommuner, nettverk og brukere) og skriv ut adresser og pålogging."

    def handle(self, *args: Any, **options: Any) -> None:
        logins = load_demo()
        self.stdout.write(self.style.SUCCESS("Demodata er på plass.\n"))
        self.stdout.write(f"Forside: {public_url()}")
        if settings.SAMLA_ALIAS_DOMAINS:
            self.stdout.write(
                "Én innlogging gjelder forsiden og alle kommunene under "
                f"{settings.SAMLA_BASE_DOMAIN}. Også på "
                + ", ".join(
                    f"{host_url(alias)} og {host_url('<kortnavn>.' + alias)}"
                    for alias in settings.SAMLA_ALIAS_DOMAINS
                )
                + " (innlogging per adresse; for skript og API)."
            )
        self.stdout.write(f"Passord for alle demobrukere: {DEMO_PASSWORD}\n")
        for username, where in logins:
            if where in {"nettverk", "drift"}:
                url = public_url()
            else:
                url = host_url(municipality_host(where))
            self.stdout.write(f"  {username:28} {url}")
