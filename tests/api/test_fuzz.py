"""The API keeps its contract under generated input: schemathesis against both hosts' schemas.

A scratch municipality is provisioned (the demo data and the seed municipalities are never
what the fuzzer mutates), seeded with plans that have rows of every part, and Samla is
started with gunicorn on a free port, pointed at the test database, with its throttles and
login lockout raised. Schemathesis then reads each host's `/api/schema/` and calls every
operation in it, with a fixed seed and a time budget: the municipality host as the
municipality's leader, the public host as a network coordinator and as a consultancy
member. So a new endpoint is fuzzed as soon as it is in a schema.

It fails on any failure of the four checks, and on any operation that never once answered
2xx across its host's runs (an operation only ever answered 401/404 has not been tested).
Token revocation is left out: it would revoke the token the run uses. How to run and
reproduce it: docs/api-fuzzing.md.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shlex
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pytest

from tenants.db import connection
from tests.gates import unavailable
from tests.numbers import org_number

pytestmark = pytest.mark.fuzz

SEED = 20_260_601
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
)
PHASES = "examples,coverage,fuzzing"
# Revoking the run's own token would answer 401 to everything after it.
EXCLUDED_PATHS = r"revoke"
# Actions after which a row is closed for updates (see real_examples).
CLOSING_ACTIONS = ("/cancel/", "/complete/")
THROTTLE = "100000/min"

HERE = Path(__file__).resolve().parent
HOOKS = HERE / "fuzz_hooks.py"
REPO = HERE.parent.parent
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")


@dataclass(frozen=True)
class Run:
    """One schemathesis run: which host, as whom, and its share of the budget."""

    name: str
    host: str  # "municipality" or "public"
    who: str  # key into World.tokens
    max_time: int  # seconds
    # "main": everything but deletes of a parent resource; "deletes": only those, last.
    stage: str = "main"
    # A regex of the only paths this run fuzzes (empty: all).
    paths: str = ""


# The budget: at most four minutes of fuzzing for all runs together. A run stops at its
# time or when every operation has had MAX_EXAMPLES cases per phase, whichever comes first.
MAX_EXAMPLES = 30
RUNS = (
    Run("leader", "municipality", "leader", max_time=135),
    # A reader: every change must be refused (403), never a server error.
    Run("viewer", "municipality", "viewer", max_time=15),
    Run("leader-deletes", "municipality", "leader", max_time=12, stage="deletes"),
    # A municipality's leader on the public host: registers and answers at a gathering
    # (before the coordinator's run, which may close the task).
    Run("member", "public", "leader", max_time=20),
    Run("coordinator", "public", "coordinator", max_time=30),
    Run("consultant", "public", "consultant", max_time=20),
    Run("coordinator-deletes", "public", "coordinator", max_time=10, stage="deletes"),
    # A platform operator, only where operators alone act (everything else they may do is
    # what a coordinator or a consultancy's member does, fuzzed above).
    Run("operator", "public", "operator", max_time=8, paths=r"^/api/licences/"),
)
# How often a path parameter takes a real id rather than a generated one.
REAL_ID_PROBABILITY = 0.8


@pytest.fixture(scope="module", autouse=True)
def _schemathesis_installed() -> None:
    if not SCHEMATHESIS.exists():
        unavailable(f"{SCHEMATHESIS} is missing: install the dev extras (pip install -e '.[dev]')")


# The world the fuzzer works in -------------------------------------------------------------


def _start_ids_high(schema: str) -> None:
    """Start every id in the scratch schema at 100 001: generated ids (0, 1, 5 …) then name
    no real row, so a generated request cannot take a row kept for another operation."""
    with connection.cursor() as cursor:
        cursor.execute(
            # pg_sequences also lists identity columns' sequences (information_schema does not)
            "SELECT sequencename FROM pg_sequences WHERE schemaname = %s",
            [schema],
        )
        for (name,) in cursor.fetchall():
            cursor.execute("SELECT setval(%s, 100000)", [f'"{schema}"."{name}"'])


def _start_billing_ids_high() -> None:
    """Billing's tables are in the public schema, shared with the whole test session: their
    ids start at 100 001 from here on (never lower), for the same reason as above."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(format('%I.%I', schemaname, sequencename),"
            " GREATEST(100000, COALESCE(last_value, 0)))"
            " FROM pg_sequences WHERE schemaname = 'public' AND sequencename LIKE 'billing\\_%'"
        )


@dataclass
class World:
    slug: str
    tokens: dict[str, str]
    credentials: dict[str, str]  # a real user name and password, for the token endpoint
    # Path parameter values to use instead of discovering them: the plan the runs work in.
    pinned: dict[str, list[int]] = field(default_factory=dict)
    # Rows kept for the deletes run, by the path that deletes them (the bare plan, a draft
    # report that the main run's `submit/` would otherwise have frozen): the main runs
    # never get their ids from the lists.
    reserved: dict[str, list[int]] = field(default_factory=dict)
    # Requests the examples phase sends first (operation label → cases), for operations no
    # generated input can pass: adding a member needs a real municipality that is not one.
    examples: dict[str, list[dict]] = field(default_factory=dict)
    # Makes fresh rows for a host's deletes run and answers where they are reserved: the
    # main run may have frozen the ones made at the start (a report submitted, say).
    fresh_deletes: Callable[[str], dict[str, list[int]]] = lambda host: {}
    # Puts back what a host's runs need that the other host's runs may have ended: the
    # municipality's membership of the network, which a generated id can leave.
    before_host: Callable[[str], None] = lambda host: None


def _seed_plans(municipality, leader) -> tuple[int, int, int, list[int]]:
    """The plan the runs work in, the plan there to be deleted, a draft to delete, and
    drafts that are never submitted (so that their updates can answer 2xx); committed.

    The first is the Nesseby seed (a row of every part), dated around today, with a draft
    status report besides its submitted one and a deleted risk that can be restored.
    """
    import datetime

    from django.utils import timezone

    from tenants.plans import services
    from tenants.plans.seed_plans import SEEDS, build_seed_plan

    today = timezone.localdate()
    plan = build_seed_plan(municipality, leader, SEEDS["nesseby"], today=today)
    kept = [
        services.create_status_report(
            municipality,
            plan,
            leader,
            {"date": today - datetime.timedelta(days=days), "summary": "Utkast."},
        ).pk
        for days in (1, 2, 3)
    ]
    services.create_status_report(  # a draft that submitting may freeze
        municipality,
        plan,
        leader,
        {"date": today - datetime.timedelta(days=4), "summary": "Til innsending."},
    )
    gone = services.create_risk(
        municipality, plan, leader, {"title": "Lav oppslutning", "likelihood": 2, "consequence": 2}
    )
    services.delete_risk(municipality, gone, leader)
    doomed, draft = _rows_to_delete(municipality, leader, plan)
    return plan.pk, doomed, draft, kept


def _plan_action_examples(municipality, leader, plan_id: int) -> dict[str, list[dict]]:
    """A valid request for each plan action whose 2xx needs every field right at once and a
    row in the right state, so that no operation's 2xx depends on what a run's share of
    generated bodies hits (with every app's operations in the run, each gets few): moving
    the pinned plan's start by a week (its version read just before, by the hook), approving
    a draft plan of its own, and restoring the risk `_seed_plans` deleted."""
    import datetime

    from django.utils import timezone

    from tenants.plans import services
    from tenants.plans.models import Change, ChangeAction, Plan

    plan = Plan.objects.get(pk=plan_id)
    today = timezone.localdate()
    draft = services.create_plan(
        municipality,
        leader,
        {
            "title": "Plan til godkjenning",
            "start": today,
            "end": today + datetime.timedelta(days=365),
        },
    )
    deleted = Change.objects.filter(
        plan_id=plan_id, object_type="risk", action=ChangeAction.DELETE
    ).latest("id")
    return {
        "POST /api/plans/{plan_id}/move-start/": [
            {
                "path_parameters": {"plan_id": plan_id},
                "body": {
                    "start": (plan.start + datetime.timedelta(days=7)).isoformat(),
                    "__samla_current_version_of__": f"/api/plans/{plan_id}/",
                },
            }
        ],
        "POST /api/plans/{plan_id}/approve/": [
            {
                "path_parameters": {"plan_id": draft.pk},
                "body": {"approved_on": today.isoformat(), "approved_by": "Styringsgruppa"},
            }
        ],
        "POST /api/plans/{plan_id}/history/{change_id}/restore/": [
            {"path_parameters": {"plan_id": plan_id, "change_id": deleted.pk}}
        ],
    }


def _rows_to_delete(municipality, leader, plan) -> tuple[int, int]:
    """A bare plan and a draft report, there to be deleted by the deletes run."""
    import datetime

    from django.utils import timezone

    from tenants.plans import services

    today = timezone.localdate()
    draft = services.create_status_report(
        municipality, plan, leader, {"date": today, "summary": "Utkast som skal slettes."}
    )
    doomed = services.create_plan(
        municipality,
        leader,
        {
            "title": "Plan som skal slettes",
            "start": today,
            "end": today + datetime.timedelta(days=365),
        },
    )
    return doomed.pk, draft.pk


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker) -> Iterator[World]:
    """A scratch municipality, its plans and three users with tokens, committed; then removed."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.contrib.sessions.models import Session
    from django.utils import timezone
    from django_tenants.utils import tenant_context
    from knox.models import AuthToken

    from billing.models import Consultancy
    from networks.models import LearningNetwork, NetworkMembership, Organiser
    from samla.accounts.models import (
        ConsultancyMembership,
        CoordinatorRole,
        MunicipalityMembership,
        MunicipalityRole,
        PlatformOperator,
        User,
    )
    from tenants.models import Municipality
    from tenants.services import provision_municipality
    from tests.billing.licence_world import make_fuzz_licences, remove_fuzz_billing
    from tests.billing.world import fresh_package, make_fuzz_packages
    from tests.gatherings.world import make_fuzz_gatherings
    from tests.library.world import make_fuzz_library
    from tests.plantemplates.world import make_fuzz_templates
    from tests.routines.world import make_fuzz_routines

    suffix = secrets.token_hex(3)
    slug = f"fuzz-{suffix}"
    password = secrets.token_urlsafe(16)
    started = timezone.now()
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        sessions_before = set(Session.objects.values_list("session_key", flat=True))
    try:
        with django_db_blocker.unblock():
            municipality = provision_municipality(
                name=f"Fuzz {suffix}", slug=slug, org_number=org_number()
            )
            _start_ids_high(municipality.schema_name)
            users = {
                who: User.objects.create_user(username=f"fuzz-{suffix}.{who}", password=password)
                for who in ("leader", "viewer", "coordinator", "consultant", "operator")
            }
            # Without the signals: an operator's save syncs Wagtail's operators group
            # (samla.cms), which would outlive the world. Removed the same way, below.
            PlatformOperator.objects.bulk_create([PlatformOperator(user=users["operator"])])
            MunicipalityMembership.objects.create(
                user=users["leader"], municipality=municipality, role=MunicipalityRole.LEADER
            )
            MunicipalityMembership.objects.create(
                user=users["viewer"], municipality=municipality, role=MunicipalityRole.VIEWER
            )
            network = LearningNetwork.objects.create(
                name=f"Fuzz-nettverk {suffix}", slug=slug, organiser=Organiser.KS
            )
            network.municipalities.add(municipality)
            CoordinatorRole.objects.create(user=users["coordinator"], network=network)
            gatherings = make_fuzz_gatherings(users["coordinator"], network)
            # A second network, for the leader to leave (`…/leave/` on the other is
            # reserved), and a second municipality, for the coordinator to add.
            left = LearningNetwork.objects.create(
                name=f"Fuzz-nettverk 2 {suffix}", slug=f"{slug}-2", organiser=Organiser.BOTH
            )
            left.municipalities.add(municipality)
            # The membership the runs keep gets the higher id (generated ids are often 1).
            NetworkMembership.objects.filter(network=network).delete()
            network.municipalities.add(municipality)
            memberships = {
                row.network_id: row.pk
                for row in NetworkMembership.objects.filter(municipality=municipality)
            }
            newcomer = provision_municipality(
                name=f"Fuzz {suffix} B", slug=f"{slug}-b", org_number=org_number()
            )
            # A member for the coordinator to remove (the runs' own municipality is kept).
            leaver = provision_municipality(
                name=f"Fuzz {suffix} C", slug=f"{slug}-c", org_number=org_number()
            )
            network.municipalities.add(leaver)
            indicator = _fuzz_indicator(municipality, suffix)
            _start_billing_ids_high()
            consultancy = Consultancy.objects.create(
                name=f"Fuzz konsulent {suffix}", slug=slug, org_number=org_number()
            )
            ConsultancyMembership.objects.create(user=users["consultant"], consultancy=consultancy)
            # The public deletes run (as the coordinator) deletes a package too.
            ConsultancyMembership.objects.create(user=users["coordinator"], consultancy=consultancy)
            packages = make_fuzz_packages(users["consultant"], consultancy)
            licences = make_fuzz_licences(users["operator"], leaver, newcomer)
            tokens = {who: AuthToken.objects.create(user)[1] for who, user in users.items()}
            with tenant_context(municipality):
                plan, doomed, draft, kept = _seed_plans(municipality, users["leader"])
                plan_actions = _plan_action_examples(municipality, users["leader"], plan)
                routines = make_fuzz_routines(municipality, users["leader"])
            connection.set_schema_to_public()
            templates = make_fuzz_templates(
                users["coordinator"], users["leader"], network, municipality
            )
            # The network's routine library: the member `leaver` shares, the runs adopt.
            source_leader = User.objects.create_user(
                username=f"fuzz-{suffix}.kilde", password=password
            )
            MunicipalityMembership.objects.create(
                user=source_leader, municipality=leaver, role=MunicipalityRole.LEADER
            )
            library = make_fuzz_library(
                network, leaver, source_leader, municipality, users["leader"]
            )

        invoiced_orders = [
            case["path_parameters"]["pk"]
            for case in packages["examples"].get("POST /api/orders/{pk}/invoices/", [])
        ]

        def fresh_deletes(host: str) -> dict[str, list[int]]:
            if host != "municipality":
                with django_db_blocker.unblock():
                    return {
                        "/api/packages/{pk}/": [fresh_package(consultancy, users["consultant"])]
                    }
            made: list[int] = []

            def make() -> None:
                # A connection of its own, so the rows commit: the test body runs inside a
                # transaction that is rolled back, and would hold the plan's row lock.
                from django.db import connections

                from tenants.plans.models import Plan

                try:
                    with tenant_context(municipality):
                        made.extend(
                            _rows_to_delete(
                                municipality, users["leader"], Plan.objects.get(pk=plan)
                            )
                        )
                finally:
                    connections.close_all()

            with django_db_blocker.unblock():
                maker = threading.Thread(target=make)
                maker.start()
                maker.join()
            doomed, draft = made
            return {
                "/api/plans/{plan_id}/": [doomed],
                "/api/plans/{plan_id}/status-reports/{pk}/": [draft],
            }

        def before_host(host: str) -> None:
            def rejoin() -> None:
                from django.db import connections

                try:
                    current = NetworkMembership.objects.current()
                    if not current.filter(network=network, municipality=municipality).exists():
                        NetworkMembership.objects.create(network=network, municipality=municipality)
                finally:
                    connections.close_all()

            with django_db_blocker.unblock():  # committed, on a connection of its own
                joiner = threading.Thread(target=rejoin)
                joiner.start()
                joiner.join()

        yield World(
            slug=slug,
            fresh_deletes=fresh_deletes,
            before_host=before_host,
            tokens=tokens,
            credentials={"username": users["coordinator"].username, "password": password},
            pinned={"plan_id": [plan], **gatherings["pinned"]},
            reserved={
                **gatherings["reserved"],
                **routines["reserved"],
                # The order whose month is invoiced stays open for that example: never
                # cancelled or completed by another operation taking its id from a list.
                "/api/orders/{pk}/cancel/": invoiced_orders,
                "/api/orders/{pk}/complete/": invoiced_orders,
                "/api/plans/{plan_id}/": [doomed],
                "/api/plans/{plan_id}/status-reports/{pk}/": [draft],
                "/api/plans/{plan_id}/status-reports/{pk}/submit/": kept,
                "/api/network-memberships/{membership_id}/leave/": [memberships[network.pk]],
                "/api/networks/{network_id}/members/{municipality_id}/": [municipality.pk],
            },
            examples={
                **gatherings["examples"],
                # Two plan actions whose every field must be right at once: a plan from a
                # blueprint, and moving the pinned plan's start by a week (its version read
                # just before, by the hook).
                "POST /api/plans/from-template/": [
                    {
                        "body": {
                            "template": "ks-prosjektplan",
                            "title": f"Fuzz fra mal {suffix}",
                            "start": timezone.localdate().isoformat(),
                        }
                    }
                ],
                **plan_actions,
                "DELETE /api/networks/{network_id}/members/{municipality_id}/": [
                    {"path_parameters": {"network_id": network.pk, "municipality_id": leaver.pk}}
                ],
                "POST /api/networks/{network_id}/members/": [
                    {
                        "body": {"municipality": newcomer.pk},
                        "path_parameters": {"network_id": network.pk},
                    }
                ],
                **_indicator_examples(indicator, municipality, network),
                **templates["examples"],
                **packages["examples"],
                **licences["examples"],
                **library["examples"],
                **routines["examples"],
            },
        )
    finally:
        # Also after a failed setup: nothing of the scratch world may outlive the module.
        with django_db_blocker.unblock():
            connection.set_schema_to_public()
            remove_fuzz_billing(slug, started)
            for municipality in Municipality.objects.filter(
                slug__in=[slug, f"{slug}-b", f"{slug}-c"]
            ):
                municipality.delete(force_drop=True)
            LearningNetwork.objects.filter(slug__in=[slug, f"{slug}-2"]).delete()
            _remove_fuzz_indicators(started)  # after the schemas whose goals may link them
            Consultancy.objects.filter(slug=slug).delete()
            operators = PlatformOperator.objects.filter(
                user__username__startswith=f"fuzz-{suffix}."
            )
            operators._raw_delete(operators.db)
            User.objects.filter(username__startswith=f"fuzz-{suffix}.").delete()
            Session.objects.exclude(session_key__in=sessions_before).delete()
            for model in (AccessAttempt, AccessFailureLog, AccessLog):
                model.objects.filter(attempt_time__gte=started).delete()


def _fuzz_indicator(municipality, suffix: str):
    """An indicator with a value for the scratch municipality, which gets a number (the
    CSV import matches municipalities by it); committed."""
    import datetime

    from networks.indicators.models import Indicator
    from tenants.models import Municipality

    taken = set(Municipality.objects.exclude(number=None).values_list("number", flat=True))
    number = next(f"{n:04d}" for n in range(9999, 1000, -1) if f"{n:04d}" not in taken)
    Municipality.objects.filter(pk=municipality.pk).update(number=number)
    municipality.number = number
    indicator = Indicator.objects.create(
        name=f"Fuzz-indikator {suffix}", better="higher", source="other", unit="prosent"
    )
    indicator.values.create(
        municipality=municipality, period="2023", value=50, origin="imported",
        starts_on=datetime.date(2023, 1, 1), ends_on=datetime.date(2023, 12, 31),
    )  # fmt: skip
    return indicator


def _indicator_examples(indicator, municipality, network) -> dict[str, list[dict]]:
    """A value the coordinator may enter, and a CSV it may import for its network."""
    where = {"indicator_id": indicator.pk}
    csv = f'"region";"år";"verdi"\n"{municipality.number} Fuzz";"2024";51,5\n'
    return {
        "POST /api/indicators/{indicator_id}/values/": [
            {
                "body": {"municipality": municipality.pk, "period": "2022", "value": "48,5"},
                "path_parameters": where,
            }
        ],
        "POST /api/indicators/{indicator_id}/import/": [
            {"body": {"csv": csv, "network": network.pk}, "path_parameters": where}
        ],
    }


def _remove_fuzz_indicators(since) -> None:
    """The indicators made for or during the run (the public catalogue), with their values."""
    from networks.indicators.models import Indicator

    Indicator.objects.filter(created_at__gte=since).delete()


# The server ---------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _database_url() -> str:
    """The test database (pytest-django's), as a URL for the server process."""
    db = connection.settings_dict
    user = quote(db.get("USER") or "", safe="")
    password = quote(db.get("PASSWORD") or "", safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host, port, name = db.get("HOST") or "", db.get("PORT") or "", db["NAME"]
    if host.startswith("/"):  # a socket directory (the embedded PostgreSQL)
        port_part = f":{port}" if port else ""
        return f"postgres://{auth}{port_part}/{name}?host={quote(host, safe='')}"
    port_part = f":{port}" if port else ""
    return f"postgres://{auth}{host}{port_part}/{name}"


@dataclass(frozen=True)
class Server:
    port: int
    log: Path

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def _wait_until_up(server: Server, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    request = urllib.request.Request(  # noqa: S310 (our own http URL)
        f"{server.base_url}/healthz", headers={"Host": f"localhost:{server.port}"}
    )
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server exited: {server.log.read_text()[-3000:]}", pytrace=False)
        try:
            with urllib.request.urlopen(request, timeout=2):  # noqa: S310 (our own URL)
                return
        except urllib.error.HTTPError:
            return  # it answers (503 when the broker is down is an answer)
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"the server did not answer in {timeout} s", pytrace=False)


@pytest.fixture(scope="module")
def server(world: World, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Samla under gunicorn, on the test database, with throttles and lockout raised."""
    from tests.billing.world import fuzz_stripe_env

    port = _free_port()
    log = tmp_path_factory.mktemp("fuzz") / "server.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "samla.settings.test",
        "DATABASE_URL": _database_url(),
        "SAMLA_PORT": str(port),
        "API_THROTTLE_WRITE": THROTTLE,
        "API_THROTTLE_EXPORT": THROTTLE,
        "AXES_FAILURE_LIMIT": "1000000",
        "LOG_LEVEL": "ERROR",
        # Stripe set up, against a local fake of its API (the onboarding link answers 2xx).
        **fuzz_stripe_env(),
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                str(gunicorn),
                "samla.wsgi",
                f"--bind=127.0.0.1:{port}",
                "--workers=1",
                "--threads=4",
                "--timeout=120",
                "--graceful-timeout=5",
                # The fuzzer repeats a query parameter dozens of times (`?page_size=…` × 60);
                # past gunicorn's 4,094-byte request line it answers 414 itself, before Samla
                # sees the request. The contract under test is Samla's, so no line limit here.
                "--limit-request-line=0",
            ],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    instance = Server(port, log)
    try:
        _wait_until_up(instance, process)
        yield instance
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# Running schemathesis ------------------------------------------------------------------------


class Api:
    """A host's API as one user sees it: its schema and plain JSON requests."""

    def __init__(self, world: World, server: Server, run: Run) -> None:
        self.base_url = server.base_url
        self.headers = {
            "Host": _host_header(world, server, run.host),
            "Authorization": f"Token {world.tokens[run.who]}",
            "Accept": "application/json",
        }

    def get(self, path: str) -> tuple[int, object]:
        request = urllib.request.Request(self.base_url + path, headers=self.headers)  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as exc:
            return exc.code, None
        except ValueError:
            return 200, None

    def schema(self) -> dict:
        status, schema = self.get("/api/schema/?format=json")
        assert status == 200 and isinstance(schema, dict), f"no schema: {status}"
        return schema


def _host_header(world: World, server: Server, host: str) -> str:
    name = f"{world.slug}.localhost" if host == "municipality" else "localhost"
    return f"{name}:{server.port}"


HTTP_METHODS = ("get", "put", "post", "patch", "delete", "options", "head", "trace")
PARAMETER = re.compile(r"\{([^}]+)\}")


def operations_of(schema: dict) -> set[str]:
    """Every operation in the schema, as schemathesis labels it ("GET /api/me/")."""
    return {
        f"{method.upper()} {path}"
        for path, item in schema.get("paths", {}).items()
        for method in item
        if method in HTTP_METHODS
    }


def parent_deletes(schema: dict) -> set[str]:
    """DELETEs of a resource other paths hang under (a plan; a report with its export).

    They run last, in a run of their own, so that they do not take the ids the other
    operations need.
    """
    paths = schema.get("paths", {})
    return {
        f"DELETE {path}"
        for path, item in paths.items()
        if "delete" in item and any(other != path and other.startswith(path) for other in paths)
    }


def _rows_in(payload: object) -> list[dict]:
    """The rows of a list response (a bare list or a page with `results`)."""
    rows = payload.get("results") if isinstance(payload, dict) else payload
    return [row for row in rows if isinstance(row, dict)] if isinstance(rows, list) else []


@dataclass
class Found:
    """What the lists showed: real values for each path's parameters, and row versions."""

    paths: dict[str, dict[str, list[int]]] = field(default_factory=dict)
    versions: set[int] = field(default_factory=set)


def discover(api: Api, schema: dict, pinned: dict[str, list[int]]) -> Found:
    """Real values for each path's parameters, read from the list each one is listed in.

    `/api/plans/{plan_id}/milestones/{id}/` takes its `id`s from GET
    `/api/plans/{plan_id}/milestones/`, with `plan_id` a pinned or discovered value; a
    parameter whose list cannot be read (no GET there, or not 2xx) is left to schemathesis.
    """
    paths = schema.get("paths", {})
    found = Found()
    for path in sorted(paths, key=lambda p: (p.count("{"), p)):
        names = PARAMETER.findall(path)
        values: dict[str, list[int]] = {}
        for index, name in enumerate(names):
            if name in pinned:
                values[name] = pinned[name]
                continue
            collection = path[: path.index("{" + name + "}")]
            if "get" not in paths.get(collection, {}):
                continue
            filled = collection
            for earlier in names[:index]:
                if earlier not in values:
                    break
                filled = filled.replace("{" + earlier + "}", str(values[earlier][0]))
            else:
                status, payload = api.get(filled)
                rows = _rows_in(payload) if 200 <= status < 300 else []
                ids = [row["id"] for row in rows if isinstance(row.get("id"), int)]
                found.versions |= {
                    row["version"] for row in rows if isinstance(row.get("version"), int)
                }
                if ids:
                    values[name] = ids
        if values:
            found.paths[path] = values
    return found


RESAVE = "__samla_resave__"  # fuzz_hooks.py replaces such a body with the row as it is now


def real_examples(schema: dict, found: Found, world: World) -> dict[str, list[dict]]:
    """One request per reading or updating operation on real ids, sent first.

    Generated ids rarely name a row that can be changed (a draft report, not a submitted
    one), so without these an update could go a whole run without a 2xx. Updates re-save
    the row as it is (the hook reads it just before). Deletes and creates get none: they
    are fuzzed as generated, and a delete here would take rows the other operations need.
    """
    examples: dict[str, list[dict]] = {}
    for path, item in schema.get("paths", {}).items():
        values = found.paths.get(path, {})
        names = PARAMETER.findall(path)
        chosen = {}
        # Prefer ids kept from an action under this path (a report kept from `submit/`, a
        # membership kept from `leave/`): they are still in a state an update can change.
        # (Not an order kept from being cancelled or completed: it is confirmed, and only a
        # draft order can be changed.)
        protected = {
            value
            for owner, owned in world.reserved.items()
            if owner != path and owner.startswith(path) and not owner.endswith(CLOSING_ACTIONS)
            for value in owned
        }
        for name in names:
            kept = _reserved_for(world, path, name)
            usable = [value for value in values.get(name, []) if value not in kept]
            usable.sort(key=lambda value: value not in protected)
            if not usable:
                break
            chosen[name] = usable[0]
        else:
            for method in ("get", "put", "patch"):
                if method not in item:
                    continue
                case: dict = {"path_parameters": chosen}
                if method != "get":
                    case["body"] = {RESAVE: True}
                examples.setdefault(f"{method.upper()} {path}", []).append(case)
            if "delete" in item and path.endswith(UNDOING_DELETES):
                examples.setdefault(f"DELETE {path}", []).append({"path_parameters": chosen})
            if "post" in item and "get" in item and PART_LIST.match(path):
                case = {"path_parameters": chosen, "body": {COPY: True}}
                examples.setdefault(f"POST {path}", []).append(case)
    return examples


# A plan part's list: a create example copies one of its rows (COPY, in fuzz_hooks.py),
# since a generated body rarely passes every rule of the plan (codes, dates, links).
PART_LIST = re.compile(r"^/api/plans/\{plan_id\}/[a-z-]+/$")
COPY = "__samla_copy__"


# DELETEs that undo a state rather than remove a row (withdrawing a consent): safe to send
# on real ids among the other operations' examples.
UNDOING_DELETES = ("/open-comparison-consent/",)


def _toml(value: object) -> str:
    return json.dumps(value)  # JSON strings, numbers and arrays are TOML too


def _reserved_for(world: World, path: str, name: str) -> set[int]:
    """The reserved ids `name` may not take in `path` (in it or under the path that owns them)."""
    return {
        value
        for owner, values in world.reserved.items()
        if path.startswith(owner) and PARAMETER.findall(owner)[-1] == name
        for value in values
    }


def write_config(target: Path, run: Run, found: Found, world: World, deletes: set[str]) -> None:
    """A schemathesis.toml binding path parameters to real values, most of the time.

    Also a row's `version` in bodies (a change must name the version it edits, else 409).
    """
    dictionaries: dict[str, list[int]] = {}
    lines: list[str] = []
    if found.versions:
        dictionaries["versions"] = sorted(found.versions)
        binding = f'{{ dictionary = "versions", probability = {REAL_ID_PROBABILITY} }}'
        lines += ["[parameters]", f"{_toml('body.version')} = {binding}", ""]
    for path, values in sorted(found.paths.items()):
        bindings = []
        last = PARAMETER.findall(path)[-1]
        for name, ids in values.items():
            if run.stage == "deletes" and f"DELETE {path}" in deletes and name == last:
                ids = world.reserved.get(path, ids)
            else:
                kept = _reserved_for(world, path, name)
                ids = [value for value in ids if value not in kept] or ids
            key = f"values{len(dictionaries)}"
            dictionaries[key] = ids
            bindings.append(
                f"{_toml('path.' + name)} = "
                f"{{ dictionary = {_toml(key)}, probability = {REAL_ID_PROBABILITY} }}"
            )
        lines += ["[[operations]]", f"include-path = {_toml(path)}"]
        lines += [f"parameters = {{ {', '.join(bindings)} }}", ""]
    head = []
    for key, ids in dictionaries.items():
        head += [f"[dictionaries.{key}]", f"values = {_toml(ids)}", ""]
    target.write_text("\n".join(head + lines))


@dataclass
class Outcome:
    run: Run
    exit_code: int
    seconds: float
    output: str
    report: dict
    statuses: dict[str, set[int]]


def run_schemathesis(
    run: Run,
    world: World,
    server: Server,
    workdir: Path,
    config: Path,
    deletes: set[str],
    examples: dict[str, list[dict]],
) -> Outcome:
    record = workdir / f"{run.name}.statuses.tsv"
    report = workdir / f"{run.name}.report.json"
    record.write_text("")
    selection = [f"--exclude-path-regex={EXCLUDED_PATHS}"]
    if run.paths:
        selection.append(f"--include-path-regex={run.paths}")
    selection += [
        f"--{'include' if run.stage == 'deletes' else 'exclude'}-name={label}"
        for label in sorted(deletes)
    ]
    command = [
        str(SCHEMATHESIS),
        f"--config-file={config}",
        "run",
        f"{server.base_url}/api/schema/",
        f"--url={server.base_url}",
        "--header",
        f"Host: {_host_header(world, server, run.host)}",
        "--header",
        f"Authorization: Token {world.tokens[run.who]}",
        f"--checks={','.join(CHECKS)}",
        f"--phases={PHASES}",
        f"--seed={SEED}",
        f"--max-examples={MAX_EXAMPLES}",
        f"--max-time={run.max_time}",
        *selection,
        "--workers=1",
        "--request-timeout=60",
        "--generation-database=none",
        "--report=json,har",
        f"--report-json-path={report}",
        f"--report-har-path={workdir / f'{run.name}.har'}",
        "--output-truncate=false",
        "--no-color",
        *shlex.split(os.environ.get("SAMLA_FUZZ_ARGS", "")),
    ]
    env = {
        **os.environ,
        "SCHEMATHESIS_HOOKS": str(HOOKS),
        "SAMLA_FUZZ_RECORD": str(record),
        "SAMLA_FUZZ_EXAMPLES": json.dumps(
            {"POST /api/auth/token/": [{"body": world.credentials}], **world.examples, **examples}
        ),
        # For the hook that gives most updates the row's current version (fuzz_hooks.py).
        "SAMLA_FUZZ_BASE_URL": server.base_url,
        "SAMLA_FUZZ_HEADERS": json.dumps(
            {
                "Host": _host_header(world, server, run.host),
                "Authorization": f"Token {world.tokens[run.who]}",
            }
        ),
        "COLUMNS": "120",
    }
    started = time.monotonic()
    completed = subprocess.run(
        command, cwd=workdir, env=env, capture_output=True, text=True, check=False
    )
    seconds = time.monotonic() - started
    output = completed.stdout + completed.stderr
    (workdir / f"{run.name}.output.txt").write_text(output)
    statuses: dict[str, set[int]] = defaultdict(set)
    for line in record.read_text().splitlines():
        label, _tab, status = line.rpartition("\t")
        statuses[label].add(int(status))
    parsed = json.loads(report.read_text()) if report.exists() else {}
    return Outcome(run, completed.returncode, seconds, output, parsed, dict(statuses))


def _failures_section(output: str) -> str:
    """Schemathesis' own account of the failures (with a curl command for each)."""
    start = output.find("FAILURES")
    return output[start:] if start >= 0 else output[-6000:]


@pytest.mark.parametrize("host", ["municipality", "public"])
def test_api_keeps_its_contract_under_fuzzing(
    host: str, world: World, server: Server, tmp_path: Path
) -> None:
    log_start = server.log.stat().st_size
    world.before_host(host)
    operations: set[str] = set()
    outcomes = []
    for run in (run for run in RUNS if run.host == host):
        api = Api(world, server, run)
        schema = api.schema()
        operations |= operations_of(schema)
        deletes = parent_deletes(schema)
        if run.stage == "deletes" and not deletes:
            continue
        if run.stage == "deletes":
            world.reserved.update(world.fresh_deletes(host))
        config = tmp_path / f"{run.name}.toml"
        found = discover(api, schema, world.pinned)
        write_config(config, run, found, world, deletes)
        examples = real_examples(schema, found, world) if run.stage != "deletes" else {}
        outcomes.append(run_schemathesis(run, world, server, tmp_path, config, deletes, examples))
    _keep_artifacts(tmp_path, host)
    for outcome in outcomes:
        print(f"fuzz_{outcome.run.name}_seconds={outcome.seconds:.1f}")

    problems = [
        f"--- run {outcome.run.name!r} (exit {outcome.exit_code}) ---\n"
        + _failures_section(outcome.output)
        for outcome in outcomes
        if outcome.exit_code != 0 or outcome.report.get("failures")
    ]
    answered: dict[str, set[int]] = defaultdict(set)
    for outcome in outcomes:
        for label, codes in outcome.statuses.items():
            answered[label] |= codes
    untested = sorted(
        f"{operation}: answered {sorted(answered.get(operation, ())) or 'nothing'}"
        for operation in operations
        if not any(200 <= code < 300 for code in answered.get(operation, ()))
        and not re.search(EXCLUDED_PATHS, operation)
    )
    if untested:
        problems.append(
            "--- operations that never answered 2xx (not tested) ---\n" + "\n".join(untested)
        )
    if problems:
        with server.log.open(errors="replace") as log:
            log.seek(log_start)
            errors = [
                entry for entry in log.read().split("\n\n") if "Internal Server Error" in entry
            ]
        if errors:
            problems.append("--- the server's log of its 500s ---\n" + "\n\n".join(errors)[-8000:])
        problems.append(f"(outputs, reports, HAR files and configs: {_artifacts(host)})")
    assert not problems, "\n\n".join(problems)


def _artifacts(host: str) -> Path:
    return Path(os.environ.get("SAMLA_FUZZ_ARTIFACTS", "/tmp/samla-fuzz")) / host


def _keep_artifacts(source: Path, host: str) -> None:
    """Copy the runs' output, reports and configs where a person can find them after."""
    target = _artifacts(host)
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(source, target, ignore=shutil.ignore_patterns(".*"))
