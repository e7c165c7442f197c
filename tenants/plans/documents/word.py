"""The outline as a Word document (.docx): real headings, real tables with header rows."""

from __future__ import annotations

import io
from typing import Any

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.section import Section
from docx.shared import Cm, Emu, Pt, RGBColor
from docx.table import Table as DocxTable
from lxml.etree import SubElement

from tenants.plans.documents.formatting import clean, format_value
from tenants.plans.documents.types import MARK, Heading, Outline, PageTurn, Paragraph, Table

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

HEADER_FILL = "D9E2F3"
FOOTER_FILL = "F2F2F2"
MARK_FILL = "4472C4"
MARK_TEXT = "FFFFFF"
RIGHT_ALIGNED = {"amount", "number"}
W_R, W_T, W_BR, W_RPR, W_B, W_COLOR, W_SZ, W_PPR, W_JC, W_VAL = (
    qn(f"w:{name}") for name in ("r", "t", "br", "rPr", "b", "color", "sz", "pPr", "jc", "val")
)
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def render_docx(outline: Outline) -> bytes:
    """The outline as .docx bytes."""
    document = Document()
    _set_up(document)
    _title_page(document, outline)
    # Looked up once: python-docx looks a style name up anew (slowly, scanning every
    # style) on every paragraph, heading and table, and the page width on every table;
    # a document of hundreds of small tables (the routine handbook) spent most of its
    # time there.
    bullet = document.styles["List Bullet"].style_id
    headings: dict[int, str] = {}
    grid = document.styles["Table Grid"].style_id
    usable = _usable_width(document.sections[-1])
    for block in outline.blocks:
        if isinstance(block, PageTurn):
            _landscape(document, block.landscape)
            usable = _usable_width(document.sections[-1])
        elif isinstance(block, Heading):
            if block.level not in headings:
                headings[block.level] = document.styles[f"Heading {block.level}"].style_id
            document.add_paragraph(clean(block.text))._p.style = headings[block.level]
        elif isinstance(block, Paragraph):
            _paragraph(document, block, bullet)
        elif block.grid:
            size = 8 if len(block.columns) <= 20 else 6.5
            _table(document, block, usable, grid, font_size=size)
        else:
            _table(document, block, usable, grid, font_size=9)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _set_up(document: DocxDocument) -> None:
    normal = document.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(10)
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2)
    section.top_margin = section.bottom_margin = Cm(2)
    document.core_properties.language = "nb-NO"


def _title_page(document: DocxDocument, outline: Outline) -> None:
    document.core_properties.title = clean(outline.title)
    subtitle = document.add_paragraph(clean(outline.subtitle))
    subtitle.runs[0].font.size = Pt(14)
    subtitle.runs[0].font.color.rgb = RGBColor(0x40, 0x40, 0x40)
    document.add_paragraph(clean(outline.title), style="Title")
    if outline.facts:
        table = document.add_table(rows=len(outline.facts), cols=2)
        table.style = "Table Grid"
        _widths(table, [Cm(5), Cm(12)])
        for row, (label, value) in zip(table.rows, outline.facts, strict=True):
            row.cells[0].text = clean(label)
            row.cells[0].paragraphs[0].runs[0].font.bold = True
            _shade(row.cells[0]._tc, FOOTER_FILL)
            row.cells[1].text = clean(value)
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _paragraph(document: DocxDocument, block: Paragraph, bullet: str) -> None:
    if block.style == "bullet":
        document.add_paragraph(clean(block.text))._p.style = bullet
        return
    paragraph = document.add_paragraph()
    run = paragraph.add_run(clean(block.text))
    if block.style == "label":
        run.font.bold = True
        paragraph.paragraph_format.space_after = Pt(2)
        paragraph.paragraph_format.keep_with_next = True
    elif block.style == "note":
        paragraph.paragraph_format.keep_with_next = True
        run.font.italic = True
        run.font.color.rgb = RGBColor(0x59, 0x59, 0x59)


def _landscape(document: DocxDocument, landscape: bool) -> None:
    section = document.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    long_side, short_side = Cm(29.7), Cm(21)
    if landscape:
        section.page_width, section.page_height = long_side, short_side
    else:
        section.page_width, section.page_height = short_side, long_side


def _usable_width(section: Section) -> int:
    """The width between the margins (python-docx types them optional; Samla always sets them)."""
    width, left, right = section.page_width, section.left_margin, section.right_margin
    if width is None or left is None or right is None:
        raise ValueError("the section has no page width or margins")
    return width - left - right


def _table(
    document: DocxDocument,
    block: Table,
    usable: int,
    style_id: str,
    font_size: float | None = None,
) -> None:
    """The table across the `usable` width, in the table style `style_id`."""
    columns = block.columns
    body_rows = [[format_value(v) for v in row] for row in block.rows]
    footer = [format_value(v) for v in block.footer] if block.footer else None
    rows = 1 + len(body_rows) + (1 if footer else 0)
    # Document.add_table would look the section's width and the style up again.
    table = document._body.add_table(rows, len(columns), Emu(usable))
    table._tbl.tblStyle_val = style_id
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    total = sum(c.width for c in columns)
    _widths(table, [int(usable * c.width / total) for c in columns])
    # Cells are filled on the XML directly: python-docx's cell API takes seconds for the
    # thousands of cells of a large plan.
    trs = table._tbl.tr_lst
    _repeat_header(trs[0])
    align = [
        "center" if c.kind == "mark" else "right" if c.kind in RIGHT_ALIGNED else None
        for c in columns
    ]
    for tc, column in zip(trs[0].tc_lst, columns, strict=True):
        _put(tc, str(column.label), bold=True, size=font_size)
        _shade(tc, HEADER_FILL)
    for tr, values in zip(trs[1 : 1 + len(body_rows)], body_rows, strict=True):
        for i, (tc, text) in enumerate(zip(tr.tc_lst, values, strict=True)):
            if text == MARK and columns[i].kind == "mark":
                # The shading is the mark; the glyph stays for readers that lose colour.
                _put(tc, text, size=font_size, align=align[i], color=MARK_TEXT)
                _shade(tc, MARK_FILL)
            else:
                _put(tc, text, size=font_size, align=align[i])
    if footer:
        for i, (tc, text) in enumerate(zip(trs[-1].tc_lst, footer, strict=True)):
            _put(tc, text, bold=True, size=font_size, align=align[i])
            _shade(tc, FOOTER_FILL)
    document.add_paragraph()


def _put(
    tc: Any,
    text: str,
    *,
    bold: bool = False,
    size: float | None = None,
    align: str | None = None,
    color: str | None = None,
) -> None:
    """One run of text (line breaks kept) in the cell's empty paragraph."""
    paragraph = tc.p_lst[0]
    if align:
        SubElement(SubElement(paragraph, W_PPR), W_JC).set(W_VAL, align)
    if not text:
        return
    run = SubElement(paragraph, W_R)
    if bold or size or color:
        properties = SubElement(run, W_RPR)
        if bold:
            SubElement(properties, W_B)
        if color:
            SubElement(properties, W_COLOR).set(W_VAL, color)
        if size:
            SubElement(properties, W_SZ).set(W_VAL, str(int(size * 2)))
    for number, line in enumerate(clean(text).split("\n")):
        if number:
            SubElement(run, W_BR)
        element = SubElement(run, W_T)
        element.text = line
        element.set(XML_SPACE, "preserve")


def _widths(table: DocxTable, widths: list[int]) -> None:
    """Fixed layout: Word and LibreOffice both follow the grid's column widths."""
    table.autofit = False
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    table._tbl.tblPr.append(layout)
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Emu(width)
    for tr in table._tbl.tr_lst:
        for tc, width in zip(tr.tc_lst, widths, strict=True):
            tc.width = Emu(width)


def _repeat_header(tr: Any) -> None:
    tr_pr = tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)
    cant_split = OxmlElement("w:cantSplit")
    tr_pr.append(cant_split)


def _shade(tc: Any, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    tc.get_or_add_tcPr().append(shading)
