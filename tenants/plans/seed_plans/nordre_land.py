"""Seed 000: Nordre Land kommune, «Barn/unge og tverrfaglig samarbeid» (2017–2018)."""

from __future__ import annotations

import datetime
from decimal import Decimal

D = datetime.date

MUNICIPALITIES = ("nordre-land",)

PLAN = {
    "plan": {
        "title": "Barn/unge og tverrfaglig samarbeid",
        "owner": "Rådmann",
        "sponsor": "TO-leder Velferd",
        "leaders": ["Synnøve Flått"],
        "start": D(2017, 9, 1),
        "end": D(2018, 8, 31),
        "background": (
            "Som en konsekvens av Fylkesmannens innsyn i Land barnevernstjeneste høsten 2016 "
            "ble det iverksatt et prosjekt for forbedringer «lovlige og forsvarlige tjenester». "
            "Delprosjekt 2, målretta samhandling mellom barnevernet og andre avdelinger, ble "
            "avsluttet uten at det ble etablert samarbeidsfora og -rutiner. Kommunene besluttet "
            "å videreføre delprosjektet i egen regi i egen kommune."
        ),
        "purpose": (
            "Tydelig ansvar og rolleavklaring i og mellom enhetene, og målrettet samhandling "
            "mellom enheter/avdelinger i kommunen om tjenester og virkemidler til beste for "
            "barns levekår."
        ),
        "target_group": "Barn, unge og familier, og enhetene som arbeider med dem.",
        "scope": (
            "Prosjektets oppgave er å kartlegge og utarbeide rutiner og samarbeidsavtaler. "
            "Iverksetting/implementering blir hovedjobben i etterkant og utføres av ledere og "
            "tillitsvalgte. Rutinene kvalitetssikres som del av internkontrollsystemet. "
            "Finansieringen er ikke avklart."
        ),
        "references": (
            "Kommuneplanens visjon «Ekte landsbyliv og levende grender med åpenhet, nærhet og "
            "skaperglede»; kommuneplanens samfunnsdel; rus- og kriminalpolitisk handlingsplan; "
            "handlingsplan mot vold i nære relasjoner."
        ),
    },
    "approved": {"on": D(2017, 11, 6), "by": "Styringsgruppa"},
    "phases": [
        {
            "name": "Fase 1: Innledende kartlegging",
            "description": "På individnivå mellom enhet og barn/unge/familie, mellom flere "
            "enheter, og på systemnivå mellom enheter.",
            "start": D(2017, 9, 1),
            "end": D(2018, 1, 31),
        },
        {
            "name": "Fase 2: Utarbeide nødvendige samarbeidsavtaler/-rutiner",
            "description": "I tett samarbeid med de berørte enhetene; avklare metoder for "
            "samhandling og BUF sin rolle.",
            "start": D(2017, 12, 1),
            "end": D(2018, 3, 31),
        },
        {
            "name": "Fase 3: Forankring og implementering",
            "description": "Lederansvaret må være tydelig, der ledelsen følger opp og "
            "etterspør resultat.",
            "start": D(2018, 4, 1),
            "end": D(2018, 8, 31),
        },
        {
            "name": "Fase 4: Evaluering",
            "description": "Første evaluering gjennomføres innen 15.12.2018.",
            "start": D(2018, 9, 1),
            "end": D(2018, 12, 15),
        },
    ],
    "goals": [
        {
            "level": "vision",
            "text": "Ekte landsbyliv og levende grender med åpenhet, nærhet og skaperglede.",
        },
        {
            "key": "main",
            "level": "main",
            "text": "Tydelig ansvar og rolleavklaring i og mellom enhetene, og målrettet "
            "samhandling mellom enheter/avdelinger i kommunen om tjenester og virkemidler til "
            "beste for barns levekår.",
            "due": D(2018, 8, 31),
            "children": [
                {
                    "level": "outcome",
                    "text": "Samhandlingsfora og samhandlingsrutiner avklares og etableres med "
                    "og mellom avdelinger i kommunen, og med Dokka videregående skole, med fokus "
                    "på forebyggende og tverrfaglig samarbeid.",
                    "due": D(2018, 8, 31),
                },
                {
                    "level": "sub",
                    "text": "Riktig antall barn/unge/familier får bistand fra barnevernstjenesten.",
                },
                {
                    "level": "sub",
                    "text": "Alle enheter som jobber med barn/unge/familien blir gode på å "
                    "avdekke behov og iverksette nødvendige tidlige tiltak.",
                },
                {
                    "level": "sub",
                    "text": "Når behov avdekkes, blir berørte enheter gode på å samarbeide til "
                    "barnet/familiens beste.",
                },
                {
                    "level": "sub",
                    "text": "Resultatet ivaretar også barnevernsprosjektet «forsvarlige "
                    "barnevernstjenester».",
                },
            ],
        },
        *(
            {"level": "impact", "text": text, "period": "2–3 år"}
            for text in (
                "Barn og unge har forbedret levekår og vokser opp med riktige offentlige "
                "tjenester til riktig tid.",
                "Barn får rett tiltak til rett tid og av riktig instans.",
                "God samhandlingskompetanse i de enkelte enheter.",
                "God utnytting av samlet fagkompetanse, god ressursbruk og redusert "
                "overlappende ressursbruk.",
                "Kommunens fagkompetanse og arbeidsmetoder brukes ut fra større felles "
                "forståelse på forebyggende arbeid.",
                "Bedret kvalitet på internkontrollsystemet, både i den enkelte enhet og mellom "
                "de administrative nivåene.",
            )
        ),
        *(
            {"level": "work", "text": text, "due": due}
            for text, due in (
                ("Nåsituasjonskartlegging gjennomført", D(2018, 1, 15)),
                (
                    "Omforente samhandlingsmetoder og godkjente samhandlingsrutiner/-avtaler "
                    "foreligger",
                    D(2018, 4, 1),
                ),
                ("Forholdet til andre prosjekt/planer avklart", D(2018, 1, 1)),
                ("BUF sin rolle/funksjon avklart", D(2018, 2, 1)),
                ("Implementeringsplan utarbeidd og godkjent", D(2018, 6, 1)),
                ("Prosjektrapport sluttført", D(2018, 9, 1)),
            )
        ),
    ],
    # Section 4.3 Milepæler.
    "milestones": [
        ("MP1", "Prosjektplan utarbeidd", D(2017, 11, 1), "Styringsgruppas godkjenning"),
        (
            "MP2",
            "Kartlegging av nåsituasjon gjennomført",
            D(2018, 2, 1),
            "Underveisrapport om nåsituasjon behandlet av prosjektgruppa og kommunisert til "
            "styringsgruppa",
        ),
        (
            "MP3",
            "Avklaring av forholdet til andre nevnte prosjekter",
            D(2018, 1, 1),
            "Beskrivelse av avgrensning og samhandling",
        ),
        (
            "MP4",
            "Forslag til samarbeidsavtaler/-rutiner er utarbeidd",
            D(2018, 4, 1),
            "Samarbeidsavtaler og –rutiner oversendt styringsgruppa",
        ),
        (
            "MP5",
            "Forslag til samhandlingsmetoder både på system og indivinivå er utarbeidd",
            D(2018, 4, 1),
            "Forslag til samhandlingsmetoder er oversendt styringsgruppa",
        ),
        (
            "MP6",
            "Forslag til mandat og deltakelse i BUF er utarbeidd",
            D(2018, 1, 15),
            "Forslag til mandat og deltakelse i BUF er oversendt styringsgruppa",
        ),
        (
            "MP7",
            "Plan for implementering er utarbeidd og kommunisert",
            D(2018, 7, 1),
            "Styringsgruppa har besluttet implementeringsplan",
        ),
        ("MP8", "Sluttrapport utarbeidd", D(2018, 8, 15), "Sluttrapport sendt styringsgruppa"),
    ],
    # Section 4.1 Beslutningspunkter (BP5 falls after the plan's end, as in the seed).
    "decision_points": [
        ("BP1", "Prosjektplan godkjent", D(2017, 11, 6), "Forslag til prosjektplan"),
        (
            "BP2",
            "Nye samarbeidsavtaler/-rutiner godkjent",
            D(2018, 4, 1),
            "Prosjektgruppas forslag til rutiner og/eller samarbeidsavtaler",
        ),
        ("BP3", "BUF sin rolle og deltakere godkjent", D(2018, 2, 1), "Prosjektgruppas forslag"),
        (
            "BP4",
            "Implementeringsarbeidet og organisering godkjent",
            D(2018, 6, 1),
            "Prosjektgruppas forslag",
        ),
        ("BP5", "Prosjektrapport godkjent", D(2018, 9, 1), "Prosjektleders sluttrapport"),
    ],
    # Section 6.1 Hovedaktiviteter with the months of 6.2 Aktivitetsplan.
    "activities": [
        {
            "code": "HA01",
            "name": "Planlegge",
            "purpose": "Sørge for at prosjektet er planlagt og kvalitetssikret",
            "tasks": "Planlegge prosjektet; sørge for arbeidsdeling; konkretisere og få "
            "godkjent oppgavene i prosjektet; tiltak for forankring i organisasjonen",
            "result": "Prosjektplan er godkjent. BP1 er gjennomført.",
            "start_month": D(2017, 9, 1),
            "end_month": D(2017, 9, 1),
            "milestones": ["MP1"],
        },
        {
            "code": "HA02",
            "name": "Oppstart av prosjekt",
            "purpose": "Markering av at prosjektet er godkjent og igangsatt",
            "tasks": "Prosjektgruppa har startmøte; plan for kartlegging er utarbeidd; "
            "kartleggingsmateriell er utarbeidd",
            "result": "Informasjon om prosjektet er kommunisert til berørte enheter og på "
            "kommunens hjemmeside; forankringssamling for berørte enheters ledergrupper; "
            "prosjektgruppa har hatt sitt første møte",
            "start_month": D(2017, 10, 1),
            "end_month": D(2017, 10, 1),
            "milestones": [],
        },
        {
            "code": "HA03",
            "name": "Kartleggingsarbeid",
            "purpose": "Avklare nåsituasjon for samhandling på individ- og systemnivå",
            "tasks": "På individnivå mellom enhet og barn/unge/familie: kompetanse, rutiner for "
            "samhandling og dokumentasjon, samtykkeerklæring, kommunikasjon internt. På "
            "individnivå mellom flere enheter: ansvarsfordeling, samarbeidsrutiner/-avtaler, "
            "dokumentasjon. Systemnivå mellom enheter: tilfeldig eller strukturert samarbeid, "
            "samarbeidsavtaler, problemstillinger.",
            "result": "MP2 er gjennomført ved bruk av ulike kartleggingsmetoder (lean, "
            "workshop, SWOT-analyse); referansegruppen involveres",
            "start_month": D(2017, 11, 1),
            "end_month": D(2017, 11, 1),
            "milestones": ["MP2"],
        },
        {
            "code": "HA04",
            "name": "Avklare forholdet til andre prosjekter",
            "purpose": "Avklare avgrensning og overlapping",
            "tasks": "Helsesøstertjenesten «tidlig inn»; barnehage/skole «inkluderende "
            "læringsmiljø»; psykisk helse/rus «kommunalt rusarbeid»; folkehelseprosjektet med "
            "fokus på psykisk helse for barn og ungdom",
            "result": "Avklaringsmøter med de andre prosjektansvarlige er gjennomført. MP3",
            "start_month": D(2017, 11, 1),
            "end_month": D(2017, 11, 1),
            "milestones": ["MP3"],
        },
        {
            "code": "HA05",
            "name": "Avklare forholdet til ulike plandokumenter som det jobbes med",
            "purpose": "Unngå dobbeltarbeid og se helhet i arbeidet med barn og unge",
            "tasks": "Kommuneplanens samfunnsdel; rus- og kriminalpolitisk handlingsplan; "
            "handlingsplan mot vold i nære relasjoner",
            "result": "Beskrivelse og avgrensning foreligger. MP3",
            "start_month": D(2017, 11, 1),
            "end_month": D(2017, 11, 1),
            "milestones": ["MP3"],
        },
        {
            "code": "HA06",
            "name": "Avklaring av samhandlingsmetoder",
            "purpose": "Etablere felles forståelse og lik bruk av noen få samhandlingsmetoder",
            "tasks": "Fagteam, individuell plan, basisgruppe, nettverksmøte, familieplan, "
            "psykososialt team, tverrfaglig team, ansvarsgrupper, instansmøte, ressursteam, "
            "Smart kommunikasjon, Smart oppvekst, styrebasert metode, «Mitt valg», COS-P",
            "result": "Forslag til omforente metoder foreligger og er kommunisert i hele "
            "organisasjonen. MP5",
            "start_month": D(2017, 12, 1),
            "end_month": D(2017, 12, 1),
            "milestones": ["MP5"],
        },
        {
            "code": "HA07",
            "name": "Avklare BUF (Barn og Unge i Fokus)-mandat/funksjon",
            "purpose": "BUF sin rolle i det forebyggende arbeidet er uklar og må avklares",
            "tasks": "Avklare hvilken rolle BUF skal ha og hvem som skal delta",
            "result": "Forslag til mandat og deltakelse er avklart. MP6",
            "start_month": D(2017, 12, 1),
            "end_month": D(2017, 12, 1),
            "milestones": ["MP6"],
        },
        {
            "code": "HA08",
            "name": "Utarbeiding av samarbeidsavtaler og -rutiner",
            "purpose": "Tydeliggjøre hvordan enhetene skal jobbe sammen på individ- og "
            "systemnivå, som del av internkontrollsystemet",
            "tasks": "Utarbeide samarbeidsavtaler og -rutiner gjennom workshop; felles "
            "forståelse av taushetsplikt og opplysningsplikt",
            "result": "Forslag er oversendt styringsgruppa (MP4); felles fagdag om "
            "taushetsplikt og opplysningsplikt januar 2018",
            "start_month": D(2017, 12, 1),
            "end_month": D(2017, 12, 1),
            "milestones": ["MP4"],
        },
        {
            "code": "HA09",
            "name": "Utarbeide plan for implementering av nye rutiner og samarbeid",
            "purpose": "Sikre at felles metodikk og besluttede rutiner blir implementert i "
            "ordinær drift i alle enheter",
            "tasks": "Implementering er et klart lederansvar; administrativ ledelse deltar; "
            "beskrivelse av resultatoppfølging og evaluering",
            "result": "Implementeringsplan er oversendt styringsgruppa for beslutning. MP7",
            "start_month": D(2018, 4, 1),
            "end_month": D(2018, 4, 1),
            "milestones": ["MP7"],
        },
        {
            "code": "HA10",
            "name": "Avslutte prosjektet",
            "purpose": "Tydelig avslutning der prosjektet videreføres i ordinær drift",
            "tasks": "Sluttrapport skrives",
            "result": "Sluttrapport godkjent av PA/SG og overlevert PE. MP8",
            "start_month": D(2018, 8, 1),
            "end_month": D(2018, 8, 1),
            "milestones": ["MP8"],
        },
    ],
    # Section 5.1 Kritiske risikofaktorer: S, K, measure.
    "risks": [
        {
            "title": "Prosjektleder syk eller slutter",
            "likelihood": 1,
            "consequence": 4,
            "measure": "Ny prosjektleder engasjeres",
        },
        {
            "title": "Enhetene mangler tid til å delta i kartleggingsarbeidet",
            "likelihood": 2,
            "consequence": 4,
            "measure": "Styringsgruppa må beslutte økt deltaktivitet fra berørte enheter",
        },
    ],
    # Section 7.1 Økonomi: costs; "Finansieringen er ikke avklart".
    "budget_lines": [
        {"kind": "cost", "label": label, "amount": Decimal(amount), "period": "2017–2018"}
        for label, amount in (
            ("Prosjektleder, lønn + sosiale utgifter", "150000"),
            ("Reiseutgifter", "20000"),
            ("Møte- og konferanseutgifter", "20000"),
            ("Andre utgifter", "10000"),
            ("Bruk av ekstern kompetanse", "30000"),
        )
    ],
    "bodies": [
        {
            "key": "steering",
            "kind": "steering",
            "name": "Styringsgruppe",
            "mandate": "Beslutter ved beslutningspunktene og følger framdriften. Speiler "
            "behovet for tverrfaglig samarbeid.",
            "members": [
                {"name": name, "title": title, "role": "Medlem"}
                for name, title in (
                    ("Rådmann", "Rådmann"),
                    ("Tjenesteområdeleder Velferd", "Tjenesteområdeleder"),
                    ("Tjenesteområdeleder barnehage", "Tjenesteområdeleder"),
                    ("Tjenesteområdeleder grunnskole", "Tjenesteområdeleder"),
                    ("Rektor Dokka Videregående skole", "Rektor"),
                )
            ],
        },
        {
            "key": "project",
            "kind": "project",
            "name": "Prosjektgruppe",
            "mandate": "De mest berørte enhetene er delaktige i arbeidet og gir gode innspill.",
            "members": [
                {"name": name, "title": title, "role": role}
                for name, title, role in (
                    ("Tove Lillejordet", "Avd.leder helsestasjon", "Medlem"),
                    ("Inger Ellen Ulsaker", "Barnevernsleder", "Medlem"),
                    ("Camilla Gjerdalen", "Barnehagerådgiver", "Medlem"),
                    ("Finn Roger Størseth", "Rektor", "Medlem"),
                    ("Marianne Gulbrandsen", "Kommunepsykolog", "Medlem"),
                    ("Mary Gjeffe", "Avd.leder psykisk helse/rus", "Medlem"),
                    ("Tony Toftum", "Dokka videregående skole", "Medlem"),
                    ("Laila Gladbakke", "Leder PPT", "Medlem"),
                    ("Synnøve Flått", "Prosjektleder (0,4 årsverk)", "Møteleder og sekretær"),
                )
            ],
        },
        {
            "key": "reference",
            "kind": "reference",
            "name": "Referansegruppe",
            "mandate": "Personer på mer operativt nivå som gir innspill underveis, særlig i "
            "fase 2 og 3 og ved avklaring av kartleggingsmetode.",
            "members": [
                {"name": name, "role": "Aktuell deltaker"}
                for name in (
                    "NAV – samarbeid med barn/unges foreldre",
                    "NAV – ungdomsarbeid og SLT-koordinator/ungdomskoordinator",
                    "TO-kultur",
                    "Nordre Land Læringssenter",
                    "Dokka videregående skole – oppfølgingstjenesten",
                    "Kommuneoverlege",
                    "Politi: kriminalforebyggende arbeid og vold i nære relasjoner",
                    "Tilrettelagte tjenester",
                    "Tildelingskontoret",
                    "Politirådet",
                    "Rektorgruppa og ledergruppe barnehage",
                )
            ],
        },
    ],
    "meeting_series": [
        {
            "key": "steering",
            "name": "Styringsgruppemøter",
            "body": "steering",
            "frequency": "Så ofte som nødvendig, ved beslutningspunktene",
            "agenda": "Beslutningspunkter; framdrift og arbeid i prosjektet",
            "participants": "Styringsgruppa, prosjektansvarlig og prosjektleder",
        },
    ],
    # Section 6.2: steering group meetings in November, February, April, June and August.
    "meetings": [
        {
            "title": title,
            "series": "steering",
            "held_on": held_on,
            "decisions": [decision],
        }
        for title, held_on, decision in (
            ("Styringsgruppemøte", D(2017, 11, 6), "BP1 Prosjektplan godkjent"),
            ("Styringsgruppemøte", D(2018, 2, 1), "BP3 BUF sin rolle og deltakere godkjent"),
            ("Styringsgruppemøte", D(2018, 4, 1), "BP2 Nye samarbeidsavtaler/-rutiner godkjent"),
            (
                "Styringsgruppemøte",
                D(2018, 6, 1),
                "BP4 Implementeringsarbeidet og organisering godkjent",
            ),
            ("Styringsgruppemøte", D(2018, 8, 15), "Sluttrapport mottatt"),
        )
    ],
    "report": {
        "summary": "Kartleggingen er gjennomført, og forslag til samarbeidsavtaler og "
        "-rutiner er under arbeid i prosjektgruppa.",
        "economy": "Finansieringen er ikke avklart; kostnadene følger budsjettet.",
        "risks": "Enhetenes tid til å delta i arbeidet følges opp av styringsgruppa.",
    },
}
