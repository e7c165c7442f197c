"""The routine services hold the rules on their own: drafts, approval, versions, reviews.

Given Nordre Land's units and routines (seed 000), built through the same services.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tenants.plans.services.engine import StaleVersion
from tenants.routines import services
from tenants.routines.content import diff, version_content
from tenants.routines.models import (
    Routine,
    RoutineStatus,
    RoutineStep,
    RoutineVersion,
    Unit,
    UnitAdoption,
)
from tests.conftest import make_member
from tests.plans.conftest import inside
from tests.plans.test_validators import national_id

D = datetime.date
FNR = national_id("150312")


def _data(by_name, **over):
    data = {
        "title": "Rutine for tverrfaglig observasjon",
        "purpose": "Observere barnet sammen før tiltak velges.",
        "level": "individual",
        "bti_levels": [1],
        "owner_unit": by_name["Barnehagene"].pk,
        "units": [by_name["Barnehagene"].pk, by_name["PPT"].pk],
        "review_interval_months": 12,
        "steps": [{"action": "Avtal observasjon.", "responsible_unit": by_name["PPT"].pk}],
    }
    data.update(over)
    return data


def test_seed_routines_are_approved_and_due_a_review(routines_a, nordre_land) -> None:
    with inside(nordre_land):
        first, second, draft = (Routine.objects.listed().get(pk=r.pk) for r in routines_a)
        assert first.status == RoutineStatus.APPROVED
        assert first.current.number == 1 and first.draft is None
        assert first.next_review == D(2019, 3, 20)  # approved 2018-03-20, every 12 months
        assert second.next_review == D(2020, 4, 1)  # every 24 months
        assert draft.status == RoutineStatus.DRAFT and draft.current is None
        assert [s.order for s in first.current.steps.all()] == [1, 2, 3]
        assert sorted(first.current.methods) == ["ansvarsgruppe"]


def test_editing_an_approved_routine_starts_a_new_draft_and_keeps_the_old(
    routines_a, nordre_land, editor_a
) -> None:
    with inside(nordre_land):
        routine = routines_a[0]
        changed = services.update_routine(
            nordre_land, editor_a, routine, {"title": "Overgang barnehage–skole"},
            version=routine.version,
        )  # fmt: skip
        assert changed.status == RoutineStatus.APPROVED  # the approved version stays in force
        assert changed.current.number == 1 and changed.draft.number == 2
        assert changed.current.title == "Overgang fra barnehage til skole"
        assert changed.draft.title == "Overgang barnehage–skole"
        # The draft carries the content over: steps, units, methods.
        assert changed.draft.steps.count() == 3
        assert set(changed.draft.units.all()) == set(changed.current.units.all())
        before = version_content(changed.current)
        after = version_content(changed.draft)
        assert [d.field for d in diff(before, after)] == ["title"]


def test_an_approved_version_is_frozen(routines_a, nordre_land, leader_a) -> None:
    with inside(nordre_land):
        routine = routines_a[0]
        first = routine.current
        routine = services.update_routine(
            nordre_land, leader_a, routine, {"purpose": "Ny tekst."}, version=routine.version
        )
        routine = services.approve_routine(
            nordre_land, leader_a, routine, version=routine.version,
            approved_on=D(2019, 3, 1), approved_by="Kommunalsjef oppvekst",
        )  # fmt: skip
        first.refresh_from_db()
        assert first.purpose.startswith("Sikre at barn")
        assert routine.current.number == 2 and routine.current.purpose == "Ny tekst."
        assert routine.next_review == D(2020, 3, 1)
        assert list(routine.versions.values_list("number", flat=True)) == [1, 2]


def test_only_leaders_approve(routines_a, nordre_land, editor_a, viewer_a) -> None:
    with inside(nordre_land):
        draft = routines_a[2]
        for user in (editor_a, viewer_a):
            with pytest.raises(PermissionDenied):
                services.approve_routine(
                    nordre_land, user, draft, version=draft.version,
                    approved_on=D(2024, 1, 1), approved_by="Rådmannen",
                )  # fmt: skip
        assert Routine.objects.get(pk=draft.pk).status == RoutineStatus.DRAFT


def test_viewers_and_ended_consultants_do_not_write(
    units_a, nordre_land, viewer_a, consultant_a
) -> None:
    ended = make_member(
        nordre_land, "konsulent.slutt", role="consultant", valid_until=D(2020, 1, 1)
    )
    with inside(nordre_land):
        made = services.create_routine(nordre_land, consultant_a, _data(units_a))
        assert made.draft.title == "Rutine for tverrfaglig observasjon"
        for user in (viewer_a, ended):
            with pytest.raises(PermissionDenied):
                services.create_routine(nordre_land, user, _data(units_a))
        assert Routine.objects.count() == 1


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"review_interval_months": 0}, "review_interval_months"),
        ({"review_interval_months": -3}, "review_interval_months"),
        ({"owner_unit": 999_999}, "owner_unit"),
        ({"units": [999_999]}, "units"),
        ({"steps": [{"action": "Uten ansvarlig"}]}, "steps"),
        ({"steps": [{"action": "Ukjent enhet", "responsible_unit": 999_999}]}, "steps"),
        ({"bti_levels": [4]}, "bti_levels"),
        ({"methods": ["finnes-ikke"]}, "methods"),
        ({"title": ""}, "title"),
        ({"purpose": f"Gjelder barnet med fødselsnummer {FNR}."}, "purpose"),
        ({"milestones": [999_999]}, "milestones"),
    ],
)
def test_bad_content_is_refused_in_norwegian_and_nothing_is_written(
    units_a, nordre_land, leader_a, methods, over, field
) -> None:
    with inside(nordre_land):
        steps_before = RoutineStep.objects.count()
        with pytest.raises(ValidationError) as raised:
            services.create_routine(nordre_land, leader_a, _data(units_a, **over))
        assert field in raised.value.message_dict
        assert Routine.objects.count() == 0
        assert RoutineVersion.objects.count() == 0
        assert RoutineStep.objects.count() == steps_before


def test_a_national_identity_number_in_a_step_is_refused(units_a, nordre_land, leader_a) -> None:
    with inside(nordre_land):
        step = {"action": f"Ring {FNR}", "responsible_unit": units_a["PPT"].pk}
        with pytest.raises(ValidationError) as raised:
            services.create_routine(nordre_land, leader_a, _data(units_a, steps=[step]))
        assert "Trinn 1" in raised.value.message_dict["steps"][0]


def test_approving_needs_a_body_or_role_and_a_past_date(routines_a, nordre_land, leader_a) -> None:
    with inside(nordre_land):
        draft = routines_a[2]
        with pytest.raises(ValidationError) as raised:
            services.approve_routine(
                nordre_land, leader_a, draft, version=draft.version, approved_on=D(2024, 1, 1)
            )
        assert "approved_by" in raised.value.message_dict
        with pytest.raises(ValidationError) as raised:
            services.approve_routine(
                nordre_land, leader_a, draft, version=draft.version,
                approved_on=datetime.date.today() + datetime.timedelta(days=3),
                approved_by="Rådmannen",
            )  # fmt: skip
        assert "approved_on" in raised.value.message_dict
        assert Routine.objects.get(pk=draft.pk).status == RoutineStatus.DRAFT


def test_a_stale_version_is_refused(routines_a, nordre_land, leader_a) -> None:
    with inside(nordre_land):
        routine = routines_a[0]
        services.update_routine(
            nordre_land, leader_a, routine, {"title": "Først"}, version=routine.version
        )
        with pytest.raises(StaleVersion):
            services.update_routine(
                nordre_land, leader_a, routine, {"title": "Sist"}, version=routine.version
            )
        assert Routine.objects.get(pk=routine.pk).draft.title == "Først"


def test_a_used_unit_cannot_be_deleted(routines_a, units_a, nordre_land, leader_a) -> None:
    with inside(nordre_land):
        with pytest.raises(ValidationError):
            services.delete_unit(nordre_land, leader_a, units_a["PPT"])
        assert Unit.objects.filter(pk=units_a["PPT"].pk).exists()
        unused = services.create_unit(nordre_land, leader_a, {"name": "Kulturskolen"})
        services.delete_unit(nordre_land, leader_a, unused)
        assert not Unit.objects.filter(name="Kulturskolen").exists()


def test_unit_names_are_unique_whatever_the_case(units_a, nordre_land, leader_a) -> None:
    with inside(nordre_land):
        with pytest.raises(ValidationError) as raised:
            services.create_unit(nordre_land, leader_a, {"name": "ppt"})
        assert "name" in raised.value.message_dict


def test_in_use_when_every_unit_has_adopted(routines_a, units_a, nordre_land, editor_a) -> None:
    with inside(nordre_land):
        routine = Routine.objects.listed().get(pk=routines_a[1].pk)
        unit_ids = [u.pk for u in routine.current.units.all()]
        services.record_unit_adoption(
            nordre_land, editor_a, routine, unit=units_a["Helsestasjonen"].pk,
            adopted_on=D(2018, 5, 1),
        )  # fmt: skip
        adopted = UnitAdoption.objects.filter(routine=routine).values_list("unit_id", flat=True)
        assert not services.in_use(unit_ids, adopted)
        services.record_unit_adoption(
            nordre_land, editor_a, routine, unit=units_a["Barneverntjenesten"].pk,
            adopted_on=D(2018, 6, 1),
        )  # fmt: skip
        adopted = UnitAdoption.objects.filter(routine=routine).values_list("unit_id", flat=True)
        assert services.in_use(unit_ids, adopted)
        with pytest.raises(ValidationError) as raised:
            services.record_unit_adoption(
                nordre_land, editor_a, routine, unit=units_a["NAV Nordre Land"].pk,
                adopted_on=D(2018, 6, 1),
            )  # fmt: skip
        assert "unit" in raised.value.message_dict


def test_a_review_moves_the_next_due_date(routines_a, nordre_land, leader_a) -> None:
    with inside(nordre_land):
        routine = routines_a[0]
        review = services.record_review(
            nordre_land, leader_a, routine, version=routine.version, reviewed_on=D(2019, 2, 1),
            note="Fungerer.",
        )  # fmt: skip
        routine.refresh_from_db()
        assert review.reviewed_by
        assert routine.last_reviewed == D(2019, 2, 1)
        assert routine.next_review == D(2020, 2, 1)


def test_discarding_a_first_draft_removes_the_routine(routines_a, nordre_land, editor_a) -> None:
    with inside(nordre_land):
        draft = routines_a[2]
        assert services.discard_draft(nordre_land, editor_a, draft, version=draft.version) is None
        assert not Routine.objects.filter(pk=draft.pk).exists()


def test_retired_routines_are_kept_and_not_changed(routines_a, nordre_land, leader_a) -> None:
    with inside(nordre_land):
        routine = services.retire_routine(
            nordre_land, leader_a, routines_a[0], version=routines_a[0].version,
            retired_on=D(2022, 1, 1),
        )  # fmt: skip
        assert routine.status == RoutineStatus.RETIRED and routine.next_review is None
        with pytest.raises(ValidationError):
            services.update_routine(
                nordre_land, leader_a, routine, {"title": "X"}, version=routine.version
            )
        assert routine.versions.count() == 1


def test_a_milestone_a_routine_fulfils_is_deleted_and_restored_through_the_plans_history(
    routines_a, nordre_land, leader_a
) -> None:
    # The plan's history records and restores the plan's own links; a routine's link to a
    # milestone is the routine's and never makes the plan's restore look for it.
    from tenants.plans import services as plan_services
    from tenants.plans.models import Change, Milestone

    with inside(nordre_land):
        plan = plan_services.create_plan(
            nordre_land, leader_a, {"title": "Samhandling", "start": D(2018, 1, 1),
                                    "end": D(2018, 12, 31)},
        )  # fmt: skip
        mp4 = plan_services.create_milestone(
            nordre_land, plan, leader_a,
            {"code": "MP4", "title": "Forslag til rutiner er utarbeidd", "due": D(2018, 4, 1)},
        )  # fmt: skip
        routine = routines_a[0]
        services.update_routine(
            nordre_land, leader_a, routine, {"milestones": [mp4.pk]}, version=routine.version
        )
        mp4_id = mp4.pk
        plan_services.delete_milestone(nordre_land, mp4, leader_a)
        deletion = Change.objects.get(object_type="milestone", object_id=mp4_id, action="delete")
        back = plan_services.restore_deleted(nordre_land, plan, leader_a, deletion.pk)
        assert isinstance(back, Milestone) and back.pk == mp4_id
        assert "routines" not in (deletion.before or {})
