"""The shared indicator catalogue and each municipality's values per period (public schema).

An indicator (Ungdata's "trives på skolen", KOSTRA's share of children with child-welfare
measures, Udir's bullying figure) is one row, shared by every network and municipality;
its values are keyed by municipality and period, one value per pair. A goal in a
municipality's plan may link an indicator (`plans.Goal.indicator`, from the tenant's
schema into this one): its current value is then the indicator's latest value there.
Indicators are not deleted: goals in the municipalities' schemas refer to them.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from networks.figures import Better
from samla.textrules import validate_no_national_id, validate_printable

TEXT_RULES = [validate_no_national_id, validate_printable]

DESCRIPTION_LIMIT = 4_000
VALUE_DIGITS = 16
VALUE_PLACES = 4
# The largest magnitude a value column holds (16 digits, 4 of them decimals).
VALUE_LIMIT = Decimal(10) ** (VALUE_DIGITS - VALUE_PLACES)


class Source(models.TextChoices):
    UNGDATA = "ungdata", _("Ungdata")
    KOSTRA = "kostra", _("KOSTRA")
    UDIR = "udir", _("Udir")
    SSB = "ssb", _("SSB")
    OTHER = "other", _("Annen kilde")


class Direction(models.TextChoices):
    """Which way is better: the values of `networks.figures.Better` an indicator can take."""

    HIGHER = Better.HIGHER.value, _("Høyere er bedre")
    LOWER = Better.LOWER.value, _("Lavere er bedre")


class Origin(models.TextChoices):
    ENTERED = "entered", _("Registrert")
    IMPORTED = "imported", _("Importert")


class Indicator(models.Model):
    """A shared measure with a source, a unit and the direction that is better."""

    name = models.CharField(_("navn"), max_length=200, validators=TEXT_RULES)
    unit = models.CharField(_("enhet"), max_length=50, blank=True, validators=TEXT_RULES)
    better = models.CharField(_("bedre retning"), max_length=10, choices=Direction.choices)
    source = models.CharField(_("kilde"), max_length=20, choices=Source.choices)
    source_key = models.CharField(
        _("kildens id"),
        max_length=100,
        blank=True,
        validators=TEXT_RULES,
        help_text=_("Kildens egen identifikator, f.eks. SSB-tabellnummeret eller KOSTRA-nøkkelen"),
    )
    description = models.TextField(
        _("beskrivelse"),
        blank=True,
        validators=[MaxLengthValidator(DESCRIPTION_LIMIT), *TEXT_RULES],
    )
    min_value = models.DecimalField(
        _("laveste mulige verdi"),
        max_digits=VALUE_DIGITS,
        decimal_places=VALUE_PLACES,
        null=True,
        blank=True,
    )
    max_value = models.DecimalField(
        _("høyeste mulige verdi"),
        max_digits=VALUE_DIGITS,
        decimal_places=VALUE_PLACES,
        null=True,
        blank=True,
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("indikator")
        verbose_name_plural = _("indikatorer")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="indicators_name_once",
                violation_error_message=_("Katalogen har allerede en indikator med dette navnet."),
            ),
            models.UniqueConstraint(
                fields=["source", "source_key"],
                condition=~Q(source_key=""),
                name="indicators_source_key_once",
                violation_error_message=_(
                    "Katalogen har allerede en indikator med denne kilden og kildens id."
                ),
            ),
            models.CheckConstraint(
                condition=Q(min_value__isnull=True)
                | Q(max_value__isnull=True)
                | Q(max_value__gte=F("min_value")),
                name="indicators_max_not_below_min",
                violation_error_message=_(
                    "Den høyeste mulige verdien kan ikke være lavere enn den laveste."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class IndicatorValue(models.Model):
    """One municipality's value of one indicator for one period (`periods.parse_period`)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    municipality = models.ForeignKey(
        "tenants.Municipality", on_delete=models.CASCADE, related_name="indicator_values"
    )
    period = models.CharField(_("periode"), max_length=20)
    starts_on = models.DateField(_("periodens start"))
    ends_on = models.DateField(_("periodens slutt"))
    value = models.DecimalField(_("verdi"), max_digits=VALUE_DIGITS, decimal_places=VALUE_PLACES)
    origin = models.CharField(_("opphav"), max_length=10, choices=Origin.choices)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("endret"), default=timezone.now)

    class Meta:
        verbose_name = _("indikatorverdi")
        verbose_name_plural = _("indikatorverdier")
        ordering = ["indicator", "municipality", "starts_on", "ends_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "municipality", "period"],
                name="indicators_one_value_per_period",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="indicators_period_ends_after_start"
            ),
        ]
        indexes = [
            # The latest value per municipality (goals, the roll-up) and the chart's series.
            models.Index(
                fields=["indicator", "municipality", "-ends_on", "-starts_on"],
                name="indicators_latest",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.municipality_id} {self.period}"
