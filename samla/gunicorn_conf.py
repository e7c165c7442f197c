"""gunicorn's hooks for Samla's metrics: the listener in the master, the workers' files.

Use with `gunicorn -c samla/gunicorn_conf.py samla.wsgi` (other options on the command
line as usual): by its path, not as `python:samla.gunicorn_conf`, which would import the
`samla` package (and prometheus_client with it) before this file sets the environment.
With `SAMLA_METRICS_PORT` set, each gunicorn worker writes its request metrics to files
in `PROMETHEUS_MULTIPROC_DIR` (a folder of the web's own, made here when not given,
emptied when gunicorn starts), and the master serves their sum, with the
roll-up's age read at scrape time, on `SAMLA_METRICS_ADDR:SAMLA_METRICS_PORT` (127.0.0.1
unless set): an address the public never reaches. Without the port nothing changes.
See samla/metrics.py and docs/operations.md.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

# As samla/wsgi.py has it, set before anything imports `samla` (whose Celery app would set
# the development settings as the default for the workers too).
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samla.settings.production")
_PORT = os.environ.get("SAMLA_METRICS_PORT", "")

# Before any worker imports prometheus_client: the mode is chosen at its import.
if _PORT and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(
        Path(tempfile.gettempdir()) / f"samla-metrics-web-{os.getpid()}"
    )


def on_starting(server: Any) -> None:
    """Empty the web's metrics folder: figures of an earlier run are not added up."""
    if _PORT:
        from samla.metrics import reset_multiprocess_dir

        reset_multiprocess_dir()


def when_ready(server: Any) -> None:
    """The master's metrics listener, once gunicorn listens (before the workers fork)."""
    if not _PORT:
        return
    import django

    django.setup()
    from django.conf import settings

    from samla.metrics import start_exporter

    try:
        listener = start_exporter(int(_PORT), settings.SAMLA_METRICS_ADDR, include_rollup=True)
    except OSError:  # the port is taken: serve the site all the same, without metrics
        server.log.exception("Metrics listener not started on port %s", _PORT)
        return
    server.log.info(
        "Metrics on http://%s:%s/metrics", settings.SAMLA_METRICS_ADDR, listener.server_port
    )


def child_exit(server: Any, worker: Any) -> None:
    """A worker that exited: its live figures are dropped (its counts are kept)."""
    if _PORT:
        from samla.metrics import mark_process_dead

        mark_process_dead(worker.pid)
