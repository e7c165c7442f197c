"""The outline's events as an iCalendar file: milestones and decision points, all day."""

from __future__ import annotations

import datetime

from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as IcsEvent

from tenants.plans.documents.types import Outline

CONTENT_TYPE = "text/calendar; charset=utf-8"


def render_ics(outline: Outline) -> bytes:
    """One all-day VEVENT per milestone and decision point, with stable UIDs."""
    calendar = Calendar()
    calendar.add("prodid", "-//Samla//Prosjektplan//NB")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", outline.title)
    stamp = timezone.now()
    for item in outline.events:
        event = IcsEvent()
        event.add("uid", item.uid)
        event.add("dtstamp", stamp)
        event.add("summary", item.summary)
        event.add("dtstart", item.day)
        event.add("dtend", item.day + datetime.timedelta(days=1))
        event.add("transp", "TRANSPARENT")
        if item.description:
            event.add("description", item.description)
        calendar.add_component(event)
    return bytes(calendar.to_ical())
