"""Links to the plan: a milestone whose linked routines are all approved is suggested done.

Given Nordre Land's plan (seed 000) and its routines (two approved, one draft), MP4
("forslag til samarbeidsavtaler/-rutiner er utarbeidd") linked to all three is suggested
only once the draft is approved, and no longer once the leader has marked it done; the
suggestion never changes the milestone. `GET /api/routines/suggestions/` shows it to the
municipality's members only, in a fixed number of queries.
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from samla.accounts.models import User
from tenants.models import Municipality
from tenants.plans import services as plan_services
from tenants.plans.models import Measure, Milestone, MilestoneStatus, Plan
from tenants.routines import services
from tenants.routines.models import Routine, RoutineStatus
from tenants.routines.queries import measures_ready, milestones_ready
from tests.plans.conftest import api_as, inside
from tests.plans.seeds import build_nordre_land_plan

TODAY = timezone.localdate()
URL = "/api/routines/suggestions/"


@pytest.fixture
def plan_a(nordre_land: Municipality, leader_a: User) -> Plan:
    with inside(nordre_land):
        return build_nordre_land_plan(nordre_land, leader_a)


@pytest.fixture
def mp4(plan_a: Plan, routines_a: list[Routine], nordre_land: Municipality, leader_a: User):
    """MP4 linked to the three seed routines; the first measure linked to the approved two."""
    with inside(nordre_land):
        milestone = plan_a.milestones.get(code="MP4")
        # The seed plan has no measures: one, as the plan's editor would add it.
        measure = Measure.objects.create(
            plan=plan_a, text="Samhandlingsrutiner mellom enhetene er innført"
        )
        for routine in routines_a:
            routine = Routine.objects.get(pk=routine.pk)
            links = {"milestones": [milestone.pk]}
            if routine.status == RoutineStatus.APPROVED:
                links["measures"] = [measure.pk]
            services.update_routine(nordre_land, leader_a, routine, links, version=routine.version)
        return milestone, measure


def _approve_draft(nordre_land: Municipality, leader: User, routines: list[Routine]) -> None:
    draft = Routine.objects.get(pk=next(r for r in routines if r.status == RoutineStatus.DRAFT).pk)
    services.approve_routine(
        nordre_land, leader, draft, version=draft.version, approved_on=TODAY, approved_by="Rådmann"
    )


def test_suggested_only_when_every_linked_routine_is_approved(
    mp4, plan_a, routines_a, nordre_land, leader_a
) -> None:
    milestone, measure = mp4
    with inside(nordre_land):
        # Given one of MP4's three routines still a draft: not suggested; the measure
        # (linked to the two approved ones) is fulfilled
        assert list(milestones_ready(plan_a)) == []
        assert list(measures_ready(plan_a)) == [measure]
        # When the draft is approved, MP4 is suggested, with its three routines
        _approve_draft(nordre_land, leader_a, routines_a)
        ready = list(milestones_ready(plan_a))
        assert ready == [milestone]
        assert sorted(r.pk for r in ready[0].routines.all()) == sorted(r.pk for r in routines_a)
        # and the suggestion changed nothing: MP4 is still as planned
        milestone.refresh_from_db()
        assert milestone.status != MilestoneStatus.DONE
        # When an approved routine starts a new draft, it still counts as approved
        first = Routine.objects.get(pk=routines_a[0].pk)
        services.update_routine(
            nordre_land, leader_a, first, {"purpose": "Ny tekst"}, version=first.version
        )
        assert list(milestones_ready()) == [milestone]
        # When the leader marks MP4 done, it is no longer suggested
        plan_services.update_milestone(
            nordre_land,
            milestone,
            leader_a,
            {"status": MilestoneStatus.DONE, "done_on": TODAY},
            version=milestone.version,
        )
        assert list(milestones_ready(plan_a)) == []
        # and milestones without routines are never suggested
        assert (
            not Milestone.objects.filter(routines__isnull=True)
            .filter(pk__in=[m.pk for m in milestones_ready()])
            .exists()
        )


def test_the_api_shows_the_suggestion_to_members(
    mp4, plan_a, routines_a, nordre_land, leader_a, viewer_a
) -> None:
    milestone, measure = mp4
    with inside(nordre_land):
        _approve_draft(nordre_land, leader_a, routines_a)

    # When a viewer asks (anyone who reads the plan sees the suggestion)
    response = api_as(viewer_a, nordre_land).get(URL)

    # Then MP4 is offered with its plan, version and routines; the measure too
    assert response.status_code == 200, response.content
    body = response.json()
    assert [m["code"] for m in body["milestones"]] == ["MP4"]
    offered = body["milestones"][0]
    assert offered["id"] == milestone.pk
    assert offered["plan"] == {"id": plan_a.pk, "title": plan_a.title}
    assert offered["version"] == milestone.version
    assert {r["id"] for r in offered["routines"]} == {r.pk for r in routines_a}
    assert all(r["approved_on"] for r in offered["routines"])
    assert [m["id"] for m in body["measures"]] == [measure.pk]
    # narrowed to the plan, the same; a plan that is not there is a 404
    client = api_as(leader_a, nordre_land)
    assert client.get(URL, {"plan": plan_a.pk}).json() == body
    assert client.get(URL, {"plan": 987654}).status_code == 404
    assert client.get(URL, {"plan": "abc"}).status_code == 404
    assert client.get(URL, {"plan": "9" * 30}).status_code == 404
    # and the GET wrote nothing
    with inside(nordre_land):
        assert Milestone.objects.get(pk=milestone.pk).status == milestone.status


def test_other_municipalities_and_anonymous_see_nothing(
    mp4, routines_a, nordre_land, nesseby, leader_a, leader_b
) -> None:
    with inside(nordre_land):
        _approve_draft(nordre_land, leader_a, routines_a)
    # Nesseby's leader on Nordre Land's host: 404 (as for a municipality not there)
    assert api_as(leader_b, nordre_land).get(URL).status_code == 404
    # anonymous: refused
    assert api_as(None, nordre_land).get(URL).status_code in (401, 403)
    # Nesseby's leader on Nesseby's host: Nesseby has no linked routines
    response = api_as(leader_b, nesseby).get(URL)
    assert response.status_code == 200
    assert response.json() == {"milestones": [], "measures": []}


def test_the_query_count_does_not_grow_with_the_rows(
    mp4, plan_a, routines_a, nordre_land, leader_a, django_assert_max_num_queries
) -> None:
    with inside(nordre_land):
        _approve_draft(nordre_land, leader_a, routines_a)
    client = api_as(leader_a, nordre_land)
    client.get(URL)  # warm: the token's and membership's first reads

    def queries() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL).status_code == 200
        return len(captured)

    few = queries()
    # When every milestone and measure of the plan is linked to the approved routines
    with inside(nordre_land):
        milestones = list(plan_a.milestones.values_list("pk", flat=True))
        measures = list(Measure.objects.filter(plan=plan_a).values_list("pk", flat=True))
        for routine in Routine.objects.filter(status=RoutineStatus.APPROVED):
            services.update_routine(
                nordre_land,
                leader_a,
                routine,
                {"milestones": milestones, "measures": measures},
                version=routine.version,
            )
        assert len(milestones_ready(plan_a)) > 1
    # Then the request costs the same number of queries
    assert queries() == few
    with django_assert_max_num_queries(few):
        client.get(URL)
