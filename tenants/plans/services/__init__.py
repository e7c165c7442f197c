"""Every change to a plan and its parts: plain functions, one transaction each.

Each public function takes the municipality (`tenant`) and the acting user explicitly, as
Zulip's `do_*` actions do, then the plan or the object, then already-typed data. By concern:
`engine` (rules, locks, validation, saving, constraint errors), `plans` (a plan's
lifecycle), `parts` (the generic parts), `bodies`, `meetings`, `reports` (status reports)
and `restore`. Each part's `create_<part>`, `update_<part>` and `delete_<part>` (for
example `create_milestone(tenant, plan, user, data)`) is its declaration's service in
`tenants.plans.registry`, looked up by name here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tenants.plans.services import bodies, engine, meetings, parts, plans, reports, restore
from tenants.plans.services.engine import (
    CONSTRAINT_FIELDS,
    Data,
    Errors,
    Rules,
    StaleVersion,
    is_leader,
    stale_message,
)
from tenants.plans.services.parts import budget_totals
from tenants.plans.services.plans import (
    PLAN_FIELDS,
    STATUS_FLOW,
    approve_plan,
    create_plan,
    delete_plan,
    update_plan,
)
from tenants.plans.services.reports import plan_snapshot, submit_status_report
from tenants.plans.services.restore import restore_deleted

__all__ = [
    "CONSTRAINT_FIELDS",
    "PLAN_FIELDS",
    "STATUS_FLOW",
    "Data",
    "Errors",
    "Rules",
    "StaleVersion",
    "approve_plan",
    "bodies",
    "budget_totals",
    "create_plan",
    "delete_plan",
    "engine",
    "is_leader",
    "meetings",
    "parts",
    "plan_snapshot",
    "plans",
    "reports",
    "restore",
    "restore_deleted",
    "stale_message",
    "submit_status_report",
    "update_plan",
]


def __getattr__(name: str) -> Callable[..., Any]:
    """`create_<part>`, `update_<part>`, `delete_<part>`: the registry's part services."""
    if name.startswith(("create_", "update_", "delete_")):
        # Read when asked for: the registry names this package's functions in its parts.
        from tenants.plans.registry import part_service

        service = part_service(name)
        if service is not None:
            return service
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
