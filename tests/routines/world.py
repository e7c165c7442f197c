"""Committed routines for the API fuzzer's scratch municipality (tests/api/test_fuzz.py).

Units and routines in each state an operation needs to answer 2xx at least once: an
approved routine with two versions, an adoption and a review (the first in the list, so
the fuzzer's re-save examples land on it); a draft to approve; an approved routine to
retire; one with no adoption yet; a unit no routine names (deletable); and a draft never
approved, kept for the deletes run. Plus the requests the examples phase sends first, for
the operations whose every field must be right at once.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.utils import timezone

from tenants.models import Municipality
from tenants.routines import services
from tenants.routines.models import Routine, Unit


def _content(title: str, owner: Unit, other: Unit) -> dict[str, Any]:
    return {
        "title": title,
        "purpose": "Hvordan enhetene samarbeider.",
        "owner_unit": owner.pk,
        "units": [owner.pk, other.pk],
        "review_interval_months": 12,
        "steps": [
            {"action": "Avtal møte.", "responsible_unit": owner.pk, "timing": "Innen en uke"},
            {"action": "Følg opp.", "responsible_unit": other.pk},
        ],
    }


def make_fuzz_routines(tenant: Municipality, leader: AbstractBaseUser) -> dict[str, Any]:
    """Call inside the municipality's schema; returns `reserved` and `examples` for the world."""
    today = timezone.localdate()
    units = [
        services.create_unit(tenant, leader, {"name": name, "kind": kind, "order": order})
        for order, (name, kind) in enumerate(
            (("Fuzz barnehage", "kindergarten"), ("Fuzz PPT", "ppt"), ("Fuzz ledig", "other")),
            start=1,
        )
    ]
    owner, other, _spare = units

    def approved(title: str) -> Routine:
        routine = services.create_routine(tenant, leader, _content(title, owner, other))
        return services.approve_routine(
            tenant, leader, routine, version=routine.version, approved_on=today,
            approved_by="Fuzz-styringsgruppe",
        )  # fmt: skip

    first = approved("Fuzz: rutine i bruk")
    first = services.update_routine(
        tenant, leader, first, {"change_note": "Ny versjon"}, version=first.version
    )
    first = services.approve_routine(
        tenant, leader, first, version=first.version, approved_on=today, approved_by="Leder"
    )
    services.record_unit_adoption(
        tenant, leader, first, unit=owner.pk, adopted_on=today, confirmed_on=today
    )
    services.record_review(tenant, leader, first, version=first.version, reviewed_on=today)
    draft = services.create_routine(tenant, leader, _content("Fuzz: utkast", owner, other))
    to_retire = approved("Fuzz: rutine som går ut")
    to_adopt = approved("Fuzz: rutine uten innføring")
    doomed = services.create_routine(tenant, leader, _content("Fuzz: slettes", owner, other))

    return {
        "reserved": {"/api/routines/{routine_id}/": [doomed.pk]},
        "examples": {
            "POST /api/units/": [{"body": {"name": "Fuzz: ny enhet", "kind": "school"}}],
            "POST /api/routines/": [{"body": _content("Fuzz: ny rutine", owner, other)}],
            "GET /api/routines/{routine_id}/versions/{number}/": [
                {"path_parameters": {"routine_id": first.pk, "number": 2}}
            ],
            "POST /api/routines/{routine_id}/approve/": [
                {
                    "path_parameters": {"routine_id": draft.pk},
                    "body": {
                        "approved_on": today.isoformat(),
                        "approved_by": "Fuzz-styringsgruppe",
                        "__samla_current_version_of__": f"/api/routines/{draft.pk}/",
                    },
                }
            ],
            "POST /api/routines/{routine_id}/retire/": [
                {
                    "path_parameters": {"routine_id": to_retire.pk},
                    "body": {
                        "retired_on": today.isoformat(),
                        "__samla_current_version_of__": f"/api/routines/{to_retire.pk}/",
                    },
                }
            ],
            "POST /api/routines/{routine_id}/reviews/": [
                {
                    "path_parameters": {"routine_id": first.pk},
                    "body": {
                        "reviewed_on": today.isoformat(),
                        "note": "Gjennomgått.",
                        "__samla_current_version_of__": f"/api/routines/{first.pk}/",
                    },
                }
            ],
            "POST /api/routines/{routine_id}/adoptions/": [
                {
                    "path_parameters": {"routine_id": to_adopt.pk},
                    "body": {"unit": other.pk, "adopted_on": today.isoformat()},
                }
            ],
            "DELETE /api/routines/{routine_id}/": [
                {
                    "path_parameters": {"routine_id": doomed.pk},
                    "query": {"version": doomed.version},
                }
            ],
        },
    }
