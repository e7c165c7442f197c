"""Rules for what a municipality may be called: slug (host label), organisation number and
municipality number.

Organisation numbers are checked by `stdnum.no.orgnr` (nine digits, MOD11 check digit).
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.exceptions import InvalidChecksum
from stdnum.exceptions import ValidationError as NumberError
from stdnum.no import orgnr

RESERVED_SLUGS = frozenset(
    {
        "public", "www", "api", "admin", "cms", "static", "media", "mail", "smtp", "ftp",
        "samla", "app", "auth", "login", "status", "health", "healthz", "docs", "help",
        "support", "template", "information_schema", "localhost",
    }
)  # fmt: skip
# A DNS host label that also makes a PostgreSQL schema name once "-" becomes "_".
HOST_LABEL = re.compile(r"^[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$")


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


def validate_org_number(org_number: str) -> None:
    """Refuse anything but nine digits with a valid check digit (callers remove spaces)."""
    try:
        valid = orgnr.validate(org_number) == org_number
    except InvalidChecksum:
        raise ValidationError(
            _("Organisasjonsnummeret %(number)s er ikke gyldig (kontrollsifferet stemmer ikke)."),
            code="org_number_checksum",
            params={"number": org_number},
        ) from None
    except NumberError:
        valid = False
    if not valid:
        raise ValidationError(
            _("Organisasjonsnummeret må være ni siffer."), code="org_number_format"
        )


MUNICIPALITY_NUMBER = re.compile(r"^[0-9]{4}$")


def validate_municipality_number(number: str) -> None:
    """Refuse anything but four digits (kommunenummer: two for the county, two for the
    municipality; 0301 Oslo has a leading zero, so it is text, not a number)."""
    if not MUNICIPALITY_NUMBER.match(number or ""):
        raise ValidationError(
            _("Kommunenummeret må være fire siffer (for eksempel 3448)."),
            code="municipality_number_format",
        )


def schema_name_for(slug: str) -> str:
    return slug.replace("-", "_")
