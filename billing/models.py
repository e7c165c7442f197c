"""Consultancies, their programme packages, orders, invoices, Stripe and bank records and
Samla's own licences (all in the public schema).

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
from django.utils import timezone
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
    # Samla itself, the seller of the licences (one row; its Stripe account is the platform's).
    is_platform = models.BooleanField(_("Samla selv"), default=False)
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
            models.UniqueConstraint(
                fields=["is_platform"],
                condition=models.Q(is_platform=True),
                name="billing_one_platform_seller",
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


# Orders -----------------------------------------------------------------------------------
#
# An order copies its package's items into its own lines when it is placed: what the
# buyer agreed to is the order's, whatever later happens to the package. The states and
# the rules between them are declared once, in `billing.states`; every change of state is
# an `OrderEvent` (who, when, from what to what).


class BillingMode(models.TextChoices):
    UP_FRONT = "up_front", _("Alt på forskudd")
    AS_DELIVERED = "as_delivered", _("Etter levering (månedlig)")


class OrderStatus(models.TextChoices):
    DRAFT = "draft", _("Utkast")
    CONFIRMED = "confirmed", _("Bekreftet")
    IN_DELIVERY = "in_delivery", _("Under levering")
    COMPLETED = "completed", _("Fullført")
    CANCELLED = "cancelled", _("Kansellert")


class Order(models.Model):
    """A municipality's order of a published package, for one of its plans."""

    package = models.ForeignKey(
        Package, on_delete=models.PROTECT, related_name="orders", verbose_name=_("pakke")
    )
    # The seller, copied from the package: the invoices' number series and the queries
    # of a consultancy's orders read it without a join.
    consultancy = models.ForeignKey(
        Consultancy, on_delete=models.PROTECT, related_name="orders", verbose_name=_("selger")
    )
    municipality = models.ForeignKey(
        "tenants.Municipality",
        on_delete=models.PROTECT,
        related_name="orders",
        verbose_name=_("kommune"),
    )
    # A plan in the buyer's schema: an id there (no foreign key crosses schemas) and its
    # title when ordered.
    plan_id = models.PositiveIntegerField(_("plan"))
    plan_title = models.CharField(_("plan"), max_length=200)
    title = models.CharField(_("tittel"), max_length=200)
    # EHF BT-10: the buyer reference every Norwegian public body requires.
    buyer_reference = models.CharField(_("bestillerreferanse"), max_length=200)
    # EHF BT-13: the buyer's purchase order number, when it has one.
    purchase_order = models.CharField(_("innkjøpsordrenummer"), max_length=200, blank=True)
    invoice_name = models.CharField(_("fakturamottaker"), max_length=200)
    invoice_org_number = models.CharField(
        _("organisasjonsnummer"), max_length=9, validators=[validate_org_number]
    )
    invoice_street = models.CharField(_("gateadresse"), max_length=200, blank=True)
    invoice_postcode = models.CharField(_("postnummer"), max_length=4, blank=True)
    invoice_city = models.CharField(_("poststed"), max_length=100, blank=True)
    invoice_email = models.EmailField(_("e-post for faktura"), blank=True)
    start_date = models.DateField(_("startdato"))
    end_date = models.DateField(_("sluttdato"))
    billing_mode = models.CharField(
        _("fakturering"), max_length=16, choices=BillingMode.choices, default=BillingMode.UP_FRONT
    )
    status = models.CharField(
        _("status"), max_length=16, choices=OrderStatus.choices, default=OrderStatus.DRAFT
    )
    # Optimistic locking, as packages: a change names the version it edited (409 otherwise).
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("bestilt av"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("bestilling")
        verbose_name_plural = _("bestillinger")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["consultancy", "status"], name="billing_order_seller_status"),
            models.Index(fields=["municipality", "status"], name="billing_order_buyer_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(buyer_reference=""), name="billing_order_buyer_reference"
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="billing_order_dates",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.municipality_id})"


class OrderLine(models.Model):
    """One item of an order: copied from the package, dated, and delivered or not."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    package_item = models.ForeignKey(
        PackageItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    position = models.PositiveSmallIntegerField(_("rekkefølge"))
    kind = models.CharField(_("type"), max_length=32, choices=ItemKind.choices)
    name = models.CharField(_("navn"), max_length=200)
    description = models.CharField(_("beskrivelse"), max_length=500, blank=True)
    quantity = models.DecimalField(_("antall"), max_digits=12, decimal_places=4)
    unit = models.CharField(_("enhet"), max_length=3, choices=UnitChoice.choices)
    unit_price = models.DecimalField(_("enhetspris eks. mva"), max_digits=12, decimal_places=2)
    vat = models.CharField(_("mva"), max_length=20, choices=VatChoice.choices)
    scheduled_on = models.DateField(_("planlagt"))
    delivered_on = models.DateField(_("levert"), null=True, blank=True)
    delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # What the schedule wrote into the buyer's plan (ids in its schema), to take back out.
    plan_activity_id = models.PositiveIntegerField(null=True, blank=True)
    plan_milestone_id = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("bestillingslinje")
        verbose_name_plural = _("bestillingslinjer")
        ordering = ["order", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["order", "position"], name="billing_order_line_position"
            ),
            models.CheckConstraint(
                condition=models.Q(unit_price__gte=0), name="billing_order_line_price_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="billing_order_line_quantity_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class OrderEvent(models.Model):
    """A change of an order's state, or an agreed amendment: who, when, what."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("handling"), max_length=32)
    from_status = models.CharField(max_length=16, choices=OrderStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=OrderStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(_("tidspunkt"), default=timezone.now)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["order", "at", "id"]

    def __str__(self) -> str:
        return f"{self.action}: {self.from_status} → {self.to_status}"


class Amendment(models.Model):
    """A change to a confirmed order that one side proposes and the other accepts."""

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Foreslått")
        ACCEPTED = "accepted", _("Godtatt")
        REJECTED = "rejected", _("Avslått")
        WITHDRAWN = "withdrawn", _("Trukket")

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="amendments")
    # What changes: {"add": [item…], "remove": [line id…], "move": {line id: date}}.
    changes = models.JSONField()
    state = models.CharField(max_length=16, choices=State.choices, default=State.PROPOSED)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    proposed_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["order", "proposed_at", "id"]
        constraints = [
            # One open proposal at a time: the other side answers before a new one is made.
            models.UniqueConstraint(
                fields=["order"],
                condition=models.Q(state="proposed"),
                name="billing_one_open_amendment",
            )
        ]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.state}"


class ConsultantGrant(models.Model):
    """Lets a consultancy's members into the buying municipality as consultants while the
    order runs. The access layer reads it beside memberships; a person's own membership row
    in that municipality is never touched."""

    order = models.OneToOneField(Order, on_delete=models.CASCADE, related_name="grant")
    consultancy = models.ForeignKey(Consultancy, on_delete=models.CASCADE, related_name="grants")
    municipality = models.ForeignKey(
        "tenants.Municipality", on_delete=models.CASCADE, related_name="consultant_grants"
    )
    valid_from = models.DateField(_("gyldig fra"))
    valid_until = models.DateField(_("gyldig til"))
    revoked_at = models.DateTimeField(_("trukket tilbake"), null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["municipality", "valid_until"], name="billing_grant_lookup"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__gte=models.F("valid_from")),
                name="billing_grant_dates",
            )
        ]

    def __str__(self) -> str:
        return (
            f"{self.consultancy_id} → {self.municipality_id} ({self.valid_from}–{self.valid_until})"
        )


# Invoices ---------------------------------------------------------------------------------


class InvoiceKind(models.TextChoices):
    INVOICE = "invoice", _("Faktura")
    CREDIT_NOTE = "credit_note", _("Kreditnota")


class InvoiceStatus(models.TextChoices):
    DRAFT = "draft", _("Utkast")
    ISSUED = "issued", _("Sendt")
    PAID = "paid", _("Betalt")
    OVERDUE = "overdue", _("Forfalt")
    CREDITED = "credited", _("Kreditert")


class SendState(models.TextChoices):
    """Delivery of the EHF document through the access point."""

    NOT_CONFIGURED = "not_configured", _("Ingen aksesspunkt: EHF-filen lastes ned")
    PENDING = "pending", _("Venter på sending")
    SENT = "sent", _("Sendt")
    FAILED = "failed", _("Feilet, prøver igjen")


class InvoiceSeries(models.Model):
    """The next number of a seller's invoices and credit notes: taken under a row lock in
    the transaction that issues, so the series has no gaps and no repeats."""

    consultancy = models.OneToOneField(
        Consultancy, on_delete=models.CASCADE, related_name="invoice_series"
    )
    next_number = models.PositiveIntegerField(default=1)

    def __str__(self) -> str:
        return f"{self.consultancy_id}: {self.next_number}"


class Invoice(models.Model):
    """An invoice or credit note from a consultancy (or Samla itself, for a licence) to a
    municipality. Amounts are exact øre, totals as EN 16931 computes them (`billing.money`).
    From issue on, its lines, totals and EHF document are frozen."""

    consultancy = models.ForeignKey(
        Consultancy, on_delete=models.PROTECT, related_name="invoices", verbose_name=_("selger")
    )
    municipality = models.ForeignKey(
        "tenants.Municipality",
        on_delete=models.PROTECT,
        related_name="invoices",
        verbose_name=_("kommune"),
    )
    order = models.ForeignKey(
        Order, on_delete=models.PROTECT, null=True, blank=True, related_name="invoices"
    )
    licence = models.ForeignKey(
        "billing.Licence", on_delete=models.PROTECT, null=True, blank=True, related_name="invoices"
    )
    kind = models.CharField(max_length=16, choices=InvoiceKind.choices, default=InvoiceKind.INVOICE)
    credited_invoice = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="credit_note"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=InvoiceStatus.choices, default=InvoiceStatus.DRAFT
    )
    number = models.PositiveIntegerField(_("fakturanummer"), null=True, blank=True)
    kid = models.CharField(_("KID"), max_length=25, blank=True)
    buyer_reference = models.CharField(_("bestillerreferanse"), max_length=200)
    issue_date = models.DateField(_("fakturadato"), null=True, blank=True)
    due_date = models.DateField(_("forfallsdato"), null=True, blank=True)
    period_start = models.DateField(_("periode fra"), null=True, blank=True)
    period_end = models.DateField(_("periode til"), null=True, blank=True)
    currency = models.CharField(max_length=3, default="NOK")
    net_total = models.DecimalField(_("sum eks. mva"), max_digits=14, decimal_places=2, default=0)
    vat_total = models.DecimalField(_("mva"), max_digits=14, decimal_places=2, default=0)
    gross_total = models.DecimalField(
        _("sum inkl. mva"), max_digits=14, decimal_places=2, default=0
    )
    platform_fee = models.DecimalField(
        _("plattformgebyr"), max_digits=14, decimal_places=2, default=0
    )
    amount_paid = models.DecimalField(_("innbetalt"), max_digits=14, decimal_places=2, default=0)
    ehf_xml = models.TextField(_("EHF-dokument"), blank=True)
    send_state = models.CharField(
        max_length=16, choices=SendState.choices, default=SendState.NOT_CONFIGURED
    )
    send_attempts = models.PositiveSmallIntegerField(default=0)
    send_error = models.CharField(max_length=500, blank=True)
    access_point_id = models.CharField(max_length=100, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    stripe_invoice_id = models.CharField(max_length=64, blank=True)
    stripe_hosted_url = models.URLField(max_length=500, blank=True)
    stripe_status = models.CharField(max_length=16, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    issued_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("faktura")
        verbose_name_plural = _("fakturaer")
        ordering = ["-issue_date", "-number", "-id"]
        indexes = [
            models.Index(fields=["municipality", "status"], name="billing_invoice_buyer"),
            models.Index(fields=["consultancy", "issue_date"], name="billing_invoice_seller"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["consultancy", "number"], name="billing_invoice_number_unique"
            ),
            models.UniqueConstraint(
                fields=["kid"], condition=~models.Q(kid=""), name="billing_invoice_kid_unique"
            ),
            models.UniqueConstraint(
                fields=["stripe_invoice_id"],
                condition=~models.Q(stripe_invoice_id=""),
                name="billing_invoice_stripe_unique",
            ),
            # Issued means numbered: a draft has no number, anything else has one.
            models.CheckConstraint(
                condition=models.Q(status="draft", number__isnull=True)
                | (~models.Q(status="draft") & models.Q(number__isnull=False)),
                name="billing_invoice_numbered_when_issued",
            ),
            # An invoice is for an order or a licence, never both.
            models.CheckConstraint(
                condition=~models.Q(order__isnull=False, licence__isnull=False),
                name="billing_invoice_one_subject",
            ),
            models.CheckConstraint(
                condition=~models.Q(buyer_reference=""), name="billing_invoice_buyer_reference"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number or '–'}"


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(
        OrderLine, on_delete=models.PROTECT, null=True, blank=True, related_name="invoice_lines"
    )
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=32, choices=ItemKind.choices)
    name = models.CharField(max_length=200)
    quantity = models.DecimalField(max_digits=12, decimal_places=4)
    unit = models.CharField(max_length=3, choices=UnitChoice.choices)
    unit_price = models.DecimalField(max_digits=12, decimal_places=2)
    vat = models.CharField(max_length=20, choices=VatChoice.choices)
    net_amount = models.DecimalField(max_digits=14, decimal_places=2)
    stripe_line_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["invoice", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["invoice", "position"], name="billing_invoice_line_pos")
        ]

    def __str__(self) -> str:
        return self.name


class InvoiceEvent(models.Model):
    """A change of an invoice's state (issued, sent, paid, overdue, credited): who, when."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=32)
    from_status = models.CharField(max_length=16, choices=InvoiceStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=InvoiceStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # What acted when no person did: "stripe:evt_…", "bank:<entry>", "task:overdue".
    source = models.CharField(max_length=100, blank=True)
    at = models.DateTimeField(default=timezone.now)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["invoice", "at", "id"]

    def __str__(self) -> str:
        return f"{self.action}: {self.from_status} → {self.to_status}"


# Stripe and the bank ----------------------------------------------------------------------


class StripeCustomer(models.Model):
    """A municipality as a customer on one consultancy's connected account."""

    consultancy = models.ForeignKey(Consultancy, on_delete=models.CASCADE, related_name="+")
    municipality = models.ForeignKey(
        "tenants.Municipality", on_delete=models.CASCADE, related_name="+"
    )
    stripe_customer_id = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["consultancy", "municipality"], name="billing_stripe_customer_once"
            )
        ]

    def __str__(self) -> str:
        return self.stripe_customer_id


class StripeEvent(models.Model):
    """A webhook event, stored once by its id in the transaction that applies it."""

    event_id = models.CharField(max_length=100, unique=True)
    type = models.CharField(max_length=100)
    account = models.CharField(max_length=64, blank=True)
    created = models.DateTimeField()
    payload = models.JSONField()
    received_at = models.DateTimeField(auto_now_add=True)
    # "applied", "ignored: <why>", …
    outcome = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.type} {self.event_id}"


class BankStatement(models.Model):
    """An imported ISO 20022 CAMT.053 statement of a consultancy's account: each file once,
    by its message and statement ids."""

    consultancy = models.ForeignKey(
        Consultancy, on_delete=models.CASCADE, related_name="bank_statements"
    )
    message_id = models.CharField(max_length=100)
    statement_id = models.CharField(max_length=100)
    account = models.CharField(max_length=34)
    imported_at = models.DateTimeField(auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["consultancy", "message_id", "statement_id"],
                name="billing_statement_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.message_id}/{self.statement_id}"


class PaymentMatch(models.TextChoices):
    MATCHED = "matched", _("Avstemt")
    PARTIAL = "partial", _("Delbetaling")
    EXCESS = "excess", _("Overbetaling")
    UNMATCHED = "unmatched", _("Ukjent KID")
    RESOLVED = "resolved", _("Løst manuelt")


class BankPayment(models.Model):
    """A credit entry of a bank statement, matched to an invoice by KID or left for a person."""

    statement = models.ForeignKey(BankStatement, on_delete=models.CASCADE, related_name="payments")
    entry_reference = models.CharField(max_length=100)
    booked_on = models.DateField()
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    kid = models.CharField(max_length=25, blank=True)
    payer = models.CharField(max_length=200, blank=True)
    invoice = models.ForeignKey(
        Invoice, on_delete=models.PROTECT, null=True, blank=True, related_name="payments"
    )
    match = models.CharField(max_length=16, choices=PaymentMatch.choices)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-booked_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["statement", "entry_reference"], name="billing_payment_once"
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="billing_payment_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entry_reference}: {self.amount}"


# Samla's own licence ----------------------------------------------------------------------


class LicenceStatus(models.TextChoices):
    ACTIVE = "active", _("Aktiv")
    INVOICED = "invoiced", _("Fakturert")
    LAPSED = "lapsed", _("Utløpt: bare lesetilgang")


class Licence(models.Model):
    """A municipality's yearly Samla licence, priced by population band (`billing.licences`).
    A lapsed licence leaves the municipality read access and export, nothing more."""

    municipality = models.ForeignKey(
        "tenants.Municipality", on_delete=models.PROTECT, related_name="licences"
    )
    year = models.PositiveSmallIntegerField(_("år"))
    band = models.CharField(_("innbyggergruppe"), max_length=32)
    population = models.PositiveIntegerField(_("innbyggere"))
    amount = models.DecimalField(_("pris eks. mva"), max_digits=12, decimal_places=2)
    valid_from = models.DateField()
    valid_until = models.DateField()
    status = models.CharField(
        max_length=16, choices=LicenceStatus.choices, default=LicenceStatus.INVOICED
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["municipality", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "year"], name="billing_licence_year")
        ]

    def __str__(self) -> str:
        return f"{self.municipality_id} {self.year}"
