"""Two people save the same milestone at the same moment, on two database connections.

Given a throwaway municipality with a plan and a milestone (committed, so that both
connections see them) and two members with API tokens, when both PATCH the milestone
naming the same version at once (two threads, each with its own connection, released
together), then one save wins and the other answers 409 with the winner's row: nothing is
lost, the row holds exactly the winner's change at version + 1, and the history has one
update. Several rounds make it likely that the two requests really overlap; the rule holds
whichever order the database serialises them in (the write engine locks the row).
"""

from __future__ import annotations

import datetime
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from django_tenants.utils import tenant_context
from knox.models import AuthToken

from samla.accounts.models import MunicipalityMembership, MunicipalityRole, User
from tenants.db import connection
from tenants.models import Municipality
from tenants.plans.models import Change, ChangeAction, Milestone, Plan
from tests.committed import provision_scratch, remove_scratch, scratch_slug
from tests.conftest import PASSWORD, api_client_for, host_of

ROUNDS = 4
WAIT_SECONDS = 30


@pytest.fixture(autouse=True)
def _public_schema_and_clean_cache(django_db_setup, django_db_blocker) -> Iterator[None]:
    """Replaces the suite's per-test transaction: both connections must see the rows."""
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        yield
        connection.set_schema_to_public()


@pytest.fixture
def scratch() -> Iterator[dict[str, Any]]:
    """A committed municipality, a plan with one milestone, and two members' tokens."""
    slug = scratch_slug("samtidig")
    usernames = (f"{slug}.leder", f"{slug}.redaktor")
    try:
        municipality = provision_scratch(slug)
        tokens = []
        for username, role in zip(
            usernames, (MunicipalityRole.LEADER, MunicipalityRole.EDITOR), strict=True
        ):
            user = User.objects.create_user(username=username, password=PASSWORD)
            MunicipalityMembership.objects.create(user=user, municipality=municipality, role=role)
            tokens.append(AuthToken.objects.create(user)[1])
        with tenant_context(municipality):
            plan = Plan.objects.create(
                title="Samtidig redigering",
                start=datetime.date(2027, 1, 1),
                end=datetime.date(2028, 12, 31),
            )
            milestone = Milestone.objects.create(
                plan=plan, code="M1", title="Kartlegging", due=datetime.date(2027, 6, 1)
            )
        connection.set_schema_to_public()
        yield {
            "municipality": municipality,
            "plan": plan,
            "milestone": milestone,
            "tokens": tokens,
        }
    finally:
        remove_scratch(slug, usernames)


def patch_at_once(
    municipality: Municipality, url: str, bodies: list[dict[str, Any]], tokens: list[str]
) -> list[Any]:
    """Send each body from its own thread (own connection), released together."""
    start = threading.Barrier(len(bodies))
    responses: list[Any] = [None] * len(bodies)
    errors: list[BaseException] = []

    def send(index: int) -> None:
        try:
            client = api_client_for(host_of(municipality), tokens[index])
            start.wait(timeout=WAIT_SECONDS)
            responses[index] = client.patch(url, bodies[index], format="json")
        except BaseException as exc:  # reported in the test's thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(bodies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT_SECONDS)
    assert not errors, errors
    assert all(not thread.is_alive() for thread in threads)
    return responses


def test_two_saves_of_the_same_version_at_once_one_wins_nothing_is_lost(scratch) -> None:
    municipality, plan, milestone = scratch["municipality"], scratch["plan"], scratch["milestone"]
    url = f"/api/plans/{plan.pk}/milestones/{milestone.pk}/"
    for round_ in range(ROUNDS):
        with tenant_context(municipality):
            version = Milestone.objects.get(pk=milestone.pk).version
            updates_before = Change.objects.filter(
                object_type="milestone", object_id=milestone.pk, action=ChangeAction.UPDATE
            ).count()
        connection.set_schema_to_public()
        titles = [f"Runde {round_}: leder", f"Runde {round_}: redaktør"]

        # When both save on top of the same version at once
        responses = patch_at_once(
            municipality,
            url,
            [{"title": title, "version": version} for title in titles],
            scratch["tokens"],
        )

        # Then one wins and the other is told, with the winner's row
        statuses = sorted(r.status_code for r in responses)
        assert statuses == [200, 409], [r.content for r in responses]
        winner = next(i for i, r in enumerate(responses) if r.status_code == 200)
        loser = responses[1 - winner].json()
        assert loser["current"]["title"] == titles[winner]
        assert loser["current"]["version"] == version + 1
        # and the row holds exactly the winner's change, with one update in the history
        with tenant_context(municipality):
            row = Milestone.objects.get(pk=milestone.pk)
            assert (row.title, row.version) == (titles[winner], version + 1)
            updates = Change.objects.filter(
                object_type="milestone", object_id=milestone.pk, action=ChangeAction.UPDATE
            )
            assert updates.count() == updates_before + 1
            assert updates.order_by("-id").first().after["title"] == titles[winner]
        connection.set_schema_to_public()
