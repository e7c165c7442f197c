"""billing.stripe_gateway through the real `stripe` SDK against the local fake of Stripe:
connected accounts and onboarding, an invoice pushed (customer, lines in øre, VAT, fee,
footer, finalized without e-mail), idempotent retries, paid out of band, credit notes."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
import stripe

from billing import stripe_gateway
from billing.models import (
    Consultancy,
    Invoice,
    InvoiceLine,
    StripeAccountState,
    StripeCustomer,
)
from billing.services.licences import platform_seller
from tenants.models import Municipality
from tests.billing.db.stripe_data import make_credit_note, make_invoice
from tests.billing.stripe_fake import LOST_ANSWER, FakeStripe
from tests.billing.stripe_fake.fixtures import stripe_fake, stripe_settings

__all__ = ["stripe_fake", "stripe_settings"]


@pytest.fixture
def connected(stripe_settings: FakeStripe, sor: Consultancy) -> Consultancy:
    return stripe_gateway.create_connected_account(sor)


def test_without_keys_stripe_is_not_set_up(settings: object) -> None:
    assert not stripe_gateway.enabled()
    with pytest.raises(stripe_gateway.NotConfigured) as raised:
        stripe_gateway.client()
    assert "ikke satt opp" in str(raised.value)


def test_a_connected_account_is_made_once_and_pending(
    stripe_settings: FakeStripe, sor: Consultancy
) -> None:
    made = stripe_gateway.create_connected_account(sor)
    again = stripe_gateway.create_connected_account(Consultancy.objects.get(pk=sor.pk))

    assert made.stripe_account_id.startswith("acct_")
    assert again.stripe_account_id == made.stripe_account_id
    assert made.stripe_account_state == StripeAccountState.PENDING
    [call] = stripe_settings.calls("POST", "/v1/accounts")
    assert call.account == ""  # on the platform
    assert call.params["type"] == "express"
    assert call.params["metadata"] == {"samla_consultancy": str(sor.pk)}
    assert call.idempotency_key.startswith(f"samla-consultancy-{sor.pk}-account-")


def test_onboarding_link_names_the_account_and_where_to_come_back(
    stripe_settings: FakeStripe, sor: Consultancy
) -> None:
    url = stripe_gateway.onboarding_link(sor, "https://samla.example/tilbake", "https://x/ny")

    sor.refresh_from_db()
    assert url.startswith(f"https://connect.stripe.com/setup/e/{sor.stripe_account_id}/")
    [call] = stripe_settings.calls("POST", "/v1/account_links")
    assert call.params == {
        "account": sor.stripe_account_id,
        "type": "account_onboarding",
        "return_url": "https://samla.example/tilbake",
        "refresh_url": "https://x/ny",
    }


def test_account_state_follows_what_stripe_says() -> None:
    due = {"disabled_reason": "requirements.past_due", "past_due": ["external_account"]}
    assert stripe_gateway.account_state({"charges_enabled": False}) == "pending"
    assert (
        stripe_gateway.account_state({"details_submitted": True, "requirements": due})
        == "restricted"
    )
    assert stripe_gateway.account_state({"charges_enabled": True, "requirements": {}}) == "enabled"
    assert (
        stripe_gateway.account_state({"charges_enabled": True, "requirements": due}) == "restricted"
    )


def test_push_makes_the_invoice_on_the_sellers_account(
    stripe_settings: FakeStripe, connected: Consultancy, nordre_land: Municipality
) -> None:
    invoice = make_invoice(connected, nordre_land, 1)

    pushed = stripe_gateway.push_invoice(invoice)

    account = connected.stripe_account_id
    [created] = stripe_settings.calls("POST", "/v1/invoices")
    assert created.account == account
    assert created.params["collection_method"] == "send_invoice"
    assert created.params["days_until_due"] == "30"
    assert created.params["auto_advance"] == "false"
    # The platform fee (5 % of the net total), in øre.
    assert invoice.platform_fee == (invoice.net_total / 20).quantize(Decimal("0.01"))
    assert created.params["application_fee_amount"] == str(int(invoice.platform_fee * 100))
    assert f"konto {connected.bank_account}" in created.params["footer"]
    assert f"KID {invoice.kid}" in created.params["footer"]
    assert created.params["metadata"]["samla_invoice"] == str(invoice.pk)
    assert created.idempotency_key.startswith(f"samla-invoice-{invoice.pk}-create-")
    remote = stripe_settings.find(pushed.stripe_invoice_id)[1]
    # A line per invoice line, and the VAT: Stripe's total is the gross, in øre.
    nets = InvoiceLine.objects.filter(invoice=invoice).order_by("position")
    expected = [int(line.net_amount * 100) for line in nets] + [int(invoice.vat_total * 100)]
    assert [line["amount"] for line in remote["lines"]["data"]] == expected
    assert remote["total"] == int(invoice.gross_total * 100)
    assert remote["status"] == "open"
    # Finalized without Stripe sending anything: auto_advance stays off.
    assert remote["auto_advance"] is False
    assert not stripe_settings.calls("POST", f"/v1/invoices/{remote['id']}/send")
    stored = Invoice.objects.get(pk=invoice.pk)
    assert stored.stripe_invoice_id == remote["id"]
    assert stored.stripe_hosted_url == remote["hosted_invoice_url"]
    assert stored.stripe_status == "open"
    line_ids = list(
        InvoiceLine.objects.filter(invoice=invoice).values_list("stripe_line_id", flat=True)
    )
    assert all(line_id.startswith("ii_") for line_id in line_ids)


def test_a_municipality_is_one_customer_per_seller(
    stripe_settings: FakeStripe, connected: Consultancy, nordre_land: Municipality
) -> None:
    stripe_gateway.push_invoice(make_invoice(connected, nordre_land, 1))
    stripe_gateway.push_invoice(make_invoice(connected, nordre_land, 2))

    assert len(stripe_settings.calls("POST", "/v1/customers")) == 1
    customer = StripeCustomer.objects.get(consultancy=connected, municipality=nordre_land)
    _account, remote = stripe_settings.find(customer.stripe_customer_id)
    assert remote["name"] == nordre_land.name
    assert remote["preferred_locales"] == ["nb"]


def test_pushing_twice_makes_one_stripe_invoice(
    stripe_settings: FakeStripe, connected: Consultancy, nordre_land: Municipality
) -> None:
    invoice = make_invoice(connected, nordre_land, 1)
    first = stripe_gateway.push_invoice(invoice)
    second = stripe_gateway.push_invoice(invoice)

    assert first.stripe_invoice_id == second.stripe_invoice_id
    assert len(stripe_settings.calls("POST", "/v1/invoices")) == 1
    assert len(stripe_settings.calls("POST", "/v1/invoiceitems")) == 4


def test_a_lost_answer_is_retried_with_the_same_key_and_makes_one_invoice(
    stripe_settings: FakeStripe, connected: Consultancy, nordre_land: Municipality
) -> None:
    invoice = make_invoice(connected, nordre_land, 1)
    # The customer is made; Stripe makes the invoice and its answer is lost on the way back.
    stripe_settings.fail_next(status=LOST_ANSWER, after=1)

    stripe_gateway.push_invoice(invoice)

    first, retried = stripe_settings.calls("POST", "/v1/invoices")[:2]
    assert first.idempotency_key == retried.idempotency_key
    assert first.idempotency_key.startswith(f"samla-invoice-{invoice.pk}-create-")
    assert retried.replayed
    assert len(_invoices(stripe_settings, connected)) == 1


def _invoices(fake: FakeStripe, consultancy: Consultancy) -> list[dict[str, Any]]:
    scope = fake.objects[consultancy.stripe_account_id]
    return [o for o in scope.values() if o["object"] == "invoice"]


def test_a_push_that_failed_half_way_is_finished_without_repeating_lines(
    stripe_settings: FakeStripe, connected: Consultancy, nordre_land: Municipality
) -> None:
    invoice = make_invoice(connected, nordre_land, 1)
    # Customer, invoice, its re-read and one line get there; then Stripe fails (and the
    # SDK's retry too).
    stripe_settings.fail_next(2, status=500, after=4)
    with pytest.raises(stripe.APIError):
        stripe_gateway.push_invoice(invoice)
    assert Invoice.objects.get(pk=invoice.pk).stripe_status == "draft"

    stripe_gateway.push_invoice(invoice)

    [remote] = _invoices(stripe_settings, connected)
    assert len(remote["lines"]["data"]) == 4
    assert remote["total"] == int(invoice.gross_total * 100)
    assert remote["status"] == "open"


def test_the_platforms_own_invoice_goes_on_the_platform_account(
    stripe_settings: FakeStripe, nordre_land: Municipality
) -> None:
    samla = platform_seller()
    invoice = make_invoice(samla, nordre_land, 1)

    pushed = stripe_gateway.push_invoice(invoice)

    [created] = stripe_settings.calls("POST", "/v1/invoices")
    assert created.account == ""
    assert "application_fee_amount" not in created.params
    assert stripe_settings.find(pushed.stripe_invoice_id)[0] == ""


def test_paid_out_of_band_marks_the_stripe_invoice_once(
    stripe_settings: FakeStripe, connected: Consultancy, nordre_land: Municipality
) -> None:
    invoice = stripe_gateway.push_invoice(make_invoice(connected, nordre_land, 1))

    marked = stripe_gateway.pay_out_of_band(invoice)
    again = stripe_gateway.pay_out_of_band(invoice)

    [paid] = stripe_settings.calls("POST", f"/v1/invoices/{invoice.stripe_invoice_id}/pay")
    assert paid.params == {"paid_out_of_band": "true"}
    assert paid.idempotency_key.startswith(f"samla-invoice-{invoice.pk}-paid-out-of-band-")
    assert marked.stripe_status == again.stripe_status == "paid"
    assert stripe_settings.find(invoice.stripe_invoice_id)[1]["paid_out_of_band"] is True


def test_crediting_an_open_invoice_credits_what_is_due(
    stripe_settings: FakeStripe, connected: Consultancy, nordre_land: Municipality
) -> None:
    invoice = stripe_gateway.push_invoice(make_invoice(connected, nordre_land, 1))
    note = make_credit_note(invoice, 2)

    credited = stripe_gateway.credit(note)
    stripe_gateway.credit(credited)

    [call] = stripe_settings.calls("POST", "/v1/credit_notes")
    assert call.params["invoice"] == invoice.stripe_invoice_id
    assert call.params["amount"] == str(int(invoice.gross_total * 100))
    assert "out_of_band_amount" not in call.params
    assert Invoice.objects.get(pk=note.pk).stripe_invoice_id.startswith("cn_")


def test_crediting_a_paid_invoice_refunds_out_of_band(
    stripe_settings: FakeStripe, connected: Consultancy, nordre_land: Municipality
) -> None:
    invoice = stripe_gateway.push_invoice(make_invoice(connected, nordre_land, 1))
    stripe_gateway.pay_out_of_band(invoice)

    stripe_gateway.credit(make_credit_note(invoice, 2))

    [call] = stripe_settings.calls("POST", "/v1/credit_notes")
    total = str(int(invoice.gross_total * 100))
    assert call.params["amount"] == call.params["out_of_band_amount"] == total


def test_an_amount_with_a_fraction_of_an_ore_is_refused() -> None:
    assert stripe_gateway.ore(Decimal("12.34")) == 1234
    with pytest.raises(ValueError):
        stripe_gateway.ore(Decimal("0.001"))


def test_a_customer_made_again_with_other_details_is_not_refused_as_a_reused_key(
    stripe_settings: FakeStripe, connected: Consultancy, nordre_land: Municipality
) -> None:
    stripe_gateway.push_invoice(make_invoice(connected, nordre_land, 1))
    # The stored customer is gone (a restore, a cleanup) and the municipality's name changed.
    StripeCustomer.objects.all().delete()
    Municipality.objects.filter(pk=nordre_land.pk).update(name="Nordre Land kommune")

    pushed = stripe_gateway.push_invoice(make_invoice(connected, nordre_land, 2))

    assert pushed.stripe_status == "open"
    first, second = stripe_settings.calls("POST", "/v1/customers")
    assert first.idempotency_key != second.idempotency_key
    assert second.params["name"] == "Nordre Land kommune"


def test_an_invoice_pushed_again_with_other_details_is_not_refused_as_a_reused_key(
    stripe_settings: FakeStripe, connected: Consultancy, nordre_land: Municipality
) -> None:
    # A database restored from a backup: the same invoice row, its Stripe id lost, and
    # another footer since (the account number changed).
    invoice = stripe_gateway.push_invoice(make_invoice(connected, nordre_land, 1))
    Invoice.objects.filter(pk=invoice.pk).update(stripe_invoice_id="", stripe_status="")
    InvoiceLine.objects.filter(invoice=invoice).update(stripe_line_id="")
    Consultancy.objects.filter(pk=connected.pk).update(bank_account="12345678903")

    again = stripe_gateway.push_invoice(invoice)

    assert again.stripe_invoice_id != invoice.stripe_invoice_id
    assert again.stripe_status == "open"
