"""Moving an order or an invoice from one state to another, by the rules in `billing.states`.

The one writer of `Order.status` and `Invoice.status`: it locks the row, checks that the
action may start from the current state, saves the new state with a new version and
records the event (who or what acted, when, from what to what), all in the caller's
transaction. A refusal is `TransitionRefused` (409 in the API) and writes nothing.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.models import Invoice, InvoiceEvent, Order, OrderEvent
from billing.states import INVOICE_ACTIONS, ORDER_ACTIONS, Action
from networks.access import User


class TransitionRefused(Exception):
    """The action cannot start from the object's current state (409)."""

    def __init__(self, subject: Order | Invoice, action: Action) -> None:
        self.subject = subject
        self.action = action
        super().__init__(
            _("«%(action)s» kan ikke gjøres når status er «%(status)s».")
            % {"action": action.label, "status": subject.get_status_display()}
        )


def _actor_id(actor: User | None) -> int | None:
    return actor.pk if actor is not None and actor.is_authenticated else None


def transition_order(
    order: Order, action: str, *, actor: User | None, detail: dict[str, Any] | None = None
) -> Order:
    """Take `action` on the order (locked and re-read first); the saved order."""
    spec = ORDER_ACTIONS[action]
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if locked.status not in spec.sources:
            raise TransitionRefused(locked, spec)
        before = locked.status
        locked.status = spec.target_from(before)
        locked.version += 1
        locked.save(update_fields=["status", "version", "updated_at"])
        OrderEvent.objects.create(
            order=locked,
            action=action,
            from_status=before,
            to_status=locked.status,
            actor_id=_actor_id(actor),
            at=timezone.now(),
            detail=detail or {},
        )
    return locked


def transition_invoice(
    invoice: Invoice,
    action: str,
    *,
    actor: User | None = None,
    source: str = "",
    detail: dict[str, Any] | None = None,
    fields: dict[str, Any] | None = None,
) -> Invoice:
    """Take `action` on the invoice (locked and re-read first), also setting `fields`
    (the number when issued, `paid_at`, …) in the same save; the saved invoice."""
    spec = INVOICE_ACTIONS[action]
    with transaction.atomic():
        locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if locked.status not in spec.sources:
            raise TransitionRefused(locked, spec)
        before = locked.status
        locked.status = spec.target_from(before)
        locked.version += 1
        for name, value in (fields or {}).items():
            setattr(locked, name, value)
        locked.save(update_fields=["status", "version", *(fields or {})])
        InvoiceEvent.objects.create(
            invoice=locked,
            action=action,
            from_status=before,
            to_status=locked.status,
            actor_id=_actor_id(actor),
            source=source,
            at=timezone.now(),
            detail=detail or {},
        )
    return locked
