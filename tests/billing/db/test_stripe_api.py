"""POST /api/consultancies/{id}/stripe/onboarding/: a consultancy's link to Stripe's
onboarding, for its members and operators only, on the public host only."""

from __future__ import annotations

from typing import Any

import pytest
from knox.models import AuthToken

from billing.models import Consultancy, StripeAccountState
from billing.services.licences import platform_seller
from samla.accounts.models import User
from tenants.models import Municipality
from tests.billing.stripe_fake import FakeStripe
from tests.billing.stripe_fake.fixtures import stripe_fake, stripe_settings
from tests.conftest import PUBLIC_HOST, api_client_for, host_of

__all__ = ["stripe_fake", "stripe_settings"]


def url(consultancy_id: int) -> str:
    return f"/api/consultancies/{consultancy_id}/stripe/onboarding/"


def post(user: User | None, consultancy_id: int, host: str = PUBLIC_HOST) -> Any:
    token = AuthToken.objects.create(user)[1] if user is not None else None
    return api_client_for(host, token).post(url(consultancy_id))


def test_a_member_gets_the_onboarding_link_and_the_account_is_made(
    stripe_settings: FakeStripe, sor: Consultancy, sor_member: User
) -> None:
    response = post(sor_member, sor.pk)

    assert response.status_code == 200, response.content
    sor.refresh_from_db()
    body = response.json()
    assert body["account"] == sor.stripe_account_id
    assert body["state"] == StripeAccountState.PENDING
    assert body["url"].startswith(f"https://connect.stripe.com/setup/e/{sor.stripe_account_id}/")
    [link] = stripe_settings.calls("POST", "/v1/account_links")
    # Back to the consultancy's page (the front page while the pages have no such route).
    assert link.params["return_url"] in (
        f"http://{PUBLIC_HOST}/selskaper/{sor.slug}/",
        f"http://{PUBLIC_HOST}/",
    )
    assert link.params["refresh_url"] == link.params["return_url"]


def test_asking_again_keeps_the_account(
    stripe_settings: FakeStripe, sor: Consultancy, sor_member: User, operator: User
) -> None:
    first = post(sor_member, sor.pk).json()
    second = post(operator, sor.pk).json()

    assert first["account"] == second["account"]
    assert len(stripe_settings.calls("POST", "/v1/accounts")) == 1


def test_without_stripe_keys_it_is_409_in_norwegian(sor: Consultancy, sor_member: User) -> None:
    response = post(sor_member, sor.pk)

    assert response.status_code == 409
    assert response.json()["detail"] == "Kortbetaling med Stripe er ikke satt opp."
    sor.refresh_from_db()
    assert sor.stripe_account_id == ""


def test_stripe_not_answering_is_502_and_nothing_is_stored(
    stripe_settings: FakeStripe, sor: Consultancy, sor_member: User
) -> None:
    stripe_settings.fail_next(2, status=0)

    response = post(sor_member, sor.pk)

    assert response.status_code == 502
    assert "Stripe svarte ikke" in response.json()["detail"]
    sor.refresh_from_db()
    assert sor.stripe_account_id == ""


@pytest.mark.parametrize("who", ["other_member", "municipality_leader"])
def test_another_consultancys_member_or_a_municipality_user_gets_404(
    stripe_settings: FakeStripe,
    sor: Consultancy,
    ks_member: User,
    leader_a: User,
    who: str,
) -> None:
    user = {"other_member": ks_member, "municipality_leader": leader_a}[who]

    response = post(user, sor.pk)

    assert response.status_code == 404
    assert not stripe_settings.recorded


def test_a_guessed_id_is_404_and_anonymous_is_401(
    stripe_settings: FakeStripe, sor: Consultancy, sor_member: User
) -> None:
    assert post(sor_member, sor.pk + 1000).status_code == 404
    assert post(None, sor.pk).status_code == 401
    assert not stripe_settings.recorded


def test_it_is_not_on_a_municipality_host(
    stripe_settings: FakeStripe, sor: Consultancy, sor_member: User, nordre_land: Municipality
) -> None:
    assert post(sor_member, sor.pk, host=host_of(nordre_land)).status_code == 404
    assert not stripe_settings.recorded


def test_samla_itself_has_no_connected_account(stripe_settings: FakeStripe, operator: User) -> None:
    samla = platform_seller()

    response = post(operator, samla.pk)

    assert response.status_code == 409
    assert "plattformens egen Stripe-konto" in response.json()["detail"]
    assert not stripe_settings.recorded
