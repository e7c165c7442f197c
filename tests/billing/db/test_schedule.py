"""An order's schedule in the buyer's plan: confirming writes the lines as activities (and
milestones for training days and gatherings) through the plans services, so the plan's
history shows who; cancelling takes out what lies ahead and keeps what happened; an agreed
amendment moves, adds and removes entries; a refusal by the plan writes nothing.

Orders are made directly with the models (the orders part writes its services alongside).
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django_tenants.utils import get_public_schema_name, tenant_context

from billing.models import BillingMode, Order, OrderLine, OrderStatus, Package
from billing.services import schedule
from samla.accounts.models import User
from tenants.db import connection
from tenants.models import Municipality
from tenants.plans.models import Activity, Change, Milestone, Plan
from tests.billing.db.conftest import make_user

pytestmark = pytest.mark.django_db

D = datetime.date
START = D(2027, 1, 4)  # a Monday: week 1 of the package


PLAN_START, PLAN_END = D(2027, 1, 1), D(2027, 12, 31)


def make_plan(
    municipality: Municipality,
    *,
    start: datetime.date = PLAN_START,
    end: datetime.date = PLAN_END,
    title: str = "Helhetlig innsats",
) -> Plan:
    with tenant_context(municipality):
        return Plan.objects.create(title=title, start=start, end=end)


def make_order(
    package: Package,
    municipality: Municipality,
    plan: Plan | None,
    *,
    buyer: User | None = None,
    start: datetime.date = START,
    status: str = OrderStatus.CONFIRMED,
    **fields: Any,
) -> Order:
    """A confirmed order of the package with its lines, dated from `start` by the items'
    weeks and numbered in date order (as the orders part copies them)."""
    order = Order.objects.create(
        package=package,
        consultancy=package.consultancy,
        municipality=municipality,
        plan_id=plan.pk if plan is not None else 999_999,
        plan_title=plan.title if plan is not None else "Borte",
        title=package.title,
        buyer_reference="3150bdn",
        invoice_name=f"{municipality.name} kommune",
        invoice_org_number=municipality.org_number,
        start_date=start,
        end_date=start + datetime.timedelta(weeks=package.duration_weeks),
        billing_mode=BillingMode.UP_FRONT,
        status=status,
        created_by=buyer,
        **fields,
    )
    items = sorted(package.items.all(), key=lambda item: (item.schedule_week, item.order))
    OrderLine.objects.bulk_create(
        OrderLine(
            order=order,
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
        for position, item in enumerate(items, start=1)
    )
    return order


def lines_of(order: Order) -> dict[str, OrderLine]:
    return {line.kind: line for line in order.lines.all()}


def in_plan(municipality: Municipality, plan: Plan) -> tuple[list[Activity], list[Milestone]]:
    with tenant_context(municipality):
        activities = list(Activity.objects.filter(plan=plan).prefetch_related("milestones"))
        milestones = list(Milestone.objects.filter(plan=plan))
    return activities, milestones


def changes(municipality: Municipality, plan: Plan, **filters: Any) -> list[Change]:
    with tenant_context(municipality):
        return list(Change.objects.filter(plan_id=plan.pk, **filters).order_by("id"))


@pytest.fixture
def plan(nordre_land: Municipality) -> Plan:
    return make_plan(nordre_land)


@pytest.fixture
def order(sor_package: Package, nordre_land: Municipality, plan: Plan, leader_a: User) -> Order:
    return make_order(sor_package, nordre_land, plan, buyer=leader_a)


def test_confirming_writes_each_line_into_the_plan_with_milestones_for_days(
    order, plan, nordre_land, leader_a
):
    schedule.write_schedule(order, leader_a)

    activities, milestones = in_plan(nordre_land, plan)
    lines = lines_of(order)
    assert len(activities) == 4
    # Training days and gatherings are milestones on their date; supervision and the
    # website are activities only.
    assert {m.pk for m in milestones} == {
        lines["training_day"].plan_milestone_id,
        lines["leadership_gathering"].plan_milestone_id,
    }
    assert lines["website"].plan_milestone_id is None
    assert lines["network_leader_supervision"].plan_milestone_id is None
    by_id = {a.pk: a for a in activities}
    training = lines["training_day"]
    activity = by_id[training.plan_activity_id]
    milestone = next(m for m in milestones if m.pk == training.plan_milestone_id)
    assert milestone.due == D(2027, 1, 25) == training.scheduled_on
    assert (activity.start_month, activity.end_month) == (D(2027, 1, 1), D(2027, 1, 1))
    assert list(activity.milestones.all()) == [milestone]
    # The title names the item, the package and the consultancy; the consultancy answers.
    assert activity.name == "Fagdag – Helhetlig innsats (Samarbeid Sør)"
    assert milestone.title == activity.name
    assert activity.responsible == "Samarbeid Sør"
    supervision = by_id[lines["network_leader_supervision"].plan_activity_id]
    assert supervision.start_month == D(2027, 2, 1)
    # Numbered after the order and the line, unique in the plan.
    assert activity.code == f"B{order.pk}-{training.position}"


def test_the_plan_history_shows_the_leader_who_confirmed(order, plan, nordre_land, leader_a):
    schedule.write_schedule(order, leader_a)

    created = changes(nordre_land, plan, action="create")
    assert {(c.object_type, c.user_id, c.user_name) for c in created} == {
        ("activity", leader_a.pk, "leder.nordre-land"),
        ("milestone", leader_a.pk, "leder.nordre-land"),
    }
    assert len(created) == 6


def test_writing_leaves_the_schema_as_it_was_and_twice_writes_nothing_new(
    order, plan, nordre_land, leader_a
):
    schedule.write_schedule(order, leader_a)
    assert connection.schema_name == get_public_schema_name()

    schedule.write_schedule(order, leader_a)

    activities, milestones = in_plan(nordre_land, plan)
    assert (len(activities), len(milestones)) == (4, 2)


def test_the_plan_rows_go_back_out_with_the_callers_transaction(order, plan, nordre_land, leader_a):
    """The buyer's schema is in the same database: one transaction covers the order and the
    plan, so a failure after the schedule is written leaves neither."""
    with pytest.raises(RuntimeError), transaction.atomic():
        schedule.write_schedule(order, leader_a)
        raise RuntimeError("the confirmation failed after the schedule was written")

    assert connection.schema_name == get_public_schema_name()
    assert in_plan(nordre_land, plan) == ([], [])
    assert changes(nordre_land, plan) == []
    assert all(line.plan_activity_id is None for line in order.lines.all())


def test_a_date_outside_the_plan_is_refused_naming_the_line_and_nothing_is_written(
    sor_package, nordre_land, leader_a
):
    # The plan ends before the training day (week 4): its milestone cannot lie there.
    short = make_plan(nordre_land, end=D(2027, 1, 20), title="Kort plan")
    order = make_order(sor_package, nordre_land, short, buyer=leader_a)

    with pytest.raises(ValidationError) as refused:
        schedule.write_schedule(order, leader_a)

    [message] = refused.value.message_dict["plan"]
    assert message.startswith("«Fagdag» (25.01.2027) kan ikke legges inn i planen: ")
    assert "planperioden" in message
    # The gathering and the website, written before it, went back out with it.
    assert in_plan(nordre_land, short) == ([], [])
    assert all(line.plan_activity_id is None for line in order.lines.all())
    assert connection.schema_name == get_public_schema_name()


def test_a_plan_that_is_gone_is_a_refusal_under_plan(sor_package, nordre_land, leader_a):
    order = make_order(sor_package, nordre_land, None, buyer=leader_a)

    with pytest.raises(ValidationError) as refused:
        schedule.write_schedule(order, leader_a)

    assert refused.value.message_dict == {"plan": ["Planen «Borte» finnes ikke lenger i kommunen."]}


def test_the_schedule_goes_only_into_the_buyers_plan(
    order, plan, nordre_land, nesseby, leader_a, leader_b
):
    other = make_plan(nesseby)

    schedule.write_schedule(order, leader_a)

    assert in_plan(nesseby, other) == ([], [])


def test_cancelling_removes_what_lies_ahead_and_keeps_what_happened(
    order, plan, nordre_land, leader_a
):
    schedule.write_schedule(order, leader_a)
    before = lines_of(order)
    # Today is in week 3: the gathering and the website lie behind. The supervision (week 8)
    # was delivered ahead of its date, so it stays too; only the training day goes.
    OrderLine.objects.filter(pk=before["network_leader_supervision"].pk).update(
        delivered_on=D(2027, 1, 18)
    )

    removed = schedule.remove_schedule(order, leader_a, D(2027, 1, 20))

    assert [line.kind for line in removed] == ["training_day"]
    activities, milestones = in_plan(nordre_land, plan)
    assert {a.pk for a in activities} == {
        before["leadership_gathering"].plan_activity_id,
        before["website"].plan_activity_id,
        before["network_leader_supervision"].plan_activity_id,
    }
    assert [m.pk for m in milestones] == [before["leadership_gathering"].plan_milestone_id]
    after = lines_of(order)
    assert after["training_day"].plan_activity_id is None
    assert after["training_day"].plan_milestone_id is None
    assert after["website"].plan_activity_id == before["website"].plan_activity_id
    deleted = changes(nordre_land, plan, action="delete")
    assert {(c.object_type, c.object_id, c.user_id) for c in deleted} == {
        ("milestone", before["training_day"].plan_milestone_id, leader_a.pk),
        ("activity", before["training_day"].plan_activity_id, leader_a.pk),
    }
    assert connection.schema_name == get_public_schema_name()


def test_cancelling_skips_entries_people_already_deleted_from_the_plan(
    order, plan, nordre_land, leader_a
):
    schedule.write_schedule(order, leader_a)
    training = lines_of(order)["training_day"]
    with tenant_context(nordre_land):
        Milestone.objects.filter(pk=training.plan_milestone_id).delete()

    removed = schedule.remove_schedule(order, leader_a, D(2027, 1, 1))

    assert len(removed) == 4
    assert in_plan(nordre_land, plan) == ([], [])
    assert len(changes(nordre_land, plan, action="delete")) == 5  # 4 activities, 1 milestone


def test_cancelling_before_anything_was_written_does_nothing(order, leader_a):
    assert schedule.remove_schedule(order, leader_a, D(2027, 1, 1)) == []


def test_an_amendment_moves_adds_and_removes_entries_in_the_name_of_the_consultant(
    order, plan, nordre_land, leader_a, sor_member
):
    schedule.write_schedule(order, leader_a)
    lines = lines_of(order)
    training, website = lines["training_day"], lines["website"]
    # Agreed: the training day moves to March, the website goes, a second gathering comes.
    training.scheduled_on = D(2027, 3, 10)
    training.save(update_fields=["scheduled_on"])
    gathering = OrderLine.objects.create(
        order=order,
        position=9,
        kind="all_leaders_gathering",
        name="Dagssamling for alle ledere",
        quantity=1,
        unit="DAY",
        unit_price="15000.00",
        vat="standard",
        scheduled_on=D(2027, 4, 7),
    )

    schedule.apply_amendment(
        order, added=[gathering], removed=[website], moved=[training], actor=sor_member
    )

    activities, milestones = in_plan(nordre_land, plan)
    by_id = {a.pk: a for a in activities}
    milestone_by_id = {m.pk: m for m in milestones}
    assert website.plan_activity_id is None
    assert len(activities) == 4  # one gone, one new
    moved = by_id[training.plan_activity_id]
    assert (moved.start_month, moved.end_month) == (D(2027, 3, 1), D(2027, 3, 1))
    assert milestone_by_id[training.plan_milestone_id].due == D(2027, 3, 10)
    gathering.refresh_from_db()
    new = by_id[gathering.plan_activity_id]
    assert new.name == "Dagssamling for alle ledere – Helhetlig innsats (Samarbeid Sør)"
    assert milestone_by_id[gathering.plan_milestone_id].due == D(2027, 4, 7)
    assert OrderLine.objects.get(pk=website.pk).plan_activity_id is None
    # The consultant who accepted is who the history names (no membership needed).
    amended = changes(nordre_land, plan, user_id=sor_member.pk)
    assert {(c.object_type, c.action) for c in amended} == {
        ("milestone", "update"),
        ("activity", "update"),
        ("activity", "delete"),
        ("activity", "create"),
        ("milestone", "create"),
    }
    assert all(c.user_name == "konsulent.sor" for c in amended)


def test_a_moved_line_whose_entries_were_deleted_is_written_again(
    order, plan, nordre_land, leader_a, sor_member
):
    schedule.write_schedule(order, leader_a)
    website = lines_of(order)["website"]
    with tenant_context(nordre_land):
        Activity.objects.filter(pk=website.plan_activity_id).delete()
    website.scheduled_on = D(2027, 5, 3)

    schedule.apply_amendment(order, moved=[website], actor=sor_member)

    website.refresh_from_db()
    with tenant_context(nordre_land):
        assert Activity.objects.get(pk=website.plan_activity_id).start_month == D(2027, 5, 1)


def test_a_move_out_of_the_plan_is_refused_and_nothing_changes(
    order, plan, nordre_land, leader_a, sor_member
):
    schedule.write_schedule(order, leader_a)
    training = lines_of(order)["training_day"]
    training.scheduled_on = D(2028, 2, 1)  # after the plan's end: the milestone cannot go

    with pytest.raises(ValidationError) as refused:
        schedule.apply_amendment(order, moved=[training], actor=sor_member)

    assert "«Fagdag» (01.02.2028)" in refused.value.message_dict["plan"][0]
    with tenant_context(nordre_land):
        assert Milestone.objects.get(pk=training.plan_milestone_id).due == D(2027, 1, 25)
    assert changes(nordre_land, plan, user_id=sor_member.pk) == []


def test_an_entry_number_taken_by_hand_gets_a_letter(order, plan, nordre_land, leader_a):
    training = lines_of(order)["training_day"]
    taken = f"b{order.pk}-{training.position}"
    with tenant_context(nordre_land):
        Milestone.objects.create(plan=plan, code=taken, title="Egen", due=D(2027, 6, 1))

    schedule.write_schedule(order, leader_a)

    training.refresh_from_db()
    with tenant_context(nordre_land):
        assert Milestone.objects.get(pk=training.plan_milestone_id).code == f"{taken.upper()}a"


def test_a_consultancy_member_without_membership_may_be_the_actor(
    order, plan, nordre_land, sor_member
):
    """The plans services for parts check no role: a billing action by a consultancy member
    (an agreed amendment) is written and recorded in their name."""
    outsider = make_user("konsulent.uten.medlemskap")

    schedule.write_schedule(order, outsider)

    assert {c.user_id for c in changes(nordre_land, plan)} == {outsider.pk}


def test_called_on_another_tenants_connection_it_goes_back_there(
    order, plan, nordre_land, nesseby, leader_a
):
    """A request on a municipality's host runs in that schema: the schedule is written in the
    buyer's and the connection is back in the caller's afterwards."""
    with tenant_context(nesseby):
        schedule.write_schedule(order, leader_a)
        assert connection.schema_name == nesseby.schema_name

    activities, _milestones = in_plan(nordre_land, plan)
    assert len(activities) == 4


def test_an_empty_amendment_does_nothing(order, plan, nordre_land, sor_member):
    schedule.apply_amendment(order, actor=sor_member)

    assert changes(nordre_land, plan) == []
