"""The gatherings' rules, through the services: dates, capacity, one answer per municipality
and task, closed tasks, join codes and evaluations. Nothing is written when a rule refuses."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from networks.gatherings import access, services
from networks.gatherings.models import (
    Answer,
    EvaluationSubmission,
    Gathering,
    JoinCode,
    Participant,
    Registration,
)
from tests.gatherings.conftest import GRID_ANSWER, soon
from tests.plans.test_validators import FNR

pytestmark = pytest.mark.django_db

PERSON = {"name": "Kari Nordmann", "role": "Helsesykepleier", "unit": "Helsestasjonen"}


def test_a_gathering_cannot_end_before_it_starts(coordinator_x, network_x):
    with pytest.raises(ValidationError) as refused:
        services.create_gathering(
            coordinator_x,
            network_x,
            {"title": "Baklengs", "starts_at": soon(days=2), "ends_at": soon(days=1)},
        )
    assert "før den starter" in refused.value.message_dict["ends_at"][0]
    assert not Gathering.objects.exists()


def test_only_the_networks_coordinators_create_gatherings(coordinator_y, leader_a, network_x):
    for user in (coordinator_y, leader_a):
        with pytest.raises(PermissionDenied):
            services.create_gathering(
                user, network_x, {"title": "X", "starts_at": soon(), "ends_at": soon(days=1)}
            )


def test_a_new_gathering_has_a_join_code_per_member_and_an_evaluation_code(gathering, nordre_land):
    codes = list(JoinCode.objects.filter(gathering=gathering))
    assert [c.municipality for c in codes] == [nordre_land]
    code = codes[0].code
    assert len(code) == access.JOIN_CODE_LENGTH and set(code) <= set(access.CODE_ALPHABET)
    assert len(gathering.evaluation_code) == access.EVALUATION_CODE_LENGTH
    assert services.ensure_join_codes(gathering) == 0  # idempotent


def test_registration_replaces_the_municipalitys_list_and_holds_capacity(
    gathering, leader_a, nordre_land, network_x, nesseby
):
    registration, created = services.register(leader_a, gathering, None, [PERSON, PERSON])
    assert created and registration.municipality == nordre_land
    _again, created = services.register(leader_a, gathering, nordre_land.pk, [PERSON])
    assert not created
    assert Participant.objects.filter(registration__gathering=gathering).count() == 1
    # Nesseby joins the network and takes all but one seat
    network_x.municipalities.add(nesseby)
    from tests.conftest import make_member

    nesseby_leader = make_member(nesseby, "leder.nesseby.2")
    services.register(nesseby_leader, gathering, nesseby.pk, [PERSON] * 8)
    with pytest.raises(ValidationError) as full:
        services.register(leader_a, gathering, nordre_land.pk, [PERSON] * 3)
    assert "full" in full.value.message_dict["participants"][0]
    assert Participant.objects.filter(registration__municipality=nordre_land).count() == 1


def test_a_viewer_or_another_municipality_cannot_register(
    gathering, viewer_a, leader_b, nordre_land
):
    with pytest.raises(PermissionDenied):
        services.register(viewer_a, gathering, None, [PERSON])
    with pytest.raises((PermissionDenied, ValidationError)):
        services.register(leader_b, gathering, nordre_land.pk, [PERSON])
    assert not Registration.objects.exists()


def test_participants_must_be_named_and_carry_no_identity_number(gathering, leader_a):
    with pytest.raises(ValidationError) as refused:
        services.register(
            leader_a, gathering, None, [{"name": ""}, {"name": "Ola", "unit": f"{FNR} x"}]
        )
    assert set(refused.value.message_dict) == {"participants.0.name", "participants.1.unit"}
    assert not Registration.objects.exists()


def test_one_answer_per_municipality_editable_until_closed(
    grid_task, leader_a, editor_a, coordinator_x, nordre_land
):
    _answer, created = services.submit_answer(leader_a, grid_task, None, GRID_ANSWER)
    assert created
    _same, created = services.submit_answer(
        editor_a, grid_task, nordre_land.pk, {**GRID_ANSWER, "external": "NAV"}
    )
    assert not created
    assert Answer.objects.get(task=grid_task).content["external"] == "NAV"
    services.close_task(coordinator_x, grid_task)
    with pytest.raises(services.TaskClosed):
        services.submit_answer(leader_a, grid_task, None, GRID_ANSWER)
    assert Answer.objects.get(task=grid_task).content["external"] == "NAV"


@pytest.mark.parametrize(
    "given",
    [{"value": 0}, {"value": 6}, {"value": "tre"}, {"value": True}, {"colour": 3}, {}, [3]],
)
def test_a_scale_answer_is_a_whole_number_from_1_to_5(scale_task, leader_a, given):
    with pytest.raises(ValidationError):
        services.submit_answer(leader_a, scale_task, None, given)
    assert not Answer.objects.exists()


def test_the_join_code_reaches_only_its_gatherings_open_tasks(
    grid_task, scale_task, coordinator_x, network_x
):
    code = JoinCode.objects.get(gathering=grid_task.gathering)
    assert access.get_join_code(code.code.lower()) == code  # typed in lower case
    assert set(access.open_tasks_for_code(code)) == {grid_task, scale_task}
    # a task of another gathering of the same network is out of its reach
    other = services.create_gathering(
        coordinator_x, network_x, {"title": "Neste", "starts_at": soon(), "ends_at": soon(days=1)}
    )
    other_task = services.create_task(coordinator_x, other, {"title": "Annen", "kind": "text"})
    from django.http import Http404

    with pytest.raises(Http404):
        access.get_task_for_code(code, other_task.pk)
    with pytest.raises(PermissionDenied):
        services.submit_answer_with_code(code, other_task, {"text": "Hei"})
    # closing all the gathering's tasks ends the code
    services.close_task(coordinator_x, grid_task)
    assert access.get_join_code(code.code) == code
    services.close_task(coordinator_x, scale_task)
    with pytest.raises(Http404):
        access.get_join_code(code.code)


def test_a_code_stops_working_when_the_gathering_has_ended(grid_task):
    gathering = grid_task.gathering
    Gathering.objects.filter(pk=gathering.pk).update(starts_at=soon(days=-3), ends_at=soon(days=-2))
    from django.http import Http404

    with pytest.raises(Http404):
        access.get_join_code(JoinCode.objects.get(gathering=gathering).code)
    with pytest.raises(Http404):
        access.get_join_code("ZZZZZZ")


def test_evaluation_once_per_device_values_in_scale(gathering, coordinator_x):
    gathering = services.set_evaluation(
        coordinator_x,
        gathering,
        True,
        [
            {"text": "Hvor nyttig var samlingen?", "kind": "scale"},
            {"text": "Hva savnet du?", "kind": "text"},
        ],
    )
    scale, text = gathering.evaluation_questions.all()
    with pytest.raises(ValidationError):
        services.submit_evaluation(gathering, "enhet-1", {f"q{scale.pk}": "7"})
    services.submit_evaluation(
        gathering, "enhet-1", {f"q{scale.pk}": "4", f"q{text.pk}": "Mer tid"}
    )
    with pytest.raises(ValidationError) as twice:
        services.submit_evaluation(gathering, "enhet-1", {f"q{scale.pk}": "5"})
    assert "allerede" in twice.value.messages[0]
    assert EvaluationSubmission.objects.count() == 1
    # the questions are fixed once someone has answered
    with pytest.raises(ValidationError):
        services.set_evaluation(coordinator_x, gathering, True, [{"text": "Nytt", "kind": "text"}])


def test_a_code_stops_working_when_its_municipality_leaves_the_network(grid_task, nordre_land):
    from django.http import Http404

    from networks.models import NetworkMembership

    code = JoinCode.objects.get(gathering=grid_task.gathering, municipality=nordre_land)
    assert access.get_join_code(code.code) == code
    NetworkMembership.objects.filter(municipality=nordre_land).update(left_on=soon().date())
    with pytest.raises(Http404):
        access.get_join_code(code.code)


def test_the_evaluation_opens_only_with_questions(gathering, coordinator_x):
    with pytest.raises(ValidationError) as refused:
        services.update_gathering(
            coordinator_x, gathering, {"evaluation_open": True}, gathering.version
        )
    assert "evaluation_open" in refused.value.message_dict
    with pytest.raises(ValidationError):
        services.set_evaluation(coordinator_x, gathering, True, [])
    gathering.refresh_from_db()
    assert not gathering.evaluation_open
