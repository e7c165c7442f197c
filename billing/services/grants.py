"""The consultancy's access to the buying municipality while an order runs.

A confirmed order opens a `ConsultantGrant`: from the order's start to its end, the
consultancy's members act in the municipality as consultants (`samla.accounts.access`
reads the grant beside memberships; a person's own membership row is never touched). An
agreed amendment re-dates it; cancelling revokes it at once.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from billing.models import ConsultantGrant, Order


def open_grant(order: Order) -> ConsultantGrant:
    """Create the order's grant, or re-date it to the order's start and end. A revoked
    grant stays revoked (a cancelled order does not open again)."""
    with transaction.atomic():
        grant = ConsultantGrant.objects.select_for_update().filter(order=order).first()
        if grant is None:
            return ConsultantGrant.objects.create(
                order=order,
                consultancy_id=order.consultancy_id,
                municipality_id=order.municipality_id,
                valid_from=order.start_date,
                valid_until=order.end_date,
            )
        grant.valid_from = order.start_date
        grant.valid_until = order.end_date
        grant.save(update_fields=["valid_from", "valid_until"])
        return grant


def close_grant(order: Order) -> ConsultantGrant | None:
    """Revoke the order's grant now (kept as a record); None when it had none."""
    with transaction.atomic():
        grant = ConsultantGrant.objects.select_for_update().filter(order=order).first()
        if grant is not None and grant.revoked_at is None:
            grant.revoked_at = timezone.now()
            grant.save(update_fields=["revoked_at"])
        return grant
