"""Samla's own yearly licence per municipality: issued by an operator, invoiced by Samla
itself (the platform seller) the same way as a consultancy's invoices (EHF, Stripe), and
lapsing to read-only when its invoice stays unpaid past the grace period.

A licence is `INVOICED` when made, `ACTIVE` once its invoice is paid, and `LAPSED` when
the invoice is still unpaid `SAMLA_LICENCE_GRACE_DAYS` after it fell due; paying a lapsed
licence's invoice makes it active again. The access layer reads the state
(`samla.accounts`): a lapsed municipality keeps read access and export, nothing more.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from billing import licences, money
from billing.kinds import UnitChoice, VatChoice
from billing.models import (
    Consultancy,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    Licence,
    LicenceStatus,
)
from networks.access import User, is_operator
from samla.textrules import contains_control_characters
from tenants.models import Municipality

PLATFORM_SLUG = "samla"


def platform_seller() -> Consultancy:
    """Samla as the seller of its licences (one row, made from settings when first needed)."""
    seller, _created = Consultancy.objects.get_or_create(
        is_platform=True,
        defaults={
            "name": settings.SAMLA_PLATFORM_NAME,
            "legal_name": settings.SAMLA_PLATFORM_NAME,
            "slug": PLATFORM_SLUG,
            "org_number": settings.SAMLA_PLATFORM_ORG_NUMBER,
            "bank_account": settings.SAMLA_PLATFORM_BANK_ACCOUNT,
            "kid_prefix": settings.SAMLA_PLATFORM_KID_PREFIX,
            "contact_email": settings.SAMLA_PLATFORM_EMAIL,
            "street": settings.SAMLA_PLATFORM_STREET,
            "postcode": settings.SAMLA_PLATFORM_POSTCODE,
            "city": settings.SAMLA_PLATFORM_CITY,
            "platform_fee_percent": 0,
        },
    )
    return seller


def _require_operator(user: User) -> None:
    if not is_operator(user):
        raise PermissionDenied(_("Bare driftsoperatører utsteder lisenser."))


def _clean(data: Mapping[str, Any], today: datetime.date) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    year = data.get("year")
    if (
        isinstance(year, bool)
        or not isinstance(year, int)
        or not (today.year - 1 <= year <= today.year + 2)
    ):
        errors["year"] = [
            _("Oppgi et år fra %(first)d til %(last)d.")
            % {"first": today.year - 1, "last": today.year + 2}
        ]
    population = data.get("population")
    if (
        isinstance(population, bool)
        or not isinstance(population, int)
        or not 1 <= population <= licences.MAX_POPULATION
    ):
        errors["population"] = [
            _("Oppgi antall innbyggere som et heltall fra 1 til %(max)s.")
            % {"max": licences.MAX_POPULATION}
        ]
    given = data.get("buyer_reference")
    reference = given if isinstance(given, str) else ""
    if not reference.strip():
        errors["buyer_reference"] = [
            _("Kommunens bestillerreferanse må være med: EHF-fakturaen avvises uten.")
        ]
    elif len(reference) > 200 or contains_control_characters(reference):
        errors["buyer_reference"] = [_("Høyst 200 tegn, uten kontrolltegn.")]
    if errors:
        raise ValidationError(errors)
    return {"year": year, "population": population, "buyer_reference": reference.strip()}


def issue_licence(
    user: User, municipality: Municipality, data: Mapping[str, Any]
) -> tuple[Licence, Invoice]:
    """Make the municipality's licence for a year and issue its invoice, in one transaction.

    `data`: year, population (inhabitants), buyer_reference. One licence per year.
    """
    from billing.services import invoices

    _require_operator(user)
    today = timezone.localdate()
    clean = _clean(data, today)
    band = licences.band_for(clean["population"])
    with transaction.atomic():
        if Licence.objects.filter(municipality=municipality, year=clean["year"]).exists():
            raise ValidationError(
                {"year": [_("Kommunen har allerede en lisens for %(year)d.") % clean]}
            )
        licence = Licence.objects.create(
            municipality=municipality,
            year=clean["year"],
            band=band.slug,
            population=clean["population"],
            amount=band.yearly_price,
            valid_from=datetime.date(clean["year"], 1, 1),
            valid_until=datetime.date(clean["year"], 12, 31),
            status=LicenceStatus.INVOICED,
        )
        invoice = Invoice.objects.create(
            consultancy=platform_seller(),
            municipality=municipality,
            licence=licence,
            buyer_reference=clean["buyer_reference"],
            period_start=licence.valid_from,
            period_end=licence.valid_until,
        )
        InvoiceLine.objects.create(
            invoice=invoice,
            position=1,
            kind="other",
            name=_("Samla-lisens %(year)d (%(band)s)") % {"year": licence.year, "band": band.label},
            quantity=1,
            unit=UnitChoice.EACH,
            unit_price=band.yearly_price,
            vat=VatChoice.STANDARD,
            net_amount=money.line_net(money.quantity(1), band.yearly_price),
        )
        invoice = invoices.issue_invoice(invoice, user)
    return licence, invoice


def _state_for(licence: Licence, invoice: Invoice | None, today: datetime.date) -> str:
    if invoice is None:
        return licence.status
    if invoice.status == InvoiceStatus.PAID:
        return LicenceStatus.ACTIVE
    grace = datetime.timedelta(days=settings.SAMLA_LICENCE_GRACE_DAYS)
    if (
        invoice.status in (InvoiceStatus.ISSUED, InvoiceStatus.OVERDUE)
        and invoice.due_date is not None
        and today > invoice.due_date + grace
    ):
        return LicenceStatus.LAPSED
    return licence.status


def refresh_licences(
    today: datetime.date | None = None, *, only: int | None = None
) -> list[tuple[int, str, str]]:
    """Bring every licence's state (or only the one with id `only`) in line with its
    invoice; what changed, as (licence id, from, to). Run nightly (billing.tasks.licences)
    and by `bank.record_payment` when a licence's invoice is paid."""
    today = today or timezone.localdate()
    changed: list[tuple[int, str, str]] = []
    latest: dict[int, Invoice] = {}
    invoices = Invoice.objects.filter(licence__isnull=False, kind="invoice")
    licences_to_check = Licence.objects.exclude(status=LicenceStatus.ACTIVE)
    if only is not None:
        invoices = invoices.filter(licence_id=only)
        licences_to_check = licences_to_check.filter(pk=only)
    for invoice in invoices.order_by("id"):
        assert invoice.licence_id is not None
        latest[invoice.licence_id] = invoice
    for licence in licences_to_check.order_by("id"):
        state = _state_for(licence, latest.get(licence.pk), today)
        if state != licence.status:
            with transaction.atomic():
                updated = Licence.objects.filter(pk=licence.pk, status=licence.status).update(
                    status=state
                )
            if updated:
                changed.append((licence.pk, licence.status, state))
    return changed


def current_licence(
    municipality: Municipality, today: datetime.date | None = None
) -> Licence | None:
    """The licence covering today, if the municipality has one."""
    today = today or timezone.localdate()
    return (
        Licence.objects.filter(
            municipality=municipality, valid_from__lte=today, valid_until__gte=today
        )
        .order_by("-year")
        .first()
    )


def is_lapsed(municipality: Municipality, today: datetime.date | None = None) -> bool:
    licence = current_licence(municipality, today)
    return licence is not None and licence.status == LicenceStatus.LAPSED
