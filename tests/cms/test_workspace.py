"""The CMS inside a municipality's workspace: "Verktøy" and "Samlinger" on its own host.

Given Nordre Land (a member of network A) and Nesseby (a member of network B), each
municipality's users read the shared tools and methods and the programmes of their own
networks' gatherings on their own host, with links that work there.
"""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cms.models import (
    CollaborationMethod,
    GatheringProgrammePage,
    HomePage,
    NetworkPage,
    SamlaDocument,
    ToolIndexPage,
    ToolPage,
)
from networks.gatherings.kinds import TaskKind
from networks.gatherings.models import Gathering, GroupTask
from networks.models import NetworkMembership
from samla.urls_helpers import public_url
from tests.cms.conftest import STIKLESTAD, oslo, pdf_bytes, upload
from tests.cms.pages import session
from tests.conftest import client_for, host_of


@pytest.fixture
def tools(home: HomePage) -> ToolIndexPage:
    return home.add_child(instance=ToolIndexPage(title="Verktøy", slug="verktoy"))


def add_tool(index: ToolIndexPage, title: str, slug: str, **extra) -> ToolPage:
    return index.add_child(
        instance=ToolPage(title=title, slug=slug, intro=f"<p>Om {title}.</p>", **extra)
    )


def add_programme(
    parent: NetworkPage, gathering: Gathering, sessions=(), **extra
) -> GatheringProgrammePage:
    return parent.add_child(
        instance=GatheringProgrammePage(
            title=f"Program: {gathering.title}",
            gathering=gathering,
            programme=list(sessions),
            **extra,
        )
    )


_codes = itertools.count(1)
DAY_TWO = STIKLESTAD + datetime.timedelta(days=1)


def add_gathering(network, title: str, day: datetime.date) -> Gathering:
    return Gathering.objects.create(
        network=network,
        title=title,
        starts_at=oslo(day, 9),
        ends_at=oslo(day, 15),
        evaluation_code=f"WS{next(_codes):06d}",
    )


def html_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


# Verktøy ---------------------------------------------------------------------------------


def test_tools_page_lists_live_tools_with_intro_and_link_and_the_methods(
    tools, nordre_land, leader_a
):
    add_tool(tools, "BTI – handlingsveileder", "bti")
    draft = add_tool(tools, "Utkast", "utkast")
    draft.unpublish()
    CollaborationMethod.objects.create(
        name="Ansvarsgruppe",
        slug="ansvarsgruppe",
        summary="En gruppe rundt barnet.",
        when_to_use="<p>Når flere tjenester er inne.</p>",
        who_takes_part="<p>Foreldre og tjenestene.</p>",
    )
    html = html_of(client_for(host_of(nordre_land), leader_a).get("/verktoy/"))
    assert '<a class="ds-link" href="/verktoy/bti/">BTI – handlingsveileder</a>' in html
    assert "Om BTI – handlingsveileder." in html
    assert "Utkast" not in html
    assert "Ansvarsgruppe" in html and "En gruppe rundt barnet." in html
    assert "Når flere tjenester er inne." in html and "Foreldre og tjenestene." in html


def test_tools_page_without_a_tool_index_says_so(nordre_land, leader_a):
    html = html_of(client_for(host_of(nordre_land), leader_a).get("/verktoy/"))
    assert "Ingen verktøy er publisert ennå." in html


def test_tool_page_renders_the_body_with_documents_on_the_public_host(tools, nordre_land, leader_a):
    document = SamlaDocument(title="Samtykkeskjema", file=upload("samtykke.pdf", pdf_bytes()))
    document.save()
    add_tool(
        tools,
        "BTI – handlingsveileder",
        "bti",
        body=[
            (
                "level",
                {
                    "level": "1",
                    "summary": "<p>Tiltak i egen enhet.</p>",
                    "steps": [{"title": "Undre seg", "text": "", "responsible": "Lærer"}],
                    "forms": [document],
                },
            ),
            ("template", {"kind": "consent", "title": "Samtykke", "text": "", "document": None}),
        ],
    )
    html = html_of(client_for(host_of(nordre_land), leader_a).get("/verktoy/bti/"))
    assert "Nivå 1: Tiltak i egen enhet" in html and "Undre seg" in html
    assert "Samtykkeskjema" in html  # the level's form, by its title ...
    # ... linked to the public host, where documents are served.
    assert f'href="{public_url(f"/dokumenter/{document.pk}/")}' in html
    assert html.count("<h1") == 1
    assert 'href="/verktoy/"' in html  # back to the list on this host


def test_unknown_or_unpublished_tool_is_not_found(tools, nordre_land, leader_a):
    add_tool(tools, "Utkast", "utkast").unpublish()
    client = client_for(host_of(nordre_land), leader_a)
    assert client.get("/verktoy/utkast/").status_code == 404
    assert client.get("/verktoy/finnes-ikke/").status_code == 404


def test_members_only_tool_is_read_by_a_municipalitys_user(tools, nordre_land, leader_a):
    add_tool(tools, "Bare for medlemmer", "medlemmer", members_only=True)
    client = client_for(host_of(nordre_land), leader_a)
    assert "Bare for medlemmer" in html_of(client.get("/verktoy/"))
    assert client.get("/verktoy/medlemmer/").status_code == 200


# Samlinger -------------------------------------------------------------------------------


def test_gatherings_page_lists_own_networks_programmes_coming_then_past(
    page_a, page_b, network_a, gathering_a, gathering_b, nordre_land, leader_a
):
    today = timezone.localdate()
    soon = add_gathering(network_a, "Vårsamling", today + datetime.timedelta(days=30))
    later = add_gathering(network_a, "Høstsamling", today + datetime.timedelta(days=90))
    add_programme(page_a, gathering_a)
    add_programme(page_a, later)
    add_programme(page_a, soon)
    add_programme(page_b, gathering_b)  # network B: Nordre Land is not a member
    html = html_of(client_for(host_of(nordre_land), leader_a).get("/samlinger/"))
    assert "Samling Alta" not in html
    # Coming soonest first, then past.
    assert html.index("Kommende samlinger") < html.index("Vårsamling")
    assert html.index("Vårsamling") < html.index("Høstsamling")
    assert html.index("Høstsamling") < html.index("Tidligere samlinger")
    assert html.index("Tidligere samlinger") < html.index("Nettverkssamling Stiklestad")
    assert f'href="/samlinger/{soon.pk}/"' in html


def test_programme_page_renders_sessions_tasks_and_materials_on_the_public_host(
    page_a, gathering_a, nordre_land, leader_a
):
    material = SamlaDocument(title="Lysark KoRus", file=upload("korus.pdf", pdf_bytes()))
    material.save()
    GroupTask.objects.create(
        gathering=gathering_a, title="Analysekrysset", kind=TaskKind.GRID, order=1
    )
    add_programme(
        page_a,
        gathering_a,
        [
            session(
                STIKLESTAD,
                "11:00",
                "11:45",
                "Bedre tverrfaglig innsats",
                speaker="KoRus",
                materials=[material],
            ),
            session(STIKLESTAD, "10:00", "10:30", "Velkommen", kind="plenary"),
            session(DAY_TWO, "09:00", "10:00", "Gruppearbeid", kind="group_task"),
        ],
    )
    html = html_of(client_for(host_of(nordre_land), leader_a).get(f"/samlinger/{gathering_a.pk}/"))
    assert html.index("Velkommen") < html.index("Bedre tverrfaglig innsats")
    assert html.index("Bedre tverrfaglig innsats") < html.index("Gruppearbeid")
    assert "Plenum" in html and "Foredrag" in html and "Gruppeoppgave" in html
    assert "KoRus" in html and "10:00" in html
    assert f'href="{public_url(f"/dokumenter/{material.pk}/")}' in html
    assert "Analysekrysset" in html
    assert 'href="/samlinger/"' in html


def test_another_networks_programme_is_not_found(page_b, gathering_b, nordre_land, leader_a):
    add_programme(page_b, gathering_b)
    client = client_for(host_of(nordre_land), leader_a)
    assert client.get(f"/samlinger/{gathering_b.pk}/").status_code == 404


def test_gathering_without_a_live_programme_is_not_found(
    page_a, gathering_a, nordre_land, leader_a
):
    client = client_for(host_of(nordre_land), leader_a)
    assert client.get(f"/samlinger/{gathering_a.pk}/").status_code == 404
    add_programme(page_a, gathering_a).unpublish()
    assert client.get(f"/samlinger/{gathering_a.pk}/").status_code == 404
    assert "Nettverkssamling Stiklestad" not in html_of(client.get("/samlinger/"))


def test_members_only_programme_is_read_by_members_until_the_municipality_leaves(
    page_a, network_a, gathering_a, nordre_land, leader_a
):
    add_programme(page_a, gathering_a, members_only=True)
    client = client_for(host_of(nordre_land), leader_a)
    assert client.get(f"/samlinger/{gathering_a.pk}/").status_code == 200
    NetworkMembership.objects.filter(network=network_a, municipality=nordre_land).update(
        left_on=timezone.localdate()
    )
    assert client.get(f"/samlinger/{gathering_a.pk}/").status_code == 404
    assert "Nettverkssamling Stiklestad" not in html_of(client.get("/samlinger/"))


def test_members_only_network_subtree_is_read_only_once_a_member(
    home, network_a, network_b, page_b, nordre_land, leader_a
):
    """Network B's subtree is members-only: its programme is not found on Nordre Land's
    host until Nordre Land joins network B."""
    page_b.members_only = True
    page_b.save()
    gathering = add_gathering(network_b, "Samling i Vadsø", STIKLESTAD)
    add_programme(page_b, gathering)
    client = client_for(host_of(nordre_land), leader_a)
    assert client.get(f"/samlinger/{gathering.pk}/").status_code == 404
    network_b.municipalities.add(nordre_land)
    assert client.get(f"/samlinger/{gathering.pk}/").status_code == 200


# Isolation -------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/verktoy/", "/verktoy/bti/", "/samlinger/", "/samlinger/{g}/"])
def test_anonymous_is_sent_to_log_in(path, tools, page_a, gathering_a, nordre_land):
    add_tool(tools, "BTI", "bti")
    add_programme(page_a, gathering_a)
    response = client_for(host_of(nordre_land)).get(path.format(g=gathering_a.pk))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("path", ["/verktoy/", "/verktoy/bti/", "/samlinger/", "/samlinger/{g}/"])
def test_another_municipalitys_user_gets_404(
    path, tools, page_a, gathering_a, nordre_land, leader_b
):
    add_tool(tools, "BTI", "bti")
    add_programme(page_a, gathering_a)
    response = client_for(host_of(nordre_land), leader_b).get(path.format(g=gathering_a.pk))
    assert response.status_code == 404


def test_home_links_to_tools_and_gatherings(nordre_land, leader_a):
    html = html_of(client_for(host_of(nordre_land), leader_a).get("/"))
    assert 'href="/verktoy/"' in html and 'href="/samlinger/"' in html


# Queries do not grow with the pages listed -------------------------------------------------


def _count(host: str, user, path: str) -> int:
    client = client_for(host, user)
    client.get(path)  # warm up what is read once per process (content types, translations)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return sum(1 for q in queries.captured_queries if not q["sql"].startswith("SET search_path"))


def test_tools_page_queries_are_the_same_for_1_and_10_tools(tools, nordre_land, leader_a):
    for slug in ("ansvarsgruppe", "bti"):
        CollaborationMethod.objects.create(name=slug.title(), slug=slug, summary="Kort.")
    add_tool(tools, "Verktøy 0", "verktoy-0", members_only=True)
    one = _count(host_of(nordre_land), leader_a, "/verktoy/")
    for number in range(1, 10):
        add_tool(tools, f"Verktøy {number}", f"verktoy-{number}", members_only=number % 2 == 0)
    ten = _count(host_of(nordre_land), leader_a, "/verktoy/")
    assert one == ten


def test_gatherings_page_queries_are_the_same_for_1_and_10_programmes(
    page_a, network_a, nordre_land, leader_a
):
    first = add_gathering(network_a, "Samling 0", STIKLESTAD)
    add_programme(page_a, first, members_only=True)
    one = _count(host_of(nordre_land), leader_a, "/samlinger/")
    for number in range(1, 10):
        gathering = add_gathering(
            network_a, f"Samling {number}", timezone.localdate() + datetime.timedelta(days=number)
        )
        add_programme(page_a, gathering, members_only=number % 2 == 0)
    ten = _count(host_of(nordre_land), leader_a, "/samlinger/")
    assert one == ten


# Wagtail's site root paths cache ------------------------------------------------------------


def test_links_follow_a_moved_or_renamed_page_on_two_hosts(
    home, tools, page_a, page_b, network_a, network_b, gathering_a, nordre_land, nesseby,
    leader_a, leader_b,
):  # fmt: skip
    """Rich text links to pages are Wagtail's URLs on the public host; the workspace's own
    links are built from the tool's slug. Both hosts read them before and after the home
    page (the site's root) is renamed and a linked page renamed and moved: neither shows a
    stale path or the other's."""
    network_b.municipalities.add(nordre_land)
    link = f'<p>Se <a linktype="page" id="{page_a.pk}">nettverket</a>.</p>'
    tool = add_tool(tools, "BTI", "bti")
    # Wagtail ships no types: mypy takes the rich text field for its own value's type.
    tool.intro = link  # type: ignore[assignment]
    tool.save_revision().publish()
    hosts = [(host_of(nordre_land), leader_a), (host_of(nesseby), leader_b)]
    before = public_url("/innhold/ks-trndelag/")
    for host, user in hosts:  # warms every cache the pages read
        client = client_for(host, user)
        assert before in html_of(client.get("/verktoy/"))
        assert before in html_of(client.get("/verktoy/bti/"))

    home.refresh_from_db()
    home.slug = "samla-ny"
    home.save_revision().publish()
    page_a.refresh_from_db()
    page_a.slug = "ks-ny"
    page_a.save_revision().publish()
    page_a.refresh_from_db()
    page_a.move(page_b, pos="last-child")
    tool.refresh_from_db()
    tool.slug = "bti-ny"
    tool.save_revision().publish()

    after = public_url("/innhold/finnmark/ks-ny/")
    for host, user in hosts:
        client = client_for(host, user)
        for path in ("/verktoy/", "/verktoy/bti-ny/"):
            html = html_of(client.get(path))
            assert after in html, (host, path)
            assert "ks-trndelag" not in html and "/innhold/samla" not in html
        assert 'href="/verktoy/bti-ny/"' in html_of(client.get("/verktoy/"))
        assert client.get("/verktoy/bti/").status_code == 404
