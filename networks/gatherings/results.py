"""Queries the gatherings' pages and API share: evaluation results, the live view's answers
and its change marker (what an unchanged poll compares)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Max, QuerySet

from networks.gatherings.kinds import SCALE_MAX, SCALE_MIN
from networks.gatherings.models import (
    Answer,
    EvaluationQuestion,
    EvaluationResponse,
    EvaluationSubmission,
    Gathering,
    GroupTask,
    QuestionKind,
)


@dataclass
class QuestionResult:
    question: EvaluationQuestion
    count: int = 0
    mean: Decimal | None = None
    # value (1–5) → how many chose it; every value present, zeros included
    distribution: dict[int, int] = field(default_factory=dict)
    texts: list[str] = field(default_factory=list)

    @property
    def is_scale(self) -> bool:
        return self.question.kind == QuestionKind.SCALE

    @property
    def bars(self) -> list[tuple[int, int, int]]:
        """(value, count, percent of the answers) for each value, for the chart."""
        return [
            (value, n, round(100 * n / self.count) if self.count else 0)
            for value, n in self.distribution.items()
        ]


@dataclass
class EvaluationResults:
    submissions: int
    questions: list[QuestionResult]


def evaluation_results(gathering: Gathering) -> EvaluationResults:
    """Counts, mean and distribution per scale question, the texts per free-text question,
    in three queries whatever the number of answers."""
    questions = list(EvaluationQuestion.objects.filter(gathering=gathering).order_by("order", "id"))
    results = {
        q.pk: QuestionResult(q, distribution=dict.fromkeys(range(SCALE_MIN, SCALE_MAX + 1), 0))
        for q in questions
    }
    counts = (
        EvaluationResponse.objects.filter(question__gathering=gathering, value__isnull=False)
        .values("question_id", "value")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in counts:
        result = results[row["question_id"]]
        result.distribution[row["value"]] = row["n"]
    for result in results.values():
        result.count = sum(result.distribution.values())
        if result.is_scale and result.count:
            total = sum(value * n for value, n in result.distribution.items())
            result.mean = (Decimal(total) / Decimal(result.count)).quantize(
                Decimal("0.01"), rounding=ROUND_HALF_UP
            )
    texts = (
        EvaluationResponse.objects.filter(question__gathering=gathering)
        .exclude(text="")
        .order_by("question_id", "id")
        .values_list("question_id", "text")
    )
    for question_id, text in texts:
        results[question_id].texts.append(text)
        results[question_id].count += 1 if not results[question_id].is_scale else 0
    submissions = EvaluationSubmission.objects.filter(gathering=gathering).count()
    return EvaluationResults(submissions, [results[q.pk] for q in questions])


def live_tasks(gathering: Gathering) -> QuerySet[GroupTask]:
    return GroupTask.objects.filter(gathering=gathering).order_by("order", "id")


def live_answers(gathering: Gathering) -> QuerySet[Answer]:
    """Every answer to the gathering's tasks, with the municipality, in one query."""
    return (
        Answer.objects.filter(task__gathering=gathering)
        .select_related("municipality")
        .order_by("task__order", "task_id", "municipality__name")
    )


def live_marker(gathering: Gathering) -> str:
    """Changes whenever an answer arrives or changes, or a task is added or closed: the
    live view's ETag. One query."""
    row = GroupTask.objects.filter(gathering=gathering).aggregate(
        n_tasks=Count("id", distinct=True),
        last_closed=Max("closed_at"),
        n_answers=Count("answers", distinct=True),
        last_changed=Max("answers__updated_at"),
    )
    raw = ":".join(
        str(v) for v in (gathering.pk, *(row[k] for k in ("n_tasks", "last_closed", "n_answers")))
    )
    raw += f":{row['last_changed']}"
    return hashlib.sha256(raw.encode()).hexdigest()[:32]
