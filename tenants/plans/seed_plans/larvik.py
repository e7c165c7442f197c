"""Seed 002: Larvik kommune, «Bedre tverrfaglig innsats» (BTI), prosjektbeskrivelse.

The project runs 1.8.19–31.7.21, but its milestone plan (6.5) starts with the project
organisation on 1.8.18 and ends with sustainable continuation in July 2023: the plan's
period spans the milestone plan, so that every milestone lies inside it. Months are read
as their last day. The seed lumps Fixsen's phases 3–5 together until July 2021; the
phases below divide that span evenly. The seed names no risks and no amounts; the
economy lines say who pays (0 kr: covered by the units' own budgets).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

D = datetime.date

MUNICIPALITIES = ("larvik",)

PLAN = {
    "plan": {
        "title": "Bedre tverrfaglig innsats (BTI) i Larvik kommune",
        "owner": "Larvik kommune",
        "sponsor": "Kommunalsjef KO Jan-Erik Norder",
        "leaders": ["Elin Fosse Stangeby"],
        "start": D(2018, 8, 1),
        "end": D(2023, 7, 31),
        "background": (
            "Forskning og erfaring tilsier at utsatte barn og unge ikke fanges opp tidlig nok, "
            "ikke får den hjelpen de har behov for, og at dårlig samhandling bidrar til brudd i "
            "oppfølgingen. BTI-modellen ble politisk vedtatt implementert med Strategidokument "
            "for 2018."
        ),
        "purpose": (
            "Utvikle og implementere BTI-modellen som verktøy i alle tjenester som retter seg "
            "mot utsatte barn, unge og deres foresatte i Larvik kommune, og se på samhandling "
            "med tjenester og aktører utenfor kommunen."
        ),
        "target_group": "Gravide, barn, unge og foreldre det er knyttet undring eller "
        "bekymring til, og tjenestene som møter dem.",
        "scope": "Prosjektperiode 1.8.2019–31.7.2021; milepælsplanen går fra 1.8.2018 til "
        "bærekraftig videreføring i juli 2023.",
        "references": (
            "Kommuneplanens samfunnsdel; kommunens strategidokument; Plan for helhetlig "
            "oppvekst; Temaplan helse og omsorg; handlingsplaner for radikalisering og "
            "integrering; Kulturplan 2018–2028; kvalitetssystemet (prosjektstyring); «Fra uro "
            "til handling»; barnehageloven, opplæringsloven, helse- og omsorgstjenesteloven, "
            "barnevernloven, pasient- og brukerrettighetsloven, sosialtjenesteloven, "
            "NAV-loven, introduksjonsloven; veilederen «Fra bekymring til handling»."
        ),
    },
    "approved": {"on": D(2018, 12, 1), "by": "Styringsgruppen"},
    "decided_by": "Styringsgruppen",
    # Section 6.3: Fixsen et al. (2005), six phases.
    "phases": [
        {"name": name, "description": description, "start": start, "end": end}
        for name, description, start, end in (
            (
                "Fase 1: Utforsking og adopsjon",
                "Kartlegging, tilrettelegging og tilpasning.",
                D(2018, 8, 1),
                D(2019, 6, 30),
            ),
            (
                "Fase 2: Program/prosjekt – installasjon",
                "Utviklingsfasen.",
                D(2019, 7, 1),
                D(2020, 1, 31),
            ),
            (
                "Fase 3: Innledende implementering",
                "Opplæring og utprøving.",
                D(2020, 2, 1),
                D(2020, 9, 30),
            ),
            ("Fase 4: Full gjennomføring", "", D(2020, 10, 1), D(2021, 3, 31)),
            ("Fase 5: Innovasjon", "", D(2021, 4, 1), D(2021, 7, 31)),
            (
                "Fase 6: Bærekraftig videreføring",
                "Vedlikehold og kvalitetssikring.",
                D(2021, 8, 1),
                D(2023, 7, 31),
            ),
        )
    ],
    "goals": [
        {
            "level": "main",
            "text": "Utsatte barn, unge og deres foresatte opplever at de involveres tidlig ved "
            "bekymring eller undring knyttet til dem. De offentlige tjenestene arbeider "
            "helhetlig og koordinert uten brudd i oppfølgingen med fokus på tidlig innsats.",
            "children": [
                {
                    "level": "outcome",
                    "text": "Brukermedvirkning i utviklingen av samhandlingsmodellen; egen plan "
                    "for brukermedvirkning utarbeides.",
                },
            ],
        },
    ],
    # Section 6.5 Milepælsplan.
    "milestones": [
        ("MP1", "Prosjektorganisasjon opprettet – prosjektleder utpekt", D(2018, 8, 1), ""),
        ("MP2", "Prosjektgruppe utpekt", D(2018, 11, 16), ""),
        ("MP3", "Vedta prosjektbeskrivelse og -mandat", D(2018, 12, 1), ""),
        (
            "MP4",
            "Prosjektplan foreligger og godkjennes i styringsgruppen",
            D(2019, 4, 1),
            "",
        ),
        (
            "MP5",
            "Risikoanalyse er gjennomført og fremlagt styringsgruppen for godkjenning",
            D(2019, 4, 1),
            "",
        ),
        (
            "MP6",
            "Interessentanalyse med strategi for medvirkning lagt frem for styringsgruppen",
            D(2019, 4, 1),
            "",
        ),
        (
            "MP7",
            "Utforskning og adopsjon",
            D(2019, 6, 30),
            "Kartlegging, tilrettelegging og tilpasning",
        ),
        (
            "MP8",
            "Program/prosjekt-installasjon",
            D(2020, 1, 31),
            "Beregnet ferdigstillelse av utviklingsfasen",
        ),
        (
            "MP9",
            "Innledende implementering, full gjennomføring og innovasjon",
            D(2021, 7, 31),
            "Opplæring og utprøving; implementeringsfasen ferdig og over i institusjonalisering",
        ),
        ("MP10", "Bærekraftig videreføring", D(2023, 7, 31), "Vedlikehold og kvalitetssikring"),
    ],
    "decision_points": [
        ("BP1", "Prosjektbeskrivelse og -mandat vedtatt", D(2018, 12, 1), "Prosjektbeskrivelsen"),
        ("BP2", "Prosjektplan godkjent", D(2019, 4, 1), "Prosjektgruppens milepælsplan"),
        (
            "BP3",
            "Kritiske suksessfaktorer og risikogjennomgang godkjent",
            D(2019, 4, 1),
            "Prosjektleders risikogjennomgang (8.1)",
        ),
    ],
    # Sections 5 and 6: the work the description names, on the milestone plan's timeline.
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
                "Etablere prosjektorganisasjon, prosjektgruppe og mandat",
                D(2018, 8, 1),
                D(2018, 12, 1),
                ["MP1", "MP2", "MP3"],
                "Prosjektansvarlig",
            ),
            (
                "HA02",
                "Prosjektplan, risikoanalyse og interessentanalyse",
                D(2019, 1, 1),
                D(2019, 4, 1),
                ["MP4", "MP5", "MP6"],
                "Prosjektleder",
            ),
            (
                "HA03",
                "Kartlegging (arbeidsgruppe kartlegging)",
                D(2019, 1, 1),
                D(2019, 6, 1),
                ["MP7"],
                "Arbeidsgruppe kartlegging",
            ),
            (
                "HA04",
                "KS læringsnettverk",
                D(2019, 1, 1),
                D(2019, 12, 1),
                [],
                "Arbeidsgruppe KS læringsnettverk",
            ),
            ("HA05", "Plan for brukermedvirkning", D(2019, 4, 1), D(2019, 9, 1), [], ""),
            (
                "HA06",
                "Kommunikasjonsplan",
                D(2019, 4, 1),
                D(2019, 9, 1),
                [],
                "Kommunikasjonsrådgiver",
            ),
            (
                "HA07",
                "Digitalt verktøy",
                D(2019, 9, 1),
                D(2020, 1, 1),
                ["MP8"],
                "Arbeidsgruppe digitalt verktøy",
            ),
            ("HA08", "Etablere referansegruppe", D(2019, 9, 1), D(2019, 11, 1), [], ""),
            (
                "HA09",
                "Opplæring og utprøving",
                D(2020, 2, 1),
                D(2021, 7, 1),
                ["MP9"],
                "Prosjektgruppe",
            ),
            (
                "HA10",
                "Vedlikehold og kvalitetssikring",
                D(2021, 8, 1),
                D(2023, 7, 1),
                ["MP10"],
                "Virksomhetene",
            ),
        )
    ],
    # Section 4: what others' evaluations hold up as decisive for success, and 8.2.
    "success_factors": [
        {
            "priority": 1,
            "text": "BTI-kompetanse",
            "sub_points": ["Tidlig identifisering", "Foreldremedvirkning", "Samhandling"],
        },
        {
            "priority": 2,
            "text": "Tiltakskompetanse",
            "sub_points": ["Kjenne til spesifikke modeller og program og se sammenhenger"],
        },
        {
            "priority": 3,
            "text": "Implementeringskompetanse",
            "sub_points": [
                "Tilrettelegging og tilpasning",
                "Opplæring og utprøving",
                "Vedlikehold og kvalitetssikring",
            ],
        },
        {
            "priority": 4,
            "text": "Handlingskompetanse hos den enkelte ansatte",
            "sub_points": ["Regelmessig øving sammen med kolleger under veiledning"],
        },
        {
            "priority": 5,
            "text": "Teambygging: gode relasjoner og lojalitet til prosjektet",
            "measure": "Utfordringer adresseres tidlig og rapporteres til prosjektansvarlig.",
        },
    ],
    # Section 7 Økonomi: who pays; no amounts are given.
    "budget_lines": [
        {"kind": "funding", "label": label, "amount": Decimal("0"), "period": "2019–2021"}
        for label in (
            "Avlønning prosjektleder: KO stab",
            "Prosjektgruppa: virksomhetene bekoster egen deltakelse",
            "Aktiviteter i prosjektet: KO stab",
            "Kommunikasjonsplan: KO stab og kommunikasjonsavdelingen",
        )
    ],
    "bodies": [
        {
            "key": "steering",
            "kind": "steering",
            "name": "Styringsgruppe",
            "mandate": "Det overordnede ansvaret for beslutninger knyttet til prosjektet.",
            "members": [
                {"name": name, "title": title, "role": "Medlem"}
                for title, name in (
                    ("Kommunalsjef KO", "Jan-Erik Norder"),
                    ("Kommunalsjef HO", "Guro Winsvold"),
                    ("Assisterende rådmann", "Ingvild Aartun"),
                    ("Virksomhetsleder Skole", "Tuva Enger"),
                    ("Virksomhetsleder Barnehage", "Sissel Gro Johnson"),
                    ("Virksomhetsleder KIF", "Bård Jacobsen"),
                    ("Virksomhetsleder LLS", "Inger Hjortland"),
                    ("Virksomhetsleder BUT", "Øystein Pedersen"),
                    ("Virksomhetsleder FH", "Odd Ivar Lågøen"),
                    ("Virksomhetsleder VPA", "Åse Kristin Smith-Vestad / Heidi Larsen"),
                    ("Leder NAV Larvik", "Ulf Pedersen"),
                    ("Rådgiver KO stab", "Christian Matre Illman"),
                    ("Prosjektleder BTI", "Elin Fosse Stangeby"),
                )
            ],
        },
        {
            "key": "project",
            "kind": "project",
            "name": "Prosjektgruppe",
            "mandate": "Representerer samtlige tjenesteområder/virksomheter i prosjektet og "
            "bistår prosjektleder i utvikling, implementering, kommunikasjon og forankring. "
            "En halv dag hver andre uke.",
            "members": [
                {"name": name, "unit": unit, "role": "Medlem"}
                for unit, name in (
                    ("Virksomhet Skole", "Tone Langerud"),
                    ("Virksomhet Barnehage", "Heidi Skaug"),
                    ("Virksomhet Barne- og ungdomstjenester", "Hanne Jaerson"),
                    ("Virksomhet Barne- og ungdomstjenester", "Anne Mari Styrvold"),
                    ("Virksomhet Larvik Læringssenter", "Jannicke Lille Haugen"),
                    ("Virksomhet Kultur, idrett og fritid", "Siren Sylta"),
                    ("Virksomhet for funksjonshemmede", "Christina Aares Moe"),
                    ("Virksomhet psykisk helse og avhengighet", "Ingebjørg Anvik Johansen"),
                    ("Fellesfunksjon Stab Kultur og oppvekst", "Christian Matre Illman"),
                    ("Kontaktperson NAV", "Lene Sandvand"),
                    ("Kontaktperson Ergo- og fysioterapitjenester", "Birgit Pedersen"),
                    ("Kontaktperson Tjenestekontoret", "Marit Solhaug"),
                )
            ],
        },
        {
            "key": "reference",
            "kind": "reference",
            "name": "Referansegruppe",
            "mandate": "Planlagt etablert høsten 2019.",
            "members": [],
        },
        {
            "key": "mapping",
            "kind": "working",
            "name": "Arbeidsgruppe kartlegging",
            "mandate": "Delprosjekt innenfor modellen: kartlegging.",
            "members": [
                {"name": name, "unit": unit}
                for name, unit in (
                    ("Elin Fosse Stangeby", "KO stab"),
                    ("Christian Matre Illman", "KO stab"),
                    ("Christian Aares Moe", "Virksomhet funksjonshemmede"),
                    ("Nena Berglund", "Virksomhet funksjonshemmede"),
                    ("Ingebjørg Anvik Johansen", "Virksomhet psykisk helse og avhengighet"),
                    ("Eva Nyborg", "Virksomhet psykisk helse og avhengighet"),
                )
            ],
        },
        {
            "key": "network",
            "kind": "working",
            "name": "Arbeidsgruppe KS læringsnettverk",
            "mandate": "Deltar i KS læringsnettverk.",
            "members": [
                {"name": name, "unit": unit}
                for name, unit in (
                    ("Christian Matre Illman", "KO stab"),
                    ("Jannicke Lille Haugen", "LLS"),
                    ("Marion Hansen", "Larvik mottak"),
                    ("Christina Franksdatter Bøhler", "Skole"),
                    ("Elin Fosse Stangeby", "KO stab"),
                    ("Toril Hovind", "Barnevern"),
                    ("Gunnhild Støvland", "Familiesenter"),
                )
            ],
        },
        {
            "key": "digital",
            "kind": "working",
            "name": "Arbeidsgruppe digitalt verktøy",
            "mandate": "Planlagt oppstart høsten 2019.",
            "members": [
                {"name": name, "unit": unit}
                for name, unit in (
                    ("Elin Fosse Stangeby", "KO stab"),
                    ("Christian Matre Illman", "KO stab"),
                    ("Marit D Manvik", "BUT"),
                    ("Hilde Karterud", "BHG"),
                )
            ],
        },
        {
            "key": "support",
            "kind": "other",
            "name": "Støttefunksjoner",
            "mandate": "Merkantil ressurs og kommunikasjon.",
            "members": [
                {"name": "Stab KO", "role": "Merkantil ressurs"},
                {"name": "Nils Fredrik Lysebo", "title": "Kommunikasjonsrådgiver"},
            ],
        },
    ],
    "meeting_series": [
        {
            "key": "project",
            "name": "Prosjektmøter",
            "body": "project",
            "frequency": "En halv dag hver andre uke",
            "agenda": "Referat i fast mal til alle prosjektgruppemedlemmer og prosjektansvarlig",
            "participants": "Prosjektgruppen og prosjektleder",
        },
        {
            "key": "steering",
            "name": "Styringsgruppemøter",
            "body": "steering",
            "frequency": "Fastsatte møter; statusrapport ved hver milepæl",
            "agenda": "Statusrapport på framdrift og økonomi",
            "participants": "Styringsgruppen",
        },
    ],
    "meetings": [],
    "report": {
        "summary": "Opplæring og utprøving av handlingsveilederen pågår i virksomhetene.",
        "economy": "Innenfor KO stab sitt budsjett.",
        "risks": "Risikogjennomgangen er godkjent i styringsgruppen.",
    },
}
