"""The demo's routines: Nordre Land's, Nesseby's 0–24 routines and Larvik's BTI routines.

Given the two test municipalities and their leaders under the demo's user names
(`leder.<slug>`); Larvik is not among the test municipalities, so its seed routines are
loaded into a test municipality directly.
"""

from __future__ import annotations

import datetime
from collections import Counter

import pytest
from django.core.management import call_command
from django_tenants.utils import tenant_context

from cms.models import CollaborationMethod
from tenants.models import Municipality
from tenants.routines.demo import load_demo_routines, load_routines
from tenants.routines.models import (
    Routine,
    RoutineReview,
    RoutineStatus,
    RoutineVersion,
    Unit,
    UnitAdoption,
)
from tenants.routines.seeds import (
    LARVIK_ROUTINES,
    LARVIK_UNITS,
    NESSEBY_ROUTINES,
    NESSEBY_UNITS,
    NORDRE_LAND_ROUTINES,
    NORDRE_LAND_UNITS,
    ROUTINE_SEEDS,
)
from tests.plans.conftest import inside

TODAY = datetime.date(2026, 3, 15)


@pytest.fixture
def all_methods(methods) -> None:
    """Every method the seed routines name, as the CMS demo makes them."""
    for slug, name in (("tverrfaglig-team", "Tverrfaglig team"),
                       ("individuell-plan", "Individuell plan (IP)")):  # fmt: skip
        CollaborationMethod.objects.get_or_create(slug=slug, defaults={"name": name})


def counts() -> dict[str, int]:
    return {
        "units": Unit.objects.count(),
        "routines": Routine.objects.count(),
        "versions": RoutineVersion.objects.count(),
        "adoptions": UnitAdoption.objects.count(),
        "reviews": RoutineReview.objects.count(),
    }


def expected(specs) -> dict[str, int]:
    approved = [spec for spec in specs if spec["approved_on"] is not None]
    return {
        "routines": len(specs),
        "approved": len(approved),
        "adoptions": sum(len(spec.get("adopted_by", ())) for spec in approved),
        "reviews": sum(1 for spec in approved if "review_due_in_days" in spec),
    }


def test_the_demo_loads_each_municipalitys_seed_routines_once(
    nordre_land, nesseby, leader_a, leader_b, all_methods
) -> None:
    # given the demo's routines loaded twice
    first = load_demo_routines(today=TODAY)
    second = load_demo_routines(today=TODAY)

    # then the first load made them, the second nothing (Larvik is not here: skipped)
    assert {slug: len(made) for slug, made in first.items()} == {
        "nordre-land": len(NORDRE_LAND_ROUTINES),
        "nesseby": len(NESSEBY_ROUTINES),
    }
    assert second == {"nordre-land": [], "nesseby": []}
    for municipality, unit_specs, specs in (
        (nordre_land, NORDRE_LAND_UNITS, NORDRE_LAND_ROUTINES),
        (nesseby, NESSEBY_UNITS, NESSEBY_ROUTINES),
    ):
        want = expected(specs)
        with inside(municipality):
            found = counts()
            assert found["units"] == len(unit_specs)
            assert found["routines"] == found["versions"] == want["routines"]
            assert found["adoptions"] == want["adoptions"]
            assert found["reviews"] == want["reviews"]
            titles = Counter(RoutineVersion.objects.values_list("title", flat=True))
            assert titles == Counter(spec["title"] for spec in specs)
            statuses = Counter(Routine.objects.values_list("status", flat=True))
            assert statuses[RoutineStatus.APPROVED] == want["approved"]
            assert statuses[RoutineStatus.DRAFT] == want["routines"] - want["approved"]


def test_nessebys_routines_are_the_0_24_projects(nesseby, leader_b, all_methods) -> None:
    load_demo_routines(today=TODAY)
    with inside(nesseby):
        approved = {
            r.current.title: r
            for r in Routine.objects.listed().filter(status=RoutineStatus.APPROVED)
        }
        assert set(approved) == {
            "Tverrfaglig observasjon",
            "Tidlig innsats team",
            "Foreldre involveres tidlig når bekymring oppstår",
        }
        team = approved["Tidlig innsats team"].current
        assert team.approved_by == "Kommunestyret"
        assert {unit.name for unit in team.units.all()} == {u["name"] for u in NESSEBY_UNITS}
        assert team.methods == ["tverrfaglig-team", "ansvarsgruppe"]
        observation = approved["Tverrfaglig observasjon"]
        # Reviewed so that the next review falls in 20 days: due soon, not overdue.
        assert observation.next_review == TODAY + datetime.timedelta(days=20)
        assert observation.last_reviewed == datetime.date(2025, 4, 4)
        assert observation in Routine.objects.due_for_review(TODAY)
        assert observation not in Routine.objects.overdue(TODAY)
        # Approved in 2020 every 24 months and never reviewed: overdue.
        parents = approved["Foreldre involveres tidlig når bekymring oppstår"]
        assert parents in Routine.objects.overdue(TODAY)
        in_use = set(
            UnitAdoption.objects.filter(routine=observation).values_list("unit__name", flat=True)
        )
        assert in_use == {u.name for u in observation.current.units.all()}


def test_larviks_bti_routines_cover_the_four_levels_and_the_stafettlogg(
    nesseby, leader_b, all_methods
) -> None:
    # given Larvik's seed loaded twice into a test municipality (Larvik is the demo's)
    made = load_routines(nesseby, leader_b, LARVIK_UNITS, LARVIK_ROUTINES, TODAY)
    again = load_routines(nesseby, leader_b, LARVIK_UNITS, LARVIK_ROUTINES, TODAY)

    assert len(made) == len(LARVIK_ROUTINES) and again == []
    with inside(nesseby):
        approved = list(Routine.objects.listed().filter(status=RoutineStatus.APPROVED))
        levels = {level for r in approved for level in r.current.bti_levels}
        assert levels == {0, 1, 2, 3}
        assert all("bti" in r.current.methods or "stafettlogg" in r.current.methods
                   for r in approved)  # fmt: skip
        assert any(r.current.title == "Bruk av stafettlogg og stafettholder" for r in approved)
        assert Unit.objects.filter(name="NAV Larvik", leader_name="Ulf Pedersen").exists()
        assert counts()["reviews"] == expected(LARVIK_ROUTINES)["reviews"]


def test_the_seed_specs_name_only_their_own_units() -> None:
    for slug, (unit_specs, specs) in ROUTINE_SEEDS.items():
        names = {unit["name"] for unit in unit_specs}
        for spec in specs:
            named = {spec["owner_unit"], *spec["units"], *spec.get("adopted_by", ())}
            named |= {unit for _action, unit, _timing in spec["steps"]}
            assert named <= names, (slug, spec["title"], named - names)
            assert set(spec.get("adopted_by", ())) <= set(spec["units"]), spec["title"]
            assert spec["steps"], spec["title"]


def test_the_handbook_of_the_demo_has_nessebys_approved_routines(
    nesseby, leader_b, all_methods
) -> None:
    from tenants.plans.documents.types import Heading
    from tenants.routines.documents import handbook_outline, load_handbook

    load_demo_routines(today=TODAY)
    with inside(nesseby):
        outline = handbook_outline(load_handbook(nesseby, today=TODAY))
    routines = [b.text for b in outline.blocks if isinstance(b, Heading) and b.level == 2]
    assert routines == [
        "1.1 Foreldre involveres tidlig når bekymring oppstår",
        "2.1 Tidlig innsats team",
        "2.2 Tverrfaglig observasjon",
    ]


def test_the_demo_command_gives_larvik_its_routines_and_adopts_one_from_the_library(db) -> None:
    # given the whole demo (the command), loaded twice
    call_command("demo_data")
    call_command("demo_data")

    for slug, (_units, specs) in ROUTINE_SEEDS.items():
        with tenant_context(Municipality.objects.get(slug=slug)):
            own = RoutineVersion.objects.filter(routine__library_entry_id__isnull=True)
            titles = Counter(own.values_list("title", flat=True))
            assert titles == Counter(spec["title"] for spec in specs), slug
            approved = Routine.objects.filter(status=RoutineStatus.APPROVED)
            assert approved.count() == expected(specs)["approved"], slug
            # The library's part (networks/library/demo.py): Nordre Land took one of
            # Nesseby's routines as a draft of its own.
            adopted = Routine.objects.filter(library_entry_id__isnull=False)
            assert adopted.count() == (1 if slug == "nordre-land" else 0), slug
