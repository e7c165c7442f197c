"""The nightly task that brings licences in line with their invoices (paid, lapsed)."""

from __future__ import annotations

from celery import shared_task

from billing.services import licences


@shared_task(name="billing.refresh_licences")
def refresh_licences() -> list[tuple[int, str, str]]:
    """Licences whose state changed, as (id, from, to)."""
    return licences.refresh_licences()
