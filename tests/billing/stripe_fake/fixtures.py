"""Pytest fixtures of the Stripe fake: import them into a test module
(`from tests.billing.stripe_fake.fixtures import stripe_fake, stripe_settings`)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytest_django.fixtures import Settings

from tests.billing.stripe_fake import API_KEY, WEBHOOK_SECRET, FakeStripe


@pytest.fixture
def stripe_fake() -> Iterator[FakeStripe]:
    """A fresh fake on a free port for the test."""
    fake = FakeStripe().start()
    try:
        yield fake
    finally:
        fake.stop()


@pytest.fixture
def stripe_settings(settings: Settings, stripe_fake: FakeStripe) -> FakeStripe:
    """Samla's Stripe settings pointed at the fake (keys, API base, webhook secret)."""
    settings.STRIPE_SECRET_KEY = API_KEY
    settings.STRIPE_API_BASE = stripe_fake.url
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    return stripe_fake
