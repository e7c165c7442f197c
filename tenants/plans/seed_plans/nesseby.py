"""Seed 001: Unjárga gielda/Nesseby kommune, «Best sammen», 0–24-modellkommune (2018–2020).

The seed gives no codes: milestones are numbered MP1… in the order of its table 3, and
seasons are read as their last day (vår: 30 June, høst: 31 December). The gathering dates
«27.-28.3.2018» and «13.-14.6.2018» are read as 2019, where they fall in the sequence.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

D = datetime.date

MUNICIPALITIES = ("nesseby",)

SPRING_2019, AUTUMN_2019, END = D(2019, 6, 30), D(2019, 12, 31), D(2020, 6, 30)

PLAN = {
    "plan": {
        "title": "Best sammen: samarbeid for barn og unge i Unjárga/Nesseby",
        "owner": "Nesseby kommune",
        "sponsor": "Kommunestyret",
        "leaders": ["Ragnhild Nilsen"],
        "start": D(2018, 9, 1),
        "end": END,
        "background": (
            "Nesseby kommune har som et av sine overordnede mål at kommunen skal være et trygt "
            "samfunn for barn å vokse opp i, og har siden 2011 vært med i prosjektet «Tidlig "
            "intervensjon». Det tverrfaglige samarbeidet kan forbedres ytterligere, og rutinene "
            "må nedfelles slik at systemet ikke er avhengig av den enkelte ansatte. Kommunen "
            "ble våren 2018 forespurt om å være modellkommune for 0–24-satsingen i Finnmark."
        ),
        "purpose": (
            "Nesseby kommune skal arbeide forebyggende og sette inn tiltak tidlig for å gi "
            "alle barn og unge muligheten for å mestre eget liv uavhengig av barnets "
            "forutsetninger."
        ),
        "target_group": ("Utsatte barn og unge i aldersgruppen 0–24 år, samt ansatte og foreldre."),
        "scope": (
            "Når prosjektet avsluttes skal kommunen ha på plass rutiner som sikrer at gode "
            "tiltak igangsettes tidlig og justeres med bakgrunn i en god evalueringspraksis."
        ),
        "references": (
            "0–24-samarbeidet (Helsedirektoratet, Bufdir, Arbeids- og velferdsdirektoratet, "
            "IMDi og Utdanningsdirektoratet); barnekonvensjonen artikkel 3."
        ),
    },
    "approved": {"on": D(2018, 11, 1), "by": "Arbeidsgruppa"},
    "decided_by": "Prosjektledelsen",
    "phases": [
        {
            "name": "Oppstart og prosjektplan",
            "description": "Arbeidsgruppe etableres og prosjektplan ferdigstilles.",
            "start": D(2018, 9, 1),
            "end": D(2018, 10, 31),
        },
        {
            "name": "Kompetanseheving og utprøving",
            "description": "Kommunedag, observasjon, samtaler med barn, pedagogiske verktøy.",
            "start": D(2018, 11, 1),
            "end": AUTUMN_2019,
        },
        {
            "name": "Rutiner og videreføring",
            "description": "Rutiner utarbeides, ansvar plasseres, sak til kommunestyret.",
            "start": D(2020, 1, 1),
            "end": END,
        },
    ],
    "goals": [
        {
            "level": "main",
            "text": "Gjennom tydelige rutiner og kompetanseløft skal Nesseby kommune gjøre "
            "alle ansatte som arbeider med barn og unge i stand til å oppdage og ivareta "
            "utsatte barn og unge på tidligst mulig tidspunkt.",
            "due": END,
        },
        {
            "key": "special",
            "level": "impact",
            "text": "Færre elever i Nesseby har behov for spesialundervisning i skolen",
            "children": [
                {
                    "key": "competence",
                    "level": "outcome",
                    "text": "Ansatte skal få økt kompetanse i sitt arbeid med å identifisere "
                    "og følge opp utsatte barn og unge",
                },
                {
                    "key": "early",
                    "level": "outcome",
                    "text": "Tiltak settes inn tidlig og evalueres kontinuerlig for å gi "
                    "barn/elever det beste utgangspunkt",
                },
            ],
        },
        {
            "key": "school",
            "level": "impact",
            "text": "90 % av elevene fra Nesseby kommune skal gjennomføre videregående skole "
            "innen 5 år",
            "target": Decimal("90"),
            "unit": "%",
            "children": [
                {
                    "key": "tools",
                    "level": "outcome",
                    "text": "Ansatte skal få økt kompetanse til å ta i bruk de ulike "
                    "pedagogiske verktøyene som angår sosial kompetanse",
                },
                {
                    "key": "choices",
                    "level": "outcome",
                    "text": "Barn og elever i Nesseby skal gis verktøy for å gjøre gode valg "
                    "og mestre eget liv",
                },
            ],
        },
        {
            "key": "understanding",
            "level": "impact",
            "text": "Økt forståelse for samarbeidende parter",
            "children": [
                {
                    "key": "together",
                    "level": "outcome",
                    "text": "Tverrfaglig samarbeid gir barn og unge støtte og hjelp på tidlig "
                    "tidspunkt",
                },
            ],
        },
    ],
    "measures": [
        {
            "text": "Kompetanseheving innenfor profesjonell observasjon og samtaler med barn",
            "goals": ["competence"],
        },
        {"text": "Ansatte skal ta relevant videreutdanning", "goals": ["early"]},
        {
            "text": "Pedagogiske verktøy: Mitt valg i barnehagen, Zippys venner 1.–4. trinn, "
            "How to hybel på ungdomstrinnet; PALS som pedagogisk plattform på hele "
            "oppvekstsenteret",
            "goals": ["tools"],
            "responsible": "Ledelsen på oppvekstsenteret",
        },
        {"text": "Kommunen skal øke tilgangen på støttekontakter", "goals": ["choices"]},
        *(
            {"text": text, "goals": ["together"]}
            for text in (
                "Systematisere gjeldende rutiner og ta disse aktivt i bruk",
                "Ansatte gjøres kjent med hverandres lovverk",
                "Ansatte gjøres kjent med hverandres arbeidsmetoder og saksgang",
                "Utarbeide rutine for tverrfaglig observasjon",
                "Utarbeide rutine for «Tidlig innsats team» der problemstillinger løftes frem",
                "Foreldre involveres på tidlig tidspunkt der bekymring oppstår",
            )
        ),
    ],
    # Section 3 Milepæler og tiltak.
    "milestones": [
        {
            "code": code,
            "title": title,
            "due": due,
            "criterion": criterion,
            "responsible": responsible,
        }
        for code, title, due, criterion, responsible in (
            (
                "MP1",
                "Etablere arbeidsgruppe",
                D(2018, 9, 30),
                "Møte vår 2018. Deltakere utpekt.",
                "Koordinator",
            ),
            (
                "MP2",
                "Ferdigstille prosjektplan",
                D(2018, 11, 1),
                "Arbeidsgruppemøter, prosjektledelsesmøter, prosjektnettverk",
                "Prosjektledelsen",
            ),
            ("MP3", "Kompetanseheving: kommunedag om barnekonvensjonen", D(2019, 2, 28), "", ""),
            (
                "MP4",
                "Pedagogiske verktøy tas i bruk",
                SPRING_2019,
                "",
                "Ledelsen på oppvekstsenteret, pedagogene",
            ),
            ("MP5", "Kompetanseheving: observasjon", SPRING_2019, "", ""),
            ("MP6", "Underveisvurdering vår 2019", SPRING_2019, "", "Arbeidsgruppa"),
            ("MP7", "Kompetanseheving: samtaler med barn", AUTUMN_2019, "", ""),
            (
                "MP8",
                "Tverrfaglig observasjon innføres som rutine",
                AUTUMN_2019,
                "Prøvd ut i barnehagen først; rutiner utarbeidd",
                "",
            ),
            (
                "MP9",
                "Tverrfaglig samarbeidsform vedtas i kommunestyret",
                D(2020, 6, 1),
                "Prosjektet forbereder sak til kommunestyret",
                "Arbeidsgruppa",
            ),
            ("MP10", "Underveisvurdering vår 2020", END, "", "Arbeidsgruppa"),
            ("MP11", "Rapportering", END, "", ""),
            (
                "MP12",
                "Videreføring av prosjektet sikres",
                END,
                "Rutiner utarbeides, ansvar plasseres",
                "Arbeidsgruppa",
            ),
            ("MP13", "Sluttvurdering", END, "", "Prosjektledelsen"),
        )
    ],
    "decision_points": [
        ("BP1", "Prosjektplan godkjent", D(2018, 11, 1), "Første utkast fra arbeidsgruppa"),
        (
            "BP2",
            "Tverrfaglig samarbeidsform vedtatt i kommunestyret",
            D(2020, 6, 1),
            "Sak forberedt av arbeidsgruppa",
        ),
    ],
    "activities": [
        {
            "code": code,
            "name": name,
            "start_month": first,
            "end_month": last,
            "milestones": linked,
            "responsible": responsible,
        }
        for code, name, first, last, linked, responsible in (
            (
                "HA01",
                "Etablere arbeidsgruppe",
                D(2018, 9, 1),
                D(2018, 9, 1),
                ["MP1"],
                "Koordinator",
            ),
            (
                "HA02",
                "Ferdigstille prosjektplan",
                D(2018, 9, 1),
                D(2018, 10, 1),
                ["MP2"],
                "Prosjektledelsen",
            ),
            ("HA03", "Læringsnettverk", D(2018, 11, 1), D(2019, 10, 1), [], "Arbeidsgruppa"),
            ("HA04", "Kommunedag: barnekonvensjonen", D(2019, 2, 1), D(2019, 2, 1), ["MP3"], ""),
            (
                "HA05",
                "Pedagogiske verktøy tas i bruk",
                D(2019, 1, 1),
                D(2019, 6, 1),
                ["MP4"],
                "Ledelsen på oppvekstsenteret",
            ),
            ("HA06", "Kompetanseheving: observasjon", D(2019, 1, 1), D(2019, 6, 1), ["MP5"], ""),
            (
                "HA07",
                "Kompetanseheving: samtaler med barn",
                D(2019, 8, 1),
                D(2019, 12, 1),
                ["MP7"],
                "",
            ),
            (
                "HA08",
                "Tverrfaglig observasjon: prøve ut i barnehagen, utarbeide rutiner",
                D(2019, 8, 1),
                D(2019, 12, 1),
                ["MP8"],
                "",
            ),
            (
                "HA09",
                "Videreføring, sluttvurdering og sak til kommunestyret",
                D(2020, 1, 1),
                D(2020, 6, 1),
                ["MP9", "MP12", "MP13"],
                "Arbeidsgruppa",
            ),
        )
    ],
    # Section 4.2 Risikovurdering (S, K), titled by the KSF of section 4.1.
    "risks": [
        {"key": str(n), "title": title, "likelihood": s, "consequence": k}
        for n, title, s, k in (
            (1, "Koordinator utfører ikke sine arbeidsoppgaver", 1, 2),
            (2, "Prosjektet forankres ikke blant ansatte", 4, 4),
            (3, "Medlemmer i arbeidsgruppa tar ikke sitt ansvar", 2, 2),
            (4, "Brukerstemmen tas ikke med i prosjektarbeidet", 3, 4),
        )
    ],
    # Section 4.1 KSF (priority 3 to 1, 3 most important) and 4.3 measures.
    "success_factors": [
        {
            "priority": 1,
            "text": "Koordinator utfører ikke sine arbeidsoppgaver",
            "sub_points": [
                "Ingen arbeidsgruppemøter",
                "Arbeid med prosjekt stopper opp",
                "Kommunen får ikke system for sine rutiner",
            ],
            "risks": ["1"],
        },
        {
            "priority": 3,
            "text": "Prosjektet forankres ikke blant ansatte",
            "sub_points": [
                "Ingen fremdrift",
                "Rutiner tas ikke i bruk",
                "Utsatte barn og unge fanges opp sent",
            ],
            "measure": "Prosjektet forankres gjennom hyppig informasjon til ansatte. Tiltakene "
            "bygger på ansattes erfaringer og meldte behov. Evaluering av tiltak må være punkt "
            "på underveisvurdering.",
            "risks": ["2"],
        },
        {
            "priority": 1,
            "text": "Medlemmer i arbeidsgruppa tar ikke sitt ansvar",
            "sub_points": ["Mister det tverrfaglige fokuset", "Tiltak blir ikke gjennomført"],
            "risks": ["3"],
        },
        {
            "priority": 2,
            "text": "Brukerstemmen tas ikke med i prosjektarbeidet",
            "sub_points": [
                "Tiltak treffer ikke målgruppen",
                "Ansatte mangler nødvendig kompetanse",
                "Store utskiftninger i personalgruppa",
            ],
            "measure": "Prosjektledelsen og arbeidsgruppa må være bevisst målsettingen ved "
            "utvalg av ressurspersoner. Evaluering av tiltak må være punkt på "
            "underveisvurdering.",
            "risks": ["4"],
        },
    ],
    # Section 1.7 Økonomi.
    "budget_lines": [
        *(
            {"kind": "grant", "label": "Tildeling 0–24", "amount": Decimal("300000"), "period": p}
            for p in ("2018/19", "2019/20")
        ),
        *(
            {"kind": "cost", "label": label, "amount": Decimal("150000"), "period": p}
            for p in ("2018/19", "2019/20")
            for label in ("Frikjøp koordinator", "Reiser")
        ),
    ],
    "bodies": [
        {
            "key": "leadership",
            "kind": "steering",
            "name": "Prosjektledelse",
            "mandate": "Utarbeide prosjektplan i henhold til innspill fra arbeidsgruppa; "
            "forankringsarbeid i alle ledd; vurdere tiltak; være pådriver; rapportere.",
            "members": [
                {"name": "Virksomhetsleder oppvekstsenteret", "role": "Prosjektledelse"},
                {"name": "Inspektør", "role": "Prosjektledelse"},
                {
                    "name": "Ragnhild Nilsen",
                    "title": "Barnehagestyrer",
                    "role": "Koordinator",
                },
            ],
        },
        {
            "key": "working",
            "kind": "working",
            "name": "Arbeidsgruppe",
            "mandate": "Prioritere prosjektet gjennom å delta i møter; bidra med faglig "
            "kompetanse; utarbeide rutiner; vurdere tiltak; delta i læringsnettverket.",
            "members": [
                {"name": name, "role": "Representant"}
                for name in (
                    "Barnevern",
                    "PPT",
                    "Helsesøster",
                    "Inspektør",
                    "Barnehagestyrer",
                    "Virksomhetsleder oppvekstsenteret",
                )
            ],
        },
        {
            "key": "resource",
            "kind": "resource",
            "name": "Ressursgruppe",
            "mandate": "Gi innspill på prosjektets tiltak og involvere den gruppen de "
            "representerer.",
            "members": [
                {"name": name, "role": "Ressursperson"}
                for name in (
                    "Barn i barnehagen",
                    "Elever i skolen",
                    "Foreldre med erfaring med hjelpeapparatet",
                    "Ansatte i kommunen",
                    "Eksterne",
                )
            ],
        },
    ],
    # Section 3.1 Møter.
    "meeting_series": [
        {
            "key": key,
            "name": name,
            "frequency": frequency,
            "agenda": agenda,
            "participants": participants,
            "body": body,
        }
        for key, name, frequency, agenda, participants, body in (
            (
                "working",
                "Arbeidsgruppe",
                "En gang i måneden",
                "Progresjon i prosjektet",
                "Arbeidsgruppa",
                "working",
            ),
            (
                "leadership",
                "Prosjektledelse på lederteam",
                "En gang i måneden",
                "Videreføre arbeidsgruppas arbeid",
                "Prosjektledelsen",
                "leadership",
            ),
            (
                "resource",
                "Ressursgruppe",
                "Ved behov",
                "Sikre brukermedvirkning",
                "Arbeidsgruppa, ressurspersoner",
                "resource",
            ),
            (
                "network",
                "Læringsnettverk",
                "28.–29.11.2018, 27.–28.3.2019, 13.–14.6.2019, 9.–10.10.2019",
                "Verktøy for god samhandling",
                "Arbeidsgruppa",
                "working",
            ),
            (
                "owner",
                "Møte med prosjekteier",
                "Administrasjonssjefens ledermøter",
                "Informere om progresjon i prosjektet",
                "Prosjektledelsen ved virksomhetsleder oppvekstsenter",
                "leadership",
            ),
            (
                "staff",
                "Møte med ansatte",
                "Månedlig på personalmøter",
                "Forankre prosjektet hos de som har direkte kontakt med barn, unge og "
                "foreldre; informere om progresjonen",
                "Arbeidsgruppa med sine ansatte",
                "working",
            ),
            (
                "parents",
                "Foreldre",
                "Foreldremøter høst og vår ved oppvekstsenteret",
                "Informere om progresjonen i prosjektet",
                "Koordinator/prosjektledelsen/arbeidsgruppa (ved behov)",
                None,
            ),
            (
                "guidance",
                "Veiledningsmøter med prosjektansvarlig hos Fylkesmannen",
                "Ved behov",
                "",
                "Koordinator, prosjektledelsen, arbeidsgruppa",
                "leadership",
            ),
        )
    ],
    "meetings": [
        {
            "title": "Læringsnettverk, samling",
            "series": "network",
            "held_on": held_on,
            "agenda": "Verktøy for god samhandling",
        }
        for held_on in (D(2018, 11, 28), D(2019, 3, 27), D(2019, 6, 13), D(2019, 10, 9))
    ],
    "report": {
        "summary": "Arbeidsgruppa møtes månedlig. Kommunedagen om barnekonvensjonen er holdt; "
        "pedagogiske verktøy er tatt i bruk i barnehagen.",
        "economy": "Tildelingen dekker frikjøp av koordinator og reiser.",
        "risks": "Forankring blant ansatte er fortsatt den høyeste risikoen (S 4 × K 4).",
    },
}
