"""The roll-up's goals-by-indicator figures, in the municipality's schema.

Given Nordre Land's values of a lower-is-better indicator (latest 3,5 for 2023) and goals
that link it: a goal whose value moved from its baseline toward better, or has reached its
target, is on track; one that moved the wrong way is off track; a goal without baseline
and target, one whose indicator has no value for the municipality, and one without an
indicator are not counted. One query computes both figures; a value import refreshes the
municipality's roll-up row when it commits.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import tenant_context

from networks.figures import FIGURES, compute_figures
from networks.indicators import services
from networks.indicators.figures import indicator_goal_figures
from networks.indicators.models import Direction, Indicator, Source
from networks.models import ProgressSnapshot
from tenants.db import connection
from tenants.plans.models import Goal, GoalLevel
from tests.indicators.conftest import fixture_text
from tests.plans.seeds import build_nordre_land_plan

pytestmark = pytest.mark.django_db


def goal(plan, text, indicator, baseline=None, target=None) -> Goal:
    return Goal.objects.create(
        plan=plan, level=GoalLevel.OUTCOME, text=text, indicator=indicator,
        baseline=None if baseline is None else Decimal(baseline),
        target=None if target is None else Decimal(target),
    )  # fmt: skip


@pytest.fixture
def linked(nordre_land, leader_a, barnevern, operator):
    services.import_csv(operator, barnevern, fixture_text("kostra_barnevern.csv"))
    school = Indicator.objects.create(
        name="Trives på skolen", better=Direction.HIGHER, source=Source.UNGDATA
    )
    with tenant_context(nordre_land):
        plan = build_nordre_land_plan(nordre_land, leader_a)
        goal(plan, "Færre barn trenger tiltak", barnevern, baseline="4.1", target="3.0")
        goal(plan, "Enda færre", barnevern, baseline="3.0", target="2.5")
        goal(plan, "Under fire prosent", barnevern, target="4.0")
        goal(plan, "Uten mål", barnevern)
        goal(plan, "Flere trives", school, baseline="80", target="90")
        goal(plan, "Uten indikator", None, baseline="1", target="2")
    return plan


def test_the_figures_are_declared():
    assert FIGURES["goals_indicator_on_track"].better == "higher"
    assert FIGURES["goals_indicator_off_track"].better == "lower"


def test_on_and_off_track_by_the_latest_value(linked, nordre_land):
    with tenant_context(nordre_land):
        figures = compute_figures(timezone.localdate())
    assert figures["goals_indicator_on_track"] == 2
    assert figures["goals_indicator_off_track"] == 1


def test_one_query_and_another_municipalitys_values_do_not_count(
    linked, nordre_land, nesseby, barnevern, operator
):
    with tenant_context(nordre_land), CaptureQueriesContext(connection) as captured:
        figures = indicator_goal_figures(timezone.localdate())
    reads = [q for q in captured.captured_queries if not q["sql"].startswith("SET ")]
    assert len(reads) == 1
    assert figures == {"goals_indicator_on_track": 2, "goals_indicator_off_track": 1}
    with tenant_context(nesseby):  # Nesseby has values but no goals
        assert indicator_goal_figures(timezone.localdate()) == {
            "goals_indicator_on_track": 0,
            "goals_indicator_off_track": 0,
        }


def test_a_new_value_refreshes_the_roll_up(
    linked, nordre_land, barnevern, operator, django_capture_on_commit_callbacks
):
    header = '"region";"år";"verdi"\n'
    with django_capture_on_commit_callbacks(execute=True):
        services.import_csv(operator, barnevern, header + '"3448 Nordre Land";"2024";4,5\n')
    snapshot = ProgressSnapshot.objects.get(municipality=nordre_land, date=timezone.localdate())
    # 4,5 is worse than every baseline and target: all three counted goals are off track
    assert snapshot.figures["goals_indicator_on_track"] == 0
    assert snapshot.figures["goals_indicator_off_track"] == 3


def test_a_linked_indicator_cannot_be_deleted_an_unlinked_one_can(linked, nordre_land):
    from django.db import IntegrityError, transaction

    unlinked = Indicator.objects.create(name="Ubrukt", better="higher", source="other")
    unlinked.delete()
    connection.set_schema_to_public()
    with pytest.raises(IntegrityError), transaction.atomic():
        Indicator.objects.get(name="Trives på skolen").delete()
        connection.check_constraints()
