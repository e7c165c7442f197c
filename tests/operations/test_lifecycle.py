"""Leaving Samla: export, deletion behind a fresh export, 404 at once, retention, purge.

Each test makes its own municipality inside the test's transaction (schemas are
transactional in PostgreSQL), so the purge's DROP SCHEMA is rolled back with the rest.
Given a municipality with a plan, a member and a confirmed order that was invoiced: the
export holds its rows and documents and describes every field; deletion needs that
export; its hosts answer 404 from the deletion on; the purge drops the schema and its
public rows but keeps the orders and invoices, readable by the seller; the daily task
purges only those due; every refusal leaves everything as it was.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_tenants.utils import schema_exists, tenant_context

from billing.models import Consultancy, Invoice, Order, OrderLine
from billing.services import orders as order_services
from billing.services import packages as package_services
from samla.accounts import integrations
from samla.accounts.models import ConsultancyMembership, MunicipalityMembership, User
from tenants import export, lifecycle
from tenants.models import Domain, Municipality
from tenants.ownership import OWNED_PUBLIC_MODELS
from tenants.plans.models import Milestone, Plan
from tenants.plans.seed_plans import SEEDS, build_seed_plan
from tenants.services import provision_municipality
from tenants.tasks import purge_due_municipalities
from tests.billing.conftest import ACCOUNT
from tests.conftest import PUBLIC_HOST, api_client_for, client_for, make_member
from tests.numbers import org_number

pytestmark = pytest.mark.django_db


@pytest.fixture
def leaving() -> Municipality:
    """A municipality of its own for the test (rolled back with it)."""
    return provision_municipality(name="Avreise", slug="avreise", org_number=org_number())


@pytest.fixture
def leader(leaving: Municipality) -> User:
    return make_member(leaving, "leder.avreise")


@pytest.fixture
def plan(leaving: Municipality, leader: User) -> Plan:
    start = timezone.localdate().replace(day=1)
    with tenant_context(leaving):
        return Plan.objects.create(
            title="Plan som flytter", start=start, end=start + datetime.timedelta(weeks=60)
        )


@pytest.fixture
def seller() -> tuple[Consultancy, User]:
    consultancy = Consultancy.objects.create(
        slug="avreise-selskap",
        name="Avreise Selskap",
        org_number=org_number(),
        street="Storgata 1",
        postcode="0155",
        city="Oslo",
        kid_prefix="96",
        bank_account=ACCOUNT,
    )
    member = User.objects.create_user(username="konsulent.avreise", password="x")
    ConsultancyMembership.objects.create(user=member, consultancy=consultancy)
    return consultancy, member


@pytest.fixture
def order(leaving: Municipality, leader: User, plan: Plan, seller: Any) -> Order:
    """A confirmed order billed up front: it has its invoice."""
    consultancy, member = seller
    package = package_services.create_package(
        member,
        consultancy,
        {
            "title": "Avreisepakke",
            "duration_weeks": 12,
            "items": [
                {"kind": "training_day", "quantity": "2", "unit_price": "18500.00",
                 "schedule_week": 2},
            ],
        },
    )  # fmt: skip
    package = package_services.publish_package(member, package, version=package.version)
    placed = order_services.place_order(
        leader,
        leaving,
        package,
        {
            "plan": plan.pk,
            "start_date": plan.start,
            "billing_mode": "up_front",
            "buyer_reference": "Avreise 1",
        },
    )
    return order_services.confirm_order(leader, placed, version=placed.version)


def footprint(municipality: Municipality) -> dict[str, Any]:
    """What a refusal must leave as it was: the schema, the row, every owned row count."""
    municipality.refresh_from_db()
    return {
        "schema": schema_exists(municipality.schema_name),
        "row": {
            f: getattr(municipality, f)
            for f in ("exported_at", "deleted_at", "deleted_by_id", "purge_after", "purged_at")
        },
        "owned": {o.label: o.rows(municipality).count() for o in OWNED_PUBLIC_MODELS},
    }


def exported(municipality: Municipality, folder: Path) -> Path:
    return export.export_municipality(municipality, output=folder / "eksport.zip")


# The export ----------------------------------------------------------------------------


@pytest.fixture
def seeded(leaving: Municipality, leader: User) -> Plan:
    """The Nesseby seed plan, built in the leaving municipality: every part has rows."""
    with tenant_context(leaving):
        return build_seed_plan(leaving, leader, SEEDS["nesseby"], today=timezone.localdate())


def test_export_holds_every_model_its_documents_and_field_descriptions(
    leaving, leader, seeded, order, nesseby, leader_b, tmp_path
):
    path = exported(leaving, tmp_path)

    leaving.refresh_from_db()
    assert leaving.exported_at is not None
    assert [p.name for p in tmp_path.iterdir()] == ["eksport.zip"]  # no temporary left
    manifest = export.read_manifest(path)
    assert manifest["format"] == "samla-export"
    assert manifest["municipality"]["slug"] == "avreise"
    with zipfile.ZipFile(path) as zipped:
        names = set(zipped.namelist())
        by_path = {f["path"]: f for f in manifest["files"]}
        for entry in export.exported_models():
            # Every model: its rows, its JSON Schema, its section of FIELDS.md.
            assert entry.path in names, entry.label
            assert f"schemas/{entry.label}.schema.json" in names
            rows = json.loads(zipped.read(entry.path))
            assert by_path[entry.path]["rows"] == len(rows)
            if entry.source == "schema":
                with tenant_context(leaving):
                    assert len(rows) == entry.model._default_manager.count(), entry.label
            schema = json.loads(zipped.read(f"schemas/{entry.label}.schema.json"))
            properties = schema["items"]["properties"]
            for row in rows:
                assert set(row) == set(properties), entry.label
        fields = zipped.read("FIELDS.md").decode()
        assert export.documented_models(fields) == {e.label for e in export.exported_models()}

        milestones = json.loads(zipped.read("data/schema/plans.Milestone.json"))
        with tenant_context(leaving):
            assert sorted(m["title"] for m in milestones) == sorted(
                Milestone.objects.values_list("title", flat=True)
            )
        status = json.loads(zipped.read("schemas/plans.Milestone.schema.json"))["items"][
            "properties"
        ]["status"]
        assert "done" in status["enum"] and status["x-labels"]["done"]
        orders = json.loads(zipped.read("data/public/billing.Order.json"))
        assert [o["id"] for o in orders] == [order.pk]
        assert json.loads(zipped.read("data/public/billing.Invoice.json"))
        users = json.loads(zipped.read("data/public/accounts.User.json"))
        assert [u["username"] for u in users] == ["leder.avreise"]
        assert "password" not in users[0]

        # The documents, readable as what they claim to be.
        folder = f"documents/plans/{seeded.pk}-"
        docx = next(n for n in names if n.startswith(folder) and n.endswith(".docx"))
        with zipfile.ZipFile(io.BytesIO(zipped.read(docx))) as word:
            assert seeded.title.split()[0] in word.read("word/document.xml").decode()
        xlsx = next(n for n in names if n.startswith(folder) and n.endswith(".xlsx"))
        assert openpyxl.load_workbook(io.BytesIO(zipped.read(xlsx))).sheetnames
        pdf = next(n for n in names if n.startswith(folder) and n.endswith(".pdf"))
        assert zipped.read(pdf).startswith(b"%PDF")
        assert zipped.read("documents/routines/rutinehandbok.pdf").startswith(b"%PDF")
        for name in names - {"manifest.json"}:
            assert hashlib.sha256(zipped.read(name)).hexdigest() == by_path[name]["sha256"]

        # Nothing of another municipality.
        everything = b"".join(zipped.read(name) for name in names if not name.endswith(".pdf"))
    for foreign in (leader_b.username, nesseby.org_number, "nesseby.localhost"):
        assert foreign.encode() not in everything, foreign


def test_docs_describe_every_exported_field():
    document = (Path(__file__).parents[2] / "docs" / "export.md").read_text(encoding="utf-8")
    assert export.documented_models(document) == {e.label for e in export.exported_models()}
    assert export.with_fields_reference(document) == document, (
        "docs/export.md is behind the models: run "
        "samla municipality export-fields --write docs/export.md"
    )


def test_export_command_and_its_refusals(leaving, tmp_path):
    target = tmp_path / "arkiv.zip"
    call_command("municipality", "export", "avreise", "--output", str(target))
    assert zipfile.ZipFile(target).testzip() is None
    with pytest.raises(CommandError, match="finnes ikke"):
        call_command("municipality", "export", "avreise", "--output", str(tmp_path / "x" / "a.zip"))
    with pytest.raises(CommandError, match="Fant ingen kommune"):
        call_command("municipality", "export", "finnes-ikke")
    lifecycle.purge_municipality(leaving, skip_retention=True)
    with pytest.raises(CommandError, match="endelig slettet"):
        call_command("municipality", "export", "avreise", "--output", str(tmp_path / "b.zip"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["arkiv.zip"]


# Deletion ------------------------------------------------------------------------------


def test_deletion_requires_a_fresh_export_of_the_current_data(leaving, leader, plan, tmp_path):
    before = footprint(leaving)
    with pytest.raises(ValidationError, match="ikke eksportert"):
        lifecycle.delete_municipality(leaving, actor=leader)
    assert footprint(leaving) == before

    exported(leaving, tmp_path)
    leaving.refresh_from_db()
    later = leaving.exported_at + datetime.timedelta(hours=25)
    before = footprint(leaving)
    with pytest.raises(ValidationError, match="eldre enn 24 timer"):
        lifecycle.delete_municipality(leaving, actor=leader, now=later)
    assert footprint(leaving) == before

    with tenant_context(leaving):
        Plan.objects.filter(pk=plan.pk).update(
            title="Endret etter eksporten", updated_at=timezone.now()
        )
    with pytest.raises(ValidationError, match="endret etter siste eksport"):
        lifecycle.delete_municipality(leaving, actor=leader)
    assert footprint(leaving) == before

    exported(leaving, tmp_path)
    lifecycle.delete_municipality(leaving, actor=leader)
    leaving.refresh_from_db()
    assert leaving.deleted_by == leader
    assert leaving.purge_after - leaving.deleted_at == datetime.timedelta(days=30)
    assert schema_exists(leaving.schema_name)  # kept for the retention period
    with pytest.raises(ValidationError, match="allerede slettet"):
        lifecycle.delete_municipality(leaving, actor=leader)


def test_retention_period_comes_from_the_settings(leaving, tmp_path, settings):
    settings.SAMLA_DELETION_RETENTION_DAYS = 7
    exported(leaving, tmp_path)
    call_command("municipality", "delete", "avreise", "--yes")
    leaving.refresh_from_db()
    assert leaving.purge_after - leaving.deleted_at == datetime.timedelta(days=7)


def test_a_deleted_municipality_answers_404_at_once_and_again_after_undelete(
    leaving, leader, plan, tmp_path
):
    host = f"{leaving.slug}.localhost"
    web = client_for(host, leader)
    api = api_client_for(host)
    api.force_authenticate(leader)
    assert web.get("/planer/").status_code == 200
    assert api.get("/api/plans/").status_code == 200

    exported(leaving, tmp_path)
    lifecycle.delete_municipality(leaving, actor=None)
    assert web.get("/planer/").status_code == 404
    assert web.get(f"/planer/{plan.pk}/").status_code == 404
    response = api.get("/api/plans/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert api.get(f"/api/plans/{plan.pk}/").status_code == 404
    assert client_for(host).get("/").status_code == 404  # anonymous: not even a login page

    call_command("municipality", "undelete", "avreise")
    assert web.get("/planer/").status_code == 200
    assert api.get("/api/plans/").status_code == 200


# The purge -----------------------------------------------------------------------------


def test_purge_is_refused_unless_deleted_and_due(leaving, leader, tmp_path):
    before = footprint(leaving)
    with pytest.raises(ValidationError, match="er ikke slettet"):
        lifecycle.purge_municipality(leaving)
    assert footprint(leaving) == before

    exported(leaving, tmp_path)
    lifecycle.delete_municipality(leaving, actor=None)
    before = footprint(leaving)
    with pytest.raises(ValidationError, match="Oppbevaringstiden"):
        lifecycle.purge_municipality(leaving)
    with pytest.raises(CommandError, match="Oppbevaringstiden"):
        call_command("municipality", "purge", "avreise", "--yes")
    assert footprint(leaving) == before
    assert before["schema"] is True


def test_operator_purge_keeps_bookkeeping_rows_readable_by_the_seller(
    leaving, leader, order, seller
):
    invoices = list(Invoice.objects.filter(municipality=leaving).values_list("pk", flat=True))
    assert invoices, "the confirmed up-front order has its invoice"
    lines = OrderLine.objects.filter(order=order).count()
    assert lines > 0
    assert MunicipalityMembership.objects.filter(municipality=leaving).exists()
    token, _secret = integrations.create_integration_token(leaving, leader, "Arkiv", True, 30)
    service_user = token.service_user

    call_command("municipality", "purge", "avreise", "--now", "--yes")

    leaving.refresh_from_db()
    assert leaving.purged_at is not None and leaving.deleted_at is not None
    assert not schema_exists(leaving.schema_name)
    assert not Domain.objects.filter(tenant=leaving).exists()
    for owned in OWNED_PUBLIC_MODELS:
        if not owned.bookkeeping:
            assert not owned.rows(leaving).exists(), owned.label
    service_user.refresh_from_db()
    assert not service_user.is_active
    # The tombstone keeps its name, slug and organisation number; the rows hang on it.
    assert Municipality.objects.get(slug="avreise").org_number == leaving.org_number
    assert Order.objects.filter(pk=order.pk, municipality=leaving).exists()
    assert OrderLine.objects.filter(order=order).count() == lines
    assert sorted(Invoice.objects.filter(municipality=leaving).values_list("pk", flat=True)) == (
        sorted(invoices)
    )
    # The seller still reads them through the API.
    _consultancy, member = seller
    client = api_client_for(PUBLIC_HOST)
    client.force_authenticate(member)
    assert client.get(f"/api/orders/{order.pk}/").status_code == 200
    assert client.get(f"/api/invoices/{invoices[0]}/").status_code == 200


def test_purge_command_needs_now_for_a_municipality_not_deleted(leaving):
    before = footprint(leaving)
    with pytest.raises(CommandError, match="--now"):
        call_command("municipality", "purge", "avreise", "--yes")
    with pytest.raises(ValidationError):
        lifecycle.purge_municipality(leaving)
    assert footprint(leaving) == before


def test_daily_task_purges_only_those_due(leaving, tmp_path):
    due = leaving
    waiting = provision_municipality(name="Venter", slug="venter", org_number=org_number())
    live = provision_municipality(name="Blir", slug="blir", org_number=org_number())
    for municipality in (due, waiting):
        exported(municipality, tmp_path)
        lifecycle.delete_municipality(municipality, actor=None)
    past = timezone.now() - datetime.timedelta(minutes=1)
    Municipality.objects.filter(pk=due.pk).update(purge_after=past)

    result = purge_due_municipalities.apply().get()

    assert result["purged"] == ["avreise"]
    assert "avreise" not in result["removed"]
    for municipality in (due, waiting, live):
        municipality.refresh_from_db()
    assert due.purged_at is not None and not schema_exists(due.schema_name)
    assert waiting.purged_at is None and schema_exists(waiting.schema_name)
    assert live.deleted_at is None and schema_exists(live.schema_name)
    assert Domain.objects.filter(tenant=waiting).exists()
    # The next day nothing is due; the tombstone, holding no bookkeeping rows, goes
    again = purge_due_municipalities.apply().get()
    assert again["purged"] == []
    assert "avreise" in again["removed"]
    assert not Municipality.objects.filter(pk=due.pk).exists()


def test_the_purge_runs_daily_in_beat(settings):
    tasks = [entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()]
    assert "tenants.purge_due_municipalities" in tasks
