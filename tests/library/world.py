"""The API fuzzer's routine library (tests/api/test_fuzz.py), committed.

A second member of the scratch network (the source) shares two approved routines to its
library; the scratch municipality adopts the first, and the source approves a new version
of it, so there are changes to take; the second is there to adopt. The scratch
municipality gets units of its own to map onto, and an approved routine to share.
Removed with the network (cascade) and the municipalities' schemas.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django_tenants.utils import tenant_context

from networks.models import LearningNetwork
from samla.accounts.models import User
from tenants.db import connection
from tenants.models import Municipality
from tenants.routines import services
from tenants.routines.models import Routine, Unit
from tenants.routines.services import library

# fuzz_hooks.py sets the body's `version` to the row's current one at this path.
CURRENT_VERSION_OF = "__samla_current_version_of__"
SOURCE_UNITS = ("Kilde barnehage", "Kilde PPT")


def _units(tenant: Municipality, leader: User, names: tuple[str, ...]) -> list[Unit]:
    return [
        services.create_unit(tenant, leader, {"name": name, "kind": "other", "order": 90 + n})
        for n, name in enumerate(names)
    ]


def _approved(tenant: Municipality, leader: User, title: str, units: list[Unit]) -> Routine:
    owner, other = units
    routine = services.create_routine(
        tenant,
        leader,
        {
            "title": title,
            "purpose": "Hvordan enhetene samarbeider.",
            "owner_unit": owner.pk,
            "units": [owner.pk, other.pk],
            "steps": [{"action": "Avtal møte.", "responsible_unit": other.pk}],
        },
    )
    return services.approve_routine(
        tenant, leader, routine, version=routine.version,
        approved_on=timezone.localdate(), approved_by="Fuzz-styringsgruppe",
    )  # fmt: skip


def make_fuzz_library(
    network: LearningNetwork,
    source: Municipality,
    source_leader: User,
    municipality: Municipality,
    leader: User,
) -> dict[str, Any]:
    """`source` and `municipality` must be current members of `network`; call from the
    public schema (autocommit, so the approval's hooks publish the new version)."""
    with tenant_context(source):
        source_units = _units(source, source_leader, SOURCE_UNITS)
        changed = _approved(source, source_leader, "Fuzz: delt rutine", source_units)
        offered = _approved(source, source_leader, "Fuzz: rutine å hente", source_units)
        entries = [
            library.share_routine(source, source_leader, routine, network.pk)
            for routine in (changed, offered)
        ]
    with tenant_context(municipality):
        own = _units(municipality, leader, ("Fuzz bibliotek barnehage", "Fuzz bibliotek PPT"))
        mapping = {name: unit.pk for name, unit in zip(SOURCE_UNITS, own, strict=True)}
        adopted = library.adopt_routine(municipality, leader, entries[0].pk, mapping)
        # Approved, so that no run's DELETE (which discards a draft) takes it away.
        adopted = services.approve_routine(
            municipality, leader, adopted, version=adopted.version,
            approved_on=timezone.localdate(), approved_by="Fuzz-styringsgruppe",
        )  # fmt: skip
        to_share = _approved(municipality, leader, "Fuzz: rutine å dele", own)
    with tenant_context(source):
        changed = services.update_routine(
            source, source_leader, changed, {"purpose": "Endret hos kilden."},
            version=changed.version,
        )  # fmt: skip
        services.approve_routine(
            source, source_leader, changed, version=changed.version,
            approved_on=timezone.localdate(), approved_by="Fuzz-styringsgruppe",
        )  # fmt: skip
    connection.set_schema_to_public()
    return {
        "examples": {
            "GET /api/library/routines/{pk}/": [{"path_parameters": {"pk": entries[0].pk}}],
            "GET /api/routines/library/{pk}/": [{"path_parameters": {"pk": entries[1].pk}}],
            "POST /api/routines/adopt/": [
                {"body": {"entry": entries[1].pk, "unit_mapping": mapping}}
            ],
            "POST /api/routines/{routine_id}/share/": [
                {"path_parameters": {"routine_id": to_share.pk}, "body": {"network": network.pk}}
            ],
            "POST /api/routines/{routine_id}/library-changes/take/": [
                {
                    "path_parameters": {"routine_id": adopted.pk},
                    "body": {
                        "library_version": 2,
                        CURRENT_VERSION_OF: f"/api/routines/{adopted.pk}/",
                    },
                }
            ],
        }
    }
