"""Gatherings of a network, registrations, group tasks with answers and join codes, and
evaluations. All in the public schema; a municipality is a foreign key, never a schema."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from networks.gatherings.kinds import SCALE_MAX, SCALE_MIN, TaskKind


class Gathering(models.Model):
    """A network meeting with a programme, often over two days."""

    network = models.ForeignKey(
        "networks.LearningNetwork", on_delete=models.CASCADE, related_name="gatherings"
    )
    title = models.CharField(_("tittel"), max_length=200)
    starts_at = models.DateTimeField(_("starter"))
    ends_at = models.DateTimeField(_("slutter"))
    # Whole days: the calendar shows dates, not times.
    all_day = models.BooleanField(_("hele dager"), default=False)
    place = models.CharField(_("sted"), max_length=200, blank=True)
    programme_url = models.URLField(_("program (lenke)"), max_length=500, blank=True)
    capacity = models.PositiveIntegerField(
        _("plasser"), null=True, blank=True, help_text=_("Tomt: ingen grense.")
    )
    # Anonymous evaluations reach the gathering through this code (`/svar/`).
    evaluation_code = models.CharField(_("evalueringskode"), max_length=8, unique=True)
    evaluation_open = models.BooleanField(_("evalueringen er åpen"), default=False)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("samling")
        verbose_name_plural = _("samlinger")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gte=F("starts_at")), name="gatherings_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=1),
                name="gatherings_capacity_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def has_ended(self) -> bool:
        return bool(timezone.now() > self.ends_at)


class Registration(models.Model):
    """One municipality's registration for a gathering: its participants."""

    gathering = models.ForeignKey(Gathering, on_delete=models.CASCADE, related_name="registrations")
    municipality = models.ForeignKey(
        "tenants.Municipality", on_delete=models.CASCADE, related_name="gathering_registrations"
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("påmelding")
        verbose_name_plural = _("påmeldinger")
        ordering = ["gathering", "municipality__name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["gathering", "municipality"], name="gatherings_one_registration"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.municipality} – {self.gathering}"


class Participant(models.Model):
    """A person a municipality sends: name, role and unit (no identity numbers)."""

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="participants"
    )
    name = models.CharField(_("navn"), max_length=200)
    role = models.CharField(_("rolle"), max_length=200, blank=True)
    unit = models.CharField(_("enhet"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("deltaker")
        verbose_name_plural = _("deltakere")
        ordering = ["registration", "order", "id"]

    def __str__(self) -> str:
        return self.name


class GroupTask(models.Model):
    """A structured exercise each municipality answers once at a gathering."""

    gathering = models.ForeignKey(Gathering, on_delete=models.CASCADE, related_name="tasks")
    order = models.PositiveSmallIntegerField(_("rekkefølge"), default=1)
    title = models.CharField(_("tittel"), max_length=200)
    kind = models.CharField(_("type"), max_length=10, choices=TaskKind.choices)
    prompt = models.TextField(_("oppgavetekst"), blank=True)
    closed_at = models.DateTimeField(_("lukket"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("gruppeoppgave")
        verbose_name_plural = _("gruppeoppgaver")
        ordering = ["gathering", "order", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class Answer(models.Model):
    """One municipality's answer to one group task; editable until the task is closed."""

    task = models.ForeignKey(GroupTask, on_delete=models.CASCADE, related_name="answers")
    municipality = models.ForeignKey(
        "tenants.Municipality", on_delete=models.CASCADE, related_name="gathering_answers"
    )
    content: models.JSONField[dict[str, Any], dict[str, Any]] = models.JSONField(
        _("svar"), default=dict
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Sent through the municipality's join code, without an account.
    via_code = models.BooleanField(default=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("svar")
        verbose_name_plural = _("svar")
        ordering = ["task", "municipality__name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "municipality"], name="gatherings_one_answer_per_municipality"
            ),
        ]
        indexes = [models.Index(fields=["task", "updated_at"], name="gatherings_answer_changed")]

    def __str__(self) -> str:
        return f"{self.municipality} – {self.task}"


class JoinCode(models.Model):
    """A short code that lets one municipality answer one gathering's open tasks, no login.

    It reaches that municipality's answers to that gathering's open tasks and nothing
    else, and stops working when the gathering has ended or all its tasks are closed.
    """

    gathering = models.ForeignKey(Gathering, on_delete=models.CASCADE, related_name="join_codes")
    municipality = models.ForeignKey(
        "tenants.Municipality", on_delete=models.CASCADE, related_name="gathering_join_codes"
    )
    code = models.CharField(_("kode"), max_length=8, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("deltakerkode")
        verbose_name_plural = _("deltakerkoder")
        ordering = ["gathering", "municipality__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["gathering", "municipality"], name="gatherings_one_code_per_municipality"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.municipality} – {self.gathering}"


class QuestionKind(models.TextChoices):
    SCALE = "scale", _("Skala 1–5")
    TEXT = "text", _("Fritekst")


class EvaluationQuestion(models.Model):
    gathering = models.ForeignKey(
        Gathering, on_delete=models.CASCADE, related_name="evaluation_questions"
    )
    order = models.PositiveSmallIntegerField(default=1)
    text = models.CharField(_("spørsmål"), max_length=300)
    kind = models.CharField(_("type"), max_length=10, choices=QuestionKind.choices)

    class Meta:
        verbose_name = _("evalueringsspørsmål")
        verbose_name_plural = _("evalueringsspørsmål")
        ordering = ["gathering", "order", "id"]

    def __str__(self) -> str:
        return self.text


class EvaluationSubmission(models.Model):
    """One anonymous evaluation, once per device (a digest of the device's token)."""

    gathering = models.ForeignKey(
        Gathering, on_delete=models.CASCADE, related_name="evaluation_submissions"
    )
    device = models.CharField(max_length=64)
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("evalueringssvar")
        verbose_name_plural = _("evalueringssvar")
        constraints = [
            models.UniqueConstraint(
                fields=["gathering", "device"], name="gatherings_one_evaluation_per_device"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.gathering} {self.submitted_at:%Y-%m-%d %H:%M}"


class EvaluationResponse(models.Model):
    submission = models.ForeignKey(
        EvaluationSubmission, on_delete=models.CASCADE, related_name="responses"
    )
    question = models.ForeignKey(
        EvaluationQuestion, on_delete=models.CASCADE, related_name="responses"
    )
    value = models.PositiveSmallIntegerField(null=True, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gte=SCALE_MIN, value__lte=SCALE_MAX),
                name="gatherings_evaluation_value_in_scale",
            ),
            models.UniqueConstraint(
                fields=["submission", "question"], name="gatherings_one_response_per_question"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question}: {self.value if self.value is not None else self.text[:40]}"
