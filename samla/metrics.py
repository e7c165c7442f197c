"""Prometheus metrics: requests by route, tasks by name, the roll-up's age per municipality.

What is measured (docs/operations.md has the scrape configuration):

- `samla_http_request_duration_seconds{route, method, status}`: a histogram of each
  request's time, observed by `samla.logging.RequestContextMiddleware` (the outermost
  middleware). `route` is the URL pattern's name (`plans:plan-detail`), never the path, so
  ids and codes do not multiply the series; a request no pattern matched is `unmatched`.
  `method` is one of the HTTP methods Samla answers (else `other`), `status` the class
  (`2xx` … `5xx`).
- `samla_task_duration_seconds{task, state}`: a histogram of each task run's time by the
  task's name and how it ended (SUCCESS, FAILURE, RETRY …), from Celery's `task_prerun`
  and `task_postrun` signals, in the process that runs the task (a pool process).
- `samla_task_failures_total{task}`: tasks that failed for good (`task_failure`).
- `samla_rollup_age_seconds{municipality}`: seconds since each municipality's latest
  roll-up row was computed, and `samla_rollup_without_figures` (municipalities with no
  row); computed when scraped, with one query over `networks.ProgressSnapshot`.

Where they are served: never by Django's URL maps (the public host and the municipality
hosts answer 404 for /metrics), but by `prometheus_client`'s own HTTP listener on
`SAMLA_METRICS_ADDR` (127.0.0.1 unless set) in gunicorn's master process
(`samla/gunicorn_conf.py`, port `SAMLA_METRICS_PORT`, with the roll-up gauge) and in the
Celery worker's main process (`SAMLA_WORKER_METRICS_PORT`). Gunicorn's and prefork's
processes each write their figures to files in `PROMETHEUS_MULTIPROC_DIR` (one folder per
process group, emptied when the group starts), and the listener adds them up.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from wsgiref.simple_server import WSGIServer

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"


def _is_celery_worker() -> bool:
    return Path(sys.argv[0]).name == "celery" and "worker" in sys.argv[1:]


# Multiprocess mode is chosen when prometheus_client is first imported. A prefork worker
# asked for a metrics port without a folder gets one of its own (the web's is set by
# samla/gunicorn_conf.py before any worker starts).
if (
    _is_celery_worker()
    and os.environ.get("SAMLA_WORKER_METRICS_PORT")
    and not os.environ.get(MULTIPROC_ENV)
):
    os.environ[MULTIPROC_ENV] = str(
        Path(tempfile.gettempdir()) / f"samla-metrics-worker-{os.getpid()}"
    )
    Path(os.environ[MULTIPROC_ENV]).mkdir(parents=True, exist_ok=True)

from celery.signals import (  # noqa: E402
    task_failure,
    task_postrun,
    task_prerun,
    worker_init,
    worker_process_shutdown,
)
from prometheus_client import (  # noqa: E402
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
    start_http_server,
)
from prometheus_client.core import GaugeMetricFamily  # noqa: E402
from prometheus_client.registry import Collector  # noqa: E402

logger = logging.getLogger(__name__)

REQUEST_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
TASK_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0)
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED = "unmatched"

REQUEST_LATENCY = Histogram(
    "samla_http_request_duration_seconds",
    "Time to answer a request, by URL pattern name, method and status class.",
    ["route", "method", "status"],
    buckets=REQUEST_BUCKETS,
)
TASK_LATENCY = Histogram(
    "samla_task_duration_seconds",
    "Time a Celery task ran, by task name and final state.",
    ["task", "state"],
    buckets=TASK_BUCKETS,
)
TASK_FAILURES = Counter(
    "samla_task_failures", "Celery tasks that failed for good, by task name.", ["task"]
)


def multiprocess_dir() -> str | None:
    return os.environ.get(MULTIPROC_ENV) or None


# Requests ------------------------------------------------------------------------------


def route_of(request: Any) -> str:
    """The matched URL pattern's name (or its route when unnamed); `unmatched` if none."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return UNMATCHED
    return str(match.view_name or match.route or UNMATCHED)


def observe_request(request: Any, status: int, seconds: float) -> None:
    method = request.method if request.method in METHODS else "other"
    REQUEST_LATENCY.labels(route_of(request), method, f"{status // 100}xx").observe(seconds)


# Tasks ---------------------------------------------------------------------------------

_started: dict[str, float] = {}
_started_lock = threading.Lock()


@task_prerun.connect
def _task_started(task_id: str | None = None, **_: Any) -> None:
    if task_id:
        with _started_lock:
            _started[task_id] = time.perf_counter()


@task_postrun.connect
def _task_finished(
    sender: Any = None, task_id: str | None = None, state: str | None = None, **_: Any
) -> None:
    with _started_lock:
        started = _started.pop(task_id or "", None)
    if started is None or sender is None:
        return
    TASK_LATENCY.labels(sender.name, state or "UNKNOWN").observe(time.perf_counter() - started)


@task_failure.connect
def _task_failed(sender: Any = None, **_: Any) -> None:
    if sender is not None:
        TASK_FAILURES.labels(getattr(sender, "name", str(sender))).inc()


# The roll-up's age ---------------------------------------------------------------------


def rollup_latest() -> list[tuple[str, Any]]:
    """(slug, latest computed_at or None) of every municipality in service: one query."""
    from networks.models import municipalities_with_latest_rollup

    return list(
        municipalities_with_latest_rollup().order_by("slug").values_list("slug", "latest_rollup")
    )


class RollupAgeCollector(Collector):
    """Reads the roll-up's age when scraped. Outside a transaction (the listener's own
    thread) the connection is closed after the query, so no idle connection is kept."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from django.db import connection
        from django.utils import timezone

        try:
            latest = rollup_latest()
        finally:
            if not connection.in_atomic_block:
                connection.close()
        now = timezone.now()
        age = GaugeMetricFamily(
            "samla_rollup_age_seconds",
            "Seconds since the municipality's latest progress roll-up row was computed.",
            labels=["municipality"],
        )
        for slug, moment in latest:
            if moment is not None:
                age.add_metric([slug], (now - moment).total_seconds())
        yield age
        yield GaugeMetricFamily(
            "samla_rollup_without_figures",
            "Municipalities that have no progress roll-up row at all.",
            value=sum(1 for _, moment in latest if moment is None),
        )


# Serving -------------------------------------------------------------------------------


class _ThisProcess(Collector):
    """This process's own metrics (the default registry), when not in multiprocess mode."""

    def collect(self) -> Iterator[Any]:
        return iter(REGISTRY.collect())


def build_registry(include_rollup: bool = False) -> CollectorRegistry:
    """What a listener serves: every process's files in multiprocess mode, else this
    process's metrics; with the roll-up's age when asked (the web's listener)."""
    registry = CollectorRegistry(auto_describe=False)
    folder = multiprocess_dir()
    if folder:
        multiprocess.MultiProcessCollector(registry, path=folder)  # type: ignore[no-untyped-call]
    else:
        registry.register(_ThisProcess())
    if include_rollup:
        registry.register(RollupAgeCollector())
    return registry


def exposition(include_rollup: bool = False) -> str:
    """The metrics text a scrape gets."""
    return generate_latest(build_registry(include_rollup)).decode()


def start_exporter(port: int, addr: str = "127.0.0.1", include_rollup: bool = False) -> WSGIServer:
    """Serve the metrics on addr:port (port 0: any free one) in a daemon thread; the server
    (its `server_port` is the bound port, `shutdown()` stops it)."""
    server, _thread = start_http_server(port, addr=addr, registry=build_registry(include_rollup))
    return server


def reset_multiprocess_dir() -> None:
    """Empty the folder before a process group starts (stale files would be added up)."""
    folder = multiprocess_dir()
    if not folder:
        return
    path = Path(folder)
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True, exist_ok=True)


def mark_process_dead(pid: int) -> None:
    if multiprocess_dir():
        multiprocess.mark_process_dead(pid)  # type: ignore[no-untyped-call]


@worker_init.connect
def _start_worker_exporter(**_: Any) -> None:
    """In the Celery worker's main process, before its pool starts: the task metrics'
    listener, when SAMLA_WORKER_METRICS_PORT is set."""
    from django.conf import settings

    port = getattr(settings, "SAMLA_WORKER_METRICS_PORT", None)
    if not port:
        return
    reset_multiprocess_dir()
    try:
        start_exporter(int(port), settings.SAMLA_METRICS_ADDR)
    except OSError:  # the port is taken: the worker still works, without its metrics
        logger.exception("Metrics listener not started on port %s", port)


@worker_process_shutdown.connect
def _pool_process_gone(pid: int | None = None, **_: Any) -> None:
    mark_process_dead(pid or os.getpid())
