"""Telling owners that a routine's review falls due: "soon" 30 days ahead, "overdue" after.

`send_review_notices` runs inside one municipality's schema (the daily task in
`tenants.routines.tasks` calls it) and looks at every approved routine with a next review
date. A notice is sent once per routine, kind and due date, whatever the retries or
reruns: each one is claimed by inserting its `Notice` row (unique on routine + kind +
occasion) in a transaction of its own, the mail is sent inside that transaction, and only
a row this run inserted sends mail. When sending fails the transaction rolls back with
the claim, so the next attempt sends it; a second run that races the first waits on the
unique index and finds the row taken once the first commits. (A crash between the mail
leaving and the commit would send it twice: at least once, never silently dropped.)

Recipients: the e-mail of the owner unit of the version in force, else the e-mails of the
municipality's leaders. A routine with neither is skipped without a claim, so it is sent
once someone adds an address. A retired routine, or one never approved, has no review due.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from samla.accounts.models import MunicipalityMembership, MunicipalityRole
from samla.urls_helpers import municipality_url
from tenants.models import Municipality
from tenants.routines.models import (
    REVIEW_NOTICE_DAYS,
    Notice,
    NoticeKind,
    Routine,
    RoutineStatus,
)

logger = logging.getLogger(__name__)


@dataclass
class Outcome:
    """What one run did, by routine id: sent (kind), already sent, skipped, failed."""

    sent: list[tuple[int, str]] = field(default_factory=list)
    already: list[tuple[int, str]] = field(default_factory=list)
    no_recipients: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "sent": [list(item) for item in self.sent],
            "already_sent": [list(item) for item in self.already],
            "no_recipients": self.no_recipients,
            "failed": self.failed,
        }


def notice_kind(next_review: datetime.date, today: datetime.date) -> str | None:
    """Which notice a review due on `next_review` calls for on `today`, if any."""
    if next_review < today:
        return NoticeKind.REVIEW_OVERDUE
    if next_review <= today + datetime.timedelta(days=REVIEW_NOTICE_DAYS):
        return NoticeKind.REVIEW_SOON
    return None


def routines_to_notify(today: datetime.date) -> list[Routine]:
    """Approved routines whose review falls due within the notice period, or is past.

    One query, with the version in force and its owner unit."""
    return list(
        Routine.objects.due_for_review(today)
        .filter(status=RoutineStatus.APPROVED, current__isnull=False)
        .select_related("current", "current__owner_unit")
        .order_by("next_review", "id")
    )


def leader_emails(municipality: Municipality, today: datetime.date) -> list[str]:
    """The e-mails of the municipality's current leaders (public schema), sorted."""
    emails = (
        MunicipalityMembership.objects.active(today)
        .filter(
            municipality_id=municipality.pk,
            role=MunicipalityRole.LEADER,
            user__is_active=True,
        )
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    return sorted(set(emails))


def _message(
    municipality: Municipality, routine: Routine, kind: str, recipients: list[str]
) -> EmailMessage:
    assert routine.current is not None and routine.next_review is not None
    context = {
        "municipality": municipality,
        "routine": routine,
        "title": routine.current.title,
        "owner_unit": routine.current.owner_unit,
        "next_review": routine.next_review,
        "notice_days": REVIEW_NOTICE_DAYS,
        "url": municipality_url(municipality, f"/rutiner/{routine.pk}/"),
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"routines/email/{kind}_subject.txt", context)
        body = render_to_string(f"routines/email/{kind}_body.txt", context)
    return EmailMessage(subject=" ".join(subject.split()), body=body, to=recipients)


def _claim(routine: Routine, kind: str, recipients: list[str]) -> Notice | None:
    """Insert the notice's row (inside the caller's transaction), or None if it was taken."""
    assert routine.next_review is not None
    try:
        with transaction.atomic():  # a savepoint: a duplicate leaves the outer one usable
            return Notice.objects.create(
                routine=routine,
                kind=kind,
                occasion=routine.next_review.isoformat(),
                recipients=recipients,
            )
    except IntegrityError:
        return None


def send_review_notices(municipality: Municipality, today: datetime.date | None = None) -> Outcome:
    """Send the review notices due today in the municipality whose schema the connection
    is in; each notice once (see the module docstring). Never raises for one routine's
    failure: it is logged and listed in `failed`, and the others still go out."""
    today = today or timezone.localdate()
    outcome = Outcome()
    leaders: list[str] | None = None
    due = routines_to_notify(today)
    # What earlier runs sent, in one query: a rerun then costs two queries in all. The
    # claim below stays the guarantee (a run racing this one is caught by the insert).
    sent = (
        set(
            Notice.objects.filter(routine__in=[routine.pk for routine in due])
            .filter(kind__in=[NoticeKind.REVIEW_SOON, NoticeKind.REVIEW_OVERDUE])
            .values_list("routine_id", "kind", "occasion")
        )
        if due
        else set()
    )
    for routine in due:
        assert routine.next_review is not None and routine.current is not None
        kind = notice_kind(routine.next_review, today)
        if kind is None:
            continue
        if (routine.pk, kind, routine.next_review.isoformat()) in sent:
            outcome.already.append((routine.pk, kind))
            continue
        owner_email = routine.current.owner_unit.email
        if owner_email:
            recipients = [owner_email]
        else:
            if leaders is None:
                leaders = leader_emails(municipality, today)
            recipients = leaders
        if not recipients:
            outcome.no_recipients.append(routine.pk)
            continue
        try:
            with transaction.atomic():
                if _claim(routine, kind, recipients) is None:
                    outcome.already.append((routine.pk, kind))
                    continue
                _message(municipality, routine, kind, recipients).send(fail_silently=False)
        except Exception:
            logger.exception(
                "Review notice %s for routine %s in %s not sent; it is retried",
                kind,
                routine.pk,
                municipality.schema_name,
            )
            outcome.failed.append(routine.pk)
            continue
        outcome.sent.append((routine.pk, kind))
    return outcome
