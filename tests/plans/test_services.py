"""The services hold the plan's rules on their own (pages will call them without the API).

Given Nordre Land's seed plan, built through these same services.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from samla.accounts.models import MunicipalityRole
from tenants.plans import services
from tenants.plans.models import Activity, BudgetLine, Milestone, Phase, Plan, Risk
from tests.conftest import make_member
from tests.plans.conftest import inside
from tests.plans.test_validators import national_id

D = datetime.date


def test_the_seed_plan_is_complete(plan_a, nordre_land) -> None:
    with inside(nordre_land):
        assert list(plan_a.milestones.values_list("code", flat=True)) == [
            "MP1", "MP3", "MP6", "MP2", "MP4", "MP5", "MP7", "MP8",
        ]  # fmt: skip
        assert [r.score for r in plan_a.risks.all()] == [8, 4]
        assert services.budget_totals(plan_a)["cost"] == Decimal("230000.00")
        assert plan_a.bodies.get(kind="steering").members.count() == 5
        assert list(
            plan_a.activities.get(code="HA01").milestones.values_list("code", flat=True)
        ) == ["MP1"]


def test_services_refuse_with_field_errors(plan_a, nordre_land, leader_a) -> None:
    with inside(nordre_land):
        with pytest.raises(ValidationError) as raised:
            services.create_risk(
                nordre_land,
                plan_a,
                leader_a,
                {"title": f"Elev {national_id('010190')}", "likelihood": 7, "consequence": 0},
            )
        errors = raised.value.message_dict
        assert errors["likelihood"] == ["Bruk en verdi fra 1 til 5."]
        assert errors["consequence"] == ["Bruk en verdi fra 1 til 5."]
        assert "fødselsnummer" in errors["title"][0]

        with pytest.raises(ValidationError) as raised:
            services.create_milestone(
                nordre_land,
                plan_a,
                leader_a,
                {"code": "mp2", "title": "Igjen", "due": D(2019, 1, 1)},
            )
        assert set(raised.value.message_dict) == {"code", "due"}

        with pytest.raises(ValidationError) as raised:
            services.create_budget_line(
                nordre_land,
                plan_a,
                leader_a,
                {"kind": "grant", "label": "Tilskudd", "amount": Decimal("-5")},
            )
        assert raised.value.message_dict["amount"] == ["Beløpet kan ikke være negativt."]
        assert plan_a.risks.count() == 2 and plan_a.budget_lines.count() == 5


def test_the_database_refuses_what_slips_past_the_services(plan_a, nordre_land) -> None:
    """CheckConstraints and the partial unique constraint are the last line."""
    with inside(nordre_land):
        bad_rows = [
            Risk(plan=plan_a, title="R", likelihood=6, consequence=1),
            Risk(plan=plan_a, title="R", likelihood=1, consequence=0),
            BudgetLine(plan=plan_a, kind="cost", label="L", amount=Decimal("-0.01")),
            Plan(title="P", start=D(2018, 2, 1), end=D(2018, 1, 1)),
            Activity(plan=plan_a, code="HA99", name="A", start_month=D(2018, 3, 1),
                     end_month=D(2018, 2, 1)),
            Activity(plan=plan_a, code="HA98", name="A", start_month=D(2018, 3, 5),
                     end_month=D(2018, 4, 1)),
            Milestone(plan=plan_a, code="mp1", title="Igjen", due=D(2018, 1, 1)),
        ]  # fmt: skip
        for row in bad_rows:
            with pytest.raises(IntegrityError), transaction.atomic():
                row.save()

        Phase.objects.create(plan=plan_a, name="Fase 1", is_current=True)
        with pytest.raises(IntegrityError), transaction.atomic():
            Phase.objects.create(plan=plan_a, name="Fase 2", is_current=True)


def test_risk_score_is_likelihood_times_consequence(plan_a, nordre_land, leader_a) -> None:
    with inside(nordre_land):
        risk = plan_a.risks.get(title__startswith="Prosjektleder syk")
        assert risk.score == 4
        risk = services.update_risk(
            nordre_land, risk, leader_a, {"likelihood": 5}, version=risk.version
        )
        assert risk.score == 20
        assert plan_a.risks.order_by("-score").first().pk == risk.pk


def test_approval_needs_the_leader(plan_a, nordre_land, leader_a) -> None:
    editor = make_member(nordre_land, "redaktor.nl", role=MunicipalityRole.EDITOR)
    with inside(nordre_land):
        with pytest.raises(PermissionDenied):
            services.approve_plan(nordre_land, plan_a, editor)
        assert Plan.objects.get(pk=plan_a.pk).status == "draft"

        plan = services.approve_plan(
            nordre_land, plan_a, leader_a, approved_on=D(2017, 11, 6), approved_by="Styringsgruppa"
        )
        assert (plan.status, plan.approved_on, plan.approved_by) == (
            "approved", D(2017, 11, 6), "Styringsgruppa",
        )  # fmt: skip


def test_reopening_a_plan_clears_its_approval(plan_a, nordre_land, leader_a) -> None:
    with inside(nordre_land):
        plan = services.approve_plan(nordre_land, plan_a, leader_a)
        assert plan.approved_by == "leder.nordre-land"
        plan = services.update_plan(
            nordre_land, plan, leader_a, {"status": "draft"}, version=plan.version
        )
        assert (plan.status, plan.approved_on, plan.approved_by) == ("draft", None, "")


def test_a_submitted_report_is_frozen(plan_a, nordre_land, leader_a, leader_api) -> None:
    base = f"/api/plans/{plan_a.pk}"
    with inside(nordre_land):
        done = plan_a.milestones.get(code="MP1")
        services.update_milestone(
            nordre_land, done, leader_a, {"status": "done", "done_on": D(2017, 11, 6)}, version=1
        )
    report = leader_api.post(
        f"{base}/status-reports/",
        {"date": "2018-02-01", "summary": "Kartleggingen er i gang.", "economy": "Ikke avklart"},
        format="json",
    ).json()

    # when the leader submits it
    submitted = leader_api.post(f"{base}/status-reports/{report['id']}/submit/", {}, format="json")

    # then it carries the milestone states of that moment
    assert submitted.status_code == 200, submitted.content
    snapshot = submitted.json()["snapshot"]
    states = {m["code"]: m["status"] for m in snapshot["milestones"]}
    assert states["MP1"] == "done" and states["MP8"] == "planned" and len(states) == 8
    assert snapshot["budget"]["cost"] == "230000.00"
    assert [r["score"] for r in snapshot["risks"]] == [8, 4]
    assert submitted.json()["submitted_by"] == "leder.nordre-land"

    # when a milestone changes afterwards, the report does not
    with inside(nordre_land):
        mp8 = plan_a.milestones.get(code="MP8")
        services.update_milestone(nordre_land, mp8, leader_a, {"status": "missed"}, version=1)
    url = f"{base}/status-reports/{report['id']}/"
    again = leader_api.get(url).json()
    assert {m["code"]: m["status"] for m in again["snapshot"]["milestones"]}["MP8"] == "planned"

    # and the report itself can neither change nor go
    changed = leader_api.patch(url, {"summary": "Omskrevet", "version": 2}, format="json")
    assert changed.status_code == 400
    assert changed.json()["non_field_errors"] == ["Rapporten er sendt inn og kan ikke endres."]
    deleted = leader_api.delete(url)
    assert deleted.status_code == 400
    resubmitted = leader_api.post(f"{url}submit/", {}, format="json")
    assert resubmitted.json()["non_field_errors"] == ["Rapporten er allerede sendt inn."]
    assert leader_api.get(url).json()["summary"] == "Kartleggingen er i gang."


def test_body_and_members_are_written_together_or_not_at_all(plan_a, nordre_land, leader_a) -> None:
    with inside(nordre_land):
        with pytest.raises(ValidationError) as raised:
            services.create_body(
                nordre_land,
                plan_a,
                leader_a,
                {
                    "kind": "project",
                    "name": "Prosjektgruppe",
                    "members": [{"name": "Tove Lillejordet"}, {"name": ""}],
                },
            )
        assert raised.value.message_dict["members"] == [
            "Medlem 2, navn: Feltet kan ikke være blankt."
        ]
        assert plan_a.bodies.count() == 3  # the seed's three bodies, no new one


def test_deleting_a_plan_takes_all_its_parts(plan_a, nordre_land, leader_a) -> None:
    with inside(nordre_land):
        top = services.create_goal(
            nordre_land, plan_a, leader_a, {"level": "main", "text": "Hovedmål"}
        )
        services.create_goal(
            nordre_land, plan_a, leader_a, {"level": "sub", "text": "Delmål", "parent": top.pk}
        )
        services.create_measure(
            nordre_land, plan_a, leader_a, {"text": "Tiltak", "goals": [top.pk]}
        )
        services.create_meeting(nordre_land,
            plan_a, leader_a, {"title": "Møte", "held_on": D(2018, 1, 10),
                               "body": plan_a.bodies.get(kind="steering").pk},
        )  # fmt: skip

        services.delete_plan(nordre_land, plan_a, leader_a)

        assert not Plan.objects.filter(pk=plan_a.pk).exists()
        assert not Milestone.objects.exists() and not Risk.objects.exists()
