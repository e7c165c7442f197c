"""The outline's sheets as an Excel workbook (.xlsx): real dates and numbers, frozen headers."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from tenants.plans.documents.formatting import clean
from tenants.plans.documents.types import Outline

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

FORMATS = {
    "date": "DD.MM.YYYY",
    "amount": '#,##0.00 "kr"',
    "number": "0",
    "decimal": "#,##0.##",
}
HEADER_FILL = PatternFill("solid", fgColor="D9E2F3")
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")


def _lines(text: str, width: float) -> int:
    per_line = max(int(width * 1.1), 1)
    return sum(max(1, -(-len(line) // per_line)) for line in text.split("\n"))


def render_xlsx(outline: Outline) -> bytes:
    """One sheet per part of the plan, the header row frozen and filterable."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    workbook.properties.title = outline.title
    for sheet in outline.sheets:
        worksheet = workbook.create_sheet(sheet.name[:31])
        worksheet.append([str(c.label) for c in sheet.columns])
        for cell in worksheet[1]:
            cell.font = Font(bold=True)
            cell.fill = HEADER_FILL
            cell.alignment = TOP
        for row in sheet.rows:
            worksheet.append([clean(v) if isinstance(v, str) else v for v in row])
            for index, value in enumerate(row, start=1):
                if isinstance(value, str) and value.startswith("="):
                    # Text is text: "=SUM(…)" typed by a user must not become a formula.
                    worksheet.cell(worksheet.max_row, index).data_type = "s"
        wrapped = [c.kind == "text" and c.width >= 30 for c in sheet.columns]
        for index, column in enumerate(sheet.columns, start=1):
            letter = get_column_letter(index)
            worksheet.column_dimensions[letter].width = column.width
            number_format = FORMATS.get(column.kind)
            for (cell,) in worksheet.iter_rows(min_row=2, min_col=index, max_col=index):
                if number_format:
                    cell.number_format = number_format
                cell.alignment = WRAP if wrapped[index - 1] else TOP
        # Not every program fits a row to wrapped text: give each row the lines it needs.
        for number, row in enumerate(sheet.rows, start=2):
            lines = max(
                (
                    _lines(value, column.width)
                    for value, column, wrap in zip(row, sheet.columns, wrapped, strict=True)
                    if wrap and isinstance(value, str)
                ),
                default=1,
            )
            if lines > 1:
                worksheet.row_dimensions[number].height = 15 * min(lines, 20)
        worksheet.freeze_panes = "A2"
        worksheet.print_title_rows = "1:1"
        worksheet.page_setup.orientation = "landscape"
        worksheet.page_setup.fitToHeight = 0
        worksheet.sheet_properties.pageSetUpPr.fitToPage = True
        if sheet.rows:
            worksheet.auto_filter.ref = worksheet.dimensions
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
