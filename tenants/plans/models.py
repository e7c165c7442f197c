"""A municipality's project plans and their parts (tenant schema, app label `plans`).

Every editable row carries `version` (optimistic concurrency: a save names the version it
edited, services refuse stale ones) and `updated_at`. Ranges are enforced twice: by the
services with Norwegian field errors, and by CheckConstraints as the last line. The kinds
of field and constraint that recur (texts, optional dates, choices, "end after start") are
named once in `fields.py`; the shapes several rows share (a row known by its name, one
people order by hand, a dated checkpoint) are abstract bases here, which add no table.

People who are not users (members of a body, owners of a risk) are plain text. A body
member may name a Samla user by `user_id`, a plain integer rather than a foreign key:
users live in the public schema, and a foreign key (even without a database constraint)
makes Django's deletion collector look for members in the public schema when a user is
deleted, which fails there ("relation does not exist"). The services check the id
against the municipality's memberships instead.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from samla.formats import format_date

# The text limits belong to the field kinds (fields.py); other modules read them here.
from tenants.plans.fields import CODE_LIMIT as CODE_LIMIT
from tenants.plans.fields import LONG_TEXT_LIMIT as LONG_TEXT_LIMIT
from tenants.plans.fields import NAME_LIMIT as NAME_LIMIT
from tenants.plans.fields import TEXT_LIMIT as TEXT_LIMIT
from tenants.plans.fields import (
    at_least,
    between,
    choice,
    code_unique_per_plan,
    end_after_start,
    long_text,
    optional_date,
    optional_decimal,
    optional_link,
    part_code,
    short_text,
    sort_order,
    text_list,
)

# The values of the choice fields ---------------------------------------------------------
# One table of every set: the services, queries, documents and the API schema
# (ENUM_NAME_OVERRIDES) read each by its name here.


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Utkast")
    APPROVED = "approved", _("Godkjent")
    ACTIVE = "active", _("Aktiv")
    COMPLETED = "completed", _("Avsluttet")
    ARCHIVED = "archived", _("Arkivert")


class GoalLevel(models.TextChoices):
    VISION = "vision", _("Visjon")
    MAIN = "main", _("Hovedmål")
    IMPACT = "impact", _("Effektmål")
    OUTCOME = "outcome", _("Resultatmål")
    WORK = "work", _("Arbeidsmål")
    SUB = "sub", _("Delmål")


class MilestoneStatus(models.TextChoices):
    PLANNED = "planned", _("Planlagt")
    IN_PROGRESS = "in_progress", _("Pågår")
    DONE = "done", _("Nådd")
    MISSED = "missed", _("Ikke nådd")


class ActivityStatus(models.TextChoices):
    PLANNED = "planned", _("Planlagt")
    IN_PROGRESS = "in_progress", _("Pågår")
    DONE = "done", _("Fullført")
    CANCELLED = "cancelled", _("Avlyst")


class RiskStatus(models.TextChoices):
    OPEN = "open", _("Åpen")
    MONITORED = "monitored", _("Følges med")
    CLOSED = "closed", _("Lukket")


class BudgetKind(models.TextChoices):
    COST = "cost", _("Kostnad")
    FUNDING = "funding", _("Finansiering")
    GRANT = "grant", _("Tildeling")


class BodyKind(models.TextChoices):
    STEERING = "steering", _("Styringsgruppe")
    PROJECT = "project", _("Prosjektgruppe")
    WORKING = "working", _("Arbeidsgruppe")
    REFERENCE = "reference", _("Referansegruppe")
    RESOURCE = "resource", _("Ressursgruppe")
    OTHER = "other", _("Annen gruppe")


class ReportKind(models.TextChoices):
    STATUS = "status", _("Statusrapport")
    FINAL = "final", _("Sluttrapport")
    INTERIM_REVIEW = "interim_review", _("Underveisvurdering")
    FINAL_REVIEW = "final_review", _("Sluttvurdering")


class ChangeAction(models.TextChoices):
    CREATE = "create", _("Opprettet")
    UPDATE = "update", _("Endret")
    DELETE = "delete", _("Slettet")
    RESTORE = "restore", _("Gjenopprettet")


# The shapes that several rows share -------------------------------------------------------


class Versioned(models.Model):
    """Optimistic concurrency and change time for every editable row."""

    version = models.PositiveIntegerField(_("versjon"), default=1, editable=False)
    created_at = models.DateTimeField(_("opprettet"), auto_now_add=True)
    updated_at = models.DateTimeField(_("sist endret"), auto_now=True)

    class Meta:
        abstract = True


class Named(Versioned):
    """A row people know by its name (a phase, a body, a member, a meeting series).

    Each model declares `name` itself, in its place among its fields: the API lists a
    part's fields in the model's order, and a field declared here would come first.
    """

    name: str

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name


class OrderedByHand(Named):
    """A named row in the place people gave it among its siblings (`order`, then id)."""

    order: int

    class Meta:
        abstract = True
        ordering = ["order", "id"]


class DatedCheckpoint(Versioned):
    """A numbered, dated checkpoint of a plan (MP1, BP1): listed by date, then number, and
    shown as its number and title.

    Each kind declares its `plan` link, `title` and `due` itself (its own related name and
    label, and fields declared here would come before its own: the API lists a part's
    fields in the model's order); its number is unique per plan by its own constraint.
    """

    code = part_code()
    title: str
    due: date

    class Meta:
        abstract = True
        ordering = ["due", "code", "id"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


# A plan and its parts ---------------------------------------------------------------------


class Plan(Versioned):
    """A project plan (prosjektplan) with its frame, owners and text sections."""

    title = short_text(_("tittel"), blank=False)
    number = short_text(_("prosjektnummer"), max_length=50)
    case_number = short_text(_("saksnummer"), max_length=50)
    owner = short_text(_("prosjekteier"))
    sponsor = short_text(_("prosjektansvarlig"))
    leaders = text_list(_("prosjektledere"), size=10)
    start = models.DateField(_("start"))
    end = models.DateField(_("slutt"))
    status = choice(_("status"), PlanStatus, default=PlanStatus.DRAFT)
    approved_on = optional_date(_("godkjent dato"))
    approved_by = short_text(_("godkjent av"))
    background = long_text(_("bakgrunn"), limit=LONG_TEXT_LIMIT)
    purpose = long_text(_("formål"), limit=LONG_TEXT_LIMIT)
    target_group = long_text(_("målgruppe"), limit=LONG_TEXT_LIMIT)
    scope = long_text(_("rammer, omfang og avgrensning"), limit=LONG_TEXT_LIMIT)
    references = long_text(_("henvisninger til planer og lover"), limit=LONG_TEXT_LIMIT)

    class Meta:
        verbose_name, verbose_name_plural = _("prosjektplan"), _("prosjektplaner")
        ordering = ["-start", "id"]
        constraints = [end_after_start("plans_plan_end_after_start")]

    def __str__(self) -> str:
        return self.title


def plan_link(related_name: str) -> models.ForeignKey[Plan, Plan]:
    """A part's link to its plan: the part goes with the plan."""
    return models.ForeignKey(Plan, on_delete=models.CASCADE, related_name=related_name)


class Phase(OrderedByHand):
    """A phase of the plan (e.g. mapping, routines, anchoring, evaluation); one is current."""

    plan = plan_link("phases")
    order = sort_order()
    name = short_text(_("navn"), blank=False)
    description = long_text(_("beskrivelse"))
    start = optional_date(_("start"))
    end = optional_date(_("slutt"))
    is_current = models.BooleanField(_("nåværende fase"), default=False)

    class Meta(OrderedByHand.Meta):
        verbose_name, verbose_name_plural = _("fase"), _("faser")
        constraints = [
            models.UniqueConstraint(
                fields=["plan"], condition=Q(is_current=True), name="plans_one_current_phase"
            ),
            end_after_start("plans_phase_end_after_start", optional=True),
        ]


class GoalManager(models.Manager["Goal"]):
    """Goals with their linked indicator's latest value for the municipality, in the query
    (networks.indicators.queries.with_latest_values: no query more per goal or page)."""

    def get_queryset(self) -> models.QuerySet[Goal]:
        from networks.indicators.queries import with_latest_values

        return with_latest_values(super().get_queryset())


class Goal(Versioned):
    """A goal on one level, optionally under a parent goal and with an indicator."""

    plan = plan_link("goals")
    level = choice(_("nivå"), GoalLevel)
    text = long_text(_("mål"), blank=False)
    due = optional_date(_("frist"))
    parent = optional_link("self", related_name="children", verbose_name=_("overordnet mål"))
    baseline = optional_decimal(_("utgangsverdi"))
    target = optional_decimal(_("målverdi"))
    current = optional_decimal(_("nåverdi"))
    unit = short_text(_("enhet"), max_length=50)
    period = short_text(_("periode"), max_length=50)
    # A shared indicator (public schema) whose latest value for this municipality is the
    # goal's current value (networks.indicators.queries.latest_values); `current` is for
    # goals without one. DO_NOTHING: Django's deletion collector cannot see this schema
    # from the public one; the database's foreign key refuses deleting a linked indicator.
    indicator = models.ForeignKey(
        "indicators.Indicator",
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("indikator"),
    )

    objects = GoalManager()
    # Set by GoalManager's query (or on first use): the indicator's latest value here.
    latest_indicator_id: int | None
    latest_indicator_value: Decimal | None
    latest_indicator_period: str | None

    class Meta:
        verbose_name, verbose_name_plural = _("mål"), _("mål")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=~Q(parent=F("id")), name="plans_goal_not_own_parent"),
        ]

    def __str__(self) -> str:
        return self.text[:80]

    def _indicator_reading(self) -> tuple[Decimal | None, str | None]:
        """The linked indicator's latest value and period here, from the query that loaded
        the goal when it read this indicator, else read now (one query)."""
        if self.indicator_id is None:
            return None, None
        if getattr(self, "latest_indicator_id", None) != self.indicator_id:
            from networks.indicators.queries import latest_reading

            reading = latest_reading(self.indicator_id)
            self.latest_indicator_id = self.indicator_id
            self.latest_indicator_value, self.latest_indicator_period = reading
        return self.latest_indicator_value, self.latest_indicator_period

    @property
    def indicator_value(self) -> Decimal | None:
        """The linked indicator's latest value for this municipality (None without one),
        without the trailing zeros of its column (`3.5`, not `3.5000`)."""
        value = self._indicator_reading()[0]
        return None if value is None else value.normalize()

    @property
    def indicator_period(self) -> str | None:
        """The period of `indicator_value`."""
        return self._indicator_reading()[1]

    @property
    def current_value(self) -> Decimal | None:
        """The goal's current value: its indicator's latest value when it links one (one
        source of truth), otherwise its own `current`."""
        return self.indicator_value if self.indicator_id is not None else self.current


class Measure(Versioned):
    """A measure (tiltak) towards one or more goals."""

    plan = plan_link("measures")
    goals = models.ManyToManyField(Goal, blank=True, related_name="measures", verbose_name=_("mål"))
    text = long_text(_("tiltak"), blank=False)
    responsible = short_text(_("ansvarlig"))

    class Meta:
        verbose_name, verbose_name_plural = _("tiltak"), _("tiltak")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.text[:80]


class Milestone(DatedCheckpoint):
    """A dated checkpoint (MP1 …) with a measurable criterion."""

    plan = plan_link("milestones")
    title = short_text(_("milepæl"), blank=False)
    due = models.DateField(_("dato"))
    criterion = long_text(_("målbart resultat"))
    status = choice(_("status"), MilestoneStatus, default=MilestoneStatus.PLANNED)
    done_on = optional_date(_("nådd dato"))
    evidence = long_text(_("dokumentasjon"))
    responsible = short_text(_("ansvarlig"))

    class Meta(DatedCheckpoint.Meta):
        verbose_name, verbose_name_plural = _("milepæl"), _("milepæler")
        constraints = [code_unique_per_plan("plans_milestone_code_per_plan")]


class DecisionPoint(DatedCheckpoint):
    """A dated decision (BP1 …) by the owner or steering group, with its basis."""

    plan = plan_link("decision_points")
    title = short_text(_("beslutningspunkt"), blank=False)
    due = models.DateField(_("dato"))
    basis = long_text(_("beslutningsgrunnlag"))
    decision = long_text(_("beslutning"))
    decided_on = optional_date(_("besluttet dato"))
    decided_by = short_text(_("besluttet av"))

    class Meta(DatedCheckpoint.Meta):
        verbose_name, verbose_name_plural = _("beslutningspunkt"), _("beslutningspunkter")
        constraints = [code_unique_per_plan("plans_decision_point_code_per_plan")]


class Activity(Versioned):
    """A main activity (HA01 …) and the months it runs: one row of the activity plan."""

    plan = plan_link("activities")
    code = part_code()
    name = short_text(_("navn"), blank=False)
    purpose = long_text(_("hensikt"))
    tasks = long_text(_("oppgaver"), limit=LONG_TEXT_LIMIT)
    result = long_text(_("resultat"))
    milestones = models.ManyToManyField(
        Milestone, blank=True, related_name="activities", verbose_name=_("milepæler")
    )
    start_month = models.DateField(_("første måned"))
    end_month = models.DateField(_("siste måned"))
    responsible = short_text(_("ansvarlig"))
    status = choice(_("status"), ActivityStatus, default=ActivityStatus.PLANNED)

    class Meta:
        verbose_name, verbose_name_plural = _("hovedaktivitet"), _("hovedaktiviteter")
        ordering = ["start_month", "code", "id"]
        constraints = [
            code_unique_per_plan("plans_activity_code_per_plan"),
            end_after_start("plans_activity_end_after_start", start="start_month", end="end_month"),
            models.CheckConstraint(
                condition=Q(start_month__day=1) & Q(end_month__day=1),
                name="plans_activity_months_are_first_days",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


SCALE_MESSAGE = _("Bruk en verdi fra 1 til 5.")
SCALE_VALIDATORS = [
    MinValueValidator(1, message=SCALE_MESSAGE),
    MaxValueValidator(5, message=SCALE_MESSAGE),
]
NEGATIVE_AMOUNT_MESSAGE = _("Beløpet kan ikke være negativt.")


class Risk(Versioned):
    """A risk: likelihood (S) × consequence (K) = score (RF), with a measure and an owner."""

    plan = plan_link("risks")
    title = short_text(_("risikofaktor"), max_length=300, blank=False)
    likelihood = models.PositiveSmallIntegerField(_("sannsynlighet"), validators=SCALE_VALIDATORS)
    consequence = models.PositiveSmallIntegerField(_("konsekvens"), validators=SCALE_VALIDATORS)
    score = models.GeneratedField(
        expression=F("likelihood") * F("consequence"),
        output_field=models.PositiveSmallIntegerField(),
        db_persist=True,
        verbose_name=_("risikofaktor (S×K)"),
    )
    measure = long_text(_("tiltak"))
    owner = short_text(_("ansvarlig"))
    status = choice(_("status"), RiskStatus, default=RiskStatus.OPEN)

    class Meta:
        verbose_name, verbose_name_plural = _("risiko"), _("risikoer")
        ordering = ["-score", "id"]
        constraints = [
            between("likelihood", 1, 5, name="plans_risk_likelihood_1_5"),
            between("consequence", 1, 5, name="plans_risk_consequence_1_5"),
        ]

    def __str__(self) -> str:
        return self.title


class SuccessFactor(Versioned):
    """A critical success factor (KSF) with its priority, sub-points and linked risks."""

    plan = plan_link("success_factors")
    priority = models.PositiveSmallIntegerField(
        _("prioritet"), default=1, validators=[MinValueValidator(1), MaxValueValidator(99)]
    )
    text = short_text(_("suksessfaktor"), max_length=500, blank=False)
    sub_points = text_list(_("underpunkter"), size=30, item_limit=500)
    measure = long_text(_("risikoreduserende tiltak"))
    risks = models.ManyToManyField(
        Risk, blank=True, related_name="success_factors", verbose_name=_("risikoer")
    )

    class Meta:
        verbose_name, verbose_name_plural = (
            _("kritisk suksessfaktor"),
            _("kritiske suksessfaktorer"),
        )
        ordering = ["id"]
        constraints = [at_least("priority", 1, name="plans_success_factor_priority")]

    def __str__(self) -> str:
        return self.text


class BudgetLine(Versioned):
    """A cost, funding or grant line in NOK (exact decimals) for one period."""

    plan = plan_link("budget_lines")
    kind = choice(_("type"), BudgetKind)
    label = short_text(_("post"), blank=False)
    amount = models.DecimalField(
        _("beløp (kr)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(0, message=NEGATIVE_AMOUNT_MESSAGE)],
    )
    period = short_text(_("periode"), max_length=50)
    settled = models.BooleanField(_("avklart"), default=True)

    class Meta:
        verbose_name, verbose_name_plural = _("budsjettlinje"), _("budsjettlinjer")
        ordering = ["kind", "id"]
        constraints = [at_least("amount", 0, name="plans_budget_amount_not_negative")]

    def __str__(self) -> str:
        return f"{self.label}: {self.amount}"


class Body(OrderedByHand):
    """A body of the plan's organisation with its mandate; its members are rows."""

    plan = plan_link("bodies")
    kind = choice(_("type"), BodyKind)
    name = short_text(_("navn"), blank=False)
    mandate = long_text(_("mandat"), limit=LONG_TEXT_LIMIT)
    order = sort_order()

    class Meta(OrderedByHand.Meta):
        verbose_name, verbose_name_plural = _("gruppe"), _("grupper")


class BodyMember(OrderedByHand):
    """A member of a body: a person by name, optionally a Samla user (see module docstring)."""

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="members")
    name = short_text(_("navn"), blank=False)
    title = short_text(_("stilling"))
    unit = short_text(_("enhet"))
    role = short_text(_("rolle"))
    user_id = models.PositiveIntegerField(_("bruker-id"), null=True, blank=True)
    order = sort_order()

    class Meta(OrderedByHand.Meta):
        verbose_name, verbose_name_plural = _("medlem"), _("medlemmer")


class MeetingSeries(Named):
    """A body's recurring meeting: the meeting plan (møteplan) row."""

    plan = plan_link("meeting_series")
    body = optional_link(Body, related_name="meeting_series", verbose_name=_("gruppe"))
    name = short_text(_("navn"), blank=False)
    frequency = short_text(_("hyppighet"))
    agenda = long_text(_("agenda"))
    participants = long_text(_("deltakere"))

    class Meta:
        verbose_name, verbose_name_plural = _("møteserie"), _("møteserier")
        ordering = ["id"]


class Meeting(Versioned):
    """A held meeting with its minutes: attendees, decisions and actions."""

    plan = plan_link("meetings")
    series = optional_link(MeetingSeries, related_name="meetings", verbose_name=_("møteserie"))
    body = optional_link(Body, related_name="meetings", verbose_name=_("gruppe"))
    title = short_text(_("tittel"), blank=False)
    held_on = models.DateField(_("dato"))
    agenda = long_text(_("agenda"))
    attendees = text_list(_("til stede"), size=100)
    decisions = text_list(_("vedtak"), size=100, item_limit=TEXT_LIMIT)
    # [{"text": "...", "owner": "...", "due": "YYYY-MM-DD" | null, "done": false}, ...]
    actions = models.JSONField(_("oppfølgingspunkter"), default=list, blank=True)
    notes = long_text(_("referat"), limit=LONG_TEXT_LIMIT)

    class Meta:
        verbose_name, verbose_name_plural = _("møte"), _("møter")
        ordering = ["-held_on", "id"]

    def __str__(self) -> str:
        return f"{self.title} {format_date(self.held_on)}"


class StatusReport(Versioned):
    """A report to the steering group; submitting it freezes a snapshot of the plan."""

    plan = plan_link("status_reports")
    kind = choice(_("type"), ReportKind, default=ReportKind.STATUS)
    date = models.DateField(_("dato"))
    summary = long_text(_("framdrift"), limit=LONG_TEXT_LIMIT)
    economy = long_text(_("økonomi"))
    risks = long_text(_("risiko"))
    snapshot = models.JSONField(_("øyeblikksbilde"), default=dict, blank=True, editable=False)
    submitted_at = models.DateTimeField(_("sendt inn"), null=True, blank=True, editable=False)
    submitted_by = models.CharField(
        _("sendt inn av"), max_length=NAME_LIMIT, blank=True, editable=False
    )

    class Meta:
        verbose_name, verbose_name_plural = _("statusrapport"), _("statusrapporter")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {format_date(self.date)}"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class Change(models.Model):
    """One recorded change of a plan or one of its parts: who, when, what before and after.

    Written by the services in the same transaction as the change. `plan_id` and `user_id`
    are plain integers: a plan's history outlives the plan, and users live in the public
    schema (see the module docstring). `before`/`after` are the row as JSON (`None` for the
    side that did not exist), with the ids of its many-to-many links.
    """

    plan_id = models.PositiveIntegerField(_("plan"))
    object_type = models.CharField(_("type"), max_length=40)
    object_id = models.PositiveIntegerField(_("id"))
    object_label = models.CharField(_("objekt"), max_length=300)
    action = models.CharField(_("handling"), max_length=10, choices=ChangeAction.choices)
    user_id = models.PositiveIntegerField(_("bruker-id"), null=True, blank=True)
    user_name = models.CharField(_("endret av"), max_length=NAME_LIMIT, blank=True)
    at = models.DateTimeField(_("tidspunkt"), auto_now_add=True)
    before = models.JSONField(_("før"), null=True, blank=True)
    after = models.JSONField(_("etter"), null=True, blank=True)

    class Meta:
        verbose_name, verbose_name_plural = _("endring"), _("endringer")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(
                fields=["plan_id", "object_type", "object_id", "-at"], name="plans_change_object"
            ),
            models.Index(fields=["plan_id", "-at"], name="plans_change_plan"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.object_label}"

    @property
    def object_type_label(self) -> str:
        """What kind of part changed, as a person names it (Milepæl, Risiko …)."""
        from django.apps import apps

        try:
            model = apps.get_model("plans", self.object_type)
        except LookupError:
            return self.object_type
        return str(model._meta.verbose_name).capitalize()
