"""The same bank statement imported twice at the same moment, on two connections: one import
books it, the other is refused as a repeat, and the invoice is paid once.

The rows are committed (each thread has its own connection) and removed afterwards. The
threads are released together; the unique (message id, statement id) constraint makes
the second insert wait for the first transaction and then fail, which the service turns
into `StatementAlreadyImported`. Three rounds make an overlap likely.
"""

from __future__ import annotations

import datetime
import threading
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.db import connections

from billing.kid import make_kid
from billing.models import BankPayment, BankStatement, Consultancy, Invoice, InvoiceStatus
from billing.services import bank
from samla.accounts.models import ConsultancyMembership, User
from tenants.db import connection
from tenants.models import Municipality
from tests.billing.db.conftest import make_consultancy, make_user
from tests.billing.world import fuzz_account
from tests.numbers import org_number

ROUNDS = 3
WAIT_SECONDS = 60


@pytest.fixture(autouse=True)
def _public_schema_and_clean_cache(django_db_setup, django_db_blocker) -> Iterator[None]:
    """Replaces the per-test transaction: every connection must see the rows."""
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        yield
        connection.set_schema_to_public()


@pytest.fixture
def seller() -> Iterator[dict[str, Any]]:
    consultancy = make_consultancy(
        "samtidig-bank", "Samtidig Bank", org_number()[:8], kid_prefix="55"
    )
    Consultancy.objects.filter(pk=consultancy.pk).update(bank_account=fuzz_account())
    consultancy.refresh_from_db()
    member = make_user("samtidig.bank")
    ConsultancyMembership.objects.create(user=member, consultancy=consultancy)
    try:
        yield {"consultancy": consultancy, "member": member}
    finally:
        BankStatement.objects.filter(account=consultancy.bank_account).delete()
        Invoice.objects.filter(consultancy=consultancy).delete()
        Consultancy.objects.filter(pk=consultancy.pk).delete()
        User.objects.filter(username="samtidig.bank").delete()


def statement(account: str, round_: int, kid: str) -> bytes:
    return f"""<?xml version="1.0"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>
<GrpHdr><MsgId>SAMTIDIG-{round_}</MsgId></GrpHdr>
<Stmt><Id>S-{round_}</Id><Acct><Id><Othr><Id>{account}</Id></Othr></Id></Acct>
<Ntry><Amt Ccy="NOK">1250.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
<BookgDt><Dt>2026-12-01</Dt></BookgDt><AcctSvcrRef>R-{round_}</AcctSvcrRef>
<NtryDtls><TxDtls><RmtInf><Strd><CdtrRefInf><Ref>{kid}</Ref></CdtrRefInf></Strd></RmtInf>
</TxDtls></NtryDtls></Ntry></Stmt></BkToCstmrStmt></Document>""".encode()


def import_once(
    member: User,
    consultancy: Consultancy,
    data: bytes,
    start: threading.Barrier,
    outcomes: list[str],
) -> None:
    """One import on this thread's own connection, released with the others."""
    try:
        start.wait(timeout=WAIT_SECONDS)
        try:
            bank.import_statement(member, consultancy, data)
            outcomes.append("imported")
        except bank.StatementAlreadyImported:
            outcomes.append("repeat")
    finally:
        connections.close_all()


def test_two_imports_of_one_file_at_once_book_it_once(seller):
    consultancy: Consultancy = seller["consultancy"]
    member: User = seller["member"]
    municipality = Municipality.objects.get(slug="nordre-land")
    for round_ in range(1, ROUNDS + 1):
        # Given an issued invoice and the statement that pays it
        invoice = Invoice.objects.create(
            consultancy=consultancy,
            municipality=municipality,
            status=InvoiceStatus.ISSUED,
            number=round_,
            kid=make_kid(round_, prefix="55"),
            buyer_reference="3150bdn",
            issue_date=datetime.date(2026, 11, 1),
            due_date=datetime.date(2026, 12, 1),
            gross_total=Decimal("1250.00"),
        )
        data = statement(consultancy.bank_account, round_, invoice.kid)
        start = threading.Barrier(2)
        outcomes: list[str] = []

        # When two threads import it at once
        threads = [
            threading.Thread(target=import_once, args=(member, consultancy, data, start, outcomes))
            for _ in range(2)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=WAIT_SECONDS)

        # Then one booked it and the other was told it is a repeat
        assert sorted(outcomes) == ["imported", "repeat"]
        assert BankPayment.objects.filter(invoice=invoice).count() == 1
        paid = Invoice.objects.get(pk=invoice.pk)
        assert (paid.status, paid.amount_paid) == (InvoiceStatus.PAID, Decimal("1250.00"))
