"""Fixtures for the networks tests: two networks, each with one of the two seed
municipalities and a coordinator, an operator, and API clients for both kinds of host."""

from __future__ import annotations

import pytest
from knox.models import AuthToken
from rest_framework.test import APIClient

from networks.models import LearningNetwork, Organiser, ProgressSnapshot
from samla.accounts.models import CoordinatorRole, PlatformOperator, User
from tenants.models import Municipality
from tests.conftest import PASSWORD, PUBLIC_HOST, api_client_for, host_of


def public_api(user: User | None) -> APIClient:
    """An API client on the public host with the user's token (None: anonymous)."""
    if user is None:
        return api_client_for(PUBLIC_HOST)
    return api_client_for(PUBLIC_HOST, AuthToken.objects.create(user)[1])


def municipality_api(user: User | None, municipality: Municipality) -> APIClient:
    if user is None:
        return api_client_for(host_of(municipality))
    return api_client_for(host_of(municipality), AuthToken.objects.create(user)[1])


def _user(username: str) -> User:
    return User.objects.create_user(username=username, password=PASSWORD, first_name=username)


@pytest.fixture
def network_x(nordre_land: Municipality) -> LearningNetwork:
    """KS's network with Nordre Land as its member."""
    network = LearningNetwork.objects.create(
        name="Nettverk X", slug="nettverk-x", organiser=Organiser.KS, theme="0–24"
    )
    network.municipalities.add(nordre_land)
    return network


@pytest.fixture
def network_y(nesseby: Municipality) -> LearningNetwork:
    """Statsforvalteren's network with Nesseby as its member."""
    network = LearningNetwork.objects.create(
        name="Nettverk Y", slug="nettverk-y", organiser=Organiser.COUNTY_GOVERNOR
    )
    network.municipalities.add(nesseby)
    return network


@pytest.fixture
def coordinator_x(network_x: LearningNetwork) -> User:
    user = _user("koordinator.x")
    CoordinatorRole.objects.create(user=user, network=network_x)
    return user


@pytest.fixture
def coordinator_y(network_y: LearningNetwork) -> User:
    user = _user("koordinator.y")
    CoordinatorRole.objects.create(user=user, network=network_y)
    return user


@pytest.fixture
def operator() -> User:
    user = _user("drift")
    PlatformOperator.objects.create(user=user)
    return user


@pytest.fixture
def fresh_rollup(db: None) -> None:
    """An empty roll-up table for tests that count its rows or their medians.

    Tests that commit (the browser's live server, the real worker) leave roll-up rows
    behind, today's among them; deleting them here is undone with the test's transaction.
    """
    ProgressSnapshot.objects.all().delete()
