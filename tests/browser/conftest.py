"""A real Samla server in a thread, headless Chromium driving it, and axe-core checking it.

The server uses the test database the rest of the suite made (pytest-django's live_server
needs transactional_db, whose flush truncates across every schema: not with
django-tenants). What the pages show must therefore be committed: the browser users are
created for this package only and deleted afterwards, with the sessions and login
records the server wrote for them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.sessions.models import Session
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import connections
from django.test import override_settings
from django.test.testcases import LiveServerThread
from playwright.sync_api import Browser, BrowserContext, Response, sync_playwright
from playwright.sync_api import Page as BrowserPage

from samla.accounts.models import MunicipalityMembership, User
from samla.assets import AXE_SCRIPT
from tenants.models import Municipality
from tests.browser.pages import (
    ANONYMOUS,
    BROWSER_USERS,
    MEETING_DAY,
    PASSWORD,
    PUBLIC,
    REPORT_DAY,
    Page,
)
from tests.gates import unavailable

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SHOTS = Path("/tmp/shots")
LOCKED_OUT_USERNAME = "nettleser.sperret"
MISTYPED_USERNAME = "nettleser.feilskrevet"
FAILING_IMPACTS = {"serious", "critical"}


class _JoiningWSGIServer(ThreadedWSGIServer):
    """Request threads are joined on close, so none holds a database connection after."""

    daemon_threads = False


class _ServerThread(LiveServerThread):
    server_class = _JoiningWSGIServer


@dataclass(frozen=True)
class SamlaServer:
    port: int
    ids: Mapping[str, int] = field(default_factory=dict)  # of the browser plan

    def host(self, name: str) -> str:
        """The host name of "public" or of a municipality's slug."""
        return "localhost" if name == PUBLIC else f"{name}.localhost"

    def url(self, host: str, path: str = "/") -> str:
        return f"http://{self.host(host)}:{self.port}{path}"


def _require_chromium() -> None:
    if CHROMIUM.exists():
        return
    unavailable(f"{CHROMIUM} is missing: run `make browser-deps` (Debian's chromium package).")


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    _require_chromium()
    # Playwright's sync API keeps an event loop running in this thread. Django's
    # async-safety check mistakes that for async code (the ORM calls here are
    # synchronous), and while it runs this thread's database connections are kept apart
    # from the usual ones (asgiref's Local): those are closed before the loop ends, or
    # they would hold the test database open.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield chromium
            connections.close_all()
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="package")
def browser_users(django_db_setup, django_db_blocker) -> Iterator[dict[str, User]]:
    """The users of pages.BROWSER_USERS, committed, and everything they leave, deleted."""
    usernames = [u.username for u in BROWSER_USERS.values()]
    usernames += [LOCKED_OUT_USERNAME, MISTYPED_USERNAME]
    with django_db_blocker.unblock():
        User.objects.filter(username__in=usernames).delete()  # left by an interrupted run
        sessions_before = set(Session.objects.values_list("session_key", flat=True))
        users = {}
        for key, spec in BROWSER_USERS.items():
            user = User.objects.create_user(
                username=spec.username,
                password=PASSWORD,
                first_name=spec.first_name,
                last_name=spec.last_name,
            )
            if spec.municipality:
                MunicipalityMembership.objects.create(
                    user=user,
                    municipality=Municipality.objects.get(slug=spec.municipality),
                    role=spec.role,
                )
            users[key] = user
    yield users
    with django_db_blocker.unblock():
        User.objects.filter(username__in=usernames).delete()
        Session.objects.exclude(session_key__in=sessions_before).delete()
        for model in (AccessAttempt, AccessFailureLog, AccessLog):
            model.objects.filter(username__in=usernames).delete()


BROWSER_PLAN_TITLE = "Nettleserplan: tverrfaglig samarbeid"


def _remove_browser_plans() -> None:
    """Delete the browser plan and its recorded history (run inside nordre-land)."""
    from tenants.plans.models import Change, Plan

    plan_ids = list(Plan.objects.filter(title=BROWSER_PLAN_TITLE).values_list("pk", flat=True))
    Plan.objects.filter(pk__in=plan_ids).delete()
    Change.objects.filter(plan_id__in=plan_ids).delete()


def _build_browser_plan(municipality: Municipality, user: User) -> dict[str, int]:
    """One row of every part, through the services; dates around today (run inside nordre-land)."""
    import datetime
    from decimal import Decimal

    from django.utils import timezone

    from tenants.plans import services as s

    today = timezone.localdate()
    day = datetime.timedelta(days=1)
    plan = s.create_plan(
        municipality,
        user,
        {
            "title": BROWSER_PLAN_TITLE,
            "owner": "Kommunedirektør",
            "leaders": ["Kari Nordmann"],
            "start": today - 90 * day,
            "end": today + 270 * day,
            "purpose": "Tydelig ansvar og samhandling <b>mellom</b> enhetene.",
        },
    )
    s.create_phase(municipality, plan, user, {"order": 1, "name": "Kartlegging"})
    phase = s.create_phase(
        municipality, plan, user, {"order": 2, "name": "Rutiner", "is_current": True}
    )
    goal = s.create_goal(
        municipality,
        plan,
        user,
        {"level": "main", "text": "Alle barn får hjelp tidlig", "target": 90},
    )
    s.create_goal(
        municipality, plan, user, {"level": "outcome", "text": "Rutiner vedtatt", "parent": goal.pk}
    )
    measure = s.create_measure(
        municipality, plan, user, {"text": "Felles fagdag", "responsible": "PL", "goals": [goal.pk]}
    )
    milestone = s.create_milestone(
        municipality,
        plan,
        user,
        {"code": "MP1", "title": "Kartlegging ferdig", "due": today - 10 * day},
    )
    s.create_milestone(
        municipality,
        plan,
        user,
        {"code": "MP2", "title": "Rutiner vedtatt", "due": today + 40 * day},
    )
    point = s.create_decision_point(
        municipality, plan, user, {"code": "BP1", "title": "Plan godkjent", "due": today - 5 * day}
    )
    first = (today - 60 * day).replace(day=1)
    activity = s.create_activity(
        municipality,
        plan,
        user,
        {
            "code": "HA01",
            "name": "Kartleggingsarbeid",
            "start_month": first,
            "end_month": (today + 30 * day).replace(day=1),
            "milestones": [milestone.pk],
        },
    )
    risk = s.create_risk(
        municipality,
        plan,
        user,
        {"title": "Enhetene mangler tid", "likelihood": 4, "consequence": 4},
    )
    s.create_risk(
        municipality,
        plan,
        user,
        {"title": "Prosjektleder slutter", "likelihood": 1, "consequence": 4},
    )
    factor = s.create_success_factor(
        municipality,
        plan,
        user,
        {"text": "Forankring i ledelsen", "sub_points": ["Ledermøter"], "risks": [risk.pk]},
    )
    line = s.create_budget_line(
        municipality,
        plan,
        user,
        {"kind": "cost", "label": "Prosjektleder", "amount": Decimal("150000")},
    )
    s.create_budget_line(
        municipality,
        plan,
        user,
        {"kind": "grant", "label": "Skjønnsmidler", "amount": Decimal("100000"), "settled": False},
    )
    body = s.create_body(
        municipality,
        plan,
        user,
        {
            "kind": "steering",
            "name": "Styringsgruppe",
            "mandate": "Beslutter ved beslutningspunktene.",
            "members": [{"name": "Kommunedirektør", "title": "Kommunedirektør", "role": "Leder"}],
        },
    )
    series = s.create_meeting_series(
        municipality,
        plan,
        user,
        {"name": "Styringsgruppemøter", "body": body.pk, "frequency": "Hver måned"},
    )
    meeting = s.create_meeting(
        municipality,
        plan,
        user,
        {
            "title": "Oppstartsmøte",
            "held_on": MEETING_DAY,
            "series": series.pk,
            "attendees": ["Kari Nordmann", "Kommunedirektør"],
            "decisions": ["Planen legges fram for godkjenning."],
            "actions": [{"text": "Sende ut plan", "owner": "PL", "due": None, "done": False}],
        },
    )
    report = s.create_status_report(
        municipality, plan, user, {"date": REPORT_DAY, "summary": "Kartleggingen er i gang."}
    )
    # A deleted risk, so the history page shows what can be restored.
    gone = s.create_risk(
        municipality, plan, user, {"title": "Lav oppslutning", "likelihood": 2, "consequence": 2}
    )
    s.delete_risk(municipality, gone, user)
    return {
        "plan": plan.pk, "phase": phase.pk, "goal": goal.pk, "measure": measure.pk,
        "milestone": milestone.pk, "decision_point": point.pk, "activity": activity.pk,
        "risk": risk.pk, "success_factor": factor.pk, "budget_line": line.pk, "body": body.pk,
        "meeting_series": series.pk, "meeting": meeting.pk, "status_report": report.pk,
    }  # fmt: skip


@pytest.fixture(scope="package")
def browser_plan(browser_users, django_db_blocker) -> Iterator[dict[str, int]]:
    """A plan in nordre-land with rows of every part, committed; its ids, for the walk."""
    from django_tenants.utils import tenant_context

    with django_db_blocker.unblock():
        municipality = Municipality.objects.get(slug="nordre-land")
        with tenant_context(municipality):
            _remove_browser_plans()  # left by an interrupted run
            ids = _build_browser_plan(municipality, browser_users["leader"])
    yield ids
    with django_db_blocker.unblock(), tenant_context(municipality):
        _remove_browser_plans()


@pytest.fixture(scope="package")
def browser_indicator(browser_users, django_db_blocker) -> Iterator[dict[str, int]]:
    """A network with Nordre Land and an indicator with its values, committed; the id."""
    from networks.indicators.models import Indicator, IndicatorValue
    from networks.indicators.periods import parse_period
    from networks.models import LearningNetwork, Organiser
    from samla.accounts.models import CoordinatorRole
    from tests.browser.pages import BROWSER_INDICATOR, BROWSER_NETWORK

    def remove() -> None:
        LearningNetwork.objects.filter(slug=BROWSER_NETWORK).delete()
        Indicator.objects.filter(name=BROWSER_INDICATOR).delete()

    with django_db_blocker.unblock():
        remove()  # left by an interrupted run
        network = LearningNetwork.objects.create(
            name="Nettleser-nettverket", slug=BROWSER_NETWORK, organiser=Organiser.KS
        )
        municipality = Municipality.objects.get(slug="nordre-land")
        network.municipalities.add(municipality)
        # The leader also coordinates it, so that the walk reaches the CSV upload page.
        CoordinatorRole.objects.create(user=browser_users["leader"], network=network)
        indicator = Indicator.objects.create(
            name=BROWSER_INDICATOR, unit="prosent", better="higher", source="ungdata"
        )
        for label, value in (("2021", 82), ("2022", 84), ("2023", 85)):
            period = parse_period(label)
            IndicatorValue.objects.create(
                indicator=indicator, municipality=municipality, period=label, value=value,
                starts_on=period.starts_on, ends_on=period.ends_on, origin="imported",
            )  # fmt: skip
    yield {"indicator": indicator.pk}
    with django_db_blocker.unblock():
        remove()


@pytest.fixture(scope="package")
def browser_gathering(
    browser_users, browser_indicator, django_db_blocker
) -> Iterator[dict[str, int]]:
    """A gathering of the browser network going on now, its coordinator, a grid task with
    Nordre Land's answer and known join and evaluation codes, committed; its ids."""
    from tests.gatherings.world import make_browser_gathering, remove_browser_gathering

    with django_db_blocker.unblock():
        remove_browser_gathering()  # left by an interrupted run
        ids = make_browser_gathering(browser_users["coordinator"])
    yield ids
    with django_db_blocker.unblock():
        remove_browser_gathering()


@pytest.fixture(scope="package")
def browser_template_plan(
    browser_users, browser_indicator, django_db_blocker
) -> Iterator[dict[str, int]]:
    """A plan in nordre-land from a template of the browser network, with changes to take."""
    from networks.models import LearningNetwork
    from tests.browser.pages import BROWSER_NETWORK
    from tests.plantemplates.world import make_browser_template_plan, remove_browser_template_plan

    with django_db_blocker.unblock():
        municipality = Municipality.objects.get(slug="nordre-land")
        remove_browser_template_plan(municipality)  # left by an interrupted run
        network = LearningNetwork.objects.get(slug=BROWSER_NETWORK)
        ids = make_browser_template_plan(browser_users["leader"], network, municipality)
    yield ids
    with django_db_blocker.unblock():
        remove_browser_template_plan(municipality)


@pytest.fixture(scope="package")
def browser_cms(browser_gathering, django_db_blocker) -> Iterator[None]:
    """A CMS page of every type, the browser gathering's programme among them, committed,
    the home page as the default site's root (issue #9: the CMS pages on the public host
    and the workspace pages on Nordre Land's host show them)."""
    from tests.browser.pages import BROWSER_GATHERING, BROWSER_NETWORK
    from tests.cms.world import make_browser_cms, remove_browser_cms

    with django_db_blocker.unblock():
        remove_browser_cms()  # left by an interrupted run
        make_browser_cms(BROWSER_NETWORK, BROWSER_GATHERING)
    yield
    with django_db_blocker.unblock():
        remove_browser_cms()


@pytest.fixture(scope="package")
def browser_billing(browser_users, django_db_blocker) -> Iterator[dict[str, int]]:
    """A consultancy's published package and draft, and Nordre Land's confirmed order of
    the package, committed (`{package}`, `{draft_package}`, `{order}`)."""
    from tests.billing.world import make_browser_packages, remove_browser_packages

    with django_db_blocker.unblock():
        remove_browser_packages()  # left by an interrupted run
        ids = make_browser_packages(browser_users["leader"])
    yield ids
    with django_db_blocker.unblock():
        remove_browser_packages()


def _remove_browser_routines(made: dict[str, list[int]]) -> None:
    """Delete the routines and units the browser walk made, and any routine a browser test
    wrote with those units (run inside nordre-land)."""
    from django.db.models import Q

    from tenants.routines.models import Routine, Unit

    units = made["units"]
    ids = set(
        Routine.objects.filter(
            Q(pk__in=made["routines"])
            | Q(versions__owner_unit__in=units)
            | Q(versions__units__in=units)
            | Q(versions__steps__responsible_unit__in=units)
        ).values_list("pk", flat=True)
    )
    routines = Routine.objects.filter(pk__in=ids)
    # A routine points at its versions (the one in force is protected): unlink, then delete.
    routines.update(status="draft", current=None, draft=None)
    routines.delete()
    Unit.objects.filter(pk__in=units).delete()


@pytest.fixture(scope="package")
def browser_routines(browser_users, django_db_blocker) -> Iterator[dict[str, int]]:
    """Nordre Land's seed units and routines, the first with a draft of version 2, committed;
    their ids, for the walk (`{routine}`, `{draft_routine}`, `{routine_unit}`)."""
    from django_tenants.utils import tenant_context

    from tenants.routines import services
    from tenants.routines.models import Routine, Unit
    from tenants.routines.seeds import NORDRE_LAND_UNITS, build_nordre_land_routines
    from tests.browser.pages import ROUTINE_TITLE

    leader = browser_users["leader"]
    with django_db_blocker.unblock():
        municipality = Municipality.objects.get(slug="nordre-land")
        with tenant_context(municipality):
            names = [spec["name"] for spec in NORDRE_LAND_UNITS]
            existing = set(Unit.objects.filter(name__in=names).values_list("pk", flat=True))
            built = build_nordre_land_routines(municipality, leader)
            first, draft = built[0], built[2]
            first = Routine.objects.get(pk=first.pk)
            services.update_routine(
                municipality, leader, first,
                {"purpose": "Trygg overgang for alle barn.", "change_note": "Nytt formål."},
                version=first.version,
            )  # fmt: skip
            units = {u.name: u.pk for u in Unit.objects.filter(name__in=names)}
            made = {
                "routines": [routine.pk for routine in built],
                "units": [pk for pk in units.values() if pk not in existing],
            }
            assert str(Routine.objects.get(pk=first.pk)) == ROUTINE_TITLE
    yield {"routine": first.pk, "draft_routine": draft.pk, "routine_unit": units["PPT"]}
    with django_db_blocker.unblock(), tenant_context(municipality):
        _remove_browser_routines(made)


@pytest.fixture(scope="package")
def samla_server(
    browser, browser_users, browser_plan, browser_indicator, browser_gathering,
    browser_template_plan, browser_cms, browser_routines, browser_billing,
) -> Iterator[SamlaServer]:  # fmt: skip
    """Samla on 127.0.0.1 with a free port, static files served from the finders."""
    thread = _ServerThread("127.0.0.1", StaticFilesHandler, port=0)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait(timeout=10)
    if thread.error:
        raise thread.error
    overrides = override_settings(SAMLA_PORT=str(thread.port))
    overrides.enable()
    try:
        yield SamlaServer(
            thread.port,
            {
                **browser_plan, **browser_indicator, **browser_gathering, **browser_template_plan,
                **browser_routines, **browser_billing,
            },
        )  # fmt: skip
    finally:
        overrides.disable()
        # The browser's kept-alive connections end with its contexts, which the tests close.
        thread.terminate()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nb-NO")
    ctx.set_default_timeout(10_000)
    yield ctx
    ctx.close()


def submit_login(page: BrowserPage, username: str, password: str) -> Response:
    """Fill in the login form on the page and send it; the response to that."""
    page.get_by_label("Brukernavn").fill(username)
    page.get_by_label("Passord").fill(password)
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Logg inn").click()
    response = navigation.value
    assert response is not None
    return response


def log_in(page: BrowserPage, server: SamlaServer, host: str, username: str) -> Response:
    """Log in through the login form on the host, as a person would."""
    page.goto(server.url(host, "/accounts/login/"))
    return submit_login(page, username, PASSWORD)


def lock_out(page: BrowserPage, server: SamlaServer, host: str, limit: int) -> Response:
    """Fail to log in until axes locks the user name out; the response that says so."""
    page.goto(server.url(host, "/accounts/login/"))
    response = submit_login(page, LOCKED_OUT_USERNAME, "feil-passord")
    for _ in range(limit - 1):
        if response.status == 429:
            break
        response = submit_login(page, LOCKED_OUT_USERNAME, "feil-passord")
    return response


def mistype_password(page: BrowserPage, server: SamlaServer, host: str) -> Response:
    page.goto(server.url(host, "/accounts/login/"))
    return submit_login(page, MISTYPED_USERNAME, "feil-passord")


def open_page(
    page: BrowserPage, server: SamlaServer, entry: Page, axes_failure_limit: int
) -> Response:
    """Reach the page of a walk entry, logging in first if it is seen by a user."""
    if entry.who != ANONYMOUS:
        log_in(page, server, entry.host, BROWSER_USERS[entry.who].username)
    reach: dict[str, Callable[[], Response | None]] = {
        "get": lambda: page.goto(server.url(entry.host, entry.path_with(server.ids))),
        "lock-out": lambda: lock_out(page, server, entry.host, axes_failure_limit),
        "wrong-password": lambda: mistype_password(page, server, entry.host),
    }
    response = reach[entry.reach]()
    assert response is not None
    return response


def run_axe(page: BrowserPage) -> list[dict[str, Any]]:
    """axe-core's violations on the page as it is now."""
    page.add_script_tag(path=str(AXE_SCRIPT))
    results = page.evaluate("async () => await axe.run(document)")
    return results["violations"]


def describe_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"]:
            lines.append(f"  - {' '.join(map(str, node['target']))}: {node['html'][:160]}")
    return "\n".join(lines)


def serious_violations(violations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [v for v in violations if v["impact"] in FAILING_IMPACTS]


def screenshot(page: BrowserPage, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
