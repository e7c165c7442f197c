"""Prometheus metrics (samla/metrics.py): requests by route name, the roll-up's age per
municipality, served on a listener of their own and never on the public or a municipality's
host; and through real gunicorn workers (samla/gunicorn_conf.py), added up by the master."""

from __future__ import annotations

import datetime
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.utils import timezone
from prometheus_client import REGISTRY, CollectorRegistry
from prometheus_client.parser import text_string_to_metric_families

from networks.models import ProgressSnapshot
from samla.metrics import RollupAgeCollector, exposition, start_exporter
from tenants.db import connection
from tenants.models import Municipality
from tests.committed import committed_data
from tests.conftest import PUBLIC_HOST, client_for, host_of
from tests.foundation.test_celery import REPO, database_url

LATENCY = "samla_http_request_duration_seconds_count"


def count(route: str, method: str = "GET", status: str = "2xx") -> float:
    labels = {"route": route, "method": method, "status": status}
    return REGISTRY.get_sample_value(LATENCY, labels) or 0.0


def test_a_request_is_measured_by_its_route_name_not_its_path(nordre_land, leader_a) -> None:
    before = {
        "healthz": count("healthz"),
        "plans:plan-detail": count("plans:plan-detail", status="4xx"),
        "unmatched": count("unmatched", status="4xx"),
    }
    assert client_for(PUBLIC_HOST).get("/healthz").status_code == 200
    municipality = client_for(host_of(nordre_land), leader_a)
    assert municipality.get("/api/plans/987654/").status_code == 404
    assert municipality.get("/finnes-ikke/55555/").status_code == 404

    assert count("healthz") == before["healthz"] + 1
    assert count("plans:plan-detail", status="4xx") == before["plans:plan-detail"] + 1
    assert count("unmatched", status="4xx") == before["unmatched"] + 1
    text = exposition()
    assert 'route="plans:plan-detail"' in text
    # No path reaches a label (the figures themselves may hold any digits)
    labels = {
        value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        for value in sample.labels.values()
    }
    assert [v for v in labels if "987654" in v or "55555" in v or "finnes-ikke" in v] == []


def test_an_unknown_method_is_one_label(db) -> None:
    before = count("healthz", method="other", status="4xx")
    client_for(PUBLIC_HOST).generic("BREW", "/healthz")
    assert count("healthz", method="other", status="4xx") == before + 1


def test_the_roll_up_age_per_municipality_in_one_query(
    nordre_land, nesseby, django_assert_num_queries
) -> None:
    now = timezone.now()
    ProgressSnapshot.objects.all().delete()
    ProgressSnapshot.objects.create(
        municipality=nordre_land, date=now.date(), computed_at=now - datetime.timedelta(hours=2)
    )
    ProgressSnapshot.objects.create(
        municipality=nordre_land,
        date=now.date() - datetime.timedelta(days=1),
        computed_at=now - datetime.timedelta(days=1),
    )
    registry = CollectorRegistry()
    registry.register(RollupAgeCollector())
    with django_assert_num_queries(1):
        age = registry.get_sample_value("samla_rollup_age_seconds", {"municipality": "nordre-land"})
    assert age is not None and 7200 <= age < 7200 + 60
    assert (
        registry.get_sample_value("samla_rollup_age_seconds", {"municipality": "nesseby"}) is None
    )
    without = Municipality.objects.without_public().count() - 1
    assert registry.get_sample_value("samla_rollup_without_figures") == without
    # A deleted municipality is no longer watched
    Municipality.objects.filter(pk=nordre_land.pk).update(deleted_at=now)
    labels = {"municipality": "nordre-land"}
    assert registry.get_sample_value("samla_rollup_age_seconds", labels) is None


@pytest.mark.parametrize("path", ["/metrics", "/metrics/", "/prometheus/metrics"])
def test_no_host_of_the_site_serves_the_metrics(nordre_land, leader_a, path) -> None:
    for client in (
        client_for(PUBLIC_HOST),
        client_for(host_of(nordre_land)),
        client_for(host_of(nordre_land), leader_a),
    ):
        response = client.get(path)
        assert response.status_code == 404
        assert b"samla_http_request_duration_seconds" not in response.content


def _get(url: str, host: str | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"Host": host} if host else {})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def test_the_listener_serves_them_on_its_own_address(db) -> None:
    client_for(PUBLIC_HOST).get("/healthz")
    server = start_exporter(0, "127.0.0.1")
    try:
        assert server.server_address[0] == "127.0.0.1"
        status, text = _get(f"http://127.0.0.1:{server.server_port}/metrics")
    finally:
        server.shutdown()
        server.server_close()
    assert status == 200
    assert (
        'samla_http_request_duration_seconds_count{method="GET",route="healthz",status="2xx"}'
        in text
    )


# Real gunicorn: two workers, the master's listener ---------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class TestGunicorn:
    """Committed data: the gunicorn workers and the master's scrape read it."""

    @pytest.fixture(autouse=True)
    def _public_schema_and_clean_cache(self, django_db_setup, django_db_blocker) -> Iterator[None]:
        with committed_data(django_db_blocker):
            yield

    @pytest.fixture
    def gunicorn(self, tmp_path: Path) -> Iterator[tuple[int, int, Path]]:
        web, metrics = _free_port(), _free_port()
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "samla.settings.test",
            "DATABASE_URL": database_url(connection.settings_dict),
            "SAMLA_METRICS_PORT": str(metrics),
            "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
        }
        env.pop("CELERY_BROKER_URL", None)
        log = tmp_path / "gunicorn.log"
        command = [
            str(Path(sys.executable).parent / "gunicorn"), "-c", "samla/gunicorn_conf.py",
            "samla.wsgi", "--bind", f"127.0.0.1:{web}", "--workers", "2",
            "--no-control-socket",
        ]  # fmt: skip
        with log.open("wb") as out:
            process = subprocess.Popen(
                command, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT
            )
        try:
            deadline = time.monotonic() + 60
            while True:
                assert process.poll() is None, log.read_text()
                try:
                    if _get(f"http://127.0.0.1:{web}/healthz", "localhost")[0] == 200:
                        break
                except OSError:
                    pass
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)
            yield web, metrics, log
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)

    def test_the_workers_requests_are_added_up_by_the_master(self, gunicorn) -> None:
        web, metrics, log = gunicorn
        nesseby = Municipality.objects.get(slug="nesseby")
        old_day = datetime.date(2000, 1, 1)
        ProgressSnapshot.objects.create(municipality=nesseby, date=old_day)
        try:
            for _ in range(20):
                assert _get(f"http://127.0.0.1:{web}/healthz", "localhost")[0] == 200
            # Neither the public host nor a municipality's serves them
            for host in ("localhost", "nesseby.localhost"):
                assert _get(f"http://127.0.0.1:{web}/metrics", host)[0] == 404
            status, text = _get(f"http://127.0.0.1:{metrics}/metrics")
        finally:
            ProgressSnapshot.objects.filter(municipality=nesseby, date=old_day).delete()
        assert status == 200, log.read_text()
        line = (
            'samla_http_request_duration_seconds_count{method="GET",route="healthz",status="2xx"}'
        )
        [value] = [row.split()[-1] for row in text.splitlines() if row.startswith(line)]
        assert float(value) >= 21  # the readiness probes and the twenty
        assert 'samla_rollup_age_seconds{municipality="nesseby"}' in text
        assert 'route="unmatched",status="4xx"' in text  # the two /metrics tries
