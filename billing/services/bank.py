"""Payments: booking them on invoices, importing a bank's statement, and what a person resolves.

`record_payment` is the one place a payment is booked, whoever saw it (the bank statement,
Stripe's `invoice.paid`, a person): the invoice's `amount_paid` grows, and once it covers
the gross total the invoice is paid through the transition "pay". A payment Samla saw
outside Stripe, on an invoice Stripe also carries, is then marked paid out of band there
(after commit, by the Stripe helper's task), so the two records agree.

`import_statement` reads a consultancy's camt.053 file (`billing.camt`) once per message
and statement id, in one transaction: each credit with the KID of one of the
consultancy's open invoices is booked (the exact remainder: matched; less: partial, the
invoice stays open; more: excess, the invoice paid and the excess listed), anything else
(no KID, an unknown or invalid one, another currency, a credited invoice) is left
unmatched for a person, who resolves it with `resolve_payment`.

A statement belongs to the consultancy that imported it (`BankStatement.consultancy`); the
file must be of that consultancy's account.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.exceptions import ValidationError as NumberError
from stdnum.no import kontonr

from billing import access, camt, money
from billing.kid import validate_kid
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
from billing.services import licences
from billing.services.transitions import transition_invoice
from networks.access import User
from samla.formats import format_kroner
from samla.textrules import contains_control_characters

# A payment whose source starts with this came from Stripe (its `invoice.paid`).
STRIPE_SOURCE = "stripe"
PAYABLE = (InvoiceStatus.ISSUED, InvoiceStatus.OVERDUE)
OPEN_MATCHES = (PaymentMatch.PARTIAL, PaymentMatch.EXCESS, PaymentMatch.UNMATCHED)
NOTE_LIMIT = 500


class StatementAlreadyImported(Exception):
    """The file's message and statement were imported before (409); nothing is booked."""

    def __init__(self, statement: BankStatement) -> None:
        self.statement = statement
        super().__init__(
            _("Kontoutskriften %(statement)s er allerede lest inn (%(when)s).")
            % {
                "statement": statement.statement_id,
                "when": timezone.localtime(statement.imported_at).strftime("%d.%m.%Y %H:%M"),
            }
        )


class PaymentAlreadyResolved(Exception):
    """The payment is matched or resolved already (409)."""

    def __init__(self, payment: BankPayment) -> None:
        self.payment = payment
        super().__init__(_("Innbetalingen er allerede avstemt."))


def require_seller(user: User, consultancy: Consultancy) -> None:
    """Only the consultancy's members and operators read its statements and payments."""
    if not access.is_seller(user, consultancy):
        raise PermissionDenied(
            _("Bare konsulentselskapets medlemmer og driftsoperatører avstemmer innbetalinger.")
        )


def _is_stripe(source: str) -> bool:
    return source == STRIPE_SOURCE or source.startswith(f"{STRIPE_SOURCE}:")


def record_payment(
    invoice: Invoice,
    amount: Decimal,
    *,
    source: str,
    at: datetime.datetime,
    actor: User | None = None,
) -> Invoice:
    """Book `amount` on the invoice; the saved invoice (paid once the payments cover it).

    `source` names what saw the payment: "bank:<entry reference>", "stripe:<event id>",
    "manual". Stripe reporting an invoice paid that is already paid here is the echo of
    Samla's own out-of-band mark (or a replay): nothing more is booked. A payment on a
    draft, a credited invoice or a credit note is refused.
    """
    paid = money.amount(amount)
    if paid <= 0:
        raise ValidationError(
            {"amount": _("Innbetalingen må være større enn null.")}, code="payment_amount"
        )
    with transaction.atomic():
        locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if locked.kind != InvoiceKind.INVOICE:
            raise ValidationError(
                {"invoice": _("En kreditnota kan ikke betales.")}, code="payment_credit_note"
            )
        if _is_stripe(source) and locked.status == InvoiceStatus.PAID:
            return locked
        if locked.status not in (*PAYABLE, InvoiceStatus.PAID):
            raise ValidationError(
                {
                    "invoice": _("Faktura %(number)s har status «%(status)s» og kan ikke betales.")
                    % {"number": locked.number or "–", "status": locked.get_status_display()}
                },
                code="payment_status",
            )
        total_paid = locked.amount_paid + paid
        detail = {"amount": f"{paid:.2f}", "amount_paid": f"{total_paid:.2f}"}
        if locked.status in PAYABLE and total_paid >= locked.gross_total:
            locked = transition_invoice(
                locked,
                "pay",
                actor=actor,
                source=source,
                detail=detail,
                fields={"amount_paid": total_paid, "paid_at": at},
            )
            if not _is_stripe(source) and locked.stripe_invoice_id:
                transaction.on_commit(_mark_paid_in_stripe(locked.pk))
            if locked.licence_id is not None:
                # A paid licence is active at once (a lapsed one back to read and write).
                licences.refresh_licences(timezone.localdate(), only=locked.licence_id)
            return locked
        # Part of what is owed, or more on an invoice already paid: booked, the state stays.
        locked.amount_paid = total_paid
        locked.version += 1
        locked.save(update_fields=["amount_paid", "version"])
        InvoiceEvent.objects.create(
            invoice=locked,
            action="payment",
            from_status=locked.status,
            to_status=locked.status,
            actor_id=actor.pk if actor is not None and actor.is_authenticated else None,
            source=source,
            at=at,
            detail=detail,
        )
        return locked


def _mark_paid_in_stripe(invoice_id: int) -> Callable[[], None]:
    def send() -> None:
        # Imported here: the Stripe part's events book payments through this module.
        from billing.tasks.stripe_sync import mark_paid_out_of_band

        mark_paid_out_of_band.delay(invoice_id)

    return send


# Statements ---------------------------------------------------------------------------------


def _bban(account: str) -> str:
    """A Norwegian account as its 11 digits (from an IBAN "NOkk…" too); others as given."""
    compact = account.replace(" ", "").replace(".", "").upper()
    if compact.startswith("NO") and len(compact) == 15:
        compact = compact[4:]
    try:
        return str(kontonr.compact(compact))
    except NumberError:
        return compact


def payments_of(consultancies: QuerySet[Consultancy]) -> QuerySet[BankPayment]:
    """The payments on these consultancies' statements."""
    return BankPayment.objects.filter(statement__consultancy__in=consultancies)


def import_statement(user: User, consultancy: Consultancy, data: bytes) -> BankStatement:
    """Read the consultancy's camt.053 file and book its credits (see the module's text)."""
    require_seller(user, consultancy)
    if not consultancy.bank_account:
        raise ValidationError(
            {"file": _("Selskapet har ikke registrert noe kontonummer.")}, code="no_account"
        )
    try:
        statements = camt.parse(data)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}, code="camt") from None
    own = _bban(consultancy.bank_account)
    mine = [s for s in statements if _bban(s.account) == own]
    if len(mine) != 1:
        others = ", ".join(sorted({s.account for s in statements})) or "–"
        message = (
            _("Filen gjelder konto %(accounts)s, ikke selskapets konto %(own)s.")
            if not mine
            else _("Filen har flere kontoutskrifter for konto %(own)s; last opp én om gangen.")
        )
        raise ValidationError(
            {"file": message % {"accounts": others, "own": consultancy.bank_account}},
            code="wrong_account",
        )
    parsed = mine[0]
    with transaction.atomic():
        existing = BankStatement.objects.filter(
            consultancy=consultancy,
            message_id=parsed.message_id,
            statement_id=parsed.statement_id,
        ).first()
        if existing is not None:
            raise StatementAlreadyImported(existing)
        try:
            with transaction.atomic():
                statement = BankStatement.objects.create(
                    consultancy=consultancy,
                    message_id=parsed.message_id,
                    statement_id=parsed.statement_id,
                    account=consultancy.bank_account,
                    imported_by_id=user.pk if user.is_authenticated else None,
                )
        except IntegrityError:
            # Imported by someone else a moment ago (the unique constraint waited for them).
            raise StatementAlreadyImported(
                BankStatement.objects.get(
                    consultancy=consultancy,
                    message_id=parsed.message_id,
                    statement_id=parsed.statement_id,
                )
            ) from None
        seen: set[str] = set()
        for credit in parsed.credits:
            reference = credit.reference
            suffix = 1
            while reference in seen:
                suffix += 1
                reference = f"{credit.reference[:90]}#{suffix}"
            seen.add(reference)
            _book(statement, consultancy, credit, reference, user)
    return statement


def _book(
    statement: BankStatement,
    consultancy: Consultancy,
    credit: camt.Credit,
    reference: str,
    user: User,
) -> BankPayment:
    payment = BankPayment(
        statement=statement,
        entry_reference=reference,
        booked_on=credit.booked_on,
        amount=credit.amount,
        kid=credit.kid,
        payer=credit.payer,
        match=PaymentMatch.UNMATCHED,
    )
    invoice, problem = _invoice_for(consultancy, credit)
    if invoice is None:
        payment.note = problem
        payment.save()
        return payment
    remaining = invoice.gross_total - invoice.amount_paid
    if invoice.status == InvoiceStatus.PAID:
        payment.match = PaymentMatch.EXCESS
        payment.note = _("Faktura %(number)s var allerede betalt.") % {"number": invoice.number}
    elif credit.amount == remaining:
        payment.match = PaymentMatch.MATCHED
    elif credit.amount < remaining:
        payment.match = PaymentMatch.PARTIAL
        payment.note = _("Delbetaling: %(left)s gjenstår.") % {
            "left": format_kroner(remaining - credit.amount)
        }
    else:
        payment.match = PaymentMatch.EXCESS
        payment.note = _("Overbetalt med %(excess)s.") % {
            "excess": format_kroner(credit.amount - remaining)
        }
    payment.invoice = invoice
    payment.save()
    at = timezone.make_aware(datetime.datetime.combine(credit.booked_on, datetime.time(12)))
    record_payment(invoice, credit.amount, source=f"bank:{reference}", at=at, actor=user)
    return payment


def _invoice_for(consultancy: Consultancy, credit: camt.Credit) -> tuple[Invoice | None, str]:
    """The consultancy's invoice the credit pays (locked), or why there is none."""
    if credit.currency != "NOK":
        return None, _("Beløpet er i %(currency)s, ikke NOK.") % {"currency": credit.currency}
    if not credit.kid:
        return None, _("Innbetalingen har ingen KID.")
    try:
        validate_kid(credit.kid)
    except ValidationError:
        return None, _("KID %(kid)s er ikke gyldig.") % {"kid": credit.kid}
    invoice = (
        Invoice.objects.select_for_update().filter(consultancy=consultancy, kid=credit.kid).first()
    )
    if invoice is None:
        return None, _("Ingen faktura har KID %(kid)s.") % {"kid": credit.kid}
    if invoice.kind != InvoiceKind.INVOICE or invoice.status not in (
        *PAYABLE,
        InvoiceStatus.PAID,
    ):
        return None, _("KID %(kid)s tilhører %(invoice)s, som har status «%(status)s».") % {
            "kid": credit.kid,
            "invoice": str(invoice),
            "status": invoice.get_status_display(),
        }
    return invoice, ""


# A person resolves -----------------------------------------------------------------------


def consultancy_of(payment: BankPayment) -> Consultancy | None:
    """The consultancy whose statement the payment is on."""
    return payment.statement.consultancy


def resolve_payment(
    user: User, payment: BankPayment, invoice: Invoice | None, note: str
) -> BankPayment:
    """A person settles a payment the import could not: an unmatched one is booked on the
    invoice named (or on none: refunded, not an invoice payment, …); a partial or excess
    one is acknowledged on its own invoice. The note says what was done."""
    consultancy = consultancy_of(payment)
    if consultancy is None:
        raise ValidationError(_("Fant ikke selskapet som eier kontoen."), code="no_consultancy")
    require_seller(user, consultancy)
    text = note.strip() if isinstance(note, str) else ""
    if not text:
        raise ValidationError({"note": _("Skriv hva som er gjort med innbetalingen.")})
    if len(text) > NOTE_LIMIT or contains_control_characters(text):
        raise ValidationError(
            {"note": _("Notatet kan være høyst %(limit)s tegn, uten kontrolltegn.")
             % {"limit": NOTE_LIMIT}}
        )  # fmt: skip
    with transaction.atomic():
        locked = BankPayment.objects.select_for_update().get(pk=payment.pk)
        if locked.match not in OPEN_MATCHES:
            raise PaymentAlreadyResolved(locked)
        if invoice is not None:
            if invoice.consultancy_id != consultancy.pk:
                raise ValidationError({"invoice": _("Fakturaen er ikke selskapets.")})
            if locked.match == PaymentMatch.UNMATCHED:
                at = timezone.now()
                record_payment(
                    invoice, locked.amount, source=f"bank:{locked.entry_reference}", at=at,
                    actor=user,
                )  # fmt: skip
                locked.invoice = invoice
            elif invoice.pk != locked.invoice_id:
                raise ValidationError(
                    {
                        "invoice": _(
                            "Innbetalingen er alt ført på en annen faktura; la fakturafeltet "
                            "stå tomt eller velg den samme."
                        )
                    }
                )
        locked.match = PaymentMatch.RESOLVED
        locked.resolved_by_id = user.pk if user.is_authenticated else None
        locked.resolved_at = timezone.now()
        locked.note = text
        locked.save(update_fields=["match", "invoice", "resolved_by", "resolved_at", "note"])
    return locked


def open_payments(payments: QuerySet[BankPayment], match: str | None) -> QuerySet[BankPayment]:
    """Filter by `match`: one of PaymentMatch, or "open" (partial, excess, unmatched)."""
    if match == "open":
        return payments.filter(Q(match__in=OPEN_MATCHES))
    if match:
        return payments.filter(match=match)
    return payments
