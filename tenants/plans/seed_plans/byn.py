"""Seed 003: «BTI i BYN», the shared BTI project of Leka, Bindal, Vikna and Nærøy.

From the project leader's talk at the network gathering at Stiklestad, 24 April 2019:
an inter-municipal steering group and project group with local working groups in each
municipality, goals, target groups, a training plan, an information campaign and a plan
for maintenance. Each of the four municipalities holds the shared plan in its own schema.
The talk gives no dates besides the gathering, and no risk scores: the period (three
years up to the gathering's summer) and the dates of its steps, and the likelihood and
consequence of the risks it names under «Hva kunne vi gjort bedre?», are this demo's
assumptions.
"""

from __future__ import annotations

import datetime

D = datetime.date

MUNICIPALITIES = ("leka", "bindal", "vikna", "naeroy")

PLAN = {
    "plan": {
        "title": "BTI i BYN: Bedre tverrfaglig innsats",
        "owner": "BYN-kommunene (Bindal, Leka, Vikna, Nærøy)",
        "sponsor": "Prosjektansvarlig, leder av den interkommunale styringsgruppen",
        "leaders": ["Reidun Gutvik Korssjøen"],
        "start": D(2016, 8, 1),
        "end": D(2019, 7, 31),
        "background": (
            "BYN-prosjektet (2013–2015), et interkommunalt samhandlingsprosjekt mellom "
            "BYN-kommunene og Helse Nord-Trøndelag, ga økt fokus på tidlig innsats for barn og "
            "unge og inkludering av oppvekst på lik linje med helse. For mange barn og unge "
            "glipper: behov avdekkes for seint, og det mangler felles kunnskap, rutiner og "
            "verktøy. Ledelsen oppfattet BTI-modellen som svaret på utfordringene."
        ),
        "purpose": (
            "Sikre tidligere identifisering av barn og unge med hjelpebehov og et bedre "
            "samordnet tverrfaglig hjelpetilbud: ansatte som ser og handler raskt og rett i "
            "samarbeid med den eller de det gjelder."
        ),
        "target_group": (
            "Barn, unge og familier det er knyttet bekymringer til. Først helsestasjon, "
            "barnehage, skole, PPT, barnevern og innvandrings-/flyktningtjenesten; etter hvert "
            "videregående skoler, NAV, rus/psykisk helse, fastlegene og BUP."
        ),
        "scope": "Hovedansvaret for BTI ligger i oppvekstetaten. Felles hjemmeside "
        "www.btiibyn.com med digital handlingsveileder nivå 0–3.",
    },
    "phases": [
        {"name": name, "description": description, "start": start, "end": end}
        for name, description, start, end in (
            (
                "Forankring og organisering",
                "Styringsgruppe, prosjektgruppe og lokale arbeidsgrupper med mandat; mål og "
                "målgrupper.",
                D(2016, 8, 1),
                D(2017, 1, 31),
            ),
            (
                "Felles samarbeidsstruktur",
                "Handlingsveileder, stafettlogg, kartleggingsverktøy, maler, tverrfaglige "
                "møteplasser og rutiner.",
                D(2017, 2, 1),
                D(2017, 12, 31),
            ),
            (
                "Felles kompetanseutvikling og informasjonskampanje",
                "Opplæring, fagdager og informasjon til ansatte, foreldre, barn og unge.",
                D(2018, 1, 1),
                D(2018, 12, 31),
            ),
            (
                "Drift og vedlikehold",
                "«BTI må holdes varmt og sitte i veggene.»",
                D(2019, 1, 1),
                D(2019, 7, 31),
            ),
        )
    ],
    "goals": [
        {
            "level": "main",
            "text": "Kvalitetssikre tidlig, helhetlig og koordinert innsats – uten "
            "oppfølgingsbrudd – ved å etablere en felles samhandlingsmodell.",
            "children": [
                {
                    "level": "outcome",
                    "text": "Tidlig innsats: identifisere og handle ved bekymring og uro for et "
                    "barn eller en ungdom",
                },
                {
                    "level": "outcome",
                    "text": "Tverrfaglig samhandling og samordning av tjenestene: et felles "
                    "sammenhengende system uten oppfølgingsbrudd",
                },
                {
                    "level": "outcome",
                    "text": "Brukermedvirkning: barn, unge og foreldre involveres i samarbeidet "
                    "tidligst mulig",
                },
            ],
        },
    ],
    "milestones": [
        (
            "MP1",
            "Interkommunal styringsgruppe, prosjektgruppe og lokale arbeidsgrupper etablert",
            D(2016, 9, 1),
            "Mandat for gruppene er utarbeidd",
        ),
        (
            "MP2",
            "Hovedmål, effektmål og resultatmål vedtatt",
            D(2016, 11, 1),
            "Resultater fra BTI-undersøkelsen, Ungdata og BUP-tall brukt som utgangspunkt",
        ),
        ("MP3", "Prosjektplan og opplæringsplan utarbeidd", D(2017, 1, 15), ""),
        (
            "MP4",
            "Felles hjemmeside med digital handlingsveileder nivå 0–3",
            D(2017, 9, 1),
            "Samtaleverktøy, skjema og rutiner samlet på www.btiibyn.com",
        ),
        ("MP5", "Stafettlogg tatt i bruk", D(2017, 12, 1), "Stafettholdere utpekt"),
        (
            "MP6",
            "Informasjonskampanje gjennomført",
            D(2018, 6, 1),
            "Personalmøter, foreldremøter, info-brev på fire språk, plakater, www.bynloggen.no",
        ),
        (
            "MP7",
            "Ressurspersoner i hver enhet",
            D(2018, 12, 1),
            "Minimum to ressurspersoner i hver enhet, tverrfaglig BTI-nettverk",
        ),
        (
            "MP8",
            "Plan for vedlikehold og drift vedtatt",
            D(2019, 6, 1),
            "Konkretiserer hvordan hver BTI-tjeneste sikrer vedlikehold",
        ),
    ],
    "decision_points": [
        (
            "BP1",
            "Målgrupper vedtatt",
            D(2016, 12, 1),
            "Styringsgruppens drøfting av målgrupper",
        ),
        (
            "BP2",
            "Hovedansvaret for BTI legges i oppvekstetaten",
            D(2017, 1, 15),
            "Styringsgruppens drøfting",
        ),
        ("BP3", "Plan for vedlikehold og drift godkjent", D(2019, 6, 1), "Prosjektleders forslag"),
    ],
    "activities": [
        {
            "code": "HA01",
            "name": "Felles samarbeidsstruktur: systematikk og verktøy",
            "tasks": "Handlingsveileder; stafettlogg; kartleggingsverktøy; maler for møter, "
            "samtaler og samtykke; tverrfaglige møteplasser (drøftingsteam); rutiner",
            "start_month": D(2017, 2, 1),
            "end_month": D(2017, 12, 1),
            "milestones": ["MP4", "MP5"],
        },
        {
            "code": "HA02",
            "name": "Felles kompetanseutvikling: opplæring",
            "tasks": "Handlingsveileder og stafettlogg; tegn og symptomer; konsekvenser ved å "
            "vokse opp i risiko; holdninger; taushetsplikten i samhandlingsrommet; "
            "undringssamtalen med barn og foreldre",
            "start_month": D(2017, 9, 1),
            "end_month": D(2018, 12, 1),
            "milestones": ["MP7"],
        },
        {
            "code": "HA03",
            "name": "Informasjonskampanje",
            "tasks": "PP-presentasjon til personalmøter og foreldremøter; kampanjeside "
            "www.bynloggen.no; info-brev til alle foreldre (norsk, engelsk, tigrinja og "
            "arabisk); plakater; mediestrategi",
            "start_month": D(2018, 1, 1),
            "end_month": D(2018, 6, 1),
            "milestones": ["MP6"],
        },
        {
            "code": "HA04",
            "name": "Felles fagdager",
            "purpose": "Felles forståelse, språk og kompetanse",
            "start_month": D(2018, 1, 1),
            "end_month": D(2019, 6, 1),
            "milestones": [],
        },
        {
            "code": "HA05",
            "name": "Plan for vedlikehold og drift",
            "tasks": "BTI i planverk, årshjul og faste møter; årlige fagdager; opplæring av "
            "nyansatte; BTI-nettverk to ganger i året",
            "start_month": D(2019, 1, 1),
            "end_month": D(2019, 6, 1),
            "milestones": ["MP8"],
        },
    ],
    "risks": [
        {"key": key, "title": title, "likelihood": s, "consequence": k, "measure": measure}
        for key, title, s, k, measure in (
            (
                "anchoring",
                "Svak forankring og motivasjon nedover i organisasjonen",
                3,
                4,
                "Forankring i øverste ledelse som følger opp og følger med",
            ),
            (
                "information",
                "Manglende løpende informasjon til alle underveis",
                3,
                3,
                "Informasjonskampanje og faste punkter i personalmøter",
            ),
            (
                "resistance",
                "Motstand: bøygen er å komme i gang",
                3,
                3,
                "Sette en tidsfrist for oppstart",
            ),
            (
                "quality",
                "BTI innarbeides ikke i alle ledd, planverk og årshjul",
                2,
                4,
                "Kvalitetssikring: BTI i planverk, årshjul og faste møter",
            ),
            (
                "maintenance",
                "Vedlikehold svikter: repetisjon, øving, nyansatte",
                3,
                4,
                "Årlige fagdager og jevnlig opplæring, også av nyansatte",
            ),
            (
                "time",
                "Prosjektet avsluttes før BTI er implementert (implementering tar 5–7 år)",
                3,
                5,
                "Plan for vedlikehold og drift",
            ),
        )
    ],
    "success_factors": [
        {"priority": n, "text": text, "sub_points": sub, "risks": risks}
        for n, (text, sub, risks) in enumerate(
            (
                ("Bred forankring i ledelsen", [], ["anchoring"]),
                (
                    "Tydelig styringsgruppe og prosjektansvarlig",
                    ["God støtte for prosjektleder"],
                    [],
                ),
                ("Informasjonskampanje", [], ["information"]),
                ("Felles fagdager – felles forståelse, språk og kompetanse", [], []),
                (
                    "Felles verktøy, rutiner og økt faglig trygghet gjennom opplæring og øving",
                    [],
                    ["resistance"],
                ),
                (
                    "Plan for vedlikehold og drift",
                    [
                        "Konkretiserer hvordan hver enkelt BTI-tjeneste kan sikre vedlikehold",
                        "«BTI er ikke et prosjekt som går over. Det har kommet for å bli.»",
                    ],
                    ["quality", "maintenance", "time"],
                ),
            ),
            start=1,
        )
    ],
    "bodies": [
        {
            "key": "steering",
            "kind": "steering",
            "name": "Interkommunal styringsgruppe",
            "mandate": "Ledes av prosjektansvarlig. Drøfter og vedtar hovedmål, effektmål, "
            "resultatmål og målgrupper.",
            "members": [{"name": "Prosjektansvarlig", "role": "Leder"}],
        },
        {
            "key": "project",
            "kind": "project",
            "name": "Interkommunal prosjektgruppe",
            "mandate": "Utarbeider prosjektplan og opplæringsplan, verktøy og rutiner.",
            "members": [
                {"name": "Reidun Gutvik Korssjøen", "title": "Prosjektleder", "role": "Leder"}
            ],
        },
        {
            "key": "local",
            "kind": "working",
            "name": "Lokal arbeidsgruppe",
            "mandate": "Gjennomfører BTI i egen kommune.",
            "members": [],
        },
        {
            "key": "network",
            "kind": "resource",
            "name": "Tverrfaglig BTI-nettverk",
            "mandate": "Minimum to ressurspersoner i hver enhet som bistår øvrige ansatte med "
            "BTI og stafettlogg.",
            "members": [],
        },
    ],
    "meeting_series": [
        {
            "key": "network",
            "name": "BTI-nettverket",
            "body": "network",
            "frequency": "To ganger i året",
            "agenda": "Erfaringer med BTI og stafettlogg",
            "participants": "Ressurspersonene i enhetene",
        },
    ],
    "meetings": [
        {
            "title": "Felles nettverkssamling for ledere i helse og oppvekst, Stiklestad",
            "held_on": D(2019, 4, 24),
            "agenda": "«BTI i BYN»: samhandlingsmodellen Bedre tverrfaglig innsats",
            "attendees": ["Reidun Gutvik Korssjøen"],
        },
    ],
    "report": {
        "summary": "Handlingsveileder og stafettlogg er i bruk; informasjonskampanjen er i "
        "gang i alle fire kommuner.",
        "economy": "Ingen avvik.",
        "risks": "Forankring nedover i organisasjonen må følges opp.",
    },
}
