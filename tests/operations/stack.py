"""What the process-level operations tests start: scratch databases, PgBouncer, a PostgreSQL of
their own, Django code run in the stack's environment, and a client that logs in like a browser.

Every helper is a context manager that stops what it started (the process group) and removes
what it made, also when the test fails. The stack itself is started by
`samla.stack.running_stack`, the way `make stack` starts it.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psycopg
import requests
from django.conf import settings
from django.db import connections

from samla.stack import BASE_DIR, free_port
from tests.gates import unavailable

STOP_SECONDS = 20.0


# The server the test database is on ----------------------------------------------------


@dataclass(frozen=True)
class Server:
    """Where a PostgreSQL server answers: a host name or a socket directory, and a port."""

    host: str
    port: int
    user: str
    password: str = ""

    def url(self, database: str) -> str:
        auth = quote(self.user) + (f":{quote(self.password)}" if self.password else "")
        if self.host.startswith("/"):
            return f"postgresql://{auth}@:{self.port}/{database}?host={quote(self.host)}"
        return f"postgresql://{auth}@{self.host}:{self.port}/{database}"

    def connect(self, database: str = "postgres") -> psycopg.Connection[Any]:
        return psycopg.connect(
            host=self.host,
            port=self.port,
            user=self.user,
            password=self.password or None,
            dbname=database,
            autocommit=True,
            connect_timeout=5,
        )


def database_server() -> tuple[Server, str]:
    """The server the test database is on (the machine's or the embedded one), and its name."""
    config = settings.DATABASES["default"]
    server = Server(
        host=config.get("HOST") or "127.0.0.1",
        port=int(config.get("PORT") or 5432),
        user=config.get("USER") or "postgres",
        password=config.get("PASSWORD") or "",
    )
    return server, config["NAME"]


@contextlib.contextmanager
def scratch_copy_of_test_database() -> Iterator[tuple[Server, str]]:
    """A new database copied from the (migrated, seeded) test database; dropped afterwards.

    The copy needs the test database to have no session open, so this process closes its own
    first: use it in tests that do not hold a transaction on the test database.
    """
    server, template = database_server()
    name = f"samla_stack_scratch_{uuid.uuid4().hex[:10]}"
    connections.close_all()
    with server.connect() as admin:
        deadline = time.monotonic() + 20
        while True:
            try:
                admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
                break
            except psycopg.errors.ObjectInUse:
                # Another session is leaving the test database (a worker test's teardown).
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
    try:
        yield server, name
    finally:
        with server.connect() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# Django code in the stack's environment ------------------------------------------------


def run_django(env: dict[str, str], code: str, timeout: float = 120) -> str:
    """Run `code` in `samla shell` with `env` (a separate process, its own settings); stdout."""
    done = subprocess.run(
        [sys.executable, "-m", "samla", "shell", "-c", code],
        env=env,
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, f"samla shell failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


# Processes -----------------------------------------------------------------------------


def stop_group(process: subprocess.Popen[Any], timeout: float = STOP_SECONDS) -> None:
    """SIGTERM the process group `process` leads, then SIGKILL what is left after `timeout`."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, 15)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, 9)
        process.wait(timeout=5)


def _unprivileged(home: Path) -> list[str]:
    """The prefix that runs a command as the `postgres` system user when we are root
    (PostgreSQL and PgBouncer refuse to run as root), `home` made theirs; else nothing."""
    if os.geteuid() != 0:
        return []
    try:
        entry = pwd.getpwnam("postgres")
    except KeyError:
        unavailable("running as root without a `postgres` system user to run PostgreSQL as")
    for path in [home, *home.rglob("*")]:
        os.chown(path, entry.pw_uid, entry.pw_gid)
    return ["runuser", "-u", "postgres", "--"]


def _scratch_dir(prefix: str) -> Path:
    """A scratch directory outside pytest's (whose parents only their owner may enter)."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    path.chmod(0o755)
    return path


@contextlib.contextmanager
def pgbouncer(
    server: Server, database: str, pool_mode: str = "session", pool_size: int = 40
) -> Iterator[Server]:
    """Debian's PgBouncer in front of `database` on `server`, on a free port; yields where it
    answers (same user, trust). Stopped and removed afterwards."""
    binary = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
    if not Path(binary).exists():
        unavailable("pgbouncer is not installed (`make ops-deps` installs Debian's package)")
    home = _scratch_dir("samla-pgbouncer-")
    port = free_port()
    (home / "userlist.txt").write_text(f'"{server.user}" "{server.password}"\n')
    target = f"host={server.host} port={server.port} dbname={database} user={server.user}"
    (home / "pgbouncer.ini").write_text(
        "[databases]\n"
        f"{database} = {target}\n"
        "[pgbouncer]\n"
        "listen_addr = 127.0.0.1\n"
        f"listen_port = {port}\n"
        "unix_socket_dir =\n"
        "auth_type = trust\n"
        f"admin_users = {server.user}\n"
        f"auth_file = {home / 'userlist.txt'}\n"
        f"pool_mode = {pool_mode}\n"
        "max_client_conn = 200\n"
        f"default_pool_size = {pool_size}\n"
        "ignore_startup_parameters = extra_float_digits,options\n"
        "server_reset_query = DISCARD ALL\n"
    )
    log = (home / "pgbouncer.log").open("wb")
    process = subprocess.Popen(
        [*_unprivileged(home), binary, str(home / "pgbouncer.ini")],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    bouncer = Server("127.0.0.1", port, server.user, server.password)
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                with bouncer.connect(database) as probe:
                    probe.execute("SELECT 1")
                break
            except psycopg.OperationalError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(
                        "pgbouncer did not start:\n" + (home / "pgbouncer.log").read_text()
                    ) from None
                time.sleep(0.2)
        yield bouncer
    finally:
        stop_group(process)
        log.close()
        shutil.rmtree(home, ignore_errors=True)


def postgres_bin_dirs() -> dict[int, Path]:
    """The PostgreSQL binaries on this machine by major version: Debian's and the embedded
    server's (pgserver's)."""
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
    from pgserver._commands import POSTGRES_BIN_PATH

    found: dict[int, Path] = {}
    for pg_ctl in [*Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), Path(POSTGRES_BIN_PATH)]:
        bin_dir = pg_ctl.parent if pg_ctl.name == "pg_ctl" else pg_ctl
        done = subprocess.run(
            [str(bin_dir / "pg_ctl"), "--version"], capture_output=True, text=True, check=False
        )
        if done.returncode == 0:
            found.setdefault(int(done.stdout.split()[-1].split(".")[0]), bin_dir)
    return found


def server_major(server: Server, database: str) -> int:
    with server.connect(database) as conn:
        row = conn.execute("SHOW server_version_num").fetchone()
    assert row is not None
    return int(row[0]) // 10000


@dataclass
class OwnPostgres:
    """A PostgreSQL server of the test's own (never the machine's shared one)."""

    bin_dir: Path
    data: Path
    home: Path
    port: int
    log: Path
    prefix: list[str]

    @property
    def server(self) -> Server:
        return Server("127.0.0.1", self.port, "postgres")

    def _ctl(self, *args: str) -> None:
        command = [str(self.bin_dir / "pg_ctl"), "-D", str(self.data), *args]
        done = subprocess.run(
            [*self.prefix, *command],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 0, f"pg_ctl {args}: {done.stdout}{done.stderr}"

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.home}"
        self._ctl("start", "-w", "-l", str(self.log), "-o", options)

    def stop(self) -> None:
        self._ctl("stop", "-m", "fast", "-w")

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


@contextlib.contextmanager
def own_postgres(copy_of: tuple[Server, str] | None = None) -> Iterator[OwnPostgres]:
    """initdb + pg_ctl into a scratch directory on a free port, with a database `samla`;
    stopped and removed after. With `copy_of` (a server and a database), when this machine
    has binaries of that server's major version, `samla` starts as a copy of it (pg_dump |
    pg_restore), which spares the web process a migration from nothing."""
    bin_dirs = postgres_bin_dirs()
    if not bin_dirs:
        unavailable("no PostgreSQL binaries (initdb, pg_ctl) on this machine")
    major = server_major(*copy_of) if copy_of else None
    bin_dir = bin_dirs.get(major or -1) or bin_dirs[max(bin_dirs)]
    home = _scratch_dir("samla-postgres-")
    prefix = _unprivileged(home)
    own = OwnPostgres(bin_dir, home / "data", home, free_port(), home / "postgres.log", prefix)
    initdb = [str(bin_dir / "initdb"), "-D", str(own.data), "-U", "postgres", "-A", "trust"]
    done = subprocess.run(
        [*prefix, *initdb, "--no-sync"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, f"initdb: {done.stdout}{done.stderr}"
    try:
        own.start()
        with own.server.connect() as admin:
            admin.execute("CREATE DATABASE samla")
        if copy_of is not None and major in bin_dirs:
            source, database = copy_of
            dump = subprocess.Popen(
                [str(bin_dir / "pg_dump"), "--format=custom", "-d", source.url(database)],
                stdout=subprocess.PIPE,
            )
            restore = subprocess.run(
                [str(bin_dir / "pg_restore"), "--no-owner", "-d", own.server.url("samla")],
                stdin=dump.stdout,
                capture_output=True,
                text=True,
                timeout=300,
                check=False,
            )
            assert dump.wait(timeout=60) == 0
            assert restore.returncode == 0, restore.stderr[-2000:]
        yield own
    finally:
        with contextlib.suppress(AssertionError, subprocess.TimeoutExpired):
            own.stop()
        shutil.rmtree(home, ignore_errors=True)


# A browser's way through the web process -----------------------------------------------


class Browser:
    """Real HTTP to the web process at `url` as `host` (Host header), cookies and CSRF kept
    as a browser keeps them."""

    def __init__(self, url: str, host: str) -> None:
        self.url = url
        self.host = host
        self.session = requests.Session()
        self.session.headers["Host"] = host

    @property
    def origin(self) -> str:
        return f"http://{self.host}"

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.session.get(self.url + path, timeout=30, allow_redirects=False, **kwargs)

    def _write_headers(self) -> dict[str, str]:
        token = self.session.cookies.get("csrftoken", "")
        return {"X-CSRFToken": token, "Origin": self.origin, "Referer": self.origin + "/"}

    def patch_json(self, path: str, body: dict[str, Any]) -> requests.Response:
        return self.session.patch(
            self.url + path, json=body, headers=self._write_headers(), timeout=30
        )

    def log_in(self, username: str, password: str) -> requests.Response:
        form = self.get("/accounts/login/")
        assert form.status_code == 200, form.text[:500]
        token = self.session.cookies.get("csrftoken")
        assert token, "the login page set no CSRF cookie"
        return self.session.post(
            self.url + "/accounts/login/",
            data={"username": username, "password": password, "csrfmiddlewaretoken": token},
            headers={"Origin": self.origin, "Referer": f"{self.origin}/accounts/login/"},
            timeout=30,
            allow_redirects=False,
        )
