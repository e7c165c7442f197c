"""CMS content for the browser walk's world: one page of every type, committed.

Committed by tests/browser/conftest.py (`browser_cms`), so that the workspace's pages on
Nordre Land's host (`/verktoy/<slug>/`, `/samlinger/<gathering>/`) have something to show
and the CMS pages themselves (`/innhold/…` on the public host, tests/browser/pages.py
`CMS_PAGES`) join the walk: the home page as the default site's root, the browser
network's page with its gathering's programme (sessions, material, group tasks), an open
and a members-only content page, the tool index and a tool, a news index with a news
item, and a consultancy's page.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from wagtail.models import Collection, Page, Site, Task

from billing.models import Consultancy
from cms.models import (
    ConsultancyPage,
    ContentPage,
    GatheringProgrammePage,
    HomePage,
    NetworkPage,
    NewsIndexPage,
    NewsPage,
    RoleGroup,
    SamlaDocument,
    ToolIndexPage,
    ToolPage,
)
from networks.gatherings.models import Gathering
from networks.models import LearningNetwork

BROWSER_TOOL_SLUG = "nettleser-verktoy"
BROWSER_HOME_SLUG = "samla-nettleser"
BROWSER_INDEX_SLUG = "verktoy-nettleser"
BROWSER_TOOL = "Nettleser: handlingsveileder"
BROWSER_PROGRAMME = "Program: Nettleser-samlingen"
BROWSER_PROGRAMME_SLUG = "program-nettleser-samlingen"
BROWSER_NETWORK_PAGE_SLUG = "nettleser-nettverket"
BROWSER_CONTENT = "Nettleser: bakgrunn for nettverket"
BROWSER_CONTENT_SLUG = "nettleser-bakgrunn"
BROWSER_MEMBERS_ONLY = "Nettleser: bare for medlemmer"
BROWSER_MEMBERS_ONLY_SLUG = "nettleser-medlemmer"
BROWSER_NEWS_INDEX = "Nettleser: nyheter"
BROWSER_NEWS_INDEX_SLUG = "nettleser-nyheter"
BROWSER_NEWS = "Nettleser: nytt program publisert"
BROWSER_NEWS_SLUG = "nettleser-nytt-program"
BROWSER_CONSULTANCY = "Nettleser Konsulent AS"
BROWSER_CONSULTANCY_SLUG = "nettleser-konsulent"
BROWSER_CONSULTANCY_ORG_NUMBER = "999111222"
BROWSER_MATERIAL = "Nettleser: presentasjon"

# The default site's root before the walk, restored after it (the database's own state).
_site_root_before: dict[str, int] = {}


def _minimal_pdf() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )


def _remove_role_groups(role_groups: list[RoleGroup]) -> None:
    """A role's group with the collection and approval workflow the sync made for it."""
    for role_group in role_groups:
        workflow, collection, group = role_group.workflow, role_group.collection, role_group.group
        if workflow is not None:
            Task.objects.filter(workflow_tasks__workflow=workflow).delete()
            workflow.delete()
        if collection is not None and not collection.get_children().exists():
            Collection.objects.get(pk=collection.pk).delete()
        group.delete()


def remove_browser_cms() -> None:
    """Delete what make_browser_cms made: its pages, then its own tool index and home page
    once empty (the other tests build theirs in a transaction and expect none committed),
    its consultancy and material; the default site's root goes back to what it was."""
    with transaction.atomic():
        site = Site.objects.filter(is_default_site=True).first()
        before = _site_root_before.pop("root", None)
        if site is not None and before is not None and Page.objects.filter(pk=before).exists():
            site.root_page_id = before
            site.save()
        for page in ToolPage.objects.filter(slug=BROWSER_TOOL_SLUG):
            page.delete()
        for page in GatheringProgrammePage.objects.filter(title=BROWSER_PROGRAMME):
            page.delete()
        for page in NetworkPage.objects.filter(network__slug__startswith="nettleser-"):
            page.delete()
        for page in NewsIndexPage.objects.filter(slug=BROWSER_NEWS_INDEX_SLUG):
            page.delete()
        for page in ConsultancyPage.objects.filter(consultancy__slug=BROWSER_CONSULTANCY_SLUG):
            page.delete()
        _remove_role_groups(
            list(
                RoleGroup.objects.filter(consultancy__slug=BROWSER_CONSULTANCY_SLUG)
                | RoleGroup.objects.filter(network__slug__startswith="nettleser-")
            )
        )
        Consultancy.objects.filter(slug=BROWSER_CONSULTANCY_SLUG).delete()
        for document in SamlaDocument.objects.filter(title=BROWSER_MATERIAL):
            document.file.delete(save=False)
            document.delete()
        # The index and home page this world made for itself, not ones that were there.
        for page in [
            *ToolIndexPage.objects.filter(slug=BROWSER_INDEX_SLUG),
            *HomePage.objects.filter(slug=BROWSER_HOME_SLUG),
        ]:
            if not page.get_children().exists():
                if site is not None and site.root_page_id == page.pk:
                    continue  # the site's root before the walk: left as it was
                page.delete()


def _serve_from(home: HomePage) -> None:
    """The default site (the walk's hosts are `localhost` and its sub-domains) serves the
    home page under /innhold/; its root before is restored by remove_browser_cms."""
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="Samla"
        )
        return
    if site.root_page_id != home.pk:
        _site_root_before["root"] = site.root_page_id
        site.root_page = home
        site.save()


def make_browser_cms(network_slug: str, gathering_title: str) -> None:
    """One page of every type, the tool and programme among them (see the module)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    with transaction.atomic():
        # Not ensure_home_page(): it would also commit the operators' role group and
        # replace Wagtail's placeholder page, which the CMS tests do (and expect to do).
        home = HomePage.objects.first()
        if home is None:
            home = Page.get_first_root_node().add_child(
                instance=HomePage(
                    title="Samla",
                    slug=BROWSER_HOME_SLUG,
                    intro="<p>Delt innhold for nettverkene.</p>",
                )
            )
        _serve_from(home)
        index = ToolIndexPage.objects.first()
        if index is None:
            index = home.add_child(
                instance=ToolIndexPage(
                    title="Verktøy",
                    slug=BROWSER_INDEX_SLUG,
                    intro="<p>Felles verktøy for kommunene.</p>",
                )
            )
        material = SamlaDocument(
            title=BROWSER_MATERIAL,
            file=SimpleUploadedFile("nettleser-presentasjon.pdf", _minimal_pdf()),
        )
        material.save()
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
                            "forms": [material],
                        },
                    ),
                    (
                        "template",
                        {
                            "kind": "consent",
                            "title": "Samtykke",
                            "text": "<p>Samtykke til samarbeid.</p>",
                            "document": material,
                        },
                    ),
                ],
            )
        )
        network = LearningNetwork.objects.get(slug=network_slug)
        gathering = Gathering.objects.get(title=gathering_title)
        network_page = home.add_child(
            instance=NetworkPage(
                title=network.name,
                slug=BROWSER_NETWORK_PAGE_SLUG,
                network=network,
                intro="<p>Nettverket for tverrfaglig samarbeid.</p>",
            )
        )
        day = timezone.localdate(gathering.starts_at)
        network_page.add_child(
            instance=GatheringProgrammePage(
                title=BROWSER_PROGRAMME,
                slug=BROWSER_PROGRAMME_SLUG,
                gathering=gathering,
                intro="<p>Program for samlingen.</p>",
                programme=[
                    (
                        "session",
                        {
                            "day": day,
                            "start": datetime.time(0, 0),
                            "end": datetime.time(0, 30),
                            "title": "Velkommen",
                            "speaker": "Kim Koordinator",
                            "kind": "plenary",
                            "description": "<p>Om dagen og målene for den.</p>",
                            "materials": [material],
                        },
                    ),
                    (
                        "session",
                        {
                            "day": day,
                            "start": datetime.time(0, 30),
                            "end": datetime.time(1, 30),
                            "title": "Gruppeoppgave: analysekrysset",
                            "speaker": "",
                            "kind": "group_task",
                            "description": "",
                            "materials": [],
                        },
                    ),
                    (
                        "session",
                        {
                            "day": day,
                            "start": datetime.time(1, 30),
                            "end": datetime.time(1, 45),
                            "title": "Pause",
                            "speaker": "",
                            "kind": "break",
                            "description": "",
                            "materials": [],
                        },
                    ),
                ],
            )
        )
        network_page.add_child(
            instance=ContentPage(
                title=BROWSER_CONTENT,
                slug=BROWSER_CONTENT_SLUG,
                intro="<p>Hvorfor nettverket finnes.</p>",
                body=[
                    ("text", "<h2>Bakgrunn</h2><p>Kommunene samarbeider på tvers.</p>"),
                    ("document", material),
                ],
            )
        )
        network_page.add_child(
            instance=ContentPage(
                title=BROWSER_MEMBERS_ONLY,
                slug=BROWSER_MEMBERS_ONLY_SLUG,
                members_only=True,
                intro="<p>Notater for medlemskommunene.</p>",
            )
        )
        news_index = home.add_child(
            instance=NewsIndexPage(title=BROWSER_NEWS_INDEX, slug=BROWSER_NEWS_INDEX_SLUG)
        )
        news_index.add_child(
            instance=NewsPage(
                title=BROWSER_NEWS,
                slug=BROWSER_NEWS_SLUG,
                intro="Programmet for neste samling er klart.",
                body="<p>Se programmet under nettverkets side.</p>",
            )
        )
        consultancy = Consultancy.objects.create(
            name=BROWSER_CONSULTANCY,
            slug=BROWSER_CONSULTANCY_SLUG,
            org_number=BROWSER_CONSULTANCY_ORG_NUMBER,
        )
        home.add_child(
            instance=ConsultancyPage(
                title=BROWSER_CONSULTANCY,
                slug=BROWSER_CONSULTANCY_SLUG,
                consultancy=consultancy,
                intro="<p>Kompetanseprogram for kommunene.</p>",
            )
        )
