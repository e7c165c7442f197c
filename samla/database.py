"""Where the database is: DATABASE_URL when set, else an embedded PostgreSQL under .samla/."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
EMBEDDED_DATABASE = "samla"


def embedded_pgdata() -> Path:
    return Path(os.environ.get("SAMLA_PGDATA", BASE_DIR / ".samla" / "pgdata"))


def start_embedded_postgres() -> str:
    """Start (or join) the embedded PostgreSQL of the `pgserver` package; return its URI.

    The server outlives no process that uses it: pgserver stops it when the last
    process holding a handle exits. The data directory stays, so the demo keeps its data.
    """
    import warnings

    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
    import pgserver

    pgdata = embedded_pgdata()
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(pgdata, cleanup_mode="stop")
    # EMBEDDED_DATABASE is a constant, not input.
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{EMBEDDED_DATABASE}';")  # noqa: S608
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {EMBEDDED_DATABASE};")
    return server.get_uri(EMBEDDED_DATABASE)


def database_config() -> dict[str, Any]:
    """The `default` database for Django, always through django-tenants' backend."""
    url = os.environ.get("DATABASE_URL") or start_embedded_postgres()
    config: dict[str, Any] = dict(
        dj_database_url.parse(
            url,
            conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
            # A kept connection that died (the server restarted) is replaced, not reused.
            conn_health_checks=True,
        )
    )
    # Give up connecting after this long: a request fails fast (503, samla/unavailable.py)
    # while the database is down instead of hanging on the kernel's TCP timeout.
    config.setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", int(os.environ.get("DB_CONNECT_TIMEOUT", "3"))
    )
    # pgserver's URI names the socket directory as ?host=…; dj-database-url keeps it
    # in OPTIONS, but psycopg wants it as HOST.
    socket_dir = parse_qs(urlparse(url).query).get("host")
    if socket_dir:
        config["HOST"] = socket_dir[0]
        config.get("OPTIONS", {}).pop("host", None)
    config["ENGINE"] = "django_tenants.postgresql_backend"
    return config
