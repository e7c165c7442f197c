"""The consultant grant: a confirmed order lets its consultancy's members into the buying
municipality as consultants while it runs. In while the grant runs, out when it ends or
is revoked, never in another municipality, never for another consultancy's members; a
person's own membership wins and is never touched; an ordinary member's page costs no query
more, a granted consultant's one."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from billing.models import ConsultantGrant, Order, Package
from billing.services import grants
from samla.accounts.access import active_membership, is_granted
from samla.accounts.models import MunicipalityMembership, MunicipalityRole, User
from tenants.models import Municipality
from tenants.routines.services.common import WRITERS, has_role
from tests.billing.db.test_schedule import make_order, make_plan
from tests.conftest import PUBLIC_HOST, client_for, host_of, make_member

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def running(sor_package: Package, nordre_land: Municipality, leader_a: User) -> Order:
    """An order that started yesterday and runs for the package's 52 weeks."""
    today = timezone.localdate()
    plan = make_plan(nordre_land, start=today - 30 * DAY, end=today + 400 * DAY)
    return make_order(sor_package, nordre_land, plan, buyer=leader_a, start=today - DAY)


# The grant itself ---------------------------------------------------------------------------


def test_opening_grants_from_the_orders_start_to_its_end(running):
    grant = grants.open_grant(running)

    assert (grant.consultancy_id, grant.municipality_id) == (
        running.consultancy_id,
        running.municipality_id,
    )
    assert (grant.valid_from, grant.valid_until) == (running.start_date, running.end_date)
    assert grant.revoked_at is None


def test_opening_again_re_dates_the_same_grant(running):
    first = grants.open_grant(running)
    Order.objects.filter(pk=running.pk).update(end_date=running.end_date + 14 * DAY)
    running.refresh_from_db()

    again = grants.open_grant(running)

    assert again.pk == first.pk
    assert ConsultantGrant.objects.get(pk=first.pk).valid_until == running.end_date
    assert ConsultantGrant.objects.count() == 1


def test_closing_revokes_and_a_revoked_grant_stays_revoked(running):
    grants.open_grant(running)

    closed = grants.close_grant(running)
    assert closed is not None and closed.revoked_at is not None
    revoked_at = closed.revoked_at

    assert grants.close_grant(running).revoked_at == revoked_at
    assert grants.open_grant(running).revoked_at == revoked_at


def test_closing_an_order_without_a_grant_is_nothing(running):
    assert grants.close_grant(running) is None


# The access layer ---------------------------------------------------------------------------


def test_a_consultant_is_in_while_the_grant_runs(running, nordre_land, sor_member):
    grants.open_grant(running)

    membership = active_membership(sor_member, nordre_land)
    assert membership is not None and membership.pk is None  # unsaved: nothing was written
    assert membership.role == MunicipalityRole.CONSULTANT
    assert membership.valid_until == running.end_date
    assert is_granted(membership) is False  # not the coordinators' read-only plan grant
    assert not MunicipalityMembership.objects.filter(user=sor_member).exists()

    page = client_for(host_of(nordre_land), sor_member).get("/")
    assert page.status_code == 200
    assert "Konsulent" in page.content.decode()
    api = client_for(host_of(nordre_land), sor_member).get("/api/plans/")
    assert api.status_code == 200
    # The services that ask for a role see it too (consultants write routines).
    assert has_role(nordre_land, sor_member, WRITERS)


def test_out_before_the_start_and_after_the_end(running, nordre_land, sor_member):
    grant = grants.open_grant(running)
    today = timezone.localdate()
    client = client_for(host_of(nordre_land), sor_member)

    ConsultantGrant.objects.filter(pk=grant.pk).update(
        valid_from=today - 60 * DAY, valid_until=today - DAY
    )
    assert active_membership(sor_member, nordre_land) is None
    assert client.get("/").status_code == 404

    ConsultantGrant.objects.filter(pk=grant.pk).update(
        valid_from=today + DAY, valid_until=today + 60 * DAY
    )
    assert client.get("/").status_code == 404

    ConsultantGrant.objects.filter(pk=grant.pk).update(valid_from=today, valid_until=today)
    assert client.get("/").status_code == 200  # the last day is in


def test_out_once_revoked(running, nordre_land, sor_member):
    grants.open_grant(running)
    grants.close_grant(running)

    assert active_membership(sor_member, nordre_land) is None
    assert client_for(host_of(nordre_land), sor_member).get("/").status_code == 404
    assert client_for(host_of(nordre_land), sor_member).get("/api/plans/").status_code == 404


def test_never_in_another_municipality(running, nesseby, sor_member, leader_b):
    grants.open_grant(running)

    assert active_membership(sor_member, nesseby) is None
    assert client_for(host_of(nesseby), sor_member).get("/").status_code == 404
    assert client_for(host_of(nesseby), sor_member).get("/api/plans/").status_code == 404


def test_another_consultancys_members_are_not_in(running, nordre_land, ks_member):
    grants.open_grant(running)

    assert active_membership(ks_member, nordre_land) is None
    assert client_for(host_of(nordre_land), ks_member).get("/").status_code == 404


def test_anonymous_is_sent_to_log_in_and_an_inactive_member_is_out(
    running, nordre_land, sor_member
):
    grants.open_grant(running)

    assert client_for(host_of(nordre_land)).get("/").status_code == 302
    sor_member.is_active = False
    sor_member.save(update_fields=["is_active"])
    assert active_membership(sor_member, nordre_land) is None


def test_a_persons_own_membership_wins_and_is_not_touched(running, nordre_land, sor_member):
    own = MunicipalityMembership.objects.create(
        user=sor_member, municipality=nordre_land, role=MunicipalityRole.VIEWER
    )
    grants.open_grant(running)

    membership = active_membership(sor_member, nordre_land)

    assert membership is not None and membership.pk == own.pk
    assert membership.role == MunicipalityRole.VIEWER
    own.refresh_from_db()
    assert (own.role, own.valid_until) == (MunicipalityRole.VIEWER, None)
    grants.close_grant(running)
    assert active_membership(sor_member, nordre_land).pk == own.pk


def test_of_two_running_grants_the_later_end_is_shown(
    running, sor_package, nordre_land, leader_a, sor_member
):
    today = timezone.localdate()
    plan = make_plan(nordre_land, start=today - 30 * DAY, end=today + 900 * DAY, title="Neste")
    later = make_order(sor_package, nordre_land, plan, buyer=leader_a, start=today + 7 * DAY)
    Order.objects.filter(pk=later.pk).update(start_date=today - DAY)
    later.refresh_from_db()
    grants.open_grant(running)
    grants.open_grant(later)

    membership = active_membership(sor_member, nordre_land)

    assert membership is not None and membership.valid_until == later.end_date


def test_the_public_host_lists_where_the_grant_lets_the_consultant_in(
    running, nordre_land, nesseby, sor_member
):
    MunicipalityMembership.objects.create(
        user=sor_member, municipality=nesseby, role=MunicipalityRole.VIEWER
    )
    grants.open_grant(running)
    client = client_for(PUBLIC_HOST, sor_member)

    listed = client.get("/api/me/").json()["roles"]["municipalities"]

    assert [(m["slug"], m["role"], m["valid_until"]) for m in listed] == [
        ("nordre-land", "consultant", running.end_date.isoformat()),
        ("nesseby", "viewer", None),
    ]
    grants.close_grant(running)
    listed = client.get("/api/me/").json()["roles"]["municipalities"]
    assert [m["slug"] for m in listed] == ["nesseby"]
    on_host = client_for(host_of(nordre_land), sor_member)
    assert on_host.get("/api/me/").status_code == 404


def count_queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(queries)


def test_a_members_page_costs_no_query_more_and_a_consultants_one(
    running, nordre_land, leader_a, sor_member
):
    leader = client_for(host_of(nordre_land), leader_a)
    count_queries(leader, "/")  # warm: the session's first read
    without_grant = count_queries(leader, "/")
    grants.open_grant(running)
    other = make_member(nordre_land, "leser.nordre-land", role=MunicipalityRole.VIEWER)

    assert count_queries(leader, "/") == without_grant
    viewer = client_for(host_of(nordre_land), other)
    count_queries(viewer, "/")
    assert count_queries(viewer, "/") == without_grant
    consultant = client_for(host_of(nordre_land), sor_member)
    count_queries(consultant, "/")
    assert count_queries(consultant, "/") == without_grant + 1
