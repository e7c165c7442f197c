"""OPTIONS on the networks' views that take a PUT answers their metadata, not a 500.

DRF's metadata asks the view for the object a PUT would change; these views resolve it
from their own URL keyword (`membership_id`, `gathering_id`), not from `pk`.
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from networks.gatherings import services as gathering_services
from networks.models import NetworkMembership
from tests.networks.conftest import municipality_api, public_api

pytestmark = pytest.mark.django_db


def test_options_on_a_memberships_consent(network_x, nordre_land, leader_a) -> None:
    membership = NetworkMembership.objects.get(network=network_x, municipality=nordre_land)
    url = f"/api/network-memberships/{membership.pk}/open-comparison-consent/"
    response = municipality_api(leader_a, nordre_land).options(url)
    assert response.status_code == 200, response.content
    assert response.json()["name"]


def test_options_on_a_gatherings_evaluation(network_x, coordinator_x) -> None:
    starts = timezone.now() + datetime.timedelta(days=30)
    gathering = gathering_services.create_gathering(
        coordinator_x,
        network_x,
        {"title": "Samling", "starts_at": starts, "ends_at": starts + datetime.timedelta(hours=6)},
    )
    response = public_api(coordinator_x).options(f"/api/gatherings/{gathering.pk}/evaluation/")
    assert response.status_code == 200, response.content
