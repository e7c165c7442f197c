"""CMS content for the browser walk's world: a tool and the browser gathering's programme.

Committed by tests/browser/conftest.py (`browser_cms`), so that the workspace's pages on
Nordre Land's host (`/verktoy/<slug>/`, `/samlinger/<gathering>/`) have something to show.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from wagtail.models import Page

from cms.models import GatheringProgrammePage, HomePage, NetworkPage, ToolIndexPage, ToolPage
from networks.gatherings.models import Gathering
from networks.models import LearningNetwork

BROWSER_TOOL_SLUG = "nettleser-verktoy"
BROWSER_HOME_SLUG = "samla-nettleser"
BROWSER_INDEX_SLUG = "verktoy-nettleser"
BROWSER_TOOL = "Nettleser: handlingsveileder"
BROWSER_PROGRAMME = "Program: Nettleser-samlingen"


def remove_browser_cms() -> None:
    """Delete what make_browser_cms made: its pages, then its own tool index and home page
    once empty (the other tests build theirs in a transaction and expect none committed)."""
    with transaction.atomic():
        for page in ToolPage.objects.filter(slug=BROWSER_TOOL_SLUG):
            page.delete()
        for page in GatheringProgrammePage.objects.filter(title=BROWSER_PROGRAMME):
            page.delete()
        for page in NetworkPage.objects.filter(network__slug__startswith="nettleser-"):
            page.delete()
        # The index and home page this world made for itself, not ones that were there.
        for page in [
            *ToolIndexPage.objects.filter(slug=BROWSER_INDEX_SLUG),
            *HomePage.objects.filter(slug=BROWSER_HOME_SLUG),
        ]:
            if not page.get_children().exists():
                page.delete()


def make_browser_cms(network_slug: str, gathering_title: str) -> None:
    """A tool under the tool index and the gathering's programme under its network's page."""
    with transaction.atomic():
        # Not ensure_home_page(): it would also commit the operators' role group and the
        # default site, which the CMS tests build (and expect to build) themselves.
        home = HomePage.objects.first()
        if home is None:
            home = Page.get_first_root_node().add_child(
                instance=HomePage(title="Samla", slug=BROWSER_HOME_SLUG)
            )
        index = ToolIndexPage.objects.first()
        if index is None:
            index = home.add_child(instance=ToolIndexPage(title="Verktøy", slug=BROWSER_INDEX_SLUG))
        index.add_child(
            instance=ToolPage(
                title=BROWSER_TOOL,
                slug=BROWSER_TOOL_SLUG,
                intro="<p>Handlingsveilederen på fire nivåer.</p>",
                body=[
                    ("text", "<p>Felles samhandlingsmodell.</p>"),
                    (
                        "level",
                        {
                            "level": "0",
                            "summary": "<p>Er det grunn til undring?</p>",
                            "steps": [{"title": "Undre seg", "text": "", "responsible": "Ansatt"}],
                            "forms": [],
                        },
                    ),
                    (
                        "template",
                        {"kind": "consent", "title": "Samtykke", "text": "", "document": None},
                    ),
                ],
            )
        )
        network = LearningNetwork.objects.get(slug=network_slug)
        gathering = Gathering.objects.get(title=gathering_title)
        network_page = home.add_child(instance=NetworkPage(title=network.name, network=network))
        day = timezone.localdate(gathering.starts_at)
        network_page.add_child(
            instance=GatheringProgrammePage(
                title=BROWSER_PROGRAMME,
                gathering=gathering,
                programme=[
                    (
                        "session",
                        {
                            "day": day,
                            "start": datetime.time(0, 0),
                            "end": datetime.time(23, 59),
                            "title": "Velkommen",
                            "speaker": "Kim Koordinator",
                            "kind": "plenary",
                            "description": "",
                            "materials": [],
                        },
                    )
                ],
            )
        )
