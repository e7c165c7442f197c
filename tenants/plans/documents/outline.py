"""The documents' public entry: read a plan once, and turn it or a report into an outline.

`load_plan` (`loader.py`) reads a plan with all its parts; `plan_outline` puts together its
chapters (`chapters.py`), its sheets and its calendar events (`sheets.py`);
`report_outline` (`report.py`) does the same for a submitted status report. The outline's
types are in `types.py`; the renderers (`word`, `pdf`, `spreadsheet`, `ical`) lay it out.
"""

from __future__ import annotations

from tenants.plans.documents.chapters import plan_chapters
from tenants.plans.documents.loader import PlanData, load_plan
from tenants.plans.documents.report import report_outline
from tenants.plans.documents.sheets import plan_events, plan_sheets
from tenants.plans.documents.types import Outline

__all__ = ["Outline", "PlanData", "load_plan", "plan_outline", "report_outline"]


def plan_outline(data: PlanData) -> Outline:
    """The project plan in the seeds' structure, with its sheets and calendar events."""
    outline = plan_chapters(data)
    outline.sheets = plan_sheets(data)
    outline.events = plan_events(data)
    return outline
