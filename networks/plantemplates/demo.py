"""The demo's network plan template: KS Trøndelag publishes the KS project plan as its
template, Steinkjer starts a plan from version 1, and version 2 has two changes waiting.

Idempotent: a template already there (by title, in the network) is left as it is.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from django.utils import timezone
from django_tenants.utils import tenant_context

from networks.models import LearningNetwork
from networks.plantemplates import services
from networks.plantemplates.models import PlanTemplate
from samla.accounts.models import User
from tenants.db import connection
from tenants.models import Municipality
from tenants.template_adoptions import services as adoption_services

NETWORK = "ks-trondelag-samhandling"
TITLE = "Samhandlingsplan for utsatte barn og unge"
PLAN_TITLE = "Samhandling for utsatte barn og unge (fra nettverkets mal)"
BLUEPRINTS = Path(__file__).resolve().parents[2] / "tenants" / "plans" / "blueprints.json"


def _ks_content() -> dict[str, Any]:
    blueprints = json.loads(BLUEPRINTS.read_text(encoding="utf-8"))
    ks = next(b for b in blueprints if b["key"] == "ks-prosjektplan")
    return {k: v for k, v in ks.items() if k not in {"key", "name", "description"}}


def load_demo_templates() -> PlanTemplate | None:
    network = LearningNetwork.objects.filter(slug=NETWORK).first()
    coordinator = User.objects.filter(username="koordinator.ks-trondelag").first()
    municipality = Municipality.objects.filter(slug="steinkjer").first()
    leader = User.objects.filter(username="leder.steinkjer").first()
    if None in (network, coordinator, municipality, leader):
        return None
    assert network and coordinator and municipality and leader
    existing = PlanTemplate.objects.filter(network=network, title=TITLE).first()
    if existing is not None:
        return existing
    content = _ks_content()
    template = services.create_template(
        coordinator,
        network,
        {
            "title": TITLE,
            "description": "Nettverkets felles mal, bygd på KS' prosjektplan (Nordre Land).",
            "content": content,
        },
    )
    template = services.publish_template(coordinator, template, version=template.version)
    with tenant_context(municipality):
        adoption_services.start_plan_from_network_template(
            municipality,
            leader,
            template.pk,
            {"title": PLAN_TITLE, "start": timezone.localdate().replace(day=1)},
        )
    connection.set_schema_to_public()
    # Version 2, after the spring gathering: an evaluation milestone, MP2 a month later.
    changed = copy.deepcopy(content)
    changed["milestones"][1]["at"] = [changed["milestones"][1]["at"][0] + 1]
    changed["milestones"].append(
        {
            "code": "MP9",
            "title": "Felles evaluering på nettverkssamlingen",
            "at": [11],
            "text": "Evalueringen er lagt fram på samlingen",
        }
    )
    template = services.update_template(
        coordinator, template, {"content": changed}, version=template.version
    )
    return services.publish_template(coordinator, template, version=template.version)
