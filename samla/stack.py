"""The production processes on one machine: `make stack` (`python -m samla.stack`).

`main` runs `samla upgrade` once, then honcho with the repository's `Procfile` (web,
worker, beat), against DATABASE_URL and CELERY_BROKER_URL when set, else the embedded
PostgreSQL (started here, handed to every process as DATABASE_URL, stopped when the stack
stops) and the machine's Redis. `running_stack` starts the same as a subprocess, waits for
`/healthz` and stops every process it started, also on failure: the stack test and the
load benchmark use it.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import IO

import psutil  # pgserver's dependency, so always installed with Samla

BASE_DIR = Path(__file__).resolve().parent.parent
PROCFILE = BASE_DIR / "Procfile"
DEFAULT_SETTINGS = "samla.settings.stack"
DEFAULT_BROKER_URL = "redis://127.0.0.1:6379/0"
DEFAULT_PORT = "8000"
# What runs once before the processes start (deploy/compose.yaml's `migrate` runs the same).
UPGRADE_ARGS = ("-m", "samla", "upgrade")
# Longest a stopping process may take before it is killed.
STOP_SECONDS = 20.0


def stack_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """The environment every process of the stack gets: `environ` with the stack's defaults.

    Without DATABASE_URL the embedded PostgreSQL is started (or joined) in this process,
    which then holds it open for the stack's lifetime.
    """
    env = dict(environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", DEFAULT_SETTINGS)
    if not env.get("CELERY_BROKER_URL"):
        env["CELERY_BROKER_URL"] = DEFAULT_BROKER_URL
    if not env.get("PORT"):
        env["PORT"] = DEFAULT_PORT
    if not env.get("DATABASE_URL"):
        from samla.database import start_embedded_postgres

        env["DATABASE_URL"] = start_embedded_postgres()
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


def main(argv: list[str] | None = None) -> int:
    """Upgrade once, then run every process of the Procfile until one stops or we are told to."""
    args = sys.argv[1:] if argv is None else argv
    # A stop asked for at any point goes to the child running then, and nothing starts after
    # it; this process then returns normally, so an embedded PostgreSQL is stopped too.
    running: list[subprocess.Popen[bytes]] = []
    stopping: list[int] = []

    def forward(signum: int, frame: FrameType | None) -> None:
        stopping.append(signum)
        for child in running:
            child.send_signal(signum)

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    env = stack_environment(os.environ)
    bin_dir = Path(sys.executable).parent
    # Beat's schedule file and the generated secret key live here.
    (BASE_DIR / ".samla").mkdir(exist_ok=True)
    steps = [
        [sys.executable, *UPGRADE_ARGS],
        [str(bin_dir / "honcho"), "start", "--no-colour", "-f", str(PROCFILE), *args],
    ]
    path = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    for command in steps:
        if stopping:
            return 128 + stopping[0]
        child = subprocess.Popen(command, env={**env, "PATH": path}, cwd=BASE_DIR)  # noqa: S603
        running[:] = [child]
        returncode = child.wait()
        if returncode != 0:
            # Killed by a signal: the shell's convention, 128 + its number.
            return 128 - returncode if returncode < 0 else returncode
    return 0


def free_port() -> int:
    """A TCP port nothing listens on now, on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class RunningStack:
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


def healthz(url: str, host: str = "localhost", timeout: float = 3.0) -> int | None:
    """The status `/healthz` answers at `url` with Host `host`, or None if nothing answers."""
    request = urllib.request.Request(f"{url}/healthz", headers={"Host": host})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            status: int = response.status
            return status
    except urllib.error.HTTPError as exc:
        return exc.code
    except (OSError, urllib.error.URLError):
        return None


def stop_tree(process: subprocess.Popen[bytes], timeout: float = STOP_SECONDS) -> None:
    """Stop `process` and every process under it (honcho gives each child its own session)."""
    try:
        tree = [psutil.Process(process.pid), *psutil.Process(process.pid).children(recursive=True)]
    except psutil.NoSuchProcess:
        tree = []
    # The stack's main process forwards it to honcho, which stops its processes in turn.
    with contextlib.suppress(ProcessLookupError):
        process.send_signal(signal.SIGTERM)
    _gone, alive = psutil.wait_procs(tree, timeout=timeout)
    for member in alive:
        with contextlib.suppress(psutil.NoSuchProcess):
            member.kill()
    psutil.wait_procs(alive, timeout=5)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=5)


@contextlib.contextmanager
def running_stack(
    env: Mapping[str, str],
    log: Path,
    *,
    timeout: float = 180.0,
    args: tuple[str, ...] = (),
    health_host: str = "localhost",
) -> Iterator[RunningStack]:
    """`python -m samla.stack` with `env` (PORT set to a free port when missing), healthy.

    `args` are honcho's (process names: only those run). Waits until `/healthz` answers 200
    with Host `health_host` (the database and the broker answer) or fails with the stack's
    log; stops every process on leaving, also on failure.
    """
    full = dict(env)
    if not full.get("PORT"):
        full["PORT"] = str(free_port())
    port = int(full["PORT"])
    handle: IO[bytes] = log.open("wb")
    process = subprocess.Popen(  # noqa: S603 (our own command)
        [sys.executable, "-m", "samla.stack", *args],
        env=full,
        cwd=BASE_DIR,
        stdout=handle,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    stack = RunningStack(process, port, log)
    try:
        deadline = time.monotonic() + timeout
        while healthz(stack.url, health_host) != 200:
            if process.poll() is not None:
                raise RuntimeError(f"the stack stopped ({process.returncode}):\n{stack.log_text()}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"the stack was not healthy in {timeout} s:\n{stack.log_text()}")
            time.sleep(0.5)
        yield stack
    finally:
        stop_tree(process)
        handle.close()


if __name__ == "__main__":
    sys.exit(main())
