"""Reading a CSV in the layout of SSB's Statistikkbanken export into typed rows.

The export ("semikolonseparert med overskrift") is semicolon-separated, fields in double
quotes, optionally preceded by a title line and blank lines, then a header row. Two
shapes are read:

- long: `"region";"statistikkvariabel";"år";"<tabell>"`, one row per region and period,
  the value in the last column (`år` may be `kvartal`, `måned`, `tid`, `periode`,
  `skoleår`, …);
- wide: `"region";"statistikkvariabel";"2022";"2023"`, one column per period.

The region is the municipality's number and name (`5006 Steinkjer`), the number alone, or
either with SSB's `K-` prefix (`K-5006`). Values use a decimal comma (`12,5`; spaces as
thousands separators are allowed); `..`, `...`, `.`, `:` and `-` (SSB's symbols for
missing, confidential or nil) and an empty field mean "no value" and are skipped.
A `statistikkvariabel` column must name one variable throughout. Line numbers are the
file's own (the first line is 1), so a refusal points at the line to fix.
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from networks.indicators.periods import Period, parse_period

MISSING = frozenset({"", ".", "..", "...", ":", "-"})
PERIOD_HEADERS = frozenset(
    {"år", "tid", "periode", "kvartal", "måned", "halvår", "tertial", "skoleår", "skoleårgang"}
)
VARIABLE_HEADERS = frozenset({"statistikkvariabel", "contentscode"})
REGION = re.compile(r"^(?:K-)?(?P<number>\d{1,4})(?:\s+(?P<name>.*))?$", re.IGNORECASE)
SPACES = re.compile(r"[\s\u00a0\u202f]")
MAX_LINES = 20_000
MAX_ERRORS = 25


@dataclass(frozen=True)
class Row:
    line: int
    number: str  # the municipality number, four digits
    region: str  # as the file names it, for messages
    period: Period
    value: Decimal


@dataclass
class Parsed:
    rows: list[Row] = field(default_factory=list)
    missing: int = 0  # values marked as missing, skipped
    errors: list[str] = field(default_factory=list)

    def error(self, line: int, message: str) -> None:
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(
                _("Linje %(line)d: %(message)s") % {"line": line, "message": message}
            )


def parse_value(text: str) -> Decimal | None:
    """The number in a cell (decimal comma or point), None for SSB's missing symbols;
    ValueError for anything else."""
    cell = text.strip()
    if cell in MISSING:
        return None
    compact = SPACES.sub("", cell)
    if compact.count(",") > 1 or ("," in compact and "." in compact):
        raise ValueError(cell)
    try:
        number = Decimal(compact.replace(",", "."))
    except InvalidOperation:
        raise ValueError(cell) from None
    if not number.is_finite():
        raise ValueError(cell)
    return number


def _region_number(text: str) -> str | None:
    match = REGION.match(text.strip())
    if match is None or len(match["number"]) != 4:
        return None
    return match["number"]


def _lines(text: str) -> list[tuple[int, list[str]]]:
    """The file's records with their line numbers (1-based), blank records left out."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";", quotechar='"')
    records = []
    for record in reader:
        if any(cell.strip() for cell in record):
            records.append((reader.line_num, record))
        if reader.line_num > MAX_LINES:
            raise ValueError(_("Filen har mer enn %(count)d linjer.") % {"count": MAX_LINES})
    return records


def parse_csv(text: str) -> Parsed:
    """The rows of an SSB export; `errors` (Norwegian, by line) says what could not be read."""
    parsed = Parsed()
    try:
        records = _lines(text)
    except (csv.Error, ValueError) as exc:
        parsed.errors.append(_("Filen kan ikke leses som semikolonseparert tekst: %s") % exc)
        return parsed
    # A title line (one cell) may come before the header.
    while records and len(records[0][1]) < 2:
        records.pop(0)
    if not records:
        parsed.errors.append(_("Filen har ingen overskriftsrad og ingen verdier."))
        return parsed
    header_line, header = records[0]
    names = [cell.strip().lower() for cell in header]
    if "region" not in names:
        parsed.error(header_line, _("Overskriftsraden mangler kolonnen «region»."))
        return parsed
    region_at = names.index("region")
    variable_at = next((i for i, n in enumerate(names) if n in VARIABLE_HEADERS), None)
    period_at = next((i for i, n in enumerate(names) if n in PERIOD_HEADERS), None)
    if period_at is not None:
        values_at = [len(names) - 1]
        if values_at[0] <= period_at:
            parsed.error(header_line, _("Overskriftsraden har ingen verdikolonne etter perioden."))
            return parsed
        if len(names) - 1 - period_at > 1:
            parsed.error(
                header_line,
                _("Filen har flere verdikolonner; last ned én statistikkvariabel om gangen."),
            )
            return parsed
        column_periods: dict[int, Period] = {}
    else:
        column_periods = {}
        for index, name in enumerate(header):
            if index in (region_at, variable_at):
                continue
            with contextlib.suppress(ValidationError):  # a column that is not a period
                column_periods[index] = parse_period(name)
        if not column_periods:
            parsed.error(
                header_line,
                _("Overskriftsraden har verken en periodekolonne («år», «kvartal» …) eller "
                  "perioder som kolonner."),
            )  # fmt: skip
            return parsed
        values_at = sorted(column_periods)
    variable: tuple[int, str] | None = None
    width = len(header)
    for line, record in records[1:]:
        if len(record) != width:
            parsed.error(
                line,
                _("raden har %(found)d felt, overskriften %(expected)d.")
                % {"found": len(record), "expected": width},
            )
            continue
        region = record[region_at].strip()
        number = _region_number(region)
        if number is None:
            parsed.error(
                line,
                _("«%(region)s» er ikke en kommune (ventet kommunenummer med fire siffer og "
                  "navn, f.eks. «5006 Steinkjer»).") % {"region": region[:60]},
            )  # fmt: skip
            continue
        if variable_at is not None:
            name = record[variable_at].strip()
            if variable is None:
                variable = (line, name)
            elif name != variable[1]:
                parsed.error(
                    line,
                    _("statistikkvariabelen «%(this)s» er en annen enn «%(first)s» på linje "
                      "%(line)d; importer én variabel om gangen.")
                    % {"this": name[:80], "first": variable[1][:80], "line": variable[0]},
                )  # fmt: skip
                continue
        for index in values_at:
            if period_at is not None:
                try:
                    period = parse_period(record[period_at])
                except ValidationError as exc:
                    parsed.error(line, " ".join(exc.messages))
                    continue
            else:
                period = column_periods[index]
            try:
                value = parse_value(record[index])
            except ValueError:
                parsed.error(
                    line,
                    _("«%(value)s» er ikke et tall (bruk desimalkomma, f.eks. «12,5»).")
                    % {"value": record[index].strip()[:40]},
                )
                continue
            if value is None:
                parsed.missing += 1
                continue
            parsed.rows.append(Row(line, number, region, period, value))
    if not parsed.rows and not parsed.errors:
        parsed.errors.append(_("Filen har ingen verdier å importere."))
    return parsed
