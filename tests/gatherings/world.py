"""Committed gathering data for the browser walk (tests/browser/conftest.py): a gathering
of the browser network going on now, with known codes, its coordinator's role, a grid task
that Nordre Land has answered and an open evaluation."""

from __future__ import annotations

import datetime

from django.utils import timezone

from networks.gatherings import services
from networks.gatherings.models import Gathering, JoinCode
from networks.models import LearningNetwork
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
    return {
        "gathering": gathering.pk,
        "gathering_municipality": nordre_land.pk,
        "gathering_task": task.pk,
    }
