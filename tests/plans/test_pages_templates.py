"""Starting a plan from a template and moving a plan's start, on the plan pages.

Given Nordre Land and its members; the rules themselves are tested in test_blueprints.
"""

from __future__ import annotations

import datetime

from tenants.plans import services
from tenants.plans.models import Milestone, MilestoneStatus, Phase, Plan
from tests.plans.conftest import inside
from tests.plans.test_pages import page, text_of

D = datetime.date
FROM_TEMPLATE = "/planer/ny/fra-mal/"


def test_the_leader_starts_a_plan_from_the_ks_template(leader_a, nordre_land) -> None:
    client = page(leader_a, nordre_land)
    # Given the page lists the templates
    shown = client.get(FROM_TEMPLATE)
    assert shown.status_code == 200
    assert "Fixsen" in text_of(shown) or "BTI" in text_of(shown)

    # When the leader picks the KS project plan and a start date
    created = client.post(
        FROM_TEMPLATE,
        {
            "template": "ks-prosjektplan",
            "title": "Tverrfaglig samarbeid 2027",
            "start": "2027-01-01",
        },
    )

    # Then the plan's overview opens, and the plan has the template's phases and milestones
    assert created.status_code == 302
    with inside(nordre_land):
        plan = Plan.objects.get(title="Tverrfaglig samarbeid 2027")
        assert plan.start == D(2027, 1, 1) and plan.status == "draft"
        assert Phase.objects.filter(plan=plan).count() == 4
        assert Milestone.objects.filter(plan=plan, due__gte=plan.start).count() > 0
    assert created["Location"] == f"/planer/{plan.pk}/"


def test_a_bad_template_choice_is_refused_and_writes_nothing(leader_a, nordre_land) -> None:
    with inside(nordre_land):
        before = Plan.objects.count()
    refused = page(leader_a, nordre_land).post(
        FROM_TEMPLATE, {"template": "finnes-ikke", "title": "", "start": "31.02.2027"}
    )
    assert refused.status_code == 400
    text = text_of(refused)
    assert "Velg et gyldig valg" in text or "gyldig" in text
    assert "Dette feltet er påkrevd" in text
    with inside(nordre_land):
        assert Plan.objects.count() == before


def test_a_viewer_cannot_start_a_plan_from_a_template(viewer_a, nordre_land) -> None:
    client = page(viewer_a, nordre_land)
    assert "Opprett planen" not in text_of(client.get(FROM_TEMPLATE))
    response = client.post(
        FROM_TEMPLATE, {"template": "ks-prosjektplan", "title": "X", "start": "2027-01-01"}
    )
    assert response.status_code == 403


def test_moving_the_start_moves_what_has_not_happened(plan_a: Plan, leader_a, nordre_land) -> None:
    # Given MP1 done and MP2 still planned
    with inside(nordre_land):
        mp1 = Milestone.objects.get(plan=plan_a, code="MP1")
        services.update_milestone(
            nordre_land,
            mp1,
            leader_a,
            {"status": MilestoneStatus.DONE, "done_on": mp1.due},
            version=1,
        )
        mp2_due = Milestone.objects.get(plan=plan_a, code="MP2").due
        plan_a.refresh_from_db()
    client = page(leader_a, nordre_land)
    url = f"/planer/{plan_a.pk}/flytt/"
    assert "Flytt planen" in text_of(client.get(url))

    # When the leader moves the start past the done MP1, which would leave it outside: refused
    refused = client.post(url, {"start": "2017-12-01", "version": plan_a.version})
    assert refused.status_code == 400
    assert "MP1 ville falt utenfor planperioden" in text_of(refused)
    with inside(nordre_land):
        assert Plan.objects.get(pk=plan_a.pk).start == plan_a.start

    # When the leader moves it one month earlier instead
    moved = client.post(url, {"start": "2017-08-01", "version": plan_a.version})

    # Then the plan and MP2 move by a month, and the done MP1 stays
    assert moved.status_code == 302
    with inside(nordre_land):
        assert Plan.objects.get(pk=plan_a.pk).start == D(2017, 8, 1)
        assert Milestone.objects.get(plan=plan_a, code="MP1").due == mp1.due
        assert Milestone.objects.get(plan=plan_a, code="MP2").due == mp2_due - datetime.timedelta(
            days=31
        )


def test_a_stale_move_gets_409_and_moves_nothing(plan_a: Plan, leader_a, nordre_land) -> None:
    stale = page(leader_a, nordre_land).post(
        f"/planer/{plan_a.pk}/flytt/", {"start": "2017-08-01", "version": plan_a.version + 5}
    )
    assert stale.status_code == 409
    assert "Noen andre har endret" in text_of(stale)
    with inside(nordre_land):
        assert Plan.objects.get(pk=plan_a.pk).start == plan_a.start


def test_moving_is_the_municipalitys_own(plan_a: Plan, leader_b, viewer_a, nordre_land) -> None:
    url = f"/planer/{plan_a.pk}/flytt/"
    assert page(leader_b, nordre_land).post(url, {"start": "2017-08-01"}).status_code == 404
    assert page(viewer_a, nordre_land).post(url, {"start": "2017-08-01"}).status_code == 403
    assert page(None, nordre_land).get(url).status_code == 302
    assert page(viewer_a, nordre_land).get("/planer/987654/flytt/").status_code == 404
    with inside(nordre_land):
        assert Plan.objects.get(pk=plan_a.pk).start == plan_a.start
