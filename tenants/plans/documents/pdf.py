"""The outline as PDF with reportlab platypus, in a font that has the Sami letters.

Helvetica lacks ŋ and ŧ, so Source Sans Pro (SIL OFL, shipped in the
`font-source-sans-pro` wheel) is embedded. Everything users typed is escaped before it
reaches reportlab's Paragraph, which would otherwise read it as markup.
"""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Frame,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Spacer,
    TableStyle,
)
from reportlab.platypus import Paragraph as PdfParagraph
from reportlab.platypus import Table as PdfTable

from samla.fonts import FONT, FONT_BOLD, FONT_ITALIC, register_fonts
from tenants.plans.documents.formatting import clean, format_value
from tenants.plans.documents.types import MARK, Heading, Outline, PageTurn, Paragraph, Table

CONTENT_TYPE = "application/pdf"

HEADER_FILL = colors.HexColor("#D9E2F3")
FOOTER_FILL = colors.HexColor("#F2F2F2")
MARK_FILL = colors.HexColor("#4472C4")
LINE = colors.HexColor("#A6A6A6")
MARGIN = 2 * cm


def _styles(size: float = 10) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle(
        "body", fontName=FONT, bulletFontName=FONT, fontSize=size, leading=size * 1.3
    )
    small = size - 1
    return {
        "body": ParagraphStyle("body", parent=base, spaceAfter=6),
        "label": ParagraphStyle(
            "label", parent=base, fontName=FONT_BOLD, spaceBefore=4, keepWithNext=1
        ),
        "note": ParagraphStyle(
            "note",
            parent=base,
            fontName=FONT_ITALIC,
            textColor=colors.HexColor("#595959"),
        ),
        "bullet": ParagraphStyle("bullet", parent=base, leftIndent=14, bulletIndent=4),
        "h1": ParagraphStyle(
            "h1", parent=base, fontName=FONT_BOLD, fontSize=16, leading=20,
            spaceBefore=14, spaceAfter=8, textColor=colors.HexColor("#1F3864"),
        ),
        "h2": ParagraphStyle(
            "h2", parent=base, fontName=FONT_BOLD, fontSize=12.5, leading=16,
            spaceBefore=10, spaceAfter=5, textColor=colors.HexColor("#2F5496"),
        ),
        "title": ParagraphStyle("title", parent=base, fontName=FONT_BOLD, fontSize=24, leading=30),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=14, leading=18, spaceAfter=10),
        "cell": ParagraphStyle("cell", parent=base, fontSize=small, leading=small * 1.25),
        "cell_head": ParagraphStyle(
            "cell_head", parent=base, fontName=FONT_BOLD, fontSize=small, leading=small * 1.25
        ),
        "cell_right": ParagraphStyle(
            "cell_right", parent=base, fontSize=small, leading=small * 1.25, alignment=TA_RIGHT
        ),
        "cell_foot": ParagraphStyle(
            "cell_foot", parent=base, fontName=FONT_BOLD, fontSize=small,
            leading=small * 1.25, alignment=TA_RIGHT,
        ),
        "cell_centre": ParagraphStyle(
            "cell_centre", parent=base, fontSize=small, leading=small * 1.25, alignment=TA_CENTER
        ),
    }  # fmt: skip


def text(value: str) -> str:
    """User text for reportlab's Paragraph: markup escaped, line breaks kept."""
    return escape(clean(value)).replace("\n", "<br/>")


def render_pdf(outline: Outline) -> bytes:
    """The outline as PDF bytes: A4 portrait, the activity plan on landscape pages."""
    register_fonts()
    buffer = io.BytesIO()
    document = BaseDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=outline.title,
        subject=outline.subtitle,
        lang="nb-NO",
        initialFontName=FONT,
        initialFontSize=10,
    )
    footer = _footer(outline.title)
    portrait_size, landscape_size = A4, landscape(A4)
    document.addPageTemplates(
        [
            PageTemplate("portrait", [_frame(portrait_size)], onPage=footer, pagesize=A4),
            PageTemplate(
                "landscape", [_frame(landscape_size)], onPage=footer, pagesize=landscape_size
            ),
        ]
    )
    document.build(_story(outline, portrait_size[0] - 2 * MARGIN, landscape_size[0] - 2 * MARGIN))
    return buffer.getvalue()


def _frame(size: tuple[float, float]) -> Frame:
    return Frame(MARGIN, MARGIN, size[0] - 2 * MARGIN, size[1] - 2 * MARGIN, id="body")


def _footer(title: str) -> Any:
    def draw(canvas: Any, document: Any) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 8)
        canvas.setFillColor(colors.HexColor("#595959"))
        width = canvas._pagesize[0]
        canvas.drawString(MARGIN, MARGIN / 2, title[:100])
        canvas.drawRightString(width - MARGIN, MARGIN / 2, str(document.page))
        canvas.restoreState()

    return draw


def _story(outline: Outline, width: float, wide: float) -> list[Any]:
    styles = _styles()
    story: list[Any] = [
        Spacer(1, 3 * cm),
        PdfParagraph(text(outline.subtitle), styles["subtitle"]),
        PdfParagraph(text(outline.title), styles["title"]),
        Spacer(1, 1 * cm),
    ]
    if outline.facts:
        facts = PdfTable(
            [
                [
                    PdfParagraph(text(label), styles["cell_head"]),
                    PdfParagraph(text(value), styles["cell"]),
                ]
                for label, value in outline.facts
            ],
            colWidths=[width * 0.3, width * 0.7],
        )
        facts.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), FONT),
                    ("GRID", (0, 0), (-1, -1), 0.5, LINE),
                    ("BACKGROUND", (0, 0), (0, -1), FOOTER_FILL),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        story.append(facts)
    story.append(PageBreak())
    after_heading = False
    frame_width = width
    for block in outline.blocks:
        if isinstance(block, PageTurn):
            template = "landscape" if block.landscape else "portrait"
            story += [NextPageTemplate(template), PageBreak()]
            frame_width = wide if block.landscape else width
            continue
        if isinstance(block, Heading):
            # A heading never ends a page alone: the first of a run of headings asks for
            # room for itself, the ones after it and a few lines of what follows.
            if not after_heading:
                story.append(CondPageBreak(5 * cm))
            after_heading = True
            style = styles["h1"] if block.level == 1 else styles["h2"]
            story.append(PdfParagraph(text(block.text), style))
            continue
        after_heading = False
        if isinstance(block, Paragraph):
            story.append(_paragraph(block, styles))
        else:
            table_styles = _styles(8) if block.grid else styles
            story += [_table(block, frame_width, table_styles), Spacer(1, 8)]
    return story


def _paragraph(block: Paragraph, styles: dict[str, ParagraphStyle]) -> PdfParagraph:
    if block.style == "bullet":
        return PdfParagraph(text(block.text), styles["bullet"], bulletText="•")
    return PdfParagraph(text(block.text), styles.get(block.style, styles["body"]))


def _fits_on_one_line(value: str, size: float, room: float) -> bool:
    if "\n" in value or len(value) * size * 0.2 > room:  # cheaply ruled out: too long
        return False
    return bool(pdfmetrics.stringWidth(clean(value), FONT, size) <= room)


def _table(block: Table, width: float, styles: dict[str, ParagraphStyle]) -> PdfTable:
    columns = block.columns
    total = sum(c.width for c in columns)
    widths = [width * c.width / total for c in columns]
    # Padding never takes a column's whole width (reportlab refuses a negative one).
    padding = min(3 if block.grid else 4, max((min(widths) - 4) / 2, 0))
    cell_styles = [
        styles["cell_right"]
        if c.kind in ("amount", "number")
        else styles["cell_centre"]
        if c.kind == "mark"
        else styles["cell"]
        for c in columns
    ]
    head_style = styles["cell_head"]
    size = styles["cell"].fontSize
    room = [w - 2 * padding for w in widths]
    data: list[list[Any]] = [[PdfParagraph(text(str(c.label)), head_style) for c in columns]]
    marks: list[tuple[int, int]] = []
    for r, row in enumerate(block.rows, start=1):
        cells = []
        for i, value in enumerate(row):
            shown = format_value(value)
            if shown == MARK and columns[i].kind == "mark":
                marks.append((i, r))
                cells.append("")
            elif not shown:
                cells.append("")
            elif _fits_on_one_line(shown, size, room[i]):
                # Drawn as a plain string (no markup is read from it): laying out thousands
                # of short cells as Paragraphs is most of a large plan's PDF time.
                cells.append(clean(shown))
            else:
                cells.append(PdfParagraph(text(shown), cell_styles[i]))
        data.append(cells)
    commands: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("GRID", (0, 0), (-1, -1), 0.5, LINE),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), padding),
        ("RIGHTPADDING", (0, 0), (-1, -1), padding),
    ]
    if block.footer:
        footer_cells = []
        for i, value in enumerate(block.footer):
            style = styles["cell_foot"] if columns[i].kind == "amount" else head_style
            footer_cells.append(PdfParagraph(text(format_value(value)), style))
        data.append(footer_cells)
        commands.append(("BACKGROUND", (0, -1), (-1, -1), FOOTER_FILL))
    commands += [("BACKGROUND", cell, cell, MARK_FILL) for cell in marks]
    # Plain cells take the body's font size and the column's alignment (Paragraphs have
    # their own style and ignore these).
    commands += [
        ("FONTSIZE", (0, 1), (-1, -1), size),
        ("LEADING", (0, 1), (-1, -1), styles["cell"].leading),
    ]
    for i, column in enumerate(columns):
        if column.kind in ("amount", "number"):
            commands.append(("ALIGN", (i, 1), (i, -1), "RIGHT"))
        elif column.kind == "mark":
            commands.append(("ALIGN", (i, 1), (i, -1), "CENTER"))
    # splitInRow: a cell with pages of text goes on over the page instead of failing.
    table = PdfTable(data, colWidths=widths, repeatRows=1, hAlign="LEFT", splitInRow=1)
    table.setStyle(TableStyle(commands))
    return table
