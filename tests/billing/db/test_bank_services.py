"""Payments booked on invoices, a bank's statement imported once, and what a person resolves."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from celery.signals import task_prerun
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.utils import timezone

from billing.kid import make_kid
from billing.models import (
    BankPayment,
    BankStatement,
    Consultancy,
    Invoice,
    InvoiceEvent,
    InvoiceKind,
    InvoiceStatus,
    PaymentMatch,
)
from billing.services import bank
from tenants.models import Municipality
from tests.billing.conftest import ACCOUNT

DATA = Path(__file__).parents[1] / "data"
NOW = timezone.make_aware(datetime.datetime(2026, 12, 1, 12))


def statement_file(name: str = "camt053.xml") -> bytes:
    return (DATA / name).read_bytes()


def make_invoice(
    consultancy: Consultancy,
    municipality: Municipality,
    number: int,
    gross: str,
    *,
    status: str = InvoiceStatus.ISSUED,
    **fields: Any,
) -> Invoice:
    """An issued invoice as the invoices part leaves it: numbered, with its KID and totals."""
    gross_total = Decimal(gross)
    values: dict[str, Any] = {
        "consultancy": consultancy,
        "municipality": municipality,
        "status": status,
        "number": number,
        "kid": make_kid(number, prefix=consultancy.kid_prefix),
        "buyer_reference": "3150bdn",
        "issue_date": datetime.date(2026, 11, 1),
        "due_date": datetime.date(2026, 12, 1),
        "net_total": gross_total,
        "gross_total": gross_total,
        **fields,
    }
    return Invoice.objects.create(**values)


KS_ACCOUNT = "15030000002"


# Committed rows another module may leave behind (the fuzzer's statements, say) are not this
# module's: what the tests count is read on these consultancies' accounts and invoices.
OWN_SLUGS = ("samarbeid-sor", "ks-konsulent")


def own_accounts() -> list[str]:
    return [ACCOUNT, KS_ACCOUNT]


def own_statements() -> QuerySet[BankStatement]:
    return BankStatement.objects.filter(account__in=own_accounts())


def own_payments() -> QuerySet[BankPayment]:
    return BankPayment.objects.filter(statement__account__in=own_accounts())


def own_invoices() -> QuerySet[Invoice]:
    return Invoice.objects.filter(consultancy__slug__in=OWN_SLUGS)


def own_events() -> QuerySet[InvoiceEvent]:
    return InvoiceEvent.objects.filter(invoice__consultancy__slug__in=OWN_SLUGS)


@pytest.fixture(autouse=True)
def _accounts_of_their_own(sor: Consultancy, ks: Consultancy) -> None:
    """The shared fixtures give both consultancies one account (and Samla's own seller, when
    a committed one is there, has it by default); a statement is its consultancy's by the
    account, so Samarbeid Sør keeps the fixture statement's account alone (in this test's
    transaction) and KS-Konsulent gets its own."""
    Consultancy.objects.exclude(pk=sor.pk).filter(bank_account=sor.bank_account).update(
        bank_account=""
    )
    Consultancy.objects.filter(pk=ks.pk).update(bank_account=KS_ACCOUNT)
    ks.bank_account = KS_ACCOUNT


@pytest.fixture
def invoices(sor: Consultancy, nordre_land: Municipality, nesseby: Municipality) -> list[Invoice]:
    """Samarbeid Sør's invoices 1–3, whose KIDs the fixture statement pays (in full, in part,
    too much)."""
    return [
        make_invoice(sor, nordre_land, 1, "46250.00"),
        make_invoice(sor, nesseby, 2, "25000.00"),
        make_invoice(sor, nordre_land, 3, "12500.00", status=InvoiceStatus.OVERDUE),
    ]


# record_payment ---------------------------------------------------------------------------


def test_a_payment_that_covers_the_invoice_pays_it_through_the_transition(invoices):
    invoice = invoices[0]

    paid = bank.record_payment(invoice, Decimal("46250.00"), source="bank:R1", at=NOW)

    assert (paid.status, paid.amount_paid, paid.paid_at) == (
        InvoiceStatus.PAID,
        Decimal("46250.00"),
        NOW,
    )
    event = own_events().get(invoice=invoice)
    assert (event.action, event.from_status, event.to_status, event.source) == (
        "pay",
        InvoiceStatus.ISSUED,
        InvoiceStatus.PAID,
        "bank:R1",
    )
    assert event.detail == {"amount": "46250.00", "amount_paid": "46250.00"}


def test_part_payments_accumulate_and_the_last_one_pays(invoices, sor_member):
    invoice = invoices[1]

    first = bank.record_payment(
        invoice, Decimal("10000.00"), source="manual", at=NOW, actor=sor_member
    )
    assert (first.status, first.amount_paid) == (InvoiceStatus.ISSUED, Decimal("10000.00"))
    second = bank.record_payment(invoice, Decimal("15000.00"), source="bank:R2", at=NOW)

    assert (second.status, second.amount_paid) == (InvoiceStatus.PAID, Decimal("25000.00"))
    events = list(own_events().filter(invoice=invoice).values_list("action", "actor"))
    assert events == [("payment", sor_member.pk), ("pay", None)]


def test_an_overdue_invoice_can_be_paid(invoices):
    paid = bank.record_payment(invoices[2], Decimal("12500.00"), source="bank:R3", at=NOW)

    assert paid.status == InvoiceStatus.PAID


def test_stripe_reporting_an_invoice_already_paid_books_nothing_more(invoices):
    # Given an invoice paid from the bank statement
    invoice = bank.record_payment(invoices[0], Decimal("46250.00"), source="bank:R1", at=NOW)

    # When Stripe's invoice.paid arrives for it (the echo of the out-of-band mark)
    again = bank.record_payment(invoice, Decimal("46250.00"), source="stripe:evt_1", at=NOW)

    # Then nothing is counted twice
    assert again.amount_paid == Decimal("46250.00")
    assert own_events().filter(invoice=invoice).count() == 1


def test_more_money_on_a_paid_invoice_from_the_bank_is_booked_as_paid_too_much(invoices):
    invoice = bank.record_payment(invoices[0], Decimal("46250.00"), source="bank:R1", at=NOW)

    again = bank.record_payment(invoice, Decimal("100.00"), source="bank:R9", at=NOW)

    assert (again.status, again.amount_paid) == (InvoiceStatus.PAID, Decimal("46350.00"))


@pytest.mark.parametrize(
    ("amount", "message"),
    [("0", "større enn null"), ("-5.00", "større enn null"), ("1.005", "brøkdeler av øre")],
)
def test_an_amount_that_is_no_payment_is_refused(invoices, amount, message):
    with pytest.raises(ValidationError, match=message):
        bank.record_payment(invoices[0], Decimal(amount), source="manual", at=NOW)

    assert Invoice.objects.get(pk=invoices[0].pk).amount_paid == 0


def test_a_credited_invoice_and_a_credit_note_cannot_be_paid(sor, nordre_land):
    credited = make_invoice(sor, nordre_land, 7, "100.00", status=InvoiceStatus.CREDITED)
    note = make_invoice(sor, nordre_land, 8, "100.00", kind=InvoiceKind.CREDIT_NOTE)

    with pytest.raises(ValidationError, match="Kreditert"):
        bank.record_payment(credited, Decimal("100.00"), source="manual", at=NOW)
    with pytest.raises(ValidationError, match="kreditnota"):
        bank.record_payment(note, Decimal("100.00"), source="manual", at=NOW)
    assert not own_events().exists()


def test_a_bank_payment_on_a_stripe_invoice_marks_it_paid_there_after_commit(
    invoices, django_capture_on_commit_callbacks
):
    # Given invoices Stripe carries too
    for invoice in invoices:
        Invoice.objects.filter(pk=invoice.pk).update(stripe_invoice_id=f"in_{invoice.number}")

    # When one is paid from the bank, one only in part, one by Stripe itself
    with django_capture_on_commit_callbacks() as callbacks:
        bank.record_payment(invoices[0], Decimal("46250.00"), source="bank:R1", at=NOW)
    with django_capture_on_commit_callbacks() as partly:
        bank.record_payment(invoices[1], Decimal("1.00"), source="bank:R2", at=NOW)
    with django_capture_on_commit_callbacks() as by_stripe:
        bank.record_payment(invoices[2], Decimal("12500.00"), source="stripe:evt_9", at=NOW)

    # Then only the bank's full payment has Stripe told (one callback, after commit)
    assert (len(callbacks), len(partly), len(by_stripe)) == (1, 0, 0)


def test_the_stripe_task_runs_when_the_payment_commits(
    invoices, django_capture_on_commit_callbacks
):
    # Given an invoice Stripe carries, and a record of the tasks that run (eagerly, here)
    Invoice.objects.filter(pk=invoices[0].pk).update(stripe_invoice_id="in_1")
    ran: list[tuple[str, tuple[Any, ...]]] = []

    def record(sender: Any = None, args: Any = (), **_: Any) -> None:
        ran.append((sender.name, tuple(args)))

    task_prerun.connect(record, weak=False)
    try:
        # When the bank's payment commits
        with django_capture_on_commit_callbacks(execute=True):
            bank.record_payment(invoices[0], Decimal("46250.00"), source="bank:R1", at=NOW)
    finally:
        task_prerun.disconnect(record)

    # Then the Stripe part's task was sent for it
    assert ran == [("billing.stripe_mark_paid_out_of_band", (invoices[0].pk,))]


# import_statement -------------------------------------------------------------------------


def payments_by_kid() -> dict[str, tuple[str, int | None]]:
    return {
        p.entry_reference: (p.match, p.invoice.number if p.invoice else None)
        for p in own_payments().select_related("invoice")
    }


def test_a_statement_matches_by_kid_and_lists_what_a_person_must_resolve(invoices, sor, sor_member):
    # When Samarbeid Sør's member imports the day's statement
    statement = bank.import_statement(sor_member, sor, statement_file())

    # Then it is stored once, on the consultancy's account
    assert (statement.message_id, statement.statement_id, statement.account) == (
        "CAMT053-20261202-0600-86011117947",
        "86011117947-2026-12-01",
        sor.bank_account,
    )
    # and each credit is matched by its KID, or left for a person
    assert payments_by_kid() == {
        "20261201-OCR-000001-001": (PaymentMatch.MATCHED, 1),
        "20261201-OCR-000001-002": (PaymentMatch.PARTIAL, 2),
        "20261201-OCR-000001-003": (PaymentMatch.EXCESS, 3),
        "20261201-OCR-000001-004": (PaymentMatch.UNMATCHED, None),
        "20261201-GIRO-000002": (PaymentMatch.UNMATCHED, None),
        "20261201-GIRO-000003": (PaymentMatch.UNMATCHED, None),
    }
    notes = dict(own_payments().values_list("entry_reference", "note"))
    assert notes["20261201-OCR-000001-002"] == "Delbetaling: 15\xa0000,00\xa0kr gjenstår."
    assert notes["20261201-OCR-000001-003"] == "Overbetalt med 100,00\xa0kr."
    assert notes["20261201-OCR-000001-004"] == "Ingen faktura har KID 1700009994."
    assert notes["20261201-GIRO-000002"] == "Innbetalingen har ingen KID."
    assert notes["20261201-GIRO-000003"] == "KID 1234567890 er ikke gyldig."
    # and the invoices are paid, partly paid and paid with an excess
    found = {i.number: (i.status, i.amount_paid) for i in own_invoices()}
    assert found == {
        1: (InvoiceStatus.PAID, Decimal("46250.00")),
        2: (InvoiceStatus.ISSUED, Decimal("10000.00")),
        3: (InvoiceStatus.PAID, Decimal("12600.00")),
    }
    paid = own_invoices().get(number=1)
    assert paid.paid_at is not None and paid.paid_at.date() == datetime.date(2026, 12, 1)
    sources = set(own_events().values_list("source", flat=True))
    assert sources == {f"bank:20261201-OCR-000001-00{n}" for n in (1, 2, 3)}


def test_the_same_file_a_second_time_is_refused_and_nothing_is_counted_twice(
    invoices, sor, sor_member
):
    first = bank.import_statement(sor_member, sor, statement_file())

    with pytest.raises(bank.StatementAlreadyImported) as refused:
        bank.import_statement(sor_member, sor, statement_file())

    assert refused.value.statement == first
    assert "allerede lest inn" in str(refused.value)
    assert own_statements().count() == 1
    assert own_payments().count() == 6
    assert own_invoices().get(number=2).amount_paid == Decimal("10000.00")


def test_version_08_with_the_bban_is_read_the_same_way(invoices, sor, sor_member):
    bank.import_statement(sor_member, sor, statement_file("camt053_v08.xml"))

    assert payments_by_kid() == {"20261203-OCR-000001-001": (PaymentMatch.MATCHED, 1)}
    assert own_invoices().get(number=1).status == InvoiceStatus.PAID


def test_another_consultancys_kid_is_not_matched(sor, ks, sor_member, nordre_land, invoices):
    # Given a KS-Konsulent invoice that (by its own series) carries a KID the file pays
    theirs = make_invoice(ks, nordre_land, 1, "25000.00", kid="1700009994")

    bank.import_statement(sor_member, sor, statement_file())

    # Then Samarbeid Sør's statement leaves it alone
    assert own_payments().get(kid="1700009994").match == PaymentMatch.UNMATCHED
    assert Invoice.objects.get(pk=theirs.pk).amount_paid == 0


def test_a_credited_invoices_kid_is_left_for_a_person(sor, sor_member, nordre_land):
    make_invoice(sor, nordre_land, 1, "46250.00", status=InvoiceStatus.CREDITED)

    bank.import_statement(sor_member, sor, statement_file())

    payment = own_payments().get(kid="1700000019")
    assert (payment.match, payment.invoice) == (PaymentMatch.UNMATCHED, None)
    assert "Kreditert" in payment.note


def test_a_statement_of_another_account_is_refused(invoices, sor, sor_member):
    Consultancy.objects.filter(pk=sor.pk).update(bank_account="15030000010")
    sor.refresh_from_db()

    with pytest.raises(ValidationError) as refused:
        bank.import_statement(sor_member, sor, statement_file())

    assert refused.value.message_dict["file"] == [
        "Filen gjelder konto NO9386011117947, ikke selskapets konto 15030000010."
    ]
    assert not own_statements().exists()


def test_a_file_that_is_no_statement_is_refused_by_field(sor, sor_member):
    with pytest.raises(ValidationError) as refused:
        bank.import_statement(sor_member, sor, b"<html>kontoutskrift</html>")

    assert "camt.053" in refused.value.message_dict["file"][0]
    assert not own_statements().exists()


def test_only_the_consultancys_members_and_operators_import(
    invoices, sor, ks_member, leader_a, operator
):
    for outsider in (ks_member, leader_a):
        with pytest.raises(PermissionDenied):
            bank.import_statement(outsider, sor, statement_file())
    assert not own_statements().exists()

    statement = bank.import_statement(operator, sor, statement_file())

    assert statement.imported_by == operator


def test_a_statement_is_the_importing_consultancys_even_on_a_shared_account(
    invoices, sor, ks, sor_member, ks_member
):
    # Given two consultancies on one account (a shared company account, say)
    Consultancy.objects.filter(pk=ks.pk).update(bank_account=sor.bank_account)
    ks.refresh_from_db()

    # When each imports the same file
    theirs = bank.import_statement(sor_member, sor, statement_file())
    other = bank.import_statement(ks_member, ks, statement_file())

    # Then each has its own statement, and KIDs match only the importer's invoices
    assert (theirs.consultancy, other.consultancy) == (sor, ks)
    assert (
        bank.payments_of(Consultancy.objects.filter(pk=sor.pk))
        .filter(invoice__isnull=False)
        .exists()
    )
    assert (
        not bank.payments_of(Consultancy.objects.filter(pk=ks.pk))
        .filter(invoice__isnull=False)
        .exists()
    )


def test_a_failure_midway_writes_nothing(invoices, sor, sor_member, monkeypatch):
    # Given booking the third payment fails
    real = bank.record_payment
    calls = []

    def failing(*args, **kwargs):
        calls.append(args)
        if len(calls) == 3:
            raise RuntimeError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(bank, "record_payment", failing)

    with pytest.raises(RuntimeError):
        bank.import_statement(sor_member, sor, statement_file())

    # Then the statement, its payments and the two first bookings are all rolled back
    assert not own_statements().exists()
    assert not own_payments().exists()
    assert set(own_invoices().values_list("amount_paid", flat=True)) == {Decimal(0)}


# resolve_payment --------------------------------------------------------------------------


@pytest.fixture
def imported(invoices, sor, sor_member) -> BankStatement:
    return bank.import_statement(sor_member, sor, statement_file())


def test_an_unmatched_payment_is_booked_on_the_invoice_a_person_names(
    imported, sor, sor_member, nordre_land
):
    invoice = make_invoice(sor, nordre_land, 4, "5000.00")
    payment = own_payments().get(entry_reference="20261201-GIRO-000002")

    resolved = bank.resolve_payment(sor_member, payment, invoice, "Gran betalte faktura 4 uten KID")

    assert (resolved.match, resolved.invoice, resolved.resolved_by) == (
        PaymentMatch.RESOLVED,
        invoice,
        sor_member,
    )
    assert resolved.note == "Gran betalte faktura 4 uten KID"
    invoice.refresh_from_db()
    assert (invoice.status, invoice.amount_paid) == (InvoiceStatus.PAID, Decimal("5000.00"))
    assert own_events().get(invoice=invoice).actor == sor_member


def test_a_partial_payment_is_acknowledged_on_its_own_invoice(imported, sor_member):
    payment = own_payments().get(match=PaymentMatch.PARTIAL)

    resolved = bank.resolve_payment(sor_member, payment, None, "Resten kommer i januar")

    assert resolved.match == PaymentMatch.RESOLVED
    assert own_invoices().get(number=2).amount_paid == Decimal("10000.00")


def test_resolving_twice_or_onto_another_invoice_is_refused(imported, sor_member, invoices):
    partial = own_payments().get(match=PaymentMatch.PARTIAL)
    with pytest.raises(ValidationError, match="annen faktura"):
        bank.resolve_payment(sor_member, partial, invoices[0], "Feil faktura")

    matched = own_payments().get(match=PaymentMatch.MATCHED)
    with pytest.raises(bank.PaymentAlreadyResolved):
        bank.resolve_payment(sor_member, matched, None, "Ferdig")


def test_a_resolution_needs_a_note_and_the_consultancys_own_invoice(
    imported, sor_member, ks, nordre_land
):
    payment = own_payments().get(entry_reference="20261201-GIRO-000002")
    theirs = make_invoice(ks, nordre_land, 4, "5000.00")

    with pytest.raises(ValidationError) as empty:
        bank.resolve_payment(sor_member, payment, None, "  ")
    with pytest.raises(ValidationError, match="ikke selskapets"):
        bank.resolve_payment(sor_member, payment, theirs, "KS sin faktura")

    assert "note" in empty.value.message_dict
    assert own_payments().get(pk=payment.pk).match == PaymentMatch.UNMATCHED
    assert Invoice.objects.get(pk=theirs.pk).amount_paid == 0


def test_another_consultancys_member_cannot_resolve(imported, ks_member):
    payment = own_payments().get(entry_reference="20261201-GIRO-000002")

    with pytest.raises(PermissionDenied):
        bank.resolve_payment(ks_member, payment, None, "Ikke vår")


def two_statements(first_account: str, second_account: str) -> bytes:
    """One file with a statement for each account, each paying invoice 1's KID in full."""

    def stmt(number: int, account: str) -> str:
        return (
            f"<Stmt><Id>S{number}</Id><Acct><Id><Othr><Id>{account}</Id></Othr></Id></Acct>"
            f'<Ntry><Amt Ccy="NOK">46250.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>'
            f"<BookgDt><Dt>2026-12-01</Dt></BookgDt><AcctSvcrRef>R{number}</AcctSvcrRef>"
            "<NtryDtls><TxDtls><RmtInf><Strd><CdtrRefInf><Ref>1700000019</Ref></CdtrRefInf>"
            "</Strd></RmtInf></TxDtls></NtryDtls></Ntry></Stmt>"
        )

    return (
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>'
        "<GrpHdr><MsgId>M-TWO</MsgId></GrpHdr>"
        f"{stmt(1, first_account)}{stmt(2, second_account)}</BkToCstmrStmt></Document>"
    ).encode()


def test_of_a_file_with_several_accounts_only_the_consultancys_statement_is_read(
    invoices, sor, sor_member
):
    statement = bank.import_statement(
        sor_member, sor, two_statements(KS_ACCOUNT, "NO9386011117947")
    )

    assert statement.statement_id == "S2"
    assert list(own_payments().values_list("entry_reference", "match")) == [
        ("R2", PaymentMatch.MATCHED)
    ]


def test_a_file_with_two_statements_of_the_one_account_is_refused(invoices, sor, sor_member):
    with pytest.raises(ValidationError, match="én om gangen"):
        bank.import_statement(sor_member, sor, two_statements(sor.bank_account, sor.bank_account))

    assert not own_statements().exists()


def test_a_second_payment_of_an_invoice_in_the_same_statement_is_an_excess(
    invoices, sor, sor_member
):
    # Given a statement that pays invoice 1 in full twice (two entries)
    data = (
        statement_file()
        .replace(b"1700000027", b"1700000019")
        .replace(b'<Amt Ccy="NOK">10000.00</Amt>', b'<Amt Ccy="NOK">46250.00</Amt>')
    )

    bank.import_statement(sor_member, sor, data)

    # Then the first pays it and the second is listed as paid too much
    first, second = own_payments().filter(kid="1700000019").order_by("id")
    assert (first.match, second.match) == (PaymentMatch.MATCHED, PaymentMatch.EXCESS)
    assert second.note == "Faktura 1 var allerede betalt."
    assert own_invoices().get(number=1).amount_paid == Decimal("92500.00")
