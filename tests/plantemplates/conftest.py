"""Fixtures for the plan template tests: the networks' fixtures, and a published template of
network X (Nordre Land is its member; Nesseby is in network Y)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from networks.models import LearningNetwork
from networks.plantemplates import services
from networks.plantemplates.models import PlanTemplate
from samla.accounts.models import User
from tests.networks import conftest as networks_fixtures

# The networks' fixtures, shared (pytest finds fixtures by their module-level names).
network_x = networks_fixtures.network_x
network_y = networks_fixtures.network_y
coordinator_x = networks_fixtures.coordinator_x
coordinator_y = networks_fixtures.coordinator_y
operator = networks_fixtures.operator


def template_content() -> dict[str, Any]:
    return {
        "months": 12,
        "phases": [
            {"name": "Kartlegging", "description": "Nåsituasjon", "start": [0], "end": [5, -1]},
            {"name": "Rutiner", "description": "", "start": [5], "end": [12, -1]},
        ],
        "goals": [
            {
                "level": "main",
                "text": "Alle barn får hjelp tidlig",
                "due": [12, -1],
                "children": [{"level": "work", "text": "Rutiner vedtatt", "due": [8]}],
            }
        ],
        "milestones": [
            {"code": "MP1", "title": "Kartlegging ferdig", "at": [5], "text": "Rapport"},
            {"code": "MP2", "title": "Rutiner vedtatt", "at": [8]},
        ],
        "decision_points": [{"code": "BP1", "title": "Plan godkjent", "at": [2]}],
        "activities": [
            {
                "code": "HA01",
                "name": "Kartlegge",
                "first_month": 0,
                "last_month": 4,
                "milestones": ["MP1"],
            }
        ],
        "bodies": [{"kind": "steering", "name": "Styringsgruppe", "mandate": "Vedtar planen"}],
    }


def edited(template: PlanTemplate, user: User, change: Any) -> PlanTemplate:
    """The template with `change(content)` applied and published as the next version."""
    content = copy.deepcopy(template.content)
    change(content)
    template = services.update_template(
        user, template, {"content": content}, version=template.version
    )
    return services.publish_template(user, template, version=template.version)


@pytest.fixture
def template_x(network_x: LearningNetwork, coordinator_x: User) -> PlanTemplate:
    """Network X's template, published as version 1."""
    template = services.create_template(
        coordinator_x,
        network_x,
        {"title": "0–24-plan", "description": "Felles mal", "content": template_content()},
    )
    return services.publish_template(coordinator_x, template, version=template.version)


@pytest.fixture
def draft_x(network_x: LearningNetwork, coordinator_x: User) -> PlanTemplate:
    return services.create_template(
        coordinator_x, network_x, {"title": "Utkast", "content": template_content()}
    )


@pytest.fixture
def template_y(network_y: LearningNetwork, coordinator_y: User) -> PlanTemplate:
    template = services.create_template(
        coordinator_y, network_y, {"title": "Y-mal", "content": template_content()}
    )
    return services.publish_template(coordinator_y, template, version=template.version)
