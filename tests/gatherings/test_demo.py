"""The demo's gatherings: Stiklestad with seed 003's group tasks, Finnmark's four gatherings
with Nesseby's registrations and evaluation results; loading twice changes nothing."""

from __future__ import annotations

import pytest

from networks.gatherings.demo import load_demo_gatherings
from networks.gatherings.models import (
    Answer,
    EvaluationSubmission,
    Gathering,
    GroupTask,
    Participant,
)
from networks.gatherings.results import evaluation_results

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, ...]:
    return tuple(
        m.objects.count() for m in (Gathering, GroupTask, Answer, Participant, EvaluationSubmission)
    )


def test_the_demo_gatherings_load_once(nesseby):
    load_demo_gatherings()
    first = counts()
    load_demo_gatherings()
    assert counts() == first

    stiklestad = Gathering.objects.get(network__slug="ks-trondelag-samhandling")
    assert stiklestad.place == "Stiklestad"
    assert stiklestad.starts_at.isoformat().startswith("2019-04-24T07:30")  # 09:30 in Oslo
    titles = list(stiklestad.tasks.values_list("title", "kind"))
    assert titles == [
        (
            "Gruppeoppgave 1 (50 min) – vårt samarbeid på tvers av oppvekst, helse og velferd",
            "grid",
        ),
        (
            "Gruppeoppgave 2 (15 min) – vårt samarbeid på tvers av oppvekst, helse og velferd",
            "text",
        ),
    ]
    finnmark = list(Gathering.objects.filter(network__slug="sf-finnmark-0-24"))
    assert [g.starts_at.date().isoformat() for g in finnmark] == [
        "2018-11-27",  # midnight in Oslo is the evening before in UTC
        "2019-03-26",
        "2019-06-12",
        "2019-10-08",
    ]
    assert all(g.all_day for g in finnmark)
    for gathering in finnmark:
        assert gathering.registrations.get().municipality == nesseby
        found = evaluation_results(gathering)
        assert found.submissions >= 9
        assert found.questions[0].mean is not None
