"""The demo's shared content, from the seeds (idempotent: loading twice adds nothing).

- The home page, the KS Trøndelag and Finnmark network pages, Samarbeid Sør's page.
- The programme of the Stiklestad gathering of 24 April 2019 (seed 003). The seed gives
  the talks, speakers and the group tasks' lengths (50 and 15 minutes) but no clock times;
  the times here fit them into the gathering's 09:30–15:30 and are the demo's own.
- The BTI action guide on levels 0–3 with the stafettlogg (seed 003).
- The collaboration methods named in section HA06 of the Nordre Land plan (seed 000), with
  BTI, Stafettlogg and Familieråd from the issue. The seed names them only: the summaries
  of the less known ones say so, for the network to fill in.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction

from billing.models import Consultancy
from cms.models import (
    CollaborationMethod,
    ConsultancyPage,
    GatheringProgrammePage,
    HomePage,
    NetworkPage,
    ToolIndexPage,
    ToolPage,
)
from cms.services import ensure_home_page, sync_all
from networks.gatherings.models import Gathering
from networks.models import LearningNetwork

KS_NETWORK = "ks-trondelag-samhandling"
FINNMARK_NETWORK = "sf-finnmark-0-24"
STIKLESTAD_TITLE = "Felles samling for helseledernetverket og barnehage- og skoleledernetverket"
STIKLESTAD_DAY = datetime.date(2019, 4, 24)

# (start, end, title, speaker, kind)
STIKLESTAD_SESSIONS = [
    ("09:30", "10:00", "Velkommen og info fra KS Trøndelag", "KS Trøndelag", "plenary"),
    (
        "10:00",
        "10:45",
        "«Skape bedre tjenester for barn og unge»",
        "Lasse Arntsen, seniorrådgiver, KS-Konsulent AS",
        "talk",
    ),
    (
        "10:45",
        "11:30",
        "Tverrfaglig samarbeid en evig prosess – Steinkjer kommune",
        "Kenneth Arntzen og Marianne Vollen, Steinkjer kommune",
        "talk",
    ),
    ("11:30", "12:15", "Lunsj", "", "break"),
    (
        "12:15",
        "13:00",
        "«BTI i BYN» – samhandlingsmodellen Bedre tverrfaglig innsats",
        "Reidun Gutvik Korssjøen, prosjektleder, BYN-kommunene",
        "talk",
    ),
    (
        "13:00",
        "13:50",
        "Gruppeoppgave 1 (50 min) – vårt samarbeid på tvers av oppvekst, helse og velferd",
        "",
        "group_task",
    ),
    ("13:50", "14:05", "Pause", "", "break"),
    (
        "14:05",
        "14:20",
        "Gruppeoppgave 2 (15 min) – felles grep i Trøndelag",
        "",
        "group_task",
    ),
    ("14:20", "15:00", "Oppsummering i plenum", "KS Trøndelag", "plenary"),
]

# (level, summary, steps)
BTI_LEVELS: list[tuple[str, str, list[str]]] = [
    (
        "0",
        "Avklare om det er grunn til bekymring.",
        [
            "Kartlegge og observere",
            "Gjennomføre undringssamtale med barnet og foreldrene",
            "Eventuelt be om samtykke til å opprette stafettlogg",
        ],
    ),
    (
        "1",
        "Innsats og tiltak internt i egen virksomhet eller tjeneste.",
        [
            "Invitere til stafettloggmøte",
            "Bli enige om tiltak",
            "Evaluere tiltakene",
        ],
    ),
    (
        "2",
        "Enkelt tverrfaglig samarbeid mellom to involverte tjenester.",
        ["Avklare hvem som er stafettholder", "Samordne tiltak mellom tjenestene", "Evaluere"],
    ),
    (
        "3",
        "Komplekst samarbeid mellom flere involverte tjenester.",
        ["Etablere tverretatlig samarbeid", "Samordne tiltak og ansvar", "Evaluere"],
    ),
]

STAFETTLOGG = (
    "<h2>Stafettloggen</h2>"
    "<p>En elektronisk logg som skal tilrettelegge for bedre samhandling med foreldre og "
    "andre relevante faggrupper, sikre handling, framdrift og dokumentasjon av innsatsen og "
    "forebygge oppfølgingsbrudd. Den gir oversikt over tiltak, hvilke tjenester og "
    "fagpersoner som er involvert, hvilke oppgaver den enkelte har og når tiltak evalueres.</p>"
    "<h3>Stafettholder</h3>"
    "<p>Stafettholderen bør være den som har jevnlig kontakt med barnet eller ungdommen, og "
    "er den som har registreringstilgang i stafettloggen. Foreldre, barn og unge og "
    "samarbeidspartnere har lesetilgang.</p>"
    "<p>Samla lagrer aldri stafettloggen: den blir i kommunens eget fagsystem.</p>"
)

NAMED_ONLY = "Nevnt i Nordre Lands prosjektplan (HA06); beskrivelsen fylles ut av nettverket."
# (slug, name, summary)
METHODS: list[tuple[str, str, str]] = [
    (
        "ansvarsgruppe",
        "Ansvarsgruppe",
        "Et fast samarbeidsforum rundt ett barn eller én familie, med de tjenestene som er "
        "involvert, der tiltak avtales og følges opp.",
    ),
    (
        "individuell-plan",
        "Individuell plan (IP)",
        "En lovfestet plan for den som har behov for langvarige og koordinerte tjenester, "
        "med en koordinator.",
    ),
    (
        "bti",
        "BTI – Bedre tverrfaglig innsats",
        "En samhandlingsmodell med handlingsveileder på nivå 0–3 og stafettlogg.",
    ),
    (
        "stafettlogg",
        "Stafettlogg",
        "En elektronisk logg over tiltak, ansvar og evaluering rundt ett barn, med en "
        "stafettholder.",
    ),
    (
        "familierad",
        "Familieråd",
        "Familien og nettverket deres lager selv en plan i et møte de leder, med tjenestene "
        "som informanter.",
    ),
    ("fagteam", "Fagteam", NAMED_ONLY),
    ("basisgruppe", "Basisgruppe", NAMED_ONLY),
    ("nettverksmote", "Nettverksmøte", NAMED_ONLY),
    ("familieplan", "Familieplan", NAMED_ONLY),
    ("psykososialt-team", "Psykososialt team", NAMED_ONLY),
    ("tverrfaglig-team", "Tverrfaglig team", NAMED_ONLY),
    ("instansmote", "Instansmøte", NAMED_ONLY),
    ("ressursteam", "Ressursteam", NAMED_ONLY),
    ("smart-kommunikasjon", "Smart kommunikasjon", NAMED_ONLY),
    ("smart-oppvekst", "Smart oppvekst", NAMED_ONLY),
    ("styrebasert-metode", "Styrebasert metode", NAMED_ONLY),
    ("mitt-valg", "«Mitt valg»", NAMED_ONLY),
    ("cos-p", "COS-P (Circle of Security – Parenting)", NAMED_ONLY),
]


def load_demo_cms() -> HomePage:
    """Build the demo's pages and methods where they are missing; sync the role groups."""
    with transaction.atomic():
        home = ensure_home_page()
        _methods()
        _tools(home)
        ks_page = _network_page(home, KS_NETWORK, "KS Trøndelag")
        _network_page(home, FINNMARK_NETWORK, "Finnmark 0–24")
        if ks_page is not None:
            _stiklestad(ks_page)
        _consultancy_page(home)
    sync_all()
    return home


def _network_page(home: HomePage, slug: str, title: str) -> NetworkPage | None:
    network = LearningNetwork.objects.filter(slug=slug).first()
    if network is None:
        return None
    page: NetworkPage | None = NetworkPage.objects.filter(network=network).first()
    if page is None:
        page = home.add_child(
            instance=NetworkPage(
                title=title,
                network=network,
                intro=f"<p>{network.name}.</p>",
            )
        )
    return page


def _stiklestad(parent: NetworkPage) -> None:
    gathering = Gathering.objects.filter(network=parent.network, title=STIKLESTAD_TITLE).first()
    if gathering is None or GatheringProgrammePage.objects.filter(gathering=gathering).exists():
        return
    sessions: list[tuple[str, dict[str, Any]]] = [
        (
            "session",
            {
                "day": STIKLESTAD_DAY,
                "start": datetime.time.fromisoformat(start),
                "end": datetime.time.fromisoformat(end),
                "title": title,
                "speaker": speaker,
                "kind": kind,
                "description": "",
                "materials": [],
            },
        )
        for start, end, title, speaker, kind in STIKLESTAD_SESSIONS
    ]
    parent.add_child(
        instance=GatheringProgrammePage(
            title="Program: Stiklestad 24. april 2019",
            slug="stiklestad-2019",
            gathering=gathering,
            intro=(
                "<p>Felles samling for helseledernetverket og barnehage- og "
                "skoleledernetverket i Trøndelag.</p>"
            ),
            programme=sessions,
        )
    )


def _tools(home: HomePage) -> None:
    index = ToolIndexPage.objects.first()
    if index is None:
        index = home.add_child(
            instance=ToolIndexPage(
                title="Verktøy",
                slug="verktoy",
                intro="<p>Felles verktøy for samhandling rundt barn og unge.</p>",
            )
        )
    if ToolPage.objects.filter(slug="bti-handlingsveileder").exists():
        return
    body: list[tuple[str, Any]] = [
        (
            "text",
            "<p>Målgruppen for BTI er barn, unge og familier det er knyttet bekymringer til. "
            "Hovedmålet er å kvalitetssikre tidlig, helhetlig og koordinert innsats – uten "
            "oppfølgingsbrudd – med en felles samhandlingsmodell.</p>",
        ),
        *[
            (
                "level",
                {
                    "level": level,
                    "summary": f"<p>{summary}</p>",
                    "steps": [{"title": step, "text": "", "responsible": ""} for step in steps],
                    "forms": [],
                },
            )
            for level, summary, steps in BTI_LEVELS
        ],
        ("text", STAFETTLOGG),
        (
            "template",
            {
                "kind": "consent",
                "title": "Samtykke til å opprette stafettlogg",
                "text": "<p>Foreldrene samtykker før en stafettlogg opprettes.</p>",
                "document": None,
            },
        ),
        (
            "template",
            {
                "kind": "conversation",
                "title": "Undringssamtalen med barn og foreldre",
                "text": "<p>En samtalemal for nivå 0: å undre seg sammen med barnet og "
                "foreldrene.</p>",
                "document": None,
            },
        ),
    ]
    index.add_child(
        instance=ToolPage(
            title="BTI – handlingsveileder",
            slug="bti-handlingsveileder",
            intro="<p>Handlingsveilederen på fire nivåer, med stafettlogg og maler.</p>",
            body=body,
        )
    )


def _methods() -> None:
    for slug, name, summary in METHODS:
        CollaborationMethod.objects.get_or_create(
            slug=slug, defaults={"name": name, "summary": summary}
        )


def _consultancy_page(home: HomePage) -> None:
    consultancy = Consultancy.objects.filter(slug="samarbeid-sor").first()
    if consultancy is None or ConsultancyPage.objects.filter(consultancy=consultancy).exists():
        return
    home.add_child(
        instance=ConsultancyPage(
            title=consultancy.name,
            consultancy=consultancy,
            intro="<p>Programpakker for kommuner i læringsnettverk.</p>",
        )
    )
