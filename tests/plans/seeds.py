"""Plan data taken from the seed plans in ../shared/seeds/ (000: Nordre Land, 001: Nesseby).

Built through the services, so the seed plans themselves prove the rules accept them.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from samla.accounts.models import User
from tenants.plans import services
from tenants.plans.models import Plan

D = datetime.date

NORDRE_LAND_PLAN = {
    "title": "Barn/unge og tverrfaglig samarbeid",
    "owner": "Rådmann",
    "sponsor": "TO-leder Velferd",
    "leaders": ["Synnøve Flått"],
    "start": D(2017, 9, 1),
    "end": D(2018, 8, 31),
    "purpose": (
        "Tydelig ansvar og rolleavklaring i og mellom enhetene, og målrettet samhandling "
        "mellom enheter/avdelinger i kommunen om tjenester og virkemidler til beste for "
        "barns levekår."
    ),
}

# Section 4.3 Milepæler.
NORDRE_LAND_MILESTONES = [
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
]

# Section 4.1 Beslutningspunkter (BP5 falls after the plan's end, as in the seed).
NORDRE_LAND_DECISION_POINTS = [
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
]

# Section 6.1/6.2: main activities and their months, with the milestones they lead to.
NORDRE_LAND_ACTIVITIES = [
    ("HA01", "Planlegge", D(2017, 9, 1), D(2017, 9, 1), ["MP1"]),
    ("HA02", "Oppstart av prosjekt", D(2017, 10, 1), D(2017, 10, 1), []),
    ("HA03", "Kartleggingsarbeid", D(2017, 11, 1), D(2017, 11, 1), ["MP2"]),
    ("HA04", "Avklare forholdet til andre prosjekter", D(2017, 11, 1), D(2017, 11, 1), ["MP3"]),
    ("HA10", "Avslutte prosjektet", D(2018, 8, 1), D(2018, 8, 1), ["MP8"]),
]

# Section 5.1 Kritiske risikofaktorer: S, K, measure.
NORDRE_LAND_RISKS = [
    ("Prosjektleder syk eller slutter", 1, 4, "Ny prosjektleder engasjeres"),
    (
        "Enhetene mangler tid til å delta i kartleggingsarbeidet",
        2,
        4,
        "Styringsgruppa må beslutte økt deltaktivitet fra berørte enheter",
    ),
]

# Section 7.1 Økonomi: costs; "Finansieringen er ikke avklart".
NORDRE_LAND_COSTS = [
    ("Prosjektleder, lønn + sosiale utgifter", Decimal("150000")),
    ("Reiseutgifter", Decimal("20000")),
    ("Møte- og konferanseutgifter", Decimal("20000")),
    ("Andre utgifter", Decimal("10000")),
    ("Bruk av ekstern kompetanse", Decimal("30000")),
]

NORDRE_LAND_STEERING_GROUP = [
    ("Rådmann", "Rådmann"),
    ("Tjenesteområdeleder Velferd", "Tjenesteområdeleder"),
    ("Tjenesteområdeleder barnehage", "Tjenesteområdeleder"),
    ("Tjenesteområdeleder grunnskole", "Tjenesteområdeleder"),
    ("Rektor Dokka Videregående skole", "Rektor"),
]

NESSEBY_PLAN = {
    "title": "Best sammen: samarbeid for barn og unge i Unjárga/Nesseby",
    "owner": "Nesseby kommune",
    "leaders": ["Ragnhild Nilsen"],
    "start": D(2018, 9, 1),
    "end": D(2020, 6, 30),
}

# Section 4.2 Risikovurdering (S, K) and 4.1 KSF texts.
NESSEBY_RISKS = [
    ("Koordinator utfører ikke sine arbeidsoppgaver", 1, 2),
    ("Prosjektet forankres ikke blant ansatte", 4, 4),
    ("Medlemmer i arbeidsgruppa tar ikke sitt ansvar", 2, 2),
    ("Brukerstemmen tas ikke med i prosjektarbeidet", 3, 4),
]


def build_nordre_land_plan(user: User) -> Plan:
    """The Nordre Land plan (seed 000), as far as the seed fills it in."""
    plan = services.create_plan(user, NORDRE_LAND_PLAN)
    milestones = {}
    for code, title, due, criterion in NORDRE_LAND_MILESTONES:
        milestones[code] = services.create_milestone(
            plan, user, {"code": code, "title": title, "due": due, "criterion": criterion}
        )
    for code, title, due, basis in NORDRE_LAND_DECISION_POINTS:
        services.create_decision_point(
            plan, user, {"code": code, "title": title, "due": due, "basis": basis}
        )
    for code, name, first, last, linked in NORDRE_LAND_ACTIVITIES:
        services.create_activity(
            plan,
            user,
            {
                "code": code,
                "name": name,
                "start_month": first,
                "end_month": last,
                "milestones": [milestones[c].pk for c in linked],
            },
        )
    for title, likelihood, consequence, measure in NORDRE_LAND_RISKS:
        services.create_risk(
            plan,
            user,
            {
                "title": title,
                "likelihood": likelihood,
                "consequence": consequence,
                "measure": measure,
            },
        )
    for label, amount in NORDRE_LAND_COSTS:
        services.create_budget_line(
            plan, user, {"kind": "cost", "label": label, "amount": amount, "period": "2017–2018"}
        )
    services.create_body(
        plan,
        user,
        {
            "kind": "steering",
            "name": "Styringsgruppe",
            "mandate": "Beslutter ved beslutningspunktene og følger framdriften.",
            "members": [
                {"name": n, "title": t, "role": "Medlem"} for n, t in NORDRE_LAND_STEERING_GROUP
            ],
        },
    )
    return plan


def build_nesseby_plan(user: User) -> Plan:
    """The Nesseby plan (seed 001) with its risk assessment."""
    plan = services.create_plan(user, NESSEBY_PLAN)
    for title, likelihood, consequence in NESSEBY_RISKS:
        services.create_risk(
            plan, user, {"title": title, "likelihood": likelihood, "consequence": consequence}
        )
    return plan
