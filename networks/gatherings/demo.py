"""The demo's gatherings, from the seeds: Stiklestad 24 April 2019 in the KS Trøndelag
network (seed 003: group tasks 1 and 2 as worded there, with answers from Steinkjer and
the BYN municipalities) and the four gatherings of the Finnmark 0–24 network (seed 001:
Nesseby's working group, registrations and evaluation results).

Seed 001 dates the second and third gatherings «27.-28.3.2018» and «13.-14.6.2018»,
listed after 28.–29.11.2018; they are taken as 2019, the order the table gives them.
Idempotent: a gathering that is already there (by network and title) is left as it is.
"""

from __future__ import annotations

import datetime
import random
from zoneinfo import ZoneInfo

from django.db import transaction

from networks.gatherings import services
from networks.gatherings.kinds import TaskKind
from networks.gatherings.models import (
    Answer,
    EvaluationQuestion,
    EvaluationResponse,
    EvaluationSubmission,
    Gathering,
    GroupTask,
    Participant,
    QuestionKind,
    Registration,
)
from networks.models import LearningNetwork, Organiser
from tenants.models import Municipality

OSLO = ZoneInfo("Europe/Oslo")
KS_NETWORK = "ks-trondelag-samhandling"
FINNMARK_NETWORK = "sf-finnmark-0-24"

TASK_1_PROMPT = (
    "Tenk først individuelt i 5 min – hva er mine innspill til hvert av spørsmålene i "
    "analysekrysset? Deretter innlegg fra hvert gruppemedlem etter tur. Refleksjon i gruppa "
    "ledet av ordstyrer. Fordel taletid, pass på at alle kommer til orde. Siste 10 min: Bli "
    "enige om hva hver kommune ønsker at skal stå i hver av rutene."
)
TASK_2_PROMPT = (
    "Hvilke felles grep kan vi (eventuelt) ta i Trøndelag for å styrke det lokale arbeidet? "
    "Her går vi rett på gruppedrøfting."
)
STIKLESTAD_ANSWERS: dict[str, tuple[dict[str, str], str]] = {
    "steinkjer": (
        {
            "satisfied": "Familiens Hus i rådhuset; Ledernetverk for barn og unge siden 2012",
            "satisfied_why": "Tjenestene sitter sammen og møtes jevnlig på ledernivå",
            "improve": "Kunnskapsgrunnlaget: hvor er vi? Felles bilde av utsatte barn",
            "improve_why": "Folkevalgte trenger kunnskap om styrker og svakheter",
            "external": "KS-Konsulent, Fylkesmannen, RKBU",
            "external_why": "Metodestøtte og erfaringer fra andre kommuner",
        },
        "Felles kompetansebase i Trøndelag for BTI og stafettlogg",
    ),
    "vikna": (
        {
            "satisfied": "Tverrfaglig team i barnehage og skole",
            "satisfied_why": "Kortere vei fra bekymring til tiltak",
            "improve": "Felles handlingsveileder på tvers av BYN",
            "improve_why": "Små kommuner: sårbart når én person slutter",
            "external": "Kompetansebase Namdalen",
        },
        "Felles fagdager i Namdalen og deling av rutiner",
    ),
    "leka": (
        {
            "satisfied": "Nærhet mellom tjenestene i en liten kommune",
            "improve": "Rutiner som ikke er avhengige av enkeltpersoner",
            "improve_why": "Mye sitter i hodet på få ansatte",
        },
        "",
    ),
}
FINNMARK_DATES = [
    (datetime.date(2018, 11, 28), datetime.date(2018, 11, 29)),
    (datetime.date(2019, 3, 27), datetime.date(2019, 3, 28)),
    (datetime.date(2019, 6, 13), datetime.date(2019, 6, 14)),
    (datetime.date(2019, 10, 9), datetime.date(2019, 10, 10)),
]
NESSEBY_GROUP = [
    ("Ragnhild Nilsen", "Barnehagestyrer og koordinator", "Oppvekstsenteret"),
    ("Deltaker fra barnevernet", "Barnevernkonsulent", "Barnevernet"),
    ("Deltaker fra PPT", "Rådgiver", "PPT"),
    ("Deltaker fra helsestasjonen", "Helsesykepleier", "Helsestasjonen"),
    ("Deltaker fra skolen", "Inspektør", "Oppvekstsenteret"),
]
EVALUATION = [
    ("Hvor nyttig var samlingen for arbeidet i kommunen?", QuestionKind.SCALE),
    ("Hvor godt fikk dere jobbet med egen prosjektplan?", QuestionKind.SCALE),
    ("Hva tar dere med hjem?", QuestionKind.TEXT),
]
TAKEAWAYS = [
    "Verktøy for god samhandling",
    "Rutine for tverrfaglig observasjon",
    "Tid til å jobbe med prosjektplanen i arbeidsgruppa",
    "Erfaringer fra de andre modellkommunene",
]


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=OSLO)


def _network(slug: str, name: str, organiser: str, region: str) -> LearningNetwork:
    network, _created = LearningNetwork.objects.get_or_create(
        slug=slug, defaults={"name": name, "organiser": organiser, "region": region}
    )
    return network


def _gathering(network: LearningNetwork, title: str, **fields: object) -> Gathering | None:
    """A new gathering, or None when it is already there."""
    if Gathering.objects.filter(network=network, title=title).exists():
        return None
    return Gathering.objects.create(
        network=network, title=title, evaluation_code=services.unique_evaluation_code(), **fields
    )


def load_demo_gatherings() -> None:
    with transaction.atomic():
        _stiklestad()
        _finnmark()


def _stiklestad() -> None:
    network = _network(
        KS_NETWORK,
        "Styrket kvalitet i samhandlingen for utsatte barn og unge",
        Organiser.KS,
        "Trøndelag",
    )
    day = datetime.date(2019, 4, 24)
    gathering = _gathering(
        network,
        "Felles samling for helseledernetverket og barnehage- og skoleledernetverket",
        starts_at=_at(day, 9, 30),
        ends_at=_at(day, 15, 30),
        place="Stiklestad",
        capacity=120,
    )
    if gathering is None:
        return
    closed = _at(day, 14, 0)
    grid = GroupTask.objects.create(
        gathering=gathering,
        order=1,
        title="Gruppeoppgave 1 (50 min) – vårt samarbeid på tvers av oppvekst, helse og velferd",
        kind=TaskKind.GRID,
        prompt=TASK_1_PROMPT,
        closed_at=closed,
    )
    common = GroupTask.objects.create(
        gathering=gathering,
        order=2,
        title="Gruppeoppgave 2 (15 min) – vårt samarbeid på tvers av oppvekst, helse og velferd",
        kind=TaskKind.TEXT,
        prompt=TASK_2_PROMPT,
        closed_at=closed,
    )
    municipalities = {m.slug: m for m in Municipality.objects.filter(slug__in=STIKLESTAD_ANSWERS)}
    for slug, (analysis, proposal) in STIKLESTAD_ANSWERS.items():
        municipality = municipalities.get(slug)
        if municipality is None:
            continue
        answered = _at(day, 13, 30)
        Answer.objects.create(
            task=grid, municipality=municipality, content=analysis, updated_at=answered
        )
        if proposal:
            Answer.objects.create(
                task=common,
                municipality=municipality,
                content={"text": proposal},
                updated_at=answered,
            )
    services.ensure_join_codes(gathering)


def _finnmark() -> None:
    network = _network(
        FINNMARK_NETWORK, "0–24-samarbeidet i Finnmark", Organiser.COUNTY_GOVERNOR, "Finnmark"
    )
    nesseby = Municipality.objects.filter(slug="nesseby").first()
    if nesseby is not None:
        network.municipalities.add(nesseby)
    draw = random.Random(1824)  # the same «results» every time the demo loads
    for number, (first, last) in enumerate(FINNMARK_DATES, start=1):
        gathering = _gathering(
            network,
            f"Læringsnettverk 0–24 Finnmark, samling {number}: verktøy for god samhandling",
            starts_at=_at(first, 0),
            ends_at=_at(last, 23, 59),
            all_day=True,
            place="Finnmark",
            capacity=60,
        )
        if gathering is None:
            continue
        if nesseby is not None:
            registration = Registration.objects.create(gathering=gathering, municipality=nesseby)
            Participant.objects.bulk_create(
                Participant(registration=registration, order=i, name=n, role=r, unit=u)
                for i, (n, r, u) in enumerate(NESSEBY_GROUP)
            )
        questions = EvaluationQuestion.objects.bulk_create(
            EvaluationQuestion(gathering=gathering, order=i + 1, text=text, kind=kind)
            for i, (text, kind) in enumerate(EVALUATION)
        )
        for device in range(draw.randint(9, 14)):
            submission = EvaluationSubmission.objects.create(
                gathering=gathering, device=f"demo-{gathering.pk}-{device}"
            )
            rows = [
                EvaluationResponse(
                    submission=submission, question=q, value=draw.choice([3, 4, 4, 4, 5, 5])
                )
                for q in questions
                if q.kind == QuestionKind.SCALE
            ]
            if draw.random() < 0.5:
                rows.append(
                    EvaluationResponse(
                        submission=submission, question=questions[2], text=draw.choice(TAKEAWAYS)
                    )
                )
            EvaluationResponse.objects.bulk_create(rows)
