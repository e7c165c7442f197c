"""The demo's shared content, from the seeds (idempotent: loading twice adds nothing).

- The home page, the KS Trøndelag and Finnmark network pages, Samarbeid Sør's page.
- The programme of the Stiklestad gathering of 24 April 2019 (seed 003). The seed gives
  the talks, speakers and the group tasks' lengths (50 and 15 minutes) but no clock times;
  the times here fit them into the gathering's 09:30–15:30 and are the demo's own.
- The BTI action guide on levels 0–3 with the stafettlogg (seed 003).
- The collaboration methods named in section HA06 of the Nordre Land plan (seed 000), with
  BTI, Stafettlogg and Familieråd from the issue. The seed names them only: the summaries
  of the less known ones say so, for the network to fill in.
- The programme pages of the Finnmark 0–24 network's four gatherings (seed 001), each tied
  to the Gathering that networks/gatherings/demo.py creates, on that gathering's own days
  (so the 2019 reading of the seed's «27.-28.3.2018» and «13.-14.6.2018» follows it). The
  seed gives each gathering only its agenda («Verktøy for god samhandling») and who takes
  part (the working groups, «Arbeidsgruppa»), no programme, times or speakers: each day
  has one session with that agenda and no speaker, and the clock times are the demo's own.
- Samarbeid Sør's programme (seed 004, the «Helhetlig innsats» project description): a
  content page under the consultancy's page for each part of the programme –
  Kompetanseprogrammet (with the seed's list of topics for the training days),
  Lederstøtteprogram, Geografiske tverrfaglige nettverk and Digitale ressurser – in the
  seed's words, with its «xx kommune» placeholders and the price left out and obvious
  typos mended.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction

from billing.models import Consultancy
from cms.models import (
    CollaborationMethod,
    ConsultancyPage,
    ContentPage,
    GatheringProgrammePage,
    HomePage,
    NetworkPage,
    ToolIndexPage,
    ToolPage,
)
from cms.models.pages import gathering_days
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


# The titles networks/gatherings/demo.py gives the Finnmark gatherings (seed 001).
FINNMARK_GATHERING = "Læringsnettverk 0–24 Finnmark, samling {number}: verktøy for god samhandling"
FINNMARK_GATHERINGS = 4
FINNMARK_AGENDA = "Verktøy for god samhandling"
FINNMARK_INTRO = (
    "<p>Samling {number} av 4 i læringsnettverket «God samhandling for utsatte barn og unge», "
    "i regi av KS og Fylkesmannen i Finnmark. Deltakere: arbeidsgruppa fra hver "
    "modellkommune. Læringsnettverket skal benyttes som et verktøy i arbeidet med "
    "prosjektet.</p>"
)
# (start, end) of each day's session: the seed gives no times, these are the demo's own.
FINNMARK_HOURS = [("10:00", "16:00"), ("09:00", "14:00")]

# (slug, title, intro, body) of Samarbeid Sør's programme, from seed 004.
FAGDAG_TOPICS = [
    "Opplæring og støtte til å gjennomføre bruk av tilbakemeldingssystemer/"
    "brukerinvolveringsmetodikk (FIT)",
    "Skape eierforhold hos alle ansatte i forhold til prosjektet «Ett lag for helhetlig innsats»",
    "Opplæring i samtalemetoder med barn/unge og med foreldre, som for eksempel «den "
    "nødvendige samtalen», snakkemedbarn.no. Kompetanse om samtaler knyttet til rus og vold",
    "Etablere geografiske nettverk for informasjonsdeling, refleksjon, utprøving/samhandling "
    "på tvers av tjenester/virksomheter",
    "Opplæring og veiledning av gruppeledere for nettverksgruppene, i avtalt frekvens",
    "Implementeringsstøtte for å mobilisere, få fremdrift og realisere ønsket mål for prosjektet",
    "Hjelp til konkretisering og prioritering av hva som må gjøres når, og hvordan "
    "«Helhetlig innsats» skal utføres i kommunen",
    "Underveisevalueringer og evaluering av samarbeidet",
    "Mulig å ta deler av parallell innsats vedrørende traumebevisst omsorg og "
    "traumeforståelse – fosterhjem – inn i prosjektet",
]
PROGRAMME_TOPICS: list[tuple[str, str, str, str]] = [
    (
        "kompetanseprogrammet",
        "Kompetanseprogrammet",
        "<p>Fagdagene skal gi medarbeidere og ledere kompetanse innenfor samtalemetoder med "
        "barn, unge og foreldre, opplæring i bruk av brukerinvolveringsverktøyet (FIT), "
        "kunnskap om hvordan arbeide systematisk med samarbeid på tvers av tjenester og "
        "virksomheter (BTS) samt hvordan utprøving og implementering kan føre til endring av "
        "praksis og samhandling mellom tjenester, slik at alle barn og deres familier opplever "
        "helhetlige og koordinerte tjenester. Ett lag for helhetlig innsats i praksis.</p>",
        "<p>Fagdagene blir gjennomført slik at ny kunnskap kan drøftes og utprøves i de "
        "geografiske nettverkene, og implementeres for fremtidig drift.</p>"
        "<h2>Tema på fagdagene</h2>"
        "<ul>" + "".join(f"<li>{topic}</li>" for topic in FAGDAG_TOPICS) + "</ul>",
    ),
    (
        "lederstotteprogram",
        "Lederstøtteprogram",
        "<p>Lederstøtte er en viktig del av Samarbeid Sør sitt arbeid med kommunale tjenester.</p>",
        "<p>Tjenester som skal gi god tilpasset hjelp til mennesker med sammensatte problemer "
        "krever en trygg og endringsdyktig ledelse basert på høy grad av tillit, "
        "medarbeiderskap og relasjonskompetanse. Det er viktig at ledelsen sikrer at ulike "
        "utviklingsprogrammer/prosjekter settes inn i en helhet som sammen danner et godt og "
        "trygt faglig fundament for hele tjenesten.</p>"
        "<p>Det gjennomføres 4 dager med ledersamlinger for å styrke ledelsen i arbeidet med "
        "målsetningen om Helhetlig innsats – «Ett lag!». Dette blir organisert som to "
        "enkeltdager og en todagerssamling.</p>"
        "<p>Lederstøtte vil sikre at det jobbes strukturert og planmessig med virksomme "
        "implementeringselementer. Sentralt i programmet vil være å arbeide konkret med å "
        "tilpasse de tiltakene tjenestene trenger for å øke sannsynligheten for at ny "
        "kompetanse, arbeidsform og samhandling på tvers implementeres.</p>"
        "<p>Programmet skal på denne måten bidra til å sikre god kvalitet i organisasjonens "
        "tjenester, godt tilpasset barn, ungdom og familiers behov.</p>"
        "<h2>Ledersamlingene</h2>"
        "<ul><li>Ledersamling 1: Leder som menneske – «forankring for forandring»</li>"
        "<li>Ledersamling 2: Ledelse av Vi-et – «kultur finnes i marinaden»</li></ul>",
    ),
    (
        "geografiske-tverrfaglige-nettverk",
        "Geografiske tverrfaglige nettverk",
        "<p>Tverrfaglige nettverk rigges for å sikre gode faglige og tversektorielle prosesser "
        "underveis og sikre implementering etter avsluttet samarbeid.</p>",
        "<p>Det opprettes fagnettverk av nettverksledere (VIP): gruppeledere som får egen "
        "opplæring i å drifte nettverksgrupper og mulighet for veiledning og oppfølging i en "
        "avtalt frekvens (2 ganger pr. halvår à 1,5–2 timer). Veiledning av nettverksgruppene "
        "gjennomføres på Teams.</p>",
    ),
    (
        "digitale-ressurser",
        "Digitale ressurser",
        "<p>Samarbeid Sør har utviklet www.godtjenestestøtte.no, som blir brukt som "
        "verktøykasse for arbeidet i kommunen og som kommunen fritt kan bruke i etterkant.</p>",
        "<p>Ønsker kommunen egen programside for sitt utviklingsarbeid, kan dette utvikles "
        "med en merkostnad. Siden vil bli forsøkt lagt til www.godtjenestestøtte.no.</p>",
    ),
]


def load_demo_cms() -> HomePage:
    """Build the demo's pages and methods where they are missing; sync the role groups."""
    with transaction.atomic():
        home = ensure_home_page()
        _methods()
        _tools(home)
        ks_page = _network_page(home, KS_NETWORK, "KS Trøndelag")
        finnmark_page = _network_page(home, FINNMARK_NETWORK, "Finnmark 0–24")
        if ks_page is not None:
            _stiklestad(ks_page)
        if finnmark_page is not None:
            _finnmark(finnmark_page)
        consultancy_page = _consultancy_page(home)
        if consultancy_page is not None:
            _programme_topics(consultancy_page)
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


def _finnmark(parent: NetworkPage) -> None:
    """A programme page for each of the four gatherings that has none yet."""
    titles = {
        FINNMARK_GATHERING.format(number=number): number
        for number in range(1, FINNMARK_GATHERINGS + 1)
    }
    gatherings = Gathering.objects.filter(
        network=parent.network, title__in=titles, programme_page__isnull=True
    )
    for gathering in gatherings:
        number = titles[gathering.title]
        first, last = gathering_days(gathering)
        days = [first + datetime.timedelta(days=n) for n in range((last - first).days + 1)]
        sessions: list[tuple[str, dict[str, Any]]] = [
            (
                "session",
                {
                    "day": day,
                    "start": datetime.time.fromisoformat(start),
                    "end": datetime.time.fromisoformat(end),
                    "title": f"{FINNMARK_AGENDA} (dag {position})",
                    "speaker": "",
                    "kind": "plenary",
                    "description": "",
                    "materials": [],
                },
            )
            for position, (day, (start, end)) in enumerate(
                zip(days, FINNMARK_HOURS, strict=False), start=1
            )
        ]
        parent.add_child(
            instance=GatheringProgrammePage(
                title=f"Program: samling {number} ({_span(first, last)})",
                slug=f"samling-{number}",
                gathering=gathering,
                intro=FINNMARK_INTRO.format(number=number),
                programme=sessions,
            )
        )


def _span(first: datetime.date, last: datetime.date) -> str:
    """The gathering's dates as the seed writes them: «28.–29.11.2018»."""
    end = f"{last.day}.{last.month}.{last.year}"
    if first == last:
        return end
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}.–{end}"
    return f"{first.day}.{first.month}.–{end}"


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


def _consultancy_page(home: HomePage) -> ConsultancyPage | None:
    consultancy = Consultancy.objects.filter(slug="samarbeid-sor").first()
    if consultancy is None:
        return None
    page: ConsultancyPage | None = ConsultancyPage.objects.filter(consultancy=consultancy).first()
    if page is None:
        page = home.add_child(
            instance=ConsultancyPage(
                title=consultancy.name,
                consultancy=consultancy,
                intro="<p>Programpakker for kommuner i læringsnettverk.</p>",
            )
        )
    return page


def _programme_topics(parent: ConsultancyPage) -> None:
    """A content page per part of Samarbeid Sør's programme, where it is missing."""
    present = set(ContentPage.objects.child_of(parent).values_list("slug", flat=True))
    for slug, title, intro, body in PROGRAMME_TOPICS:
        if slug in present:
            continue
        parent.add_child(
            instance=ContentPage(title=title, slug=slug, intro=intro, body=[("text", body)])
        )
