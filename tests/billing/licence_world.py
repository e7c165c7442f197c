"""The API fuzzer's licences (tests/api/test_fuzz.py), committed, and the removal of every
billing row of the fuzz municipalities: invoices, orders and licences protect the
municipality they name (bookkeeping keeps them), so they go first."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Q
from django.utils import timezone

from billing.models import BankPayment, Consultancy, Invoice, Licence, Order
from billing.services import licences
from samla.accounts.models import User
from tenants.models import Municipality


def make_fuzz_licences(
    operator: User, issued: Municipality, open_for: Municipality
) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """A licence of `issued` (for the detail), and the example that issues one for
    `open_for` (which has none)."""
    year = timezone.localdate().year
    licences.issue_licence(
        operator, issued, {"year": year, "population": 4200, "buyer_reference": "Fuzz"}
    )
    return {
        "examples": {
            "POST /api/licences/": [
                {
                    "body": {
                        "municipality": open_for.pk,
                        "year": year,
                        "population": 12000,
                        "buyer_reference": "Fuzz: lisens",
                    }
                }
            ]
        }
    }


def remove_fuzz_billing(slug: str, started: datetime.datetime) -> None:
    """Every billing row of the fuzz municipalities (`slug`, `slug-b`, `slug-c`), and the
    licences the operator's run issued since `started` to any other municipality (a
    generated id may name one of the suite's), with their invoices."""
    municipalities = Municipality.objects.filter(slug__in=[slug, f"{slug}-b", f"{slug}-c"])
    issued = Licence.objects.filter(created_at__gte=started)
    invoices = Invoice.objects.filter(Q(municipality__in=municipalities) | Q(licence__in=issued))
    BankPayment.objects.filter(invoice__in=invoices).delete()
    # Credit notes name the invoice they credit (protected): they go first.
    invoices.filter(credited_invoice__isnull=False).delete()
    invoices.delete()
    Order.objects.filter(municipality__in=municipalities).delete()
    Licence.objects.filter(Q(municipality__in=municipalities) | Q(created_at__gte=started)).delete()
    # Samla's own seller, made for the fuzz licence, unless something else invoiced by now.
    Consultancy.objects.filter(is_platform=True, invoices__isnull=True).delete()
