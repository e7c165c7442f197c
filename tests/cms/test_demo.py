"""The demo's shared content: built from the seeds, and loading it twice adds nothing."""

from __future__ import annotations

from wagtail.models import Page

from billing.models import Consultancy
from cms.demo import METHODS, STIKLESTAD_SESSIONS, load_demo_cms
from cms.models import (
    CollaborationMethod,
    ConsultancyPage,
    GatheringProgrammePage,
    NetworkPage,
    ToolPage,
)
from networks.gatherings.demo import load_demo_gatherings
from tests.cms.conftest import public_client
from tests.cms.pages import path_of


def counts() -> tuple[int, ...]:
    return (
        Page.objects.count(),
        CollaborationMethod.objects.count(),
        GatheringProgrammePage.objects.count(),
    )


def test_demo_content_loads_once(db):
    load_demo_gatherings()
    Consultancy.objects.create(name="Samarbeid Sør", slug="samarbeid-sor", org_number="912660680")
    load_demo_cms()
    first = counts()
    load_demo_cms()
    assert counts() == first

    assert NetworkPage.objects.count() == 2
    assert ConsultancyPage.objects.count() == 1
    assert CollaborationMethod.objects.count() == len(METHODS)
    assert CollaborationMethod.objects.filter(slug="familierad").exists()

    programme = GatheringProgrammePage.objects.get()
    assert programme.gathering.place == "Stiklestad"
    assert len(programme.programme) == len(STIKLESTAD_SESSIONS)
    html = public_client().get(path_of(programme)).content.decode()
    assert "Lasse Arntsen" in html and "Gruppeoppgave 1 (50 min)" in html

    bti = ToolPage.objects.get(slug="bti-handlingsveileder")
    levels = [block.value["level"] for block in bti.body if block.block_type == "level"]
    assert levels == ["0", "1", "2", "3"]
    html = public_client().get(path_of(bti)).content.decode()
    assert "Stafettholder" in html and "Nivå 3" in html


def test_every_demo_page_renders_with_one_h1_and_headings_in_order(db):
    import itertools
    import re

    load_demo_gatherings()
    Consultancy.objects.create(name="Samarbeid Sør", slug="samarbeid-sor", org_number="912660680")
    load_demo_cms()
    pages = Page.objects.live().filter(depth__gte=2).specific()
    assert len(pages) >= 7
    for page in pages:
        response = public_client().get(path_of(page))
        assert response.status_code == 200, (page.title, response.status_code)
        html = response.content.decode()
        assert '<html lang="nb"' in html
        main = html[html.index("<main") : html.index("</main>")]
        levels = [int(level) for level in re.findall(r"<h([1-6])", main)]
        assert levels.count(1) == 1, page.title
        assert all(b <= a + 1 for a, b in itertools.pairwise(levels)), (page.title, levels)
