"""The demo's shared content: built from the seeds, and loading it twice adds nothing."""

from __future__ import annotations

from wagtail.models import Page

from billing.models import Consultancy
from cms.demo import (
    FAGDAG_TOPICS,
    FINNMARK_AGENDA,
    METHODS,
    PROGRAMME_TOPICS,
    STIKLESTAD_SESSIONS,
    load_demo_cms,
)
from cms.models import (
    CollaborationMethod,
    ConsultancyPage,
    ContentPage,
    GatheringProgrammePage,
    NetworkPage,
    ToolPage,
)
from cms.models.pages import gathering_days
from networks.gatherings.demo import FINNMARK_NETWORK, load_demo_gatherings
from networks.gatherings.models import Gathering
from tests.cms.conftest import public_client
from tests.cms.pages import path_of


def counts() -> tuple[int, ...]:
    from django.contrib.auth.models import Group
    from wagtail.models import Collection, Site, Workflow

    from cms.models import RoleGroup, SamlaDocument

    return (
        Page.objects.count(),
        CollaborationMethod.objects.count(),
        GatheringProgrammePage.objects.count(),
        ContentPage.objects.count(),
        # What loading pages brings with it: sites, role groups and their collections and
        # workflows, documents.
        Site.objects.count(),
        RoleGroup.objects.count(),
        Group.objects.count(),
        Collection.objects.count(),
        Workflow.objects.count(),
        SamlaDocument.objects.count(),
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

    assert GatheringProgrammePage.objects.count() == 5  # Stiklestad and Finnmark's four
    programme = GatheringProgrammePage.objects.get(gathering__place="Stiklestad")
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


def test_each_finnmark_gathering_has_its_programme_on_its_own_days(db):
    # given the gatherings and the CMS demo loaded twice
    load_demo_gatherings()
    load_demo_cms()
    load_demo_cms()

    gatherings = Gathering.objects.filter(network__slug=FINNMARK_NETWORK)
    assert gatherings.count() == 4
    network_page = NetworkPage.objects.get(network__slug=FINNMARK_NETWORK)
    for gathering in gatherings:
        # then each has one programme page, under the network's page
        page = GatheringProgrammePage.objects.get(gathering=gathering)
        assert page.get_parent().pk == network_page.pk
        first, last = gathering_days(gathering)
        days = [child.value["day"] for child in page.programme]
        # one session on each of the gathering's two days, with the seed's agenda, no speaker
        assert days == [first, last] and first != last
        for child in page.programme:
            assert child.value["title"].startswith(FINNMARK_AGENDA)
            assert child.value["speaker"] == ""
            assert child.value["start"] < child.value["end"]
        html = public_client().get(path_of(page)).content.decode()
        assert FINNMARK_AGENDA in html and "arbeidsgruppa" in html

    # the seed's «27.-28.3.2018» is the second gathering, taken as 2019
    second = GatheringProgrammePage.objects.get(slug="samling-2", gathering__in=gatherings)
    assert second.title == "Program: samling 2 (27.–28.3.2019)"


def test_samarbeid_sor_programme_topics_stand_under_its_page_once(db):
    # given Samarbeid Sør and the CMS demo loaded twice
    Consultancy.objects.create(name="Samarbeid Sør", slug="samarbeid-sor", org_number="912660680")
    load_demo_cms()
    load_demo_cms()

    # then each part of the programme is a content page under the consultancy's page, once
    consultancy_page = ConsultancyPage.objects.get(consultancy__slug="samarbeid-sor")
    topics = ContentPage.objects.child_of(consultancy_page)
    assert [page.title for page in topics] == [title for _, title, _, _ in PROGRAMME_TOPICS]
    assert ContentPage.objects.count() == len(PROGRAMME_TOPICS)

    # the competence programme lists the seed's topics for the training days
    competence = topics.get(slug="kompetanseprogrammet")
    html = public_client().get(path_of(competence)).content.decode()
    assert "Tema på fagdagene" in html
    assert "(FIT)" in html and "«den nødvendige samtalen»" in html
    assert html.count("<li>") >= len(FAGDAG_TOPICS)
    html = public_client().get(path_of(consultancy_page)).content.decode()
    assert "Lederstøtteprogram" in html and "Geografiske tverrfaglige nettverk" in html
