"""The states of orders and invoices and the only ways between them, declared once.

Each action names the states it may start from and the state it leads to. Services ask
`order_action` / `invoice_action` (through `billing.services.transitions`), pages and the
API ask `order_actions_from` / `invoice_actions_from` which buttons to offer, so the rules
live here and nowhere else. Who may take an action (the buyer's leader, the seller, an
operator, Stripe, the bank) is checked by the service that takes it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from billing.models import InvoiceStatus, OrderStatus


@dataclass(frozen=True)
class Action:
    name: str
    label: Promise
    sources: frozenset[str]
    # None: the action is recorded and the state stays as it was.
    target: str | None

    def target_from(self, status: str) -> str:
        return self.target or status


def _action(name: str, label: Promise, sources: set[str], target: str | None) -> Action:
    return Action(name, label, frozenset(sources), target)


OS = OrderStatus
ORDER_ACTIONS: dict[str, Action] = {
    action.name: action
    for action in (
        # The buyer's leader confirms the draft: the order binds both sides.
        _action("confirm", _("Bekreft bestillingen"), {OS.DRAFT}, OS.CONFIRMED),
        # The first delivery recorded (or the start date reached) begins the delivery.
        _action("start_delivery", _("Start leveransen"), {OS.CONFIRMED}, OS.IN_DELIVERY),
        # An agreed amendment, and a delivery recorded, leave the state as it is.
        _action("amend", _("Endre etter avtale"), {OS.CONFIRMED, OS.IN_DELIVERY}, None),
        _action("deliver", _("Registrer levering"), {OS.CONFIRMED, OS.IN_DELIVERY}, None),
        _action("complete", _("Fullfør"), {OS.IN_DELIVERY}, OS.COMPLETED),
        _action("cancel", _("Kanseller"), {OS.DRAFT, OS.CONFIRMED, OS.IN_DELIVERY}, OS.CANCELLED),
    )
}

IS = InvoiceStatus
INVOICE_ACTIONS: dict[str, Action] = {
    action.name: action
    for action in (
        # Numbered from the seller's series and frozen. (A draft has no number: the service
        # deletes it rather than taking it anywhere.)
        _action("issue", _("Utsted"), {IS.DRAFT}, IS.ISSUED),
        _action("pay", _("Registrer betaling"), {IS.ISSUED, IS.OVERDUE}, IS.PAID),
        _action("fall_due", _("Forfalt"), {IS.ISSUED}, IS.OVERDUE),
        # A credit note cancels an issued invoice (paid or not): never a deletion.
        _action("credit", _("Krediter"), {IS.ISSUED, IS.OVERDUE, IS.PAID}, IS.CREDITED),
        # Sent through the access point (or to Stripe): recorded, the state stays.
        # (A credited invoice still goes out: its credit note follows it.)
        _action("send", _("Send"), {IS.ISSUED, IS.OVERDUE, IS.PAID, IS.CREDITED}, None),
    )
}


def order_actions_from(status: str) -> list[Action]:
    return [action for action in ORDER_ACTIONS.values() if status in action.sources]


def invoice_actions_from(status: str) -> list[Action]:
    return [action for action in INVOICE_ACTIONS.values() if status in action.sources]
