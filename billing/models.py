"""Consultancies and their programme packages (public schema); orders and invoices follow.

A package is a priced list of items (`billing.kinds`) with a schedule template (the week
from the start each item falls in). Amounts are exact decimals in NOK excluding VAT; what
they add up to, with VAT, is computed by `billing.pricing` through `billing.money`, the
same figures the EHF invoice will carry. Changes go through `billing.services`.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from billing.kid import validate_account
from billing.kinds import ItemKind, UnitChoice, VatChoice
from tenants.validators import validate_org_number


def _valid_account(value: str) -> None:
    validate_account(value)


KID_PREFIX = RegexValidator(r"^[0-9]{1,6}$", _("KID-prefikset er 1–6 siffer."))


class StripeAccountState(models.TextChoices):
    """Where the consultancy's Stripe connected account stands (follows `account.updated`)."""

    NONE = "none", _("Ikke opprettet")
    PENDING = "pending", _("Under registrering")
    RESTRICTED = "restricted", _("Begrenset")
    ENABLED = "enabled", _("Aktiv")


class Consultancy(models.Model):
    """A company that sells programme packages to municipalities; Samla invoices on its behalf."""

    name = models.CharField(_("navn"), max_length=200)
    slug = models.SlugField(_("kortnavn"), max_length=63, unique=True)
    legal_name = models.CharField(_("juridisk navn"), max_length=200, blank=True)
    org_number = models.CharField(
        _("organisasjonsnummer"), max_length=9, unique=True, validators=[validate_org_number]
    )
    vat_registered = models.BooleanField(_("registrert i Merverdiavgiftsregisteret"), default=True)
    # An AS is; a sole proprietorship may not be, and then writes no "Foretaksregisteret".
    in_business_register = models.BooleanField(_("registrert i Foretaksregisteret"), default=True)
    contact_name = models.CharField(_("kontaktperson"), max_length=200, blank=True)
    contact_email = models.EmailField(_("e-post"), blank=True)
    contact_phone = models.CharField(_("telefon"), max_length=30, blank=True)
    street = models.CharField(_("gateadresse"), max_length=200, blank=True)
    postcode = models.CharField(
        _("postnummer"),
        max_length=4,
        blank=True,
        validators=[RegexValidator(r"^[0-9]{4}$", _("Postnummeret er fire siffer."))],
    )
    city = models.CharField(_("poststed"), max_length=100, blank=True)
    bank_account = models.CharField(
        _("kontonummer"), max_length=34, blank=True, validators=[_valid_account]
    )
    # The first digits of every KID the consultancy's invoices carry: a bank payment's KID
    # names the consultancy before the invoice number.
    kid_prefix = models.CharField(
        _("KID-prefiks"), max_length=6, blank=True, validators=[KID_PREFIX]
    )
    # Empty: settings.SAMLA_PLATFORM_FEE_PERCENT.
    platform_fee_percent = models.DecimalField(
        _("plattformgebyr (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    stripe_account_id = models.CharField(_("Stripe-konto"), max_length=64, blank=True)
    stripe_account_state = models.CharField(
        _("Stripe-kontoens status"),
        max_length=16,
        choices=StripeAccountState.choices,
        default=StripeAccountState.NONE,
    )

    class Meta:
        verbose_name = _("konsulentselskap")
        verbose_name_plural = _("konsulentselskaper")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["kid_prefix"],
                condition=~models.Q(kid_prefix=""),
                name="billing_kid_prefix_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(platform_fee_percent__isnull=True)
                | models.Q(platform_fee_percent__gte=0, platform_fee_percent__lte=100),
                name="billing_platform_fee_percent_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def fee_percent(self) -> Decimal:
        """The platform fee in per cent: the consultancy's own, else the platform's."""
        if self.platform_fee_percent is not None:
            return Decimal(self.platform_fee_percent)
        return Decimal(str(settings.SAMLA_PLATFORM_FEE_PERCENT))


class PackageStatus(models.TextChoices):
    DRAFT = "draft", _("Utkast")
    PUBLISHED = "published", _("Publisert")


class Package(models.Model):
    """A consultancy's programme package: what municipalities see in the catalogue and order.

    A published package is frozen: its items and prices change only after it is
    unpublished (services.unpublish_package), so what a buyer saw is what is sold.
    """

    consultancy = models.ForeignKey(
        Consultancy,
        on_delete=models.CASCADE,
        related_name="packages",
        verbose_name=_("konsulentselskap"),
    )
    title = models.CharField(_("tittel"), max_length=200)
    slug = models.SlugField(_("kortnavn"), max_length=100)
    description = models.TextField(_("beskrivelse"), blank=True)
    # The programme's page under the consultancy's ConsultancyPage in the CMS.
    programme_page = models.ForeignKey(
        "wagtailcore.Page",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("programside"),
    )
    duration_weeks = models.PositiveSmallIntegerField(_("varighet (uker)"))
    status = models.CharField(
        _("status"), max_length=16, choices=PackageStatus.choices, default=PackageStatus.DRAFT
    )
    # Optimistic locking: a change names the version it edited (409 otherwise).
    version = models.PositiveIntegerField(default=1)
    published_at = models.DateTimeField(_("publisert"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("programpakke")
        verbose_name_plural = _("programpakker")
        ordering = ["consultancy__name", "title", "id"]
        constraints = [
            models.UniqueConstraint(fields=["consultancy", "slug"], name="billing_package_slug"),
            models.CheckConstraint(
                condition=models.Q(duration_weeks__gte=1, duration_weeks__lte=520),
                name="billing_package_duration",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == PackageStatus.PUBLISHED


class PackageItem(models.Model):
    """One priced line of a package, and the week from the start it is scheduled in."""

    package = models.ForeignKey(Package, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveSmallIntegerField(_("rekkefølge"))
    kind = models.CharField(_("type"), max_length=32, choices=ItemKind.choices)
    name = models.CharField(_("navn"), max_length=200)
    description = models.CharField(_("beskrivelse"), max_length=500, blank=True)
    quantity = models.DecimalField(_("antall"), max_digits=12, decimal_places=4)
    unit = models.CharField(_("enhet"), max_length=3, choices=UnitChoice.choices)
    unit_price = models.DecimalField(_("enhetspris eks. mva"), max_digits=12, decimal_places=2)
    vat = models.CharField(_("mva"), max_length=20, choices=VatChoice.choices)
    schedule_week = models.PositiveSmallIntegerField(_("uke fra start"))

    class Meta:
        verbose_name = _("pakkelinje")
        verbose_name_plural = _("pakkelinjer")
        ordering = ["package", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["package", "order"], name="billing_item_order"),
            models.CheckConstraint(
                condition=models.Q(unit_price__gte=0), name="billing_item_price_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="billing_item_quantity_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(schedule_week__gte=1), name="billing_item_week_from_one"
            ),
        ]

    def __str__(self) -> str:
        return self.name
