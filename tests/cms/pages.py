"""Helpers for the CMS tests: a page's path on the public host, a programme's sessions."""

from __future__ import annotations

import datetime
from typing import Any

from wagtail.models import Page

from cms.models import HomePage


def path_of(page: Page) -> str:
    """The page's path under /innhold/ (pages are served on the public host only)."""
    home = HomePage.objects.get()
    return "/innhold/" + page.url_path[len(home.url_path) :]


def session(
    day: datetime.date,
    start: str,
    end: str,
    title: str,
    kind: str = "talk",
    speaker: str = "",
    materials: list[Any] | None = None,
) -> tuple[str, dict]:
    return (
        "session",
        {
            "day": day,
            "start": datetime.time.fromisoformat(start),
            "end": datetime.time.fromisoformat(end),
            "title": title,
            "speaker": speaker,
            "kind": kind,
            "description": "",
            "materials": materials or [],
        },
    )
