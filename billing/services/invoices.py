"""Invoicing orders: invoices and credit notes, their numbers, KIDs and EHF documents.

Plain functions taking the acting user (or None, for a task), one transaction each. Who
may invoice or credit is checked by the caller (the API: the seller or an operator;
`billing.services.orders` when an order is confirmed or cancelled).

- `invoice_up_front(order, actor)`: every line of an up-front order, invoiced at once.
- `invoice_deliveries(order, month, actor)`: the lines delivered in a month (any day of
  it names it) and not yet on an invoice, or None when there are none.
  A line is invoiced once: it counts as invoiced while it is on an invoice that has not
  been credited; crediting that invoice frees it to be invoiced again. The order's row is
  locked while its lines are picked, so two runs at once make one invoice.
- `issue_invoice(invoice, actor)`: a draft becomes an issued invoice. Its number is the
  next of the seller's `InvoiceSeries`, taken under a row lock in the issuing
  transaction: invoices and credit notes share one unbroken series per seller, and a
  failed issue rolls the number back with everything else, so there is no gap. The KID
  is the seller's KID prefix and the number (`billing.kid.make_kid`), the totals are
  EN 16931's (`billing.money`), the platform fee is the seller's percentage of the net
  total (rounded half up to the øre), due in 30 days, and the EHF document is frozen.
  After commit, `billing.tasks.invoicing.deliver_invoice` pushes it to Stripe when
  Stripe is set up (`billing.tasks.stripe_sync`) and sends the EHF document
  (`billing.tasks.sending.send_invoice`).
- `credit_invoice(invoice, actor, reason)`: an issued credit note for all of it; the
  invoice becomes "credited". `credit_open_invoices(order, actor)`: the order's issued,
  unpaid invoices credited (when an order is cancelled).
- `mark_overdue(today)`: issued invoices past their due date fall due.

Every change of state goes through `billing.services.transitions.transition_invoice`.
"""

from __future__ import annotations

import calendar
import datetime
import logging
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from billing import money
from billing.kid import make_kid
from billing.kinds import vat_category
from billing.models import (
    BillingMode,
    Consultancy,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceSeries,
    InvoiceStatus,
    Order,
    OrderLine,
    OrderStatus,
)
from billing.services import ehf_documents
from billing.services.transitions import TransitionRefused, transition_invoice
from billing.states import INVOICE_ACTIONS
from networks.access import User

logger = logging.getLogger(__name__)

PAYMENT_DAYS = 30
# An order is invoiced once it binds both sides, and while it runs or after it is done.
INVOICEABLE_ORDER = (OrderStatus.CONFIRMED, OrderStatus.IN_DELIVERY, OrderStatus.COMPLETED)
OPEN = (InvoiceStatus.ISSUED, InvoiceStatus.OVERDUE)
KID_PREFIX_LOCK = "billing.kid_prefix"
MAX_KID_PREFIX = 999_999


class NotCreditable(Exception):
    """The invoice cannot be credited: a credit note, a draft or already credited (409)."""

    def __init__(self, invoice: Invoice, message: str) -> None:
        self.invoice = invoice
        super().__init__(message)


def first_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def last_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def uninvoiced_lines(order: Order | int) -> QuerySet[OrderLine]:
    """The order's lines that are on no invoice that still stands (not credited)."""
    order_id = order if isinstance(order, int) else order.pk
    standing = (
        InvoiceLine.objects.filter(invoice__kind=InvoiceKind.INVOICE, order_line__order_id=order_id)
        .exclude(invoice__status=InvoiceStatus.CREDITED)
        .values("order_line_id")
    )
    return OrderLine.objects.filter(order_id=order_id).exclude(pk__in=standing)


def platform_fee(consultancy: Consultancy, net_total: Decimal) -> Decimal:
    """The seller's percentage of the net total, rounded half up to the øre (Samla's own
    licences carry none)."""
    if consultancy.is_platform:
        return Decimal("0.00")
    fee = net_total * consultancy.fee_percent / money.HUNDRED
    return fee.quantize(money.CENT, rounding=ROUND_HALF_UP)


def _totals(consultancy: Consultancy, lines: Iterable[InvoiceLine]) -> money.Totals:
    return money.compute_totals(
        (vat_category(line.vat, vat_registered=consultancy.vat_registered), line.net_amount)
        for line in lines
    )


def _locked_order(order: Order) -> Order:
    locked = (
        Order.objects.select_for_update(of=("self",)).select_related("consultancy").get(pk=order.pk)
    )
    if locked.status not in INVOICEABLE_ORDER:
        raise ValidationError(
            _("En bestilling med status «%(status)s» kan ikke faktureres.")
            % {"status": locked.get_status_display()},
            code="order_status",
        )
    return locked


def draft_invoice(
    order: Order,
    lines: list[OrderLine],
    *,
    period: tuple[datetime.date, datetime.date],
) -> Invoice:
    """A draft invoice of the order's `lines` for `period` (issued by `issue_invoice`)."""
    invoice = Invoice.objects.create(
        consultancy=order.consultancy,
        municipality_id=order.municipality_id,
        order=order,
        kind=InvoiceKind.INVOICE,
        buyer_reference=order.buyer_reference,
        period_start=period[0],
        period_end=period[1],
    )
    rows = InvoiceLine.objects.bulk_create(
        InvoiceLine(
            invoice=invoice,
            order_line=line,
            position=position,
            kind=line.kind,
            name=line.name,
            quantity=line.quantity,
            unit=line.unit,
            unit_price=line.unit_price,
            vat=line.vat,
            net_amount=money.line_net(line.quantity, line.unit_price),
        )
        for position, line in enumerate(lines, start=1)
    )
    _set_totals(invoice, rows)
    invoice.save(update_fields=["net_total", "vat_total", "gross_total", "platform_fee"])
    return invoice


def _set_totals(invoice: Invoice, lines: list[InvoiceLine]) -> None:
    totals = _totals(invoice.consultancy, lines)
    invoice.net_total = totals.tax_exclusive
    invoice.vat_total = totals.vat_total
    invoice.gross_total = totals.tax_inclusive
    invoice.platform_fee = platform_fee(invoice.consultancy, totals.tax_exclusive)


def invoice_up_front(order: Order, actor: User | None) -> Invoice:
    """Invoice every line of an up-front order not yet invoiced; the issued invoice."""
    with transaction.atomic():
        locked = _locked_order(order)
        if locked.billing_mode != BillingMode.UP_FRONT:
            raise ValidationError(
                _("Bestillingen faktureres etter levering, ikke på forskudd."),
                code="billing_mode",
            )
        lines = list(uninvoiced_lines(locked).order_by("position", "id"))
        if not lines:
            raise ValidationError(
                _("Alle linjene i bestillingen er allerede fakturert."), code="nothing_to_invoice"
            )
        draft = draft_invoice(locked, lines, period=(locked.start_date, locked.end_date))
        return issue_invoice(draft, actor)


def invoice_deliveries(order: Order, month: datetime.date, actor: User | None) -> Invoice | None:
    """Invoice the order's lines delivered in `month` and not yet invoiced; the issued
    invoice, or None when there is nothing to invoice for that month."""
    start, end = first_of_month(month), last_of_month(month)
    if start > timezone.localdate():
        raise ValidationError(
            {"month": _("Måneden %(month)s har ikke begynt.") % {"month": start.strftime("%m.%Y")}}
        )
    with transaction.atomic():
        locked = _locked_order(order)
        lines = list(
            uninvoiced_lines(locked)
            .filter(delivered_on__gte=start, delivered_on__lte=end)
            .order_by("delivered_on", "position", "id")
        )
        if not lines:
            return None
        draft = draft_invoice(locked, lines, period=(start, end))
        return issue_invoice(draft, actor)


def _series(consultancy: Consultancy) -> InvoiceSeries:
    """The seller's series, locked until the end of the transaction (made when missing;
    two first invoices at once make it once)."""
    InvoiceSeries.objects.bulk_create(
        [InvoiceSeries(consultancy=consultancy)], ignore_conflicts=True
    )
    return InvoiceSeries.objects.select_for_update().get(consultancy=consultancy)


def _kid_prefix(consultancy: Consultancy) -> str:
    """The seller's KID prefix; one is given (the first free number from its id) to a
    seller without one, so no two sellers' KIDs can be the same."""
    if consultancy.kid_prefix:
        return consultancy.kid_prefix
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [KID_PREFIX_LOCK])
    current = Consultancy.objects.filter(pk=consultancy.pk).values_list("kid_prefix", flat=True)
    prefix = current.get()
    if not prefix:
        taken = set(Consultancy.objects.exclude(kid_prefix="").values_list("kid_prefix", flat=True))
        candidate = consultancy.pk
        while str(candidate) in taken and candidate < MAX_KID_PREFIX:
            candidate += 1
        prefix = str(candidate)
        Consultancy.objects.filter(pk=consultancy.pk).update(kid_prefix=prefix)
    consultancy.kid_prefix = prefix
    return prefix


def issue_invoice(invoice: Invoice, actor: User | None) -> Invoice:
    """Number, date, total and freeze a draft invoice or credit note; the issued one.

    A refusal (not a draft, a seller without an account number, …) writes nothing and
    takes no number."""
    with transaction.atomic():
        locked = (
            Invoice.objects.select_for_update(of=("self",))
            .select_related("consultancy", "municipality", "order", "licence", "credited_invoice")
            .get(pk=invoice.pk)
        )
        if locked.status != InvoiceStatus.DRAFT:
            raise TransitionRefused(locked, INVOICE_ACTIONS["issue"])
        consultancy = locked.consultancy
        ehf_documents.check_seller(consultancy)
        lines = list(locked.lines.select_related("order_line").order_by("position", "id"))
        if not lines:
            raise ValidationError(_("En faktura må ha minst én linje."), code="no_lines")
        series = _series(consultancy)
        number = series.next_number
        series.next_number = number + 1
        series.save(update_fields=["next_number"])
        today = timezone.localdate()
        credit = locked.kind == InvoiceKind.CREDIT_NOTE
        locked.number = number
        locked.issue_date = today
        locked.due_date = None if credit else today + datetime.timedelta(days=PAYMENT_DAYS)
        locked.kid = "" if credit else make_kid(number, prefix=_kid_prefix(consultancy))
        _set_totals(locked, lines)
        fields = {
            "number": number,
            "issue_date": locked.issue_date,
            "due_date": locked.due_date,
            "kid": locked.kid,
            "net_total": locked.net_total,
            "vat_total": locked.vat_total,
            "gross_total": locked.gross_total,
            "platform_fee": locked.platform_fee,
            "ehf_xml": ehf_documents.freeze(locked, lines),
            "issued_at": timezone.now(),
        }
        issued = transition_invoice(
            locked, "issue", actor=actor, detail={"number": number}, fields=fields
        )
        transaction.on_commit(lambda: _after_issue(issued.pk))
    return issued


def _after_issue(invoice_id: int) -> None:
    """Into Stripe when it is set up, then the EHF document sent: one task, in that order,
    so that the document's payment note carries the hosted invoice link."""
    from billing.tasks.invoicing import deliver_invoice

    try:
        deliver_invoice.delay(invoice_id)
    except Exception:
        # Without a broker the task runs here, after the commit: the invoice stands, and
        # its sending is kept (send state, retries) by the sending task.
        logger.exception("invoice %s issued, its delivery failed", invoice_id)


def credit_invoice(invoice: Invoice, actor: User | None, reason: str = "") -> Invoice:
    """Credit the whole invoice: an issued credit note with its lines, and the invoice
    marked credited (paid or not: a refund is settled outside Samla). The credit note."""
    reason = (reason or "").strip()[:500]
    with transaction.atomic():
        original = (
            Invoice.objects.select_for_update(of=("self",))
            .select_related("consultancy")
            .get(pk=invoice.pk)
        )
        if original.kind != InvoiceKind.INVOICE:
            raise NotCreditable(original, _("En kreditnota kan ikke krediteres."))
        if original.status not in INVOICE_ACTIONS["credit"].sources:
            raise NotCreditable(
                original,
                _("En faktura med status «%(status)s» kan ikke krediteres.")
                % {"status": original.get_status_display()},
            )
        note = Invoice.objects.create(
            consultancy=original.consultancy,
            municipality_id=original.municipality_id,
            order_id=original.order_id,
            licence_id=original.licence_id,
            kind=InvoiceKind.CREDIT_NOTE,
            credited_invoice=original,
            buyer_reference=original.buyer_reference,
            period_start=original.period_start,
            period_end=original.period_end,
        )
        InvoiceLine.objects.bulk_create(
            InvoiceLine(
                invoice=note,
                order_line_id=line.order_line_id,
                position=line.position,
                kind=line.kind,
                name=line.name,
                quantity=line.quantity,
                unit=line.unit,
                unit_price=line.unit_price,
                vat=line.vat,
                net_amount=line.net_amount,
            )
            for line in original.lines.order_by("position", "id")
        )
        transition_invoice(
            original,
            "credit",
            actor=actor,
            detail={"credit_note": note.pk, "reason": reason},
        )
        return issue_invoice(note, actor)


def credit_open_invoices(order: Order, actor: User | None) -> list[Invoice]:
    """Credit the order's issued, unpaid invoices (a cancelled order); the credit notes.
    Drafts are removed (they have no number)."""
    reason = _("Bestillingen er kansellert.")
    with transaction.atomic():
        Invoice.objects.filter(order_id=order.pk, status=InvoiceStatus.DRAFT).delete()
        open_ids = list(
            Invoice.objects.filter(order_id=order.pk, kind=InvoiceKind.INVOICE, status__in=OPEN)
            .order_by("number")
            .values_list("pk", flat=True)
        )
        return [credit_invoice(Invoice(pk=pk), actor, reason) for pk in open_ids]


def mark_overdue(today: datetime.date | None = None) -> list[Invoice]:
    """Issued invoices whose due date has passed fall due; those that did. Each in its own
    transaction: one paid at the same moment is left as it is."""
    today = today or timezone.localdate()
    due = Invoice.objects.filter(
        kind=InvoiceKind.INVOICE, status=InvoiceStatus.ISSUED, due_date__lt=today
    ).order_by("due_date", "pk")
    fallen: list[Invoice] = []
    for pk in due.values_list("pk", flat=True):
        try:
            fallen.append(
                transition_invoice(
                    Invoice(pk=pk),
                    "fall_due",
                    source="task:overdue",
                    detail={"on": today.isoformat()},
                )
            )
        except TransitionRefused:
            continue
    return fallen


def months_to_invoice(order: Order | int, before: datetime.date) -> list[datetime.date]:
    """The first days of the months before `before`'s month in which the order has
    delivered lines not yet invoiced."""
    dates = (
        uninvoiced_lines(order)
        .filter(delivered_on__isnull=False, delivered_on__lt=first_of_month(before))
        .values_list("delivered_on", flat=True)
    )
    return sorted({first_of_month(day) for day in dates if day is not None})
