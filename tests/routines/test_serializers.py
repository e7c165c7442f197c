"""The routine's JSON, written out by hand for speed, is what its declared fields give.

`RoutineSerializer.to_representation` skips DRF's field-by-field walk; the declared fields
still document the schema. Given routines in every state (approved with a draft under way,
approved with adoptions and plan links, a first draft, retired), both ways give the same.
"""

from __future__ import annotations

import datetime

from rest_framework import serializers

from tenants.routines import services
from tenants.routines.api import listed_routines
from tenants.routines.models import Routine
from tenants.routines.rows import routine_rows, routine_values
from tenants.routines.serializers import RoutineSerializer
from tests.plans.conftest import inside


def _declared(routine) -> dict:
    # The generic walk over the declared fields, as DRF would do it without the override.
    return dict(serializers.ModelSerializer.to_representation(RoutineSerializer(), routine))


def test_the_written_out_json_is_the_declared_fields(
    routines_a, units_a, nordre_land, leader_a
) -> None:
    from tenants.plans import services as plan_services

    with inside(nordre_land):
        approved, agreement, _draft = routines_a
        plan = plan_services.create_plan(
            nordre_land, leader_a,
            {"title": "P", "start": datetime.date(2018, 1, 1), "end": datetime.date(2018, 12, 31)},
        )  # fmt: skip
        late, early = (
            plan_services.create_milestone(
                nordre_land, plan, leader_a, {"code": code, "title": code, "due": due}
            )
            for code, due in (
                ("MP9", datetime.date(2018, 9, 1)),
                ("MP1", datetime.date(2018, 2, 1)),
            )
        )
        services.update_routine(
            nordre_land, leader_a, agreement, {"milestones": [late.pk, early.pk]},
            version=agreement.version,
        )  # fmt: skip
        agreement.refresh_from_db()
        services.update_routine(
            nordre_land, leader_a, approved, {"title": "Ny tittel"}, version=approved.version
        )
        services.record_unit_adoption(
            nordre_land, leader_a, agreement, unit=units_a["Helsestasjonen"].pk,
            adopted_on=datetime.date(2019, 1, 1),
        )  # fmt: skip
        retired = services.create_routine(
            nordre_land, leader_a,
            {"title": "Går ut", "owner_unit": units_a["PPT"].pk,
             "steps": [{"action": "Gjør det.", "responsible_unit": units_a["PPT"].pk}]},
        )  # fmt: skip
        retired = services.approve_routine(
            nordre_land, leader_a, retired, version=retired.version,
            approved_on=datetime.date(2020, 1, 1), approved_by="Rådmannen",
        )  # fmt: skip
        services.retire_routine(
            nordre_land, leader_a, retired, version=retired.version,
            retired_on=datetime.date(2021, 1, 1),
        )  # fmt: skip
        rows = list(listed_routines())
        assert len(rows) == 4
        for routine in rows:
            written = RoutineSerializer(routine).data
            assert written == _declared(routine)
        # The list's rows, read as values, are the same JSON.
        today = datetime.date.today()
        listed = routine_rows(list(routine_values(Routine.objects.all())), today)
        assert listed == [dict(RoutineSerializer(routine).data) for routine in rows]
        states = {(r.status, r.draft_id is not None) for r in rows}
        assert states == {
            ("approved", True),
            ("approved", False),
            ("draft", True),
            ("retired", False),
        }
