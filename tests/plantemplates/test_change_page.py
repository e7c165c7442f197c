"""The page of a plan's network template changes: the leader takes some, others see them."""

from __future__ import annotations

import datetime

import pytest
from django_tenants.utils import tenant_context

from samla.accounts.models import MunicipalityRole
from tenants.template_adoptions import services
from tests.conftest import client_for, host_of, make_member
from tests.plantemplates.conftest import edited

pytestmark = pytest.mark.django_db


@pytest.fixture
def adopted(nordre_land, leader_a, coordinator_x, template_x):
    """A plan from version 1 of network X's template; version 2 changes MP2, adds MP3."""
    with tenant_context(nordre_land):
        plan = services.start_plan_from_network_template(
            nordre_land,
            leader_a,
            template_x.pk,
            {"title": "Vår", "start": datetime.date(2026, 1, 1)},
        )

    def change(content):
        content["milestones"][1]["at"] = [9]
        content["milestones"].append({"code": "MP3", "title": "Evaluering", "at": [11]})

    edited(template_x, coordinator_x, change)
    return plan


def test_the_leader_sees_and_takes_one_change(
    nordre_land, leader_a, adopted, django_assert_max_num_queries
):
    client = client_for(host_of(nordre_land), leader_a)
    path = f"/planer/{adopted.pk}/nettverksmal/"
    with django_assert_max_num_queries(30):
        page = client.get(path)
    text = page.content.decode()
    assert page.status_code == 200
    assert "Endringer du ikke har tatt inn" in text
    assert "tidspunkt: måned 8 → måned 9" in text
    assert 'value="milestone:MP3"' in text
    overview = client.get(f"/planer/{adopted.pk}/").content.decode()
    assert "Endringer fra nettverksmalen" in overview

    response = client.post(path, {"keys": ["milestone:MP3"], "template_version": "2"})
    assert response.status_code == 302
    text = client.get(path).content.decode()
    assert 'value="milestone:MP3"' not in text
    assert 'value="milestone:MP2"' in text
    with tenant_context(nordre_land):
        assert adopted.milestones.filter(code="MP3").exists()
        assert adopted.milestones.get(code="MP2").due == datetime.date(2026, 9, 1)

    stale = client.post(path, {"keys": ["milestone:MP2"], "template_version": "1"})
    assert stale.status_code == 409
    nothing = client.post(path, {"template_version": "2"})
    assert nothing.status_code == 400
    assert "Velg minst én endring" in nothing.content.decode()


def test_an_editor_reads_but_cannot_take(nordre_land, adopted):
    editor = make_member(nordre_land, "redaktor.endringer", MunicipalityRole.EDITOR)
    client = client_for(host_of(nordre_land), editor)
    path = f"/planer/{adopted.pk}/nettverksmal/"
    text = client.get(path).content.decode()
    assert "Bare kommunens leder kan ta inn endringer." in text
    assert 'type="checkbox"' not in text
    assert (
        client.post(path, {"keys": ["milestone:MP3"], "template_version": "2"}).status_code == 403
    )


def test_strangers_and_other_plans_get_404(nordre_land, leader_b, coordinator_x, leader_a, adopted):
    path = f"/planer/{adopted.pk}/nettverksmal/"
    assert client_for(host_of(nordre_land), leader_b).get(path).status_code == 404
    assert client_for(host_of(nordre_land), coordinator_x).get(path).status_code == 404
    anonymous = client_for(host_of(nordre_land)).get(path)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    own = client_for(host_of(nordre_land), leader_a)
    assert own.get("/planer/999999/nettverksmal/").status_code == 404
    with tenant_context(nordre_land):
        from tenants.plans import services as plan_services

        other = plan_services.create_plan(
            nordre_land,
            leader_a,
            {
                "title": "Egen",
                "start": datetime.date(2026, 1, 1),
                "end": datetime.date(2026, 12, 31),
            },
        )
    assert own.get(f"/planer/{other.pk}/nettverksmal/").status_code == 404
