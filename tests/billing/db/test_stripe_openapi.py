"""What Samla sends to Stripe and what the fake answers, checked against Stripe's OpenAPI
description (a trimmed copy of github.com/stripe/openapi's spec3.json; see
tests/billing/stripe_fake/openapi.py for where it is read from)."""

from __future__ import annotations

import dataclasses

import pytest
import stripe

from billing import stripe_gateway
from billing.models import Consultancy
from tenants.models import Municipality
from tests.billing.db.stripe_data import make_credit_note, make_invoice
from tests.billing.stripe_fake import API_KEY, FakeStripe
from tests.billing.stripe_fake import openapi as described
from tests.billing.stripe_fake.fixtures import stripe_fake, stripe_settings
from tests.gates import unavailable

__all__ = ["stripe_fake", "stripe_settings"]


@pytest.fixture(autouse=True)
def _description_at_hand() -> None:
    if described.spec_path() is None:
        unavailable(
            "Stripe's trimmed OpenAPI description is not on this machine "
            "(../shared/stripe/openapi-trimmed.json, or SAMLA_STRIPE_OPENAPI)"
        )


def test_every_request_and_answer_of_the_gateway_is_as_stripe_describes(
    stripe_settings: FakeStripe, sor: Consultancy, nordre_land: Municipality
) -> None:
    # Every gateway function, and the fake's error answer.
    stripe_gateway.onboarding_link(sor, "https://samla.example/a", "https://samla.example/b")
    sor.refresh_from_db()
    stripe_gateway.retrieve_account(sor.stripe_account_id)
    open_invoice = stripe_gateway.push_invoice(make_invoice(sor, nordre_land, 1))
    stripe_gateway.credit(make_credit_note(open_invoice, 2))
    paid = stripe_gateway.push_invoice(make_invoice(sor, nordre_land, 3))
    stripe_gateway.pay_out_of_band(paid)
    stripe_gateway.credit(make_credit_note(paid, 4))
    stripe_gateway.client().v1.invoices.list(
        {"limit": 3, "status": "paid"}, {"stripe_account": sor.stripe_account_id}
    )
    with pytest.raises(stripe.InvalidRequestError):
        stripe_gateway.client().v1.invoices.retrieve(
            "in_missing", options={"stripe_account": sor.stripe_account_id}
        )

    operations = {r.operation for r in stripe_settings.recorded}
    assert operations == {
        ("/v1/accounts", "post"),
        ("/v1/accounts/{account}", "get"),
        ("/v1/account_links", "post"),
        ("/v1/customers", "post"),
        ("/v1/invoices", "post"),
        ("/v1/invoices", "get"),
        ("/v1/invoices/{invoice}", "get"),
        ("/v1/invoiceitems", "post"),
        ("/v1/invoices/{invoice}/finalize", "post"),
        ("/v1/invoices/{invoice}/pay", "post"),
        ("/v1/credit_notes", "post"),
    }
    assert any(r.status == 404 for r in stripe_settings.recorded)
    problems = {
        f"{r.method} {r.path}": described.request_errors(r) + described.response_errors(r)
        for r in stripe_settings.recorded
    }
    assert {call: errors for call, errors in problems.items() if errors} == {}


def test_the_check_finds_a_parameter_stripe_does_not_have_and_a_wrong_answer(
    stripe_fake: FakeStripe,
) -> None:
    client = stripe.StripeClient(API_KEY, base_addresses={"api": stripe_fake.url})
    client.v1.customers.create({"name": "Nesseby", "preferred_locales": ["nb"]})
    [recorded] = stripe_fake.recorded
    assert described.request_errors(recorded) == []
    assert described.response_errors(recorded) == []

    misspelt = dataclasses.replace(recorded, params={"nmae": "Nesseby"})
    wrong_type = dataclasses.replace(recorded, params={"balance": "many"})
    no_id = dataclasses.replace(recorded, response={**recorded.response, "id": None})
    not_json_types = dataclasses.replace(recorded, response={**recorded.response, "created": "x"})

    assert described.request_errors(misspelt)
    assert described.request_errors(wrong_type)
    assert described.response_errors(no_id)
    assert described.response_errors(not_json_types)
