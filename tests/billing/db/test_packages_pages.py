"""The catalogue's pages on the public host: what a municipality's user sees, the filters,
the price summary with VAT, and isolation."""

from __future__ import annotations

import pytest

from cms.models import ConsultancyPage, ContentPage
from cms.services import ensure_home_page
from tests.billing.db.conftest import items, make_package
from tests.conftest import PUBLIC_HOST, client_for, host_of

pytestmark = pytest.mark.django_db


def test_the_catalogue_lists_packages_with_prices(leader_a, sor_package, ks_draft):
    page = client_for(PUBLIC_HOST, leader_a).get("/pakker/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Helhetlig innsats" in text and "KS-utkast" not in text
    assert "96\xa0879,13\xa0kr" in text and "111\xa0848,91\xa0kr" in text


def test_the_catalogue_filters(leader_a, sor_member, sor, ks_member, ks):
    make_package(sor_member, sor)
    make_package(ks_member, ks, items=[items()[3]], title="Nettside for nettverket")
    client = client_for(PUBLIC_HOST, leader_a)
    by_kind = client.get("/pakker/", {"kind": "training_day"}).content.decode()
    assert "Helhetlig innsats" in by_kind and "Nettside for nettverket" not in by_kind
    by_consultancy = client.get("/pakker/", {"consultancy": ks.pk}).content.decode()
    assert "Helhetlig innsats" not in by_consultancy and "Nettside for nettverket" in by_consultancy


@pytest.mark.parametrize("count", [3, 30])
def test_the_catalogue_page_has_flat_queries(
    count, leader_a, sor_member, sor, django_assert_max_num_queries
):
    for index in range(count):
        make_package(sor_member, sor, title=f"Pakke {index}")
    client = client_for(PUBLIC_HOST, leader_a)
    with django_assert_max_num_queries(11):
        page = client.get("/pakker/")
    assert page.content.decode().count('href="/pakker/') == count


def test_the_package_page_shows_items_and_the_price_summary(leader_a, sor_package):
    page = client_for(PUBLIC_HOST, leader_a).get(f"/pakker/{sor_package.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Ledersamling 1: Leder som menneske" in text
    assert "Mva 25 % av 59\xa0879,13\xa0kr" in text
    assert "14\xa0969,78\xa0kr" in text and "111\xa0848,91\xa0kr" in text
    assert "merverdiavgiftsloven § 3-5" in text


def test_the_package_links_to_the_programme_page_under_the_consultancy(leader_a, sor_member, sor):
    home = ensure_home_page()
    cms_page = home.add_child(instance=ConsultancyPage(title="Samarbeid Sør", consultancy=sor))
    programme = cms_page.add_child(instance=ContentPage(title="Ett lag"))
    package = make_package(sor_member, sor, programme_page=programme.pk)
    text = client_for(PUBLIC_HOST, leader_a).get(f"/pakker/{package.pk}/").content.decode()
    assert "Les om programmet: Ett lag" in text
    assert 'href="/innhold/samarbeid-sr/ett-lag/"' in text
    elsewhere = home.add_child(instance=ContentPage(title="Annet"))
    with pytest.raises(Exception, match="Programsiden"):
        make_package(sor_member, sor, programme_page=elsewhere.pk)


def test_drafts_and_guesses_are_404_and_anonymous_logs_in(
    leader_a, ks_member, sor_draft, nordre_land
):
    client = client_for(PUBLIC_HOST, leader_a)
    assert client.get(f"/pakker/{sor_draft.pk}/").status_code == 404
    assert client.get("/pakker/987654/").status_code == 404
    assert client_for(PUBLIC_HOST, ks_member).get(f"/pakker/{sor_draft.pk}/").status_code == 404
    anonymous = client_for(PUBLIC_HOST).get("/pakker/")
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    assert client_for(host_of(nordre_land), leader_a).get("/pakker/").status_code == 404
