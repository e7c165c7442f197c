"""Exporting everything a municipality owns as an open archive, so it can move elsewhere.

`export_municipality` writes one zip file: a JSON file per model (every model of its
schema, the rows of the public schema that belong to it by `tenants/ownership.py`, its
own row and its members' names), the documents Samla makes from its data (each plan as
.docx, .pdf, .xlsx and .ics, each submitted status report as .pdf, the routine handbook
as .docx and .pdf), and a description of every field (`FIELDS.md` and a JSON Schema per
model). Rows are streamed from a cursor into the archive, so a large municipality is not
held in memory; the archive is written to a temporary file and renamed when complete.
The whole read is one REPEATABLE READ snapshot, and `exported_at` is the moment of that
snapshot: deletion (tenants/lifecycle.py) checks that nothing was written after it.
docs/export.md describes the archive; its field reference is `fields_markdown()`.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import json
import os
import re
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models.fields.related import RelatedField
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django_tenants.utils import tenant_context

from samla.accounts.models import User
from tenants.db import connection
from tenants.lifecycle import tenant_models
from tenants.models import Municipality
from tenants.ownership import OWNED_PUBLIC_MODELS

FORMAT = "samla-export"
FORMAT_VERSION = 1
CHUNK_ROWS = 1000

# Fields never exported: secrets that let someone in, not the municipality's data.
SECRET_FIELDS: dict[str, frozenset[str]] = {
    "accounts.IntegrationToken": frozenset({"digest"}),
    "gatherings.JoinCode": frozenset({"code"}),
    "tenants.Municipality": frozenset(),
}
# Of a member's account, only who the person is (never the password hash or log-ins).
USER_FIELDS = ("id", "username", "first_name", "last_name", "email", "is_active")


class ArchiveEncoder(DjangoJSONEncoder):
    """Django's encoder (dates ISO 8601, decimals as strings) and bytes as base64."""

    def default(self, o: Any) -> Any:
        if isinstance(o, bytes | memoryview):
            return base64.b64encode(bytes(o)).decode("ascii")
        return super().default(o)


@dataclass(frozen=True)
class Exported:
    """One model in the archive: where its rows come from and which fields are written."""

    model: type[models.Model]
    source: str  # "schema" (the municipality's own schema) or "public"
    fields: tuple[str, ...] = ()  # empty: every concrete field but the secret ones

    @property
    def label(self) -> str:
        return self.model._meta.label

    @property
    def path(self) -> str:
        return f"data/{self.source}/{self.label}.json"

    def concrete(self) -> list[models.Field[Any, Any]]:
        secret = SECRET_FIELDS.get(self.label, frozenset())
        chosen = [
            f
            for f in self.model._meta.concrete_fields
            if f.name not in secret and (not self.fields or f.name in self.fields)
        ]
        return chosen


def exported_models() -> list[Exported]:
    """Every model the archive holds, in the archive's order."""
    found = [
        Exported(Municipality, "public"),
        Exported(User, "public", USER_FIELDS),
    ]
    found += [Exported(owned.model, "public") for owned in OWNED_PUBLIC_MODELS]
    found += [Exported(model, "schema") for model in tenant_models()]
    return found


def _public_rows(entry: Exported, municipality: Municipality) -> models.QuerySet[Any]:
    if entry.model is Municipality:
        return Municipality.objects.filter(pk=municipality.pk)
    if entry.model is User:
        return User.objects.filter(memberships__municipality=municipality).distinct()
    owned = next(o for o in OWNED_PUBLIC_MODELS if o.model is entry.model)
    return owned.rows(municipality)


# The field description ----------------------------------------------------------------

_JSON_TYPES: dict[str, dict[str, Any]] = {
    "AutoField": {"type": "integer"},
    "BigAutoField": {"type": "integer"},
    "SmallAutoField": {"type": "integer"},
    "IntegerField": {"type": "integer"},
    "BigIntegerField": {"type": "integer"},
    "SmallIntegerField": {"type": "integer"},
    "PositiveIntegerField": {"type": "integer", "minimum": 0},
    "PositiveBigIntegerField": {"type": "integer", "minimum": 0},
    "PositiveSmallIntegerField": {"type": "integer", "minimum": 0},
    "FloatField": {"type": "number"},
    "DecimalField": {"type": "string", "format": "decimal"},
    "BooleanField": {"type": "boolean"},
    "CharField": {"type": "string"},
    "TextField": {"type": "string"},
    "SlugField": {"type": "string"},
    "EmailField": {"type": "string", "format": "email"},
    "URLField": {"type": "string", "format": "uri"},
    "UUIDField": {"type": "string", "format": "uuid"},
    "GenericIPAddressField": {"type": "string"},
    "DateField": {"type": "string", "format": "date"},
    "DateTimeField": {"type": "string", "format": "date-time"},
    "TimeField": {"type": "string", "format": "time"},
    "DurationField": {"type": "string", "format": "duration"},
    "BinaryField": {"type": "string", "contentEncoding": "base64"},
    "FileField": {"type": "string", "description": "file path in the archive"},
    "JSONField": {},
}


def _value_schema(f: models.Field[Any, Any]) -> dict[str, Any]:
    if isinstance(f, RelatedField):
        target = f.target_field
        return _value_schema(target) if not isinstance(target, RelatedField) else {}
    if isinstance(f, ArrayField):
        return {"type": "array", "items": _value_schema(f.base_field)}
    return dict(_JSON_TYPES.get(f.get_internal_type(), {}))


def _type_name(f: models.Field[Any, Any]) -> str:
    if isinstance(f, ArrayField):
        return f"ArrayField[{_type_name(f.base_field)}]"
    return str(f.get_internal_type())


def _relation(f: models.Field[Any, Any]) -> str:
    if isinstance(f, RelatedField) and f.related_model is not None:
        related = f.related_model
        label = related if isinstance(related, str) else related._meta.label
        return f"{label}.{f.target_field.attname}"
    return ""


def _choices(f: models.Field[Any, Any]) -> list[tuple[Any, str]]:
    choices = f.choices
    if not choices and isinstance(f, ArrayField):
        choices = f.base_field.choices
    return [(value, str(label)) for value, label in (choices or [])]


def _text(value: Any) -> str:
    return " ".join(str(value or "").split())


def json_schema(entry: Exported) -> dict[str, Any]:
    """A JSON Schema (2020-12) of the model's file: an array of row objects."""
    properties: dict[str, Any] = {}
    required: list[str] = []
    for f in entry.concrete():
        prop = _value_schema(f)
        if f.null and "type" in prop:
            prop["type"] = [prop["type"], "null"]
        prop["title"] = _text(f.verbose_name)
        if f.help_text:
            prop["description"] = _text(f.help_text)
        choices = _choices(f)
        if choices:
            target = prop["items"] if isinstance(f, ArrayField) else prop
            target["enum"] = [value for value, _label in choices]
            target["x-labels"] = {str(value): label for value, label in choices}
        max_length = getattr(f, "max_length", None)
        if max_length and prop.get("type") in ("string", ["string", "null"]):
            prop["maxLength"] = max_length
        if _relation(f):
            prop["x-references"] = _relation(f)
        properties[f.attname] = prop
        required.append(f.attname)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{entry.label}.schema.json",
        "title": entry.label,
        "description": _text(entry.model._meta.verbose_name_plural),
        "type": "array",
        "items": {
            "type": "object",
            "properties": properties,
            "required": required,
            "additionalProperties": False,
        },
    }


def _cell(value: str) -> str:
    return value.replace("|", "\\|")


def model_markdown(entry: Exported) -> str:
    """One model's section of the field reference: a heading and a table of its fields."""
    meta = entry.model._meta
    lines = [
        f"### {entry.label}",
        "",
        f"`{entry.path}`: {_text(meta.verbose_name_plural)}.",
        "",
        "| field | type | name | help text | choices | refers to |",
        "|---|---|---|---|---|---|",
    ]
    for f in entry.concrete():
        choices = ", ".join(f"`{value}` {label}" for value, label in _choices(f))
        null = " (null)" if f.null else ""
        row = [
            f"`{f.attname}`",
            _type_name(f) + null,
            _text(f.verbose_name),
            _text(f.help_text),
            choices,
            f"`{_relation(f)}`" if _relation(f) else "",
        ]
        lines.append("| " + " | ".join(_cell(cell) for cell in row) + " |")
    return "\n".join(lines) + "\n"


def fields_markdown() -> str:
    """The field reference of every exported model (FIELDS.md; docs/export.md holds it)."""
    return "\n".join(model_markdown(entry) for entry in exported_models())


# Writing the archive --------------------------------------------------------------------


@dataclass
class _Archive:
    """The zip being written, with the manifest of what went in."""

    zip: zipfile.ZipFile
    files: list[dict[str, Any]] = field(default_factory=list)

    def write_stream(self, name: str, chunks: Iterable[bytes], **about: Any) -> None:
        digest = hashlib.sha256()
        size = 0
        info = zipfile.ZipInfo(name, date_time=timezone.localtime().timetuple()[:6])
        info.compress_type = zipfile.ZIP_DEFLATED
        with self.zip.open(info, "w", force_zip64=True) as out:
            for chunk in chunks:
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
        self.files.append({"path": name, "bytes": size, "sha256": digest.hexdigest(), **about})

    def write(self, name: str, content: bytes, **about: Any) -> None:
        self.write_stream(name, [content], **about)


def _rows_json(
    queryset: models.QuerySet[Any], fields: list[models.Field[Any, Any]], counter: list[int]
) -> Iterator[bytes]:
    """The rows as a JSON array, one row a line, read through a cursor in chunks."""
    names = [f.attname for f in fields]
    yield b"["
    first = True
    for row in queryset.order_by("pk").values_list(*names).iterator(chunk_size=CHUNK_ROWS):
        text = json.dumps(
            dict(zip(names, row, strict=True)), cls=ArchiveEncoder, ensure_ascii=False
        )
        yield (b"\n" if first else b",\n") + text.encode()
        first = False
        counter[0] += 1
    yield b"\n]\n"


def _write_model(archive: _Archive, entry: Exported, queryset: models.QuerySet[Any]) -> None:
    counter = [0]
    archive.write_stream(
        entry.path, _rows_json(queryset, entry.concrete(), counter), model=entry.label
    )
    archive.files[-1]["rows"] = counter[0]


def _file_name(text: str, fallback: str) -> str:
    return slugify(text)[:60] or fallback


def _write_documents(archive: _Archive, municipality: Municipality) -> None:
    """The documents Samla makes from the data (call inside the municipality's schema)."""
    from tenants.plans.documents import ical, pdf, spreadsheet, word
    from tenants.plans.documents.outline import load_plan, plan_outline, report_outline
    from tenants.plans.models import Plan, StatusReport
    from tenants.routines.documents import handbook_outline, load_handbook

    for plan in Plan.objects.order_by("pk").iterator(chunk_size=50):
        folder = f"documents/plans/{plan.pk}-{_file_name(plan.title, 'plan')}"
        outline = plan_outline(load_plan(plan))
        for name, render in (
            ("prosjektplan.docx", word.render_docx),
            ("prosjektplan.pdf", pdf.render_pdf),
            ("planens-deler.xlsx", spreadsheet.render_xlsx),
            ("kalender.ics", ical.render_ics),
        ):
            archive.write(f"{folder}/{name}", render(outline), plan=plan.pk)
        reports = StatusReport.objects.filter(plan=plan, submitted_at__isnull=False)
        for report in reports.order_by("date", "pk"):
            content = pdf.render_pdf(report_outline(report, plan))
            archive.write(
                f"{folder}/rapporter/{report.pk}-{report.date:%Y-%m-%d}.pdf",
                content,
                plan=plan.pk,
            )
    handbook = handbook_outline(load_handbook(municipality))
    archive.write("documents/routines/rutinehandbok.docx", word.render_docx(handbook))
    archive.write("documents/routines/rutinehandbok.pdf", pdf.render_pdf(handbook))


README = """# Eksport fra Samla: {name}

Dette arkivet inneholder alt {name} (organisasjonsnummer {org_number}) eier i Samla,
eksportert {exported_at}:

- `data/public/<modell>.json` og `data/schema/<modell>.json`: én JSON-fil per modell,
  en liste med én rad per objekt. Feltene er beskrevet i `FIELDS.md` og som JSON Schema i
  `schemas/<modell>.schema.json`.
- `documents/`: dokumentene Samla lager av dataene (planene som Word, PDF, Excel og
  kalender, innsendte statusrapporter som PDF, rutinehåndboken som Word og PDF).
- `manifest.json`: hver fil med antall rader, størrelse og SHA-256.

Datoer og tidspunkter er ISO 8601 (tidspunkter i UTC), beløp er tekst med punktum som
desimaltegn. Id-er viser til andre rader i arkivet (se «refers to» i `FIELDS.md`).
Formatet er beskrevet i Samlas dokumentasjon, docs/export.md.
"""


def default_output(municipality: Municipality, now: datetime.datetime) -> Path:
    return Path(f"{municipality.slug}-eksport-{now:%Y%m%dT%H%M%SZ}.zip")


def _own_transaction() -> bool:
    """Whether the export's transaction will be the outermost one (then it can be one
    REPEATABLE READ snapshot). Settles the connection's search path first, outside it,
    so that the snapshot's first statement can still choose the isolation level."""
    if connection.in_atomic_block:
        return False
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return True


def export_municipality(
    municipality: Municipality, *, output: Path | None = None, now: datetime.datetime | None = None
) -> Path:
    """Write the archive of everything `municipality` owns; set `exported_at`; the path.

    Refused (ValidationError, nothing written) for a purged municipality or an output
    whose folder does not exist.
    """
    now = now or timezone.now()
    if municipality.is_public:
        raise ValidationError(_("Det offentlige skjemaet kan ikke eksporteres."))
    if municipality.purged_at is not None:
        raise ValidationError(
            _("%(name)s er endelig slettet; det finnes ingen data å eksportere.")
            % {"name": municipality.name}
        )
    output = Path(output) if output is not None else default_output(municipality, now)
    folder = output.parent if str(output.parent) else Path(".")
    if not folder.is_dir():
        raise ValidationError(
            _("Mappen %(folder)s finnes ikke.") % {"folder": str(folder.resolve())}
        )
    handle, temporary = tempfile.mkstemp(prefix=f".{output.name}.", suffix=".part", dir=folder)
    try:
        with os.fdopen(handle, "wb") as raw:
            exported_at = _write_archive(raw, municipality, now)
        os.replace(temporary, output)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    municipality.exported_at = exported_at
    return output


def _write_archive(raw: IO[bytes], municipality: Municipality, now: datetime.datetime) -> Any:
    own = _own_transaction()
    with transaction.atomic():
        with connection.cursor() as cursor:
            if own:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            # The snapshot's moment: its first statement (the transaction has read nothing yet).
            cursor.execute("SELECT clock_timestamp()")
            snapshot_at = cursor.fetchone()[0]
        found = Municipality.objects.select_for_update().get(pk=municipality.pk)
        if found.purged_at is not None:
            raise ValidationError(_("%(name)s er endelig slettet.") % {"name": found.name})
        entries = exported_models()
        with zipfile.ZipFile(raw, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
            archive = _Archive(zipped)
            connection.set_schema_to_public()
            for entry in entries:
                if entry.source == "public":
                    _write_model(archive, entry, _public_rows(entry, found))
            with tenant_context(found):
                for entry in entries:
                    if entry.source == "schema":
                        _write_model(archive, entry, entry.model._default_manager.all())
                _write_documents(archive, found)
            for entry in entries:
                schema = json.dumps(json_schema(entry), ensure_ascii=False, indent=2)
                archive.write(f"schemas/{entry.label}.schema.json", schema.encode())
            fields = "# Fields\n\n" + fields_markdown()
            archive.write("FIELDS.md", fields.encode())
            readme = README.format(
                name=found.name,
                org_number=found.org_number,
                exported_at=snapshot_at.isoformat(),
            )
            archive.write("README.md", readme.encode())
            manifest = {
                "format": FORMAT,
                "version": FORMAT_VERSION,
                "exported_at": snapshot_at.isoformat(),
                "municipality": {
                    "id": found.pk,
                    "name": found.name,
                    "slug": found.slug,
                    "org_number": found.org_number,
                    "number": found.number,
                    "schema": found.schema_name,
                },
                "files": archive.files,
            }
            zipped.writestr(
                "manifest.json",
                json.dumps(manifest, ensure_ascii=False, indent=2, cls=ArchiveEncoder),
            )
        found.exported_at = snapshot_at
        found.save(update_fields=["exported_at"])
    return snapshot_at


def read_manifest(path: Path) -> dict[str, Any]:
    """The archive's manifest (for tests and a receiving system's first look)."""
    with zipfile.ZipFile(path) as zipped:
        manifest: dict[str, Any] = json.loads(zipped.read("manifest.json"))
    return manifest


_HEADING = re.compile(r"^### (\S+)$", re.MULTILINE)
FIELDS_START = "<!-- fields: samla municipality export-fields --write docs/export.md -->"
FIELDS_END = "<!-- fields: end -->"


def with_fields_reference(document: str) -> str:
    """`document` with the text between the field-reference markers replaced by the
    current `fields_markdown()` (docs/export.md)."""
    start = document.index(FIELDS_START) + len(FIELDS_START)
    end = document.index(FIELDS_END)
    return document[:start] + "\n\n" + fields_markdown() + "\n" + document[end:]


def documented_models(markdown: str) -> set[str]:
    """The model labels a field reference has a section for."""
    return set(_HEADING.findall(markdown))
