"""deploy/ runs what the Procfile says: the container image, the compose file and the
Kubernetes manifests start each process type with `honcho start <type>` from the same
Procfile, and run before them what `make stack` runs first (`samla upgrade`); a process
type added to the Procfile without a service, or a service running its own command line,
fails here."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from honcho.environ import parse_procfile

from samla.stack import UPGRADE_ARGS

ROOT = Path(__file__).resolve().parents[2]
HONCHO = ["honcho", "start", "--no-prefix", "--no-colour", "-f", "Procfile"]
UPGRADE = ["python", *UPGRADE_ARGS]


@pytest.fixture(autouse=True)
def _public_schema_and_clean_cache() -> Iterator[None]:
    # Replaces the suite's per-test database fixture: these tests read files only.
    yield


def _procfile() -> dict[str, str]:
    procfile = parse_procfile((ROOT / "Procfile").read_text())
    return {name: str(command) for name, command in procfile.processes.items()}


def _compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "deploy" / "compose.yaml").read_text())
    return loaded


def _dockerfile() -> str:
    return (ROOT / "deploy" / "Dockerfile").read_text()


def _command(service: dict[str, Any]) -> list[str] | None:
    command = service.get("command")
    return shlex.split(command) if isinstance(command, str) else command


def test_procfile_has_web_worker_and_beat():
    processes = _procfile()
    assert list(processes) == ["web", "worker", "beat"]
    assert processes["web"].startswith("gunicorn -c samla/gunicorn_conf.py samla.wsgi ")
    # The web process honours the environment the load benchmark and the image set.
    for variable in ("PORT", "WEB_CONCURRENCY", "SAMLA_BIND"):
        assert f"${{{variable}" in processes["web"]
    assert processes["worker"].startswith("celery -A samla worker ")
    assert processes["beat"].startswith("celery -A samla beat ")


def test_every_compose_service_of_the_image_runs_a_procfile_process():
    processes = _procfile()
    services = _compose()["services"]
    image_services = {name: s for name, s in services.items() if "build" in s}
    run: dict[str, str] = {}
    for name, service in image_services.items():
        command = _command(service)
        if name == "migrate":
            assert command == UPGRADE
            continue
        # The image's default command is web's; every other service names its process.
        command = command or json.loads(re.findall(r"^CMD (.+)$", _dockerfile(), re.M)[-1])
        assert command[: len(HONCHO)] == HONCHO, f"{name} runs {command}, not the Procfile"
        (process,) = command[len(HONCHO) :]
        assert process in processes, f"{name} runs {process!r}, which the Procfile lacks"
        run[name] = process
    # Each process type runs in exactly one service, and after the upgrade.
    assert sorted(run.values()) == sorted(processes)
    for name in run:
        depends = image_services[name].get("depends_on", {})
        assert depends.get("migrate") == {"condition": "service_completed_successfully"}, name


def test_image_ships_the_procfile_and_serves_web_on_the_published_port():
    dockerfile = _dockerfile()
    cmd = json.loads(re.findall(r"^CMD (.+)$", dockerfile, re.M)[-1])
    assert cmd == [*HONCHO, "web"]
    assert re.search(r"^COPY .*\bProcfile\b.* \./$", dockerfile, re.M)
    env = dict(re.findall(r"\b(PORT|SAMLA_BIND)=(\S+)", dockerfile))
    assert env == {"PORT": "8000", "SAMLA_BIND": "0.0.0.0"}  # noqa: S104 (inside a container)
    web = _compose()["services"]["web"]
    assert [port.split(":")[-1] for port in web["ports"]] == [env["PORT"]]
    assert re.search(rf"^EXPOSE {env['PORT']}$", dockerfile, re.M)


def test_kubernetes_runs_each_procfile_process_in_its_own_deployment():
    documents = list(yaml.safe_load_all((ROOT / "deploy" / "k8s" / "samla.yaml").read_text()))
    run: dict[str, str] = {}
    for document in documents:
        if document["kind"] not in ("Deployment", "Job"):
            continue
        (container,) = document["spec"]["template"]["spec"]["containers"]
        command = container.get("command")
        if document["kind"] == "Job":
            assert command == UPGRADE
            continue
        command = command or json.loads(re.findall(r"^CMD (.+)$", _dockerfile(), re.M)[-1])
        assert command[: len(HONCHO)] == HONCHO, f"{container['name']} runs {command}"
        (process,) = command[len(HONCHO) :]
        run[container["name"]] = process
    assert sorted(run.values()) == sorted(_procfile())


@pytest.mark.parametrize("process", ["web", "worker", "beat"])
def test_procfile_programs_are_installed_with_samla(process):
    # Each line splits as a shell would and names a program Samla's dependencies install
    # beside this Python (so the image, which installs the same package, has it too).
    program = shlex.split(_procfile()[process])[0]
    assert shutil.which(program, path=str(Path(sys.executable).parent)), program
