"""Rules for what a municipality may be called: slug (host label) and organisation number."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

RESERVED_SLUGS = frozenset(
    {
        "public", "www", "api", "admin", "cms", "static", "media", "mail", "smtp", "ftp",
        "samla", "app", "auth", "login", "status", "health", "healthz", "docs", "help",
        "support", "template", "information_schema", "localhost",
    }
)  # fmt: skip
# A DNS host label that also makes a PostgreSQL schema name once "-" becomes "_".
HOST_LABEL = re.compile(r"^[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$")
MOD11_WEIGHTS = (3, 2, 7, 6, 5, 4, 3, 2)


def validate_slug(slug: str) -> None:
    if not HOST_LABEL.match(slug) or "--" in slug:
        raise ValidationError(
            _(
                "Kortnavnet «%(slug)s» kan ikke brukes i en adresse: bruk små bokstaver a–z, "
                "tall og bindestrek, start med en bokstav og ikke slutt med bindestrek "
                "(høyst 63 tegn)."
            ),
            code="invalid_slug",
            params={"slug": slug},
        )
    if slug in RESERVED_SLUGS or slug.startswith("pg-"):
        raise ValidationError(
            _("Kortnavnet «%(slug)s» er reservert og kan ikke brukes."),
            code="reserved_slug",
            params={"slug": slug},
        )


def org_number_check_digit(first_eight: str) -> int | None:
    """The MOD11 check digit for eight digits, or None when none exists (remainder 1)."""
    remainder = sum(int(d) * w for d, w in zip(first_eight, MOD11_WEIGHTS, strict=True)) % 11
    if remainder == 1:
        return None
    return 0 if remainder == 0 else 11 - remainder


def validate_org_number(org_number: str) -> None:
    if not re.fullmatch(r"\d{9}", org_number):
        raise ValidationError(
            _("Organisasjonsnummeret må være ni siffer."), code="org_number_format"
        )
    if org_number_check_digit(org_number[:8]) != int(org_number[8]):
        raise ValidationError(
            _("Organisasjonsnummeret %(number)s er ikke gyldig (kontrollsifferet stemmer ikke)."),
            code="org_number_checksum",
            params={"number": org_number},
        )


def schema_name_for(slug: str) -> str:
    return slug.replace("-", "_")
