"""Seed 003: Steinkjer, formal employer of the KS project «Bedre å være barn i Trøndelag».

A cooperation project of KS, Fylkesmannen and the municipalities of Trøndelag, started
2 January 2019 for two years, ahead of the child welfare reform. The talk names no
milestones: the ones below are the steps it describes (start, the first competence bases
after seven weeks, the joint gathering at Stiklestad, structures in place by the end).
"""

from __future__ import annotations

import datetime

D = datetime.date

MUNICIPALITIES = ("steinkjer",)

PLAN = {
    "plan": {
        "title": "Bedre å være barn i Trøndelag – et felles ansvar",
        "owner": "KS",
        "sponsor": "Steinkjer kommune (formell arbeidsgiver)",
        "leaders": ["Ingunn L. Susegg", "Kari Røstad", "Lene Munkeby"],
        "start": D(2019, 1, 2),
        "end": D(2020, 12, 31),
        "background": (
            "Kvalitets- og strukturreformen i barnevernet (Prop. 73 L (2016–2017)): "
            "forebygging, samordning og samarbeid mellom tjenester for barn og unge styrkes "
            "slik at flere barn får rett hjelp til rett tid. Arbeidet startet i 2015."
        ),
        "purpose": (
            "Bygge strukturer slik at kommunene er i stand til å ivareta oppgavene når "
            "reformen trer i kraft, og prøve ut arbeidsmåter og tiltak på tvers av "
            "kommunegrenser og kommunale tjenester."
        ),
        "target_group": "Barn, unge og deres familier i Trøndelag.",
        "scope": "Oppstart i Innherred og Namdalen, med utgangspunkt i barneverntjenestene: "
        "7 barneverntjenester, 19 kommuner.",
    },
    "approved": {"on": D(2019, 1, 2), "by": "Rådmannsutvalget i Trøndelag"},
    "decided_by": "Rådmannsutvalget i Trøndelag",
    "phases": [
        {
            "name": "Oppstart i Innherred og Namdalen",
            "description": "Kompetansebaser med utgangspunkt i barneverntjenestene.",
            "start": D(2019, 1, 2),
            "end": D(2019, 12, 31),
        },
        {
            "name": "Hele Trøndelag",
            "description": "Praktiske løsninger for hele Trøndelag, uavhengig av kommunegrenser.",
            "start": D(2020, 1, 1),
            "end": D(2020, 12, 31),
        },
    ],
    "goals": [
        {
            "level": "main",
            "text": "Gjennom systematisk og koordinert samarbeid opplever barn, unge og deres "
            "familier å få rett hjelp til rett tid.",
            "children": [
                {"level": "sub", "text": text}
                for text in (
                    "Ledelse og styring",
                    "Samarbeid med andre tjenester, lavterskeltilbud i kommunene",
                    "Kartlegging, undersøkelse og utredning",
                    "Hjemmebaserte utviklingstiltak",
                    "Familieråd/nettverksarbeid",
                    "Barns medvirkning (Mitt Liv)",
                    "Videreutvikling av beredskap i barnevernet",
                )
            ],
        },
    ],
    "measures": [
        {"text": text, "responsible": "Kompetansebasene"}
        for text in (
            "Hjemmebaserte tiltak – veiledning av foreldre",
            "Veiledning av fosterhjem",
            "Oppfølging av foreldre som har mistet omsorgen",
            "«Skreddersøm»: tilpasse tiltak til barnets og familiens behov",
        )
    ],
    "milestones": [
        ("MP1", "Prosjektet startet", D(2019, 1, 2), "Prosjektgruppe og styringsgruppe på plass"),
        (
            "MP2",
            "Kompetansebasene i Innherred og Namdalen i gang",
            D(2019, 2, 20),
            "7 uker – 18 henvendelser – 7 familier (9 barn)",
        ),
        (
            "MP3",
            "Felles samling for helseledernettverket og barnehage- og skolenettverket",
            D(2019, 4, 24),
            "Stiklestad",
        ),
        (
            "MP4",
            "Kompetansebaser for hele Trøndelag",
            D(2020, 6, 30),
            "Namdalen, Innherred, Kystregionen, Trondheimsregionen, Fjellregionen",
        ),
        (
            "MP5",
            "Strukturer klare for barnevernsreformen",
            D(2020, 12, 31),
            "Kommunene kan ivareta oppgavene når reformen trer i kraft",
        ),
    ],
    "decision_points": [
        ("BP1", "Oppstart i Innherred og Namdalen", D(2019, 1, 2), "Prosjektplan"),
        ("BP2", "Videreføring til hele Trøndelag", D(2019, 12, 1), "Erfaringer fra oppstarten"),
    ],
    "activities": [
        {
            "code": "HA01",
            "name": "Kompetansebaser i Innherred og Namdalen",
            "purpose": "Samle kompetanse og prøve ut tiltak som hver kommune ikke kan alene",
            "start_month": D(2019, 1, 1),
            "end_month": D(2019, 12, 1),
            "milestones": ["MP2"],
        },
        {
            "code": "HA02",
            "name": "Kompetansebaser i Kystregionen, Trondheimsregionen og Fjellregionen",
            "start_month": D(2020, 1, 1),
            "end_month": D(2020, 6, 1),
            "milestones": ["MP4"],
        },
        {
            "code": "HA03",
            "name": "Treffpunkter med nettverkene (referansegruppen)",
            "purpose": "Barnevernledernettverket, barnehage- og skoleledernettverket",
            "start_month": D(2019, 1, 1),
            "end_month": D(2020, 12, 1),
            "milestones": ["MP3"],
        },
    ],
    "bodies": [
        {
            "key": "steering",
            "kind": "steering",
            "name": "Styringsgruppe: Rådmannsutvalget i Trøndelag",
            "mandate": "Styrer prosjektet.",
            "members": [{"name": "Rådmannsutvalget i Trøndelag"}],
        },
        {
            "key": "project",
            "kind": "project",
            "name": "Prosjektgruppe",
            "mandate": "Gjennomfører prosjektet.",
            "members": [
                {"name": name, "role": "Medlem"}
                for name in ("Ingunn L. Susegg", "Kari Røstad", "Lene Munkeby")
            ],
        },
        {
            "key": "extended",
            "kind": "other",
            "name": "Utvidet prosjektgruppe",
            "mandate": "Prosjektgruppa, prosjekteier, Fylkesmannen og arbeidsgiver.",
            "members": [
                {"name": name}
                for name in (
                    "Prosjektgruppa",
                    "KS",
                    "Fylkesmannen i Trøndelag",
                    "Steinkjer kommune",
                )
            ],
        },
        {
            "key": "reference",
            "kind": "reference",
            "name": "Referansegruppe",
            "mandate": "Møtene og treffpunktene med barnevernledernettverket, barnehage- og "
            "skoleledernettverket og andre interessenter.",
            "members": [],
        },
    ],
    "meetings": [
        {
            "title": "Felles samling for helseledernettverket og barnehage- og "
            "skolenettverket i Trøndelag, Stiklestad",
            "held_on": D(2019, 4, 24),
            "body": "reference",
            "agenda": "Kommuneeksempler og gruppeoppgaver: «Skape bedre tjenester for barn og "
            "unge»",
            "attendees": ["Kenneth Arntzen", "Marianne Vollen", "Lasse Arntsen"],
        },
    ],
    "report": {
        "summary": "Kompetansebasene i Innherred og Namdalen er i drift; erfaringene tas med "
        "til resten av Trøndelag.",
        "economy": "Ingen avvik.",
        "risks": "Ingen nye risikoer.",
    },
}
