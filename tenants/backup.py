"""Backing up one municipality to one archive file, and restoring it: the same or a new one.

An archive is an uncompressed tar file with three members:

- `manifest.json` (first): the archive format version, Samla's version, this
  installation's id, when it was made, the municipality's fields, its schema name and
  the schema's applied migrations, the PostgreSQL server's version, and the size and
  sha256 of each other member;
- `schema.dump`: `pg_dump --schema=<schema> --format=custom` (compressed by pg_dump);
- `public.json`: the public-schema rows that belong to the municipality
  (`tenants.ownership.OWNED_PUBLIC_MODELS`, in that order, Django's JSON serialisation),
  and the usernames of the users those rows name.

The dump and the public rows are read in one snapshot: the backup's transaction is
REPEATABLE READ and hands its snapshot to pg_dump (`--snapshot`).

A restore checks everything before it writes anything (the tar, each member's checksum,
the format version, the installation, the migrations, the target slug, the organisation
number), then restores the schema with pg_restore in one transaction, catches it up with
the fleet upgrade if the archive is older than the code, and writes the municipality's
row and public rows in one transaction; a failure at any step drops the restored schema,
so nothing is left behind. When the archive's schema name is taken in this database (the
original still exists and the restore is `--as` a new slug), the schema is restored into
a scratch database on the same server, renamed there and moved over (`pg_dump |
pg_restore`); the scratch database is dropped at the end, also on failure. See
docs/backup.md.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import os
import re
import secrets
import shutil
import subprocess
import tarfile
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, cast

import psycopg
from django.core import serializers
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_exists
from psycopg.conninfo import make_conninfo
from stdnum.no import orgnr

from samla.accounts.models import User
from samla.urls_helpers import municipality_hosts
from tenants.db import connection
from tenants.models import Domain, Installation, Municipality
from tenants.ownership import OWNED_PUBLIC_MODELS, Owned
from tenants.services import drop_schema, validate_new_municipality
from tenants.services import quote_identifier as _quote
from tenants.upgrade import TenantSchema, expected_migrations, find_behind, upgrade_schemas
from tenants.validators import schema_name_for, validate_org_number

logger = logging.getLogger(__name__)

# Raised when the archive's layout or meaning changes; a restore refuses newer formats.
ARCHIVE_FORMAT = 1
MANIFEST = "manifest.json"
SCHEMA_DUMP = "schema.dump"
PUBLIC_ROWS = "public.json"
MEMBERS = (SCHEMA_DUMP, PUBLIC_ROWS)
# Rows a restore under a new slug does not copy, beyond the bookkeeping ones (which stay
# the original's): its host names (the new slug gets its own), integration tokens
# (credentials of the original), join codes (unique codes that name the original at a
# gathering) and its Stripe customers (the original's identity with the payment provider).
NOT_COPIED = frozenset(
    {"tenants.Domain", "accounts.IntegrationToken", "gatherings.JoinCode", "billing.StripeCustomer"}
)
_CHUNK = 1 << 20

Report = Callable[[str], None]


class BackupError(Exception):
    """A backup or restore that was refused or failed; the message is for the operator."""


# Client tools --------------------------------------------------------------------------


@dataclass(frozen=True)
class ClientTools:
    """pg_dump and pg_restore of one PostgreSQL major version."""

    pg_dump: Path
    pg_restore: Path
    major: int
    version: str


def server_version() -> tuple[int, str]:
    """The server's version as a number (150020) and as text (15.20)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('server_version_num'), current_setting('server_version')"
        )
        number, text = cursor.fetchone()
    return int(number), str(text).split()[0]


def _candidate_bin_dirs(major: int) -> list[Path]:
    """Where pg_dump may be: SAMLA_PG_BINDIR, the embedded server's own, Debian's, PATH."""
    dirs: list[Path] = []
    if os.environ.get("SAMLA_PG_BINDIR"):
        dirs.append(Path(os.environ["SAMLA_PG_BINDIR"]))
    spec = importlib.util.find_spec("pgserver")
    if spec is not None and spec.origin:
        # pgserver ships its server and client binaries in the package (pgserver._commands).
        dirs.append(Path(spec.origin).parent / "pginstall" / "bin")
    dirs.append(Path(f"/usr/lib/postgresql/{major}/bin"))
    found = shutil.which("pg_dump")
    if found:
        dirs.append(Path(found).resolve().parent)
    return list(dict.fromkeys(dirs))


def _tool_version(executable: Path) -> tuple[int, str] | None:
    try:
        out = subprocess.run(  # noqa: S603 (a fixed executable, no shell)
            [str(executable), "--version"], capture_output=True, text=True, check=True, timeout=30
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r"\(PostgreSQL\)\s+(\d+)(?:\.(\d+))?", out)
    if match is None:
        return None
    return int(match.group(1)), match.group(0).split()[-1]


def client_tools(major: int | None = None) -> ClientTools:
    """pg_dump and pg_restore matching the server's major version, or BackupError."""
    if major is None:
        major = server_version()[0] // 10000
    looked = _candidate_bin_dirs(major)
    for directory in looked:
        pg_dump, pg_restore = directory / "pg_dump", directory / "pg_restore"
        if not (pg_dump.is_file() and pg_restore.is_file()):
            continue
        found = _tool_version(pg_dump)
        if found is not None and found[0] == major:
            return ClientTools(pg_dump, pg_restore, major, found[1])
    raise BackupError(
        _(
            "Fant ikke pg_dump og pg_restore for PostgreSQL %(major)s, som databasetjeneren "
            "kjører (så etter i: %(dirs)s). Installer klientverktøyene for versjon %(major)s "
            "(Debian: postgresql-client-%(major)s) eller pek SAMLA_PG_BINDIR på dem."
        )
        % {"major": major, "dirs": ", ".join(str(d) for d in looked)}
    )


def _settings() -> dict[str, Any]:
    return dict(connection.settings_dict)


def _pg_env(dbname: str | None = None) -> dict[str, str]:
    """The environment that points libpq tools at the database (the password stays off argv)."""
    settings = _settings()
    env = dict(os.environ)
    values = {
        "PGHOST": settings.get("HOST") or "",
        "PGPORT": str(settings.get("PORT") or ""),
        "PGUSER": settings.get("USER") or "",
        "PGPASSWORD": settings.get("PASSWORD") or "",
        "PGDATABASE": dbname or settings["NAME"],
        "PGSSLMODE": (settings.get("OPTIONS") or {}).get("sslmode", ""),
    }
    env.update({key: value for key, value in values.items() if value})
    return env


def _connect(dbname: str | None = None) -> psycopg.Connection[Any]:
    """A plain autocommit connection (outside Django's) to `dbname` on the same server."""
    settings = _settings()
    params = {
        "host": settings.get("HOST") or None,
        "port": settings.get("PORT") or None,
        "user": settings.get("USER") or None,
        "password": settings.get("PASSWORD") or None,
        "dbname": dbname or settings["NAME"],
        "sslmode": (settings.get("OPTIONS") or {}).get("sslmode"),
    }
    conninfo = make_conninfo(**{k: str(v) for k, v in params.items() if v})
    return psycopg.connect(conninfo, autocommit=True)


def _run(args: list[str], env: dict[str, str], what: str) -> str:
    """Run a client tool; BackupError with its own message when it fails."""
    logger.info("Running %s", " ".join(args))
    result = subprocess.run(args, capture_output=True, text=True, env=env, check=False)  # noqa: S603
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip()[-2000:]
        raise BackupError(
            _("%(what)s feilet (%(tool)s, kode %(code)s): %(detail)s")
            % {
                "what": what,
                "tool": Path(args[0]).name,
                "code": result.returncode,
                "detail": detail,
            }
        )
    return result.stdout


# Backup ---------------------------------------------------------------------------------


def samla_version() -> str:
    try:
        return version("samla")
    except PackageNotFoundError:  # running from a checkout that was never installed
        return "0"


def default_archive_name(municipality: Municipality) -> str:
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    return f"samla-{municipality.slug}-{stamp}.tar"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(_CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _public_rows(municipality: Municipality) -> dict[str, Any]:
    """The owned public rows, parents first, and the usernames of the users they name."""
    entries = []
    user_ids: set[int] = set()
    for owned in OWNED_PUBLIC_MODELS:
        rows = list(owned.rows(municipality))
        user_fields = [
            f.attname
            for f in owned.model._meta.concrete_fields
            if f.is_relation and f.related_model is User
        ]
        for row in rows:
            user_ids.update(v for f in user_fields if (v := getattr(row, f)) is not None)
        entries.append(
            {
                "label": owned.label,
                "bookkeeping": owned.bookkeeping,
                "rows": json.loads(serializers.serialize("json", rows)),
            }
        )
    usernames = dict(User.objects.filter(pk__in=user_ids).values_list("pk", "username"))
    return {"users": {str(pk): name for pk, name in sorted(usernames.items())}, "models": entries}


def backup_municipality(
    municipality: Municipality, path: Path | str | None = None, *, report: Report | None = None
) -> Path:
    """Write `municipality`'s archive to `path` (a file, or a folder for the default name).

    Written to a temporary file beside it and renamed when complete.
    """
    say = report or (lambda _line: None)
    if municipality.is_public:
        raise BackupError(_("Det offentlige skjemaet er ikke en kommune."))
    if municipality.purged_at is not None:
        raise BackupError(
            _("Kommunen «%(name)s» er renset: skjemaet finnes ikke lenger.")
            % {"name": municipality.name}
        )
    target = Path(path) if path is not None else Path.cwd()
    if target.is_dir():
        target = target / default_archive_name(municipality)
    if not target.parent.is_dir():
        raise BackupError(_("Mappen %(dir)s finnes ikke.") % {"dir": target.parent})
    schema = municipality.schema_name
    connection.set_schema_to_public()
    number, server_text = server_version()
    tools = client_tools(number // 10000)
    installation = Installation.current()
    if not schema_exists(schema):
        raise BackupError(_("Skjemaet %(schema)s finnes ikke.") % {"schema": schema})
    with tempfile.TemporaryDirectory(prefix=".samla-backup-", dir=target.parent) as tmp:
        work = Path(tmp)
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                cursor.execute("SELECT pg_export_snapshot()")
                snapshot = cursor.fetchone()[0]
            say(
                _("Tar ut skjemaet %(schema)s med %(tool)s …")
                % {"schema": schema, "tool": tools.pg_dump}
            )
            _run(
                [
                    str(tools.pg_dump), f"--snapshot={snapshot}", f"--schema={_quote(schema)}",
                    "--format=custom", f"--file={work / SCHEMA_DUMP}",
                ],
                _pg_env(), _("Uttaket av skjemaet"),
            )  # fmt: skip
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT app, name FROM {_quote(schema)}.django_migrations ORDER BY app, name"  # noqa: S608
                )
                migrations = [list(row) for row in cursor.fetchall()]
            say(_("Leser kommunens rader i det offentlige skjemaet …"))
            rows = _public_rows(municipality)
        (work / PUBLIC_ROWS).write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
        manifest = {
            "format": ARCHIVE_FORMAT,
            "samla_version": samla_version(),
            "installation": str(installation.pk),
            "created_at": timezone.now().isoformat(),
            "municipality": {
                "id": municipality.pk,
                "name": municipality.name,
                "slug": municipality.slug,
                "org_number": municipality.org_number,
                "number": municipality.number,
                "county": municipality.county,
                "created_at": municipality.created_at.isoformat(),
            },
            "schema_name": schema,
            "migrations": migrations,
            "postgresql": {
                "server_version": server_text,
                "server_version_num": number,
                "pg_dump": tools.version,
            },
            "public_rows": {e["label"]: len(e["rows"]) for e in rows["models"]},
            "members": {
                name: {"size": (work / name).stat().st_size, "sha256": _sha256(work / name)}
                for name in MEMBERS
            },
        }
        (work / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False), "utf-8")
        partial = work / "archive.tar"
        with tarfile.open(partial, "w", format=tarfile.PAX_FORMAT) as archive:
            for name in (MANIFEST, *MEMBERS):
                archive.add(work / name, arcname=name, recursive=False)
        with partial.open("rb") as handle:
            os.fsync(handle.fileno())
        os.replace(partial, target)
    say(_("Skrev %(path)s (%(size)s byte).") % {"path": target, "size": target.stat().st_size})
    logger.info("Backed up municipality %s to %s", municipality.slug, target)
    return target


# Reading an archive ------------------------------------------------------------------


@dataclass
class Archive:
    """An archive whose members were extracted to a temporary folder and checked."""

    path: Path
    manifest: dict[str, Any]
    dump: Path
    rows: dict[str, Any]


def _corrupt(path: Path, detail: str) -> BackupError:
    return BackupError(
        _("Arkivet %(path)s er skadet eller avkortet (%(detail)s). Ingenting er endret.")
        % {"path": path, "detail": detail}
    )


def _read_manifest(archive: tarfile.TarFile, path: Path) -> dict[str, Any]:
    try:
        member = archive.getmember(MANIFEST)
        handle = archive.extractfile(member)
        if handle is None:
            raise KeyError(MANIFEST)
        manifest = json.loads(handle.read().decode("utf-8"))
    except KeyError as error:
        raise _corrupt(path, _("mangler %(name)s") % {"name": MANIFEST}) from error
    except (ValueError, UnicodeDecodeError) as error:
        raise _corrupt(path, _("%(name)s kan ikke leses") % {"name": MANIFEST}) from error
    if not isinstance(manifest, dict) or not isinstance(manifest.get("format"), int):
        raise _corrupt(path, _("%(name)s mangler formatversjon") % {"name": MANIFEST})
    if manifest["format"] > ARCHIVE_FORMAT:
        raise BackupError(
            _(
                "Arkivet %(path)s har format %(found)s, nyere enn denne versjonen av Samla "
                "kan lese (%(known)s). Gjenopprett det med en nyere Samla. Ingenting er endret."
            )
            % {"path": path, "found": manifest["format"], "known": ARCHIVE_FORMAT}
        )
    return manifest


def read_manifest(path: Path | str) -> dict[str, Any]:
    """The archive's manifest (its format checked, not its members), or BackupError."""
    path = Path(path)
    try:
        with tarfile.open(path, "r:") as archive:
            return _read_manifest(archive, path)
    except FileNotFoundError as error:
        raise BackupError(_("Fant ikke arkivet %(path)s.") % {"path": path}) from error
    except (tarfile.TarError, EOFError, OSError) as error:
        raise _corrupt(path, str(error)) from error


@contextmanager
def opened_archive(path: Path | str) -> Iterator[Archive]:
    """Extract and check every member of the archive (sizes and sha256), or BackupError."""
    path = Path(path)
    with tempfile.TemporaryDirectory(prefix="samla-restore-") as tmp:
        work = Path(tmp)
        try:
            with tarfile.open(path, "r:") as archive:
                manifest = _read_manifest(archive, path)
                listed = manifest.get("members")
                if not isinstance(listed, dict) or set(listed) != set(MEMBERS):
                    raise _corrupt(path, _("manifestet lister ikke de rette delene"))
                names = {m.name for m in archive.getmembers()}
                if names != {MANIFEST, *MEMBERS}:
                    raise _corrupt(path, _("uventede eller manglende deler: %(names)s") % {
                        "names": ", ".join(sorted(names ^ {MANIFEST, *MEMBERS}))})  # fmt: skip
                for name in MEMBERS:
                    member = archive.getmember(name)
                    source = archive.extractfile(member) if member.isfile() else None
                    if source is None:
                        raise _corrupt(path, name)
                    digest = hashlib.sha256()
                    size = 0
                    with (work / name).open("wb") as out:
                        while block := source.read(_CHUNK):
                            digest.update(block)
                            size += len(block)
                            out.write(block)
                    expected = listed[name]
                    if size != expected.get("size") or digest.hexdigest() != expected.get("sha256"):
                        raise _corrupt(path, _("kontrollsummen for %(name)s stemmer ikke") % {
                            "name": name})  # fmt: skip
        except FileNotFoundError as error:
            raise BackupError(_("Fant ikke arkivet %(path)s.") % {"path": path}) from error
        except (tarfile.TarError, EOFError, OSError) as error:
            raise _corrupt(path, str(error)) from error
        try:
            rows = json.loads((work / PUBLIC_ROWS).read_text("utf-8"))
        except ValueError as error:
            raise _corrupt(path, PUBLIC_ROWS) from error
        yield Archive(path, manifest, work / SCHEMA_DUMP, rows)


# Restore --------------------------------------------------------------------------------


@dataclass
class Target:
    """Where a restore goes: the row to revive or the new municipality's fields."""

    slug: str
    schema: str
    name: str
    org_number: str
    number: str | None
    revive: Municipality | None  # a purged tombstone with the archive's id
    same_identity: bool  # the archive's id (its bookkeeping rows reattach) or a new row
    notes: list[str] = field(default_factory=list)


def _check_source(archive: Archive) -> None:
    """Refuse an archive from another installation or with migrations this code lacks."""
    manifest = archive.manifest
    here = str(Installation.current().pk)
    if manifest.get("installation") != here:
        raise BackupError(
            _(
                "Arkivet %(path)s er fra en annen Samla-installasjon (%(theirs)s, denne er "
                "%(ours)s). Brukere, nettverk og fakturaer er ikke de samme der, så det kan "
                "ikke gjenopprettes her. Ingenting er endret."
            )
            % {"path": archive.path, "theirs": manifest.get("installation"), "ours": here}
        )
    known = expected_migrations()
    unknown = sorted(
        f"{app}.{name}" for app, name in manifest.get("migrations", []) if (app, name) not in known
    )
    if unknown:
        raise BackupError(
            _(
                "Arkivet %(path)s har migreringer denne versjonen av Samla ikke kjenner "
                "(%(names)s): det er laget av en nyere versjon. Ingenting er endret."
            )
            % {"path": archive.path, "names": ", ".join(unknown[:10])}
        )
    ours = server_version()[0] // 10000
    theirs = int(manifest.get("postgresql", {}).get("server_version_num", 0)) // 10000
    if theirs > ours:
        raise BackupError(
            _(
                "Arkivet %(path)s er tatt ut fra PostgreSQL %(theirs)s; denne databasen kjører "
                "%(ours)s, og pg_restore leser ikke nyere uttak. Ingenting er endret."
            )
            % {"path": archive.path, "theirs": theirs, "ours": ours}
        )


def _plan_target(archive: Archive, as_slug: str | None, org_number: str | None) -> Target:
    source = archive.manifest["municipality"]
    slug = (as_slug or source["slug"]).strip().lower()
    existing = Municipality.objects.filter(slug=slug).first()
    if existing is not None:
        if existing.purged_at is None:
            raise BackupError(
                _(
                    "Kortnavnet «%(slug)s» tilhører kommunen «%(name)s», som finnes: en "
                    "gjenoppretting overskriver aldri en kommune. Gjenopprett under et nytt "
                    "kortnavn (--as), eller slett og rens kommunen først. Ingenting er endret."
                )
                % {"slug": slug, "name": existing.name}
            )
        if existing.pk != source["id"]:
            raise BackupError(
                _(
                    "Kortnavnet «%(slug)s» tilhørte en annen kommune enn den i arkivet. "
                    "Gjenopprett under et nytt kortnavn (--as). Ingenting er endret."
                )
                % {"slug": slug}
            )
        if schema_exists(existing.schema_name):
            raise BackupError(
                _("Skjemaet %(schema)s finnes allerede. Ingenting er endret.")
                % {"schema": existing.schema_name}
            )
        return Target(
            slug=slug, schema=existing.schema_name, name=source["name"],
            org_number=existing.org_number, number=existing.number, revive=existing,
            same_identity=True,
        )  # fmt: skip
    notes: list[str] = []
    wanted_org = orgnr.compact(org_number) if org_number else source["org_number"]
    if org_number is None and Municipality.objects.filter(org_number=wanted_org).exists():
        raise BackupError(
            _(
                "Organisasjonsnummeret i arkivet (%(org)s) er i bruk av en annen kommune. "
                "Oppgi et annet med --org-number. Ingenting er endret."
            )
            % {"org": wanted_org}
        )
    number = source.get("number")
    if number and Municipality.objects.filter(number=number).exists():
        notes.append(
            _("Kommunenummeret %(number)s er i bruk; den nye kommunen får ikke noe.")
            % {"number": number}
        )
        number = None
    errors = validate_new_municipality(
        name=source["name"], slug=slug, org_number=wanted_org, number=number
    )
    if errors:
        lines = [f"{key}: {message}" for key, messages in errors.items() for message in messages]
        raise BackupError("\n".join([*lines, _("Ingenting er endret.")]))
    same = as_slug is None and not Municipality.objects.filter(pk=source["id"]).exists()
    return Target(
        slug=slug, schema=schema_name_for(slug), name=source["name"], org_number=wanted_org,
        number=number, revive=None, same_identity=same, notes=notes,
    )  # fmt: skip


# An identifier as pg_dump prints it: plain, or double-quoted with "" for a quote.
_IDENTIFIER = r'(?:"(?:[^"]|"")+"|[A-Za-z_][\w$]*)'
# A foreign key's target in pg_restore's SQL: the qualified table and its one column.
_REFERENCES = re.compile(
    rf"REFERENCES\s+({_IDENTIFIER}\.{_IDENTIFIER})\s*\(\s*({_IDENTIFIER})\s*\)"
)


def _external_references(
    tools: ClientTools, dump: Path, schema: str, work: Path
) -> set[tuple[str, str]]:
    """Tables outside the dumped schema that its foreign keys point at, with the column."""
    listing = _run([str(tools.pg_restore), "--list", str(dump)], _pg_env(), _("Lesing av uttaket"))
    keys = [line for line in listing.splitlines() if " FK CONSTRAINT " in line]
    if not keys:
        return set()
    chosen = work / "fk.list"
    chosen.write_text("\n".join(keys) + "\n", "utf-8")
    sql = _run(
        [str(tools.pg_restore), f"--use-list={chosen}", "--file=-", str(dump)],
        _pg_env(), _("Lesing av uttaket"),
    )  # fmt: skip
    own = (f"{schema}.", f"{_quote(schema)}.")
    return {
        (table, column.strip())
        for table, column in _REFERENCES.findall(sql)
        if not table.startswith(own)
    }


def _restore_via_scratch(
    tools: ClientTools, archive: Archive, target_schema: str, work: Path, say: Report
) -> None:
    """Restore into a scratch database, rename the schema there, move it over; drop it."""
    source_schema = archive.manifest["schema_name"]
    scratch = f"samla_restore_{secrets.token_hex(6)}"
    say(
        _("Skjemanavnet %(schema)s er i bruk her: gjenoppretter via kladdedatabasen %(db)s …")
        % {"schema": source_schema, "db": scratch}
    )
    references = _external_references(tools, archive.dump, source_schema, work)
    with _connect() as admin:
        admin.execute(f"CREATE DATABASE {_quote(scratch)} TEMPLATE template0")
    try:
        # The schema's foreign keys to public tables (a goal's indicator) need those keys
        # in the scratch database too: a table with the key column and its values.
        with _connect() as here, _connect(scratch) as there:
            for table, column in sorted(references):
                row = here.execute(
                    "SELECT format_type(a.atttypid, a.atttypmod) FROM pg_attribute a "
                    "WHERE a.attrelid = %s::regclass AND a.attname = %s",
                    (table, column.strip('"')),
                ).fetchone()
                if row is None:
                    raise BackupError(
                        _("Skjemaet viser til %(table)s(%(column)s), som ikke finnes her.")
                        % {"table": table, "column": column}
                    )
                namespace = table.rsplit(".", 1)[0]
                there.execute(f"CREATE SCHEMA IF NOT EXISTS {namespace}")
                there.execute(f"CREATE TABLE {table} ({column} {row[0]} PRIMARY KEY)")
                with (
                    here.cursor().copy(f"COPY (SELECT {column} FROM {table}) TO STDOUT") as out,  # noqa: S608
                    there.cursor().copy(f"COPY {table} ({column}) FROM STDIN") as into,
                ):
                    for data in out:
                        into.write(data)
        _run(
            [
                str(tools.pg_restore), f"--dbname={scratch}", "--single-transaction",
                "--exit-on-error", "--no-owner", "--no-acl", str(archive.dump),
            ],
            _pg_env(scratch), _("Gjenopprettingen av skjemaet i kladdedatabasen"),
        )  # fmt: skip
        with _connect(scratch) as there:
            there.execute(f"ALTER SCHEMA {_quote(source_schema)} RENAME TO {_quote(target_schema)}")
        moved = work / "moved.dump"
        _run(
            [
                str(tools.pg_dump), f"--schema={_quote(target_schema)}", "--format=custom",
                f"--file={moved}",
            ],
            _pg_env(scratch), _("Uttaket fra kladdedatabasen"),
        )  # fmt: skip
        _run(
            [
                str(tools.pg_restore), f"--dbname={_settings()['NAME']}", "--single-transaction",
                "--exit-on-error", "--no-owner", "--no-acl", str(moved),
            ],
            _pg_env(), _("Gjenopprettingen av skjemaet"),
        )  # fmt: skip
    finally:
        with _connect() as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {_quote(scratch)} WITH (FORCE)")


def _restore_schema(tools: ClientTools, archive: Archive, target_schema: str, say: Report) -> None:
    """Make `target_schema` from the archive's dump (committed), or raise with nothing made."""
    source_schema = archive.manifest["schema_name"]
    with tempfile.TemporaryDirectory(prefix="samla-restore-") as tmp:
        if schema_exists(source_schema):
            _restore_via_scratch(tools, archive, target_schema, Path(tmp), say)
            return
        say(_("Gjenoppretter skjemaet %(schema)s …") % {"schema": source_schema})
        _run(
            [
                str(tools.pg_restore), f"--dbname={_settings()['NAME']}", "--single-transaction",
                "--exit-on-error", "--no-owner", "--no-acl", str(archive.dump),
            ],
            _pg_env(), _("Gjenopprettingen av skjemaet"),
        )  # fmt: skip
    if source_schema != target_schema:
        try:
            with connection.cursor() as cursor:
                cursor.execute(
                    f"ALTER SCHEMA {_quote(source_schema)} RENAME TO {_quote(target_schema)}"
                )
        except Exception:
            drop_schema(source_schema)
            raise
        say(_("Skjemaet heter nå %(schema)s.") % {"schema": target_schema})


@dataclass
class RowsOutcome:
    restored: Counter[str] = field(default_factory=Counter)
    present: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)
    not_copied: Counter[str] = field(default_factory=Counter)


def _existing(model: type[models.Model], pks: set[Any]) -> set[Any]:
    if not pks:
        return set()
    return set(model._base_manager.filter(pk__in=pks).values_list("pk", flat=True))


def _restore_rows(
    payload: dict[str, Any], municipality: Municipality, same_identity: bool
) -> RowsOutcome:
    """Insert the archive's public rows for `municipality` (in the caller's transaction).

    Same identity: rows keep their ids, and a row whose id is there already is left (the
    bookkeeping rows a purge kept). A new municipality: new ids, references between the
    rows mapped, and the bookkeeping rows and NOT_COPIED not copied. A reference to
    something gone since (a user, a network, a gathering) empties a nullable field;
    otherwise the row is skipped and counted. Users are matched by id, then by username.
    """
    outcome = RowsOutcome()
    by_label = {owned.label: owned for owned in OWNED_PUBLIC_MODELS}
    usernames = {int(pk): name for pk, name in payload.get("users", {}).items()}
    users = {pk: pk for pk in _existing(User, set(usernames))}
    missing = {name: pk for pk, name in usernames.items() if pk not in users}
    for pk, name in User.objects.filter(username__in=missing).values_list("pk", "username"):
        users[missing[name]] = pk
    owned_lower = {owned.model._meta.label_lower for owned in OWNED_PUBLIC_MODELS}
    # Ids available per owned model: old id -> id here (new ones when copying).
    mapped: dict[str, dict[Any, Any]] = {label: {} for label in owned_lower}
    for entry in payload["models"]:
        owned: Owned | None = by_label.get(entry["label"])
        if owned is None:
            raise BackupError(
                _("Arkivet har rader av en ukjent modell: %(label)s.") % {"label": entry["label"]}
            )
        model = owned.model
        label = model._meta.label_lower
        if not same_identity and (owned.bookkeeping or owned.label in NOT_COPIED):
            outcome.not_copied[owned.label] += len(entry["rows"])
            continue
        objects = [
            d.object
            for d in serializers.deserialize("python", entry["rows"], ignorenonexistent=True)
        ]
        relations = [f for f in model._meta.concrete_fields if f.is_relation]
        others: dict[type[models.Model], set[Any]] = {}
        for rel in relations:
            related = rel.related_model
            assert isinstance(related, type)
            if (
                related is Municipality
                or related is User
                or related._meta.label_lower in owned_lower
            ):
                continue
            wanted = {getattr(o, rel.attname) for o in objects} - {None}
            others.setdefault(related, set()).update(wanted)
        found = {related: _existing(related, pks) for related, pks in others.items()}
        present = _existing(model, {o.pk for o in objects}) if same_identity else set()
        for obj in objects:
            old_pk = obj.pk
            keep = True
            for rel in relations:
                value = getattr(obj, rel.attname)
                if value is None:
                    continue
                related = rel.related_model
                assert isinstance(related, type)
                if related is Municipality:
                    new: Any = municipality.pk
                elif related is User:
                    new = users.get(value)
                elif related._meta.label_lower in owned_lower:
                    new = mapped[related._meta.label_lower].get(value)
                    if new is None and same_identity and related is model:
                        new = value if value in present else None
                else:
                    new = value if value in found[related] else None
                if new is None and not rel.null:
                    keep = False
                    break
                setattr(obj, rel.attname, new)
            if not keep:
                outcome.skipped[owned.label] += 1
                continue
            if old_pk in present:
                outcome.present[owned.label] += 1
                mapped[label][old_pk] = old_pk
                continue
            if not same_identity:
                obj.pk = None
            try:
                with transaction.atomic():
                    models.Model.save_base(obj, raw=True, force_insert=True)
            except IntegrityError as error:
                raise BackupError(
                    _("Raden %(label)s %(pk)s kunne ikke settes inn: %(error)s")
                    % {"label": owned.label, "pk": old_pk, "error": error}
                ) from error
            mapped[label][old_pk] = obj.pk
            outcome.restored[owned.label] += 1
    return outcome


def _ensure_hosts(municipality: Municipality) -> None:
    """The hosts the settings call for, for the municipality's slug (those free)."""
    hosts = municipality_hosts(municipality.slug)
    taken = set(Domain.objects.filter(domain__in=hosts).values_list("domain", flat=True))
    has_primary = Domain.objects.filter(tenant=municipality, is_primary=True).exists()
    for index, host in enumerate(hosts):
        if host not in taken:
            Domain.objects.create(
                domain=host, tenant=municipality, is_primary=index == 0 and not has_primary
            )


def _write_municipality(archive: Archive, target: Target) -> Municipality:
    source = archive.manifest["municipality"]
    if target.revive is not None:
        municipality = target.revive
        municipality.name = target.name
        municipality.county = source.get("county", "")
        municipality.deleted_at = municipality.deleted_by = None
        municipality.purge_after = municipality.purged_at = None
        municipality.save()
        return municipality
    fields = {
        "schema_name": target.schema, "name": target.name, "slug": target.slug,
        "org_number": target.org_number, "number": target.number,
        "county": source.get("county", ""),
    }  # fmt: skip
    if target.same_identity:
        fields["id"] = source["id"]
    municipality = cast(Municipality, Municipality.objects.create(**fields))
    if target.same_identity and source.get("created_at"):
        Municipality.objects.filter(pk=municipality.pk).update(created_at=source["created_at"])
    return municipality


def restore_municipality(
    archive_path: Path | str,
    *,
    as_slug: str | None = None,
    org_number: str | None = None,
    report: Report | None = None,
) -> Municipality:
    """Bring the archive back: into its own slug (a purged tombstone, or no row) or `as_slug`.

    Refused with BackupError, with nothing written, for a damaged archive, a newer format
    or unknown migrations, another installation, or a slug that belongs to a municipality
    that exists. All or nothing: a failure after the schema was restored drops it.
    """
    say = report or (lambda _line: None)
    connection.set_schema_to_public()
    if org_number is not None:
        try:
            validate_org_number(orgnr.compact(org_number))
        except ValidationError as error:
            raise BackupError(" ".join(error.messages)) from error
    with opened_archive(archive_path) as archive:
        say(_("Arkivet er helt (kontrollsummene stemmer)."))
        _check_source(archive)
        target = _plan_target(archive, as_slug, org_number)
        tools = client_tools()
        for note in target.notes:
            say(note)
        _restore_schema(tools, archive, target.schema, say)
        try:
            schema = TenantSchema(target.schema, target.name)
            if find_behind([schema], expected_migrations()):
                say(_("Arkivet er eldre enn koden: oppgraderer skjemaet …"))
                upgrade_schemas([schema], jobs=1, log=say)
            connection.set_schema_to_public()
            say(_("Skriver kommunen og radene i fellesskjemaet …"))
            with transaction.atomic():
                municipality = _write_municipality(archive, target)
                outcome = _restore_rows(archive.rows, municipality, target.same_identity)
                _ensure_hosts(municipality)
        except BaseException:
            drop_schema(target.schema)
            raise
    for label, count in sorted(outcome.restored.items()):
        say(_("  %(label)s: %(count)s rader gjenopprettet") % {"label": label, "count": count})
    for label, count in sorted(outcome.present.items()):
        say(
            _("  %(label)s: %(count)s rader fantes fra før (beholdt)")
            % {"label": label, "count": count}
        )
    for label, count in sorted(outcome.skipped.items()):
        say(
            _(
                "  %(label)s: %(count)s rader hoppet over (viser til noe som er slettet, "
                "f.eks. en bruker)"
            )
            % {"label": label, "count": count}
        )
    not_copied = {label: count for label, count in outcome.not_copied.items() if count}
    if not_copied:
        say(
            _(
                "Ikke kopiert til den nye kommunen (de tilhører originalen: fakturaer, ordrer "
                "og lisenser, adresser, integrasjonsnøkler, påmeldingskoder, Stripe-kunder): "
                "%(labels)s"
            )
            % {"labels": ", ".join(f"{k} ({v})" for k, v in sorted(not_copied.items()))}
        )
    logger.info("Restored municipality %s from %s", municipality.slug, archive_path)
    municipality.refresh_from_db()
    return municipality
