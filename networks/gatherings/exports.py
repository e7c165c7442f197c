"""Documents of the gatherings: a network's gatherings as iCalendar, an evaluation's results
as an Excel workbook."""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar
from icalendar import Event as IcsEvent
from openpyxl import Workbook
from openpyxl.styles import Font

from networks.gatherings.models import Gathering
from networks.gatherings.results import EvaluationResults
from networks.models import LearningNetwork

ICS_TYPE = "text/calendar; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
OSLO = ZoneInfo("Europe/Oslo")
UID_DOMAIN = "samla.no"


def gathering_uid(gathering: Gathering) -> str:
    """Stable across exports and edits: the row's id."""
    return f"gathering-{gathering.pk}@{UID_DOMAIN}"


def render_ics(network: LearningNetwork, gatherings: Iterable[Gathering]) -> bytes:
    """One VEVENT per gathering: whole days as dates (DTEND the day after the last), timed
    gatherings in Europe/Oslo."""
    calendar = Calendar()
    calendar.add("prodid", "-//Samla//Samlinger//NB")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", _("Samlinger i %(network)s") % {"network": network.name})
    calendar.add("x-wr-timezone", "Europe/Oslo")
    stamp = timezone.now()
    for gathering in gatherings:
        event = IcsEvent()
        event.add("uid", gathering_uid(gathering))
        event.add("dtstamp", stamp)
        event.add("summary", gathering.title)
        start = gathering.starts_at.astimezone(OSLO)
        end = gathering.ends_at.astimezone(OSLO)
        if gathering.all_day:
            event.add("dtstart", start.date())
            event.add("dtend", end.date() + datetime.timedelta(days=1))
        else:
            event.add("dtstart", start)
            event.add("dtend", end)
        if gathering.place:
            event.add("location", gathering.place)
        if gathering.programme_url:
            event.add("url", gathering.programme_url)
        calendar.add_component(event)
    return bytes(calendar.to_ical())


def render_evaluation_xlsx(gathering: Gathering, results: EvaluationResults) -> bytes:
    """A sheet of figures (one row per scale question) and one of the free-text answers."""
    book = Workbook()
    figures = book.active
    figures.title = _("Tall")
    figures.append([gathering.title])
    figures.append([_("Antall besvarelser"), results.submissions])
    figures.append([])
    header = [_("Spørsmål"), _("Antall svar"), _("Gjennomsnitt"), "1", "2", "3", "4", "5"]
    figures.append(header)
    for cell in figures[4]:
        cell.font = Font(bold=True)
    figures["A1"].font = Font(bold=True, size=14)
    for result in results.questions:
        if not result.is_scale:
            continue
        figures.append(
            [
                result.question.text,
                result.count,
                float(result.mean) if result.mean is not None else None,
                *result.distribution.values(),
            ]
        )
    figures.column_dimensions["A"].width = 60
    texts = book.create_sheet(_("Fritekst"))
    texts.append([_("Spørsmål"), _("Svar")])
    for cell in texts[1]:
        cell.font = Font(bold=True)
    for result in results.questions:
        for text in result.texts:
            texts.append([result.question.text, text])
    texts.column_dimensions["A"].width = 50
    texts.column_dimensions["B"].width = 80
    for sheet in (figures, texts):
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":  # typed text that starts with "=" stays text
                    cell.data_type = "s"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
