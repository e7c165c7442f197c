"""The invoices API on both hosts: the buyer's members read their municipality's invoices
on its host, the seller reads, credits and invoices a month's deliveries on the public
host; anonymous, another municipality, another consultancy, a guessed id and the wrong
host all fail, and the list's queries stay flat."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from billing.models import BillingMode, Invoice, InvoiceStatus
from billing.services import invoices as services
from samla.accounts.models import MunicipalityRole
from tests.billing.db.invoice_data import deliver, make_order
from tests.conftest import make_member
from tests.networks.conftest import municipality_api, public_api

pytestmark = pytest.mark.django_db

GUESSED = 2_000_000_000


@pytest.fixture
def invoice(sor_package, nordre_land):
    return services.invoice_up_front(make_order(sor_package, nordre_land), None)


@pytest.fixture
def viewer_a(nordre_land):
    return make_member(nordre_land, "leser.nordre-land", MunicipalityRole.VIEWER)


def test_the_buyers_members_read_their_invoices_on_their_host(
    invoice, leader_a, viewer_a, nordre_land
):
    for user in (leader_a, viewer_a):
        api = municipality_api(user, nordre_land)
        listed = api.get("/api/invoices/")
        assert listed.status_code == 200
        assert [row["id"] for row in listed.json()] == [invoice.pk]
        detail = api.get(f"/api/invoices/{invoice.pk}/").json()
        assert detail["number"] == 1
        assert detail["kid"] == invoice.kid
        assert detail["due_date"] == invoice.due_date.isoformat()
        assert (detail["net_total"], detail["vat_total"], detail["gross_total"]) == (
            "96879.13",
            "14969.78",
            "111848.91",
        )
        assert [line["name"] for line in detail["lines"]][:2] == [
            "Fagdag",
            "Ledersamling 1: Leder som menneske",
        ]
        assert [event["action"] for event in detail["events"]] == ["issue"]
        assert detail["ehf_url"] == f"/api/invoices/{invoice.pk}/ehf.xml"
        assert detail["stripe_hosted_url"] is None  # not in Stripe
        # The platform fee is between Samla and the seller
        assert detail["platform_fee"] is None
        assert detail["actions"] == []


def test_the_seller_reads_its_invoices_with_the_fee_on_the_public_host(invoice, sor_member):
    api = public_api(sor_member)
    assert [row["id"] for row in api.get("/api/invoices/").json()] == [invoice.pk]
    detail = api.get(f"/api/invoices/{invoice.pk}/").json()
    assert detail["platform_fee"] == "4843.96"
    assert detail["actions"] == ["credit"]
    assert detail["consultancy_name"] == "Samarbeid Sør"


def test_nobody_else_sees_the_invoice(invoice, leader_a, leader_b, ks_member, nordre_land, nesseby):
    # Another municipality's leader, on its own host and on this one (wrong host)
    assert municipality_api(leader_b, nesseby).get("/api/invoices/").json() == []
    assert municipality_api(leader_b, nesseby).get(f"/api/invoices/{invoice.pk}/").status_code == (
        404
    )
    assert municipality_api(leader_b, nordre_land).get("/api/invoices/").status_code == 404
    # The buyer's leader on the public host, another consultancy's member
    assert public_api(leader_a).get("/api/invoices/").json() == []
    assert public_api(leader_a).get(f"/api/invoices/{invoice.pk}/").status_code == 404
    assert public_api(ks_member).get(f"/api/invoices/{invoice.pk}/").status_code == 404
    assert public_api(ks_member).get(f"/api/invoices/{invoice.pk}/ehf.xml").status_code == 404
    # A guessed id, anonymous
    api = municipality_api(leader_a, nordre_land)
    assert api.get(f"/api/invoices/{GUESSED}/").status_code == 404
    assert municipality_api(None, nordre_land).get("/api/invoices/").status_code == 401
    assert public_api(None).get(f"/api/invoices/{invoice.pk}/").status_code == 401


def test_the_list_filters_by_status_kind_and_order(invoice, sor_member, sor_package, nesseby):
    other = services.invoice_up_front(make_order(sor_package, nesseby), None)
    note = services.credit_invoice(other, None, "")
    api = public_api(sor_member)
    assert {row["id"] for row in api.get("/api/invoices/").json()} == {
        invoice.pk,
        other.pk,
        note.pk,
    }
    issued = api.get("/api/invoices/?status=issued&kind=invoice").json()
    assert [row["id"] for row in issued] == [invoice.pk]
    by_order = api.get(f"/api/invoices/?order={other.order_id}").json()
    assert {row["id"] for row in by_order} == {other.pk, note.pk}
    assert api.get("/api/invoices/?status=ukjent").json() == []
    assert api.get("/api/invoices/?order=x").json() == []


def test_the_list_has_flat_queries(sor_member, sor_package, nordre_land, leader_a):
    apis = {"public": public_api(sor_member), "buyer": municipality_api(leader_a, nordre_land)}
    counts: dict[int, dict[str, int]] = {}
    for count in (2, 12):
        while Invoice.objects.count() < count:
            services.invoice_up_front(make_order(sor_package, nordre_land), None)
        counts[count] = {}
        for host, api in apis.items():
            with CaptureQueriesContext(connection) as queries:
                response = api.get("/api/invoices/")
            assert len(response.json()) == count
            counts[count][host] = len(queries)
    assert counts[2] == counts[12]
    assert max(counts[12].values()) <= 9, counts


def test_the_ehf_document_downloads_as_issued(invoice, viewer_a, nordre_land):
    response = municipality_api(viewer_a, nordre_land).get(f"/api/invoices/{invoice.pk}/ehf.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    assert 'filename="faktura-1.xml"' in response["Content-Disposition"]
    assert response.content.decode() == invoice.ehf_xml
    assert b"<cbc:BuyerReference>3150bdn</cbc:BuyerReference>" in response.content


def test_the_seller_credits_an_invoice_once_and_asking_again_is_the_same_note(invoice, sor_member):
    api = public_api(sor_member)
    response = api.post(f"/api/invoices/{invoice.pk}/credit/", {"reason": "Feil beløp"})
    assert response.status_code == 201, response.content
    note = response.json()
    assert (note["kind"], note["number"], note["credited_invoice"]) == (
        "credit_note",
        2,
        invoice.pk,
    )
    assert note["ehf_url"] == f"/api/invoices/{note['id']}/ehf.xml"
    download = api.get(note["ehf_url"])
    assert 'filename="kreditnota-2.xml"' in download["Content-Disposition"]
    credited = api.get(f"/api/invoices/{invoice.pk}/").json()
    assert (credited["status"], credited["credit_note"]) == ("credited", note["id"])

    # Asked again: the credit note that stands, nothing credited twice
    again = api.post(f"/api/invoices/{invoice.pk}/credit/", {})
    assert again.status_code == 200
    assert again.json()["id"] == note["id"]
    of_the_note = api.post(f"/api/invoices/{note['id']}/credit/", {})
    assert of_the_note.status_code == 409
    assert "kreditnota kan ikke krediteres" in of_the_note.json()["detail"]
    assert Invoice.objects.count() == 2


def test_buyers_cannot_credit_and_others_do_not_see(
    invoice, leader_a, viewer_a, ks_member, nordre_land
):
    for user in (viewer_a, leader_a):
        refused = municipality_api(user, nordre_land).post(f"/api/invoices/{invoice.pk}/credit/")
        assert refused.status_code == 403
        assert "konsulentselskapet" in refused.json()["detail"]
    assert public_api(ks_member).post(f"/api/invoices/{invoice.pk}/credit/").status_code == 404
    assert public_api(None).post(f"/api/invoices/{invoice.pk}/credit/").status_code == 401
    assert Invoice.objects.get(pk=invoice.pk).status == InvoiceStatus.ISSUED
    assert Invoice.objects.count() == 1


def test_the_seller_invoices_a_months_deliveries(sor_member, sor_package, nordre_land):
    order = make_order(sor_package, nordre_land, mode=BillingMode.AS_DELIVERED)
    deliver(order, 2, datetime.date(2026, 9, 8))
    api = public_api(sor_member)
    url = f"/api/orders/{order.pk}/invoices/"

    made = api.post(url, {"month": "2026-09"})

    assert made.status_code == 201, made.content
    body = made.json()
    assert (body["period_start"], body["period_end"]) == ("2026-09-01", "2026-09-30")
    assert [line["name"] for line in body["lines"]] == ["Ledersamling 1: Leder som menneske"]
    assert api.post(url, {"month": "2026-09"}).status_code == 204
    assert Invoice.objects.filter(order=order).count() == 1


@pytest.mark.parametrize("month", ["2026-13", "26-09", "september", "1999-12", "", None, 202609])
def test_a_month_that_is_not_one_is_refused(month, sor_member, sor_package, nordre_land):
    order = make_order(sor_package, nordre_land, mode=BillingMode.AS_DELIVERED)
    response = public_api(sor_member).post(
        f"/api/orders/{order.pk}/invoices/", {"month": month}, format="json"
    )
    assert response.status_code == 400
    assert "month" in response.json()


def test_buyers_cannot_invoice_and_others_do_not_see_the_order(
    leader_a, viewer_a, ks_member, sor_package, nordre_land
):
    order = make_order(sor_package, nordre_land, mode=BillingMode.AS_DELIVERED)
    deliver(order, 2, datetime.date(2026, 9, 8))
    url = f"/api/orders/{order.pk}/invoices/"
    for user in (viewer_a, leader_a):
        assert municipality_api(user, nordre_land).post(url, {"month": "2026-09"}).status_code == (
            403
        )
    assert public_api(ks_member).post(url, {"month": "2026-09"}).status_code == 404
    assert public_api(None).post(url, {"month": "2026-09"}).status_code == 401
    assert not Invoice.objects.exists()


def test_a_draft_is_neither_credited_nor_downloaded(sor_member, sor_package, nordre_land):
    order = make_order(sor_package, nordre_land)
    draft = services.draft_invoice(
        order, list(order.lines.all()), period=(order.start_date, order.end_date)
    )
    api = public_api(sor_member)
    refused = api.post(f"/api/invoices/{draft.pk}/credit/")
    assert refused.status_code == 409
    assert "Utkast" in refused.json()["detail"]
    download = api.get(f"/api/invoices/{draft.pk}/ehf.xml")
    assert download.status_code == 400
    assert "ikke utstedt" in download.json()["detail"]
    assert api.get(f"/api/invoices/{draft.pk}/").json()["ehf_url"] is None
    assert Invoice.objects.count() == 1
