"""The bank API on the public host: a statement uploaded (multipart or JSON), the payments
to resolve, a person resolving one; and isolation (anonymous, another consultancy, a
municipality's user, a guessed id, a municipality's host)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from billing import camt
from billing.models import BankPayment, BankStatement, Invoice, InvoiceStatus, PaymentMatch
from billing.services import bank
from tests.billing.db import test_bank_services as bank_data
from tests.billing.db.test_bank_services import (
    make_invoice,
    own_invoices,
    own_payments,
    own_statements,
    statement_file,
)
from tests.networks.conftest import municipality_api, public_api

pytestmark = pytest.mark.django_db

# The services tests' fixtures: KS-Konsulent on an account of its own, and Samarbeid Sør's
# invoices 1–3 that the fixture statement pays.
_accounts_of_their_own = bank_data._accounts_of_their_own
invoices = bank_data.invoices


def upload(api, consultancy_id: int, data: bytes, name: str = "camt053.xml"):
    return api.post(
        "/api/bank-statements/",
        {"consultancy": consultancy_id, "file": SimpleUploadedFile(name, data, "application/xml")},
        format="multipart",
    )


def test_a_member_uploads_the_days_statement_and_sees_it_matched(invoices, sor, sor_member):
    response = upload(public_api(sor_member), sor.pk, statement_file())

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["message_id"], body["statement_id"], body["account"]) == (
        "CAMT053-20261202-0600-86011117947",
        "86011117947-2026-12-01",
        sor.bank_account,
    )
    rows = [(p["kid"], p["amount"], p["match"], p["invoice_number"]) for p in body["payments"]]
    assert rows == [
        ("1700000019", "46250.00", "matched", 1),
        ("1700000027", "10000.00", "partial", 2),
        ("1700000035", "12600.00", "excess", 3),
        ("1700009994", "25000.00", "unmatched", None),
        ("", "5000.00", "unmatched", None),
        ("1234567890", "1034.50", "unmatched", None),
    ]
    excess = body["payments"][2]
    assert (excess["match_label"], excess["excess"], excess["note"]) == (
        "Overbetaling",
        "100.00",
        "Overbetalt med 100,00\xa0kr.",
    )
    assert body["payments"][0]["excess"] is None
    assert own_invoices().get(number=1).status == InvoiceStatus.PAID


def test_the_statement_may_come_as_json_text(invoices, sor, sor_member):
    document = statement_file("camt053_v08.xml").decode("utf-8")

    response = public_api(sor_member).post(
        "/api/bank-statements/", {"consultancy": sor.pk, "document": document}, format="json"
    )

    assert response.status_code == 201, response.json()
    assert [p["match"] for p in response.json()["payments"]] == ["matched"]


def test_the_same_file_again_is_409_and_nothing_is_booked_twice(invoices, sor, sor_member):
    api = public_api(sor_member)
    first = upload(api, sor.pk, statement_file())

    again = upload(api, sor.pk, statement_file())

    assert again.status_code == 409
    body = again.json()
    assert "allerede lest inn" in body["detail"]
    assert body["current"]["id"] == first.json()["id"]
    assert own_payments().count() == 6
    assert own_invoices().get(number=2).amount_paid == Decimal("10000.00")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param(b"<html/>", "camt.053", id="not-camt"),
        pytest.param(b"%PDF-1.7 kontoutskrift", "ikke gyldig XML", id="pdf"),
    ],
)
def test_a_file_that_is_no_statement_is_400_in_norwegian(sor, sor_member, data, message):
    response = upload(public_api(sor_member), sor.pk, data)

    assert response.status_code == 400
    assert message in response.json()["file"][0]
    assert not own_statements().exists()


def test_another_accounts_statement_is_400(invoices, ks, ks_member):
    response = upload(public_api(ks_member), ks.pk, statement_file())

    assert response.status_code == 400
    assert "ikke selskapets konto" in response.json()["file"][0]


def test_a_file_over_the_limit_is_refused(sor, sor_member, monkeypatch):
    monkeypatch.setattr(camt, "MAX_BYTES", 1000)

    response = upload(public_api(sor_member), sor.pk, statement_file())

    assert response.status_code == 400
    assert response.json()["file"] == ["Filen er for stor (høyst 10 MB)."]


def test_an_empty_upload_is_400(sor, sor_member):
    response = upload(public_api(sor_member), sor.pk, b"")

    assert response.status_code == 400
    assert "file" in response.json()


def test_only_members_and_operators_upload(
    invoices, sor, sor_member, ks_member, leader_a, operator
):
    for outsider in (ks_member, leader_a):
        assert upload(public_api(outsider), sor.pk, statement_file()).status_code == 404
    assert upload(public_api(None), sor.pk, statement_file()).status_code == 401
    assert upload(public_api(sor_member), 2**31 - 1, statement_file()).status_code == 404
    assert not own_statements().exists()

    assert upload(public_api(operator), sor.pk, statement_file()).status_code == 201


# The payments to resolve ------------------------------------------------------------------


@pytest.fixture
def imported(invoices, sor, sor_member) -> BankStatement:
    return bank.import_statement(sor_member, sor, statement_file())


def test_the_list_of_what_to_resolve(imported, sor, sor_member):
    api = public_api(sor_member)

    everything = api.get("/api/payments/")
    open_ = api.get("/api/payments/?match=open")
    unmatched = api.get(f"/api/payments/?match=unmatched&consultancy={sor.pk}")

    assert everything.status_code == 200
    assert len(everything.json()) == 6
    assert sorted(p["match"] for p in open_.json()) == [
        "excess",
        "partial",
        "unmatched",
        "unmatched",
        "unmatched",
    ]
    assert {p["entry_reference"] for p in unmatched.json()} == {
        "20261201-OCR-000001-004",
        "20261201-GIRO-000002",
        "20261201-GIRO-000003",
    }
    assert api.get("/api/payments/?match=ukjent").status_code == 400
    assert api.get("/api/payments/?consultancy=x").status_code == 400


def test_others_see_none_of_the_payments(imported, sor, ks_member, leader_a, nordre_land, operator):
    assert public_api(ks_member).get("/api/payments/").json() == []
    assert public_api(ks_member).get(f"/api/payments/?consultancy={sor.pk}").json() == []
    assert public_api(leader_a).get("/api/payments/").json() == []
    assert public_api(None).get("/api/payments/").status_code == 401
    assert len(public_api(operator).get(f"/api/payments/?consultancy={sor.pk}").json()) == 6
    # and the bank's routes are not on a municipality's host
    assert municipality_api(leader_a, nordre_land).get("/api/payments/").status_code == 404


@pytest.mark.parametrize("extra", [0, 20])
def test_the_list_has_flat_queries(
    extra, imported, sor, sor_member, nordre_land, django_assert_max_num_queries
):
    for index in range(extra):
        make_invoice(sor, nordre_land, 100 + index, "10.00")
        BankPayment.objects.create(
            statement=imported,
            entry_reference=f"X-{index}",
            booked_on=imported.payments.first().booked_on,
            amount=Decimal("10.00"),
            match=PaymentMatch.EXCESS,
            invoice=own_invoices().get(number=100 + index),
        )
    api = public_api(sor_member)

    # Token, user, operator?, the user's accounts, the count, the page (with invoices)
    with django_assert_max_num_queries(9):
        response = api.get("/api/payments/?page_size=100")

    assert len(response.json()) == 6 + extra


def test_a_member_resolves_an_unknown_payment_onto_an_invoice(
    imported, sor, sor_member, nordre_land
):
    invoice = make_invoice(sor, nordre_land, 4, "5000.00")
    payment = own_payments().get(entry_reference="20261201-GIRO-000002")

    response = public_api(sor_member).post(
        f"/api/payments/{payment.pk}/resolve/",
        {"invoice": invoice.pk, "note": "Gran betalte faktura 4 uten KID"},
        format="json",
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["match"], body["invoice"], body["invoice_number"], body["resolved_by"]) == (
        "resolved",
        invoice.pk,
        4,
        "konsulent.sor",
    )
    assert Invoice.objects.get(pk=invoice.pk).status == InvoiceStatus.PAID


def test_resolving_again_is_409_with_the_payment_as_it_is(imported, sor_member):
    payment = own_payments().get(match=PaymentMatch.PARTIAL)
    api = public_api(sor_member)
    first = api.post(
        f"/api/payments/{payment.pk}/resolve/", {"note": "Rest i januar"}, format="json"
    )

    again = api.post(f"/api/payments/{payment.pk}/resolve/", {"note": "Igjen"}, format="json")

    assert first.status_code == 200
    assert again.status_code == 409
    assert again.json()["current"]["note"] == "Rest i januar"


def test_a_resolution_without_note_or_with_anothers_invoice_is_400(
    imported, sor_member, ks, nordre_land
):
    payment = own_payments().get(entry_reference="20261201-GIRO-000002")
    theirs = make_invoice(ks, nordre_land, 4, "5000.00")
    api = public_api(sor_member)

    no_note = api.post(f"/api/payments/{payment.pk}/resolve/", {"note": ""}, format="json")
    other = api.post(
        f"/api/payments/{payment.pk}/resolve/",
        {"invoice": theirs.pk, "note": "KS sin"},
        format="json",
    )

    assert no_note.status_code == 400 and "note" in no_note.json()
    assert other.status_code == 400
    assert other.json()["invoice"] == ["Fant ikke fakturaen blant selskapets fakturaer."]
    assert own_payments().get(pk=payment.pk).match == PaymentMatch.UNMATCHED


def test_anothers_payment_or_a_guessed_id_is_404(imported, ks_member, leader_a, sor_member):
    payment = own_payments().get(entry_reference="20261201-GIRO-000002")
    body = {"note": "Ikke vår"}

    for outsider in (ks_member, leader_a):
        response = public_api(outsider).post(
            f"/api/payments/{payment.pk}/resolve/", body, format="json"
        )
        assert response.status_code == 404
    assert public_api(None).post(f"/api/payments/{payment.pk}/resolve/", body).status_code == 401
    guessed = public_api(sor_member).post("/api/payments/2147483647/resolve/", body, format="json")
    assert guessed.status_code == 404
    assert own_payments().get(pk=payment.pk).match == PaymentMatch.UNMATCHED


def test_the_fuzzers_bank_world_answers_its_examples_and_is_removed(sor, sor_member):
    # Given the fuzz world's bank data for a consultancy
    from tests.billing.world import make_fuzz_bank, remove_fuzz_bank

    examples = make_fuzz_bank(sor_member, sor)
    api = public_api(sor_member)

    # When its examples are sent, they succeed
    [upload_example] = examples["POST /api/bank-statements/"]
    [resolve_example] = examples["POST /api/payments/{pk}/resolve/"]
    uploaded = api.post("/api/bank-statements/", upload_example["body"], format="json")
    resolved = api.post(
        f"/api/payments/{resolve_example['path_parameters']['pk']}/resolve/",
        resolve_example["body"],
        format="json",
    )
    assert (uploaded.status_code, resolved.status_code) == (201, 200)
    assert BankStatement.objects.filter(account=sor.bank_account).count() == 2

    # and removing the world leaves no statement or payment behind
    remove_fuzz_bank(sor.slug)
    assert not BankStatement.objects.filter(account=sor.bank_account).exists()
    assert not BankPayment.objects.filter(statement__account=sor.bank_account).exists()
