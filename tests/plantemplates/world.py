"""The API fuzzer's network plan templates (tests/api/test_fuzz.py), committed.

In the scratch network: a template published twice, with a plan of the scratch
municipality started from its first version (so the second's changes are there to take),
and a draft never published (for `…/publish/`). Removed with the network (cascade) and
the municipality's schema.
"""

from __future__ import annotations

import copy
from typing import Any

from django.utils import timezone
from django_tenants.utils import tenant_context

from networks.models import LearningNetwork
from networks.plantemplates import services
from samla.accounts.models import User
from tenants.db import connection
from tenants.models import Municipality
from tenants.template_adoptions import services as adoption_services
from tests.plantemplates.conftest import template_content

# fuzz_hooks.py sets the body's `version` to the row's current one at this path.
CURRENT_VERSION_OF = "__samla_current_version_of__"


def make_fuzz_templates(
    coordinator: User, leader: User, network: LearningNetwork, municipality: Municipality
) -> dict[str, Any]:
    template = services.create_template(
        coordinator,
        network,
        {"title": "Fuzz-mal", "description": "Felles mal", "content": template_content()},
    )
    template = services.publish_template(coordinator, template, version=template.version)
    today = timezone.localdate()
    with tenant_context(municipality):
        plan = adoption_services.start_plan_from_network_template(
            municipality, leader, template.pk, {"title": "Fra nettverksmal", "start": today}
        )
    connection.set_schema_to_public()
    content = copy.deepcopy(template.content)
    content["milestones"][1]["title"] = "Rutiner godkjent"
    content["milestones"].append({"code": "MP3", "title": "Evaluering", "at": [11]})
    template = services.update_template(
        coordinator, template, {"content": content}, version=template.version
    )
    template = services.publish_template(coordinator, template, version=template.version)
    draft = services.create_template(
        coordinator, network, {"title": "Fuzz-utkast", "content": template_content()}
    )
    return {
        "examples": {
            "POST /api/networks/{network_id}/plan-templates/": [
                {
                    "body": {"title": "Fuzz: ny mal", "content": template_content()},
                    "path_parameters": {"network_id": network.pk},
                }
            ],
            "POST /api/plan-templates/{pk}/publish/": [
                {
                    "body": {CURRENT_VERSION_OF: f"/api/plan-templates/{draft.pk}/"},
                    "path_parameters": {"pk": draft.pk},
                }
            ],
            "POST /api/network-plan-templates/{pk}/start/": [
                {
                    "body": {"title": "Fuzz: fra nettverksmal", "start": today.isoformat()},
                    "path_parameters": {"pk": template.pk},
                }
            ],
            "POST /api/plans/{plan_id}/template-changes/take/": [
                {
                    "body": {"keys": ["milestone:MP3"], "template_version": 2},
                    "path_parameters": {"plan_id": plan.pk},
                }
            ],
        }
    }


# The browser walk's adopted plan (tests/browser/conftest.py) ------------------------------

BROWSER_ADOPTED_TITLE = "Nettleserplan fra nettverksmal"


def remove_browser_template_plan(municipality: Municipality) -> None:
    """Delete the adopted browser plan and its history (its template goes with the network)."""
    from tenants.plans.models import Change, Plan

    with tenant_context(municipality):
        ids = list(Plan.objects.filter(title=BROWSER_ADOPTED_TITLE).values_list("pk", flat=True))
        Plan.objects.filter(pk__in=ids).delete()
        Change.objects.filter(plan_id__in=ids).delete()
    connection.set_schema_to_public()


def make_browser_template_plan(
    coordinator_and_leader: User, network: LearningNetwork, municipality: Municipality
) -> dict[str, int]:
    """A template of the browser network published twice and a plan of the municipality
    from its first version, so that its change page lists the second's changes; the ids of
    the plan and of the template (the coordinator's template page)."""
    user = coordinator_and_leader
    template = services.create_template(
        user, network, {"title": "Nettverkets mal", "content": template_content()}
    )
    template = services.publish_template(user, template, version=template.version)
    with tenant_context(municipality):
        plan = adoption_services.start_plan_from_network_template(
            municipality,
            user,
            template.pk,
            {"title": BROWSER_ADOPTED_TITLE, "start": timezone.localdate()},
        )
    connection.set_schema_to_public()
    content = copy.deepcopy(template.content)
    content["milestones"][1]["at"] = [9]
    content["milestones"].append({"code": "MP3", "title": "Evaluering", "at": [11]})
    template = services.update_template(
        user, template, {"content": content}, version=template.version
    )
    services.publish_template(user, template, version=template.version)
    return {"adopted_plan": plan.pk, "network_template": template.pk}
