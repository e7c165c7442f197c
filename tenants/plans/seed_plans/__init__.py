"""The demo plans from the seed documents, as plain data, and how they are built.

One module per seed (`nordre_land` 000, `nesseby` 001, `larvik` 002, `byn` and
`steinkjer` 003) holds a `PLAN` dict and the `MUNICIPALITIES` it belongs to.
`build_seed_plan` writes a plan through the services, so the plan rules and the change
history apply. Without `today` the plan keeps the seed's own dates and every part is
planned (the tests' fixtures). With `today` (the demo) all dates move by one whole number
of months so that today falls in the middle of the plan, and the statuses are set as in a
network mid-way: milestones due before today are reached on their date except the latest
one, which is overdue; decision points due before today are decided; activities that
ended before this month are done and running ones in progress; the phase around today is
current; the plan is approved and active; meetings are those held by today; one status
report is submitted.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction

from samla.dates import add_months, month_index
from tenants.models import Municipality
from tenants.plans import services
from tenants.plans.models import Goal, Plan, PlanStatus
from tenants.plans.seed_plans import byn, larvik, nesseby, nordre_land, steinkjer

SEEDS: dict[str, Mapping[str, Any]] = {
    "nordre-land": nordre_land.PLAN,
    "nesseby": nesseby.PLAN,
    "larvik": larvik.PLAN,
    "byn": byn.PLAN,
    "steinkjer": steinkjer.PLAN,
}
# Which seed plans each demo municipality gets (BTI i BYN is shared by four).
PLANS_BY_MUNICIPALITY: dict[str, tuple[str, ...]] = {}
for _key, _module in (
    ("nordre-land", nordre_land),
    ("nesseby", nesseby),
    ("larvik", larvik),
    ("byn", byn),
    ("steinkjer", steinkjer),
):
    for _slug in _module.MUNICIPALITIES:
        PLANS_BY_MUNICIPALITY.setdefault(_slug, ())
        PLANS_BY_MUNICIPALITY[_slug] += (_key,)


def demo_shift(seed: Mapping[str, Any], today: datetime.date) -> int:
    """Whole months that put today in the middle of the seed plan's period."""
    start, end = seed["plan"]["start"], seed["plan"]["end"]
    middle = start + (end - start) / 2
    return month_index(today) - month_index(middle)


def _dated(item: Any, second: str) -> dict[str, Any]:
    """A milestone or decision point from a (code, title, due, text) tuple or a dict."""
    if isinstance(item, Mapping):
        return dict(item)
    code, title, due, text, *rest = item
    return {"code": code, "title": title, "due": due, second: text, **(rest[0] if rest else {})}


class _Builder:
    def __init__(
        self,
        tenant: Municipality,
        user: AbstractBaseUser,
        seed: Mapping[str, Any],
        today: datetime.date | None,
    ) -> None:
        self.tenant, self.user, self.seed, self.today = tenant, user, seed, today
        self.shift = demo_shift(seed, today) if today else 0
        self.goal_keys: dict[str, Goal] = {}

    def d(self, value: datetime.date | None) -> datetime.date | None:
        return add_months(value, self.shift) if value and self.shift else value

    def past(self, value: datetime.date | None) -> bool:
        return bool(self.today and value and value < self.today)

    def build(self) -> Plan:
        seed, user = self.seed, self.user
        data = dict(seed["plan"])
        data["start"], data["end"] = self.d(data["start"]), self.d(data["end"])
        plan = services.create_plan(self.tenant, user, data)
        self.phases(plan)
        self.goals(plan, seed.get("goals", []), None)
        for item in seed.get("measures", []):
            row = dict(item)
            row["goals"] = [self.goal_keys[k].pk for k in row.get("goals", [])]
            services.create_measure(self.tenant, plan, user, row)
        milestones = self.milestones(plan)
        self.decision_points(plan)
        self.activities(plan, milestones)
        risks = self.risks(plan)
        self.success_factors(plan, risks)
        for line in seed.get("budget_lines", []):
            services.create_budget_line(self.tenant, plan, user, line)
        bodies = {
            body.get("key", body["name"]): services.create_body(
                self.tenant,
                plan,
                user,
                {k: v for k, v in body.items() if k != "key"} | {"order": n},
            )
            for n, body in enumerate(seed.get("bodies", []), start=1)
        }
        series = {}
        for item in seed.get("meeting_series", []):
            row = {k: v for k, v in item.items() if k != "key"}
            row["body"] = bodies[row["body"]] if row.get("body") else None
            series[item.get("key", item["name"])] = services.create_meeting_series(
                self.tenant, plan, user, row
            )
        for item in seed.get("meetings", []):
            row = dict(item)
            row["held_on"] = self.d(row["held_on"])
            if self.today and row["held_on"] > self.today:
                continue
            if row.get("series"):
                row["series"] = series[row["series"]]
            if row.get("body"):
                row["body"] = bodies[row["body"]]
            services.create_meeting(self.tenant, plan, user, row)
        if self.today:
            plan = self.run_mid_way(plan)
        plan.refresh_from_db()
        return plan

    def phases(self, plan: Plan) -> None:
        phases = self.seed.get("phases", [])
        current: int | None = None
        if self.today:
            # The phase around today (the latest started when they overlap).
            started = [
                n
                for n, p in enumerate(phases)
                if (begun := self.d(p.get("start"))) and begun <= self.today
            ]
            around = [n for n in started if not self.past(self.d(phases[n].get("end")))]
            candidates = around or started
            current = candidates[-1] if candidates else None
        for n, phase in enumerate(phases):
            row = dict(phase) | {"order": n + 1}
            row["start"], row["end"] = self.d(row.get("start")), self.d(row.get("end"))
            row["is_current"] = n == current
            services.create_phase(self.tenant, plan, self.user, row)

    def goals(self, plan: Plan, goals: Sequence[Mapping[str, Any]], parent: Goal | None) -> None:
        for goal in goals:
            row = {k: v for k, v in goal.items() if k not in ("key", "children")}
            row["due"] = self.d(row.get("due"))
            row["parent"] = parent
            made = services.create_goal(self.tenant, plan, self.user, row)
            self.goal_keys[goal.get("key", "")] = made
            self.goals(plan, goal.get("children", []), made)

    def milestones(self, plan: Plan) -> dict[str, Any]:
        rows = [_dated(m, "criterion") for m in self.seed.get("milestones", [])]
        for row in rows:
            row["due"] = self.d(row["due"])
        past = sorted((r for r in rows if self.past(r["due"])), key=lambda r: r["due"])
        overdue = past[-1]["code"] if past else None
        made = {}
        for row in rows:
            if self.past(row["due"]):
                if row["code"] == overdue:
                    row["status"] = "in_progress"
                else:
                    row["status"], row["done_on"] = "done", row["due"]
            made[row["code"]] = services.create_milestone(self.tenant, plan, self.user, row)
        return made

    def decision_points(self, plan: Plan) -> None:
        decided_by = self.seed.get("decided_by", "Styringsgruppa")
        for item in self.seed.get("decision_points", []):
            row = _dated(item, "basis")
            row["due"] = self.d(row["due"])
            if self.past(row["due"]):
                row |= {"decided_on": row["due"], "decision": "Godkjent.", "decided_by": decided_by}
            services.create_decision_point(self.tenant, plan, self.user, row)

    def activities(self, plan: Plan, milestones: Mapping[str, Any]) -> None:
        this_month = self.today.replace(day=1) if self.today else None
        for item in self.seed.get("activities", []):
            row = dict(item)
            row["start_month"], row["end_month"] = (
                self.d(row["start_month"]),
                self.d(row["end_month"]),
            )
            row["milestones"] = [milestones[c].pk for c in row.get("milestones", [])]
            if this_month and row["end_month"] < this_month:
                row["status"] = "done"
            elif this_month and row["start_month"] <= this_month:
                row["status"] = "in_progress"
            services.create_activity(self.tenant, plan, self.user, row)

    def risks(self, plan: Plan) -> dict[str, Any]:
        made = {}
        for item in self.seed.get("risks", []):
            row = {k: v for k, v in item.items() if k != "key"}
            made[item.get("key", item["title"])] = services.create_risk(
                self.tenant, plan, self.user, row
            )
        return made

    def success_factors(self, plan: Plan, risks: Mapping[str, Any]) -> None:
        for item in self.seed.get("success_factors", []):
            row = dict(item)
            row["risks"] = [risks[k].pk for k in row.get("risks", [])]
            services.create_success_factor(self.tenant, plan, self.user, row)

    def run_mid_way(self, plan: Plan) -> Plan:
        approved = self.seed.get("approved", {})
        plan = services.approve_plan(
            self.tenant,
            plan,
            self.user,
            approved_on=self.d(approved.get("on")) or plan.start,
            approved_by=approved.get("by", "Styringsgruppa"),
            version=plan.version,
        )
        plan = services.update_plan(
            self.tenant, plan, self.user, {"status": PlanStatus.ACTIVE}, version=plan.version
        )
        report = self.seed.get("report")
        if report:
            draft = services.create_status_report(
                self.tenant, plan, self.user, {"kind": "status", "date": self.today, **report}
            )
            services.submit_status_report(self.tenant, draft, self.user, version=draft.version)
        return plan


def build_seed_plan(
    tenant: Municipality,
    user: AbstractBaseUser,
    seed: Mapping[str, Any],
    *,
    today: datetime.date | None = None,
) -> Plan:
    """The seed plan, in one transaction (see the module docstring for `today`)."""
    with transaction.atomic():
        return _Builder(tenant, user, seed, today).build()
