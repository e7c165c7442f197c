"""The demo's network template: KS Trøndelag's, Steinkjer's plan from version 1, two changes."""

from __future__ import annotations

from django_tenants.utils import tenant_context

from networks.models import LearningNetwork, Organiser
from networks.plantemplates.demo import NETWORK, load_demo_templates
from networks.plantemplates.models import PlanTemplate
from samla.accounts.models import CoordinatorRole, User
from tenants import services as tenant_services
from tenants.template_adoptions import services
from tenants.template_adoptions.models import Adoption
from tests.conftest import make_member


def test_the_demo_template_has_changes_waiting_for_steinkjer(db):
    steinkjer = tenant_services.provision_municipality(
        name="Steinkjer", slug="steinkjer", org_number="944889116", number="5006"
    )
    network = LearningNetwork.objects.create(
        name="KS Trøndelag", slug=NETWORK, organiser=Organiser.KS
    )
    network.municipalities.add(steinkjer)
    coordinator = User.objects.create_user(username="koordinator.ks-trondelag")
    CoordinatorRole.objects.create(user=coordinator, network=network)
    make_member(steinkjer, "leder.steinkjer")

    template = load_demo_templates()
    assert template is not None and template.published_version == 2
    assert load_demo_templates() == template  # again: kept as it is
    assert PlanTemplate.objects.count() == 1
    with tenant_context(steinkjer):
        adoption = Adoption.objects.get()
        assert adoption.started_version == 1
        keys = [c.key for c in services.pending_changes(adoption)[1]]
    assert keys == ["milestone:MP2", "milestone:MP9"]
