"""Orders of programme packages through billing.services.orders: each rule and each refusal,
the transitions recorded with who and when, amendments by both sides."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django_tenants.utils import tenant_context

from billing.models import (
    Amendment,
    BillingMode,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceStatus,
    Order,
    OrderEvent,
    OrderLine,
    OrderStatus,
    Package,
)
from billing.services import orders as services
from billing.services.transitions import TransitionRefused, transition_order
from samla.accounts.models import MunicipalityRole, User
from tenants.models import Municipality
from tests.conftest import make_member

START = datetime.date(2026, 1, 5)


def make_plan(municipality: Municipality, title: str) -> int:
    from tenants.plans.models import Plan

    with tenant_context(municipality):
        plan = Plan.objects.create(
            title=title, start=datetime.date(2026, 1, 1), end=datetime.date(2031, 12, 31)
        )
    return int(plan.pk)


@pytest.fixture
def plan_nl(nordre_land: Municipality) -> int:
    return make_plan(nordre_land, "Helhetlig innsats i Nordre Land")


@pytest.fixture
def plan_nb(nesseby: Municipality) -> int:
    return make_plan(nesseby, "Nesseby sin plan")


@pytest.fixture
def viewer_a(nordre_land: Municipality) -> User:
    return make_member(nordre_land, "leser.nordre-land", role=MunicipalityRole.VIEWER)


@pytest.fixture
def editor_a(nordre_land: Municipality) -> User:
    return make_member(nordre_land, "redaktor.nordre-land", role=MunicipalityRole.EDITOR)


def order_data(plan: Any, **changes: Any) -> dict[str, Any]:
    return {
        "plan": plan,
        "start_date": START,
        "buyer_reference": "3150bdn",
        "billing_mode": BillingMode.AS_DELIVERED,
        **changes,
    }


@pytest.fixture
def draft_order(
    leader_a: User, nordre_land: Municipality, sor_package: Package, plan_nl: int
) -> Order:
    return services.place_order(leader_a, nordre_land, sor_package, order_data(plan_nl))


@pytest.fixture
def confirmed_order(draft_order: Order, leader_a: User) -> Order:
    """Confirmed through the registry's writer (confirm_order's other effects aside)."""
    return transition_order(draft_order, "confirm", actor=leader_a)


def paid_invoice(order: Order, number: int = 1) -> Invoice:
    return Invoice.objects.create(
        consultancy=order.consultancy,
        municipality=order.municipality,
        order=order,
        status=InvoiceStatus.PAID,
        number=number,
        buyer_reference=order.buyer_reference,
        issue_date=timezone.localdate(),
        gross_total=Decimal("100.00"),
        amount_paid=Decimal("100.00"),
    )


# Placing ----------------------------------------------------------------------------------


def test_placing_copies_the_package_into_dated_lines(
    leader_a: User, nordre_land: Municipality, sor_package: Package, plan_nl: int
) -> None:
    order = services.place_order(leader_a, nordre_land, sor_package, order_data(plan_nl))

    assert order.status == OrderStatus.DRAFT
    assert order.consultancy_id == sor_package.consultancy_id
    assert order.title == "Helhetlig innsats"
    assert order.plan_title == "Helhetlig innsats i Nordre Land"
    assert order.end_date == datetime.date(2027, 1, 3)  # 52 weeks on, less a day
    assert (order.invoice_name, order.invoice_org_number) == ("Nordre Land", "964950768")
    lines = list(order.lines.order_by("position"))
    items = list(sor_package.items.order_by("order"))
    assert [line.name for line in lines] == [item.name for item in items]
    assert [(line.quantity, line.unit_price) for line in lines] == [
        (item.quantity, item.unit_price) for item in items
    ]
    # Week 4 is three weeks after the start; week 1 is the start itself.
    assert [line.scheduled_on for line in lines] == [
        START + datetime.timedelta(weeks=item.schedule_week - 1) for item in items
    ]
    event = order.events.get()
    assert (event.action, event.to_status, event.actor_id) == ("place", "draft", leader_a.pk)
    assert order.created_by_id == leader_a.pk


def test_the_invoice_address_can_be_given(
    leader_a: User, nordre_land: Municipality, sor_package: Package, plan_nl: int
) -> None:
    order = services.place_order(
        leader_a,
        nordre_land,
        sor_package,
        order_data(
            plan_nl,
            start_date="2026-02-02",
            invoice_name="Nordre Land kommune, økonomi",
            invoice_postcode="2882",
            invoice_city="Dokka",
            invoice_email="faktura@nordre-land.kommune.example",
            purchase_order="PO-9",
        ),
    )
    assert order.invoice_name == "Nordre Land kommune, økonomi"
    assert order.start_date == datetime.date(2026, 2, 2)
    assert (order.invoice_postcode, order.purchase_order) == ("2882", "PO-9")


@pytest.mark.parametrize("who", ["viewer_a", "editor_a", "leader_b", "sor_member"])
def test_only_the_municipalitys_leader_orders(
    who: str,
    request: pytest.FixtureRequest,
    nordre_land: Municipality,
    sor_package: Package,
    plan_nl: int,
) -> None:
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        services.place_order(user, nordre_land, sor_package, order_data(plan_nl))
    assert not Order.objects.exists()


@pytest.mark.parametrize("reference", ["", "   ", None])
def test_an_order_without_a_buyer_reference_is_refused(
    reference: Any, leader_a: User, nordre_land: Municipality, sor_package: Package, plan_nl: int
) -> None:
    data = order_data(plan_nl, buyer_reference=reference)
    if reference is None:
        data.pop("buyer_reference")
    with pytest.raises(ValidationError) as caught:
        services.place_order(leader_a, nordre_land, sor_package, data)
    assert "buyer_reference" in caught.value.message_dict
    assert not Order.objects.exists()


def test_a_draft_package_is_not_for_sale(
    leader_a: User, nordre_land: Municipality, sor_draft: Package, plan_nl: int
) -> None:
    with pytest.raises(ValidationError) as caught:
        services.place_order(leader_a, nordre_land, sor_draft, order_data(plan_nl))
    assert caught.value.message_dict["package"] == [
        "Pakken er ikke publisert og kan ikke bestilles."
    ]
    assert not Order.objects.exists() and not OrderLine.objects.exists()


def test_a_package_without_items_is_refused(
    leader_a: User, nordre_land: Municipality, sor_package: Package, plan_nl: int
) -> None:
    sor_package.items.all().delete()  # as a published package can't be emptied: by hand
    with pytest.raises(ValidationError) as caught:
        services.place_order(leader_a, nordre_land, sor_package, order_data(plan_nl))
    assert "package" in caught.value.message_dict
    assert not Order.objects.exists()


def test_the_plan_must_be_the_municipalitys_own(
    leader_a: User, nordre_land: Municipality, sor_package: Package, plan_nb: int
) -> None:
    # Nesseby's plan id does not name a plan in Nordre Land's schema (a guessed id).
    for plan in (plan_nb + 1000, "1", None, True):
        with pytest.raises(ValidationError) as caught:
            services.place_order(leader_a, nordre_land, sor_package, order_data(plan))
        assert caught.value.message_dict["plan"] == ["Velg en av kommunens planer."]
    assert not Order.objects.exists()


def test_the_package_must_fit_in_the_plans_period(
    leader_a: User, nordre_land: Municipality, sor_package: Package, plan_nl: int
) -> None:
    for start in ("2025-12-01", "2031-11-17"):
        with pytest.raises(ValidationError) as caught:
            services.place_order(
                leader_a, nordre_land, sor_package, order_data(plan_nl, start_date=start)
            )
        assert "utenfor planperioden" in caught.value.message_dict["start_date"][0]
    assert not Order.objects.exists()


def test_bad_fields_are_named_in_norwegian(
    leader_a: User, nordre_land: Municipality, sor_package: Package, plan_nl: int
) -> None:
    data = order_data(
        plan_nl,
        start_date="9999-01-01",
        billing_mode="monthly",
        invoice_org_number="123456789",
        invoice_postcode="28",
        invoice_email="ikke en adresse",
    )
    with pytest.raises(ValidationError) as caught:
        services.place_order(leader_a, nordre_land, sor_package, data)
    assert set(caught.value.message_dict) == {
        "start_date",
        "billing_mode",
        "invoice_org_number",
        "invoice_postcode",
        "invoice_email",
    }
    assert not Order.objects.exists()


# Changing a draft -------------------------------------------------------------------------


def test_a_draft_is_changed_by_version_and_its_lines_follow_the_start(
    draft_order: Order, leader_a: User
) -> None:
    before = {line.pk: line.scheduled_on for line in draft_order.lines.all()}
    changed = services.update_order(
        leader_a,
        draft_order,
        {"start_date": START + datetime.timedelta(days=14), "buyer_reference": "NY-REF"},
        draft_order.version,
    )
    assert changed.version == draft_order.version + 1
    assert changed.buyer_reference == "NY-REF"
    assert changed.end_date == draft_order.end_date + datetime.timedelta(days=14)
    after = {line.pk: line.scheduled_on for line in changed.lines.all()}
    assert after == {pk: day + datetime.timedelta(days=14) for pk, day in before.items()}
    assert changed.events.filter(action="update", actor=leader_a).exists()

    with pytest.raises(services.StaleOrder):
        services.update_order(leader_a, draft_order, {"title": "Gammel"}, draft_order.version)
    assert Order.objects.get(pk=draft_order.pk).title == "Helhetlig innsats"


def test_only_a_draft_is_changed_and_only_by_its_leader(
    confirmed_order: Order, leader_a: User, viewer_a: User
) -> None:
    with pytest.raises(PermissionDenied):
        services.update_order(viewer_a, confirmed_order, {"title": "X"}, confirmed_order.version)
    with pytest.raises(ValidationError):
        services.update_order(leader_a, confirmed_order, {"title": "X"}, confirmed_order.version)
    with pytest.raises(ValidationError) as caught:
        services.update_order(leader_a, confirmed_order, {"title": "X"}, None)
    assert "version" in caught.value.message_dict


# Cancelling -------------------------------------------------------------------------------


def test_a_draft_is_cancelled_with_its_event(draft_order: Order, leader_a: User) -> None:
    cancelled = services.cancel_order(
        leader_a, draft_order, version=draft_order.version, reason="Feil pakke"
    )
    assert cancelled.status == OrderStatus.CANCELLED
    event = cancelled.events.get(action="cancel")
    assert (event.from_status, event.to_status, event.actor_id) == (
        "draft",
        "cancelled",
        leader_a.pk,
    )
    assert event.detail == {"reason": "Feil pakke"}
    assert event.at <= timezone.now()
    # Cancelled is the end: again is refused (409), nothing written.
    with pytest.raises(TransitionRefused):
        services.cancel_order(leader_a, cancelled, version=cancelled.version)


def test_cancelling_refuses_viewers_and_strangers(
    draft_order: Order, viewer_a: User, leader_b: User, ks_member: User, sor_member: User
) -> None:
    # The seller too, while the order is a draft: it binds nobody yet, it is the buyer's.
    for user in (viewer_a, leader_b, ks_member, sor_member):
        with pytest.raises(PermissionDenied):
            services.cancel_order(user, draft_order, version=draft_order.version)
    assert Order.objects.get(pk=draft_order.pk).status == OrderStatus.DRAFT


def test_cancelling_with_a_paid_invoice_asks_for_a_credit_note_first(
    confirmed_order: Order, sor_member: User
) -> None:
    paid_invoice(confirmed_order)
    with pytest.raises(services.OrderConflict) as caught:
        services.cancel_order(sor_member, confirmed_order, version=confirmed_order.version)
    assert "krediter fakturaen først" in str(caught.value)
    order = Order.objects.get(pk=confirmed_order.pk)
    assert (order.status, order.version) == (OrderStatus.CONFIRMED, confirmed_order.version)
    assert not order.events.filter(action="cancel").exists()


def test_a_stale_version_is_refused(draft_order: Order, leader_a: User) -> None:
    with pytest.raises(services.StaleOrder):
        services.cancel_order(leader_a, draft_order, version=draft_order.version + 1)


# Deliveries and completion ----------------------------------------------------------------


def test_the_first_delivery_starts_the_delivery(confirmed_order: Order, sor_member: User) -> None:
    first, second, *_rest = confirmed_order.lines.order_by("position")
    today = timezone.localdate()

    line = services.record_delivery(sor_member, confirmed_order, first.pk, today)

    assert (line.delivered_on, line.delivered_by_id) == (today, sor_member.pk)
    order = Order.objects.get(pk=confirmed_order.pk)
    assert order.status == OrderStatus.IN_DELIVERY
    events = list(
        order.events.order_by("at", "id").values_list(
            "action", "from_status", "to_status", "actor_id"
        )
    )
    assert events[-2:] == [
        ("start_delivery", "confirmed", "in_delivery", sor_member.pk),
        ("deliver", "in_delivery", "in_delivery", sor_member.pk),
    ]

    services.record_delivery(sor_member, order, second.pk, today.isoformat())
    assert list(order.events.values_list("action", flat=True)).count("start_delivery") == 1
    assert order.events.filter(action="deliver").count() == 2


def test_deliveries_are_the_sellers_and_checked(
    confirmed_order: Order, draft_order: Order, leader_a: User, ks_member: User, sor_member: User
) -> None:
    line = confirmed_order.lines.first()
    assert line is not None
    for user in (leader_a, ks_member):
        with pytest.raises(PermissionDenied):
            services.record_delivery(user, confirmed_order, line.pk, timezone.localdate())
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as caught:
        services.record_delivery(sor_member, confirmed_order, line.pk, tomorrow)
    assert "held_on" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.record_delivery(
            sor_member, confirmed_order, line.pk + 10_000, timezone.localdate()
        )
    assert "line" in caught.value.message_dict
    services.record_delivery(sor_member, confirmed_order, line.pk, timezone.localdate())
    with pytest.raises(ValidationError):
        services.record_delivery(sor_member, confirmed_order, line.pk, timezone.localdate())
    assert OrderEvent.objects.filter(order=confirmed_order, action="deliver").count() == 1


def test_a_draft_takes_no_deliveries(sor_member: User, draft_order: Order) -> None:
    line = draft_order.lines.first()
    assert line is not None
    with pytest.raises(TransitionRefused):
        services.record_delivery(sor_member, draft_order, line.pk, timezone.localdate())
    assert OrderLine.objects.get(pk=line.pk).delivered_on is None


def test_an_order_completes_when_every_line_is_delivered(
    confirmed_order: Order, sor_member: User
) -> None:
    lines = list(confirmed_order.lines.all())
    services.record_delivery(sor_member, confirmed_order, lines[0].pk, timezone.localdate())
    order = Order.objects.get(pk=confirmed_order.pk)
    with pytest.raises(ValidationError):
        services.complete_order(sor_member, order, version=order.version)
    for line in lines[1:]:
        services.record_delivery(sor_member, order, line.pk, timezone.localdate())
    order = Order.objects.get(pk=confirmed_order.pk)
    done = services.complete_order(sor_member, order, version=order.version)
    assert done.status == OrderStatus.COMPLETED
    assert done.events.filter(action="complete", actor=sor_member, to_status="completed").exists()


# Amendments -------------------------------------------------------------------------------


def test_one_side_proposes_and_the_other_side_only_answers(
    confirmed_order: Order, sor_member: User, leader_a: User, viewer_a: User
) -> None:
    line = confirmed_order.lines.order_by("position").first()
    assert line is not None
    amendment = services.propose_amendment(
        sor_member, confirmed_order, {"move": {str(line.pk): "2026-03-02"}}
    )
    assert amendment.state == Amendment.State.PROPOSED
    assert amendment.changes["side"] == "seller"
    # The proposing side and a viewer cannot answer it.
    for user in (sor_member, viewer_a):
        with pytest.raises(PermissionDenied):
            services.reject_amendment(user, amendment)
    # One open proposal at a time.
    with pytest.raises(services.OrderConflict):
        services.propose_amendment(leader_a, confirmed_order, {"remove": [line.pk]})

    rejected = services.reject_amendment(leader_a, amendment)
    assert (rejected.state, rejected.decided_by_id) == (Amendment.State.REJECTED, leader_a.pk)
    assert OrderLine.objects.get(pk=line.pk).scheduled_on == line.scheduled_on
    with pytest.raises(services.OrderConflict):
        services.reject_amendment(leader_a, rejected)


def test_amendments_are_checked_against_the_lines(
    confirmed_order: Order, draft_order: Order, sor_member: User, leader_b: User
) -> None:
    delivered, invoiced, *_rest = confirmed_order.lines.order_by("position")
    services.record_delivery(sor_member, confirmed_order, delivered.pk, timezone.localdate())
    invoice = paid_invoice(confirmed_order)
    InvoiceLine.objects.create(
        invoice=invoice,
        order_line=invoiced,
        position=1,
        kind=invoiced.kind,
        name=invoiced.name,
        quantity=invoiced.quantity,
        unit=invoiced.unit,
        unit_price=invoiced.unit_price,
        vat=invoiced.vat,
        net_amount=Decimal("1.00"),
    )
    order = Order.objects.get(pk=confirmed_order.pk)
    with pytest.raises(ValidationError) as caught:
        services.propose_amendment(
            sor_member,
            order,
            {
                "remove": [delivered.pk, invoiced.pk, 999_999],
                "move": {str(delivered.pk): "2026-05-01"},
                "add": [{"kind": "print", "quantity": "-1", "unit_price": "10.001"}],
            },
        )
    errors = caught.value.message_dict
    assert set(errors) == {"remove", "move", "add"}
    assert len(errors["remove"]) == 3
    with pytest.raises(ValidationError) as caught:
        services.propose_amendment(sor_member, order, {})
    assert "changes" in caught.value.message_dict
    with pytest.raises(PermissionDenied):
        services.propose_amendment(leader_b, order, {"remove": []})
    # A draft is changed directly, not amended.
    with pytest.raises(ValidationError):
        services.propose_amendment(sor_member, draft_order_again(draft_order), {"remove": []})
    assert not Amendment.objects.exists()


def draft_order_again(order: Order) -> Order:
    """A second draft beside the confirmed one (the fixture's draft was confirmed)."""
    return services.place_order(
        order.created_by,
        order.municipality,
        order.package,
        order_data(order.plan_id),
    )


# Confirming and cancelling with the other parts -------------------------------------------


def plan_rows(municipality: Municipality, plan: int) -> tuple[int, int]:
    """How many activities and milestones the plan has."""
    from tenants.plans.models import Activity, Milestone

    with tenant_context(municipality):
        return (
            Activity.objects.filter(plan_id=plan).count(),
            Milestone.objects.filter(plan_id=plan).count(),
        )


def written(order: Order) -> tuple[int, int]:
    """How many activities and milestones the order's lines say they wrote."""
    lines = order.lines.all()
    return (
        lines.exclude(plan_activity_id=None).count(),
        lines.exclude(plan_milestone_id=None).count(),
    )


def test_confirming_writes_the_plan_opens_the_grant_and_invoices_up_front(
    leader_a: User, nordre_land: Municipality, sor_package: Package, plan_nl: int
) -> None:
    draft = services.place_order(
        leader_a, nordre_land, sor_package, order_data(plan_nl, billing_mode=BillingMode.UP_FRONT)
    )
    assert plan_rows(nordre_land, plan_nl) == (0, 0)

    order = services.confirm_order(leader_a, draft, version=draft.version)

    assert order.status == OrderStatus.CONFIRMED
    event = order.events.get(action="confirm")
    assert (event.from_status, event.to_status, event.actor_id) == (
        "draft",
        "confirmed",
        leader_a.pk,
    )
    assert plan_rows(nordre_land, plan_nl) == written(order)
    assert not order.lines.filter(plan_activity_id=None, plan_milestone_id=None).exists()
    grant = order.grant
    assert (grant.valid_from, grant.valid_until) == (order.start_date, order.end_date)
    invoice = order.invoices.get()
    assert invoice.status == InvoiceStatus.ISSUED
    assert invoice.lines.count() == order.lines.count()
    # Confirmed once: again is refused (and a stale version before that).
    with pytest.raises(services.StaleOrder):
        services.confirm_order(leader_a, order, version=draft.version)
    with pytest.raises(TransitionRefused):
        services.confirm_order(leader_a, order, version=order.version)


def test_only_the_leader_confirms(draft_order: Order, viewer_a: User, sor_member: User) -> None:
    for user in (viewer_a, sor_member):
        with pytest.raises(PermissionDenied):
            services.confirm_order(user, draft_order, version=draft_order.version)
    assert Order.objects.get(pk=draft_order.pk).status == OrderStatus.DRAFT


def test_billed_as_delivered_nothing_is_invoiced_on_confirming(
    draft_order: Order, leader_a: User
) -> None:
    order = services.confirm_order(leader_a, draft_order, version=draft_order.version)
    assert order.status == OrderStatus.CONFIRMED
    assert not order.invoices.exists()


def test_cancelling_credits_open_invoices_and_takes_the_plan_and_grant_back(
    leader_a: User, nordre_land: Municipality, sor_package: Package, plan_nl: int, sor_member: User
) -> None:
    draft = services.place_order(
        leader_a,
        nordre_land,
        sor_package,
        order_data(plan_nl, billing_mode=BillingMode.UP_FRONT, start_date="2030-01-07"),
    )
    order = services.confirm_order(leader_a, draft, version=draft.version)
    assert plan_rows(nordre_land, plan_nl) == written(order) != (0, 0)

    cancelled = services.cancel_order(sor_member, order, version=order.version, reason="Avlyst")

    assert cancelled.status == OrderStatus.CANCELLED
    invoice = cancelled.invoices.get(kind=InvoiceKind.INVOICE)
    assert invoice.status == InvoiceStatus.CREDITED
    assert cancelled.invoices.filter(kind=InvoiceKind.CREDIT_NOTE).count() == 1
    # Everything was still to come (2030): all of it leaves the plan.
    assert plan_rows(nordre_land, plan_nl) == (0, 0)
    cancelled.grant.refresh_from_db()
    assert cancelled.grant.revoked_at is not None
    assert cancelled.events.filter(action="cancel", actor=sor_member).exists()


def test_amendments_accepted_change_the_lines_and_the_plan(
    leader_a: User, nordre_land: Municipality, draft_order: Order, sor_member: User, plan_nl: int
) -> None:
    order = services.confirm_order(leader_a, draft_order, version=draft_order.version)
    first, second, *_rest = order.lines.order_by("position")
    rows_before = sum(plan_rows(nordre_land, plan_nl))
    late = order.end_date + datetime.timedelta(days=30)
    amendment = services.propose_amendment(
        leader_a,
        order,
        {
            "add": [
                {
                    "kind": "training_day",
                    "name": "Ekstra fagdag",
                    "quantity": "1",
                    "unit_price": "18500.00",
                    "scheduled_on": late.isoformat(),
                }
            ],
            "remove": [first.pk],
            "move": {str(second.pk): "2026-06-01"},
        },
    )
    assert amendment.changes["side"] == "buyer"
    with pytest.raises(PermissionDenied):
        services.accept_amendment(leader_a, amendment)

    accepted = services.accept_amendment(sor_member, amendment)

    assert (accepted.state, accepted.decided_by_id) == (Amendment.State.ACCEPTED, sor_member.pk)
    order = Order.objects.get(pk=order.pk)
    assert not order.lines.filter(pk=first.pk).exists()
    assert order.lines.get(pk=second.pk).scheduled_on == datetime.date(2026, 6, 1)
    extra = order.lines.get(name="Ekstra fagdag")
    assert (extra.scheduled_on, extra.unit_price) == (late, Decimal("18500.00"))
    assert extra.plan_activity_id or extra.plan_milestone_id
    assert order.end_date == late
    assert sum(plan_rows(nordre_land, plan_nl)) == rows_before  # one out, one in
    event = order.events.get(action="amend")
    assert (event.actor_id, event.detail["amendment"]) == (sor_member.pk, amendment.pk)
    order.grant.refresh_from_db()
    assert order.grant.valid_until == late


def test_the_seller_proposes_and_the_leader_accepts(
    leader_a: User, draft_order: Order, sor_member: User
) -> None:
    order = services.confirm_order(leader_a, draft_order, version=draft_order.version)
    line = order.lines.order_by("position").first()
    assert line is not None
    amendment = services.propose_amendment(
        sor_member, order, {"move": {str(line.pk): "2026-02-16"}}
    )
    accepted = services.accept_amendment(leader_a, amendment)
    assert accepted.state == Amendment.State.ACCEPTED
    assert OrderLine.objects.get(pk=line.pk).scheduled_on == datetime.date(2026, 2, 16)


# Who sees orders and invoices (billing.access) ----------------------------------------------


def test_orders_and_invoices_are_seen_by_host(
    confirmed_order: Order,
    nordre_land: Municipality,
    nesseby: Municipality,
    viewer_a: User,
    leader_b: User,
    sor_member: User,
    ks_member: User,
    operator: User,
) -> None:
    from django.contrib.auth.models import AnonymousUser
    from django.http import Http404

    from billing import access

    invoice = paid_invoice(confirmed_order)
    # The municipality's members on its host; nobody else there.
    assert list(access.orders_for(viewer_a, nordre_land)) == [confirmed_order]
    assert list(access.invoices_for(viewer_a, nordre_land)) == [invoice]
    assert not access.orders_for(leader_b, nordre_land).exists()
    assert not access.invoices_for(leader_b, nesseby).exists()
    assert not access.orders_for(sor_member, nordre_land).exists()
    # The seller's members and operators on the public host.
    assert list(access.orders_for(sor_member, None)) == [confirmed_order]
    assert list(access.invoices_for(operator, None)) == [invoice]
    assert not access.invoices_for(ks_member, None).exists()
    assert not access.orders_for(viewer_a, None).exists()
    assert not access.orders_for(AnonymousUser(), None).exists()
    assert access.get_invoice_for(sor_member, invoice.pk, None) == invoice
    for user, host in ((ks_member, None), (leader_b, nesseby), (viewer_a, None)):
        with pytest.raises(Http404):
            access.get_invoice_for(user, invoice.pk, host)
        with pytest.raises(Http404):
            access.get_order_for(user, confirmed_order.pk, host)
    assert access.is_buyer_leader(viewer_a, nordre_land) is False
    assert access.is_seller(operator, confirmed_order.consultancy) is True
    assert access.is_seller(ks_member, confirmed_order.consultancy) is False
