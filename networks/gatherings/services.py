"""Every change to gatherings, registrations, group tasks, answers and evaluations.

Plain functions, the acting user (or the join code, or the device) explicit, one
transaction each. The gathering row is locked first when seats are counted (two
registrations racing for the last seat are serialised: one wins, the other is refused),
the task row when an answer is saved or the task closed (an answer never lands after the
close). Refusals are Django's ValidationError (keyed by field, in Norwegian),
PermissionDenied, `StaleVersion` (409, an edit of an older version of the gathering) or
`TaskClosed` (409); nothing is written when anything is wrong.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from networks.access import User
from networks.gatherings import access
from networks.gatherings.kinds import (
    SCALE_MAX,
    SCALE_MIN,
    TEXT_MAX,
    TaskKind,
    clean_answer,
    kind_of,
)
from networks.gatherings.models import (
    Answer,
    EvaluationQuestion,
    EvaluationResponse,
    EvaluationSubmission,
    Gathering,
    GroupTask,
    JoinCode,
    Participant,
    QuestionKind,
    Registration,
)
from networks.models import LearningNetwork, NetworkMembership
from samla.textrules import validate_no_national_id, validate_printable
from tenants.models import Municipality

MAX_PARTICIPANTS = 50
MAX_TASKS = 30
MAX_QUESTIONS = 30
NAME_MAX = 200
# A gathering lies within these years (as a plan's dates do) and lasts at most two weeks.
EARLIEST, LATEST = 2000, 2100
LONGEST = datetime.timedelta(days=14)
GATHERING_FIELDS = (
    "title",
    "starts_at",
    "ends_at",
    "all_day",
    "place",
    "programme_url",
    "capacity",
    "evaluation_open",
)


class StaleVersion(Exception):
    """The gathering was changed by someone else since the version the caller edited."""

    def __init__(self, current: Gathering) -> None:
        super().__init__(f"gathering {current.pk} is at version {current.version}")
        self.current = current


class TaskClosed(Exception):
    """An answer to a task the coordinator has closed."""

    def __init__(self, task: GroupTask) -> None:
        super().__init__(f"task {task.pk} is closed")
        self.task = task


def stale_message() -> str:
    return _(
        "Noen andre har endret samlingen mens du redigerte. Se den gjeldende versjonen og "
        "gjør endringen din på nytt."
    )


def closed_message() -> str:
    return _("Oppgaven er lukket av koordinatoren. Svaret kan ikke lenger endres.")


# Codes ------------------------------------------------------------------------------------


def new_code(length: int) -> str:
    return "".join(secrets.choice(access.CODE_ALPHABET) for _ in range(length))


def unique_evaluation_code() -> str:
    while True:
        code = new_code(access.EVALUATION_CODE_LENGTH)
        if not Gathering.objects.filter(evaluation_code=code).exists():
            return code


def ensure_join_codes(gathering: Gathering) -> int:
    """A join code for every current member municipality that has none; how many were made.

    Idempotent (a concurrent caller's row is skipped by the unique constraints).
    """
    members = NetworkMembership.objects.current().filter(network_id=gathering.network_id)
    missing = members.exclude(
        municipality_id__in=JoinCode.objects.filter(gathering=gathering).values("municipality_id")
    ).values_list("municipality_id", flat=True)
    made = 0
    for municipality_id in missing:
        for _attempt in range(5):
            try:
                with transaction.atomic():
                    JoinCode.objects.create(
                        gathering=gathering,
                        municipality_id=municipality_id,
                        code=new_code(access.JOIN_CODE_LENGTH),
                    )
                made += 1
                break
            except IntegrityError:
                if JoinCode.objects.filter(
                    gathering=gathering, municipality_id=municipality_id
                ).exists():
                    break
    return made


# Gatherings -------------------------------------------------------------------------------


def _text(errors: dict[str, list[str]], name: str, value: object, limit: int) -> str:
    if not isinstance(value, str):
        errors[name] = [_("Skriv dette som tekst.")]
        return ""
    text = value.strip()
    if len(text) > limit:
        errors[name] = [_("Høyst %(max)d tegn.") % {"max": limit}]
        return text
    try:
        validate_printable(text)
        validate_no_national_id(text)
    except ValidationError as exc:
        errors[name] = [str(m) for m in exc.messages]
    return text


def _check_gathering(gathering: Gathering) -> None:
    """The gathering's own rules, on the values about to be saved."""
    errors: dict[str, list[str]] = {}
    gathering.title = _text(errors, "title", gathering.title, NAME_MAX)
    if not gathering.title and "title" not in errors:
        errors["title"] = [_("Gi samlingen en tittel.")]
    gathering.place = _text(errors, "place", gathering.place, NAME_MAX)
    for name in ("starts_at", "ends_at"):
        value = getattr(gathering, name)
        if not isinstance(value, datetime.datetime):
            errors[name] = [_("Oppgi dato og klokkeslett.")]
        elif not EARLIEST <= value.year < LATEST:
            errors[name] = [
                _("Datoen må ligge mellom %(first)d og %(last)d.")
                % {"first": EARLIEST, "last": LATEST - 1}
            ]
    if not errors.keys() & {"starts_at", "ends_at"}:
        if gathering.ends_at < gathering.starts_at:
            errors["ends_at"] = [_("Samlingen kan ikke slutte før den starter.")]
        elif gathering.ends_at - gathering.starts_at > LONGEST:
            errors["ends_at"] = [_("En samling varer høyst 14 dager.")]
    if gathering.programme_url:
        try:
            URLValidator(schemes=["http", "https"])(gathering.programme_url)
        except ValidationError:
            errors["programme_url"] = [_("Oppgi en gyldig nettadresse (https://…).")]
    if gathering.capacity is not None and gathering.capacity < 1:
        errors["capacity"] = [_("Antall plasser må være minst 1, eller tomt for ingen grense.")]
    if errors:
        raise ValidationError(errors)


def seats_taken(gathering: Gathering, excluding: Municipality | None = None) -> int:
    rows = Participant.objects.filter(registration__gathering=gathering)
    if excluding is not None:
        rows = rows.exclude(registration__municipality=excluding)
    return rows.count()


def create_gathering(user: User, network: LearningNetwork, data: dict[str, Any]) -> Gathering:
    """A new gathering of the network (its coordinators and operators)."""
    access.require_manager(user, network)
    gathering = Gathering(
        network=network,
        evaluation_code=unique_evaluation_code(),
        **{k: v for k, v in data.items() if k in GATHERING_FIELDS},
    )
    _check_gathering(gathering)
    with transaction.atomic():
        gathering.save()
        ensure_join_codes(gathering)
    return gathering


def update_gathering(
    user: User, gathering: Gathering, data: dict[str, Any], version: int | None
) -> Gathering:
    """Change the gathering's fields; `version` names the version the user edited."""
    access.require_manager(user, gathering.network)
    with transaction.atomic():
        current = (
            Gathering.objects.select_for_update().select_related("network").get(pk=gathering.pk)
        )
        if version is None or version != current.version:
            raise StaleVersion(current)
        for name, value in data.items():
            if name in GATHERING_FIELDS:
                setattr(current, name, value)
        _check_gathering(current)
        if (
            current.evaluation_open
            and not EvaluationQuestion.objects.filter(gathering=current).exists()
        ):
            raise ValidationError(
                {"evaluation_open": [_("Legg inn minst ett spørsmål før du åpner evalueringen.")]}
            )
        taken = seats_taken(current)
        if current.capacity is not None and current.capacity < taken:
            raise ValidationError(
                {
                    "capacity": [
                        _(
                            "%(taken)d plasser er allerede tatt; antall plasser kan ikke "
                            "være lavere."
                        )
                        % {"taken": taken}
                    ]
                }
            )
        current.version += 1
        current.save()
        return current


def delete_gathering(user: User, gathering: Gathering) -> None:
    access.require_manager(user, gathering.network)
    with transaction.atomic():
        Gathering.objects.filter(pk=gathering.pk).delete()


# Registrations ----------------------------------------------------------------------------


def _participants(given: object) -> list[dict[str, str]]:
    if not isinstance(given, list):
        raise ValidationError({"participants": [_("Oppgi deltakerne som en liste.")]})
    if not given:
        raise ValidationError({"participants": [_("Meld på minst én deltaker.")]})
    if len(given) > MAX_PARTICIPANTS:
        raise ValidationError(
            {
                "participants": [
                    _("Høyst %(max)d deltakere per kommune.") % {"max": MAX_PARTICIPANTS}
                ]
            }
        )
    cleaned: list[dict[str, str]] = []
    errors: dict[str, list[str]] = {}
    for index, person in enumerate(given):
        if not isinstance(person, dict):
            errors[f"participants.{index}"] = [_("Hver deltaker har navn, rolle og enhet.")]
            continue
        row: dict[str, str] = {}
        for name in ("name", "role", "unit"):
            row[name] = _text(
                errors, f"participants.{index}.{name}", person.get(name, ""), NAME_MAX
            )
        if not row["name"] and f"participants.{index}.name" not in errors:
            errors[f"participants.{index}.name"] = [_("Skriv deltakerens navn.")]
        cleaned.append(row)
    if errors:
        raise ValidationError(errors)
    return cleaned


def register(
    user: User, gathering: Gathering, municipality_id: object, participants: object
) -> tuple[Registration, bool]:
    """Register the municipality's participants (replacing its earlier list); whether the
    registration is new. A leader or editor of a member municipality, on its behalf."""
    municipality = access.acting_for(user, gathering.network, municipality_id)
    people = _participants(participants)
    with transaction.atomic():
        locked = Gathering.objects.select_for_update().get(pk=gathering.pk)
        if locked.has_ended:
            raise ValidationError(_("Samlingen er over; påmeldingen er stengt."))
        if locked.capacity is not None:
            free = locked.capacity - seats_taken(locked, excluding=municipality)
            if len(people) > free:
                raise ValidationError(
                    {
                        "participants": [
                            _(
                                "Samlingen er full: det er %(free)d ledige plasser, og du "
                                "meldte på %(count)d."
                            )
                            % {"free": max(free, 0), "count": len(people)}
                        ]
                    }
                )
        registration, created = Registration.objects.get_or_create(
            gathering=locked, municipality=municipality, defaults={"registered_by": user}
        )
        if not created:
            registration.participants.all().delete()
            registration.registered_by = user  # type: ignore[assignment]
            registration.updated_at = timezone.now()
            registration.save(update_fields=["registered_by", "updated_at"])
        Participant.objects.bulk_create(
            Participant(registration=registration, order=i, **p) for i, p in enumerate(people)
        )
        return registration, created


def cancel_registration(user: User, gathering: Gathering, municipality_id: object) -> None:
    """Withdraw the municipality's registration (its participants with it) before the
    gathering starts. Who may: as for `register`, a leader or editor of a member
    municipality, on its behalf (without an id, their only such municipality)."""
    municipality = access.acting_for(user, gathering.network, municipality_id)
    with transaction.atomic():
        locked = Gathering.objects.select_for_update().get(pk=gathering.pk)
        if timezone.now() >= locked.starts_at:
            raise ValidationError(
                _("Samlingen har startet; påmeldingen kan ikke lenger trekkes tilbake.")
            )
        deleted, _rows = Registration.objects.filter(
            gathering=locked, municipality=municipality
        ).delete()
        if not deleted:
            raise ValidationError(
                _("%(name)s er ikke påmeldt til denne samlingen.") % {"name": municipality.name}
            )


# Group tasks and answers ------------------------------------------------------------------


def create_task(user: User, gathering: Gathering, data: dict[str, Any]) -> GroupTask:
    access.require_manager(user, gathering.network)
    errors: dict[str, list[str]] = {}
    title = _text(errors, "title", data.get("title", ""), NAME_MAX)
    if not title and "title" not in errors:
        errors["title"] = [_("Gi oppgaven en tittel.")]
    prompt = _text(errors, "prompt", data.get("prompt", ""), TEXT_MAX)
    kind = str(data.get("kind"))
    if kind not in TaskKind.values:
        errors["kind"] = [_("Velg grid (analysekrysset), text (fritekst) eller scale (1–5).")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = Gathering.objects.select_for_update().get(pk=gathering.pk)
        tasks = GroupTask.objects.filter(gathering=locked)
        count = tasks.count()
        if count >= MAX_TASKS:
            raise ValidationError(_("Høyst %(max)d oppgaver per samling.") % {"max": MAX_TASKS})
        order = data.get("order") or count + 1
        task = GroupTask.objects.create(
            gathering=locked, title=title, prompt=prompt, kind=kind, order=order
        )
        ensure_join_codes(locked)
        return task


def close_task(user: User, task: GroupTask) -> GroupTask:
    """Close the task: its answers are final from now (idempotent)."""
    access.require_manager(user, task.gathering.network)
    with transaction.atomic():
        locked = GroupTask.objects.select_for_update().select_related("gathering").get(pk=task.pk)
        if locked.closed_at is None:
            locked.closed_at = timezone.now()
            locked.save(update_fields=["closed_at"])
        return locked


def _save_answer(
    task: GroupTask,
    municipality: Municipality,
    given: object,
    user: User | None,
    via_code: bool,
) -> tuple[Answer, bool]:
    content = clean_answer(kind_of(task.kind), given)
    with transaction.atomic():
        locked = GroupTask.objects.select_for_update().get(pk=task.pk)
        if locked.closed_at is not None:
            raise TaskClosed(locked)
        answer, created = Answer.objects.get_or_create(
            task=locked,
            municipality=municipality,
            defaults={"content": content, "answered_by": user, "via_code": via_code},
        )
        if not created:
            answer.content = content
            answer.answered_by = user  # type: ignore[assignment]
            answer.via_code = via_code
            answer.updated_at = timezone.now()
            answer.save(update_fields=["content", "answered_by", "via_code", "updated_at"])
        return answer, created


def submit_answer(
    user: User, task: GroupTask, municipality_id: object, given: object
) -> tuple[Answer, bool]:
    """The municipality's answer to the task, as a logged-in leader or editor; whether new."""
    municipality = access.acting_for(user, task.gathering.network, municipality_id)
    return _save_answer(task, municipality, given, user, via_code=False)


def submit_answer_with_code(code: JoinCode, task: GroupTask, given: object) -> tuple[Answer, bool]:
    """The code's municipality's answer to one of the code's gathering's tasks."""
    if task.gathering_id != code.gathering_id:
        raise PermissionDenied
    return _save_answer(task, code.municipality, given, None, via_code=True)


# Evaluations ------------------------------------------------------------------------------


def set_evaluation(
    user: User, gathering: Gathering, is_open: bool, questions: Iterable[dict[str, Any]] | None
) -> Gathering:
    """Open or close the evaluation and (before anyone has answered) set its questions."""
    access.require_manager(user, gathering.network)
    with transaction.atomic():
        locked = Gathering.objects.select_for_update().get(pk=gathering.pk)
        if questions is not None:
            rows = _questions(questions)
            current = [
                (q.text, q.kind) for q in EvaluationQuestion.objects.filter(gathering=locked)
            ]
            if rows != current:
                if EvaluationSubmission.objects.filter(gathering=locked).exists():
                    raise ValidationError(
                        {
                            "questions": [
                                _(
                                    "Noen har allerede svart på evalueringen; spørsmålene kan "
                                    "ikke endres lenger."
                                )
                            ]
                        }
                    )
                EvaluationQuestion.objects.filter(gathering=locked).delete()
                EvaluationQuestion.objects.bulk_create(
                    EvaluationQuestion(gathering=locked, order=i + 1, text=text, kind=kind)
                    for i, (text, kind) in enumerate(rows)
                )
        if is_open and not EvaluationQuestion.objects.filter(gathering=locked).exists():
            raise ValidationError({"open": [_("Legg inn minst ett spørsmål før du åpner.")]})
        if locked.evaluation_open != is_open:
            locked.evaluation_open = is_open
            locked.version += 1
            locked.save(update_fields=["evaluation_open", "version"])
        return locked


def _questions(given: Iterable[dict[str, Any]]) -> list[tuple[str, str]]:
    rows = list(given)
    if len(rows) > MAX_QUESTIONS:
        raise ValidationError(
            {"questions": [_("Høyst %(max)d spørsmål.") % {"max": MAX_QUESTIONS}]}
        )
    errors: dict[str, list[str]] = {}
    cleaned = []
    for index, row in enumerate(rows):
        text = _text(errors, f"questions.{index}.text", row.get("text", ""), 300)
        if not text and f"questions.{index}.text" not in errors:
            errors[f"questions.{index}.text"] = [_("Skriv spørsmålet.")]
        kind = row.get("kind")
        if kind not in QuestionKind.values:
            errors[f"questions.{index}.kind"] = [_("Velg scale (1–5) eller text (fritekst).")]
        cleaned.append((text, str(kind)))
    if errors:
        raise ValidationError(errors)
    return cleaned


def device_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def submit_evaluation(
    gathering: Gathering, device_token: str, given: Mapping[str, object]
) -> EvaluationSubmission:
    """One anonymous evaluation from one device. `given` maps "q<id>" to the answer."""
    if not Gathering.objects.filter(pk=gathering.pk, evaluation_open=True).exists():
        raise ValidationError(_("Evalueringen er ikke åpen."))
    device = device_digest(device_token)
    questions = list(EvaluationQuestion.objects.filter(gathering=gathering))
    errors: dict[str, list[str]] = {}
    responses: list[EvaluationResponse] = []
    for question in questions:
        key = f"q{question.pk}"
        value = given.get(key)
        if value in (None, ""):
            continue
        if question.kind == QuestionKind.SCALE:
            number = int(value) if isinstance(value, str) and value.isdecimal() else None
            if number is None or not SCALE_MIN <= number <= SCALE_MAX:
                errors[key] = [
                    _("Velg et tall fra %(min)d til %(max)d.")
                    % {"min": SCALE_MIN, "max": SCALE_MAX}
                ]
                continue
            responses.append(EvaluationResponse(question=question, value=number))
        else:
            text = _text(errors, key, value, TEXT_MAX)
            if text:
                responses.append(EvaluationResponse(question=question, text=text))
    if not errors and not responses:
        errors["__all__"] = [_("Svar på minst ett spørsmål.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if EvaluationSubmission.objects.filter(gathering=gathering, device=device).exists():
            raise ValidationError(already_evaluated_message())
        try:
            with transaction.atomic():
                submission = EvaluationSubmission.objects.create(gathering=gathering, device=device)
        except IntegrityError:
            raise ValidationError(already_evaluated_message()) from None
        for response in responses:
            response.submission = submission
        EvaluationResponse.objects.bulk_create(responses)
        return submission


def already_evaluated_message() -> str:
    return _("Du har allerede sendt inn evalueringen fra denne enheten. Takk for svaret!")


def has_evaluated(gathering: Gathering, device_token: str | None) -> bool:
    return bool(
        device_token
        and EvaluationSubmission.objects.filter(
            gathering=gathering, device=device_digest(device_token)
        ).exists()
    )
