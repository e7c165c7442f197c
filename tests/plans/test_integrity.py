"""Database constraints: a known one (by its name) is a field error; an unknown one is a
server error, logged, never a 400 that blames the user for breaking a plan rule.

Given Nordre Land's seed plan, and a CHECK constraint the code does not know added to the
risks table inside the test's transaction (rolled back with it).
"""

from __future__ import annotations

import logging

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection

from tenants.plans import services
from tenants.plans.services import engine
from tests.plans.conftest import api_as, inside

RISK = {"title": "Altfor lang tittel", "likelihood": 2, "consequence": 2}


@pytest.fixture
def unknown_constraint(plan_a, nordre_land):
    with inside(nordre_land), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the seed's deferred checks, now
        cursor.execute(
            "ALTER TABLE plans_risk ADD CONSTRAINT zz_unknown CHECK (length(title) < 5) NOT VALID"
        )
    return "zz_unknown"


def test_an_unknown_constraint_is_a_logged_server_error(
    unknown_constraint, plan_a, nordre_land, leader_a, caplog
) -> None:
    with inside(nordre_land), caplog.at_level(logging.ERROR, logger=engine.__name__):
        with pytest.raises(IntegrityError) as raised:
            services.create_risk(nordre_land, plan_a, leader_a, RISK)
        assert engine.constraint_name(raised.value) == unknown_constraint
        assert not plan_a.risks.filter(title=RISK["title"]).exists()
    assert any(unknown_constraint in r.getMessage() for r in caplog.records)


def test_the_api_does_not_answer_400_for_an_unknown_constraint(
    unknown_constraint, plan_a, nordre_land, leader_a
) -> None:
    api = api_as(leader_a, nordre_land)
    with pytest.raises(IntegrityError):  # the test client re-raises what would be a 500
        api.post(f"/api/plans/{plan_a.pk}/risks/", RISK, format="json")


def test_a_known_constraint_is_a_field_error_by_its_name(
    unknown_constraint, plan_a, nordre_land, leader_a, monkeypatch
) -> None:
    monkeypatch.setitem(engine.CONSTRAINT_FIELDS, unknown_constraint, "title")
    with inside(nordre_land), pytest.raises(ValidationError) as refused:
        services.create_risk(nordre_land, plan_a, leader_a, RISK)
    assert list(refused.value.message_dict) == ["title"]
