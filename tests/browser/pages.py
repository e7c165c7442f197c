"""Every page the browser walk visits, in one list: a new page joins by adding one line.

`host` is "public" (the landing host) or a municipality's slug; `who` is "anonymous" or
one of the users in `BROWSER_USERS`, who logs in on that host through the login form
first. `reach` names how the page is reached when a plain GET is not enough: "lock-out"
(fail to log in until locked out), "wrong-password" (one failed login); see
`open_page` in `tests/browser/conftest.py`. `test_page_list_covers_every_route` fails
when a GET page route of either URL map has no line here.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass

from django.utils import timezone

from samla.accounts.models import MunicipalityRole

# The browser plan's meeting and report dates, relative to today as the plan's period is
# (tests/browser/conftest.py), so they stay inside the plan's bounds whatever the day.
MEETING_DAY = timezone.localdate() - datetime.timedelta(days=60)
REPORT_DAY = timezone.localdate() - datetime.timedelta(days=30)

LEADER = MunicipalityRole.LEADER

PUBLIC = "public"
ANONYMOUS = "anonymous"
LOGIN = "/accounts/login/"
PASSWORD = "riktig-hest-batteri-stift-nettleser"


@dataclass(frozen=True)
class BrowserUser:
    username: str
    first_name: str
    last_name: str
    municipality: str
    role: str


# Committed for the browser package only (the server thread cannot see a test's
# transaction), and deleted after it.
BROWSER_USERS = {
    "leader": BrowserUser("nettleser.leder", "Kari", "Nordmann", "nordre-land", LEADER),
    # No municipality: coordinates the browser network (`browser_gathering` gives the role).
    "coordinator": BrowserUser("nettleser.koordinator", "Kim", "Koordinator", "", ""),
    # No municipality: a member of the browser consultancy (tests/billing/world.py).
    "consultant": BrowserUser("nettleser.pakkekonsulent", "Kaja", "Konsulent", "", ""),
}


class _SampleIds(dict):
    def __missing__(self, key: str) -> str:
        return "1"


@dataclass(frozen=True)
class Page:
    name: str
    host: str
    # The path; `{plan}`, `{milestone}`, ... stand for ids of the browser plan
    # (BROWSER_PLAN_IDS in tests/browser/conftest.py).
    pattern: str
    heading: str  # the page's <h1>, what a person sees first
    who: str = ANONYMOUS
    status: int = 200
    reach: str = "get"

    @property
    def path(self) -> str:
        """A path reaching the page's route (ids as 1, no query), for matching routes."""
        return self.pattern.format_map(_SampleIds()).partition("?")[0]

    def path_with(self, ids: Mapping[str, int]) -> str:
        """The path with the browser plan's ids filled in."""
        return self.pattern.format_map(ids)


# The plan pages, on the browser plan that tests/browser/conftest.py builds in nordre-land.
NL = "nordre-land"
PLAN_TITLE = "Nettleserplan: tverrfaglig samarbeid"


def plan_page(name: str, pattern: str, heading: str) -> Page:
    """A page of the browser plan, seen by its leader."""
    return Page(name, NL, "/planer/{plan}/" + pattern, heading, who="leader")


PLAN_PAGES = [
    Page("plans", NL, "/planer/", "Planer", who="leader"),
    Page("plan-new", NL, "/planer/ny/", "Ny plan", who="leader"),
    Page("plan-new-from-template", NL, "/planer/ny/fra-mal/", "Ny plan fra mal", who="leader"),
    Page(
        "plan-network-template-changes",
        NL,
        "/planer/{adopted_plan}/nettverksmal/",
        "Endringer fra nettverksmalen",
        who="leader",
    ),
    plan_page("plan-overview", "", PLAN_TITLE),
    plan_page("plan-edit", "rediger/", "Rediger planen"),
    plan_page("plan-move", "flytt/", "Flytt startdato"),
    plan_page("plan-gantt", "aktivitetsplan/", "Aktivitetsplan"),
    plan_page("plan-phases", "faser/", "Faser"),
    plan_page("plan-phase", "faser/{phase}/", "Fase: Rutiner"),
    plan_page("plan-goals", "maal/", "Mål"),
    plan_page("plan-goal", "maal/{goal}/", "Mål: Alle barn får hjelp tidlig"),
    plan_page("plan-measures", "tiltak/", "Tiltak"),
    plan_page("plan-measure", "tiltak/{measure}/", "Tiltak: Felles fagdag"),
    plan_page("plan-milestones", "milepaeler/", "Milepæler"),
    plan_page("plan-milestone", "milepaeler/{milestone}/", "Milepæl: MP1 Kartlegging ferdig"),
    plan_page("plan-decisions", "beslutningspunkter/", "Beslutningspunkter"),
    plan_page(
        "plan-decision",
        "beslutningspunkter/{decision_point}/",
        "Beslutningspunkt: BP1 Plan godkjent",
    ),
    plan_page("plan-activities", "hovedaktiviteter/", "Hovedaktiviteter"),
    plan_page(
        "plan-activity", "hovedaktiviteter/{activity}/", "Hovedaktivitet: HA01 Kartleggingsarbeid"
    ),
    plan_page("plan-risks", "risikoer/", "Risikoer"),
    plan_page("plan-risk", "risikoer/{risk}/", "Risiko: Enhetene mangler tid"),
    plan_page("plan-success-factors", "suksessfaktorer/", "Kritiske suksessfaktorer"),
    plan_page(
        "plan-success-factor",
        "suksessfaktorer/{success_factor}/",
        "Kritisk suksessfaktor: Forankring i ledelsen",
    ),
    plan_page("plan-budget", "budsjett/", "Budsjett"),
    plan_page("plan-budget-line", "budsjett/{budget_line}/", "Budsjettlinje: Prosjektleder"),
    plan_page("plan-bodies", "organisering/", "Organisering"),
    plan_page("plan-body", "organisering/{body}/", "Gruppe: Styringsgruppe"),
    plan_page("plan-meeting-plan", "moteplan/", "Møteplan"),
    plan_page(
        "plan-meeting-series", "moteplan/{meeting_series}/", "Møteserie: Styringsgruppemøter"
    ),
    plan_page("plan-meetings", "moter/", "Møter og referater"),
    plan_page("plan-meeting", "moter/{meeting}/", f"Møte: Oppstartsmøte {MEETING_DAY:%d.%m.%Y}"),
    plan_page("plan-reports", "rapporter/", "Statusrapporter"),
    plan_page("plan-report", "rapporter/{status_report}/", f"Statusrapport {REPORT_DAY:%d.%m.%Y}"),
    plan_page("plan-history", "historikk/", "Historikk"),
]

# The network's indicator pages, on the network and indicator tests/browser/conftest.py makes
# (`browser_indicator`), seen by the Nordre Land leader (the network's member).
BROWSER_NETWORK = "nettleser-nettverk"
BROWSER_INDICATOR = "Nettleser: trives på skolen"
INDICATOR_PAGES = [
    Page(
        "network-indicators",
        PUBLIC,
        f"/nettverk/{BROWSER_NETWORK}/indikatorer/",
        "Indikatorer",
        who="leader",
    ),
    Page(
        "network-indicator",
        PUBLIC,
        f"/nettverk/{BROWSER_NETWORK}/indikatorer/{{indicator}}/",
        BROWSER_INDICATOR,
        who="leader",
    ),
    # The CSV upload is the network's coordinators': the leader coordinates this network.
    Page(
        "network-indicator-import",
        PUBLIC,
        f"/nettverk/{BROWSER_NETWORK}/indikatorer/{{indicator}}/importer/",
        "Importer verdier",
        who="leader",
    ),
]

# The gathering pages, on the gathering tests/browser/conftest.py makes in the browser
# network (`browser_gathering`): its coordinator's pages and the pages without an account.
BROWSER_GATHERING = "Nettleser-samlingen"
BROWSER_JOIN_CODE = "NETT23"
BROWSER_EVALUATION_CODE = "SVARNA23"
GATHERING_PAGES = [
    Page(
        "gatherings",
        PUBLIC,
        f"/nettverk/{BROWSER_NETWORK}/samlinger/",
        "Samlinger i Nettleser-nettverket",
        who="coordinator",
    ),
    Page("gathering", PUBLIC, "/samlinger/{gathering}/", BROWSER_GATHERING, who="coordinator"),
    Page("gathering-member", PUBLIC, "/samlinger/{gathering}/", BROWSER_GATHERING, who="leader"),
    Page(
        "gathering-live",
        PUBLIC,
        "/samlinger/{gathering}/direkte/",
        f"Direkte: {BROWSER_GATHERING}",
        who="coordinator",
    ),
    Page(
        "gathering-projection",
        PUBLIC,
        "/samlinger/{gathering}/visning/{gathering_municipality}/",
        "Nordre Land",
        who="coordinator",
    ),
    Page(
        "gathering-evaluation",
        PUBLIC,
        "/samlinger/{gathering}/evaluering/",
        f"Evaluering: {BROWSER_GATHERING}",
        who="coordinator",
    ),
    Page("join", PUBLIC, "/svar/", "Svar med kode"),
    Page(
        "join-tasks",
        PUBLIC,
        f"/svar/{BROWSER_JOIN_CODE}/",
        f"Nordre Land: {BROWSER_GATHERING}",
    ),
    Page(
        "evaluate",
        PUBLIC,
        f"/evaluering/{BROWSER_EVALUATION_CODE}/",
        f"Evaluering: {BROWSER_GATHERING}",
    ),
]

# The comparison pages of the browser network: its coordinator sees every member, the
# Nordre Land leader (a member) its own figures beside the medians.
COMPARISON_PAGES = [
    Page("networks", PUBLIC, "/nettverk/", "Nettverkene dine", who="coordinator"),
    Page(
        "network",
        PUBLIC,
        f"/nettverk/{BROWSER_NETWORK}/",
        "Nettleser-nettverket",
        who="coordinator",
    ),
    Page(
        "network-comparison",
        PUBLIC,
        f"/nettverk/{BROWSER_NETWORK}/sammenligning/",
        "Sammenligning: Nettleser-nettverket",
        who="coordinator",
    ),
    Page(
        "network-comparison-member",
        PUBLIC,
        f"/nettverk/{BROWSER_NETWORK}/sammenligning/",
        "Sammenligning: Nettleser-nettverket",
        who="leader",
    ),
    Page(
        "network-trends",
        PUBLIC,
        f"/nettverk/{BROWSER_NETWORK}/utvikling/",
        "Utvikling: Nettleser-nettverket",
        who="leader",
    ),
]

# The network's plan templates (the template `browser_template_plan` publishes twice), seen
# by the browser network's coordinator.
TEMPLATE_PAGES = [
    Page(
        "network-plan-templates",
        PUBLIC,
        f"/nettverk/{BROWSER_NETWORK}/maler/",
        "Planmaler i Nettleser-nettverket",
        who="coordinator",
    ),
    Page(
        "network-plan-template",
        PUBLIC,
        f"/nettverk/{BROWSER_NETWORK}/maler/{{network_template}}/",
        "Nettverkets mal",
        who="coordinator",
    ),
]

# The CMS's shared content in Nordre Land's workspace (issue #9): the tool and the browser
# gathering's programme come from `browser_cms` (tests/cms/world.py).
WORKSPACE_PAGES = [
    Page("workspace-tools", NL, "/verktoy/", "Verktøy", who="leader"),
    Page(
        "workspace-tool",
        NL,
        "/verktoy/nettleser-verktoy/",
        "Nettleser: handlingsveileder",
        who="leader",
    ),
    Page("workspace-gatherings", NL, "/samlinger/", "Samlinger", who="leader"),
    # Search in the shared content, with results (the browser tool) and without.
    Page("search-municipality", NL, "/sok/?q=nettleser", "Søk i delt innhold", who="leader"),
    Page("search-public", PUBLIC, "/sok/?q=samling", "Søk i delt innhold"),
    Page(
        "workspace-gathering",
        NL,
        "/samlinger/{gathering}/",
        "Program: Nettleser-samlingen",
        who="leader",
    ),
]

# The CMS's own pages on the public host (issue #9), one of every page type, from
# `browser_cms` (tests/cms/world.py): its home page is the default site's root.
CMS_NETWORK = "/innhold/nettleser-nettverket/"
CMS_PAGES = [
    Page("cms-home", PUBLIC, "/innhold/", "Samla"),
    Page("cms-network", PUBLIC, CMS_NETWORK, "Nettleser-nettverket"),
    Page(
        "cms-programme",
        PUBLIC,
        CMS_NETWORK + "program-nettleser-samlingen/",
        "Program: Nettleser-samlingen",
    ),
    Page(
        "cms-content",
        PUBLIC,
        CMS_NETWORK + "nettleser-bakgrunn/",
        "Nettleser: bakgrunn for nettverket",
    ),
    Page(
        "cms-members-only",
        PUBLIC,
        CMS_NETWORK + "nettleser-medlemmer/",
        "Nettleser: bare for medlemmer",
        who="leader",
    ),
    Page("cms-tools", PUBLIC, "/innhold/verktoy-nettleser/", "Verktøy"),
    Page(
        "cms-tool",
        PUBLIC,
        "/innhold/verktoy-nettleser/nettleser-verktoy/",
        "Nettleser: handlingsveileder",
    ),
    Page("cms-news-index", PUBLIC, "/innhold/nettleser-nyheter/", "Nettleser: nyheter"),
    Page(
        "cms-news",
        PUBLIC,
        "/innhold/nettleser-nyheter/nettleser-nytt-program/",
        "Nettleser: nytt program publisert",
    ),
    Page("cms-consultancy", PUBLIC, "/innhold/nettleser-konsulent/", "Nettleser Konsulent AS"),
]

# The routine pages (issue #10), on the routines tests/browser/conftest.py builds in
# nordre-land (`browser_routines`: the seed's units and routines, the first with a draft of
# version 2), seen by the leader.
ROUTINE_TITLE = "Overgang fra barnehage til skole"
ROUTINE_PAGES = [
    Page("routines", NL, "/rutiner/", "Rutiner", who="leader"),
    Page("routine-new", NL, "/rutiner/ny/", "Ny rutine", who="leader"),
    Page("routines-due", NL, "/rutiner/forfall/", "Til gjennomgang", who="leader"),
    Page("routine-units", NL, "/rutiner/enheter/", "Enheter", who="leader"),
    Page("routine-unit", NL, "/rutiner/enheter/{routine_unit}/", "Enhet: PPT", who="leader"),
    Page("routine", NL, "/rutiner/{routine}/", ROUTINE_TITLE, who="leader"),
    Page(
        "routine-draft",
        NL,
        "/rutiner/{draft_routine}/",
        "Samarbeid med NAV om familier med lav inntekt",
        who="leader",
    ),
    Page("routine-edit", NL, "/rutiner/{routine}/rediger/", "Rediger rutinen", who="leader"),
    Page(
        "routine-version",
        NL,
        "/rutiner/{routine}/versjoner/1/",
        f"Versjon 1: {ROUTINE_TITLE}",
        who="leader",
    ),
    Page(
        "routine-compare",
        NL,
        "/rutiner/{routine}/sammenlign/?fra=1&til=2",
        "Sammenlign versjoner",
        who="leader",
    ),
]

# Billing's pages (issue #11), with what `browser_billing` commits (tests/billing/world.py):
# the catalogue on both hosts, seen by the leader of a municipality, who also orders and
# reads Nordre Land's confirmed order (`{order}`); the consultancy's pages, its package
# editor and its view of the order, seen by its member.
BROWSER_PACKAGE = "Nettleserpakke: Ett lag"
BROWSER_CONSULTANCY = "/selskaper/nettleser-pakkeselskap/"
BILLING_PAGES = [
    Page("packages", PUBLIC, "/pakker/", "Programpakker", who="leader"),
    Page("package", PUBLIC, "/pakker/{package}/", BROWSER_PACKAGE, who="leader"),
    Page("packages-municipality", NL, "/pakker/", "Programpakker", who="leader"),
    Page("package-municipality", NL, "/pakker/{package}/", BROWSER_PACKAGE, who="leader"),
    Page("package-order", NL, "/pakker/{package}/bestill/", "Bestill pakken", who="leader"),
    Page("orders", NL, "/bestillinger/", "Bestillinger", who="leader"),
    Page("order", NL, "/bestillinger/{order}/", BROWSER_PACKAGE, who="leader"),
    Page("consultancies", PUBLIC, "/selskaper/", "Konsulentselskaper", who="consultant"),
    Page("consultancy", PUBLIC, BROWSER_CONSULTANCY, "Nettleser Pakkeselskap", who="consultant"),
    Page(
        "consultancy-package-new",
        PUBLIC,
        BROWSER_CONSULTANCY + "pakker/ny/",
        "Ny pakke",
        who="consultant",
    ),
    Page(
        "consultancy-package-edit",
        PUBLIC,
        "/pakker/{draft_package}/rediger/",
        "Rediger pakken",
        who="consultant",
    ),
    Page(
        "consultancy-orders",
        PUBLIC,
        BROWSER_CONSULTANCY + "bestillinger/",
        "Bestillinger: Nettleser Pakkeselskap",
        who="consultant",
    ),
    Page(
        "consultancy-revenue",
        PUBLIC,
        BROWSER_CONSULTANCY + "inntekter/",
        "Inntekter: Nettleser Pakkeselskap",
        who="consultant",
    ),
    Page("consultancy-order", PUBLIC, "/bestillinger/{order}/", BROWSER_PACKAGE, who="consultant"),
]

PAGES = [
    Page("landing", PUBLIC, "/", "Samla"),
    Page("landing-logged-in", PUBLIC, "/", "Samla", who="leader"),
    Page("login-public", PUBLIC, LOGIN, "Logg inn"),
    Page("login-municipality", "nordre-land", LOGIN, "Logg inn"),
    Page("login-failed", PUBLIC, LOGIN, "Logg inn", reach="wrong-password"),
    Page("municipality-home", "nordre-land", "/", "Nordre Land", who="leader"),
    Page("integration-tokens", NL, "/innstillinger/integrasjoner/", "Integrasjoner", who="leader"),
    Page("not-found-public", PUBLIC, "/finnes-ikke/", "Fant ikke siden", status=404),
    Page("not-found-other-municipality", "nesseby", "/", "Fant ikke siden", "leader", status=404),
    Page("locked-out", PUBLIC, LOGIN, "Midlertidig sperret", status=429, reach="lock-out"),
    # A municipality's own networks (the browser network, its gathering going on now).
    Page("network-memberships", NL, "/nettverk/", "Nettverk", who="leader"),
    Page(
        "network-membership-leave",
        NL,
        "/nettverk/{membership}/meld-ut/",
        "Meld kommunen ut av Nettleser-nettverket?",
        who="leader",
    ),
    *PLAN_PAGES,
    *INDICATOR_PAGES,
    *GATHERING_PAGES,
    *COMPARISON_PAGES,
    *TEMPLATE_PAGES,
    *WORKSPACE_PAGES,
    *CMS_PAGES,
    *ROUTINE_PAGES,
    *BILLING_PAGES,
]

# Routes that are not pages a person opens: the API, health, language switch, logout
# (POST only). Matched against the route's path without its leading slash.
# Also Wagtail's own admin (`cms/`, its UI is Wagtail's), document downloads
# (`dokumenter/`) and Wagtail's view-restriction forms (`innhold/_util/`: a page's password
# and Wagtail's login; Samla restricts pages by its own rule, cms.access, and never sends a
# reader there). Wagtail's page serving (`innhold/`) is walked by real paths (CMS_PAGES).
NOT_PAGES = (
    "api/",
    "healthz",
    "i18n/",
    "accounts/logout/",
    "cms/",
    "dokumenter/",
    "innhold/_util/",
)
