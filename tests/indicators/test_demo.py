"""The demo's indicators load through the CSV import, and loading them again changes nothing."""

from __future__ import annotations

import pytest

from networks.indicators.demo import DEMO_INDICATORS, load_demo_indicators
from networks.indicators.models import IndicatorValue
from tests.indicators.conftest import bare_municipality

pytestmark = pytest.mark.django_db

OTHERS = {"3805": "larvik", "5006": "steinkjer", "5052": "leka", "1811": "bindal"}
OTHERS |= {"5050": "vikna", "5051": "naeroy"}


def test_the_demo_indicators_load_once(operator):
    for number, slug in OTHERS.items():
        bare_municipality(f"demo-{slug}", number)
    indicators = load_demo_indicators(operator)
    assert [i.source_key for i in indicators] == [d.source_key for d in DEMO_INDICATORS]
    # eight municipalities, six years, three values marked missing
    assert IndicatorValue.objects.count() == 3 * 8 * 6 - 3
    stamps = set(IndicatorValue.objects.values_list("updated_at", flat=True))
    assert load_demo_indicators(operator) == indicators
    assert set(IndicatorValue.objects.values_list("updated_at", flat=True)) == stamps
