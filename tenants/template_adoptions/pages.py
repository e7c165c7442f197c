"""The network templates on the plan pages: offered beside the built-in templates on
«Ny plan fra mal» (to the municipality's leader), and started through the same services."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser

from networks.plantemplates import access as template_access
from networks.plantemplates.models import PlanTemplate
from tenants.models import Municipality
from tenants.plans import blueprints
from tenants.plans.models import Plan
from tenants.plans.services import is_leader
from tenants.template_adoptions import services

PREFIX = "network-"


def network_templates(tenant: Municipality, user: AbstractBaseUser) -> list[PlanTemplate]:
    """The published templates of the municipality's networks, for its leader (else none)."""
    if not is_leader(tenant, user):
        return []
    return list(template_access.published_for_municipality(tenant))


def template_choices(templates: list[PlanTemplate]) -> list[tuple[str, str]]:
    """Form choices for network templates: `network-<id>`, named with the network."""
    return [
        (f"{PREFIX}{t.pk}", f"{t.title} ({t.network.name}, versjon {t.published_version})")
        for t in templates
    ]


def start_plan_from_choice(
    tenant: Municipality, user: AbstractBaseUser, choice: str, data: Mapping[str, Any]
) -> Plan:
    """A plan from the chosen template: a network's (`network-<id>`) or a built-in one."""
    if choice.startswith(PREFIX) and choice[len(PREFIX) :].isdecimal():
        return services.start_plan_from_network_template(
            tenant, user, int(choice[len(PREFIX) :]), data
        )
    return blueprints.start_plan_from_blueprint(tenant, user, choice, data)
