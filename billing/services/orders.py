"""Orders of programme packages: placing, changing, confirming, cancelling, delivering,
completing and amending them.

Plain functions taking the acting user, one transaction each; everything given is checked
before anything is written, and a refusal is a `ValidationError` in Norwegian, by field.
Who may act is checked here (`billing.access`): the buying municipality's leader places,
changes, confirms and cancels its orders and answers the seller's amendments; the
consultancy's members (and operators) record deliveries, complete, cancel and answer the
buyer's amendments. Every change of state goes through
`billing.services.transitions.transition_order` (the one writer of `Order.status`, with
its event); a change names the `version` it edited, and someone else's save in between is
`StaleOrder` (409), nothing written.

An order copies its package's items into its own lines when it is placed, each dated
`start + (schedule_week - 1) weeks`; it runs to `start + duration_weeks weeks - 1 day`.
Confirming writes the schedule into the buyer's plan (`schedule.write_schedule`), lets the
consultancy in (`grants.open_grant`) and, billed up front, invoices everything
(`invoices.invoice_up_front`). Cancelling credits the issued, unpaid invoices and takes the
schedule and the grant back out; it is refused while a paid invoice stands uncredited
(the seller credits it first). An amendment (lines added, undelivered and uninvoiced lines
removed, dates moved) is proposed by one side and accepted or rejected by the other; one
open proposal at a time; accepting applies it and the plan follows
(`schedule.apply_amendment`).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django_tenants.utils import tenant_context

from billing import access
from billing.models import (
    Amendment,
    BillingMode,
    Invoice,
    InvoiceKind,
    InvoiceStatus,
    Order,
    OrderEvent,
    OrderLine,
    OrderStatus,
    Package,
)
from billing.services.packages import _clean_item, _text_error
from billing.services.transitions import transition_order
from billing.states import ORDER_ACTIONS
from samla.accounts.models import User
from tenants.models import Municipality
from tenants.validators import validate_org_number

MAX_AMENDMENT_LINES = 200
# Dates far enough from the edges that 520 weeks on still is a date.
EARLIEST = datetime.date(2000, 1, 1)
LATEST = datetime.date(2200, 12, 31)
TEXT_FIELDS = {
    "title": (200, False),
    "buyer_reference": (200, True),
    "purchase_order": (200, False),
    "invoice_name": (200, True),
    "invoice_street": (200, False),
    "invoice_city": (100, False),
}
FIELDS = (
    "plan",
    "title",
    "start_date",
    "billing_mode",
    "buyer_reference",
    "purchase_order",
    "invoice_name",
    "invoice_org_number",
    "invoice_street",
    "invoice_postcode",
    "invoice_city",
    "invoice_email",
)
BUYER, SELLER = "buyer", "seller"


class StaleOrder(Exception):
    """Someone saved the order since the version the caller edited (409)."""

    def __init__(self, current: Order) -> None:
        self.current = current
        super().__init__(f"order {current.pk} is at version {current.version}")


class OrderConflict(Exception):
    """The order's state refuses the change (409): a paid invoice not credited, an open
    amendment already there."""

    def __init__(self, order: Order, message: str) -> None:
        self.order = order
        super().__init__(message)


# Who acts ---------------------------------------------------------------------------------


def require_buyer_leader(user: User, municipality: Municipality) -> None:
    if not access.is_buyer_leader(user, municipality):
        raise PermissionDenied(_("Bare kommunens prosjektleder bestiller og bekrefter pakker."))


def require_seller(user: User, order: Order) -> None:
    if not access.is_seller(user, order.consultancy_id):
        raise PermissionDenied(
            _("Bare konsulentselskapets medlemmer og driftsoperatører gjør dette.")
        )


def side_of(user: User, order: Order) -> str | None:
    """Which side of the order the user acts for (the seller first), or None."""
    if access.is_seller(user, order.consultancy_id):
        return SELLER
    if access.is_buyer_leader(user, order.municipality):
        return BUYER
    return None


def _may_act_for(user: User, order: Order, side: str) -> bool:
    if side == SELLER:
        return access.is_seller(user, order.consultancy_id)
    return access.is_buyer_leader(user, order.municipality)


# Checking what is given -------------------------------------------------------------------


def _date(value: Any) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return None
    if isinstance(value, datetime.date):
        parsed: datetime.date | None = value
    elif isinstance(value, str):
        try:
            parsed = parse_date(value)
        except ValueError:
            return None
    else:
        return None
    if parsed is None or not EARLIEST <= parsed <= LATEST:
        return None
    return parsed


def _date_error() -> str:
    return _("Oppgi en dato (ÅÅÅÅ-MM-DD) mellom %(first)s og %(last)s.") % {
        "first": EARLIEST.isoformat(),
        "last": LATEST.isoformat(),
    }


PlanPeriod = tuple[str, datetime.date, datetime.date]


def plan_of(municipality: Municipality, plan_id: Any) -> PlanPeriod | None:
    """The title, start and end of the plan in the municipality's schema, or None."""
    if isinstance(plan_id, bool) or not isinstance(plan_id, int) or not 0 < plan_id < 2**31:
        return None
    from tenants.plans.models import Plan  # a tenant model: read inside the schema

    with tenant_context(municipality):
        row = Plan.objects.filter(pk=plan_id).values_list("title", "start", "end").first()
    return None if row is None else (str(row[0]), row[1], row[2])


def _outside_plan(plan: PlanPeriod, days: list[datetime.date]) -> str | None:
    """Why the days can't go into the plan (outside its period), or None."""
    _title, first, last = plan
    if days and (min(days) < first or max(days) > last):
        return _(
            "Pakkens aktiviteter faller %(start)s–%(end)s, utenfor planperioden "
            "%(first)s–%(last)s: velg en annen startdato eller plan."
        ) % {
            "start": min(days).isoformat(),
            "end": max(days).isoformat(),
            "first": first.isoformat(),
            "last": last.isoformat(),
        }
    return None


def _clean(
    data: Mapping[str, Any], municipality: Municipality, *, creating: bool
) -> dict[str, Any]:
    """The order's fields as stored (only those given), or ValidationError by field."""
    errors: dict[str, list[str]] = {}
    fields: dict[str, Any] = {}
    unknown = sorted(str(name) for name in data if name not in FIELDS)
    if unknown:
        errors["non_field_errors"] = [_("Ukjente felt: %(names)s.") % {"names": ", ".join(unknown)}]
    for name, (limit, required) in TEXT_FIELDS.items():
        if name not in data:
            continue
        error = _text_error(data[name], limit, required=required)
        if error:
            errors[name] = [error]
        else:
            fields[name] = data[name].strip()
    if creating and not str(data.get("buyer_reference") or "").strip():
        errors["buyer_reference"] = [
            _("Bestillerreferansen må fylles ut: kommunen krever den på fakturaen (EHF).")
        ]
    if "plan" in data or creating:
        plan = plan_of(municipality, data.get("plan"))
        if plan is None:
            errors["plan"] = [_("Velg en av kommunens planer.")]
        else:
            fields["plan_id"], fields["plan_title"] = data["plan"], plan[0]
            fields["_plan"] = plan
    if "start_date" in data or creating:
        start = _date(data.get("start_date"))
        if start is None:
            errors["start_date"] = [_date_error()]
        else:
            fields["start_date"] = start
    if "billing_mode" in data:
        if data["billing_mode"] not in BillingMode.values:
            errors["billing_mode"] = [
                _("Velg «%(up_front)s» eller «%(as_delivered)s».")
                % {"up_front": BillingMode.UP_FRONT, "as_delivered": BillingMode.AS_DELIVERED}
            ]
        else:
            fields["billing_mode"] = data["billing_mode"]
    if "invoice_org_number" in data:
        number = data["invoice_org_number"]
        try:
            if not isinstance(number, str):
                raise ValidationError(_("Må være tekst."))
            validate_org_number(number)
        except ValidationError as exc:
            errors["invoice_org_number"] = list(exc.messages)
        else:
            fields["invoice_org_number"] = number
    if "invoice_postcode" in data:
        code = data["invoice_postcode"]
        if not isinstance(code, str) or (
            code and not (len(code) == 4 and code.isascii() and code.isdigit())
        ):
            errors["invoice_postcode"] = [_("Postnummeret er fire siffer.")]
        else:
            fields["invoice_postcode"] = code
    if "invoice_email" in data:
        email = data["invoice_email"]
        try:
            if not isinstance(email, str) or len(email) > 254:
                raise ValidationError(_("Oppgi en gyldig e-postadresse."))
            if email:
                validate_email(email)
        except ValidationError:
            errors["invoice_email"] = [_("Oppgi en gyldig e-postadresse.")]
        else:
            fields["invoice_email"] = email
    if errors:
        raise ValidationError(errors)
    return fields


def _lines_from(package: Package, start: datetime.date) -> list[OrderLine]:
    return [
        OrderLine(
            package_item=item,
            position=position,
            kind=item.kind,
            name=item.name,
            description=item.description,
            quantity=item.quantity,
            unit=item.unit,
            unit_price=item.unit_price,
            vat=item.vat,
            scheduled_on=start + datetime.timedelta(weeks=item.schedule_week - 1),
        )
        for position, item in enumerate(package.items.order_by("order", "id"), start=1)
    ]


def end_of(start: datetime.date, duration_weeks: int) -> datetime.date:
    return start + datetime.timedelta(weeks=duration_weeks) - datetime.timedelta(days=1)


def _locked(order: Order, version: int | None) -> Order:
    """The order locked for update, if it is still at `version`."""
    if isinstance(version, bool) or not isinstance(version, int):
        raise ValidationError({"version": [_("Oppgi versjonen du har endret (feltet «version»).")]})
    current = (
        Order.objects.select_for_update()
        .select_related("consultancy", "municipality", "package")
        .get(pk=order.pk)
    )
    if current.version != version:
        raise StaleOrder(current)
    return current


def _record(order: Order, action: str, actor: User, detail: dict[str, Any]) -> None:
    """An event that leaves the state as it is (placing, changing a draft)."""
    OrderEvent.objects.create(
        order=order,
        action=action,
        from_status=order.status,
        to_status=order.status,
        actor_id=actor.pk if actor.is_authenticated else None,
        at=timezone.now(),
        detail=detail,
    )


# Placing and changing a draft -------------------------------------------------------------


def place_order(
    user: User, municipality: Municipality, package: Package, data: Mapping[str, Any]
) -> Order:
    """A draft order of a published package for one of the municipality's plans, its
    lines copied from the package and dated from the start; the invoice address defaults
    to the municipality's name and organisation number."""
    require_buyer_leader(user, municipality)
    fields = _clean(data, municipality, creating=True)
    with transaction.atomic():
        package = (
            Package.objects.select_for_update().select_related("consultancy").get(pk=package.pk)
        )
        if not package.is_published:
            raise ValidationError(
                {"package": [_("Pakken er ikke publisert og kan ikke bestilles.")]}
            )
        start = fields["start_date"]
        lines = _lines_from(package, start)
        if not lines:
            raise ValidationError({"package": [_("Pakken har ingen linjer å bestille.")]})
        outside = _outside_plan(fields.pop("_plan"), [line.scheduled_on for line in lines])
        if outside:
            raise ValidationError({"start_date": [outside]})
        fields.setdefault("title", "")
        fields["title"] = fields["title"] or package.title
        fields.setdefault("invoice_name", municipality.name)
        fields.setdefault("invoice_org_number", municipality.org_number)
        order = Order.objects.create(
            package=package,
            consultancy=package.consultancy,
            municipality=municipality,
            end_date=end_of(start, package.duration_weeks),
            created_by_id=user.pk,
            **fields,
        )
        for line in lines:
            line.order = order
        OrderLine.objects.bulk_create(lines)
        _record(order, "place", user, {"package": package.pk, "lines": len(lines)})
        return order


def update_order(user: User, order: Order, data: Mapping[str, Any], version: int | None) -> Order:
    """Change a draft's fields; a new start date re-dates its lines."""
    require_buyer_leader(user, order.municipality)
    with transaction.atomic():
        current = _locked(order, version)
        if current.status != OrderStatus.DRAFT:
            raise ValidationError(
                _("Bare et utkast kan endres; en bekreftet bestilling endres etter avtale.")
            )
        fields = _clean(data, current.municipality, creating=False)
        plan = fields.pop("_plan", None) or plan_of(current.municipality, current.plan_id)
        old_start = current.start_date
        for name, value in fields.items():
            setattr(current, name, value)
        moved = current.start_date != old_start
        if moved:
            current.end_date = end_of(current.start_date, current.package.duration_weeks)
        lines = list(current.lines.select_for_update())
        shift = current.start_date - old_start
        for line in lines:
            line.scheduled_on = line.scheduled_on + shift
        outside = (
            _("Planen finnes ikke lenger: velg en av kommunens planer.")
            if plan is None
            else _outside_plan(plan, [line.scheduled_on for line in lines])
        )
        if outside:
            raise ValidationError({"start_date" if "plan_id" not in fields else "plan": [outside]})
        current.version += 1
        current.save()
        if moved:
            OrderLine.objects.bulk_update(lines, ["scheduled_on"])
        _record(current, "update", user, {"fields": sorted(fields)})
        return current


# Confirming, cancelling, delivering, completing -------------------------------------------


def confirm_order(user: User, order: Order, *, version: int | None) -> Order:
    """The buyer's leader binds both sides: the schedule goes into the plan, the consultancy
    gets its grant and, billed up front, everything is invoiced."""
    from billing.services import grants, invoices, schedule

    require_buyer_leader(user, order.municipality)
    with transaction.atomic():
        current = _locked(order, version)
        confirmed = transition_order(current, "confirm", actor=user)
        confirmed = Order.objects.select_related("consultancy", "municipality", "package").get(
            pk=confirmed.pk
        )
        schedule.write_schedule(confirmed, user)
        grants.open_grant(confirmed)
        if confirmed.billing_mode == BillingMode.UP_FRONT:
            invoices.invoice_up_front(confirmed, user)
        return Order.objects.select_related("consultancy", "municipality", "package").get(
            pk=confirmed.pk
        )


def paid_uncredited(order: Order) -> list[Invoice]:
    """The order's paid invoices that no credit note cancels."""
    return list(
        Invoice.objects.filter(order=order, kind=InvoiceKind.INVOICE, status=InvoiceStatus.PAID)
    )


def cancel_order(user: User, order: Order, *, version: int | None, reason: str = "") -> Order:
    """Cancel the order (its buyer's leader, or the seller once it is confirmed; a draft is
    the buyer's alone): issued, unpaid invoices are
    credited and the schedule and grant taken back out. Refused while a paid invoice stands
    uncredited: the seller credits it first."""
    from billing.services import grants, invoices, schedule

    if side_of(user, order) is None:
        raise PermissionDenied(
            _("Bare kommunens prosjektleder og konsulentselskapet kan kansellere bestillingen.")
        )
    error = _text_error(reason, 1000, required=False)
    if error:
        raise ValidationError({"reason": [error]})
    with transaction.atomic():
        current = _locked(order, version)
        if current.status == OrderStatus.DRAFT:
            # A draft binds nobody yet: it is the buyer's to change or drop.
            require_buyer_leader(user, current.municipality)
        if current.status not in ORDER_ACTIONS["cancel"].sources:
            # Completed or cancelled already: refused (TransitionRefused), nothing written.
            transition_order(current, "cancel", actor=user)
        if paid_uncredited(current):
            raise OrderConflict(
                current,
                _(
                    "Bestillingen har en betalt faktura: krediter fakturaen først, "
                    "så kan bestillingen kanselleres."
                ),
            )
        was_running = current.status != OrderStatus.DRAFT
        if was_running:
            invoices.credit_open_invoices(current, user)
        cancelled = transition_order(current, "cancel", actor=user, detail={"reason": reason})
        if was_running:
            schedule.remove_schedule(cancelled, user, timezone.localdate())
            grants.close_grant(cancelled)
        Amendment.objects.filter(order=cancelled, state=Amendment.State.PROPOSED).update(
            state=Amendment.State.WITHDRAWN, decided_by_id=user.pk, decided_at=timezone.now()
        )
        return Order.objects.select_related("consultancy", "municipality", "package").get(
            pk=cancelled.pk
        )


def record_delivery(user: User, order: Order, line_id: Any, held_on: Any) -> OrderLine:
    """The seller records a line as held on a day; the first delivery starts the delivery."""
    require_seller(user, order)
    errors: dict[str, list[str]] = {}
    day = _date(held_on)
    if day is None:
        errors["held_on"] = [_date_error()]
    elif day > timezone.localdate():
        errors["held_on"] = [_("En levering kan ikke registreres før den har skjedd.")]
    if isinstance(line_id, bool) or not isinstance(line_id, int):
        errors["line"] = [_("Velg en linje i bestillingen.")]
    if errors or day is None:
        raise ValidationError(errors)
    with transaction.atomic():
        current = Order.objects.select_for_update().get(pk=order.pk)
        line = current.lines.select_for_update().filter(pk=line_id).first()
        if line is None:
            raise ValidationError({"line": [_("Velg en linje i bestillingen.")]})
        if line.delivered_on is not None:
            raise ValidationError(
                {"line": [_("Linjen er allerede levert (%(day)s).") % {"day": line.delivered_on}]}
            )
        if current.status == OrderStatus.CONFIRMED:
            current = transition_order(current, "start_delivery", actor=user)
        transition_order(
            current,
            "deliver",
            actor=user,
            detail={"line": line.pk, "name": line.name, "held_on": day.isoformat()},
        )
        line.delivered_on = day
        line.delivered_by_id = user.pk
        line.save(update_fields=["delivered_on", "delivered_by"])
        return line


def complete_order(user: User, order: Order, *, version: int | None) -> Order:
    """The seller closes an order whose every line is delivered."""
    require_seller(user, order)
    with transaction.atomic():
        current = _locked(order, version)
        if current.lines.filter(delivered_on__isnull=True).exists():
            raise ValidationError(_("Alle linjene må være levert før bestillingen kan fullføres."))
        transition_order(current, "complete", actor=user)
        return Order.objects.select_related("consultancy", "municipality", "package").get(
            pk=current.pk
        )


# Amendments -------------------------------------------------------------------------------


def _invoiced(line: OrderLine) -> bool:
    return line.invoice_lines.exists()


def _clean_changes(order: Order, changes: Any) -> dict[str, Any]:
    """The amendment as stored: {"add": [item with "scheduled_on"], "remove": [line id],
    "move": {line id: date}}, checked against the order's lines as they are now."""
    if not isinstance(changes, Mapping):
        raise ValidationError({"changes": [_("Endringen må være et objekt.")]})
    errors: dict[str, list[str]] = {}
    unknown = sorted(str(name) for name in changes if name not in ("add", "remove", "move"))
    if unknown:
        errors["changes"] = [_("Ukjente felt: %(names)s.") % {"names": ", ".join(unknown)}]
    lines = {line.pk: line for line in order.lines.prefetch_related("invoice_lines")}
    added: list[dict[str, Any]] = []
    raw_add = changes.get("add") or []
    if not isinstance(raw_add, Sequence) or isinstance(raw_add, str | bytes):
        errors["add"] = [_("Må være en liste.")]
    elif len(raw_add) > MAX_AMENDMENT_LINES:
        errors["add"] = [_("Høyst %(n)s linjer.") % {"n": MAX_AMENDMENT_LINES}]
    else:
        for number, raw in enumerate(raw_add, start=1):
            given = dict(raw) if isinstance(raw, Mapping) else raw
            day = _date(given.pop("scheduled_on", None)) if isinstance(given, dict) else None
            if isinstance(given, dict):
                given["schedule_week"] = 1
            item, problems = _clean_item(given, None)
            if day is None and isinstance(given, dict):
                problems.append(_("Dato: %(error)s") % {"error": _date_error()})
            for problem in problems:
                errors.setdefault("add", []).append(
                    _("Linje %(n)s: %(problem)s") % {"n": number, "problem": problem}
                )
            if not problems and day is not None:
                item.pop("schedule_week")
                item["quantity"] = str(item["quantity"])
                item["unit_price"] = str(item["unit_price"])
                item["scheduled_on"] = day.isoformat()
                added.append(item)
    removed: list[int] = []
    raw_remove = changes.get("remove") or []
    if not isinstance(raw_remove, Sequence) or isinstance(raw_remove, str | bytes):
        errors["remove"] = [_("Må være en liste med linje-id-er.")]
    else:
        for line_id in raw_remove:
            line = lines.get(line_id) if isinstance(line_id, int) else None
            if line is None or isinstance(line_id, bool):
                errors.setdefault("remove", []).append(
                    _("Linjen %(id)s finnes ikke i bestillingen.") % {"id": line_id}
                )
            elif line.delivered_on is not None:
                errors.setdefault("remove", []).append(
                    _("«%(name)s» er levert og kan ikke fjernes.") % {"name": line.name}
                )
            elif _invoiced(line):
                errors.setdefault("remove", []).append(
                    _("«%(name)s» er fakturert og kan ikke fjernes: krediter fakturaen først.")
                    % {"name": line.name}
                )
            elif line_id not in removed:
                removed.append(line_id)
    moved: dict[str, str] = {}
    raw_move = changes.get("move") or {}
    if not isinstance(raw_move, Mapping):
        errors["move"] = [_("Må være et objekt: linje-id → ny dato.")]
    else:
        for key, value in raw_move.items():
            line_id = (
                int(key)
                if str(key).isascii() and str(key).isdigit() and len(str(key)) < 10
                else None
            )
            line = lines.get(line_id) if line_id is not None else None
            day = _date(value)
            if line is None:
                errors.setdefault("move", []).append(
                    _("Linjen %(id)s finnes ikke i bestillingen.") % {"id": key}
                )
            elif line.delivered_on is not None:
                errors.setdefault("move", []).append(
                    _("«%(name)s» er levert og kan ikke flyttes.") % {"name": line.name}
                )
            elif line.pk in removed:
                errors.setdefault("move", []).append(
                    _("«%(name)s» fjernes og kan ikke også flyttes.") % {"name": line.name}
                )
            elif day is None:
                errors.setdefault("move", []).append(
                    _("«%(name)s»: %(error)s") % {"name": line.name, "error": _date_error()}
                )
            else:
                moved[str(line.pk)] = day.isoformat()
    if not errors and not (added or removed or moved):
        errors["changes"] = [_("Endringen må legge til, fjerne eller flytte minst én linje.")]
    if not errors:
        plan = plan_of(order.municipality, order.plan_id)
        days = [datetime.date.fromisoformat(item["scheduled_on"]) for item in added]
        days += [datetime.date.fromisoformat(day) for day in moved.values()]
        outside = None if plan is None else _outside_plan(plan, days)
        if outside:
            errors["changes"] = [outside]
    if errors:
        raise ValidationError(errors)
    return {"add": added, "remove": removed, "move": moved}


def _require_amendable(order: Order) -> None:
    if order.status not in ORDER_ACTIONS["amend"].sources:
        raise ValidationError(
            _("Bare en bekreftet bestilling under arbeid kan endres etter avtale.")
        )


def propose_amendment(
    user: User, order: Order, changes: Any, *, side: str | None = None
) -> Amendment:
    """One side proposes a change to a confirmed order; the other answers it. `side`
    (buyer or seller) is the host's, when the user could act for both."""
    acting = side if side in (BUYER, SELLER) else side_of(user, order)
    if acting is None or not _may_act_for(user, order, acting):
        raise PermissionDenied(
            _("Bare kommunens prosjektleder og konsulentselskapet kan foreslå endringer.")
        )
    with transaction.atomic():
        current = Order.objects.select_for_update().get(pk=order.pk)
        _require_amendable(current)
        if current.amendments.filter(state=Amendment.State.PROPOSED).exists():
            raise OrderConflict(
                current,
                _("Det finnes allerede et forslag til endring: det må besvares først."),
            )
        cleaned = _clean_changes(current, changes)
        return Amendment.objects.create(
            order=current,
            changes={**cleaned, "side": acting},
            proposed_by_id=user.pk,
            proposed_at=timezone.now(),
        )


def _answer(user: User, amendment: Amendment) -> tuple[Order, Amendment]:
    """The amendment and its order locked, if the user answers for the other side."""
    order = (
        Order.objects.select_for_update().select_related("municipality").get(pk=amendment.order_id)
    )
    current = Amendment.objects.select_for_update().get(pk=amendment.pk)
    proposer_side = current.changes.get("side") or side_of_proposer(current, order)
    other = BUYER if proposer_side == SELLER else SELLER
    if user.pk == current.proposed_by_id or not _may_act_for(user, order, other):
        raise PermissionDenied(_("Forslaget besvares av den andre parten."))
    if current.state != Amendment.State.PROPOSED:
        raise OrderConflict(order, _("Forslaget er allerede besvart."))
    return order, current


def side_of_proposer(amendment: Amendment, order: Order) -> str:
    proposer = amendment.proposed_by
    if proposer is not None and access.is_seller(proposer, order.consultancy_id):
        return SELLER
    return BUYER


def accept_amendment(user: User, amendment: Amendment) -> Amendment:
    """The other side accepts: lines added, removed and moved, the order's end moved if a
    line now falls after it, the plan and the grant following, all in one transaction."""
    from billing.services import grants, schedule

    with transaction.atomic():
        order, current = _answer(user, amendment)
        _require_amendable(order)
        stored = dict(current.changes)
        cleaned = _clean_changes(
            order, {name: stored.get(name) for name in ("add", "remove", "move")}
        )
        position = max(order.lines.values_list("position", flat=True), default=0)
        added: list[OrderLine] = []
        for number, item in enumerate(cleaned["add"], start=1):
            added.append(
                OrderLine(
                    order=order,
                    position=position + number,
                    kind=item["kind"],
                    name=item["name"],
                    description=item["description"],
                    quantity=item["quantity"],
                    unit=item["unit"],
                    unit_price=item["unit_price"],
                    vat=item["vat"],
                    scheduled_on=datetime.date.fromisoformat(item["scheduled_on"]),
                )
            )
        added = OrderLine.objects.bulk_create(added)
        moved = list(order.lines.filter(pk__in=[int(key) for key in cleaned["move"]]))
        for line in moved:
            line.scheduled_on = datetime.date.fromisoformat(cleaned["move"][str(line.pk)])
        OrderLine.objects.bulk_update(moved, ["scheduled_on"])
        removed = list(order.lines.filter(pk__in=cleaned["remove"]))
        schedule.apply_amendment(order, added=added, removed=removed, moved=moved, actor=user)
        OrderLine.objects.filter(pk__in=[line.pk for line in removed]).delete()
        last = max(order.lines.values_list("scheduled_on", flat=True), default=order.end_date)
        if last > order.end_date:
            Order.objects.filter(pk=order.pk).update(end_date=last)
        transition_order(
            order,
            "amend",
            actor=user,
            detail={
                "amendment": current.pk,
                "added": [line.pk for line in added],
                "removed": [line.pk for line in removed],
                "moved": cleaned["move"],
            },
        )
        current.state = Amendment.State.ACCEPTED
        current.decided_by_id = user.pk
        current.decided_at = timezone.now()
        current.save(update_fields=["state", "decided_by", "decided_at"])
        grants.open_grant(
            Order.objects.select_related("consultancy", "municipality").get(pk=order.pk)
        )
        return current


def reject_amendment(user: User, amendment: Amendment) -> Amendment:
    """The other side declines the proposal; nothing about the order changes."""
    with transaction.atomic():
        _, current = _answer(user, amendment)
        current.state = Amendment.State.REJECTED
        current.decided_by_id = user.pk
        current.decided_at = timezone.now()
        current.save(update_fields=["state", "decided_by", "decided_at"])
        return current
