"""Search across shared content: stemming, only what the user may read, both hosts."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cms.models import CollaborationMethod, ContentPage, NewsIndexPage, NewsPage
from cms.search import QueryError, search
from tests.cms.conftest import public_client
from tests.conftest import client_for, host_of, make_member


def titles(user, query: str) -> list[str]:
    return [item.title for item in search(user, query).items]


@pytest.fixture
def open_news(home):
    news = home.add_child(instance=NewsIndexPage(title="Nyheter"))
    return news.add_child(
        instance=NewsPage(title="Fra nettverket", body="<p>Samlingene i nettverkene.</p>")
    )


@pytest.fixture
def closed_page(page_a):
    """A members-only page of network A, with a page under it."""
    closed = page_a.add_child(
        instance=ContentPage(
            title="Interne notater", intro="<p>Samlingene for medlemmer.</p>", members_only=True
        )
    )
    closed.add_child(instance=ContentPage(title="Underside", intro="<p>Samlingene under.</p>"))
    return closed


def test_stemming_finds_the_plural(open_news):
    # "samlingen" and "Samlingene" share the stem "samling".
    assert titles(AnonymousUser(), "samlingen") == ["Fra nettverket"]


def test_members_only_page_and_its_subtree_are_for_members(
    open_news, closed_page, nordre_land, nesseby, coordinator_a, operator
):
    member = make_member(nordre_land, "medlem.a")
    outsider = make_member(nesseby, "utenfor")
    everything = {"Fra nettverket", "Interne notater", "Underside"}
    assert set(titles(AnonymousUser(), "samlingen")) == {"Fra nettverket"}
    assert set(titles(outsider, "samlingen")) == {"Fra nettverket"}
    assert set(titles(member, "samlingen")) == everything
    assert set(titles(coordinator_a, "samlingen")) == everything
    assert set(titles(operator, "samlingen")) == everything


def test_a_municipality_that_left_the_network_no_longer_reads(closed_page, nordre_land, network_a):
    import datetime

    member = make_member(nordre_land, "medlem.a")
    network_a.memberships.filter(municipality=nordre_land).update(left_on=datetime.date.today())
    assert titles(member, "notater") == []


def test_an_unpublished_draft_is_never_shown(home, operator):
    draft = home.add_child(instance=ContentPage(title="Utkast om samlingene", live=False))
    assert not draft.live
    assert titles(operator, "samlingene") == []


def test_collaboration_methods_are_found():
    CollaborationMethod.objects.create(
        name="Stafettlogg", slug="stafettlogg", summary="Logg over tiltak rundt ett barn."
    )
    [item] = search(AnonymousUser(), "stafettlogg").items
    assert item.title == "Stafettlogg"
    assert item.kind == "samhandlingsmetode"


def test_query_count_does_not_grow_with_results(home, page_a, page_b, operator):
    def queries(count: int) -> int:
        for n in range(count):
            page_a.add_child(instance=ContentPage(title=f"Samling nummer {n}", members_only=n % 2))
        with CaptureQueriesContext(connection) as captured:
            search(operator, "samling")
        return len(captured)

    search(operator, "samling")  # content types and the like, cached once per process
    assert queries(2) == queries(10)


def test_empty_and_too_long_queries():
    with pytest.raises(QueryError) as empty:
        search(AnonymousUser(), "   ")
    assert empty.value.status == 200
    with pytest.raises(QueryError) as long:
        search(AnonymousUser(), "a" * 201)
    assert long.value.status == 400


# The pages --------------------------------------------------------------------------------


def test_public_search_page(open_news, closed_page):
    response = public_client().get("/sok/", {"q": "samlingen"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'for="search-query"' in html
    assert "1 treff" in html
    assert "Fra nettverket" in html
    assert "nyhet" in html.lower()
    assert "Samlingene i nettverkene." in html
    assert 'href="/innhold/nyheter/fra-nettverket/"' in html
    assert "Interne notater" not in html


def test_public_search_page_messages():
    client = public_client()
    assert client.get("/sok/").status_code == 200
    empty = client.get("/sok/", {"q": ""})
    assert empty.status_code == 200
    assert "Skriv inn et søkeord." in empty.content.decode()
    long = client.get("/sok/", {"q": "x" * 201})
    assert long.status_code == 400
    assert "Søket er for langt" in long.content.decode()


def test_search_from_a_municipality_host_links_to_the_public_host(
    open_news, closed_page, nordre_land, nesseby
):
    from samla.urls_helpers import public_url

    member = make_member(nordre_land, "medlem.a")
    response = client_for(host_of(nordre_land), member).get("/sok/", {"q": "samlingen"})
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="{public_url("/innhold/nyheter/fra-nettverket/")}"' in html
    assert "Interne notater" in html

    outsider = make_member(nesseby, "utenfor")
    response = client_for(host_of(nesseby), outsider).get("/sok/", {"q": "samlingen"})
    assert "Interne notater" not in response.content.decode()


def test_municipality_search_is_for_its_members(nordre_land, nesseby):
    outsider = make_member(nesseby, "utenfor")
    assert client_for(host_of(nordre_land), outsider).get("/sok/", {"q": "x"}).status_code == 404
    anonymous = client_for(host_of(nordre_land)).get("/sok/", {"q": "x"})
    assert anonymous.status_code == 302


@pytest.mark.parametrize(
    "query", ["'", "a & b", "!:*", "(", "\\", "«»", "--", "%", "a\x00b", "OR", "ø" * 200]
)
def test_odd_queries_answer_without_error(open_news, query):
    response = public_client().get("/sok/", {"q": query})
    assert response.status_code == 200


def test_members_only_page_outside_networks_is_for_anyone_with_a_municipality(
    home, nesseby, consultant
):
    from cms.models import ToolIndexPage, ToolPage

    tools = home.add_child(instance=ToolIndexPage(title="Verktøy"))
    tools.add_child(instance=ToolPage(title="Samtykkeskjema", members_only=True))
    assert titles(AnonymousUser(), "samtykkeskjema") == []
    assert titles(consultant, "samtykkeskjema") == []  # a consultancy, no municipality
    assert titles(make_member(nesseby, "leser"), "samtykkeskjema") == ["Samtykkeskjema"]


def test_a_members_only_network_page_is_for_its_network(page_a, nordre_land, nesseby):
    page_a.members_only = True
    page_a.save_revision().publish()
    assert titles(make_member(nesseby, "utenfor"), "trøndelag") == []
    assert titles(make_member(nordre_land, "medlem"), "trøndelag") == ["KS Trøndelag"]


def test_the_count_names_every_match_when_more_than_are_shown(page_a, operator):
    for n in range(4):
        page_a.add_child(instance=ContentPage(title=f"Samling nummer {n}"))
    results = search(operator, "samling", limit=2)
    assert results.total == 4
    assert len(results.items) == 2


def test_a_published_pages_unpublished_draft_is_not_searched(open_news, nesseby, operator):
    # Given a live news item whose newer draft (not published) holds a word of its own
    draft = open_news.get_latest_revision_as_object()
    draft.body = "<p>Hemmelighetene i utkastet.</p>"
    draft.save_revision()

    # When anyone searches for that word, even an operator
    # Then nothing is found: only what is published is searched
    for user in (AnonymousUser(), make_member(nesseby, "leser"), operator):
        assert titles(user, "hemmelighetene") == []
    assert titles(AnonymousUser(), "samlingene") == ["Fra nettverket"]


def test_search_links_follow_a_moved_page_on_two_municipality_hosts(
    open_news, page_b, nordre_land, nesseby
):
    from samla.urls_helpers import public_url

    # Given members of two municipalities who have searched on their own hosts
    hosts = [
        (host_of(nordre_land), make_member(nordre_land, "leser.a")),
        (host_of(nesseby), make_member(nesseby, "leser.b")),
    ]
    before = public_url("/innhold/nyheter/fra-nettverket/")
    for host, user in hosts:
        html = client_for(host, user).get("/sok/", {"q": "samlingen"}).content.decode()
        assert f'href="{before}"' in html

    # When the news index is renamed and moved under another network's page
    index = open_news.get_parent().specific
    index.slug = "nytt"
    index.save_revision().publish()
    index.refresh_from_db()
    index.move(page_b, pos="last-child")

    # Then both hosts link to the new path, and neither shows the old one
    after = public_url("/innhold/finnmark/nytt/fra-nettverket/")
    for host, user in hosts:
        html = client_for(host, user).get("/sok/", {"q": "samlingen"}).content.decode()
        assert f'href="{after}"' in html, host
        assert "/innhold/nyheter/" not in html
