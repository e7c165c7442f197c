"""Reading camt.053 statements: the credits a bank's file carries, and files that are not one."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from billing import camt

DATA = Path(__file__).parent / "data"
V02 = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"


def fixture(name: str) -> bytes:
    return (DATA / name).read_bytes()


def wrap(entries: str, *, namespace: str = V02, account: str = "<IBAN>NO9386011117947</IBAN>"):
    return f"""<?xml version="1.0"?>
<Document xmlns="{namespace}"><BkToCstmrStmt>
<GrpHdr><MsgId>M1</MsgId><CreDtTm>2026-12-02T06:00:00</CreDtTm></GrpHdr>
<Stmt><Id>S1</Id><Acct><Id>{account}</Id></Acct>{entries}</Stmt>
</BkToCstmrStmt></Document>""".encode()


def entry(amount: str = "100.00", *, status: str = "BOOK", indicator: str = "CRDT", tx: str = ""):
    details = f"<NtryDtls>{tx}</NtryDtls>" if tx else ""
    return (
        f'<Ntry><Amt Ccy="NOK">{amount}</Amt><CdtDbtInd>{indicator}</CdtDbtInd>'
        f"<Sts>{status}</Sts><BookgDt><Dt>2026-12-01</Dt></BookgDt>"
        f"<AcctSvcrRef>REF-1</AcctSvcrRef>{details}</Ntry>"
    )


def test_a_norwegian_banks_statement_gives_its_booked_credits():
    # Given the fixture: an OCR batch of four KID payments, a transfer without KID, one
    # with an invalid KID, a bank fee (debit) and a pending credit
    # When it is read
    [statement] = camt.parse(fixture("camt053.xml"))

    # Then the ids and the account are the file's
    assert statement.message_id == "CAMT053-20261202-0600-86011117947"
    assert statement.statement_id == "86011117947-2026-12-01"
    assert statement.account == "NO9386011117947"
    # and each booked credit is there, one per transaction of the batch; no debit, nothing pending
    assert [(c.reference, c.amount, c.kid, c.payer) for c in statement.credits] == [
        ("20261201-OCR-000001-001", Decimal("46250.00"), "1700000019", "NORDRE LAND KOMMUNE"),
        ("20261201-OCR-000001-002", Decimal("10000.00"), "1700000027", "UNJARGA/NESSEBY KOMMUNE"),
        ("20261201-OCR-000001-003", Decimal("12600.00"), "1700000035", "NORDRE LAND KOMMUNE"),
        ("20261201-OCR-000001-004", Decimal("25000.00"), "1700009994", "SØR-FRON KOMMUNE"),
        ("20261201-GIRO-000002", Decimal("5000.00"), "", "Gran kommune"),
        ("20261201-GIRO-000003", Decimal("1034.50"), "1234567890", "Ukjent innbetaler"),
    ]
    assert {c.currency for c in statement.credits} == {"NOK"}
    assert {c.booked_on for c in statement.credits} == {datetime.date(2026, 12, 1)}


def test_version_08_nests_status_and_debtor_and_may_name_the_bban():
    [statement] = camt.parse(fixture("camt053_v08.xml"))

    assert statement.account == "86011117947"
    assert [(c.reference, c.amount, c.kid, c.payer, c.booked_on) for c in statement.credits] == [
        (
            "20261203-OCR-000001-001",
            Decimal("46250.00"),
            "1700000019",
            "NORDRE LAND KOMMUNE",
            datetime.date(2026, 12, 3),
        )
    ]


def test_an_entry_without_transactions_is_one_credit_by_its_own_reference():
    [statement] = camt.parse(wrap(entry("250.50")))

    [credit] = statement.credits
    assert (credit.reference, credit.amount, credit.kid) == ("REF-1", Decimal("250.50"), "")


def test_debits_pending_and_reversed_entries_are_not_payments():
    reversed_entry = entry().replace("</Sts>", "</Sts><RvslInd>true</RvslInd>", 1)
    data = wrap(entry(indicator="DBIT") + entry(status="PDNG") + reversed_entry)

    [statement] = camt.parse(data)

    assert statement.credits == ()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param(b"", "tom", id="empty"),
        pytest.param(b"not xml at all", "ikke gyldig XML", id="not-xml"),
        pytest.param(b"<Document><x/></Document>", "camt.053", id="no-namespace"),
        pytest.param(
            wrap("", namespace="urn:iso:std:iso:20022:tech:xsd:camt.054.001.02"),
            "camt.053",
            id="camt054",
        ),
        pytest.param(wrap(entry()).replace(b"<MsgId>M1</MsgId>", b""), "MsgId", id="no-message-id"),
        pytest.param(wrap(entry(), account=""), "kontonummer", id="no-account"),
        pytest.param(wrap(entry("12,50")), "ikke er et tall", id="comma-amount"),
        pytest.param(wrap(entry("-5.00")), "ugyldig beløp", id="negative"),
        pytest.param(wrap(entry("1.005")), "ugyldig beløp", id="fraction-of-ore"),
        pytest.param(wrap(entry("0.00")), "ugyldig beløp", id="zero"),
        pytest.param(
            wrap(entry()).replace(b"<Dt>2026-12-01</Dt>", b"<Dt>1. desember</Dt>"),
            "bokføringsdato",
            id="bad-date",
        ),
        pytest.param(wrap(entry()).replace(b' Ccy="NOK"', b""), "valuta", id="no-currency"),
    ],
)
def test_what_is_not_a_camt053_statement_is_refused_in_norwegian(data, message):
    with pytest.raises(ValidationError) as refused:
        camt.parse(data)

    assert message in " ".join(refused.value.messages)


def test_entities_are_not_expanded():
    # Given a file that declares an external entity (an XXE attempt)
    data = b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>' + wrap(
        entry()
    ).split(b"?>", 1)[1].replace(b"<Id>S1</Id>", b"<Id>&x;</Id>")

    # When it is read, the entity is left unexpanded: the statement has no id at all
    with pytest.raises(ValidationError, match="mangler id"):
        camt.parse(data)


def test_a_transaction_in_a_batch_without_its_own_amount_is_refused():
    tx = "<TxDtls><Refs><AcctSvcrRef>A</AcctSvcrRef></Refs></TxDtls>"

    with pytest.raises(ValidationError, match="mangler beløp"):
        camt.parse(wrap(entry(tx=tx + tx)))
