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
from tenants.routines.serializers import RoutineSerializer
from tests.plans.conftest import inside


def _declared(routine) -> dict:
    # The generic walk over the declared fields, as DRF would do it without the override.
    return dict(serializers.ModelSerializer.to_representation(RoutineSerializer(), routine))


def test_the_written_out_json_is_the_declared_fields(
    routines_a, units_a, nordre_land, leader_a
) -> None:
    with inside(nordre_land):
        approved, agreement, _draft = routines_a
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
        states = {(r.status, r.draft_id is not None) for r in rows}
        assert states == {
            ("approved", True),
            ("approved", False),
            ("draft", True),
            ("retired", False),
        }
