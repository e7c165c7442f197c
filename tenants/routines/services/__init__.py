"""Every change to units and routines: plain functions, one transaction each.

By concern: `common` (roles and shared checks), `units`, `routines` (a routine's
lifecycle: draft, approve, discard, retire, review) and `adoption` (units taking an
approved routine into use) and `library` (sharing to a network's library, adopting
from it, taking its changes). Each public function takes the municipality and the acting
user explicitly, then the object, then already-typed data, as the plans' services do.
"""

from __future__ import annotations

from tenants.plans.services.engine import StaleVersion, stale_message
from tenants.routines.services import adoption, common, library, routines, units
from tenants.routines.services.adoption import (
    confirm_unit_use,
    in_use,
    record_unit_adoption,
    remove_unit_adoption,
)
from tenants.routines.services.routines import (
    approve_routine,
    create_routine,
    discard_draft,
    record_review,
    retire_routine,
    update_routine,
)
from tenants.routines.services.units import create_unit, delete_unit, update_unit

__all__ = [
    "StaleVersion",
    "adoption",
    "approve_routine",
    "common",
    "confirm_unit_use",
    "create_routine",
    "create_unit",
    "delete_unit",
    "discard_draft",
    "in_use",
    "library",
    "record_review",
    "record_unit_adoption",
    "remove_unit_adoption",
    "retire_routine",
    "routines",
    "stale_message",
    "units",
    "update_routine",
    "update_unit",
]
