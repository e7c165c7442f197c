"""The restore drill: one municipality backed up, restored as a copy and as itself.

Given a municipality with the demo plan and public rows of every kind the drill can make
cheaply (a membership, a network membership sharing its plans with a consent to open
comparison, a roll-up row, a licence with its invoice), when it is backed up
(`samla municipality backup`) and restored under a new slug (`--as`, `--org-number`),
then the plan's documents are the same (the docx text, the xlsx cells); when the
original is purged (skipping the retention period) and restored under its own slug,
then its row is revived, its invoice is still attached, its leader signs in and reaches
the plan, and nothing of another municipality changed. Restoring into a slug that exists,
a truncated or altered archive, one of a newer format, and one from another installation
are refused, with nothing written.

pg_dump and pg_restore are other processes on other connections: the data is committed
(throwaway municipalities, removed afterwards, also when a test fails).
"""

from __future__ import annotations

import io
import json
import re
import shutil
import tarfile
import uuid
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_exists, tenant_context
from docx import Document

from billing.kinds import UnitChoice, VatChoice
from billing.models import Consultancy, Invoice, InvoiceLine, Licence
from networks.models import (
    LearningNetwork,
    NetworkMembership,
    OpenComparisonConsent,
    Organiser,
    ProgressSnapshot,
    Sharing,
)
from networks.rollup import refresh_snapshot
from samla.accounts.models import MunicipalityMembership, MunicipalityRole, User
from tenants import backup
from tenants.db import connection
from tenants.models import Domain, Municipality
from tenants.ownership import owned_rows
from tenants.plans.documents.outline import load_plan, plan_outline
from tenants.plans.documents.spreadsheet import render_xlsx
from tenants.plans.documents.word import render_docx
from tenants.plans.models import Plan
from tenants.plans.seed_plans import SEEDS, build_seed_plan
from tenants.upgrade import TenantSchema, expected_migrations, find_behind
from tests.committed import committed_data, provision_scratch, remove_scratch, scratch_slug
from tests.gates import unavailable
from tests.numbers import org_number

PASSWORD = "riktig-hest-batteri-stift"
OTHER = "nesseby"  # a seed municipality of the session: it must not change


@pytest.fixture(autouse=True)
def _public_schema_and_clean_cache(django_db_setup, django_db_blocker) -> Iterator[None]:
    """Replaces the suite's per-test transaction: pg_dump and pg_restore see committed rows."""
    with committed_data(django_db_blocker):
        require_client_tools()
        yield


def require_client_tools() -> None:
    """pg_dump and pg_restore of the server's version: skipped without them (failed in CI)."""
    try:
        backup.client_tools()
    except backup.BackupError as error:
        unavailable(str(error))


# What a drill compares ----------------------------------------------------------------


def documents(municipality: Municipality) -> tuple[list[str], dict[str, list[list[Any]]]]:
    """The plan's docx text (paragraphs, then table cells) and its xlsx cells, per sheet."""
    with tenant_context(municipality):
        outline = plan_outline(load_plan(Plan.objects.get()))
        docx, xlsx = render_docx(outline), render_xlsx(outline)
    document = Document(io.BytesIO(docx))
    text = [p.text for p in document.paragraphs]
    for table in document.tables:
        text.extend(cell.text for row in table.rows for cell in row.cells)
    book = openpyxl.load_workbook(io.BytesIO(xlsx))
    cells = {
        sheet.title: [[cell.value for cell in row] for row in sheet.iter_rows()]
        for sheet in book.worksheets
    }
    return text, cells


def schemas() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace")
        return {row[0] for row in cursor.fetchall()}


def databases() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT datname FROM pg_database")
        return {row[0] for row in cursor.fetchall()}


def footprint() -> dict[str, Any]:
    """What a refused restore must leave as it was."""
    return {
        "municipalities": sorted(
            Municipality.objects.values_list("pk", "slug", "schema_name", "purged_at")
        ),
        "domains": Domain.objects.count(),
        "memberships": MunicipalityMembership.objects.count(),
        "network_memberships": NetworkMembership.objects.count(),
        "snapshots": ProgressSnapshot.objects.count(),
        "invoices": Invoice.objects.count(),
        "schemas": schemas(),
        "databases": databases(),
    }


def fingerprint(municipality: Municipality) -> dict[str, Any]:
    """Another municipality's public rows and the row count of each table in its schema."""
    rows = {
        owned.label: sorted(json.dumps(v, default=str) for v in found.values())
        for owned, found in owned_rows(municipality)
    }
    counts = {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = %s ORDER BY tablename",
            [municipality.schema_name],
        )
        for (table,) in cursor.fetchall():
            cursor.execute(f'SELECT count(*) FROM "{municipality.schema_name}"."{table}"')  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    return {"rows": rows, "tables": counts}


def restore(*args: str) -> str:
    out = io.StringIO()
    call_command("municipality", "restore", *args, stdout=out)
    return out.getvalue()


def make_backup(slug: str, folder: Path) -> Path:
    out = io.StringIO()
    call_command("municipality", "backup", slug, "--output", str(folder), stdout=out)
    match = re.search(r"Sikkerhetskopi: (\S+)", out.getvalue())
    assert match, out.getvalue()
    return Path(match.group(1))


# The municipality to back up ----------------------------------------------------------


class Drill:
    def __init__(self) -> None:
        self.slug = scratch_slug("kopi")
        self.copy_slug = scratch_slug("kopi-ny")
        self.leader_name = f"{self.slug}.leder"
        self.viewer_name = f"{self.slug}.leser"
        self.network_slug = scratch_slug("nettverk")
        self.consultancy_slug = scratch_slug("selger")

    def make(self) -> Municipality:
        municipality = provision_scratch(self.slug)
        leader = User.objects.create_user(username=self.leader_name, password=PASSWORD)
        MunicipalityMembership.objects.create(
            user=leader, municipality=municipality, role=MunicipalityRole.LEADER
        )
        viewer = User.objects.create_user(username=self.viewer_name, password=PASSWORD)
        MunicipalityMembership.objects.create(
            user=viewer, municipality=municipality, role=MunicipalityRole.VIEWER
        )
        with tenant_context(municipality):
            build_seed_plan(municipality, leader, SEEDS["nordre-land"], today=timezone.localdate())
            refresh_snapshot(municipality)
        connection.set_schema_to_public()
        network = LearningNetwork.objects.create(
            name="Drillnettverket", slug=self.network_slug, organiser=Organiser.KS
        )
        membership = NetworkMembership.objects.create(
            network=network, municipality=municipality, sharing=Sharing.PLANS
        )
        OpenComparisonConsent.objects.create(membership=membership, given_by=leader)
        seller = Consultancy.objects.create(
            name="Drillselskapet", slug=self.consultancy_slug, org_number=org_number()
        )
        year = timezone.localdate().year
        licence = Licence.objects.create(
            municipality=municipality, year=year, band="small", population=1200,
            amount=Decimal("10000.00"), valid_from=date(year, 1, 1),
            valid_until=date(year, 12, 31),
        )  # fmt: skip
        invoice = Invoice.objects.create(
            consultancy=seller, municipality=municipality, licence=licence,
            buyer_reference="Drill",
        )  # fmt: skip
        InvoiceLine.objects.create(
            invoice=invoice, position=1, kind="other", name="Lisens", quantity=1,
            unit=UnitChoice.EACH, vat=VatChoice.STANDARD, unit_price=Decimal("10000.00"),
            net_amount=Decimal("10000.00"),
        )  # fmt: skip
        return municipality

    def remove(self) -> None:
        connection.set_schema_to_public()
        slugs = [self.slug, self.copy_slug]
        InvoiceLine.objects.filter(invoice__municipality__slug__in=slugs).delete()
        Invoice.objects.filter(municipality__slug__in=slugs).delete()
        Licence.objects.filter(municipality__slug__in=slugs).delete()
        Consultancy.objects.filter(slug=self.consultancy_slug).delete()
        for slug in slugs:
            remove_scratch(slug)
        LearningNetwork.objects.filter(slug=self.network_slug).delete()
        User.objects.filter(username__in=[self.leader_name, self.viewer_name]).delete()


@pytest.fixture
def drill(django_db_blocker) -> Iterator[Drill]:
    made = Drill()
    with django_db_blocker.unblock():
        try:
            yield made
        finally:
            made.remove()


def test_backup_restore_as_copy_then_purge_and_restore_in_place(drill: Drill, tmp_path) -> None:
    from tenants.lifecycle import purge_municipality

    original = drill.make()
    other = Municipality.objects.get(slug=OTHER)
    other_before = fingerprint(other)
    documents_before = documents(original)
    assert documents_before[0] and documents_before[1]

    # When it is backed up
    archive = make_backup(drill.slug, tmp_path)

    # Then one archive holds the manifest, the schema dump and the public rows
    manifest = backup.read_manifest(archive)
    with tarfile.open(archive) as tar:
        assert tar.getnames() == ["manifest.json", "schema.dump", "public.json"]
    assert manifest["format"] == backup.ARCHIVE_FORMAT
    assert manifest["municipality"]["slug"] == drill.slug
    assert manifest["schema_name"] == original.schema_name
    assert ["plans", "0001_initial"] in manifest["migrations"]
    assert manifest["public_rows"]["billing.Invoice"] == 1
    assert manifest["public_rows"]["networks.OpenComparisonConsent"] == 1
    assert set(manifest["members"]) == {"schema.dump", "public.json"}

    # When it is restored under a new slug, with another organisation number
    output = restore(str(archive), "--as", drill.copy_slug, "--org-number", org_number())

    # Then the copy is a new municipality with its own schema and host, the same plan
    # documents, its membership, network membership and roll-up, but not the invoices
    copy = Municipality.objects.get(slug=drill.copy_slug)
    assert copy.pk != original.pk
    assert copy.schema_name != original.schema_name and schema_exists(copy.schema_name)
    assert Domain.objects.filter(tenant=copy, domain=f"{drill.copy_slug}.localhost").exists()
    assert documents(copy) == documents_before
    assert MunicipalityMembership.objects.filter(
        municipality=copy, user__username=drill.leader_name
    ).exists()
    copied_membership = NetworkMembership.objects.get(municipality=copy)
    assert copied_membership.sharing == Sharing.PLANS
    assert copied_membership.open_comparison_consents.count() == 1
    assert ProgressSnapshot.objects.filter(municipality=copy).exists()
    assert not Invoice.objects.filter(municipality=copy).exists()
    assert "Ikke kopiert" in output and "billing.Invoice (1)" in output
    assert Invoice.objects.filter(municipality=original).count() == 1

    # When a restore targets the slug of a municipality that exists, it is refused
    before = footprint()
    with pytest.raises(CommandError, match="som finnes"):
        restore(str(archive))
    assert footprint() == before

    # When the original is purged (the operator's explicit purge, no retention period)
    purge_municipality(Municipality.objects.get(pk=original.pk), skip_retention=True)
    connection.set_schema_to_public()
    assert not schema_exists(original.schema_name)
    assert Invoice.objects.filter(municipality_id=original.pk).count() == 1

    # and a user who had a membership there is deleted meanwhile
    User.objects.filter(username=drill.viewer_name).delete()

    # and it is restored under its own slug
    output = restore(str(archive))

    # Then its row is revived (same id: its invoice and licence are attached again)
    revived = Municipality.objects.get(slug=drill.slug)
    assert revived.pk == original.pk
    assert revived.purged_at is None and revived.deleted_at is None
    assert schema_exists(revived.schema_name)
    assert Invoice.objects.filter(municipality=revived).count() == 1  # not duplicated
    assert Licence.objects.filter(municipality=revived).count() == 1
    assert NetworkMembership.objects.get(municipality=revived).sharing == Sharing.PLANS
    # (the deleted user's membership is skipped and counted; the leader's is back)
    assert "accounts.MunicipalityMembership: 1 rader hoppet over" in output
    assert list(
        MunicipalityMembership.objects.filter(municipality=revived).values_list(
            "user__username", flat=True
        )
    ) == [drill.leader_name]
    assert documents(revived) == documents_before

    # and its leader signs in on its host and reaches the plan
    host = f"{drill.slug}.localhost"
    client = Client(HTTP_HOST=host)
    signed_in = client.post(
        "/accounts/login/", {"username": drill.leader_name, "password": PASSWORD}
    )
    assert signed_in.status_code == 302, signed_in.content[:500]
    response = client.get("/planer/")
    assert response.status_code == 200
    with tenant_context(revived):
        title = Plan.objects.get().title
    assert title in response.content.decode()

    # and nothing of another municipality changed
    connection.set_schema_to_public()
    assert fingerprint(other) == other_before


# Refused archives ------------------------------------------------------------------------


def rewrite(archive: Path, target: Path, change: dict[str, Any]) -> Path:
    """A copy of `archive` with its manifest's fields changed (members as they were)."""
    with tarfile.open(archive) as source, tarfile.open(target, "w") as out:
        for member in source.getmembers():
            data = source.extractfile(member)
            assert data is not None
            content = data.read()
            if member.name == "manifest.json":
                manifest = json.loads(content)
                manifest.update(change)
                content = json.dumps(manifest).encode()
            info = tarfile.TarInfo(member.name)
            info.size = len(content)
            out.addfile(info, io.BytesIO(content))
    return target


def truncated(archive: Path, target: Path) -> Path:
    target.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    return target


def flipped(archive: Path, target: Path) -> Path:
    """One byte changed inside the schema dump (the tar itself still reads)."""
    shutil.copy(archive, target)
    with tarfile.open(archive) as tar:
        offset = tar.getmember("schema.dump").offset_data + 100
    with target.open("r+b") as handle:
        handle.seek(offset)
        byte = handle.read(1)
        handle.seek(offset)
        handle.write(bytes([byte[0] ^ 0xFF]))
    return target


FAULTS = {
    "truncated": (truncated, "skadet eller avkortet"),
    "altered": (flipped, "kontrollsummen for schema.dump stemmer ikke"),
    "newer format": (
        lambda a, t: rewrite(a, t, {"format": backup.ARCHIVE_FORMAT + 1}),
        "nyere enn denne versjonen av Samla kan lese",
    ),
    "unknown migration": (
        lambda a, t: rewrite(a, t, {"migrations": [["plans", "9999_from_the_future"]]}),
        "migreringer denne versjonen av Samla ikke kjenner",
    ),
    "another installation": (
        lambda a, t: rewrite(a, t, {"installation": str(uuid.uuid4())}),
        "fra en annen Samla-installasjon",
    ),
}


@pytest.fixture(scope="module")
def good_archive(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[Path]:
    """An archive of a scratch municipality, removed again (the archive stays valid)."""
    slug = scratch_slug("feil")
    with django_db_blocker.unblock():
        require_client_tools()
        try:
            provision_scratch(slug)
            archive = make_backup(slug, tmp_path_factory.mktemp("archive"))
        finally:
            remove_scratch(slug)
    yield archive


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_a_bad_archive_is_refused_and_nothing_is_written(
    fault: str, good_archive: Path, tmp_path: Path
) -> None:
    make, message = FAULTS[fault]
    archive = make(good_archive, tmp_path / "arkiv.tar")
    before = footprint()
    new_slug = scratch_slug("feil-ny")
    try:
        with pytest.raises(CommandError, match=message) as refused:
            restore(str(archive), "--as", new_slug, "--org-number", org_number())
        assert "Ingenting er endret" in str(refused.value)
        assert footprint() == before
    finally:
        remove_scratch(new_slug)


def test_the_good_archive_restores(good_archive: Path) -> None:
    """The faults above are refused for what was changed, not for the archive itself."""
    new_slug = scratch_slug("feil-ny")
    try:
        restore(str(good_archive), "--as", new_slug, "--org-number", org_number())
        assert schema_exists(Municipality.objects.get(slug=new_slug).schema_name)
    finally:
        remove_scratch(new_slug)


def test_a_failure_after_the_schema_is_restored_leaves_nothing(
    good_archive: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through the scratch database (the archive's schema name taken): all or nothing."""
    taken = backup.read_manifest(good_archive)["schema_name"]
    new_slug = scratch_slug("feil-ny")

    def fail(*args: object, **kwargs: object) -> None:
        raise RuntimeError("stopp midt i")

    with connection.cursor() as cursor:
        cursor.execute(f'CREATE SCHEMA "{taken}"')
    try:
        before = footprint()
        monkeypatch.setattr(backup, "_restore_rows", fail)
        lines: list[str] = []
        with pytest.raises(RuntimeError, match="stopp midt i"):
            backup.restore_municipality(
                good_archive, as_slug=new_slug, org_number=org_number(), report=lines.append
            )
        assert any("kladdedatabasen" in line for line in lines), lines
        assert footprint() == before
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{taken}" CASCADE')
        remove_scratch(new_slug)


def test_an_older_archive_is_restored_and_upgraded(tmp_path: Path) -> None:
    """An archive whose schema misses one of the code's migrations catches up on restore.

    Also the restore of a slug with no row at all (its row and id come back).
    """
    slug = scratch_slug("gammel")
    try:
        made = provision_scratch(slug)
        schema, pk = made.schema_name, made.pk
        with connection.cursor() as cursor:
            # What reversing template_adoptions.0001_initial does (a leaf: nothing needs it).
            cursor.execute(f'DROP TABLE "{schema}".template_adoptions_adoption')
            cursor.execute(
                f'DELETE FROM "{schema}".django_migrations '  # noqa: S608
                "WHERE app = 'template_adoptions' AND name = '0001_initial'"
            )
        archive = make_backup(slug, tmp_path)
        migrations = backup.read_manifest(archive)["migrations"]
        assert ["template_adoptions", "0001_initial"] not in migrations
        remove_scratch(slug)

        output = restore(str(archive))

        assert "oppgraderer skjemaet" in output
        restored = Municipality.objects.get(slug=slug)
        assert restored.pk == pk and restored.schema_name == schema
        assert not find_behind([TenantSchema(schema, slug)], expected_migrations())
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass(%s)", [f'"{schema}".template_adoptions_adoption'])
            assert cursor.fetchone()[0] is not None
    finally:
        remove_scratch(slug)
