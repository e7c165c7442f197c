"""Provisioning municipalities: validate, clone the template schema, register the host.

A new municipality's schema is cloned from a template schema that `samla upgrade` keeps
migrated, so creating one costs a clone (well under a second) instead of replaying every
migration (several seconds). The row, the schema and the domain are written in one
transaction: a refused or failed creation leaves nothing behind.

The clone is a direct copy (`_clone_template`: CREATE TABLE … LIKE, the template's own
constraint and index definitions, its rows and sequence positions) whenever the template
holds only what that copy reproduces: tables, indexes, constraints and identity
sequences, as Django's migrations make them. Anything else (views, functions, types,
triggers, grants, comments, …) sends the clone to django-tenants' `clone_schema` SQL
function, which handles more but reads the catalogue through slow views on every call,
so its time grows with the number of schemas in the database.
"""

from __future__ import annotations

import logging
import time
from typing import cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.db.backends.utils import CursorWrapper
from django.db.migrations.loader import MigrationLoader
from django.utils.translation import gettext as _
from django_tenants.clone import CLONE_SCHEMA_FUNCTION
from django_tenants.utils import schema_exists
from stdnum.no import orgnr

from samla.urls_helpers import municipality_hosts
from tenants.db import connection
from tenants.models import Domain, Municipality
from tenants.validators import (
    schema_name_for,
    validate_municipality_number,
    validate_org_number,
    validate_slug,
)

logger = logging.getLogger(__name__)

# Serialises template upkeep between processes (an arbitrary, fixed advisory-lock key).
TEMPLATE_LOCK_KEY = 7_461_001
_template_verified_at: float | None = None


class ProvisioningFailed(RuntimeError):
    """The schema could not be made; the transaction was rolled back."""


def template_schema() -> str:
    return settings.SAMLA_TEMPLATE_SCHEMA


def _expected_migrations() -> set[tuple[str, str]]:
    return set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)


def _recorded_migrations(schema: str) -> set[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [f'"{schema}".django_migrations'])
        if cursor.fetchone()[0] is None:
            return set()
        cursor.execute(f'SELECT app, name FROM "{schema}".django_migrations')  # noqa: S608
        return set(cursor.fetchall())


def template_is_current() -> bool:
    """Whether the template schema has every migration the code has."""
    schema = template_schema()
    return schema_exists(schema) and _expected_migrations() <= _recorded_migrations(schema)


def ensure_template(verbosity: int = 0) -> None:
    """Create or migrate the template schema so that clones of it match the code.

    `migrate_schemas --tenant` skips schemas without a municipality row, so the
    template is migrated here, by name, on every upgrade and before any clone.
    """
    global _template_verified_at
    schema = template_schema()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [TEMPLATE_LOCK_KEY])
        if not schema_exists(schema):
            with connection.cursor() as cursor:
                cursor.execute(f'CREATE SCHEMA "{schema}"')
        current = _expected_migrations() <= _recorded_migrations(schema)
    if not current:
        logger.info("Migrating template schema %s", schema)
        call_command(
            "migrate_schemas", tenant=True, schema_name=schema, interactive=False,
            verbosity=verbosity,
        )  # fmt: skip
        connection.set_schema_to_public()
    _template_verified_at = time.monotonic()


def _ensure_clone_function() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regprocedure('public.clone_schema(text,text,text)')")
        if cursor.fetchone()[0] is None:
            db_user = settings.DATABASES["default"].get("USER") or "postgres"
            cursor.execute(CLONE_SCHEMA_FUNCTION.format(db_user=db_user))


def quote_identifier(name: str) -> str:
    """A schema or table name quoted for SQL (the name is ours, never user input alone)."""
    return '"' + name.replace('"', '""') + '"'


def drop_schema(schema: str) -> None:
    """DROP SCHEMA … CASCADE, from the public schema (in the caller's transaction)."""
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA IF EXISTS {_quote(schema)} CASCADE")


_quote = quote_identifier


# Why the direct copy cannot reproduce the template, one row per reason (none: it can).
# Each check names objects or properties that CREATE TABLE … LIKE and the copied
# constraint and index definitions would lose or get wrong.
_NOT_COPYABLE_SQL = """
WITH ns AS (
    SELECT n.oid, n.nspowner, n.nspacl FROM pg_namespace n WHERE n.nspname = %(schema)s
), me AS (
    SELECT oid FROM pg_roles WHERE rolname = current_user
), rels AS (
    SELECT c.* FROM pg_class c, ns WHERE c.relnamespace = ns.oid
)
SELECT 'schema owner, grants or comment' WHERE EXISTS (
    SELECT FROM ns, me WHERE ns.nspowner <> me.oid OR ns.nspacl IS NOT NULL
        OR EXISTS (SELECT FROM pg_description d WHERE d.objoid = ns.oid
                   AND d.classoid = 'pg_namespace'::regclass)
        OR EXISTS (SELECT FROM pg_default_acl a WHERE a.defaclnamespace = ns.oid))
UNION ALL SELECT 'relation other than table, index or sequence' WHERE EXISTS (
    SELECT FROM rels WHERE relkind NOT IN ('r', 'i', 'S'))
UNION ALL SELECT 'relation owner, grants, options or persistence' WHERE EXISTS (
    SELECT FROM rels, me WHERE rels.relowner <> me.oid OR relacl IS NOT NULL
        OR reloptions IS NOT NULL OR relpersistence <> 'p' OR reltablespace <> 0
        OR relrowsecurity OR relispartition OR relhasrules
        OR (relkind = 'r' AND relreplident <> 'd'))
UNION ALL SELECT 'inheritance' WHERE EXISTS (
    SELECT FROM pg_inherits i JOIN rels ON rels.oid IN (i.inhrelid, i.inhparent))
UNION ALL SELECT 'column grants or options' WHERE EXISTS (
    SELECT FROM pg_attribute a JOIN rels ON rels.oid = a.attrelid
    WHERE rels.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
        AND (a.attacl IS NOT NULL OR a.attfdwoptions IS NOT NULL
             OR COALESCE(a.attstattarget, -1) <> -1
             -- Some servers stamp every new column with pg_attver; a copy gets its own.
             OR EXISTS (SELECT FROM unnest(a.attoptions) o
                        WHERE split_part(o, '=', 1) <> 'pg_attver')))
UNION ALL SELECT 'default that uses another relation of the schema' WHERE EXISTS (
    SELECT FROM pg_attrdef ad JOIN pg_depend dep
        ON dep.classid = 'pg_attrdef'::regclass AND dep.objid = ad.oid
        AND dep.refclassid = 'pg_class'::regclass AND dep.refobjid <> ad.adrelid
    JOIN rels ON rels.oid = dep.refobjid)
UNION ALL SELECT 'sequence not owned by an identity column' WHERE EXISTS (
    SELECT FROM rels WHERE relkind = 'S' AND NOT EXISTS (
        SELECT FROM pg_depend dep WHERE dep.classid = 'pg_class'::regclass
            AND dep.objid = rels.oid AND dep.deptype = 'i'))
UNION ALL SELECT 'constraint other than primary key, unique, foreign key or check'
    WHERE EXISTS (
    SELECT FROM pg_constraint con, ns WHERE con.connamespace = ns.oid
        AND (con.contype NOT IN ('p', 'u', 'f', 'c') OR NOT con.convalidated
             OR (con.contype = 'c' AND con.connoinherit)))
UNION ALL SELECT 'index that is invalid, clustered or replica identity' WHERE EXISTS (
    SELECT FROM pg_index i JOIN rels ON rels.oid = i.indexrelid
    WHERE NOT i.indisvalid OR NOT i.indisready OR i.indisclustered OR i.indisreplident)
UNION ALL SELECT 'comment' WHERE EXISTS (
    SELECT FROM pg_description d WHERE
        (d.classoid = 'pg_class'::regclass AND d.objoid IN (SELECT oid FROM rels))
        OR (d.classoid = 'pg_constraint'::regclass AND d.objoid IN (
            SELECT con.oid FROM pg_constraint con, ns WHERE con.connamespace = ns.oid)))
UNION ALL SELECT 'trigger or row security policy' WHERE EXISTS (
    SELECT FROM pg_trigger t JOIN rels ON rels.oid = t.tgrelid WHERE NOT t.tgisinternal)
    OR EXISTS (SELECT FROM pg_policy p JOIN rels ON rels.oid = p.polrelid)
UNION ALL SELECT 'function, type or other schema object' WHERE EXISTS (
    SELECT FROM ns WHERE
        EXISTS (SELECT FROM pg_proc WHERE pronamespace = ns.oid)
        OR EXISTS (SELECT FROM pg_type t WHERE t.typnamespace = ns.oid AND t.typrelid = 0
                   AND NOT EXISTS (SELECT FROM pg_type e
                                   WHERE e.oid = t.typelem AND e.typrelid <> 0))
        OR EXISTS (SELECT FROM pg_collation WHERE collnamespace = ns.oid)
        OR EXISTS (SELECT FROM pg_operator WHERE oprnamespace = ns.oid)
        OR EXISTS (SELECT FROM pg_opfamily WHERE opfnamespace = ns.oid)
        OR EXISTS (SELECT FROM pg_opclass WHERE opcnamespace = ns.oid)
        OR EXISTS (SELECT FROM pg_conversion WHERE connamespace = ns.oid)
        OR EXISTS (SELECT FROM pg_statistic_ext WHERE stxnamespace = ns.oid)
        OR EXISTS (SELECT FROM pg_ts_config WHERE cfgnamespace = ns.oid)
        OR EXISTS (SELECT FROM pg_ts_dict WHERE dictnamespace = ns.oid)
        OR EXISTS (SELECT FROM pg_ts_parser WHERE prsnamespace = ns.oid)
        OR EXISTS (SELECT FROM pg_ts_template WHERE tmplnamespace = ns.oid))
"""

# Tables, with the columns a row copy writes (generated columns are computed).
_TABLES_SQL = """
SELECT c.relname,
       string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum)
           FILTER (WHERE a.attgenerated = '')
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
WHERE n.nspname = %(schema)s AND c.relkind = 'r'
GROUP BY c.oid, c.relname
ORDER BY c.oid
"""

# Primary keys and unique constraints, then foreign keys, as the template defines them.
_CONSTRAINTS_SQL = """
SELECT c.relname, con.conname, con.contype, pg_get_constraintdef(con.oid),
       fn.nspname, quote_ident(fn.nspname) || '.' || quote_ident(fc.relname), fc.relname
FROM pg_constraint con
JOIN pg_namespace n ON n.oid = con.connamespace
JOIN pg_class c ON c.oid = con.conrelid
LEFT JOIN pg_class fc ON fc.oid = con.confrelid
LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace
WHERE n.nspname = %(schema)s AND con.contype IN ('p', 'u', 'f')
ORDER BY con.contype = 'f', con.oid
"""

# Indexes that no constraint owns (a constraint brings its own index).
_INDEXES_SQL = """
SELECT c.relname, quote_ident(n.nspname) || '.' || quote_ident(c.relname),
       pg_get_indexdef(i.indexrelid)
FROM pg_index i
JOIN pg_class c ON c.oid = i.indrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = %(schema)s AND NOT EXISTS (
    SELECT FROM pg_constraint con WHERE con.conindid = i.indexrelid
        AND con.conrelid = i.indrelid AND con.contype IN ('p', 'u', 'x'))
ORDER BY i.indexrelid
"""

# Identity columns whose sequence has been used, with its position (pg_sequences would
# read every sequence in the database).
_SEQUENCES_SQL = """
WITH identity AS MATERIALIZED (
    SELECT c.relname, a.attname,
           pg_get_serial_sequence(format('%%I.%%I', n.nspname, c.relname), a.attname) AS seq
    FROM pg_attribute a
    JOIN pg_class c ON c.oid = a.attrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = %(schema)s AND c.relkind = 'r' AND a.attnum > 0
        AND NOT a.attisdropped AND a.attidentity <> ''
)
SELECT relname, attname, last_value
FROM (SELECT relname, attname, pg_sequence_last_value(seq::regclass) AS last_value
      FROM identity) s
WHERE last_value IS NOT NULL
"""


class _NotCopyable(Exception):
    """The template holds something the direct copy does not reproduce."""


def _retarget(definition: str, old: str, new: str) -> str:
    """Swap one schema-qualified name in a catalogue-printed definition, exactly once."""
    if definition.count(old) != 1:
        raise _NotCopyable(f"cannot retarget {definition!r}")
    return definition.replace(old, new)


def _copy_statements(cursor: CursorWrapper, source: str, target: str) -> list[str]:
    """The SQL that makes `target` a copy of `source`, all read before anything is written.

    Order: schema, tables (columns, defaults, checks, identity), rows, primary keys and
    unique constraints, other indexes, foreign keys (which need the keys they point
    at), sequence positions. Raises _NotCopyable, having written nothing.
    """
    params = {"schema": source}
    cursor.execute(_NOT_COPYABLE_SQL, params)
    reasons = [row[0] for row in cursor.fetchall()]
    if reasons:
        raise _NotCopyable(", ".join(reasons))
    src, dst = _quote(source), _quote(target)
    cursor.execute(_TABLES_SQL, params)
    tables = cursor.fetchall()
    statements = [f"CREATE SCHEMA {dst}"]
    for table, columns in tables:
        name = _quote(table)
        statements.append(
            f"CREATE TABLE {dst}.{name} (LIKE {src}.{name} INCLUDING ALL EXCLUDING INDEXES)"
        )
        if not columns:
            continue
        # Names come from the catalogue, quoted; nothing here is user input.
        statements.append(
            f"INSERT INTO {dst}.{name} ({columns}) OVERRIDING SYSTEM VALUE "  # noqa: S608
            f"SELECT {columns} FROM {src}.{name}"
        )
    cursor.execute(_CONSTRAINTS_SQL, params)
    keys: list[str] = []
    foreign_keys: list[str] = []
    for (
        table,
        constraint,
        kind,
        definition,
        ref_schema,
        ref_printed,
        ref_table,
    ) in cursor.fetchall():
        if kind == "f" and ref_schema == source:
            definition = _retarget(
                definition, f"REFERENCES {ref_printed}(", f"REFERENCES {dst}.{_quote(ref_table)}("
            )
        (foreign_keys if kind == "f" else keys).append(
            f"ALTER TABLE {dst}.{_quote(table)} ADD CONSTRAINT {_quote(constraint)} {definition}"
        )
    statements += keys
    cursor.execute(_INDEXES_SQL, params)
    for table, printed, definition in cursor.fetchall():
        statements.append(
            _retarget(definition, f" ON {printed} USING ", f" ON {dst}.{_quote(table)} USING ")
        )
    statements += foreign_keys
    cursor.execute(_SEQUENCES_SQL, params)
    for table, column, last_value in cursor.fetchall():
        qualified = f"{dst}.{_quote(table)}".replace("'", "''")
        literal_column = column.replace("'", "''")
        statements.append(
            f"SELECT setval(pg_get_serial_sequence('{qualified}', '{literal_column}'), "
            f"{int(last_value)}, true)"
        )
    return statements


def _clone_template(source: str, target: str) -> None:
    """Make schema `target` a copy of `source` (tables, rows) in the current transaction."""
    with connection.cursor() as cursor:
        try:
            statements = _copy_statements(cursor, source, target)
        except _NotCopyable as exc:
            logger.info("Cloning %s with clone_schema: %s", source, exc)
        else:
            cursor.execute(";\n".join(statements))
            return
    _ensure_clone_function()
    with connection.cursor() as cursor:
        cursor.execute("SELECT public.clone_schema(%s, %s, 'DATA')", [source, target])


def validate_new_municipality(
    *, name: str, slug: str, org_number: str, number: str | None = None
) -> dict[str, list[str]]:
    """Field errors (in Norwegian) for a municipality that is to be created; empty if none."""
    errors: dict[str, list[str]] = {}

    def check(field: str, validator, value: str) -> None:  # type: ignore[no-untyped-def]
        try:
            validator(value)
        except ValidationError as exc:
            errors.setdefault(field, []).extend(exc.messages)

    if not name.strip():
        errors["name"] = [_("Navnet kan ikke være tomt.")]
    elif len(name) > 100:
        errors["name"] = [_("Navnet kan være høyst 100 tegn.")]
    check("slug", validate_slug, slug)
    check("org_number", validate_org_number, org_number)
    if number is not None:
        check("number", validate_municipality_number, number)
    if "slug" not in errors and (
        Municipality.objects.filter(slug=slug).exists()
        or Domain.objects.filter(domain__in=municipality_hosts(slug)).exists()
        or schema_exists(schema_name_for(slug), case_sensitive=False)
    ):
        errors["slug"] = [_("Kortnavnet «%(slug)s» er allerede i bruk.") % {"slug": slug}]
    if "org_number" not in errors and Municipality.objects.filter(org_number=org_number).exists():
        errors["org_number"] = [
            _("Organisasjonsnummeret %(number)s er allerede registrert.") % {"number": org_number}
        ]
    if (
        number is not None
        and "number" not in errors
        and Municipality.objects.filter(number=number).exists()
    ):
        errors["number"] = [
            _("Kommunenummeret %(number)s er allerede registrert.") % {"number": number}
        ]
    return errors


def provision_municipality(
    *, name: str, slug: str, org_number: str, county: str = "", number: str | None = None
) -> Municipality:
    """Create a municipality with its schema and its host, or raise ValidationError.

    `number` is the official municipality number (kommunenummer, four digits), if known.
    """
    name, slug, org_number = name.strip(), slug.strip().lower(), orgnr.compact(org_number)
    number = number.strip() or None if number is not None else None
    errors = validate_new_municipality(name=name, slug=slug, org_number=org_number, number=number)
    if errors:
        raise ValidationError(errors)
    if _template_verified_at is None:
        ensure_template()
    connection.set_schema_to_public()
    try:
        with transaction.atomic():
            municipality = Municipality.objects.create(
                schema_name=schema_name_for(slug),
                name=name,
                slug=slug,
                org_number=org_number,
                number=number,
                county=county.strip(),
            )
            _clone_template(template_schema(), municipality.schema_name)
            with connection.cursor() as cursor:
                # clone_schema only warns when the source is missing: check the result.
                cursor.execute(
                    "SELECT to_regclass(%s)", [f'"{municipality.schema_name}".django_migrations']
                )
                if cursor.fetchone()[0] is None:
                    raise ProvisioningFailed(
                        f"cloning {template_schema()!r} into {municipality.schema_name!r} "
                        "produced no tables"
                    )
            for index, host in enumerate(municipality_hosts(slug)):
                Domain.objects.create(domain=host, tenant=municipality, is_primary=index == 0)
    except IntegrityError as exc:
        # Lost a race with a concurrent creation of the same slug or number.
        raise ValidationError(
            {
                "slug": [
                    _(
                        "Kortnavnet, organisasjonsnummeret eller kommunenummeret ble nettopp "
                        "tatt i bruk."
                    )
                ]
            }
        ) from exc
    logger.info("Provisioned municipality %s (schema %s)", slug, municipality.schema_name)
    return cast(Municipality, municipality)


def ensure_public_tenant() -> Municipality:
    """The row for the public schema and its host names (idempotent)."""
    public, _created = Municipality.objects.get_or_create(
        schema_name="public",
        defaults={"name": "Samla", "slug": "public", "org_number": "000000000"},
    )
    _ensure_hosts(public, settings.SAMLA_PUBLIC_HOSTS)
    return cast(Municipality, public)


def _ensure_hosts(municipality: Municipality, hosts: list[str]) -> list[str]:
    """Add the hosts the municipality lacks and make the first one primary; the hosts added.

    Hosts it already has are kept (an old primary becomes a second host). A host that
    belongs to another municipality is left with it, and logged.
    """
    added = []
    with transaction.atomic():
        existing = {d.domain: d for d in Domain.objects.filter(domain__in=hosts)}
        for index, host in enumerate(hosts):
            domain = existing.get(host)
            if domain is None:
                # DomainMixin.save() takes primary from the others when this one is.
                Domain.objects.create(domain=host, tenant=municipality, is_primary=index == 0)
                added.append(host)
            elif domain.tenant_id != municipality.pk:
                logger.warning("Host %s belongs to another municipality; left there", host)
            elif index == 0 and not domain.is_primary:
                domain.is_primary = True
                domain.save()
    return added


def ensure_municipality_hosts() -> dict[str, list[str]]:
    """Give every municipality the hosts the settings call for (run by `samla upgrade`).

    A database made under an earlier base domain (`<slug>.localhost`) gains
    `<slug>.samla.localhost` as its primary host and keeps the old one. Idempotent; returns
    the hosts added, by slug. Two queries when every municipality has its hosts already
    (the usual deploy): the municipalities, then their hosts; only one that lacks a host
    (or whose primary host is another) is written.
    """
    municipalities = list(
        Municipality.objects.without_public().filter(purged_at__isnull=True).order_by("pk")
    )
    wanted = {
        municipality.pk: municipality_hosts(municipality.slug) for municipality in municipalities
    }
    found = {
        domain: (tenant_id, is_primary)
        for domain, tenant_id, is_primary in Domain.objects.filter(
            domain__in=[host for hosts in wanted.values() for host in hosts]
        ).values_list("domain", "tenant_id", "is_primary")
    }
    added = {}
    for municipality in municipalities:
        hosts = wanted[municipality.pk]
        in_place = found.get(hosts[0]) == (municipality.pk, True) and all(
            found.get(host, (None, False))[0] == municipality.pk for host in hosts[1:]
        )
        if in_place:
            continue
        new_hosts = _ensure_hosts(municipality, hosts)
        if new_hosts:
            added[municipality.slug] = new_hosts
    return added
