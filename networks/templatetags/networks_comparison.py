"""Template helpers for the comparison pages: a trend point's value, a figure as text."""

from __future__ import annotations

from typing import Any

from django import template

from networks.comparison import TrendPoint
from networks.trend_chart import figure_text

register = template.Library()


@register.simple_tag
def value_of(point: TrendPoint, municipality_id: int) -> Any:
    return point.values.get(municipality_id)


@register.filter
def figure_value(value: Any) -> str:
    """A figure as the pages show it: a number in the locale's form, text as is, – for none."""
    return figure_text(value)
