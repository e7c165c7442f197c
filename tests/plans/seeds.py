"""The seed plans for the test fixtures, from the demo's own data (one source).

`tenants/plans/seed_plans/` holds seed 000 (Nordre Land) and 001 (Nesseby) completely;
the fixtures build them with the seeds' own dates and every part still planned, through
the services, so the seed plans themselves prove the rules accept them.
"""

from __future__ import annotations

from samla.accounts.models import User
from tenants.models import Municipality
from tenants.plans.models import Plan
from tenants.plans.seed_plans import build_seed_plan, nesseby, nordre_land


def build_nordre_land_plan(tenant: Municipality, user: User) -> Plan:
    """The Nordre Land plan (seed 000), as the seed fills it in."""
    return build_seed_plan(tenant, user, nordre_land.PLAN)


def build_nesseby_plan(tenant: Municipality, user: User) -> Plan:
    """The Nesseby plan (seed 001), as the seed fills it in."""
    return build_seed_plan(tenant, user, nesseby.PLAN)
