"""Load held: 60 people at once against the production processes, with Locust.

Run from the repository root (Redis must answer; PostgreSQL as for the other benchmarks):

    .venv/bin/python benchmarks/load.py                          # 60 users, 3 minutes
    .venv/bin/python benchmarks/load.py --users 10 --run-time 20s
    CELERY_BROKER_URL=redis://127.0.0.1:6379/9 .venv/bin/python benchmarks/load.py

It works in a scratch database of its own (`samla_bench_<pid>`, on the server of
DATABASE_URL, else on the embedded PostgreSQL: `benchmarks.provision`), runs `samla
upgrade` and `samla demo_data` (eight municipalities with their seed plans, networks,
gatherings, packages and orders), then adds municipalities with a seed plan each (built
through the plan services) until the leaders fit two to a municipality (twenty for 40), a
network of them all with four gatherings and 15 coordinators, and five consultancy
members. It starts the stack as `make stack` does (`samla.stack.running_stack`: honcho
with the `Procfile`'s gunicorn, Celery worker and beat, settings `samla.settings.stack`,
production's without TLS) with the production throttles counted in Redis (`CACHE_URL`),
logs each user in once through the login page (CSRF as a browser does), and runs Locust
headless (`benchmarks/load_users.py`): `--users` people (40/15/5 leaders, coordinators and
consultancy members for 60), all started within about ten seconds, each waiting 1–3 s
between actions, for `--run-time`.

Figures (stdout, `name=value`): `load_rps`, `load_p95_ms`, `load_p99_ms` (nearest rank
over every request of the run), `load_errors` (requests that failed: a status other than
2xx/3xx, a redirect to the login page, a connection error; a 409 from two leaders editing
the same milestone at once is expected and counted in `load_conflicts`), `load_users`,
`load_duration_s`, `load_requests`, `load_writes`, `load_p50_ms`, `load_max_ms`,
`load_login_ms_median`, and two that say what the latencies are made of:
`load_web_cpu_ms_per_request` (the gunicorn processes' CPU time over the requests) and
`load_machine_load_avg` (the machine's 1-minute load average, sampled during the run: above
the core count, other work was competing for the cores). Each route's figures, the figures
per 30 s and the CPU seconds by process go to stderr, with the stack's log tail when
something failed. The scratch database is dropped and the processes stopped at the end,
also on failure or SIGTERM.
"""

from __future__ import annotations

import argparse
import datetime
import json
import logging
import os
import re
import resource
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from benchmarks.provision import (  # noqa: E402
    org_numbers,
    percentile,
    report_from_scratch_database,
)

log = logging.getLogger("benchmarks.load")

# `make stack`'s defaults: the production settings without TLS, the public host
# `localhost`, a municipality's `<slug>.localhost` (samla/settings/stack.py).
BASE_DOMAIN = "localhost"
SCHEME = "http"
SETTINGS = "samla.settings.stack"
PASSWORD = "lasttest-" + secrets.token_hex(8)
LEADERS_PER_MUNICIPALITY = 2
COORDINATORS = 15
CONSULTANTS = 5
NETWORK_SLUG = "lastnettverket"
GROUPS = ("leaders", "coordinators", "consultants")
LOCUSTFILE = REPO_ROOT / "benchmarks" / "load_users.py"
DEFAULT_BROKER = "redis://127.0.0.1:6379/9"
WINDOW_S = 30
RUN_TIME = re.compile(r"^(\d+)([smh]?)$")


def seconds(run_time: str) -> int:
    """`3m` → 180, `20s` → 20, `1h` → 3600, `45` → 45."""
    found = RUN_TIME.match(run_time.strip())
    if not found:
        raise argparse.ArgumentTypeError(f"not a run time: {run_time!r} (e.g. 3m, 20s)")
    return int(found.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600}[found.group(2)]


def user_counts(users: int) -> tuple[int, int, int]:
    """Leaders, coordinators and consultancy members: 40/15/5 of 60, at least one each."""
    coordinators = max(1, round(users * COORDINATORS / 60))
    consultants = max(1, round(users * CONSULTANTS / 60))
    leaders = users - coordinators - consultants
    if leaders < 1:
        raise argparse.ArgumentTypeError("--users must be at least 3")
    return leaders, coordinators, consultants


# The world -------------------------------------------------------------------------------


def build_world(counts: tuple[int, int, int]) -> dict[str, Any]:
    """The demo, more municipalities with a seed plan until the leaders fit two to a
    municipality (twenty for 40), and the accounts: the leaders, 15 coordinators, 5
    consultancy members.

    Returns what the simulated users need: per account its user name, host and ids; the
    leaders ordered so that the first ones are in different municipalities.
    """
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.utils import timezone
    from django_tenants.utils import tenant_context

    from billing.models import Consultancy, Package, PackageStatus
    from networks.gatherings import services as gatherings
    from networks.models import LearningNetwork, NetworkMembership, Organiser
    from samla.accounts.models import (
        ConsultancyMembership,
        CoordinatorRole,
        MunicipalityMembership,
        MunicipalityRole,
        User,
    )
    from tenants.models import Municipality
    from tenants.plans.models import Plan
    from tenants.plans.seed_plans import SEEDS, build_seed_plan
    from tenants.services import provision_municipality

    started = time.perf_counter()
    call_command("demo_data", verbosity=0, stdout=sys.stderr)
    log.info("demo data: %.1f s", time.perf_counter() - started)
    hashed = make_password(PASSWORD)  # one hash for all: hashing 55 times takes seconds
    today = timezone.localdate()

    def account(username: str, first_name: str, last_name: str) -> Any:
        user, _created = User.objects.get_or_create(
            username=username, defaults={"first_name": first_name, "last_name": last_name}
        )
        user.password = hashed
        user.save(update_fields=["password"])
        return user

    numbers = org_numbers(93_000_000)
    seeds = sorted(SEEDS)
    wanted = -(-counts[0] // LEADERS_PER_MUNICIPALITY)
    extra = max(0, wanted - Municipality.objects.without_public().count())
    for index in range(1, extra + 1):
        slug = f"lastkommune-{index:02d}"
        if Municipality.objects.filter(slug=slug).exists():
            continue
        municipality = provision_municipality(
            name=f"Lastkommune {index:02d}",
            slug=slug,
            org_number=next(numbers),
            county="Innlandet",
            number=f"{4600 + index:04d}",
        )
        leader = account(f"leder.{slug}", "Prosjektleder", municipality.name)
        MunicipalityMembership.objects.create(
            user=leader, municipality=municipality, role=MunicipalityRole.LEADER
        )
        with tenant_context(municipality):
            build_seed_plan(municipality, leader, SEEDS[seeds[index % len(seeds)]], today=today)
    log.info("municipalities with plans: %.1f s", time.perf_counter() - started)

    municipalities = list(Municipality.objects.without_public().order_by("slug"))
    leaders: list[list[dict[str, Any]]] = [[] for _ in range(LEADERS_PER_MUNICIPALITY)]
    for municipality in municipalities:
        with tenant_context(municipality):
            plans = [int(pk) for pk in Plan.objects.order_by("pk").values_list("pk", flat=True)]
        assert plans, f"{municipality.slug} has no plan"
        for number in range(1, LEADERS_PER_MUNICIPALITY + 1):
            username = f"leder.{municipality.slug}" if number == 1 else f"leder{number}."
            if number > 1:
                username += municipality.slug
            user = account(username, "Leder", municipality.name)
            MunicipalityMembership.objects.get_or_create(
                user=user, municipality=municipality, defaults={"role": MunicipalityRole.LEADER}
            )
            leaders[number - 1].append(
                {"username": username, "host": f"{municipality.slug}.{BASE_DOMAIN}", "plans": plans}
            )

    network, _created = LearningNetwork.objects.get_or_create(
        slug=NETWORK_SLUG,
        defaults={"name": "Lastnettverket", "organiser": Organiser.BOTH, "region": "Hele landet"},
    )
    NetworkMembership.objects.bulk_create(
        [NetworkMembership(network=network, municipality=m) for m in municipalities],
        ignore_conflicts=True,
    )
    ks = LearningNetwork.objects.get(slug="ks-trondelag-samhandling")
    coordinators: list[dict[str, Any]] = []
    for index in range(1, COORDINATORS + 1):
        user = account(f"koordinator.last-{index:02d}", "Koordinator", f"Lastnettverket {index}")
        CoordinatorRole.objects.get_or_create(user=user, network=network)
        networks = [network]
        if index % 3 == 0:  # every third also coordinates KS Trøndelag's network
            CoordinatorRole.objects.get_or_create(user=user, network=ks)
            networks.append(ks)
        coordinators.append(
            {
                "username": user.username,
                "host": BASE_DOMAIN,
                "networks": [{"id": n.pk, "slug": n.slug} for n in networks],
            }
        )
    first = User.objects.get(username="koordinator.last-01")
    if not network.gatherings.exists():
        now = timezone.now().replace(minute=0, second=0, microsecond=0)
        for weeks, title in (
            (-6, "Oppstart"),
            (-1, "Erfaringsdeling"),
            (3, "Samling 3"),
            (9, "Samling 4"),
        ):
            starts = now + datetime.timedelta(weeks=weeks)
            gatherings.create_gathering(
                first,
                network,
                {
                    "title": f"{title}: tverrfaglig innsats",
                    "starts_at": starts,
                    "ends_at": starts + datetime.timedelta(hours=6),
                    "place": "Gardermoen",
                    "capacity": 120,
                },
            )
    gathering_ids = {
        n.pk: [int(pk) for pk in n.gatherings.order_by("starts_at").values_list("pk", flat=True)]
        for n in (network, ks)
    }
    for coordinator in coordinators:
        for entry in coordinator["networks"]:
            entry["gatherings"] = gathering_ids[entry["id"]]

    consultancies = list(Consultancy.objects.order_by("slug"))
    assert consultancies, "the demo has no consultancy"
    consultants: list[dict[str, Any]] = []
    for index in range(CONSULTANTS):
        consultancy = consultancies[index % len(consultancies)]
        number = index // len(consultancies) + 1
        prefix = "konsulent" if number == 1 else f"konsulent{number}"
        user = account(f"{prefix}.{consultancy.slug}", "Konsulent", consultancy.name)
        ConsultancyMembership.objects.get_or_create(user=user, consultancy=consultancy)
        packages = Package.objects.filter(consultancy=consultancy, status=PackageStatus.PUBLISHED)
        consultants.append(
            {
                "username": user.username,
                "host": BASE_DOMAIN,
                "consultancy": consultancy.slug,
                "packages": [int(pk) for pk in packages.values_list("pk", flat=True)],
            }
        )
    log.info(
        "world: %s municipalities, %s leaders, %s coordinators, %s consultants (%.1f s)",
        len(municipalities),
        sum(len(rank) for rank in leaders),
        len(coordinators),
        len(consultants),
        time.perf_counter() - started,
    )
    return {
        "leaders": [entry for rank in leaders for entry in rank],
        "coordinators": coordinators,
        "consultants": consultants,
    }


# The stack -------------------------------------------------------------------------------


def stack_environment(database_url: str, broker: str, workers: int, folder: Path) -> dict[str, str]:
    """What `make stack` gives its processes (samla/stack.py), pointed at the scratch
    database and the given Redis, with the cache there too: the throttles count in Redis
    across the web processes, as in production."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "DJANGO_SECRET_KEY": os.environ["DJANGO_SECRET_KEY"],
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": broker,
        "CACHE_URL": broker,
        "WEB_CONCURRENCY": str(workers),
        "SAMLA_BEAT_SCHEDULE": str(folder / "celerybeat-schedule"),
        "LOG_FORMAT": "json",
    }


def log_in(url: str, host: str, username: str) -> tuple[dict[str, str], float]:
    """Log in through the login page as a browser does (GET the form, POST it with its CSRF
    token, the cookie and the origin; follow nothing): the session's cookies and the POST's ms.
    """
    import requests

    headers = {"Host": host, "User-Agent": "samla-load"}
    form = requests.get(f"{url}/accounts/login/", headers=headers, timeout=60)
    assert form.status_code == 200, (host, form.status_code)
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)
    assert found, "no CSRF token in the login form"
    csrf = form.cookies["csrftoken"]
    started = time.perf_counter()
    answer = requests.post(
        f"{url}/accounts/login/",
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": found.group(1)},
        headers={
            **headers,
            "Cookie": f"csrftoken={csrf}",
            "Origin": f"{SCHEME}://{host}",
            "Referer": f"{SCHEME}://{host}/accounts/login/",
        },
        allow_redirects=False,
        timeout=60,
    )
    elapsed = (time.perf_counter() - started) * 1000
    if answer.status_code != 302 or "sessionid" not in answer.cookies:
        raise RuntimeError(f"{username} could not log in on {host}: {answer.status_code}")
    cookies = {
        "sessionid": answer.cookies["sessionid"],
        "csrftoken": answer.cookies.get("csrftoken") or csrf,
    }
    return cookies, elapsed


def log_in_all(url: str, accounts: list[dict[str, Any]]) -> list[float]:
    """Each account logged in once (three at a time, as the web has three workers); each
    gets its `cookies`. The POSTs' milliseconds."""
    from concurrent.futures import ThreadPoolExecutor

    def one(entry: dict[str, Any]) -> float:
        entry["cookies"], elapsed = log_in(url, entry["host"], entry["username"])
        return elapsed

    with ThreadPoolExecutor(max_workers=3) as pool:
        return list(pool.map(one, accounts))


# The run ---------------------------------------------------------------------------------


def run_locust(
    url: str, world_path: Path, results_path: Path, counts: tuple[int, int, int], run_time: int
) -> None:
    users = sum(counts)
    env = {
        **os.environ,
        "SAMLA_LOAD_WORLD": str(world_path),
        "SAMLA_LOAD_RESULTS": str(results_path),
        "SAMLA_LOAD_LEADERS": str(counts[0]),
        "SAMLA_LOAD_COORDINATORS": str(counts[1]),
        "SAMLA_LOAD_CONSULTANTS": str(counts[2]),
    }
    locust = Path(sys.executable).parent / "locust"
    command = [
        str(locust), "-f", str(LOCUSTFILE), "--headless",
        "--host", url,
        "--users", str(users), "--spawn-rate", f"{max(1.0, users / 10):g}",
        "--run-time", f"{run_time}s", "--stop-timeout", "10",
        "--only-summary", "--loglevel", "WARNING",
    ]  # fmt: skip
    log.info("locust: %s users for %s s", users, run_time)
    # Locust's tables go to stderr too: stdout is for the figures.
    completed = subprocess.run(
        command, cwd=REPO_ROOT, env=env, stdout=sys.stderr, stderr=sys.stderr, check=False
    )
    # Locust exits 1 when a request failed: the figures say so; anything else is a crash.
    if completed.returncode not in (0, 1) or not results_path.exists():
        raise RuntimeError(f"locust exited with {completed.returncode}")


def summarise(results: dict[str, Any], users: int, logins: list[float]) -> dict[str, float | int]:
    """The figures from every request's sample, and each route's line on stderr."""
    samples = results["samples"]  # [name, method, ms, outcome, started] per request
    durations = [sample[2] for sample in samples]
    assert durations, "no request was made"
    errors = [sample for sample in samples if sample[3] == "error"]
    by_route: dict[str, list[float]] = defaultdict(list)
    failed: dict[str, int] = defaultdict(int)
    for name, method, ms, outcome, _at in samples:
        by_route[f"{method} {name}"].append(ms)
        failed[f"{method} {name}"] += outcome == "error"
    log.info("%-60s %6s %8s %8s %8s %6s", "route", "count", "median", "p95", "max", "failed")
    for route, values in sorted(by_route.items(), key=lambda item: -percentile(item[1], 0.95)):
        log.info(
            "%-60s %6d %8.1f %8.1f %8.1f %6d",
            route,
            len(values),
            statistics.median(values),
            percentile(values, 0.95),
            max(values),
            failed[route],
        )
    started = float(results["started"])
    windows: dict[int, list[float]] = defaultdict(list)
    for sample in samples:
        windows[int((sample[4] - started) // WINDOW_S)].append(sample[2])
    for window, values in sorted(windows.items()):
        log.info(
            "%4d–%4d s: %5d requests, median %6.1f ms, p95 %6.1f ms",
            window * WINDOW_S,
            (window + 1) * WINDOW_S,
            len(values),
            statistics.median(values),
            percentile(values, 0.95),
        )
    for message in results.get("error_messages", [])[:20]:
        log.warning("failed: %s", message)
    duration = float(results["stopped"]) - float(results["started"])
    return {
        "load_users": users,
        "load_duration_s": duration,
        "load_requests": len(durations),
        "load_rps": len(durations) / duration,
        "load_p50_ms": statistics.median(durations),
        "load_p95_ms": percentile(durations, 0.95),
        "load_p99_ms": percentile(durations, 0.99),
        "load_max_ms": max(durations),
        "load_errors": len(errors),
        "load_conflicts": sum(1 for sample in samples if sample[3] == "conflict"),
        "load_writes": sum(1 for sample in samples if sample[1] != "GET"),
        "load_login_ms_median": statistics.median(logins),
    }


class Monitor:
    """Samples, every two seconds while Locust runs, the CPU seconds of each of the stack's
    processes (gunicorn, the Celery worker, beat, the rest; a gunicorn worker replaced after
    its `--max-requests` keeps what it used until its last sample) and the machine's load
    average: where the cores went, and how busy the machine was with other work."""

    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        self.process = process
        self.first: dict[int, float] = {}
        self.last: dict[int, tuple[str, float]] = {}
        self.load: list[float] = []
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._loop, daemon=True)

    def _sample(self) -> None:
        import psutil

        self.load.append(os.getloadavg()[0])
        try:
            root = psutil.Process(self.process.pid)
            tree = [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return
        for member in tree:
            try:
                line = " ".join(member.cmdline())
                times = member.cpu_times()
            except psutil.Error:
                continue
            kinds = ("gunicorn", "worker", "beat", "honcho")
            kind = next((k for k in kinds if k in line), "other")
            total = times.user + times.system
            self.first.setdefault(member.pid, total)
            self.last[member.pid] = (kind, total)

    def _loop(self) -> None:
        while not self.stopped.wait(2.0):
            self._sample()

    def __enter__(self) -> Monitor:
        self._sample()
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopped.set()
        self.thread.join()
        self._sample()

    def cpu(self) -> dict[str, float]:
        used: dict[str, float] = defaultdict(float)
        for pid, (kind, total) in self.last.items():
            used[kind] += total - self.first[pid]
        return dict(used)


def run(users: int, run_time: int, broker: str, workers: int) -> dict[str, float | int]:
    import django
    from django.core.management import call_command

    from samla.stack import running_stack

    database_url = os.environ["DATABASE_URL"]
    # The world is built with the settings the stack runs (password hashes, hosts), with
    # its tasks (roll-up refreshes) run here as they are sent: no broker in this process.
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
    os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
    os.environ["CACHE_URL"] = broker
    for name in ("CELERY_BROKER_URL", "SAMLA_BASE_DOMAIN", "SAMLA_ALIAS_DOMAINS", "PORT"):
        os.environ.pop(name, None)
    django.setup()
    from django.db import connections

    logging.getLogger("celery.app.trace").setLevel(logging.WARNING)  # a line per refresh

    started = time.perf_counter()
    call_command("upgrade", verbosity=0)
    log.info("upgrade: %.1f s", time.perf_counter() - started)
    counts = user_counts(users)
    world = build_world(counts)
    connections.close_all()

    with tempfile.TemporaryDirectory(prefix="samla-load-") as scratch:
        folder = Path(scratch)
        log_path = folder / "stack.log"
        env = stack_environment(database_url, broker, workers, folder)
        try:
            started = time.perf_counter()
            with running_stack(env, log_path) as running:
                log.info("stack up in %.1f s on %s", time.perf_counter() - started, running.url)
                accounts = [
                    entry
                    for group, count in zip(GROUPS, counts, strict=True)
                    for entry in world[group][:count]
                ]
                logins = log_in_all(running.url, accounts)
                log.info(
                    "logged in %s users, median %.0f ms", len(logins), statistics.median(logins)
                )
                world_path = folder / "world.json"
                world_path.write_text(json.dumps({**world, "scheme": SCHEME}))
                results_path = folder / "results.json"
                children = resource.getrusage(resource.RUSAGE_CHILDREN)
                with Monitor(running.process) as monitor:
                    run_locust(running.url, world_path, results_path, counts, run_time)
                done = resource.getrusage(resource.RUSAGE_CHILDREN)
                used = monitor.cpu()
                used["locust"] = (done.ru_utime + done.ru_stime) - (
                    children.ru_utime + children.ru_stime
                )
                log.info(
                    "CPU seconds during the run (%s s, %s cores: %s available): %s",
                    run_time,
                    os.cpu_count(),
                    (os.cpu_count() or 1) * run_time,
                    ", ".join(f"{kind} {value:.1f}" for kind, value in sorted(used.items())),
                )
            results = json.loads(results_path.read_text())
            figures = summarise(results, users, logins)
            figures["load_web_cpu_ms_per_request"] = (
                used.get("gunicorn", 0.0) * 1000 / figures["load_requests"]
            )
            figures["load_machine_load_avg"] = statistics.mean(monitor.load)
        except BaseException:
            _show_log_tail(log_path)
            raise
        if figures["load_errors"]:
            _show_log_tail(log_path)
    return figures


def _show_log_tail(log_path: Path, lines: int = 60) -> None:
    if log_path.exists():
        tail = log_path.read_text(errors="replace").splitlines()[-lines:]
        log.warning("the stack's last log lines:\n%s", "\n".join(tail))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=60, help="simulated people (40/15/5 of 60)")
    parser.add_argument("--run-time", type=seconds, default="3m", help="e.g. 3m, 20s")
    parser.add_argument(
        "--broker",
        default=os.environ.get("CELERY_BROKER_URL") or DEFAULT_BROKER,
        help="Redis for the broker and the cache (default CELERY_BROKER_URL, else "
        f"{DEFAULT_BROKER})",
    )
    parser.add_argument(
        "--web-concurrency", type=int, default=3, help="gunicorn workers (WEB_CONCURRENCY)"
    )
    parser.add_argument(
        "--keep",
        metavar="DATABASE",
        help="build the world in this database and keep it; a later run with the same name "
        "reuses it (drop it with dropdb when done)",
    )
    args = parser.parse_args(argv)
    try:
        user_counts(args.users)
    except argparse.ArgumentTypeError as error:
        parser.error(str(error))
    if args.run_time < 5:
        parser.error("--run-time must be at least 5 s")
    if urlsplit(args.broker).scheme not in ("redis", "rediss"):
        parser.error("--broker must be a redis:// URL")
    return report_from_scratch_database(
        lambda: run(args.users, args.run_time, args.broker, args.web_concurrency),
        decimals=2,
        keep=args.keep,
    )


if __name__ == "__main__":
    sys.exit(main())
