"""The packages API on the public host: the catalogue, writes by the consultancy's members,
totals in the JSON, and isolation (anonymous, another consultancy, guessed id, wrong host)."""

from __future__ import annotations

import pytest

from billing.models import Package, PackageItem
from tests.billing.db.conftest import items, make_package
from tests.networks.conftest import municipality_api, public_api

pytestmark = pytest.mark.django_db


def test_the_catalogue_shows_published_packages_with_totals(leader_a, sor_package, ks_draft):
    listed = public_api(leader_a).get("/api/packages/")
    assert listed.status_code == 200
    body = listed.json()
    assert [p["id"] for p in body] == [sor_package.pk]  # KS's draft is not shown
    package = body[0]
    assert package["totals"] == {"net": "96879.13", "vat": "14969.78", "gross": "111848.91"}
    assert package["consultancy_name"] == "Samarbeid Sør"
    first, _, third, _ = package["items"]
    assert (first["kind"], first["kind_label"], first["vat_rate"]) == (
        "training_day",
        "Fagdag",
        "0.00",
    )
    assert (first["net"], first["vat_amount"], first["gross"]) == ("37000.00", "0.00", "37000.00")
    assert (third["quantity"], third["unit_price"], third["net"]) == (
        "7.5000",
        "1450.55",
        "10879.13",
    )
    assert (third["vat_amount"], third["gross"]) == ("2719.78", "13598.91")


def test_members_also_see_their_own_drafts(sor_member, ks_member, sor_package, sor_draft, ks_draft):
    own = {p["id"] for p in public_api(sor_member).get("/api/packages/").json()}
    assert own == {sor_package.pk, sor_draft.pk}
    other = {p["id"] for p in public_api(ks_member).get("/api/packages/").json()}
    assert other == {sor_package.pk, ks_draft.pk}


def test_the_catalogue_filters_by_consultancy_and_kind(leader_a, sor_member, sor, ks_member, ks):
    make_package(sor_member, sor)
    make_package(ks_member, ks, items=[items()[3]], title="Nettside")
    api = public_api(leader_a)
    assert len(api.get("/api/packages/").json()) == 2
    assert len(api.get(f"/api/packages/?consultancy={ks.pk}").json()) == 1
    assert len(api.get("/api/packages/?kind=training_day").json()) == 1
    assert len(api.get("/api/packages/?kind=website").json()) == 2
    assert api.get("/api/packages/?kind=ukjent").json() == []
    assert api.get("/api/packages/?consultancy=x").json() == []
    # A digit Python's int() does not read ("²".isdigit() is true): no match, not a 500
    assert api.get("/api/packages/?consultancy=²").json() == []


@pytest.mark.parametrize("count", [3, 30])
def test_the_catalogue_has_flat_queries(
    count, leader_a, sor_member, sor, django_assert_max_num_queries
):
    for index in range(count):
        make_package(sor_member, sor, title=f"Pakke {index}")
    api = public_api(leader_a)
    with django_assert_max_num_queries(8):
        response = api.get("/api/packages/?page_size=50")
    assert len(response.json()) == count


def test_a_member_creates_edits_publishes_and_deletes(sor_member, sor):
    api = public_api(sor_member)
    created = api.post(
        "/api/packages/",
        {"consultancy": sor.pk, "title": "Ett lag", "duration_weeks": 52, "items": items()},
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["status"], body["version"], body["totals"]["gross"]) == (
        "draft",
        1,
        "111848.91",
    )
    url = f"/api/packages/{body['id']}/"
    changed = api.patch(url, {"version": 1, "items": items()[:1]}, format="json")
    assert changed.status_code == 200, changed.json()
    assert changed.json()["totals"] == {"net": "37000.00", "vat": "0.00", "gross": "37000.00"}
    stale = api.patch(url, {"version": 1, "title": "Gammel"}, format="json")
    assert stale.status_code == 409
    assert stale.json()["current"]["version"] == 2
    published = api.post(f"{url}publish/", {"version": 2}, format="json")
    assert published.status_code == 200 and published.json()["status"] == "published"
    frozen = api.patch(url, {"version": 3, "title": "Nytt navn"}, format="json")
    assert frozen.status_code == 400
    assert api.delete(url).status_code == 400
    unpublished = api.post(f"{url}unpublish/", {"version": 3}, format="json")
    assert unpublished.json()["status"] == "draft"
    assert api.delete(url).status_code == 204
    assert not Package.objects.exists()


@pytest.mark.parametrize(
    ("item_change", "message"),
    [
        ({"unit_price": "-5"}, "negativ"),
        ({"unit_price": "10.001"}, "øre"),
        ({"quantity": "-1"}, "større enn null"),
        ({"unit_price": "1e30"}, "for stort"),
        ({"kind": "massasje"}, None),
        ({"schedule_week": 0}, None),
    ],
)
def test_bad_input_is_a_norwegian_400_and_nothing_is_written(sor_member, sor, item_change, message):
    lines = items()
    lines[0] = {**lines[0], **item_change}
    response = public_api(sor_member).post(
        "/api/packages/",
        {"consultancy": sor.pk, "title": "Feil", "duration_weeks": 52, "items": lines},
        format="json",
    )
    assert response.status_code == 400, response.json()
    if message:
        assert message in " ".join(response.json()["items"])
    assert not Package.objects.exists() and not PackageItem.objects.exists()


def test_publishing_a_package_with_no_items_is_400(sor_member, sor):
    api = public_api(sor_member)
    created = api.post(
        "/api/packages/", {"consultancy": sor.pk, "title": "Tom", "duration_weeks": 4}
    ).json()
    refused = api.post(f"/api/packages/{created['id']}/publish/", {"version": 1})
    assert refused.status_code == 400
    assert "uten linjer" in refused.json()["items"][0]


def test_another_consultancys_member_is_refused(ks_member, sor, sor_package, sor_draft):
    api = public_api(ks_member)
    # Another consultancy's draft does not exist for them; a published package is seen
    # but not theirs to change.
    assert api.get(f"/api/packages/{sor_draft.pk}/").status_code == 404
    assert api.patch(f"/api/packages/{sor_draft.pk}/", {"version": 1}).status_code == 404
    assert api.delete(f"/api/packages/{sor_draft.pk}/").status_code == 404
    assert api.post(f"/api/packages/{sor_draft.pk}/publish/", {"version": 1}).status_code == 404
    assert api.get(f"/api/packages/{sor_package.pk}/").status_code == 200
    version = sor_package.version
    assert (
        api.patch(f"/api/packages/{sor_package.pk}/", {"version": version, "title": "X"})
    ).status_code == 403
    assert api.delete(f"/api/packages/{sor_package.pk}/").status_code == 403
    assert (
        api.post(f"/api/packages/{sor_package.pk}/unpublish/", {"version": version})
    ).status_code == 403
    made = api.post(
        "/api/packages/", {"consultancy": sor.pk, "title": "Kapret", "duration_weeks": 4}
    )
    assert made.status_code == 403
    assert Package.objects.count() == 2
    assert Package.objects.get(pk=sor_package.pk).is_published


def test_a_municipality_user_reads_but_does_not_write(leader_a, sor, sor_package):
    api = public_api(leader_a)
    assert (
        api.post(
            "/api/packages/", {"consultancy": sor.pk, "title": "X", "duration_weeks": 4}
        ).status_code
        == 403
    )
    assert api.delete(f"/api/packages/{sor_package.pk}/").status_code == 403


def test_anonymous_guessed_id_and_municipality_host(leader_a, nordre_land, sor_package):
    anonymous = public_api(None)
    assert anonymous.get("/api/packages/").status_code == 401
    assert anonymous.get(f"/api/packages/{sor_package.pk}/").status_code == 401
    assert public_api(leader_a).get("/api/packages/987654/").status_code == 404
    on_municipality = municipality_api(leader_a, nordre_land)
    assert on_municipality.get("/api/packages/").status_code == 404
    assert on_municipality.get(f"/api/packages/{sor_package.pk}/").status_code == 404


def test_the_fast_json_is_what_the_declared_fields_write(sor_member, sor_package, sor_draft):
    """The catalogue writes packages directly (`api.package_data`); DRF's fields, which the
    schema is made from, write the same."""
    from billing import access
    from billing.api import PackageSerializer

    for package in access.packages_for(sor_member):
        serializer = PackageSerializer(package)
        assert serializer.to_representation(package) == (
            serializer.to_representation_by_fields(package)
        )
