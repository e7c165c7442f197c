"""Template helpers for the comparison pages: a row's cell, a trend point's value, a figure."""

from __future__ import annotations

from typing import Any

from django import template

from networks.comparison import Cell, Column, Row, TrendPoint
from samla.formats import format_number

register = template.Library()


@register.simple_tag
def cell_of(row: Row, column: Column) -> Cell:
    return row.cells[column.key]


@register.simple_tag
def value_of(point: TrendPoint, municipality_id: int) -> Any:
    return point.values.get(municipality_id)


@register.filter
def figure_value(value: Any) -> str:
    """A figure as the pages show it: a number in the locale's form, text as is, – for none."""
    if value is None:
        return "–"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return format_number(value)
    return str(value)
