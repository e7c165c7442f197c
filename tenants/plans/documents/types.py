"""The outline every document renders: headings, paragraphs, tables, sheets and events."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

Value = str | int | Decimal | datetime.date | None

MARK = "■"  # a month an activity runs, in the activity plan


@dataclass(frozen=True)
class Column:
    """A table column: its header, what its values are and its share of the width."""

    label: str
    kind: str = "text"  # text | date | amount | number | decimal | mark
    width: float = 1.0


@dataclass
class Table:
    columns: list[Column]
    rows: list[list[Value]]
    footer: list[Value] | None = None  # a sum row
    grid: bool = False  # the activity plan: narrow month columns, marks shaded
    empty_text: str = ""


@dataclass
class Heading:
    text: str
    level: int  # 1: chapter, 2: section


@dataclass
class Paragraph:
    text: str
    style: str = "body"  # body | label | note | bullet


@dataclass
class PageTurn:
    """A new page, turned to landscape (for wide tables) or back to portrait."""

    landscape: bool


Block = Heading | Paragraph | Table | PageTurn


@dataclass
class Sheet:
    """One sheet of the spreadsheet: a plain table of one part of the plan."""

    name: str
    columns: list[Column]
    rows: list[list[Value]]


@dataclass
class Event:
    """An all-day calendar event: a milestone or a decision point."""

    uid: str
    summary: str
    day: datetime.date
    description: str


@dataclass
class Outline:
    title: str
    subtitle: str
    facts: list[tuple[str, str]]  # the title page: label, value
    blocks: list[Block] = field(default_factory=list)
    sheets: list[Sheet] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)

    def heading(self, text: str, level: int) -> None:
        self.blocks.append(Heading(text, level))

    def text(self, text: str, style: str = "body") -> None:
        """Paragraphs split at blank lines; nothing when the text is empty."""
        for part in re.split(r"\n\s*\n", (text or "").strip()):
            if part.strip():
                self.blocks.append(Paragraph(part.strip(), style))

    def text_or_none(self, text: str) -> None:
        if (text or "").strip():
            self.text(text)
        else:
            self.none()

    def none(self) -> None:
        self.blocks.append(Paragraph(_("Ingen registrert"), "note"))

    def table(self, table: Table) -> None:
        if table.rows:
            self.blocks.append(table)
        else:
            self.blocks.append(Paragraph(table.empty_text or _("Ingen registrert"), "note"))
