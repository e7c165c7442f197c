"""Page types: where each may stand, the programme's rules, accessible and safe rendering."""

from __future__ import annotations

import datetime
import itertools
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from cms.models import (
    ConsultancyPage,
    GatheringProgrammePage,
    NetworkPage,
    NewsIndexPage,
    NewsPage,
    ToolIndexPage,
    ToolPage,
)
from networks.gatherings.kinds import TaskKind
from networks.gatherings.models import GroupTask
from tests.cms.conftest import STIKLESTAD, make_user, public_client
from tests.cms.pages import path_of, session
from tests.conftest import make_member

DAY_TWO = STIKLESTAD + datetime.timedelta(days=1)


def block_error(error: ValidationError, field: str) -> Any:
    """The error on one field of the programme's first session."""
    programme: Any = error.error_dict["programme"][0]
    return programme.block_errors[0].block_errors[field]


def programme_page(parent, gathering, sessions=(), **extra) -> GatheringProgrammePage:
    return parent.add_child(
        instance=GatheringProgrammePage(
            title="Program for Stiklestad", gathering=gathering, programme=list(sessions), **extra
        )
    )


# Where each page may stand -------------------------------------------------------------


def test_tree_rules(home, page_a):
    assert NetworkPage.can_create_at(home)
    assert GatheringProgrammePage.can_create_at(page_a)
    assert not GatheringProgrammePage.can_create_at(home)
    tools = home.add_child(instance=ToolIndexPage(title="Verktøy"))
    assert ToolPage.can_create_at(tools)
    assert not NetworkPage.can_create_at(tools)
    assert not ToolPage.can_create_at(page_a)
    assert not ToolIndexPage.can_create_at(home)  # one tool index only
    assert NewsIndexPage.can_create_at(page_a)
    assert not ConsultancyPage.can_create_at(page_a)


# The gathering programme ---------------------------------------------------------------


def test_programme_page_renders_sessions_by_day_and_the_group_tasks(page_a, gathering_a):
    GroupTask.objects.create(
        gathering=gathering_a, title="Analysekrysset", kind=TaskKind.GRID, order=1
    )
    page = programme_page(
        page_a,
        gathering_a,
        [
            session(STIKLESTAD, "11:00", "11:45", "Bedre tverrfaglig innsats", speaker="KoRus"),
            session(STIKLESTAD, "10:00", "10:30", "Velkommen", kind="plenary"),
            session(DAY_TWO, "09:00", "10:00", "Gruppeoppgave", kind="group_task"),
            session(STIKLESTAD, "12:00", "12:45", "Lunsj", kind="break"),
        ],
    )
    response = public_client().get(path_of(page))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="nb"' in html
    assert "<main" in html and "<h1" in html
    # Sorted by day, then start time; the kinds have Norwegian labels.
    assert html.index("Velkommen") < html.index("Bedre tverrfaglig innsats") < html.index("Lunsj")
    assert html.index("Lunsj") < html.index("Gruppeoppgave</h4>")
    assert "Plenum" in html and "Pause" in html and "Foredrag" in html
    assert "Analysekrysset" in html
    assert "KoRus" in html


def test_programme_headings_are_in_order(page_a, gathering_a):
    import re

    page = programme_page(page_a, gathering_a, [session(STIKLESTAD, "10:00", "11:00", "Åpning")])
    html = public_client().get(path_of(page)).content.decode()
    main = html[html.index("<main") :]
    levels = [int(level) for level in re.findall(r"<h([1-6])", main)]
    assert levels[0] == 1
    assert all(b <= a + 1 for a, b in itertools.pairwise(levels))


def test_session_that_ends_before_it_starts_is_refused(page_a, gathering_a):
    with pytest.raises(ValidationError) as error:
        programme_page(page_a, gathering_a, [session(STIKLESTAD, "11:00", "10:00", "Baklengs")])
    assert "må slutte etter at den starter" in str(block_error(error.value, "end"))
    assert not GatheringProgrammePage.objects.exists()


def test_session_on_a_day_outside_the_gathering_is_refused(page_a, gathering_a):
    with pytest.raises(ValidationError) as error:
        programme_page(
            page_a,
            gathering_a,
            [session(STIKLESTAD - datetime.timedelta(days=1), "10:00", "11:00", "For tidlig")],
        )
    message = str(block_error(error.value, "day"))
    assert "Dagen må være mellom 24.04.2019 og 25.04.2019" in message
    assert not GatheringProgrammePage.objects.exists()


def test_programme_page_for_another_networks_gathering_is_refused(page_a, gathering_b):
    with pytest.raises(ValidationError) as error:
        programme_page(page_a, gathering_b)
    assert "hører til et annet nettverk" in str(error.value.message_dict["gathering"])
    assert not GatheringProgrammePage.objects.exists()


def test_page_without_a_title_is_refused_in_norwegian(home, network_a):
    with pytest.raises(ValidationError) as error:
        home.add_child(instance=NetworkPage(title="", network=network_a))
    message = str(error.value.message_dict["title"])
    assert "This field" not in message
    assert "Feltet kan ikke være blankt" in message
    assert not NetworkPage.objects.exists()


# Rich text ------------------------------------------------------------------------------


def _news_index(home):
    return home.add_child(instance=NewsIndexPage(title="Nyheter"))


def test_headings_that_skip_a_level_are_refused(home):
    news = _news_index(home)
    with pytest.raises(ValidationError) as error:
        news.add_child(
            instance=NewsPage(title="Hopp", body="<h2>Bakgrunn</h2><p>x</p><h4>Detalj</h4>")
        )
    assert "hopper over et nivå" in str(error.value.message_dict["body"])
    assert not NewsPage.objects.exists()


def test_headings_in_order_are_accepted(home):
    news = _news_index(home)
    page = news.add_child(
        instance=NewsPage(title="Orden", body="<h2>Bakgrunn</h2><h3>Detalj</h3><h2>Neste</h2>")
    )
    assert page.pk


def test_script_in_a_stored_body_never_reaches_the_reader(home):
    news = _news_index(home)
    page = news.add_child(
        instance=NewsPage(
            title="Farlig",
            body=(
                '<p onclick="steal()">Hei</p><script>alert("x")</script>'
                "<img src=x onerror=alert(1)>"
            ),
        )
    )
    page.refresh_from_db()
    assert "<script" not in page.body and "onclick" not in page.body
    html = public_client().get(path_of(page)).content.decode()
    main = html[html.index("<main") :]
    assert "<script>alert" not in main
    assert "onclick" not in main and "onerror" not in main
    assert "Hei" in main


# Members-only pages ---------------------------------------------------------------------


@pytest.fixture
def restricted(page_a, gathering_a):
    return programme_page(page_a, gathering_a, members_only=True)


def test_members_only_page_is_read_by_a_member_municipalitys_user(restricted, nordre_land):
    member = make_member(nordre_land, "leser.nordre-land")
    assert public_client(member).get(path_of(restricted)).status_code == 200


def test_members_only_page_is_read_by_the_coordinator_and_operator(
    restricted, coordinator_a, operator
):
    assert public_client(coordinator_a).get(path_of(restricted)).status_code == 200
    assert public_client(operator).get(path_of(restricted)).status_code == 200


def test_members_only_page_is_not_found_for_other_municipalities(restricted, nesseby, network_b):
    outsider = make_member(nesseby, "leser.nesseby")
    assert public_client(outsider).get(path_of(restricted)).status_code == 404
    assert public_client(make_user("ingen")).get(path_of(restricted)).status_code == 404


def test_members_only_page_sends_anonymous_to_log_in(restricted):
    response = public_client().get(path_of(restricted))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_wagtails_own_login_route_shows_samlas_form(db):
    response = public_client().get("/innhold/_util/login/")
    assert response.status_code == 200
    assert 'autocomplete="current-password"' in response.content.decode()


def test_members_only_on_a_network_page_covers_its_subtree(page_a, gathering_a, nesseby):
    page_a.members_only = True
    page_a.save()
    page = programme_page(page_a, gathering_a)
    outsider = make_member(nesseby, "leser.nesseby")
    assert public_client(outsider).get(path_of(page)).status_code == 404
    assert public_client().get(path_of(page)).status_code == 302


def test_a_municipality_that_left_the_network_no_longer_reads(restricted, nordre_land, network_a):
    member = make_member(nordre_land, "leser.nordre-land")
    network_a.memberships.filter(municipality=nordre_land).update(left_on=datetime.date.today())
    assert public_client(member).get(path_of(restricted)).status_code == 404


def test_admin_form_refuses_another_networks_gathering(page_a, gathering_b, operator):
    from wagtail.test.utils.form_data import (
        inline_formset,
        nested_form_data,
        rich_text,
        streamfield,
    )

    response = public_client(operator).post(
        f"/cms/pages/add/cms/gatheringprogrammepage/{page_a.pk}/",
        nested_form_data(
            {
                "title": "Program",
                "slug": "program",
                "gathering": gathering_b.pk,
                "intro": rich_text("<p>Program</p>"),
                "programme": streamfield([]),
                "comments": inline_formset([]),
            }
        ),
    )
    # The other network's gathering is not among the choices, so a forged one is refused.
    assert response.status_code == 200
    assert "Velg et gyldig valg" in response.content.decode()
    assert not GatheringProgrammePage.objects.exists()


def test_admin_form_offers_only_the_networks_own_gatherings(
    page_a, gathering_a, gathering_b, coordinator_a
):
    response = public_client(coordinator_a).get(
        f"/cms/pages/add/cms/gatheringprogrammepage/{page_a.pk}/"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert gathering_a.title in html
    assert gathering_b.title not in html


def test_coordinator_opens_the_programme_editor(page_a, gathering_a, coordinator_a):
    page = programme_page(page_a, gathering_a, [session(STIKLESTAD, "10:00", "11:00", "Åpning")])
    response = public_client(coordinator_a).get(f"/cms/pages/{page.pk}/edit/")
    assert response.status_code == 200
    assert "Programpost" in response.content.decode()


# Index pages: the same queries for 2 and 12 items ------------------------------------------


def _served_queries(page) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = public_client()
    assert client.get(path_of(page)).status_code == 200  # warms the site's root paths
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path_of(page))
    assert response.status_code == 200
    return len(queries.captured_queries)


def _add_news(index, number: int) -> None:
    index.add_child(
        instance=NewsPage(title=f"Nyhet {number}", intro="Kort.", members_only=number % 2 == 1)
    )


def _add_tool(index, number: int) -> None:
    index.add_child(instance=ToolPage(title=f"Verktøy {number}", members_only=number % 2 == 1))


def _add_content(parent, number: int) -> None:
    from cms.models import ContentPage

    parent.add_child(instance=ContentPage(title=f"Side {number}", members_only=number % 2 == 1))


def _add_programme(network_page, number: int) -> None:
    from django.utils import timezone

    from networks.gatherings.models import Gathering

    starts = timezone.now() + datetime.timedelta(days=number + 1)
    gathering = Gathering.objects.create(
        network=network_page.network,
        title=f"Samling {number}",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=4),
        place="Stiklestad",
        evaluation_code=f"SAML{number:04d}",
    )
    network_page.add_child(
        instance=GatheringProgrammePage(
            title=f"Program {number}", gathering=gathering, members_only=number % 2 == 1
        )
    )


@pytest.mark.parametrize("kind", ["news", "tools", "network", "content", "home"])
def test_index_pages_answer_in_the_same_queries_for_2_and_12_items(home, page_a, kind):
    # Given an index page of each kind with two items under it, one members-only (so the
    # reader's rule is applied to them)
    from cms.models import ContentPage

    page: Any
    add: Any
    if kind == "news":
        page, add = home.add_child(instance=NewsIndexPage(title="Nyheter")), _add_news
    elif kind == "tools":
        page, add = home.add_child(instance=ToolIndexPage(title="Verktøy")), _add_tool
    elif kind == "network":
        page, add = page_a, _add_programme
    elif kind == "content":
        page, add = page_a.add_child(instance=ContentPage(title="Bakgrunn")), _add_content
    else:
        page, add = (
            home,
            lambda parent, number: parent.add_child(
                instance=NewsIndexPage(title=f"Nyheter {number}", members_only=number % 2 == 1)
            ),
        )
    add(page, 0)
    add(page, 1)
    two = _served_queries(page)

    # When ten more are added
    for number in range(2, 12):
        add(page, number)

    # Then serving it takes as many queries as before
    assert _served_queries(page) == two


# Listings show only what the reader may read ---------------------------------------------


@pytest.fixture
def listed(home, page_a, gathering_a):
    """Under each listing page an open child and a members-only one of network A."""
    from cms.models import ContentPage

    news = home.add_child(instance=NewsIndexPage(title="Nyheter"))
    tools = home.add_child(instance=ToolIndexPage(title="Verktøy"))
    background = page_a.add_child(instance=ContentPage(title="Bakgrunn"))
    for parent, model, extra in (
        (news, NewsPage, {}),
        (tools, ToolPage, {}),
        (background, ContentPage, {}),
        (page_a, ContentPage, {}),
    ):
        parent.add_child(instance=model(title="Åpen side", **extra))
        parent.add_child(instance=model(title="Lukket side", members_only=True, **extra))
    page_a.add_child(
        instance=GatheringProgrammePage(
            title="Lukket program", gathering=gathering_a, members_only=True
        )
    )
    home.add_child(instance=NewsIndexPage(title="Lukkede nyheter", members_only=True))
    return {"home": home, "news": news, "tools": tools, "background": background, "network": page_a}


@pytest.mark.parametrize("which", ["home", "news", "tools", "background", "network"])
def test_listings_leave_out_members_only_pages_for_those_they_are_not_for(
    listed, which, nordre_land, nesseby
):
    # Given a page listing an open and a members-only page of network A
    page = listed[which]

    # When an anonymous reader, another network's member and a member of network A open it
    def html_for(user) -> str:
        response = public_client(user).get(path_of(page))
        assert response.status_code == 200
        return response.content.decode()

    anonymous = html_for(None)
    outsider = html_for(make_member(nesseby, "leser.nesseby"))
    member = html_for(make_member(nordre_land, "leser.nordre-land"))

    # Then only those it is for see the members-only page's title (network A's members;
    # for one outside the networks, anyone with a municipality); everyone sees the open one
    closed = {"home": "Lukkede nyheter", "network": "Lukket program"}.get(which, "Lukket side")
    in_network_a = which in ("background", "network")
    assert closed not in anonymous
    assert (closed in outsider) is not in_network_a
    assert closed in member
    if which != "home":
        assert "Åpen side" in anonymous and "Åpen side" in member
