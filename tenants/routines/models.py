"""A municipality's units and its collaboration routines (tenant schema, app label `routines`).

A `Routine` is the lasting identity (what the municipality calls "the routine for
transition from kindergarten to school"); its content lives in numbered
`RoutineVersion`s. At most one version is a draft (the one being written); approving it
freezes it for good, and the routine's `current` points at the approved version in force.
Editing an approved routine starts a new draft version copied from the current one, so
every version stays readable and any two can be compared.

The catalogue of collaboration methods lives in the public schema (the CMS snippet
`cms.CollaborationMethod`); a version names its methods by slug, not by foreign key, so
that deleting a method in the public schema never has to look into a municipality's
tables (see the same reasoning for users in `tenants.plans.models`). A routine adopted
from a network's library records the library entry and version it was taken from by id,
for the same reason.

No data about individual children is stored: a routine says how units work together,
never about whom.
"""

from __future__ import annotations

import datetime

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from tenants.plans.fields import (
    between,
    choice,
    long_text,
    optional_date,
    short_text,
    sort_order,
)
from tenants.plans.models import Versioned

BTI_LEVELS = (0, 1, 2, 3)
# How far ahead owners are told that a review falls due.
REVIEW_NOTICE_DAYS = 30
MAX_REVIEW_INTERVAL_MONTHS = 60
MAX_STEPS = 100


class UnitKind(models.TextChoices):
    HEALTH_CLINIC = "health_clinic", _("Helsestasjon")
    KINDERGARTEN = "kindergarten", _("Barnehage")
    SCHOOL = "school", _("Skole")
    PPT = "ppt", _("PPT")
    CHILD_WELFARE = "child_welfare", _("Barnevern")
    NAV = "nav", _("NAV")
    MENTAL_HEALTH = "mental_health", _("Psykisk helse og rus")
    HEALTH = "health", _("Helse- og omsorgstjeneste")
    CULTURE = "culture", _("Kultur og fritid")
    ADMINISTRATION = "administration", _("Administrasjon")
    OTHER = "other", _("Annen enhet")


class Unit(Versioned):
    """A unit or service area of the municipality (a kindergarten, PPT, NAV, …)."""

    name = short_text(_("navn"), blank=False)
    kind = choice(_("type"), UnitKind, default=UnitKind.OTHER)
    leader_name = short_text(_("leder"))
    email = models.EmailField(_("e-post for varsler"), blank=True)
    order = sort_order()

    class Meta:
        verbose_name, verbose_name_plural = _("enhet"), _("enheter")
        ordering = ["order", "name", "id"]
        constraints = [models.UniqueConstraint(Upper("name"), name="routines_unit_name_unique")]

    def __str__(self) -> str:
        return self.name


class RoutineStatus(models.TextChoices):
    DRAFT = "draft", _("Utkast")
    APPROVED = "approved", _("Godkjent")
    RETIRED = "retired", _("Utgått")


class RoutineKind(models.TextChoices):
    ROUTINE = "routine", _("Samhandlingsrutine")
    AGREEMENT = "agreement", _("Samarbeidsavtale")


class RoutineLevel(models.TextChoices):
    INDIVIDUAL = "individual", _("Individnivå")
    SYSTEM = "system", _("Systemnivå")


class RoutineQuerySet(models.QuerySet["Routine"]):
    def listed(self) -> RoutineQuerySet:
        """What a list of routines shows: both versions a row names, without a query each."""
        return self.select_related("current", "current__owner_unit", "draft", "draft__owner_unit")

    def due_for_review(
        self, on: datetime.date, within_days: int = REVIEW_NOTICE_DAYS
    ) -> RoutineQuerySet:
        """Approved routines whose next review falls within `within_days` of `on` (or is past)."""
        return self.filter(
            status=RoutineStatus.APPROVED,
            next_review__isnull=False,
            next_review__lte=on + datetime.timedelta(days=within_days),
        )

    def overdue(self, on: datetime.date) -> RoutineQuerySet:
        return self.filter(status=RoutineStatus.APPROVED, next_review__lt=on)


class Routine(Versioned):
    """A routine or cooperation agreement across its versions (see the module docstring).

    `status` is the routine's: a draft until its first approval, approved while a version
    is in force (a draft of the next version may be under way beside it), retired when
    the municipality stops using it. `version` (from Versioned) is the optimistic lock of
    the routine as a whole: every write to the routine or its draft names it.
    """

    status = choice(_("status"), RoutineStatus, default=RoutineStatus.DRAFT)
    current = models.ForeignKey(
        "RoutineVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("gjeldende versjon"),
    )
    draft = models.ForeignKey(
        "RoutineVersion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("utkast"),
    )
    next_review = optional_date(_("neste gjennomgang"))
    last_reviewed = optional_date(_("sist gjennomgått"))
    retired_on = optional_date(_("utgått dato"))
    # Plan rows this routine fulfils (MP4 "forslag til samarbeidsrutiner er utarbeidd").
    milestones = models.ManyToManyField(
        "plans.Milestone", blank=True, related_name="routines", verbose_name=_("milepæler")
    )
    measures = models.ManyToManyField(
        "plans.Measure", blank=True, related_name="routines", verbose_name=_("tiltak")
    )
    # Taken from a network's library: the entry and its version, by id (public schema).
    library_entry_id = models.PositiveBigIntegerField(
        _("bibliotekoppføring"), null=True, blank=True
    )
    library_version = models.PositiveIntegerField(_("bibliotekversjon"), null=True, blank=True)
    source_municipality = short_text(_("hentet fra kommune"))
    # The source's unit names mapped onto this municipality's unit ids when it was taken.
    unit_mapping = models.JSONField(_("enhetskobling"), default=dict, blank=True)

    objects = RoutineQuerySet.as_manager()

    class Meta:
        verbose_name, verbose_name_plural = _("rutine"), _("rutiner")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=RoutineStatus.APPROVED) | Q(current__isnull=False),
                name="routines_approved_has_current",
            ),
            models.UniqueConstraint(
                "library_entry_id",
                condition=Q(library_entry_id__isnull=False),
                name="routines_one_adoption_per_library_entry",
            ),
        ]

    def __str__(self) -> str:
        head = self.head
        return head.title if head is not None else f"#{self.pk}"

    @property
    def head(self) -> RoutineVersion | None:
        """The version people work on: the draft if one is under way, else the current one."""
        return self.draft if self.draft_id is not None else self.current


class RoutineVersion(Versioned):
    """One version of a routine's content. Frozen once `approved_on` is set."""

    routine = models.ForeignKey(Routine, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("versjonsnummer"))
    kind = choice(_("type"), RoutineKind, default=RoutineKind.ROUTINE)
    title = short_text(_("tittel"), blank=False)
    purpose = long_text(_("formål"))
    level = choice(_("nivå"), RoutineLevel, default=RoutineLevel.SYSTEM)
    bti_levels = ArrayField(
        models.PositiveSmallIntegerField(),
        verbose_name=_("BTI-nivåer"),
        default=list,
        blank=True,
        size=len(BTI_LEVELS),
    )
    owner_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="owned_routine_versions",
        verbose_name=_("eierenhet"),
    )  # fmt: skip
    units = models.ManyToManyField(
        Unit, blank=True, related_name="routine_versions", verbose_name=_("enheter")
    )
    methods = ArrayField(
        models.CharField(max_length=63),
        verbose_name=_("samhandlingsmetoder"),
        default=list,
        blank=True,
        size=30,
    )
    internal_control_area = short_text(_("internkontrollområde"))
    review_interval_months = models.PositiveSmallIntegerField(
        _("gjennomgås hver (måneder)"), default=12
    )
    change_note = long_text(_("hva er endret"))
    approved_on = optional_date(_("godkjent dato"))
    # The body that approved it, if one of the plans' bodies; its name is kept in
    # `approved_by` too, so the record outlives the project that had the body.
    approved_by_body = models.ForeignKey(
        "plans.Body", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("godkjent av gruppe"),
    )  # fmt: skip
    approved_by = short_text(_("godkjent av"))
    approved_by_user_id = models.PositiveIntegerField(
        _("godkjent av bruker"), null=True, blank=True
    )

    class Meta:
        verbose_name, verbose_name_plural = _("rutineversjon"), _("rutineversjoner")
        ordering = ["routine", "number"]
        constraints = [
            models.UniqueConstraint("routine", "number", name="routines_version_number_unique"),
            between(
                "review_interval_months",
                1,
                MAX_REVIEW_INTERVAL_MONTHS,
                name="routines_review_interval_range",
            ),
            models.CheckConstraint(
                condition=Q(bti_levels__contained_by=list(BTI_LEVELS)),
                name="routines_bti_levels_known",
            ),
            models.CheckConstraint(
                condition=Q(approved_on__isnull=True) | ~Q(approved_by=""),
                name="routines_approved_names_approver",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.number}"

    @property
    def is_approved(self) -> bool:
        return self.approved_on is not None


class RoutineStep(models.Model):
    """One step of a version: who does what, and when."""

    routine_version = models.ForeignKey(
        RoutineVersion, on_delete=models.CASCADE, related_name="steps"
    )
    order = sort_order()
    action = long_text(_("hva gjøres"), blank=False)
    responsible_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="routine_steps",
        verbose_name=_("ansvarlig enhet"),
    )  # fmt: skip
    timing = short_text(_("når"))

    class Meta:
        verbose_name, verbose_name_plural = _("trinn"), _("trinn")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return f"{self.order}. {self.action[:60]}"


class UnitAdoption(Versioned):
    """A unit's adoption of a routine: when it took it into use, when it last confirmed use."""

    routine = models.ForeignKey(Routine, on_delete=models.CASCADE, related_name="adoptions")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="adoptions")
    adopted_on = models.DateField(_("tatt i bruk"))
    confirmed_on = optional_date(_("sist bekreftet i bruk"))

    class Meta:
        verbose_name, verbose_name_plural = _("innføring i enhet"), _("innføringer i enheter")
        ordering = ["unit__order", "unit__name", "id"]
        constraints = [
            models.UniqueConstraint("routine", "unit", name="routines_one_adoption_per_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id}: {self.adopted_on}"


class RoutineReview(models.Model):
    """A review held: the routine was looked over and found fit (or changed) on a date."""

    routine = models.ForeignKey(Routine, on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField(_("gjennomgått dato"))
    note = long_text(_("merknad"))
    reviewed_by = short_text(_("gjennomgått av"))
    created_at = models.DateTimeField(_("registrert"), auto_now_add=True)

    class Meta:
        verbose_name, verbose_name_plural = _("gjennomgang"), _("gjennomganger")
        ordering = ["-reviewed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.routine_id}: {self.reviewed_on}"


class NoticeKind(models.TextChoices):
    REVIEW_SOON = "review_soon", _("Gjennomgang nærmer seg")
    REVIEW_OVERDUE = "review_overdue", _("Gjennomgang på overtid")
    LIBRARY_UPDATE = "library_update", _("Ny versjon i nettverkets bibliotek")


class Notice(models.Model):
    """A notice sent to a routine's owner, once per routine, kind and occasion.

    The unique constraint is what makes the daily task safe to run twice: a notice is
    claimed by inserting its row, and the mail goes out only for a row this run inserted.
    `occasion` is the review's due date, or for a library update the library version.
    """

    routine = models.ForeignKey(Routine, on_delete=models.CASCADE, related_name="notices")
    kind = choice(_("type"), NoticeKind)
    occasion = models.CharField(_("anledning"), max_length=40)
    recipients = ArrayField(models.EmailField(), default=list, blank=True)
    sent_at = models.DateTimeField(_("sendt"), auto_now_add=True)

    class Meta:
        verbose_name, verbose_name_plural = _("varsel"), _("varsler")
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                "routine", "kind", "occasion", name="routines_one_notice_per_occasion"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.occasion}"
