"""Billing's pages: the package editor, a consultancy's orders and revenue on the public host,
the catalogue, the order flow and the order pages on a municipality's host; who reaches
each (404 for "not yours", 403 for a role that may read but not act) and flat queries."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.test import override_settings
from django_tenants.utils import tenant_context

from billing.models import (
    BillingMode,
    Consultancy,
    Invoice,
    InvoiceKind,
    InvoiceStatus,
    Order,
    OrderStatus,
    Package,
    StripeAccountState,
)
from billing.services import orders as order_services
from samla.accounts.models import MunicipalityMembership, MunicipalityRole, User
from tenants.models import Municipality
from tests.billing.stripe_fake import FakeStripe
from tests.billing.stripe_fake.fixtures import stripe_fake, stripe_settings
from tests.conftest import PUBLIC_HOST, client_for, host_of, make_member

__all__ = ["stripe_fake", "stripe_settings"]

pytestmark = pytest.mark.django_db

START = datetime.date(2026, 1, 5)
NO_STRIPE = override_settings(STRIPE_SECRET_KEY="")


def make_plan(municipality: Municipality, title: str) -> int:
    from tenants.plans.models import Plan

    with tenant_context(municipality):
        plan = Plan.objects.create(
            title=title, start=datetime.date(2026, 1, 1), end=datetime.date(2027, 12, 31)
        )
    return int(plan.pk)


@pytest.fixture
def plan_nl(nordre_land: Municipality) -> int:
    return make_plan(nordre_land, "Helhetlig innsats i Nordre Land")


@pytest.fixture
def viewer_a(nordre_land: Municipality) -> User:
    return make_member(nordre_land, "leser.nordre-land", role=MunicipalityRole.VIEWER)


def place(user: User, municipality: Municipality, package: Package, plan: int, **extra: Any):
    data = {
        "plan": plan,
        "start_date": START,
        "buyer_reference": "3150bdn",
        "billing_mode": BillingMode.AS_DELIVERED,
        **extra,
    }
    return order_services.place_order(user, municipality, package, data)


@pytest.fixture
def draft_order(leader_a, nordre_land, sor_package, plan_nl) -> Order:
    return place(leader_a, nordre_land, sor_package, plan_nl)


def make_invoice(order: Order, number: int, issued: datetime.date, **fields: Any) -> Invoice:
    """An issued invoice row as the invoices part leaves it (the figures are the page's)."""
    values: dict[str, Any] = {
        "consultancy": order.consultancy,
        "municipality": order.municipality,
        "order": order,
        "status": InvoiceStatus.ISSUED,
        "number": number,
        "kid": f"17{number:06d}",
        "buyer_reference": order.buyer_reference,
        "issue_date": issued,
        "due_date": issued + datetime.timedelta(days=30),
        "net_total": Decimal("1000.00"),
        "vat_total": Decimal("250.00"),
        "gross_total": Decimal("1250.00"),
        "platform_fee": Decimal("30.00"),
        **fields,
    }
    return Invoice.objects.create(**values)


# The package editor ---------------------------------------------------------------------


def item_rows(*rows: dict[str, str], total: int | None = None) -> dict[str, str]:
    data = {
        "items-TOTAL_FORMS": str(total if total is not None else len(rows)),
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "200",
    }
    for number, row in enumerate(rows):
        data.update({f"items-{number}-{name}": value for name, value in row.items()})
    return data


def test_a_member_creates_a_draft_with_items_from_the_page(sor_member, sor):
    client = client_for(PUBLIC_HOST, sor_member)
    url = f"/selskaper/{sor.slug}/pakker/ny/"
    page = client.get(url)
    assert page.status_code == 200 and "Legg til linje" in page.content.decode()
    # "Legg til linje" shows one more row and keeps what was typed; nothing is saved.
    more = client.post(
        url, {"title": "Ett lag", "duration_weeks": "52", "action": "add_item", **item_rows({})}
    )
    text = more.content.decode()
    assert more.status_code == 200 and "Linje 2" in text and 'value="Ett lag"' in text
    assert not Package.objects.filter(consultancy=sor).exists()
    data = {
        "title": "Ett lag",
        "description": "Et år med samlinger.",
        "duration_weeks": "52",
        "action": "save",
        **item_rows(
            {"kind": "training_day", "quantity": "2", "unit_price": "18 500,00",
             "schedule_week": "4"},
            {},  # an empty row is no line
            {"kind": "website", "name": "Nettside", "quantity": "1", "unit_price": "12000",
             "vat": "standard", "schedule_week": "2"},
        ),
    }  # fmt: skip
    saved = client.post(url, data)
    package = Package.objects.get(consultancy=sor, title="Ett lag")
    assert saved.status_code == 302 and saved["Location"] == f"/pakker/{package.pk}/"
    assert not package.is_published
    lines = list(package.items.order_by("order").values_list("name", "unit_price", "vat"))
    assert lines == [
        ("Fagdag", Decimal("18500.00"), "exempt_education"),
        ("Nettside", Decimal("12000.00"), "standard"),
    ]


def test_the_editor_shows_the_services_refusals_by_line(sor_member, sor):
    client = client_for(PUBLIC_HOST, sor_member)
    data = {
        "title": "Ett lag",
        "duration_weeks": "10",
        **item_rows(
            {"kind": "training_day", "quantity": "1", "unit_price": "-5", "schedule_week": "2"},
            {"kind": "website", "quantity": "1", "unit_price": "10,005", "schedule_week": "12"},
        ),
    }
    refused = client.post(f"/selskaper/{sor.slug}/pakker/ny/", data)
    text = refused.content.decode()
    assert refused.status_code == 400
    assert "Ingenting ble lagret" in text
    assert "Linje 1: Enhetsprisen kan ikke være negativ" in text
    assert "Linje 2: Beløpet 10.005 har brøkdeler av øre" in text
    assert "Uke 12 er etter pakkens siste uke (10)" in text
    assert not Package.objects.filter(consultancy=sor).exists()


def test_a_member_edits_a_draft_and_a_stale_save_is_409(sor_member, sor_draft):
    client = client_for(PUBLIC_HOST, sor_member)
    url = f"/pakker/{sor_draft.pk}/rediger/"
    page = client.get(url).content.decode()
    assert 'value="Utkast"' in page and "18500,00" in page
    data = {
        "title": "Utkast, endret",
        "duration_weeks": "52",
        "version": str(sor_draft.version),
        **item_rows(
            {"kind": "print", "quantity": "100", "unit_price": "12,50", "schedule_week": "3"}
        ),
    }
    assert client.post(url, data).status_code == 302
    package = Package.objects.get(pk=sor_draft.pk)
    assert package.title == "Utkast, endret" and package.items.count() == 1
    stale = client.post(url, data)  # the version seen before the save
    assert stale.status_code == 409
    assert "Noen andre har endret dette" in stale.content.decode()
    assert Package.objects.get(pk=sor_draft.pk).version == package.version


def test_a_published_package_is_not_edited(sor_member, sor_package):
    client = client_for(PUBLIC_HOST, sor_member)
    page = client.get(f"/pakker/{sor_package.pk}/rediger/").content.decode()
    assert "Ta den ut av katalogen" in page and "Lagre endringene" not in page


def test_only_the_consultancy_edits_its_packages(leader_a, ks_member, sor, sor_draft, sor_package):
    for user in (leader_a, ks_member):
        client = client_for(PUBLIC_HOST, user)
        assert client.get(f"/selskaper/{sor.slug}/pakker/ny/").status_code == 404
        assert client.get(f"/pakker/{sor_draft.pk}/rediger/").status_code == 404
        assert client.get(f"/pakker/{sor_package.pk}/rediger/").status_code == 403
        assert client.get(f"/selskaper/{sor.slug}/").status_code == 404
    anonymous = client_for(PUBLIC_HOST).get(f"/selskaper/{sor.slug}/")
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")


def test_an_operator_reaches_every_consultancy(operator, sor, ks):
    page = client_for(PUBLIC_HOST, operator).get("/selskaper/").content.decode()
    assert "Samarbeid Sør" in page and "KS-Konsulent" in page
    assert client_for(PUBLIC_HOST, operator).get(f"/selskaper/{ks.slug}/").status_code == 200


# The consultancy's overview, orders and revenue ---------------------------------------------


@NO_STRIPE
def test_without_stripe_the_overview_says_card_payment_is_not_set_up(sor_member, sor, sor_package):
    page = client_for(PUBLIC_HOST, sor_member).get(f"/selskaper/{sor.slug}/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Kortbetaling er ikke satt opp." in text and "Koble selskapet til Stripe" not in text
    assert "Helhetlig innsats" in text
    refused = client_for(PUBLIC_HOST, sor_member).post(
        f"/selskaper/{sor.slug}/", {"action": "stripe"}, follow=True
    )
    assert "Kortbetaling er ikke satt opp." in refused.content.decode()


def test_the_consultancys_orders_show_invoiced_and_paid(
    sor_member, ks_member, sor, ks, draft_order, django_assert_max_num_queries
):
    make_invoice(draft_order, 1, datetime.date(2026, 1, 31), amount_paid=Decimal("1250.00"),
                 status=InvoiceStatus.PAID)  # fmt: skip
    make_invoice(draft_order, 2, datetime.date(2026, 2, 28))
    client = client_for(PUBLIC_HOST, sor_member)
    text = client.get(f"/selskaper/{sor.slug}/bestillinger/").content.decode()
    assert "Helhetlig innsats" in text and "Nordre Land" in text
    assert "2\xa0500,00\xa0kr" in text and "1\xa0250,00\xa0kr" in text
    others = client_for(PUBLIC_HOST, ks_member)
    assert (
        "Helhetlig innsats"
        not in others.get(f"/selskaper/{ks.slug}/bestillinger/").content.decode()
    )
    assert others.get(f"/selskaper/{sor.slug}/bestillinger/").status_code == 404
    assert others.get(f"/bestillinger/{draft_order.pk}/").status_code == 404


@pytest.mark.parametrize("count", [2, 12])
def test_the_orders_list_has_flat_queries(
    count, sor_member, sor, leader_a, nordre_land, sor_package, plan_nl,
    django_assert_max_num_queries,
):  # fmt: skip
    for index in range(count):
        order = place(leader_a, nordre_land, sor_package, plan_nl, title=f"Bestilling {index}")
        make_invoice(order, index + 1, datetime.date(2026, 1, 31))
    client = client_for(PUBLIC_HOST, sor_member)
    with django_assert_max_num_queries(9):
        page = client.get(f"/selskaper/{sor.slug}/bestillinger/")
    assert page.content.decode().count('href="/bestillinger/') == count


def test_revenue_by_month_with_the_platform_fee_and_credit_notes(
    sor_member, sor, draft_order, django_assert_max_num_queries
):
    paid = make_invoice(
        draft_order, 1, datetime.date(2026, 1, 15), status=InvoiceStatus.PAID,
        amount_paid=Decimal("1250.00"),
    )  # fmt: skip
    make_invoice(draft_order, 2, datetime.date(2026, 1, 31))
    credited = make_invoice(
        draft_order, 3, datetime.date(2026, 2, 2), status=InvoiceStatus.CREDITED
    )
    make_invoice(
        draft_order, 4, datetime.date(2026, 2, 3), kind=InvoiceKind.CREDIT_NOTE,
        credited_invoice=credited,
    )  # fmt: skip
    Invoice.objects.create(  # a draft is not revenue
        consultancy=sor, municipality=draft_order.municipality, order=draft_order,
        buyer_reference="x", gross_total=Decimal("99999.00"),
    )  # fmt: skip
    client = client_for(PUBLIC_HOST, sor_member)
    with django_assert_max_num_queries(8):
        page = client.get(f"/selskaper/{sor.slug}/inntekter/")
    text = page.content.decode()
    assert page.status_code == 200 and paid.pk
    assert "januar 2026" in text and "februar 2026" in text
    # January: two invoices, 2 000 net, 500 VAT, 2 500 gross, 60 fee, 1 250 paid, 1 250 open.
    january = text[text.index("januar 2026") : text.index("</tr>", text.index("januar 2026"))]
    for figure in ("2\xa0000,00", "500,00", "2\xa0500,00", "60,00", "1\xa0250,00"):
        assert figure in january, figure
    # February: the invoice and its credit note cancel out.
    february = text[text.index("februar 2026") : text.index("</tr>", text.index("februar 2026"))]
    assert february.count("0,00\xa0kr") == 6
    assert "99\xa0999" not in text


def test_revenue_is_the_consultancys_own(ks_member, sor, leader_a):
    assert (
        client_for(PUBLIC_HOST, ks_member).get(f"/selskaper/{sor.slug}/inntekter/").status_code
        == 404
    )
    assert (
        client_for(PUBLIC_HOST, leader_a).get(f"/selskaper/{sor.slug}/inntekter/").status_code
        == 404
    )


# The municipality's catalogue and order flow ------------------------------------------------


def test_the_catalogue_on_a_municipalitys_host_shows_published_packages_only(
    leader_a, nordre_land, sor_package, sor_draft
):
    client = client_for(host_of(nordre_land), leader_a)
    text = client.get("/pakker/").content.decode()
    assert "Helhetlig innsats" in text and "Utkast" not in text
    detail = client.get(f"/pakker/{sor_package.pk}/").content.decode()
    assert "Bestill pakken" in detail and "Ta ut av katalogen" not in detail
    assert client.get(f"/pakker/{sor_draft.pk}/").status_code == 404


def test_a_consultant_of_the_seller_sees_no_drafts_or_buttons_on_the_buyers_host(
    sor_member, nordre_land, sor_package, sor_draft
):
    # A consultancy's member who also reads in Nordre Land.
    MunicipalityMembership.objects.create(
        user=sor_member, municipality=nordre_land, role=MunicipalityRole.VIEWER
    )
    client = client_for(host_of(nordre_land), sor_member)
    assert client.get(f"/pakker/{sor_draft.pk}/").status_code == 404
    detail = client.get(f"/pakker/{sor_package.pk}/").content.decode()
    assert "Ta ut av katalogen" not in detail and "Bestill pakken" not in detail
    post = {"action": "unpublish", "version": str(sor_package.version)}
    assert client.post(f"/pakker/{sor_package.pk}/", post).status_code == 403


@NO_STRIPE
def test_the_leader_orders_through_form_summary_and_confirmation(
    leader_a, nordre_land, sor_package, plan_nl
):
    client = client_for(host_of(nordre_land), leader_a)
    url = f"/pakker/{sor_package.pk}/bestill/"
    form = client.get(url).content.decode()
    assert "Helhetlig innsats i Nordre Land" in form
    assert 'value="Nordre Land"' in form  # the invoice address prefilled
    data = {
        "plan": str(plan_nl),
        "start_date": "2026-01-05",
        "billing_mode": BillingMode.UP_FRONT,
        "buyer_reference": "3150bdn",
        "purchase_order": "IO-77",
        "invoice_name": "Nordre Land kommune",
        "invoice_org_number": nordre_land.org_number,
        "invoice_street": "Postboks 173",
        "invoice_postcode": "2870",
        "invoice_city": "Dokka",
        "invoice_email": "",
        "action": "review",
    }
    summary = client.post(url, data)
    text = summary.content.decode()
    assert summary.status_code == 200 and "Kontroller bestillingen" in text
    assert "96\xa0879,13\xa0kr" in text and "111\xa0848,91\xa0kr" in text
    assert "Mva 25 % av 59\xa0879,13\xa0kr" in text
    assert "5. januar 2026–3. januar 2027" in text  # 52 weeks from the start
    assert not Order.objects.exists()  # nothing written before the confirmation
    back = client.post(url, {**data, "action": "edit"}).content.decode()
    assert "Gå videre" in back and 'value="IO-77"' in back
    confirmed = client.post(url, {**data, "action": "confirm"})
    order = Order.objects.get()
    assert confirmed.status_code == 302 and confirmed["Location"] == f"/bestillinger/{order.pk}/"
    assert order.status == OrderStatus.CONFIRMED and order.purchase_order == "IO-77"
    page = client.get(f"/bestillinger/{order.pk}/").content.decode()
    assert "Bekreftet" in page and "Kortbetaling er ikke satt opp." in page
    assert "Ledersamling 1: Leder som menneske" in page
    assert "3150bdn" in page and "leder.nordre-land" in page


def test_an_order_without_a_buyer_reference_is_refused_on_the_form(
    leader_a, nordre_land, sor_package, plan_nl
):
    client = client_for(host_of(nordre_land), leader_a)
    data = {
        "plan": str(plan_nl),
        "start_date": "2026-01-05",
        "billing_mode": BillingMode.UP_FRONT,
        "buyer_reference": "",
        "invoice_name": "Nordre Land kommune",
        "invoice_org_number": "123",
        "action": "confirm",
    }
    refused = client.post(f"/pakker/{sor_package.pk}/bestill/", data)
    assert refused.status_code == 400
    text = refused.content.decode()
    assert "Ingenting ble lagret" in text and "Bestillerreferanse" in text
    assert not Order.objects.exists()


def test_a_viewer_reads_orders_but_does_not_order(
    viewer_a, leader_a, nordre_land, sor_package, draft_order
):
    client = client_for(host_of(nordre_land), viewer_a)
    assert client.get(f"/pakker/{sor_package.pk}/bestill/").status_code == 403
    assert "Bestill pakken" not in client.get(f"/pakker/{sor_package.pk}/").content.decode()
    page = client.get(f"/bestillinger/{draft_order.pk}/")
    assert page.status_code == 200 and "Bekreft bestillingen" not in page.content.decode()
    post = {"action": "confirm", "version": str(draft_order.version)}
    assert client.post(f"/bestillinger/{draft_order.pk}/", post).status_code == 403
    assert Order.objects.get(pk=draft_order.pk).status == OrderStatus.DRAFT
    assert "Helhetlig innsats" in client.get("/bestillinger/").content.decode()


def test_the_leader_confirms_and_cancels_a_draft_from_its_page(leader_a, nordre_land, draft_order):
    client = client_for(host_of(nordre_land), leader_a)
    url = f"/bestillinger/{draft_order.pk}/"
    page = client.get(url).content.decode()
    assert "Bekreft bestillingen" in page and "Kanseller" in page
    stale = client.post(url, {"action": "confirm", "version": str(draft_order.version + 5)})
    assert stale.status_code == 409 and "Noen andre har endret" in stale.content.decode()
    cancelled = client.post(url, {"action": "cancel", "version": str(draft_order.version),
                                  "reason": "Feil pakke"})  # fmt: skip
    assert cancelled.status_code == 302
    assert Order.objects.get(pk=draft_order.pk).status == OrderStatus.CANCELLED
    page = client.get(url).content.decode()
    assert "Kansellert" in page and "Bekreft bestillingen" not in page
    refused = client.post(url, {"action": "confirm", "version": str(draft_order.version + 1)})
    assert refused.status_code == 409


def test_orders_are_the_municipalitys_own(
    leader_a, leader_b, nordre_land, nesseby, draft_order, sor_package
):
    other = client_for(host_of(nesseby), leader_b)
    assert other.get(f"/bestillinger/{draft_order.pk}/").status_code == 404
    assert "Helhetlig innsats" not in other.get("/bestillinger/").content.decode()
    post = {"action": "cancel", "version": str(draft_order.version)}
    assert other.post(f"/bestillinger/{draft_order.pk}/", post).status_code == 404
    # leader A on B's host: no role there, the host does not exist for them
    assert client_for(host_of(nesseby), leader_a).get("/bestillinger/").status_code == 404
    assert (
        client_for(host_of(nordre_land), leader_a).get("/bestillinger/987654/").status_code == 404
    )
    anonymous = client_for(host_of(nordre_land)).get(f"/bestillinger/{draft_order.pk}/")
    assert anonymous.status_code == 302
    # a buyer's leader has no seller's view on the public host
    assert (
        client_for(PUBLIC_HOST, leader_a).get(f"/bestillinger/{draft_order.pk}/").status_code == 404
    )
    assert Order.objects.get(pk=draft_order.pk).status == OrderStatus.DRAFT


def test_the_seller_reads_the_order_and_records_deliveries(
    sor_member, ks_member, leader_a, nordre_land, draft_order
):
    client = client_for(PUBLIC_HOST, sor_member)
    url = f"/bestillinger/{draft_order.pk}/"
    page = client.get(url).content.decode()
    assert "Nordre Land" in page and "Bekreft bestillingen" not in page
    assert 'name="held_on"' not in page  # a draft is not delivered
    unknown = client.post(url, {"action": "cancel", "version": str(draft_order.version)})
    assert unknown.status_code == 400
    confirmed = order_services.confirm_order(leader_a, draft_order, version=draft_order.version)
    page = client.get(url).content.decode()
    assert "Registrer levering" in page and 'for="held-on-' in page
    line = confirmed.lines.order_by("scheduled_on", "id").first()
    assert line is not None
    future = client.post(url, {"action": "deliver", "line": str(line.pk), "held_on": "2200-01-01"})
    assert future.status_code == 400 and "før den har skjedd" in future.content.decode()
    held = client.post(url, {"action": "deliver", "line": str(line.pk), "held_on": "2026-01-12"})
    assert held.status_code == 302
    order = Order.objects.get(pk=draft_order.pk)
    assert order.status == OrderStatus.IN_DELIVERY
    assert order.lines.get(pk=line.pk).delivered_on == datetime.date(2026, 1, 12)
    # the buyer reads it; another consultancy and the buyer's host do not record deliveries
    buyer_page = client_for(host_of(nordre_land), leader_a).get(url).content.decode()
    assert "12.01.2026" in buyer_page and 'name="held_on"' not in buyer_page
    other = {"action": "deliver", "line": str(line.pk), "held_on": "2026-01-12"}
    assert client_for(PUBLIC_HOST, ks_member).post(url, other).status_code == 404


def test_the_seller_completes_an_order_when_every_line_is_delivered(
    sor_member, leader_a, draft_order
):
    order = order_services.confirm_order(leader_a, draft_order, version=draft_order.version)
    client = client_for(PUBLIC_HOST, sor_member)
    url = f"/bestillinger/{order.pk}/"
    lines = list(order.lines.all())
    for line in lines[:-1]:
        order_services.record_delivery(sor_member, order, line.pk, datetime.date(2026, 1, 12))
    assert "Fullfør bestillingen" not in client.get(url).content.decode()
    client.post(url, {"action": "deliver", "line": str(lines[-1].pk), "held_on": "2026-01-13"})
    order = Order.objects.get(pk=order.pk)
    assert "Fullfør bestillingen" in client.get(url).content.decode()
    stale = client.post(url, {"action": "complete", "version": str(order.version - 1)})
    assert stale.status_code == 409
    done = client.post(url, {"action": "complete", "version": str(order.version)})
    assert done.status_code == 302
    assert Order.objects.get(pk=order.pk).status == OrderStatus.COMPLETED


@NO_STRIPE
def test_a_paid_invoice_is_credited_by_the_seller_before_the_order_is_cancelled(
    leader_a, sor_member, nordre_land, sor_package, plan_nl
):
    client = client_for(host_of(nordre_land), leader_a)
    up_front = place(leader_a, nordre_land, sor_package, plan_nl,
                     billing_mode=BillingMode.UP_FRONT)  # fmt: skip
    order = order_services.confirm_order(leader_a, up_front, version=up_front.version)
    invoice = order.invoices.get()
    url = f"/bestillinger/{order.pk}/"
    page = client.get(url).content.decode()
    assert f'href="/api/invoices/{invoice.pk}/ehf.xml"' in page and invoice.kid in page
    Invoice.objects.filter(pk=invoice.pk).update(
        status=InvoiceStatus.PAID, amount_paid=invoice.gross_total
    )
    refused = client.post(url, {"action": "cancel", "version": str(order.version)})
    assert refused.status_code == 409 and "krediter fakturaen først" in refused.content.decode()
    assert Order.objects.get(pk=order.pk).status == OrderStatus.CONFIRMED
    assert "Krediter faktura" not in page  # the buyer does not credit
    # The seller credits the paid invoice from its view of the order; then the buyer cancels.
    seller = client_for(PUBLIC_HOST, sor_member)
    seller_page = seller.get(url).content.decode()
    assert f"Krediter faktura {invoice.number}" in seller_page
    credited = seller.post(
        url, {"action": "credit", "invoice": str(invoice.pk), "reason": "Avlyst"}
    )
    assert credited.status_code == 302
    assert Invoice.objects.get(pk=invoice.pk).status == InvoiceStatus.CREDITED
    again = seller.post(url, {"action": "credit", "invoice": str(invoice.pk)})
    assert again.status_code == 409
    cancelled = client.post(url, {"action": "cancel", "version": str(order.version)})
    assert cancelled.status_code == 302
    page = client.get(url).content.decode()
    assert "Kansellert" in page and "Kreditnota" in page and "Kreditert" in page


@NO_STRIPE
def test_cancelling_an_issued_unpaid_invoice_credits_it(
    leader_a, nordre_land, sor_package, plan_nl
):
    client = client_for(host_of(nordre_land), leader_a)
    up_front = place(leader_a, nordre_land, sor_package, plan_nl,
                     billing_mode=BillingMode.UP_FRONT)  # fmt: skip
    order = order_services.confirm_order(leader_a, up_front, version=up_front.version)
    url = f"/bestillinger/{order.pk}/"
    cancelled = client.post(url, {"action": "cancel", "version": str(order.version)})
    assert cancelled.status_code == 302
    assert order.invoices.get(kind=InvoiceKind.INVOICE).status == InvoiceStatus.CREDITED
    assert order.invoices.filter(kind=InvoiceKind.CREDIT_NOTE).count() == 1


def test_the_editor_links_a_programme_page_under_the_consultancy(
    sor_member, sor, sor_draft, ks_member, ks
):
    from cms.models import ConsultancyPage, ContentPage
    from cms.services import ensure_home_page

    home = ensure_home_page()
    cms_page = home.add_child(instance=ConsultancyPage(title="Samarbeid Sør", consultancy=sor))
    programme = cms_page.add_child(instance=ContentPage(title="Ett lag"))
    client = client_for(PUBLIC_HOST, sor_member)
    url = f"/pakker/{sor_draft.pk}/rediger/"
    page = client.get(url).content.decode()
    assert f'<option value="{programme.pk}">– Ett lag</option>' in page
    data = {
        "title": "Utkast",
        "duration_weeks": "52",
        "programme_page": str(programme.pk),
        "version": str(sor_draft.version),
        **item_rows({"kind": "print", "quantity": "1", "unit_price": "10", "schedule_week": "1"}),
    }
    assert client.post(url, data).status_code == 302
    assert Package.objects.get(pk=sor_draft.pk).programme_page_id == programme.pk
    assert (
        'name="programme_page"' in client.get(f"/selskaper/{sor.slug}/pakker/ny/").content.decode()
    )
    # a consultancy without a page in the CMS gets no such field
    other = client_for(PUBLIC_HOST, ks_member).get(f"/selskaper/{ks.slug}/pakker/ny/")
    assert other.status_code == 200 and 'name="programme_page"' not in other.content.decode()


def test_the_order_page_lists_invoices_with_kid_due_date_ehf_and_stripe_link(
    leader_a, nordre_land, draft_order, django_assert_max_num_queries
):
    make_invoice(draft_order, 7, datetime.date(2026, 1, 31),
                 stripe_hosted_url="https://invoice.stripe.com/i/acct_1/test_7")  # fmt: skip
    make_invoice(draft_order, 8, datetime.date(2026, 2, 28))
    client = client_for(host_of(nordre_land), leader_a)
    client.get("/bestillinger/")  # the host's first request warms what it caches
    with django_assert_max_num_queries(13):
        page = client.get(f"/bestillinger/{draft_order.pk}/")
    text = page.content.decode()
    assert "17000007" in text and "02.03.2026" in text
    assert f'href="/api/invoices/{Invoice.objects.get(number=7).pk}/ehf.xml"' in text
    assert 'href="https://invoice.stripe.com/i/acct_1/test_7"' in text
    assert "Betal faktura 7 med kort" in text and "Betal faktura 8 med kort" not in text


@pytest.mark.parametrize("count", [1, 10])
def test_the_municipalitys_orders_have_flat_queries(
    count, leader_a, nordre_land, sor_package, plan_nl, django_assert_max_num_queries
):
    for index in range(count):
        place(leader_a, nordre_land, sor_package, plan_nl, title=f"Bestilling {index}")
    client = client_for(host_of(nordre_land), leader_a)
    client.get("/pakker/")  # the host's first request warms what it caches
    with django_assert_max_num_queries(9):
        page = client.get("/bestillinger/")
    assert page.content.decode().count('href="/bestillinger/') == count


def test_the_stripe_onboarding_button_goes_to_stripe_and_comes_back(
    stripe_settings: FakeStripe, sor_member, sor
):
    client = client_for(PUBLIC_HOST, sor_member)
    page = client.get(f"/selskaper/{sor.slug}/").content.decode()
    assert "Ikke opprettet" in page and "Koble selskapet til Stripe" in page
    assert "Kortbetaling er ikke satt opp" not in page
    answer = client.post(f"/selskaper/{sor.slug}/", {"action": "stripe"})
    sor.refresh_from_db()
    assert answer.status_code == 302
    assert answer["Location"].startswith(
        f"https://connect.stripe.com/setup/e/{sor.stripe_account_id}/"
    )
    assert sor.stripe_account_state == StripeAccountState.PENDING
    [call] = stripe_settings.calls("POST", "/v1/account_links")
    assert call.params["return_url"] == f"http://{PUBLIC_HOST}/selskaper/{sor.slug}/"
    page = client.get(f"/selskaper/{sor.slug}/").content.decode()
    assert "Under registrering" in page and "Fortsett registreringen hos Stripe" in page
    Consultancy.objects.filter(pk=sor.pk).update(stripe_account_state=StripeAccountState.ENABLED)
    page = client.get(f"/selskaper/{sor.slug}/").content.decode()
    assert "Aktiv" in page and "Fortsett registreringen" not in page


def test_only_the_consultancy_starts_its_stripe_onboarding(
    stripe_settings: FakeStripe, ks_member, leader_a, sor
):
    for user in (ks_member, leader_a):
        answer = client_for(PUBLIC_HOST, user).post(f"/selskaper/{sor.slug}/", {"action": "stripe"})
        assert answer.status_code == 404
    assert not stripe_settings.calls("POST", "/v1/accounts")
    assert Consultancy.objects.get(pk=sor.pk).stripe_account_id == ""


def test_the_browser_walks_billing_world_is_made_and_removed(leader_a, nordre_land):
    from tests.billing.world import make_browser_packages, remove_browser_packages

    ids = make_browser_packages(leader_a)
    order = Order.objects.get(pk=ids["order"])
    assert order.status == OrderStatus.CONFIRMED and order.invoices.count() == 1
    assert not Package.objects.get(pk=ids["draft_package"]).is_published
    remove_browser_packages()
    assert not Order.objects.filter(pk=ids["order"]).exists()
    assert not Package.objects.filter(pk__in=ids.values()).exists()


@pytest.mark.parametrize("count", [2, 12])
def test_the_municipalitys_catalogue_and_the_consultancys_packages_have_flat_queries(
    count, leader_a, nordre_land, sor_member, sor, django_assert_max_num_queries
):
    from tests.billing.db.conftest import make_package

    for index in range(count):
        make_package(sor_member, sor, title=f"Pakke {index}")
    buyer = client_for(host_of(nordre_land), leader_a)
    buyer.get("/bestillinger/")  # the host's first request warms what it caches
    with django_assert_max_num_queries(10):
        page = buyer.get("/pakker/")
    assert page.content.decode().count('href="/pakker/') == count
    seller = client_for(PUBLIC_HOST, sor_member)
    seller.get("/selskaper/")
    with django_assert_max_num_queries(9):
        page = seller.get(f"/selskaper/{sor.slug}/")
    assert page.content.decode().count('href="/pakker/') == count


def test_the_municipality_home_links_to_the_catalogue_and_the_orders(nordre_land, viewer_a):
    page = client_for(host_of(nordre_land), viewer_a).get("/").content.decode()
    assert 'href="/pakker/"' in page and 'href="/bestillinger/"' in page


def test_the_landing_page_links_to_the_catalogue_and_a_members_consultancies(
    leader_a, sor_member, operator
):
    assert client_for(PUBLIC_HOST).get("/").content.decode().count('href="/pakker/"') == 0
    buyer = client_for(PUBLIC_HOST, leader_a).get("/").content.decode()
    assert 'href="/pakker/"' in buyer and 'href="/selskaper/"' not in buyer
    for user in (sor_member, operator):
        assert 'href="/selskaper/"' in client_for(PUBLIC_HOST, user).get("/").content.decode()
