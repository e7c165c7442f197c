"""The routine library over HTTP: the public host's read API, and share/adopt/take on the
municipalities' hosts; who sees what, bad input answered 4xx in Norwegian with nothing
written, and the query count of the lists pinned."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from networks.library.models import LibraryRoutine
from networks.models import LearningNetwork, Organiser
from samla.accounts.models import CoordinatorRole, User
from tenants.routines import services
from tenants.routines.models import Routine
from tests.conftest import PASSWORD
from tests.library.conftest import mapping_b
from tests.networks.conftest import public_api
from tests.plans.conftest import api_as, inside
from tests.plans.test_validators import national_id

FNR = national_id("150312")
TODAY = datetime.date.today()
LIST = "/api/library/routines/"


def share_over_api(leader_a, nordre_land, routine, network):
    return api_as(leader_a, nordre_land).post(
        f"/api/routines/{routine.pk}/share/", {"network": network.pk}
    )


@pytest.fixture
def shared(nordre_land, leader_a, routines_a, finnmark) -> list[LibraryRoutine]:
    """Nordre Land's two approved routines, shared to the Finnmark network."""
    entries = []
    for routine in routines_a[:2]:
        response = share_over_api(leader_a, nordre_land, routine, finnmark)
        assert response.status_code == 201, response.content
        entries.append(LibraryRoutine.objects.get(pk=response.json()["id"]))
    return entries


def routines_in(municipality) -> int:
    with inside(municipality):
        return Routine.objects.count()


# The public host ---------------------------------------------------------------------


def test_members_and_coordinators_read_the_library(
    shared, leader_b, coordinator, finnmark, django_assert_max_num_queries
):
    for user in (leader_b, coordinator):
        client = public_api(user)
        with django_assert_max_num_queries(8):
            response = client.get(LIST)
        assert response.status_code == 200
        rows = response.json()
        assert [row["title"] for row in rows] == [
            "Overgang fra barnehage til skole",
            "Samarbeid mellom helsestasjon og barnevern ved bekymring",
        ]
        assert rows[0]["network_name"] == "0–24 Finnmark"
        assert rows[0]["source_municipality_name"] == "Nordre Land"
        assert rows[0]["latest_version"] == 1
        detail = client.get(f"{LIST}{shared[0].pk}/")
        assert detail.status_code == 200
        [version] = detail.json()["versions"]
        assert version["content"]["owner_unit"] == "Barnehagene"


def test_the_list_costs_the_same_queries_for_more_entries(
    shared, leader_b, nordre_land, leader_a, finnmark, django_assert_num_queries
):
    client = public_api(leader_b)
    client.get(LIST)  # the token's first use
    with CaptureQueriesContext(connection) as few:
        client.get(LIST)
    for number in range(5):  # more entries of the same network, each with a version
        entry = LibraryRoutine.objects.create(
            network=finnmark, source_municipality=nordre_land, source_routine_id=1000 + number,
            title=f"Rutine {number}", latest_version=1, shared_at=shared[0].shared_at,
        )  # fmt: skip
        entry.versions.create(number=1, source_version=1, content={}, approved_on=TODAY)
    with django_assert_num_queries(len(few.captured_queries)):
        assert len(client.get(LIST).json()) == 7


def test_others_see_nothing_and_anonymous_is_401(shared, nordre_land, leader_a, approved_a):
    outsider = User.objects.create_user(username="utenfor", password=PASSWORD)
    other_coordinator = User.objects.create_user(username="koordinator.annet", password=PASSWORD)
    other = LearningNetwork.objects.create(name="Annet", slug="annet", organiser=Organiser.KS)
    CoordinatorRole.objects.create(user=other_coordinator, network=other)
    for user in (outsider, other_coordinator):
        client = public_api(user)
        assert client.get(LIST).json() == []
        assert client.get(f"{LIST}{shared[0].pk}/").status_code == 404
    anonymous = public_api(None)
    assert anonymous.get(LIST).status_code == 401
    assert anonymous.get(f"{LIST}{shared[0].pk}/").status_code == 401
    # A guessed id, and the source's own leader for an entry of a network it is in.
    assert public_api(leader_a).get(f"{LIST}987654/").status_code == 404
    assert public_api(leader_a).get(f"{LIST}{shared[0].pk}/").status_code == 200


def test_a_municipality_outside_the_network_does_not_see_its_library(
    nordre_land, leader_a, leader_b, approved_a, units_a
):
    elsewhere = LearningNetwork.objects.create(
        name="Innlandet", slug="innlandet", organiser=Organiser.KS
    )
    elsewhere.municipalities.add(nordre_land)
    response = share_over_api(leader_a, nordre_land, approved_a, elsewhere)
    assert response.status_code == 201
    client = public_api(leader_b)
    assert client.get(LIST).json() == []
    assert client.get(f"{LIST}{response.json()['id']}/").status_code == 404


def test_a_withdrawn_routine_leaves_the_library(shared, nordre_land, leader_a, leader_b, finnmark):
    routine_id = shared[0].source_routine_id
    response = api_as(leader_a, nordre_land).post(
        f"/api/routines/{routine_id}/unshare/", {"network": finnmark.pk}
    )
    assert response.status_code == 200
    assert response.json()["withdrawn_at"] is not None
    assert [row["id"] for row in public_api(leader_b).get(LIST).json()] == [shared[1].pk]
    assert public_api(leader_b).get(f"{LIST}{shared[0].pk}/").status_code == 404


# Sharing on the source's host ----------------------------------------------------------


def test_sharing_over_the_api(nordre_land, leader_a, editor_a, approved_a, draft_a, finnmark):
    client = api_as(leader_a, nordre_land)
    response = share_over_api(leader_a, nordre_land, approved_a, finnmark)
    assert response.status_code == 201
    assert response.json()["network"] == finnmark.pk
    listed = client.get(f"/api/routines/{approved_a.pk}/share/")
    assert [row["network_name"] for row in listed.json()] == ["0–24 Finnmark"]

    refused = share_over_api(leader_a, nordre_land, draft_a, finnmark)
    assert refused.status_code == 400
    assert "Bare godkjente rutiner kan deles" in refused.json()["non_field_errors"][0]
    for body in ({"network": 987654}, {"network": "x"}, {}, {"network": -1}):
        response = client.post(f"/api/routines/{approved_a.pk}/share/", body)
        assert response.status_code == 400, body
        assert "network" in response.json()
    by_editor = share_over_api(editor_a, nordre_land, approved_a, finnmark)
    assert by_editor.status_code == 403
    assert by_editor.json()["detail"] == "Bare kommunens leder kan dele rutiner med nettverket."
    assert client.post("/api/routines/987654/share/", {"network": finnmark.pk}).status_code == 404
    assert LibraryRoutine.objects.count() == 1


def test_the_library_on_the_adopters_host(
    shared, nordre_land, nesseby, leader_a, leader_b, django_assert_max_num_queries
):
    client = api_as(leader_b, nesseby)
    with django_assert_max_num_queries(12):
        rows = client.get("/api/routines/library/").json()
    assert [row["id"] for row in rows] == [entry.pk for entry in shared]
    assert rows[0]["unit_names"] == ["Barnehagene", "PPT", "Torpa barne- og ungdomsskole"]
    assert rows[0]["latest"]["number"] == 1
    assert client.get(f"/api/routines/library/{shared[0].pk}/").status_code == 200
    # The source does not adopt from itself; its own entries are not offered.
    own = api_as(leader_a, nordre_land)
    assert own.get("/api/routines/library/").json() == []
    assert own.get(f"/api/routines/library/{shared[0].pk}/").status_code == 404


# Adopting and taking changes on the adopter's host -------------------------------------


def test_adopting_over_the_api(shared, nesseby, leader_b, units_b):
    client = api_as(leader_b, nesseby)
    response = client.post(
        "/api/routines/adopt/", {"entry": shared[0].pk, "unit_mapping": mapping_b(units_b)}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "draft" and body["current"] is None
    assert body["title"] == "Overgang fra barnehage til skole"
    assert body["library_entry_id"] == shared[0].pk and body["library_version"] == 1
    assert body["source_municipality"] == "Nordre Land"
    changes = client.get(f"/api/routines/{body['id']}/library-changes/").json()
    assert changes["pending"] is False and changes["entry"]["id"] == shared[0].pk


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"unit_mapping": {"PPT": 987654}}, "unit_mapping", "987654"),
        ({"unit_mapping": {"PPT": "ppt"}}, "unit_mapping", "heltall"),
        ({"unit_mapping": ["PPT"]}, "unit_mapping", ""),
        ({"unit_mapping": {}}, "unit_mapping", "«Barnehagene»"),
        ({"owner_unit": 987654}, "owner_unit", "finnes ikke i denne kommunen"),
        ({"title": f"Overgang for {FNR}"}, "title", "fødselsnummer"),
        ({"entry": 987654}, "entry", "Fant ikke rutinen"),
        ({"entry": "x"}, "entry", ""),
    ],
)
def test_bad_adoptions_are_400_and_write_nothing(
    shared, nesseby, leader_b, units_b, body, field, words
):
    sent = {"entry": shared[0].pk, "unit_mapping": mapping_b(units_b), **body}
    response = api_as(leader_b, nesseby).post("/api/routines/adopt/", sent)
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert words in str(response.json()[field])
    assert routines_in(nesseby) == 0


def test_adopting_needs_a_writer_of_this_municipality(shared, nesseby, viewer_b, leader_a, units_b):
    body = {"entry": shared[0].pk, "unit_mapping": mapping_b(units_b)}
    assert api_as(viewer_b, nesseby).post("/api/routines/adopt/", body).status_code == 403
    assert api_as(leader_a, nesseby).post("/api/routines/adopt/", body).status_code == 404
    assert api_as(None, nesseby).post("/api/routines/adopt/", body).status_code == 401
    assert routines_in(nesseby) == 0


def test_changes_are_shown_then_taken_over_the_api(
    shared, nordre_land, nesseby, leader_a, leader_b, units_b, django_capture_on_commit_callbacks
):
    client = api_as(leader_b, nesseby)
    adopted = client.post(
        "/api/routines/adopt/", {"entry": shared[0].pk, "unit_mapping": mapping_b(units_b)}
    ).json()
    with inside(nordre_land), django_capture_on_commit_callbacks(execute=True):
        source = Routine.objects.get(pk=shared[0].source_routine_id)
        source = services.update_routine(
            nordre_land, leader_a, source, {"review_interval_months": 6}, version=source.version
        )
        services.approve_routine(
            nordre_land, leader_a, source, version=source.version, approved_on=TODAY,
            approved_by="Oppvekstutvalget",
        )  # fmt: skip

    url = f"/api/routines/{adopted['id']}/library-changes/"
    changes = client.get(url).json()
    assert changes["pending"] is True
    assert (changes["taken_version"], changes["latest_version"]) == (1, 2)
    # The entry as the library lists it, every field its schema names.
    assert set(changes["entry"]) >= {"network", "network_name", "source_municipality_name"}
    assert changes["entry"]["source_municipality_name"] == "Nordre Land"
    assert changes["changes"] == [
        {
            "field": "review_interval_months",
            "label": "Gjennomgås hver (måneder)",
            "before": 12,
            "after": 6,
        }
    ]
    # Nothing changed at the adopter until taken.
    assert client.get(f"/api/routines/{adopted['id']}/").json()["version"] == adopted["version"]

    stale = client.post(f"{url}take/", {"version": adopted["version"], "library_version": 1})
    assert stale.status_code == 409
    assert stale.json()["current"]["latest_version"] == 2
    stale_routine = client.post(
        f"{url}take/", {"version": adopted["version"] + 5, "library_version": 2}
    )
    assert stale_routine.status_code == 409
    bad = client.post(
        f"{url}take/",
        {"version": adopted["version"], "library_version": 2, "change_note": f"Om {FNR}"},
    )
    assert bad.status_code == 400 and "change_note" in bad.json()
    assert client.post(f"{url}take/", {"library_version": 2}).status_code == 400

    taken = client.post(f"{url}take/", {"version": adopted["version"], "library_version": 2})
    assert taken.status_code == 200, taken.content
    assert taken.json()["library_version"] == 2
    assert taken.json()["status"] == "draft"
    assert client.get(url).json()["pending"] is False


def test_library_changes_of_a_routine_not_from_the_library(nordre_land, leader_a, approved_a):
    client = api_as(leader_a, nordre_land)
    changes = client.get(f"/api/routines/{approved_a.pk}/library-changes/").json()
    assert changes == {
        "entry": None,
        "taken_version": None,
        "latest_version": None,
        "pending": False,
        "changes": [],
        "unmapped": [],
    }
    taken = client.post(
        f"/api/routines/{approved_a.pk}/library-changes/take/",
        {"version": approved_a.version, "library_version": 1},
    )
    assert taken.status_code == 400
