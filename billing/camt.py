"""Reading a bank's account statement: ISO 20022 camt.053 (versions .001.02 and .001.08).

What Norwegian banks export for an account, day by day. Only what reconciling invoices
needs is read: the message and statement ids (a file is imported once by the two), the
account (IBAN or BBAN) and each booked credit (money in): amount, currency, booking
date, the bank's reference, the KID (structured creditor reference) and the payer's
name. Debits and pending entries are skipped. A bank often books a day's KID payments as
one entry with a transaction per payment ("OCR-innbetalinger"): each transaction is a
credit of its own, with its own amount, reference and KID.

The file is parsed with lxml without entities, DTDs or network access. Anything that is
not a well-formed camt.053 of a known version is a `ValidationError` in Norwegian.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from lxml import etree

NAMESPACES = {
    "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02": "02",
    "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08": "08",
}
MAX_BYTES = 10 * 1024 * 1024
MAX_ID_LENGTH = 100
MAX_KID_LENGTH = 25
MAX_NAME_LENGTH = 200


@dataclass(frozen=True)
class Credit:
    """One payment into the account."""

    reference: str
    amount: Decimal
    currency: str
    booked_on: datetime.date
    kid: str
    payer: str


@dataclass(frozen=True)
class Statement:
    message_id: str
    statement_id: str
    account: str
    credits: tuple[Credit, ...]


def _refuse(message: str) -> ValidationError:
    return ValidationError(message, code="camt")


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=False
    )


class _Reader:
    """XPath in the document's own namespace (`c:`)."""

    def __init__(self, namespace: str) -> None:
        self.ns = {"c": namespace}

    def all(self, node: etree._Element, path: str) -> list[etree._Element]:
        found = node.xpath(path, namespaces=self.ns)
        return [item for item in found if isinstance(item, etree._Element)]

    def first(self, node: etree._Element, *paths: str) -> etree._Element | None:
        for path in paths:
            found = self.all(node, path)
            if found:
                return found[0]
        return None

    def text(self, node: etree._Element, *paths: str) -> str:
        element = self.first(node, *paths)
        if element is None or element.text is None:
            return ""
        return " ".join(element.text.split())


def _amount(element: etree._Element | None, where: str) -> tuple[Decimal, str]:
    if element is None or not (element.text or "").strip():
        raise _refuse(_("%(where)s mangler beløp.") % {"where": where})
    try:
        value = Decimal((element.text or "").strip())
    except InvalidOperation:
        raise _refuse(
            _("%(where)s har et beløp som ikke er et tall: «%(value)s».")
            % {"where": where, "value": element.text}
        ) from None
    if not value.is_finite() or value <= 0 or value != value.quantize(Decimal("0.01")):
        raise _refuse(
            _("%(where)s har et ugyldig beløp: «%(value)s».")
            % {"where": where, "value": element.text}
        )
    if value >= Decimal("1e12"):
        raise _refuse(_("%(where)s har et for stort beløp.") % {"where": where})
    currency = (element.get("Ccy") or "").strip().upper()
    if len(currency) != 3 or not currency.isalpha():
        raise _refuse(_("%(where)s mangler valuta.") % {"where": where})
    return value, currency


def _date(text: str, where: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text[:10])
    except ValueError:
        raise _refuse(
            _("%(where)s har ingen gyldig bokføringsdato («%(value)s»).")
            % {"where": where, "value": text}
        ) from None


def _short(text: str, limit: int) -> str:
    return text[:limit]


def parse(data: bytes) -> list[Statement]:
    """The statements of a camt.053 file (usually one per account), credits only."""
    if len(data) > MAX_BYTES:
        raise _refuse(_("Filen er for stor (høyst 10 MB)."))
    if not data.strip():
        raise _refuse(_("Filen er tom."))
    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError:
        raise _refuse(
            _("Filen er ikke gyldig XML, og kan ikke være en kontoutskrift (camt.053).")
        ) from None
    namespace = etree.QName(root).namespace or ""
    if etree.QName(root).localname != "Document" or namespace not in NAMESPACES:
        raise _refuse(
            _(
                "Filen er ikke en kontoutskrift i formatet ISO 20022 camt.053 "
                "(versjon 001.02 eller 001.08)."
            )
        )
    read = _Reader(namespace)
    message = read.first(root, "c:BkToCstmrStmt")
    if message is None:
        raise _refuse(_("Filen mangler kontoutskriften (BkToCstmrStmt)."))
    message_id = read.text(message, "c:GrpHdr/c:MsgId")
    if not message_id:
        raise _refuse(_("Filen mangler meldingens id (GrpHdr/MsgId)."))
    statements = read.all(message, "c:Stmt")
    if not statements:
        raise _refuse(_("Filen inneholder ingen kontoutskrift (Stmt)."))
    return [_statement(read, node, message_id, index) for index, node in enumerate(statements, 1)]


def _statement(read: _Reader, node: etree._Element, message_id: str, index: int) -> Statement:
    where = _("Kontoutskrift %(n)s") % {"n": index}
    statement_id = read.text(node, "c:Id")
    if not statement_id:
        raise _refuse(_("%(where)s mangler id.") % {"where": where})
    account = read.text(node, "c:Acct/c:Id/c:IBAN", "c:Acct/c:Id/c:Othr/c:Id").replace(" ", "")
    if not account:
        raise _refuse(_("%(where)s mangler kontonummer.") % {"where": where})
    credits: list[Credit] = []
    for number, entry in enumerate(read.all(node, "c:Ntry"), 1):
        credits.extend(_credits(read, entry, _("Post %(n)s") % {"n": number}, number))
    if len(message_id) > MAX_ID_LENGTH or len(statement_id) > MAX_ID_LENGTH or len(account) > 34:
        raise _refuse(_("%(where)s har for lange id-er eller kontonummer.") % {"where": where})
    return Statement(message_id, statement_id, account, tuple(credits))


def _booked(read: _Reader, entry: etree._Element) -> bool:
    # .02: <Sts>BOOK</Sts>; .08: <Sts><Cd>BOOK</Cd></Sts>.
    return (read.text(entry, "c:Sts/c:Cd") or read.text(entry, "c:Sts")) == "BOOK"


def _credits(read: _Reader, entry: etree._Element, where: str, number: int) -> list[Credit]:
    if read.text(entry, "c:CdtDbtInd") != "CRDT" or not _booked(read, entry):
        return []
    if read.text(entry, "c:RvslInd") == "true":
        return []
    entry_amount, entry_currency = _amount(read.first(entry, "c:Amt"), where)
    booked_on = _date(read.text(entry, "c:BookgDt/c:Dt", "c:BookgDt/c:DtTm"), where)
    entry_reference = read.text(entry, "c:AcctSvcrRef", "c:NtryRef") or f"post-{number}"
    transactions = read.all(entry, "c:NtryDtls/c:TxDtls")
    if not transactions:
        return [Credit(_short(entry_reference, MAX_ID_LENGTH), entry_amount, entry_currency,
                       booked_on, "", "")]  # fmt: skip
    credits: list[Credit] = []
    for index, tx in enumerate(transactions, 1):
        tx_where = f"{where}, {_('transaksjon')} {index}"
        if read.text(tx, "c:CdtDbtInd") == "DBIT":
            continue
        amount_node = read.first(tx, "c:AmtDtls/c:TxAmt/c:Amt", "c:Amt")
        if amount_node is None and len(transactions) == 1:
            amount, currency = entry_amount, entry_currency
        else:
            amount, currency = _amount(amount_node, tx_where)
        reference = read.text(tx, "c:Refs/c:AcctSvcrRef") or (
            entry_reference if len(transactions) == 1 else f"{entry_reference}/{index}"
        )
        kid = read.text(
            tx,
            "c:RmtInf/c:Strd/c:CdtrRefInf/c:Ref",
        ).replace(" ", "")
        payer = read.text(
            tx,
            "c:RltdPties/c:Dbtr/c:Nm",  # .02
            "c:RltdPties/c:Dbtr/c:Pty/c:Nm",  # .08
        )
        credits.append(
            Credit(
                reference=_short(reference, MAX_ID_LENGTH),
                amount=amount,
                currency=currency,
                booked_on=booked_on,
                kid=_short(kid, MAX_KID_LENGTH),
                payer=_short(payer, MAX_NAME_LENGTH),
            )
        )
    return credits
