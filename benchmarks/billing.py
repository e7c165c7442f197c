"""What billing costs: the package catalogue (orders, invoices and webhooks come later).

Run from the repository root:

    .venv/bin/python benchmarks/billing.py                     # 100 packages, 30 requests
    .venv/bin/python benchmarks/billing.py --packages 20 --repeat 5

It works in a scratch database of its own (`samla_bench_<pid>`, see benchmarks/provision.py),
runs `samla upgrade`, makes four consultancies with a member each and `--packages`
published packages of 12 items spread over them (through `billing.services.packages`), and
a user of no consultancy. Then, in-process with Django's test client on the public host
(after three warm-up requests), it times as that user:

- `catalogue_ms_median`: `GET /api/packages/?page_size=500`, every package with its items
  and totals (net, VAT, gross per item and package);
- `catalogue_page_ms_median`: the catalogue page `/pakker/`;

each with its query count (`_queries`), which must not grow with the number of packages.
Target: the catalogue at most 60 ms median. `webhook_ms_median` and `invoice_build_ms`
(issue #11) are printed once orders and Stripe exist. Only `name=value` lines go to stdout.
"""

from __future__ import annotations

import argparse
import os
import sys
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

CONSULTANCIES = 4
KINDS = (
    "training_day",
    "leadership_gathering",
    "all_leaders_gathering",
    "network_leader_supervision",
    "website",
    "print",
)


def build_world(packages: int) -> dict[str, Any]:
    from billing.models import Consultancy
    from billing.services import packages as services
    from samla.accounts.models import ConsultancyMembership, User

    numbers = org_numbers(98_000_000)
    members = []
    for index in range(CONSULTANCIES):
        consultancy = Consultancy.objects.create(
            name=f"Konsulent {index + 1}", slug=f"konsulent-{index + 1}", org_number=next(numbers)
        )
        member = User.objects.create_user(username=f"konsulent.{index + 1}")
        ConsultancyMembership.objects.create(user=member, consultancy=consultancy)
        members.append((member, consultancy))
    for number in range(packages):
        member, consultancy = members[number % CONSULTANCIES]
        items = [
            {
                "kind": KINDS[line % len(KINDS)],
                "quantity": str(1 + line % 3),
                "unit_price": f"{12500 + 37 * line}.50",
                "schedule_week": 1 + line * 4,
            }
            for line in range(12)
        ]
        package = services.create_package(
            member,
            consultancy,
            {"title": f"Programpakke {number + 1}", "duration_weeks": 52, "items": items},
        )
        services.publish_package(member, package, version=package.version)
    reader = User.objects.create_user(username="leser")
    return {"reader": reader}


def run(packages: int, repeat: int) -> dict[str, float | int]:
    import django
    from django.core.management import call_command

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samla.settings.test")
    django.setup()
    from django.conf import settings
    from django.test import Client

    call_command("upgrade", verbosity=0)
    world = build_world(packages)
    client = Client(HTTP_HOST=settings.SAMLA_BASE_DOMAIN)
    client.force_login(world["reader"])
    results: dict[str, float | int] = {"packages": packages, "repeat": repeat}
    targets = {
        "catalogue": "/api/packages/?page_size=500",
        "catalogue_page": "/pakker/",
    }
    for name, path in targets.items():
        figures = measure_requests(client, path, repeat)
        assert figures["status"] == 200, (name, figures["status"])
        results[f"{name}_ms_median"] = figures["ms_median"]
        results[f"{name}_ms_p95"] = figures["ms_p95"]
        results[f"{name}_queries"] = int(figures["queries"])
    return results


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--packages", type=int, default=100, help="published packages")
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per target")
    args = parser.parse_args(argv)
    if args.packages < 1 or args.repeat < 1:
        parser.error("--packages and --repeat must be at least 1")
    return report_from_scratch_database(lambda: run(args.packages, args.repeat), decimals=2)


if __name__ == "__main__":
    sys.exit(main())
