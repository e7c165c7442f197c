"""Committed gathering data for the browser walk (tests/browser/conftest.py): a gathering
of the browser network going on now, with known codes, its coordinator's role, a grid task
that Nordre Land has answered and an open evaluation."""

from __future__ import annotations

import datetime

from django.utils import timezone

from networks.gatherings import services
from networks.gatherings.models import Gathering, JoinCode, Participant, Registration
from networks.models import LearningNetwork, NetworkMembership
from samla.accounts.models import CoordinatorRole, User
from tenants.models import Municipality
from tests.browser.pages import (
    BROWSER_EVALUATION_CODE,
    BROWSER_GATHERING,
    BROWSER_JOIN_CODE,
    BROWSER_NETWORK,
)
from tests.gatherings.conftest import GRID_ANSWER

BROWSER_TASK = "Gruppeoppgave 1 – vårt samarbeid på tvers"


def remove_browser_gathering() -> None:
    Gathering.objects.filter(title=BROWSER_GATHERING).delete()


def make_browser_gathering(coordinator: User) -> dict[str, int]:
    network = LearningNetwork.objects.get(slug=BROWSER_NETWORK)
    CoordinatorRole.objects.get_or_create(user=coordinator, network=network)
    nordre_land = Municipality.objects.get(slug="nordre-land")
    now = timezone.now()
    gathering = services.create_gathering(
        coordinator,
        network,
        {
            "title": BROWSER_GATHERING,
            "starts_at": now - datetime.timedelta(hours=2),
            "ends_at": now + datetime.timedelta(days=1),
            "place": "Stiklestad",
            "capacity": 40,
        },
    )
    Gathering.objects.filter(pk=gathering.pk).update(evaluation_code=BROWSER_EVALUATION_CODE)
    gathering.refresh_from_db()
    task = services.create_task(
        coordinator, gathering, {"title": BROWSER_TASK, "kind": "grid", "prompt": "Analysekrysset"}
    )
    services.create_task(
        coordinator, gathering, {"title": "Hvor godt samarbeider vi?", "kind": "scale"}
    )
    JoinCode.objects.filter(gathering=gathering, municipality=nordre_land).update(
        code=BROWSER_JOIN_CODE
    )
    code = JoinCode.objects.get(code=BROWSER_JOIN_CODE)
    services.submit_answer_with_code(code, task, GRID_ANSWER)
    gathering = services.set_evaluation(
        coordinator,
        gathering,
        True,
        [
            {"text": "Hvor nyttig var samlingen?", "kind": "scale"},
            {"text": "Hva tar du med deg hjem?", "kind": "text"},
        ],
    )
    scale = gathering.evaluation_questions.get(kind="scale")
    for device, value in (("nettleser-1", "4"), ("nettleser-2", "5")):
        services.submit_evaluation(gathering, device, {f"q{scale.pk}": value})
    membership = NetworkMembership.objects.current().get(network=network, municipality=nordre_land)
    return {
        "gathering": gathering.pk,
        "gathering_municipality": nordre_land.pk,
        "gathering_task": task.pk,
        # Nordre Land's membership of the browser network: its «Nettverk» page's leave step.
        "membership": membership.pk,
    }


def make_fuzz_gatherings(coordinator: User, network: LearningNetwork) -> dict[str, dict]:
    """The API fuzzer's gatherings (tests/api/test_fuzz.py), committed: one going on now
    with an open text task (pinned for the runs), one to delete; and the requests the
    examples phase sends first, for operations generated input rarely passes."""
    now = timezone.now()
    day = datetime.timedelta(days=1)
    kept = services.create_gathering(
        coordinator,
        network,
        {"title": "Fuzz-samling", "starts_at": now - day, "ends_at": now + 3 * day},
    )
    task = services.create_task(coordinator, kept, {"title": "Fuzz-oppgave", "kind": "text"})
    services.create_task(coordinator, kept, {"title": "Fuzz-skala", "kind": "scale"})
    doomed = services.create_gathering(
        coordinator,
        network,
        {"title": "Samling som skal slettes", "starts_at": now + day, "ends_at": now + 2 * day},
    )
    # A registration that can be withdrawn (only before a gathering starts): the member
    # run's DELETE example cancels it.
    upcoming = services.create_gathering(
        coordinator,
        network,
        {
            "title": "Samling med påmelding å trekke",
            "starts_at": now + 7 * day,
            "ends_at": now + 8 * day,
        },
    )
    member = NetworkMembership.objects.current().filter(network=network).first()
    assert member is not None, "the fuzz network has its municipality as a member"
    registration = Registration.objects.create(
        gathering=upcoming, municipality_id=member.municipality_id
    )
    Participant.objects.create(registration=registration, order=0, name="Fuzz Deltaker")
    soon = (now + 30 * day).replace(microsecond=0)
    return {
        "pinned": {"gathering_id": [kept.pk], "task_id": [task.pk]},
        "reserved": {"/api/gatherings/{gathering_id}/": [doomed.pk]},
        "examples": {
            "POST /api/networks/{network_id}/gatherings/": [
                {
                    "body": {
                        "title": "Fuzz: ny samling",
                        "starts_at": soon.isoformat(),
                        "ends_at": (soon + day).isoformat(),
                    },
                    "path_parameters": {"network_id": network.pk},
                }
            ],
            "POST /api/gatherings/{gathering_id}/registrations/": [
                {
                    "body": {"participants": [{"name": "Fuzz Deltaker"}]},
                    "path_parameters": {"gathering_id": kept.pk},
                }
            ],
            "DELETE /api/gatherings/{gathering_id}/registrations/": [
                {"path_parameters": {"gathering_id": upcoming.pk}}
            ],
            "POST /api/tasks/{task_id}/answers/": [
                {
                    "body": {"answer": {"text": "Svar fra fuzz"}},
                    "path_parameters": {"task_id": task.pk},
                }
            ],
            "PUT /api/gatherings/{gathering_id}/evaluation/": [
                {
                    "body": {"open": True, "questions": [{"text": "Nyttig?", "kind": "scale"}]},
                    "path_parameters": {"gathering_id": kept.pk},
                }
            ],
        },
    }
