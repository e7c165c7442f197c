"""Withdrawing a municipality's registration for a gathering (`services.cancel_registration`,
DELETE `/api/gatherings/{id}/registrations/` on the public host).

Given network X (Nordre Land, coordinator X) with a gathering next week that Nordre Land
has registered for: Nordre Land's leader withdraws it before the start; another
municipality's user, an anonymous caller, a viewer, and anyone after the start get a 4xx
and nothing is removed.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from networks.gatherings import services
from networks.gatherings.models import Gathering, Participant, Registration
from tests.conftest import make_member
from tests.gatherings.conftest import soon
from tests.networks.conftest import municipality_api, public_api

pytestmark = pytest.mark.django_db

PERSON = {"name": "Kari Nordmann", "role": "Helsesykepleier", "unit": "Helsestasjonen"}


@pytest.fixture
def upcoming(network_x, coordinator_x) -> Gathering:
    """A gathering of network X next week, 10 seats."""
    return services.create_gathering(
        coordinator_x,
        network_x,
        {
            "title": "Vårsamlingen",
            "starts_at": soon(days=7),
            "ends_at": soon(days=8),
            "place": "Steinkjer",
            "capacity": 10,
        },
    )


@pytest.fixture
def registered(upcoming, leader_a) -> Registration:
    registration, _created = services.register(leader_a, upcoming, None, [PERSON, PERSON])
    return registration


def path_of(gathering: Gathering) -> str:
    return f"/api/gatherings/{gathering.pk}/registrations/"


def test_the_leader_withdraws_the_registration_before_the_start(
    upcoming, registered, leader_a, coordinator_x
):
    # When Nordre Land's leader withdraws its registration
    answer = public_api(leader_a).delete(path_of(upcoming))

    # Then it is gone with its participants, and the seats are free again
    assert answer.status_code == 204, answer.content
    assert not Registration.objects.filter(pk=registered.pk).exists()
    assert not Participant.objects.filter(registration_id=registered.pk).exists()
    assert public_api(leader_a).get(path_of(upcoming)).json() == []
    seats = public_api(coordinator_x).get(f"/api/gatherings/{upcoming.pk}/").json()
    assert seats["seats_taken"] == 0


def test_an_editor_may_withdraw_naming_the_municipality(upcoming, registered, nordre_land):
    editor = make_member(nordre_land, "redaktor.avmelding", "editor")
    answer = public_api(editor).delete(f"{path_of(upcoming)}?municipality={nordre_land.pk}")
    assert answer.status_code == 204, answer.content
    assert not Registration.objects.filter(pk=registered.pk).exists()


def test_another_municipalitys_user_cannot_withdraw_it(
    upcoming, registered, network_x, nesseby, nordre_land
):
    # Given Nesseby in network X too, with a leader of its own
    network_x.municipalities.add(nesseby)
    nesseby_leader = make_member(nesseby, "leder.nesseby.avmelding")
    api = public_api(nesseby_leader)

    # Naming Nordre Land is a field error; without a name, Nesseby has nothing registered
    named = api.delete(f"{path_of(upcoming)}?municipality={nordre_land.pk}")
    assert named.status_code == 400 and "municipality" in named.json()
    unnamed = api.delete(path_of(upcoming))
    assert unnamed.status_code == 400
    assert "ikke påmeldt" in unnamed.json()["non_field_errors"][0]

    # And Nordre Land's registration stands with both participants
    assert Participant.objects.filter(registration=registered).count() == 2


def test_a_user_outside_the_network_gets_404(upcoming, registered, leader_b, coordinator_y):
    for user in (leader_b, coordinator_y):
        assert public_api(user).delete(path_of(upcoming)).status_code == 404
    assert Registration.objects.filter(pk=registered.pk).exists()


def test_a_viewer_and_the_coordinator_may_not_withdraw(
    upcoming, registered, nordre_land, coordinator_x
):
    viewer = make_member(nordre_land, "leser.avmelding", "viewer")
    assert public_api(viewer).delete(path_of(upcoming)).status_code == 403
    assert public_api(coordinator_x).delete(path_of(upcoming)).status_code == 403
    assert Registration.objects.filter(pk=registered.pk).exists()


def test_anonymous_gets_401_and_a_guessed_gathering_404(upcoming, registered, leader_a):
    assert public_api(None).delete(path_of(upcoming)).status_code == 401
    missing = public_api(leader_a).delete("/api/gatherings/987654/registrations/")
    assert missing.status_code == 404
    bad = public_api(leader_a).delete(f"{path_of(upcoming)}?municipality=abc")
    assert bad.status_code == 400
    assert Registration.objects.filter(pk=registered.pk).exists()


def test_the_municipality_host_does_not_serve_it(upcoming, registered, leader_a, nordre_land):
    answer = municipality_api(leader_a, nordre_land).delete(path_of(upcoming))
    assert answer.status_code == 404
    assert Registration.objects.filter(pk=registered.pk).exists()


def test_after_the_start_the_registration_stays(gathering, leader_a):
    # Given a registration for the gathering going on now
    registration, _created = services.register(leader_a, gathering, None, [PERSON])

    # When the leader tries to withdraw it
    answer = public_api(leader_a).delete(path_of(gathering))

    # Then a Norwegian 400, and it stays
    assert answer.status_code == 400
    assert "startet" in answer.json()["non_field_errors"][0]
    assert Registration.objects.filter(pk=registration.pk).exists()


def test_nothing_registered_is_a_norwegian_400(upcoming, leader_a):
    answer = public_api(leader_a).delete(path_of(upcoming))
    assert answer.status_code == 400
    assert answer.json() == {
        "non_field_errors": ["Nordre Land er ikke påmeldt til denne samlingen."]
    }


def test_the_service_refuses_without_a_write_role(upcoming, registered, nordre_land, leader_b):
    viewer = make_member(nordre_land, "leser.tjeneste", "viewer")
    with pytest.raises(PermissionDenied):
        services.cancel_registration(viewer, upcoming, None)
    with pytest.raises(ValidationError):
        services.cancel_registration(leader_b, upcoming, nordre_land.pk)
    assert Registration.objects.filter(pk=registered.pk).exists()


def test_the_schema_documents_the_withdrawal(leader_a):
    schema = public_api(leader_a).get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/gatherings/{gathering_id}/registrations/"]["delete"]
    assert {"204", "400", "401", "403", "404"} <= set(operation["responses"])
    assert [p["name"] for p in operation["parameters"] if p["in"] == "query"] == ["municipality"]
