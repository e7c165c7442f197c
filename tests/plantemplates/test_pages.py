"""«Ny plan fra mal» offers the networks' templates to the leader beside the built-in ones."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from samla.accounts.models import MunicipalityRole
from tenants.template_adoptions.models import Adoption
from tests.conftest import client_for, host_of, make_member

pytestmark = pytest.mark.django_db

PAGE = "/planer/ny/fra-mal/"


def test_the_leader_sees_and_starts_from_a_network_template(
    nordre_land, leader_a, template_x, draft_x, django_assert_max_num_queries
):
    client = client_for(host_of(nordre_land), leader_a)
    with django_assert_max_num_queries(25):
        page = client.get(PAGE)
    text = page.content.decode()
    assert "Malene fra nettverkene dine" in text
    assert "0–24-plan" in text and "Nettverk X, versjon 1" in text
    assert "Utkast" not in text  # not published
    assert f'value="network-{template_x.pk}"' in text

    response = client.post(
        PAGE, {"template": f"network-{template_x.pk}", "title": "Vår plan", "start": "2026-01-01"}
    )
    assert response.status_code == 302
    with tenant_context(nordre_land):
        adoption = Adoption.objects.get()
        assert adoption.plan.title == "Vår plan"
        assert adoption.template_id == template_x.pk


def test_a_built_in_template_still_works(nordre_land, leader_a, template_x):
    client = client_for(host_of(nordre_land), leader_a)
    response = client.post(
        PAGE, {"template": "ks-prosjektplan", "title": "KS-plan", "start": "2026-01-01"}
    )
    assert response.status_code == 302
    with tenant_context(nordre_land):
        assert not Adoption.objects.exists()


def test_an_editor_and_another_networks_member_are_not_offered_it(
    nordre_land, nesseby, leader_b, template_x
):
    editor = make_member(nordre_land, "redaktor.side", MunicipalityRole.EDITOR)
    page = client_for(host_of(nordre_land), editor).get(PAGE).content.decode()
    assert "Malene fra nettverkene dine" not in page
    refused = client_for(host_of(nordre_land), editor).post(
        PAGE, {"template": f"network-{template_x.pk}", "title": "x", "start": "2026-01-01"}
    )
    assert refused.status_code == 400  # not a choice for them
    other = client_for(host_of(nesseby), leader_b)
    assert f"network-{template_x.pk}" not in other.get(PAGE).content.decode()
    response = other.post(
        PAGE, {"template": f"network-{template_x.pk}", "title": "x", "start": "2026-01-01"}
    )
    assert response.status_code == 400
