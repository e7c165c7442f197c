"""The fuzz world's invoices (tests/billing/invoice_world.py) give each of the seller's
invoice operations a 2xx on both hosts, whichever host goes first."""

from __future__ import annotations

import pytest

from billing.models import Consultancy, Invoice, InvoiceStatus
from samla.accounts.models import ConsultancyMembership
from tests.billing.invoice_world import make_fuzz_invoices
from tests.conftest import make_member
from tests.networks.conftest import municipality_api, public_api

pytestmark = pytest.mark.django_db


def test_the_examples_answer_2xx_on_both_hosts(nordre_land, sor_member, sor):
    # The fuzz world's names: the consultancy shares the municipality's slug, the leader
    # is "<slug>.leader"
    Consultancy.objects.filter(pk=sor.pk).update(slug=nordre_land.slug, city="", bank_account="")
    sor.refresh_from_db()
    leader = make_member(nordre_land, f"{nordre_land.slug}.leader")

    examples = make_fuzz_invoices(sor_member, sor)

    assert ConsultancyMembership.objects.filter(user=leader, consultancy=sor).exists()
    [credit] = examples["POST /api/invoices/{pk}/credit/"]
    [month] = examples["POST /api/orders/{pk}/invoices/"]
    credit_url = f"/api/invoices/{credit['path_parameters']['pk']}/credit/"
    month_url = f"/api/orders/{month['path_parameters']['pk']}/invoices/"
    for api in (public_api(sor_member), municipality_api(leader, nordre_land)):
        assert api.post(credit_url, credit["body"]).status_code in (200, 201)
        assert api.post(month_url, month["body"]).status_code in (201, 204)
    invoice = Invoice.objects.get(pk=credit["path_parameters"]["pk"])
    assert invoice.status == InvoiceStatus.CREDITED
    assert Invoice.objects.filter(order_id=month["path_parameters"]["pk"]).count() == 1
