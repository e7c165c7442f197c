"""What the shared content costs: a programme page, the workspace's tools, a search.

Run from the repository root:

    .venv/bin/python benchmarks/cms.py                        # 500 pages, 30 requests each
    .venv/bin/python benchmarks/cms.py --pages 60 --repeat 5

It works in a scratch database of its own (`samla_bench_<pid>`, see benchmarks/provision.py),
runs `samla upgrade`, provisions one municipality with a leader, makes one network with the
municipality as its member, its network page, a gathering with a programme page of 12
sessions over two days, a tool index with tool pages, and content pages under the network
page (every tenth members-only) until the tree holds `--pages` pages. Then, in-process with
Django's test client (after three warm-up requests), it times:

- `programme_page_ms_median`: the programme page on the public host, as the leader;
- `workspace_tools_ms_median`: the "Verktøy" page (`/verktoy/`) on the municipality's host;
- `search_ms_median`: `/sok/?q=samlingen` on the public host as the leader, a word every
  content page holds (so the query runs over all of them; a page of results is shown);

each with its query count (`_queries`). Targets: each at most 60 ms median, query counts
that do not grow with the number of pages. Only `name=value` lines go to stdout.
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

from benchmarks.provision import (  # noqa: E402
    measure_requests,
    org_numbers,
    report_from_scratch_database,
)

log = logging.getLogger("benchmarks.cms")
SESSIONS = 12
TOOLS = 6


def build_world(pages: int) -> dict[str, Any]:
    from django.db import connection
    from django.utils import timezone

    from cms.models import (
        ContentPage,
        GatheringProgrammePage,
        NetworkPage,
        ToolIndexPage,
        ToolPage,
    )
    from cms.services import ensure_home_page
    from networks.gatherings.models import Gathering
    from networks.models import LearningNetwork, Organiser
    from samla.accounts.models import MunicipalityMembership, MunicipalityRole, User
    from tenants.services import provision_municipality

    municipality = provision_municipality(
        name="Målekommune", slug="maalekommune", org_number=next(org_numbers()), number="1999"
    )
    leader = User.objects.create_user(username="leder.maalekommune")
    MunicipalityMembership.objects.create(
        user=leader, municipality=municipality, role=MunicipalityRole.LEADER
    )
    network = LearningNetwork.objects.create(
        name="Målenettverket", slug="maalenettverk", organiser=Organiser.KS
    )
    network.municipalities.add(municipality)
    home = ensure_home_page()
    network_page = home.add_child(instance=NetworkPage(title="Målenettverket", network=network))
    first = timezone.localdate() + datetime.timedelta(days=30)
    gathering = Gathering.objects.create(
        network=network,
        title="Målesamlingen",
        starts_at=timezone.make_aware(datetime.datetime.combine(first, datetime.time(9))),
        ends_at=timezone.make_aware(
            datetime.datetime.combine(first + datetime.timedelta(days=1), datetime.time(15))
        ),
    )
    sessions = []
    for n in range(SESSIONS):
        day = first + datetime.timedelta(days=n // 6)
        hour = 9 + n % 6
        sessions.append(
            (
                "session",
                {
                    "day": day,
                    "start": datetime.time(hour),
                    "end": datetime.time(hour, 45),
                    "title": f"Økt {n + 1}: samhandling rundt barn og unge",
                    "speaker": "Innleder",
                    "kind": "talk" if n % 4 else "plenary",
                    "description": "<p>Erfaringer fra kommunene i nettverket.</p>",
                    "materials": [],
                },
            )
        )
    programme = network_page.add_child(
        instance=GatheringProgrammePage(
            title="Program for Målesamlingen", gathering=gathering, programme=sessions
        )
    )
    tools = home.add_child(instance=ToolIndexPage(title="Verktøy"))
    for n in range(TOOLS):
        tools.add_child(
            instance=ToolPage(title=f"Verktøy {n + 1}", intro="<p>Maler og skjema.</p>")
        )
    made = 4 + TOOLS  # home, network page, programme, tool index, the tools
    started = time.perf_counter()
    for n in range(max(pages - made, 0)):
        network_page.add_child(
            instance=ContentPage(
                title=f"Notat {n + 1} fra nettverket",
                intro=f"<p>Samlingene i nettverket, notat nummer {n + 1}.</p>",
                members_only=n % 10 == 0,
            )
        )
        if (n + 1) % 100 == 0:
            log.info("%s content pages: %.0f s", n + 1, time.perf_counter() - started)
    # Statistics as autovacuum would leave them: without them the planner expects one
    # search-index row and joins the index to the pages by nested loop (63 ms at 500 pages
    # instead of a few), a cost of a freshly loaded table, not of a running site.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"municipality": municipality, "leader": leader, "programme": programme}


def run(pages: int, repeat: int) -> dict[str, float | int]:
    import django
    from django.core.management import call_command

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samla.settings.test")
    django.setup()
    from django.conf import settings
    from django.test import Client

    from cms.models import HomePage
    from samla.urls_helpers import municipality_host

    started = time.perf_counter()
    call_command("upgrade", verbosity=0)
    log.info("upgrade: %.1f s", time.perf_counter() - started)
    world = build_world(pages)
    from wagtail.models import Page

    results: dict[str, float | int] = {"pages": Page.objects.filter(depth__gt=1).count()}
    results["repeat"] = repeat
    public = Client(HTTP_HOST=settings.SAMLA_BASE_DOMAIN)
    public.force_login(world["leader"])
    home_path = HomePage.objects.get().url_path
    programme_path = "/innhold/" + world["programme"].url_path[len(home_path) :]
    workspace = Client(HTTP_HOST=municipality_host(world["municipality"].slug))
    workspace.force_login(world["leader"])
    targets: dict[str, tuple[Any, str]] = {
        "programme_page": (public, programme_path),
        "workspace_tools": (workspace, "/verktoy/"),
        "search": (public, "/sok/?q=samlingen"),
    }
    for name, (client, path) in targets.items():
        figures = measure_requests(client, path, repeat)
        log.info("%s %s: %s", name, path, figures)
        assert figures["status"] == 200, (name, figures["status"])
        results[f"{name}_ms_median"] = figures["ms_median"]
        results[f"{name}_ms_p95"] = figures["ms_p95"]
        results[f"{name}_queries"] = int(figures["queries"])
    return results


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=500, help="pages in the tree in all")
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per target")
    args = parser.parse_args(argv)
    if args.pages < 1 or args.repeat < 1:
        parser.error("--pages and --repeat must be at least 1")
    return report_from_scratch_database(lambda: run(args.pages, args.repeat), decimals=2)


if __name__ == "__main__":
    sys.exit(main())
