"""What the coordinator's live screen costs: a task with 40 municipalities answering.

Run from the repository root:

    .venv/bin/python benchmarks/gatherings.py                 # 40 municipalities, 30 polls
    .venv/bin/python benchmarks/gatherings.py --municipalities 10 --repeat 10

It works in a scratch database of its own (`samla_bench_<pid>`, see benchmarks/provision.py),
runs `samla upgrade`, makes a network of `--municipalities` municipalities (public-schema
rows only: the live screen reads answers in the public schema and never a municipality's
schema), a gathering going on now with the seed's analysis grid and a 1–5 scale, and one
answer per municipality to each, sent through the municipalities' join codes. Then, as the
network's coordinator on the public host, in-process with Django's test client (after
three warm-up requests), it times:

- `task_answers_poll_ms_median`: htmx's poll of the live screen (`HX-Request`), which
  renders every municipality's answers (what the screen gets after an answer arrived);
- `task_answers_poll_unchanged_ms_median`: the same poll with the last `ETag` (304);
- `task_answers_api_ms_median`: `GET /api/tasks/{id}/answers/` for the grid task;

each with its query count. Target: the poll at most 30 ms. Only `name=value` lines go to
stdout; logs go to stderr.
"""

from __future__ import annotations

import argparse
import datetime
import logging
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from benchmarks.provision import measure_requests, report_from_scratch_database  # noqa: E402

log = logging.getLogger("benchmarks.gatherings")
GRID = {
    "satisfied": "Familiens hus samler tjenestene under ett tak",
    "satisfied_why": "Kort vei mellom helsestasjon, barnevern og PPT",
    "improve": "Overgangen fra barnehage til skole",
    "improve_why": "Informasjon om barn med behov går tapt",
    "external": "Bufetat, RKBU og kompetansebasen",
    "external_why": "Metodestøtte og erfaring fra andre kommuner",
}


def build_world(count: int) -> dict[str, Any]:
    from django.utils import timezone

    from networks.gatherings import services
    from networks.gatherings.models import JoinCode
    from networks.models import LearningNetwork, Organiser
    from samla.accounts.models import CoordinatorRole, User
    from tenants.models import Municipality

    coordinator = User.objects.create_user(username="koordinator.maal")
    network = LearningNetwork.objects.create(
        name="Målenettverket", slug="maalenettverk", organiser=Organiser.KS
    )
    CoordinatorRole.objects.create(user=coordinator, network=network)
    municipalities = [
        Municipality.objects.create(
            name=f"Målekommune {n:03d}",
            slug=f"maal-{n:03d}",
            schema_name=f"maal_{n:03d}",
            org_number=f"9{n:08d}",
        )
        for n in range(count)
    ]
    network.municipalities.add(*municipalities)
    now = timezone.now()
    gathering = services.create_gathering(
        coordinator,
        network,
        {
            "title": "Målesamlingen",
            "starts_at": now - datetime.timedelta(hours=1),
            "ends_at": now + datetime.timedelta(days=1),
        },
    )
    grid = services.create_task(coordinator, gathering, {"title": "Analysekrysset", "kind": "grid"})
    scale = services.create_task(coordinator, gathering, {"title": "Skala", "kind": "scale"})
    for code in JoinCode.objects.filter(gathering=gathering).select_related("municipality"):
        services.submit_answer_with_code(code, grid, GRID)
        services.submit_answer_with_code(code, scale, {"value": 4})
    return {"coordinator": coordinator, "gathering": gathering, "grid": grid}


def run(count: int, repeat: int) -> dict[str, float | int]:
    import django
    from django.core.management import call_command

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samla.settings.test")
    django.setup()
    from django.conf import settings
    from django.test import Client

    started = time.perf_counter()
    call_command("upgrade", verbosity=0)
    log.info("upgrade: %.1f s", time.perf_counter() - started)
    world = build_world(count)
    client = Client(HTTP_HOST=settings.SAMLA_BASE_DOMAIN)
    client.force_login(world["coordinator"])
    live = f"/samlinger/{world['gathering'].pk}/direkte/"
    first = client.get(live, HTTP_HX_REQUEST="true")
    assert first.status_code == 200, first.status_code
    answers = first.content.decode().count('<dl class="samla-answer">')
    assert answers == 2 * count, answers
    etag = first["ETag"]
    results: dict[str, float | int] = {"municipalities": count, "repeat": repeat}
    targets = {
        "task_answers_poll": (live, {"HTTP_HX_REQUEST": "true"}),
        "task_answers_poll_unchanged": (
            live,
            {"HTTP_HX_REQUEST": "true", "HTTP_IF_NONE_MATCH": etag},
        ),
        "task_answers_api": (f"/api/tasks/{world['grid'].pk}/answers/", {}),
    }
    for name, (path, headers) in targets.items():
        figures = measure_requests(client, path, repeat, **headers)
        log.info("%s: %s", name, figures)
        results[f"{name}_ms_median"] = figures["ms_median"]
        results[f"{name}_ms_p95"] = figures["ms_p95"]
        results[f"{name}_queries"] = int(figures["queries"])
        results[f"{name}_status"] = int(figures["status"])
    return results


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--municipalities", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per target")
    args = parser.parse_args(argv)
    if args.municipalities < 1 or args.repeat < 1:
        parser.error("--municipalities and --repeat must be at least 1")
    return report_from_scratch_database(lambda: run(args.municipalities, args.repeat), decimals=2)


if __name__ == "__main__":
    sys.exit(main())
