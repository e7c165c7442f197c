"""Two municipalities race for the last seat, on two database connections.

Given a committed gathering with one seat left and two member municipalities' leaders,
when both register one participant at the same moment (two threads, each with its own
connection, released together), then exactly one registration is saved and the other is
refused with a Norwegian 400 that says the gathering is full: the gathering's row lock
serialises the seat count. Several rounds make a real overlap likely.
"""

from __future__ import annotations

import datetime
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone
from knox.models import AuthToken

from networks.gatherings import services
from networks.gatherings.models import Gathering, Participant, Registration
from networks.models import LearningNetwork, Organiser
from samla.accounts.models import CoordinatorRole, MunicipalityMembership, MunicipalityRole, User
from tenants.db import connection
from tenants.models import Municipality
from tests.committed import scratch_slug
from tests.conftest import PASSWORD, PUBLIC_HOST, api_client_for

ROUNDS = 3
WAIT_SECONDS = 30
PERSON = {"name": "Deltaker", "role": "Rektor", "unit": "Skolen"}


@pytest.fixture(autouse=True)
def _public_schema_and_clean_cache(django_db_setup, django_db_blocker) -> Iterator[None]:
    """Replaces the suite's per-test transaction: both connections must see the rows."""
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        yield
        connection.set_schema_to_public()


@pytest.fixture
def race() -> Iterator[dict[str, Any]]:
    """A committed network with the two seed municipalities, a coordinator and a leader's
    token in each; removed afterwards."""
    slug = scratch_slug("kapasitet")
    names = (f"{slug}.koordinator", f"{slug}.a", f"{slug}.b")
    try:
        network = LearningNetwork.objects.create(name=slug, slug=slug, organiser=Organiser.KS)
        municipalities = list(Municipality.objects.filter(slug__in=["nordre-land", "nesseby"]))
        network.municipalities.add(*municipalities)
        coordinator = User.objects.create_user(username=names[0], password=PASSWORD)
        CoordinatorRole.objects.create(user=coordinator, network=network)
        tokens = []
        for username, municipality in zip(names[1:], municipalities, strict=True):
            user = User.objects.create_user(username=username, password=PASSWORD)
            MunicipalityMembership.objects.create(
                user=user, municipality=municipality, role=MunicipalityRole.LEADER
            )
            tokens.append(AuthToken.objects.create(user)[1])
        yield {"network": network, "coordinator": coordinator, "tokens": tokens}
    finally:
        LearningNetwork.objects.filter(slug=slug).delete()
        User.objects.filter(username__in=names).delete()


def post_at_once(url: str, tokens: list[str]) -> list[Any]:
    start = threading.Barrier(len(tokens))
    responses: list[Any] = [None] * len(tokens)
    errors: list[BaseException] = []

    def send(index: int) -> None:
        try:
            client = api_client_for(PUBLIC_HOST, tokens[index])
            start.wait(timeout=WAIT_SECONDS)
            responses[index] = client.post(url, {"participants": [PERSON]}, format="json")
        except BaseException as exc:  # reported in the test's thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(tokens))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT_SECONDS)
    assert not errors, errors
    assert all(not thread.is_alive() for thread in threads)
    return responses


def test_two_registrations_for_the_last_seat_one_wins(race) -> None:
    now = timezone.now()
    for round_ in range(ROUNDS):
        # Given a gathering with one seat
        gathering = services.create_gathering(
            race["coordinator"],
            race["network"],
            {
                "title": f"Siste plass {round_}",
                "starts_at": now + datetime.timedelta(days=10),
                "ends_at": now + datetime.timedelta(days=11),
                "capacity": 1,
            },
        )
        # When both municipalities take it at once
        responses = post_at_once(f"/api/gatherings/{gathering.pk}/registrations/", race["tokens"])
        # Then one wins and the other is told the gathering is full
        statuses = sorted(r.status_code for r in responses)
        assert statuses == [201, 400], [r.content for r in responses]
        refused = next(r for r in responses if r.status_code == 400)
        assert "full" in refused.json()["participants"][0]
        assert Registration.objects.filter(gathering=gathering).count() == 1
        assert Participant.objects.filter(registration__gathering=gathering).count() == 1
        Gathering.objects.filter(pk=gathering.pk).delete()
