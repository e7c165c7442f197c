"""The catalogue's pages on the public host: what a municipality's user sees, the filters,
the price summary with VAT, and isolation."""

from __future__ import annotations

import pytest

from billing.models import Package
from billing.services import packages as services
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
    # On a municipality's host the catalogue has the published packages only.
    municipality_host = client_for(host_of(nordre_land), leader_a)
    assert municipality_host.get(f"/pakker/{sor_draft.pk}/").status_code == 404
    assert "Utkast" not in municipality_host.get("/pakker/").content.decode()


def test_a_member_publishes_unpublishes_and_deletes_from_the_page(sor_member, sor_draft):
    client = client_for(PUBLIC_HOST, sor_member)
    url = f"/pakker/{sor_draft.pk}/"
    page = client.get(url).content.decode()
    assert "Publiser i katalogen" in page and "Slett utkastet" in page
    published = client.post(url, {"action": "publish", "version": "1"})
    assert published.status_code == 302
    stale = client.post(url, {"action": "unpublish", "version": "1"})
    assert stale.status_code == 409
    assert "Noen andre har endret pakken" in stale.content.decode()
    refused = client.post(url, {"action": "delete"})
    assert refused.status_code == 400 and "avpubliser" in refused.content.decode()
    assert client.post(url, {"action": "unpublish", "version": "2"}).status_code == 302
    assert client.post(url, {"action": "delete"}).status_code == 302
    assert not Package.objects.filter(pk=sor_draft.pk).exists()


def test_a_package_with_no_items_is_not_published_from_the_page(sor_member, sor):
    package = services.create_package(sor_member, sor, {"title": "Tom", "duration_weeks": 4})
    response = client_for(PUBLIC_HOST, sor_member).post(
        f"/pakker/{package.pk}/", {"action": "publish", "version": "1"}
    )
    assert response.status_code == 400 and "uten linjer" in response.content.decode()
    assert not Package.objects.get(pk=package.pk).is_published


def test_others_cannot_act_on_the_page(leader_a, ks_member, sor_package, sor_draft):
    for user in (leader_a, ks_member):
        client = client_for(PUBLIC_HOST, user)
        page = client.get(f"/pakker/{sor_package.pk}/").content.decode()
        assert "Ta ut av katalogen" not in page
        post = {"action": "unpublish", "version": str(sor_package.version)}
        assert client.post(f"/pakker/{sor_package.pk}/", post).status_code == 403
        assert client.post(f"/pakker/{sor_draft.pk}/", {"action": "delete"}).status_code == 404
    assert Package.objects.get(pk=sor_package.pk).is_published
    assert Package.objects.filter(pk=sor_draft.pk).exists()
