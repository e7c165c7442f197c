"""Review notices: "soon" 30 days ahead, "overdue" after, each once per routine and due date.

Given Nordre Land's seed routines (two approved, one draft) with e-mail addresses on their
owner units, the notices go out through Django's mail backend (locmem here), once per
routine + kind + due date however often the task runs, again after a failed send, never
for drafts or retired routines, and the daily dispatcher sends each municipality's own
notices to its own people only.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from unittest import mock

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.utils import timezone

from samla.accounts.models import User
from samla.celery import app
from samla.tasks import run_for_municipality
from tenants.models import Municipality
from tenants.routines import services
from tenants.routines.models import Notice, NoticeKind, Routine, RoutineStatus, Unit
from tenants.routines.seeds import build_nordre_land_routines
from tenants.routines.services.reviews import send_review_notices
from tenants.routines.tasks import dispatch_review_notices
from tenants.routines.tasks import send_review_notices as send_review_notices_task
from tests.conftest import make_member
from tests.plans.conftest import inside

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def _eager() -> Iterator[None]:
    """Tasks run in this process, as they do without a broker."""
    saved = {key: app.conf[key] for key in ("task_always_eager", "task_eager_propagates")}
    app.conf.update(task_always_eager=True, task_eager_propagates=True)
    yield
    app.conf.update(saved)


def _due(routine: Routine, on: datetime.date) -> Routine:
    Routine.objects.filter(pk=routine.pk).update(next_review=on)
    return Routine.objects.select_related("current__owner_unit").get(pk=routine.pk)


def _set_owner_email(routine: Routine, email: str) -> None:
    assert routine.current is not None
    Unit.objects.filter(pk=routine.current.owner_unit_id).update(email=email)


@pytest.fixture
def approved(routines_a, nordre_land) -> list[Routine]:
    """The two approved seed routines, their owner units with an e-mail, nothing due yet."""
    with inside(nordre_land):
        rows = [r for r in routines_a if r.status == RoutineStatus.APPROVED]
        assert len(rows) == 2
        for index, routine in enumerate(rows):
            routine = _due(routine, TODAY + 200 * DAY)
            _set_owner_email(routine, f"eier{index}@nordre-land.kommune.no")
        return [Routine.objects.get(pk=r.pk) for r in rows]


def _run(municipality: Municipality, today: datetime.date = TODAY):
    with inside(municipality):
        return send_review_notices(municipality, today)


def test_thirty_days_ahead_the_owner_unit_is_told_once(approved, nordre_land) -> None:
    # Given a routine due in 30 days and one due in 31
    with inside(nordre_land):
        soon = _due(approved[0], TODAY + 30 * DAY)
        _due(approved[1], TODAY + 31 * DAY)

    # When the notices run
    outcome = _run(nordre_land)

    # Then only the first routine's owner unit gets one mail, in Norwegian, with a link
    assert outcome.sent == [(soon.pk, NoticeKind.REVIEW_SOON)]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["eier0@nordre-land.kommune.no"]
    assert soon.current is not None
    assert soon.current.title in message.subject
    assert "skal gjennomgås innen" in message.subject
    assert f"http://nordre-land.localhost/rutiner/{soon.pk}/" in message.body
    assert "Barnehagene" in message.body  # the owner unit, by name
    # and the claim is recorded for that routine, kind and due date
    with inside(nordre_land):
        notice = Notice.objects.get()
    assert (notice.routine_id, notice.kind, notice.occasion) == (
        soon.pk,
        NoticeKind.REVIEW_SOON,
        (TODAY + 30 * DAY).isoformat(),
    )
    assert notice.recipients == ["eier0@nordre-land.kommune.no"]


def test_a_past_due_date_sends_overdue(approved, nordre_land) -> None:
    # Given a routine due yesterday, and one due today (not yet overdue)
    with inside(nordre_land):
        late = _due(approved[0], TODAY - DAY)
        today = _due(approved[1], TODAY)

    outcome = _run(nordre_land)

    assert sorted(outcome.sent) == sorted(
        [(late.pk, NoticeKind.REVIEW_OVERDUE), (today.pk, NoticeKind.REVIEW_SOON)]
    )
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert "på overtid" in subjects["eier0@nordre-land.kommune.no"]
    assert "skal gjennomgås innen" in subjects["eier1@nordre-land.kommune.no"]


def test_reruns_never_send_twice_but_each_kind_and_due_date_once(
    approved, nordre_land, leader_a
) -> None:
    # Given a routine due in ten days, told once (the other is due years from now)
    with inside(nordre_land):
        routine = _due(approved[0], TODAY + 10 * DAY)
        _due(approved[1], TODAY + 2000 * DAY)
    _run(nordre_land)
    assert len(mail.outbox) == 1

    # When the task runs again that day and the next days until the due date
    for offset in range(0, 11):
        outcome = _run(nordre_land, TODAY + offset * DAY)
        assert outcome.sent == []
    # Then nothing more was sent
    assert len(mail.outbox) == 1

    # When the due date passes, "overdue" goes out once however often it runs
    for offset in (11, 11, 12, 40):
        _run(nordre_land, TODAY + offset * DAY)
    assert [m.subject for m in mail.outbox][1:] == [mail.outbox[1].subject]
    assert "på overtid" in mail.outbox[1].subject

    # When the review is recorded, the next due date is a new occasion
    with inside(nordre_land):
        routine = Routine.objects.get(pk=routine.pk)
        services.record_review(
            nordre_land, leader_a, routine, version=routine.version, reviewed_on=TODAY
        )
        routine.refresh_from_db()
        assert routine.next_review is not None
        kinds = list(Notice.objects.order_by("id").values_list("kind", "occasion"))
    assert kinds == [
        (NoticeKind.REVIEW_SOON, (TODAY + 10 * DAY).isoformat()),
        (NoticeKind.REVIEW_OVERDUE, (TODAY + 10 * DAY).isoformat()),
    ]
    _run(nordre_land, routine.next_review - 5 * DAY)
    assert len(mail.outbox) == 3
    assert "skal gjennomgås innen" in mail.outbox[2].subject


def test_a_failed_send_rolls_the_claim_back_and_a_retry_sends_once(approved, nordre_land) -> None:
    # Given two routines due, and a mail server that fails for the first message only
    with inside(nordre_land):
        first = _due(approved[0], TODAY - DAY)
        second = _due(approved[1], TODAY + DAY)
    real_send = EmailMessage.send
    calls: list[list[str]] = []

    def flaky(message: EmailMessage, fail_silently: bool = False) -> int:
        calls.append(list(message.to))
        if len(calls) == 1:
            raise ConnectionRefusedError("SMTP down")
        return real_send(message, fail_silently=fail_silently)

    # When the notices run
    with mock.patch.object(EmailMessage, "send", flaky):
        outcome = _run(nordre_land)

    # Then the failed one is reported and not claimed; the other went out
    assert outcome.failed == [first.pk]
    assert outcome.sent == [(second.pk, NoticeKind.REVIEW_SOON)]
    with inside(nordre_land):
        assert list(Notice.objects.values_list("routine_id", flat=True)) == [second.pk]
    assert len(mail.outbox) == 1

    # When it is retried (twice), the failed one is sent once and the other not again
    retried = _run(nordre_land)
    again = _run(nordre_land)
    assert retried.sent == [(first.pk, NoticeKind.REVIEW_OVERDUE)]
    assert retried.already == [(second.pk, NoticeKind.REVIEW_SOON)]
    assert again.sent == []
    assert [m.to for m in mail.outbox] == [
        ["eier1@nordre-land.kommune.no"],
        ["eier0@nordre-land.kommune.no"],
    ]
    with inside(nordre_land):
        assert Notice.objects.count() == 2


def test_a_failure_while_rendering_also_leaves_no_claim(approved, nordre_land) -> None:
    with inside(nordre_land):
        _due(approved[0], TODAY - DAY)
        _due(approved[1], TODAY + 100 * DAY)
    with mock.patch(
        "tenants.routines.services.reviews.render_to_string", side_effect=RuntimeError("boom")
    ):
        outcome = _run(nordre_land)
    assert outcome.failed == [approved[0].pk]
    with inside(nordre_land):
        assert not Notice.objects.exists()
    assert _run(nordre_land).sent == [(approved[0].pk, NoticeKind.REVIEW_OVERDUE)]


def test_drafts_and_retired_routines_are_never_told(
    routines_a, approved, nordre_land, leader_a
) -> None:
    # Given the draft routine (never approved) with a past date written straight to it,
    # and an approved routine retired, also with a past date
    draft = next(r for r in routines_a if r.status == RoutineStatus.DRAFT)
    with inside(nordre_land):
        _due(draft, TODAY - 10 * DAY)
        retired = Routine.objects.get(pk=approved[0].pk)
        retired = services.retire_routine(
            nordre_land, leader_a, retired, version=retired.version, retired_on=TODAY
        )
        _due(retired, TODAY - 10 * DAY)

    # When the notices run
    outcome = _run(nordre_land)

    # Then neither is told (the remaining approved one is not due)
    assert outcome.sent == [] and outcome.failed == []
    assert mail.outbox == []
    with inside(nordre_land):
        assert not Notice.objects.exists()


def test_without_a_unit_email_the_leaders_are_told(approved, nordre_land, leader_a) -> None:
    # Given a routine due whose owner unit has no e-mail, and two leaders (one without)
    User.objects.filter(pk=leader_a.pk).update(email="leder@nordre-land.kommune.no")
    make_member(nordre_land, "leder2.nordre-land")
    with inside(nordre_land):
        routine = _due(approved[0], TODAY + 5 * DAY)
        _set_owner_email(routine, "")

    _run(nordre_land)

    assert [m.to for m in mail.outbox] == [["leder@nordre-land.kommune.no"]]


def test_nobody_to_tell_claims_nothing_until_someone_is(approved, nordre_land) -> None:
    with inside(nordre_land):
        routine = _due(approved[0], TODAY + 5 * DAY)
        _set_owner_email(routine, "")
    outcome = _run(nordre_land)
    assert outcome.no_recipients == [routine.pk]
    assert mail.outbox == []
    with inside(nordre_land):
        assert not Notice.objects.exists()
        _set_owner_email(routine, "ny@nordre-land.kommune.no")
    assert _run(nordre_land).sent == [(routine.pk, NoticeKind.REVIEW_SOON)]


def test_the_notices_query_is_bounded(approved, nordre_land, django_assert_max_num_queries):
    # Given both routines due, and every notice already sent
    with inside(nordre_land):
        for routine in approved:
            _due(routine, TODAY - DAY)
    _run(nordre_land)
    # Then a rerun costs two queries however many are due (the routines, the notices
    # sent), and django-tenants' SET search_path
    with inside(nordre_land), django_assert_max_num_queries(3):
        assert len(send_review_notices(nordre_land, TODAY).already) == 2


def test_the_task_runs_in_its_municipalitys_schema(approved, nordre_land) -> None:
    with inside(nordre_land):
        routine = _due(approved[0], TODAY - DAY)
    result = run_for_municipality(nordre_land, send_review_notices_task, TODAY.isoformat())
    assert result["schema"] == "nordre_land"
    assert result["sent"] == [[routine.pk, NoticeKind.REVIEW_OVERDUE]]


def test_the_dispatcher_walks_every_municipality_each_told_its_own(
    approved, nordre_land, nesseby, leader_b
) -> None:
    # Given Nesseby with the same routines, its owner units with its own addresses
    with inside(nesseby):
        theirs = [r for r in build_nordre_land_routines(nesseby, leader_b) if r.current is not None]
        for routine in theirs:
            routine = _due(routine, TODAY - 3 * DAY)
            _set_owner_email(routine, "eier@nesseby.kommune.no")
    with inside(nordre_land):
        ours = _due(approved[1], TODAY + 3 * DAY)

    # When the daily dispatcher runs (eagerly: every batch and municipality here and now),
    # in batches of one so that it hands over from batch to batch
    result = dispatch_review_notices.apply(kwargs={"batch_size": 1}).get()

    # Then Nordre Land's owner got Nordre Land's notice, Nesseby's got Nesseby's two
    assert result["on"] == TODAY.isoformat()
    by_address: dict[str, list[str]] = {}
    for message in mail.outbox:
        by_address.setdefault(message.to[0], []).append(str(message.body))
    assert len(by_address["eier1@nordre-land.kommune.no"]) == 1
    assert (
        f"nordre-land.localhost/rutiner/{ours.pk}/" in by_address["eier1@nordre-land.kommune.no"][0]
    )
    assert len(by_address["eier@nesseby.kommune.no"]) == 2
    assert all(
        "nesseby.localhost/rutiner/" in body for body in by_address["eier@nesseby.kommune.no"]
    )
    with inside(nesseby):
        assert Notice.objects.filter(kind=NoticeKind.REVIEW_OVERDUE).count() == 2
    with inside(nordre_land):
        assert list(Notice.objects.values_list("routine_id", "kind")) == [
            (ours.pk, NoticeKind.REVIEW_SOON)
        ]

    # When it runs again the same day, nothing more is sent
    count = len(mail.outbox)
    dispatch_review_notices.apply().get()
    assert len(mail.outbox) == count


def test_a_worker_task_with_an_unsent_notice_asks_for_a_retry(approved, nordre_land) -> None:
    # Given a notice that cannot be sent, in a task run by a worker (not eagerly)
    with inside(nordre_land):
        routine = _due(approved[0], TODAY - DAY)
    task = send_review_notices_task
    with (
        inside(nordre_land),
        mock.patch.object(EmailMessage, "send", side_effect=ConnectionRefusedError("SMTP down")),
        mock.patch.object(task, "retry", side_effect=RuntimeError("retry")) as retry,
    ):
        task.push_request(called_directly=False, is_eager=False)
        try:
            # When it runs
            with pytest.raises(RuntimeError, match="retry"):
                task.run("nordre_land", TODAY.isoformat())
        finally:
            task.pop_request()
    # Then it asked Celery to retry later, and nothing was claimed
    assert retry.call_args.kwargs["countdown"] > 0
    with inside(nordre_land):
        assert not Notice.objects.filter(routine_id=routine.pk).exists()
