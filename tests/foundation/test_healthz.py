"""/healthz tells a load balancer, without a login, whether the database and broker answer.

It answers 200 with the state of both as JSON, and 503 within a couple of seconds when
either is down. It is served through the tenant middleware like every page, so the
request must carry a known host: an unknown municipality host gets 404.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

import pytest
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper

import samla.health
from tests.conftest import PUBLIC_HOST, client_for, host_of

BROKER_URL = os.environ.get("CELERY_TEST_BROKER_URL", "")
UNREACHABLE_BROKER = "redis://127.0.0.1:1/0"
EAGER_BODY = {"status": "ok", "database": {"ok": True}, "broker": {"ok": True, "mode": "eager"}}


@pytest.fixture
def no_broker(settings) -> None:
    settings.CELERY_BROKER_URL = ""


@pytest.fixture
def unreachable_database() -> Iterator[BaseDatabaseWrapper]:
    """A real database connection to a port where no PostgreSQL listens."""
    default = connections["default"]
    settings_dict = {
        **default.settings_dict,
        "HOST": "127.0.0.1",
        "PORT": "1",
        "OPTIONS": {**default.settings_dict.get("OPTIONS", {}), "connect_timeout": 2},
    }
    broken = type(default)(settings_dict, alias="unreachable")
    yield broken
    broken.close()


def test_healthz_on_public_host_without_broker(no_broker):
    # Given no broker configured (tasks run eagerly) and nobody logged in
    # When the load balancer asks the public host
    response = client_for(PUBLIC_HOST).get("/healthz")

    # Then both are up, and the answer is never cached
    assert response.status_code == 200
    assert response.json() == EAGER_BODY
    assert "no-store" in response["Cache-Control"]


def test_healthz_on_municipality_host_needs_no_login(no_broker, nordre_land):
    # Given a municipality's host and nobody logged in
    # When it is asked for its health
    response = client_for(host_of(nordre_land)).get("/healthz")

    # Then it answers, instead of sending the caller to log in
    assert response.status_code == 200
    assert response.json() == EAGER_BODY


def test_healthz_on_load_balancer_address(no_broker):
    # Given a probe that sends the machine's address as its Host (a public host name)
    response = client_for("127.0.0.1").get("/healthz")

    # Then it gets the health answer
    assert response.status_code == 200
    assert response.json() == EAGER_BODY


def test_healthz_on_unknown_host_is_404(no_broker):
    # Given a host that names no municipality (django-tenants finds no tenant for it)
    response = client_for("finnes-ikke.localhost").get("/healthz")

    # Then there is no health answer there: probes must send a known Host
    assert response.status_code == 404


def test_healthz_with_broker_down_is_503_quickly(settings):
    # Given a broker configured where nothing listens
    settings.CELERY_BROKER_URL = UNREACHABLE_BROKER

    # When the load balancer asks
    started = time.monotonic()
    response = client_for(PUBLIC_HOST).get("/healthz")
    elapsed = time.monotonic() - started

    # Then it hears "down" within a couple of seconds, and which part is down
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "down"
    assert body["database"] == {"ok": True}
    assert body["broker"]["ok"] is False
    assert body["broker"]["mode"] == "broker"
    assert body["broker"]["error"]
    assert elapsed < 3


@pytest.mark.skipif(
    not BROKER_URL, reason="CELERY_TEST_BROKER_URL is not set: no Redis to check against"
)
def test_healthz_with_broker_up(settings, nesseby):
    # Given the real broker configured
    settings.CELERY_BROKER_URL = BROKER_URL

    # When a municipality's host is asked
    response = client_for(host_of(nesseby)).get("/healthz")

    # Then the broker is reported up
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": {"ok": True},
        "broker": {"ok": True, "mode": "broker"},
    }


def test_database_state_reports_unreachable_database(unreachable_database):
    # Given a connection to a database that does not answer
    # When its state is checked
    state = samla.health.database_state(unreachable_database)

    # Then it is down, with the kind of failure and no details
    assert state == {"ok": False, "error": "OperationalError"}


def test_healthz_with_database_down_is_503(no_broker, monkeypatch, unreachable_database):
    # Given the database stops answering after the host was resolved
    monkeypatch.setattr(samla.health, "connection", unreachable_database)

    # When the load balancer asks
    response = client_for(PUBLIC_HOST).get("/healthz")

    # Then it hears that the database is down
    assert response.status_code == 503
    assert response.json() == {
        "status": "down",
        "database": {"ok": False, "error": "OperationalError"},
        "broker": {"ok": True, "mode": "eager"},
    }
