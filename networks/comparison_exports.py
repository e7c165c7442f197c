"""The comparison as a spreadsheet (openpyxl) and as a PDF report for a steering group
(reportlab), from the same `networks.comparison.Comparison` the page shows, so an export
holds exactly the rows and names its user may see.

The PDF embeds Source Sans Pro (as the plans' documents do: Helvetica lacks the Sami
letters of names such as Unjárga), and everything the municipalities typed is escaped
before it reaches reportlab's Paragraph. Dates and numbers read as on the pages
(`samla.formats`).
"""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from networks.comparison import MIN_CONTRIBUTORS, TOO_FEW, Cell, Column, Comparison, State
from samla.fonts import FONT, FONT_BOLD, register_fonts
from samla.formats import format_date, format_long_date, format_number

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"

HEADER_FILL = colors.HexColor("#D9E2F3")
LINE = colors.HexColor("#A6A6A6")


def value_text(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return format_number(value)
    return str(value)


def median_text(column: Column) -> str:
    if not column.shows_median:
        return ""
    return str(TOO_FEW) if column.median is None else format_number(column.median)


def cell_text(cell: Cell) -> str:
    """The value and, where it has one, its state in words: never colour alone."""
    label = cell.state_label
    if cell.state is State.MISSING or not label:
        return value_text(cell.value)
    return f"{value_text(cell.value)} ({label.lower()})"


def describe(result: Comparison) -> list[str]:
    """The lines under the title: the network, the day, the selection, the median rule."""
    lines = [
        _("Tall per %(date)s.") % {"date": format_long_date(result.as_of)},
        _("Medlemmer i utvalget: %(count)s.") % {"count": result.members},
    ]
    if result.competence_base is not None:
        lines.append(_("Kompetansebase: %(name)s.") % {"name": result.competence_base.name})
    lines.append(
        _(
            "Medianen vises bare der minst %(n)s kommuner har et tall, ellers står det "
            "«%(too_few)s»."
        )
        % {"n": MIN_CONTRIBUTORS, "too_few": TOO_FEW}
    )
    if not result.names:
        lines.append(
            _("Andre kommuners navn og tall vises ikke: nettverket sammenligner ikke åpent.")
        )
    return lines


# Spreadsheet ------------------------------------------------------------------------------


def comparison_xlsx(result: Comparison) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("Sammenligning")[:31]
    bold = Font(bold=True)
    sheet.append([_("Sammenligning: %(name)s") % {"name": result.network.name}])
    sheet["A1"].font = Font(bold=True, size=14)
    for line in describe(result):
        sheet.append([line])
    sheet.append([])
    head = [_("Kommune"), _("Kommunenummer"), _("Tall fra")]
    head += [str(c.figure.label) for c in result.columns]
    sheet.append(head)
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in result.rows:
        sheet.append(
            [
                row.name,
                row.number or "",
                format_date(row.snapshot_date) if row.snapshot_date else "",
                *[row.cells[c.key].value for c in result.columns],
            ]
        )
    sheet.append([_("Median"), "", "", *[_median_cell(c) for c in result.columns]])
    sheet.append([_("Kommuner med tall"), "", "", *[c.contributors or "" for c in result.columns]])
    for cell in sheet[sheet.max_row - 1]:
        cell.font = bold
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=2)
    sheet.column_dimensions["A"].width = 28
    for index in range(2, len(head) + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 16

    states = book.create_sheet(_("Status")[:31])
    states.append([_("Kommune"), *[str(c.figure.label) for c in result.columns]])
    for cell in states[1]:
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in result.rows:
        states.append([row.name, *[row.cells[c.key].state_label for c in result.columns]])
    states.column_dimensions["A"].width = 28
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _median_cell(column: Column) -> Any:
    if not column.shows_median:
        return ""
    return str(TOO_FEW) if column.median is None else column.median


# PDF --------------------------------------------------------------------------------------


def _text(value: str) -> str:
    return escape(value).replace("\n", "<br/>")


def comparison_pdf(result: Comparison) -> bytes:
    """A landscape A4 report: title, what the figures are, the table, the medians."""
    register_fonts()
    base = ParagraphStyle("body", fontName=FONT, fontSize=9, leading=12)
    title = ParagraphStyle("title", parent=base, fontName=FONT_BOLD, fontSize=18, leading=24)
    cell = ParagraphStyle("cell", parent=base, fontSize=7, leading=9)
    head = ParagraphStyle("head", parent=cell, fontName=FONT_BOLD)
    story: list[Any] = [
        Paragraph(_text(_("Sammenligning: %(name)s") % {"name": result.network.name}), title),
        Spacer(1, 0.2 * cm),
        *[Paragraph(_text(line), base) for line in describe(result)],
        Spacer(1, 0.4 * cm),
    ]
    columns = result.columns
    data: list[list[Any]] = [
        [Paragraph(_text(_("Kommune")), head)]
        + [Paragraph(_text(str(c.figure.label)), head) for c in columns]
    ]
    for row in result.rows:
        name = row.name + (f" ({row.number})" if row.number else "")
        data.append(
            [Paragraph(_text(name), cell)]
            + [Paragraph(_text(cell_text(row.cells[c.key])), cell) for c in columns]
        )
    data.append(
        [Paragraph(_text(_("Median")), head)]
        + [Paragraph(_text(median_text(c)), head) for c in columns]
    )
    page_width = landscape(A4)[0] - 3 * cm
    first = 4 * cm
    widths = [first] + [(page_width - first) / len(columns)] * len(columns)
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
                ("BACKGROUND", (0, -1), (-1, -1), HEADER_FILL),
                ("GRID", (0, 0), (-1, -1), 0.4, LINE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story.append(table)
    if not result.rows:
        story.append(Paragraph(_text(_("Ingen kommuner å vise.")), base))
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        leftMargin=1.5 * cm,
        rightMargin=1.5 * cm,
        topMargin=1.5 * cm,
        bottomMargin=1.5 * cm,
        title=_("Sammenligning: %(name)s") % {"name": result.network.name},
        author="Samla",
    )
    document.build(story)
    return buffer.getvalue()
