"""The schedule and the grant through the order's own services, end to end: confirming puts
the package into the buyer's plan and lets the consultancy in; an amendment the consultancy
accepts moves the plan in its name; cancelling takes the future back out and the
consultancy with it, while what already happened stays."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from billing.models import BillingMode, ConsultantGrant, Order, OrderLine, Package
from billing.services import orders
from samla.accounts.access import active_membership
from samla.accounts.models import MunicipalityRole, User
from tenants.models import Municipality
from tenants.plans.models import Activity, Change, Milestone
from tests.billing.db.test_schedule import make_plan
from tests.conftest import client_for, host_of

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def test_confirm_amend_and_cancel_move_the_plan_and_the_grant(
    sor_package: Package, nordre_land: Municipality, leader_a: User, sor_member: User
):
    today = timezone.localdate()
    # The order began ten days ago: its first two weeks' items lie behind.
    start = today - 10 * DAY
    plan = make_plan(nordre_land, start=start - 30 * DAY, end=start + 400 * DAY)
    placed = orders.place_order(
        leader_a,
        nordre_land,
        sor_package,
        {
            "plan": plan.pk,
            "start_date": start,
            "buyer_reference": "3150bdn",
            "billing_mode": BillingMode.AS_DELIVERED,
        },
    )
    consultant = client_for(host_of(nordre_land), sor_member)
    assert consultant.get("/").status_code == 404  # not before the order binds

    confirmed = orders.confirm_order(leader_a, placed, version=placed.version)

    lines = {line.kind: line for line in confirmed.lines.all()}
    with tenant_context(nordre_land):
        assert Activity.objects.filter(plan=plan).count() == 4
        assert Milestone.objects.filter(plan=plan).count() == 2
        assert set(Change.objects.filter(plan_id=plan.pk).values_list("user_id", flat=True)) == {
            leader_a.pk
        }
    membership = active_membership(sor_member, nordre_land)
    assert membership is not None and membership.role == MunicipalityRole.CONSULTANT
    assert consultant.get("/").status_code == 200

    # The leader proposes moving the supervision; the consultancy accepts.
    supervision = lines["network_leader_supervision"]
    new_day = supervision.scheduled_on + 45 * DAY  # another month
    amendment = orders.propose_amendment(
        leader_a, confirmed, {"move": {str(supervision.pk): new_day.isoformat()}}
    )
    orders.accept_amendment(sor_member, amendment)

    supervision.refresh_from_db()
    with tenant_context(nordre_land):
        activity = Activity.objects.get(pk=supervision.plan_activity_id)
        assert activity.start_month == new_day.replace(day=1)
        assert Change.objects.filter(
            plan_id=plan.pk, object_id=activity.pk, action="update", user_id=sor_member.pk
        ).exists()

    current = Order.objects.get(pk=confirmed.pk)
    orders.cancel_order(leader_a, current, version=current.version)

    after = {line.kind: line for line in OrderLine.objects.filter(order=confirmed)}
    behind = [after["leadership_gathering"], after["website"]]  # weeks 1 and 2
    ahead = [after["training_day"], after["network_leader_supervision"]]  # weeks 4 and 8
    with tenant_context(nordre_land):
        left = set(Activity.objects.filter(plan=plan).values_list("pk", flat=True))
    assert left == {line.plan_activity_id for line in behind}
    assert all(line.plan_activity_id is None for line in ahead)
    assert ConsultantGrant.objects.get(order=confirmed).revoked_at is not None
    assert active_membership(sor_member, nordre_land) is None
    assert consultant.get("/").status_code == 404
