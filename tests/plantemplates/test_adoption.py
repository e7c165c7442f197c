"""A member municipality starts a plan from a network's template and takes its changes.

Nothing is overwritten silently: when the network publishes two changes, the leader takes
one; the other stays in the list, not taken, and the municipality's own edits stay.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django_tenants.utils import tenant_context

from samla.accounts.models import MunicipalityRole
from tenants.plans import models as m
from tenants.plans import services as plan_services
from tenants.template_adoptions import services
from tenants.template_adoptions.models import Adoption
from tests.conftest import make_member
from tests.plantemplates.conftest import edited

START = datetime.date(2026, 1, 1)
PLAN = {"title": "Vår 0–24-plan", "start": START}


def test_a_leader_starts_a_plan_from_the_template(nordre_land, leader_a, template_x):
    with tenant_context(nordre_land):
        plan = services.start_plan_from_network_template(nordre_land, leader_a, template_x.pk, PLAN)
        assert plan.title == "Vår 0–24-plan"
        assert plan.purpose == "Felles mal"
        assert list(plan.milestones.values_list("code", "due")) == [
            ("MP1", datetime.date(2026, 6, 1)),
            ("MP2", datetime.date(2026, 9, 1)),
        ]
        assert plan.phases.count() == 2
        assert m.Goal.objects.get(plan=plan, text="Rutiner vedtatt").parent.text == (
            "Alle barn får hjelp tidlig"
        )
        assert list(
            m.Activity.objects.get(plan=plan).milestones.values_list("code", flat=True)
        ) == ["MP1"]
        adoption = Adoption.objects.get(plan=plan)
        assert (adoption.template_id, adoption.started_version) == (template_x.pk, 1)
        # History applies: the rows were written by the plans' services
        assert m.Change.objects.filter(plan_id=plan.pk).count() > 5
        assert services.pending_changes(adoption) == (1, [])


def test_a_non_member_cannot_start_from_another_networks_template(nesseby, leader_b, template_x):
    with tenant_context(nesseby), pytest.raises(Http404):
        services.start_plan_from_network_template(nesseby, leader_b, template_x.pk, PLAN)


def test_an_unpublished_template_is_not_found(nordre_land, leader_a, draft_x):
    with tenant_context(nordre_land), pytest.raises(Http404):
        services.start_plan_from_network_template(nordre_land, leader_a, draft_x.pk, PLAN)


def test_an_editor_cannot_start_or_take(nordre_land, template_x, leader_a):
    editor = make_member(nordre_land, "redaktor.nl", MunicipalityRole.EDITOR)
    with tenant_context(nordre_land):
        with pytest.raises(PermissionDenied):
            services.start_plan_from_network_template(nordre_land, editor, template_x.pk, PLAN)
        plan = services.start_plan_from_network_template(nordre_land, leader_a, template_x.pk, PLAN)
        with pytest.raises(PermissionDenied):
            services.take_changes(nordre_land, plan, editor, ["x"], template_version=1)


def test_taking_one_of_two_changes_keeps_the_other_and_the_municipalitys_edits(
    nordre_land, leader_a, coordinator_x, template_x
):
    with tenant_context(nordre_land):
        # Given a plan started from version 1, with the municipality's own edit of MP1
        plan = services.start_plan_from_network_template(nordre_land, leader_a, template_x.pk, PLAN)
        mp1 = plan.milestones.get(code="MP1")
        plan_services.update_milestone(
            nordre_land, mp1, leader_a, {"responsible": "Oppvekstsjef"}, version=mp1.version
        )

    # When the network publishes version 2 with two changes: MP1's due moved, MP3 added
    def change(content):
        content["milestones"][0]["at"] = [6]
        content["milestones"].append({"code": "MP3", "title": "Evaluering", "at": [11]})

    edited(template_x, coordinator_x, change)

    with tenant_context(nordre_land):
        adoption = Adoption.objects.get(plan=plan)
        latest, pending = services.pending_changes(adoption)
        assert latest == 2
        assert [(c.key, c.kind) for c in pending] == [
            ("milestone:MP1", "changed"),
            ("milestone:MP3", "added"),
        ]

        # And the leader takes only the changed MP1
        services.take_changes(nordre_land, plan, leader_a, ["milestone:MP1"], template_version=2)

        # Then MP1 moved, and keeps the municipality's own responsible
        mp1 = plan.milestones.get(code="MP1")
        assert mp1.due == datetime.date(2026, 7, 1)
        assert mp1.responsible == "Oppvekstsjef"
        assert mp1.title == "Kartlegging ferdig"
        # and MP3 is not in the plan: it was not taken, and still listed
        assert not plan.milestones.filter(code="MP3").exists()
        adoption.refresh_from_db()
        assert [(c.key, c.kind) for c in services.pending_changes(adoption)[1]] == [
            ("milestone:MP3", "added")
        ]
        assert [t["key"] for t in adoption.taken] == ["milestone:MP1"]
        # and the history names the change to MP1 like any other edit
        assert (
            m.Change.objects.filter(
                plan_id=plan.pk, object_type="milestone", object_id=mp1.pk
            ).count()
            == 3
        )


def test_removed_added_and_changed_parts_of_every_kind(
    nordre_land, leader_a, coordinator_x, template_x
):
    with tenant_context(nordre_land):
        plan = services.start_plan_from_network_template(nordre_land, leader_a, template_x.pk, PLAN)

    def change(content):
        content["decision_points"] = []
        content["phases"][1]["description"] = "Lage og vedta rutiner"
        content["goals"][0]["children"].append({"level": "work", "text": "Evaluert", "due": [11]})
        content["activities"].append(
            {
                "code": "HA02",
                "name": "Rutiner",
                "first_month": 5,
                "last_month": 7,
                "milestones": ["MP2"],
            }
        )
        content["bodies"].append({"kind": "project", "name": "Prosjektgruppe", "mandate": "Gjør"})

    edited(template_x, coordinator_x, change)
    with tenant_context(nordre_land):
        adoption = Adoption.objects.get(plan=plan)
        keys = [c.key for c in services.pending_changes(adoption)[1]]
        assert len(keys) == 5
        services.take_changes(nordre_land, plan, leader_a, keys, template_version=2)
        assert not plan.decision_points.exists()
        assert plan.phases.get(name="Rutiner").description == "Lage og vedta rutiner"
        assert m.Goal.objects.get(plan=plan, text="Evaluert").parent.text == (
            "Alle barn får hjelp tidlig"
        )
        ha02 = m.Activity.objects.get(plan=plan, code="HA02")
        assert list(ha02.milestones.values_list("code", flat=True)) == ["MP2"]
        assert plan.bodies.filter(name="Prosjektgruppe").exists()
        adoption.refresh_from_db()
        assert services.pending_changes(adoption) == (2, [])


def test_bad_choices_write_nothing(nordre_land, leader_a, coordinator_x, template_x):
    with tenant_context(nordre_land):
        plan = services.start_plan_from_network_template(nordre_land, leader_a, template_x.pk, PLAN)
        # The municipality already made its own MP3
        plan_services.create_milestone(
            nordre_land, plan, leader_a, {"code": "MP3", "title": "Egen", "due": START}
        )

    def change(content):
        content["milestones"][1]["title"] = "Rutiner godkjent"
        content["milestones"].append({"code": "MP3", "title": "Evaluering", "at": [11]})

    edited(template_x, coordinator_x, change)
    with tenant_context(nordre_land):
        count = m.Change.objects.count()
        for keys, version, field in [
            (["milestone:MP9"], 2, "keys"),  # unknown
            ([], 2, "keys"),
            (["milestone:MP2", "milestone:MP3"], 2, "keys"),  # MP3 is the plan's own
        ]:
            with pytest.raises(ValidationError) as refused:
                services.take_changes(nordre_land, plan, leader_a, keys, template_version=version)
            assert field in refused.value.message_dict
        # A list read before the network published again is a conflict
        with pytest.raises(services.StaleAdoption):
            services.take_changes(
                nordre_land, plan, leader_a, ["milestone:MP2"], template_version=1
            )
        # Nothing was written
        assert m.Change.objects.count() == count
        assert plan.milestones.get(code="MP2").title == "Rutiner vedtatt"
        assert plan.milestones.get(code="MP3").title == "Egen"
        assert len(services.pending_changes(Adoption.objects.get(plan=plan))[1]) == 2
