"""A provisioned schema is an exact copy of the template, by either clone path."""

from __future__ import annotations

import pytest
from django.db import connection

from tenants import services
from tests.numbers import org_number as valid_org_number

# What a schema is made of, each row free of the schema's own name (normalised below).
CATALOGUE = {
    "relations": """
        SELECT relname, relkind, relpersistence, reloptions::text,
               COALESCE(relacl, acldefault(
                   (CASE relkind WHEN 'S' THEN 's' ELSE 'r' END)::"char", relowner))::text
        FROM pg_class WHERE relnamespace = %(s)s::regnamespace ORDER BY 1""",
    "columns": """
        SELECT c.relname, row_number() OVER (PARTITION BY c.oid ORDER BY a.attnum),
               a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
               pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated
        FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
        LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE c.relnamespace = %(s)s::regnamespace AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY 1, 2""",
    "constraints": """
        SELECT c.relname, con.conname, con.contype, pg_get_constraintdef(con.oid)
        FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid
        WHERE con.connamespace = %(s)s::regnamespace ORDER BY 1, 2""",
    "indexes": """
        SELECT ic.relname, pg_get_indexdef(i.indexrelid)
        FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
        WHERE ic.relnamespace = %(s)s::regnamespace ORDER BY 1""",
    "sequences": """
        SELECT c.relname, s.seqstart, s.seqincrement, s.seqmax, pg_sequence_last_value(c.oid)
        FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid
        WHERE c.relnamespace = %(s)s::regnamespace ORDER BY 1""",
}


def describe(schema: str) -> dict[str, list[tuple]]:
    def plain(value):
        if isinstance(value, str):
            return value.replace(f'"{schema}".', "<schema>.").replace(f"{schema}.", "<schema>.")
        return value

    description: dict[str, list[tuple]] = {}
    with connection.cursor() as cursor:
        for part, sql in CATALOGUE.items():
            cursor.execute(sql, {"s": schema})
            description[part] = [tuple(plain(v) for v in row) for row in cursor.fetchall()]
        rows = []
        for table in [row[0] for row in description["relations"] if row[1] == "r"]:
            cursor.execute(
                "SELECT count(*), md5(COALESCE(string_agg(t::text, '|' ORDER BY t::text), '')) "  # noqa: S608
                f'FROM "{schema}"."{table}" t'
            )
            rows.append((table, *cursor.fetchone()))
        description["rows"] = rows
    return description


def test_direct_copy_reproduces_the_template_exactly(db):
    # Given the migrated template (with its recorded migrations as rows)
    template = describe(services.template_schema())
    assert template["rows"]

    # When a municipality is provisioned
    municipality = services.provision_municipality(
        name="Tynset", slug="tynset", org_number=valid_org_number("97513457")
    )

    # Then its schema has the template's tables, columns, defaults, constraints and
    # indexes under the template's own names, its sequence positions and its rows
    copy = describe(municipality.schema_name)
    for part, rows in template.items():
        assert copy[part] == rows, part


def test_template_with_a_view_is_cloned_by_clone_schema(db, caplog):
    # Given a template that holds a view, which the direct copy does not reproduce
    template = services.template_schema()
    with connection.cursor() as cursor:
        cursor.execute(
            f'CREATE VIEW "{template}".applied_apps AS '  # noqa: S608
            f'SELECT DISTINCT app FROM "{template}".django_migrations'
        )

    # When a municipality is provisioned
    caplog.set_level("INFO", logger="tenants.services")
    municipality = services.provision_municipality(
        name="Alvdal", slug="alvdal", org_number=valid_org_number("93928323")
    )

    # Then django-tenants' clone_schema made it, view included, and said why
    assert "relation other than table, index or sequence" in caplog.text
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT count(*) FROM "{municipality.schema_name}".applied_apps')  # noqa: S608
        assert cursor.fetchone()[0] > 0
    copy = describe(municipality.schema_name)
    assert {row[0] for row in copy["rows"]} >= {"django_migrations"}


@pytest.mark.parametrize(
    "statement",
    [
        "COMMENT ON TABLE {t}.django_migrations IS 'recorded migrations'",
        "GRANT SELECT ON {t}.django_migrations TO PUBLIC",
        "CREATE FUNCTION {t}.answer() RETURNS int LANGUAGE sql AS 'SELECT 42'",
        "CREATE SEQUENCE {t}.loose_numbers",
    ],
)
def test_template_objects_the_copy_cannot_reproduce_are_detected(db, statement):
    # Given a template holding something CREATE TABLE … LIKE would not carry over
    with connection.cursor() as cursor:
        cursor.execute(statement.format(t=f'"{services.template_schema()}"'))

        # When the direct copy is planned
        # Then it refuses before writing anything, so clone_schema is used instead
        with pytest.raises(services._NotCopyable):
            services._copy_statements(cursor, services.template_schema(), "never_made")
        cursor.execute("SELECT to_regnamespace('never_made')")
        assert cursor.fetchone()[0] is None
