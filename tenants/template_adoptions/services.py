"""Starting a plan from a network's template, and taking the template's later changes.

Both run in the municipality's schema (its host) and write the plan only through the
plans' services (`tenants.plans.services`, `tenants.plans.blueprints.start_plan`), so
the plan's rules, bounds and history apply to every row. The template is read from the
public schema, and only if it is published in a network the municipality currently
belongs to (404 otherwise).

Taking a change writes only what the network changed: for a changed part, the fields
whose values differ between the two versions, so the municipality's own edits of other
fields stay; a removed part is deleted only if the plan still has it; an added part is
created (refused, nothing written, if the plan already has one with that number or
name). The changes not chosen stay in the list until taken.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from networks.plantemplates import access as template_access
from networks.plantemplates.content import Change, blueprint_data, changes, with_item
from networks.plantemplates.models import PlanTemplate, PlanTemplateVersion
from tenants.models import Municipality
from tenants.plans import blueprints, services
from tenants.plans import models as m
from tenants.template_adoptions.models import Adoption

# Each part: the plan's model, the field that identifies the row, the list in the content.
PART_ROWS: dict[str, tuple[type[models.Model], str, str]] = {
    "phase": (m.Phase, "name", "phases"),
    "goal": (m.Goal, "text", "goals"),
    "milestone": (m.Milestone, "code", "milestones"),
    "decision_point": (m.DecisionPoint, "code", "decision_points"),
    "activity": (m.Activity, "code", "activities"),
    "body": (m.Body, "name", "bodies"),
}


class StaleAdoption(Exception):
    """The template changed (or someone took changes) since the list the caller chose from."""

    def __init__(self, current: Adoption) -> None:
        self.current = current
        super().__init__(f"adoption {current.pk} is at version {current.version}")


def _latest(template: PlanTemplate) -> PlanTemplateVersion:
    version = template.versions.order_by("-number").first()
    if version is None:  # published_for_municipality keeps unpublished ones out
        raise ValidationError({"template": [_("Malen er ikke publisert.")]})
    return version


def start_plan_from_network_template(
    tenant: Municipality, user: AbstractBaseUser, template_id: int, data: Mapping[str, Any]
) -> m.Plan:
    """A new draft plan from the template's latest version, recorded as adopted from it.

    `data`: `title`, `start`, optionally `end`, as for the built-in templates.
    """
    template = template_access.get_published_for_municipality(tenant, template_id)
    services.engine.require_leader(
        tenant, user, _("Bare kommunens leder kan starte en plan fra en nettverksmal.")
    )
    version = _latest(template)
    blueprint = blueprints.blueprint_from_data(
        blueprint_data(
            version.content, f"network-{template.pk}", version.title, version.description
        )
    )
    with transaction.atomic():
        plan = blueprints.start_plan(tenant, user, blueprint, data)
        Adoption.objects.create(
            plan=plan,
            template_id=template.pk,
            network_id=template.network_id,
            template_title=version.title,
            started_version=version.number,
            reviewed_version=version.number,
            baseline=version.content,
        )
    return plan


def adoption_of(plan: m.Plan) -> Adoption:
    adoption = Adoption.objects.filter(plan=plan).first()
    if adoption is None:
        raise ValidationError(
            {"plan": [_("Planen er ikke laget fra en nettverksmal.")]}, code="not_adopted"
        )
    return adoption


def current_template(adoption: Adoption) -> PlanTemplate | None:
    return PlanTemplate.objects.filter(pk=adoption.template_id).first()


def pending_changes(adoption: Adoption) -> tuple[int, list[Change]]:
    """The latest published version and what in it the municipality has not taken."""
    template = current_template(adoption)
    if template is None or not template.is_published:
        return adoption.reviewed_version, []
    latest = _latest(template)
    return latest.number, changes(adoption.baseline, latest.content)


# Applying one change to the plan -----------------------------------------------------------


def _read(part: str, data: Mapping[str, Any]) -> Any:
    """The blueprint row a template part is, read as `blueprint_from_data` reads it."""
    name = PART_ROWS[part][2]
    row = {k: v for k, v in data.items() if k != "parent"}
    if part == "phase":
        row = {"name": "", "description": "", "start": [0], "end": [0], **row}
    content = {"key": "-", "name": "-", "description": "", "months": 1, "phases": []}
    read = blueprints.blueprint_from_data({**content, name: [row]})
    return getattr(read, name)[0]


def _find(plan: m.Plan, part: str, identity: str) -> Any:
    model, field, _name = PART_ROWS[part]
    return model._default_manager.filter(plan=plan, **{field: identity}).order_by("pk").first()


def _plan_data(plan: m.Plan, part: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """The row's fields as the plan's services take them (links left to `_links`)."""
    start = plan.start
    row = _read(part, data)
    if part == "phase":
        result = row.data(start, 1)
        result.pop("order")
    elif part == "goal":
        result = row.data(start, None)
        result.pop("parent")
    elif part == "milestone":
        result = row.data(start, "criterion")
    elif part == "decision_point":
        result = row.data(start, "basis")
    elif part == "activity":
        result = row.data(start, dict.fromkeys(row.milestones, 0))
        result.pop("milestones")
    else:
        result = row.data(1)
        result.pop("order")
    return dict(result)


def _links(plan: m.Plan, part: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """Links by the template's names: a goal's parent, an activity's milestones (those the
    plan has)."""
    if part == "goal":
        parent = _find(plan, "goal", data["parent"]) if data.get("parent") else None
        return {"parent": parent.pk if parent else None}
    if part == "activity":
        codes = list(data.get("milestones", []))
        found = m.Milestone.objects.filter(plan=plan, code__in=codes).values_list("pk", flat=True)
        return {"milestones": list(found)}
    return {}


def _next_order(plan: m.Plan, part: str) -> int:
    model = PART_ROWS[part][0]
    top = model._default_manager.filter(plan=plan).aggregate(top=models.Max("order"))["top"]
    return int(top or 0) + 1


def _identity(change: Change) -> str:
    return change.key.split(":", 1)[1]


def _apply(tenant: Municipality, plan: m.Plan, user: AbstractBaseUser, change: Change) -> None:
    part = change.part
    row = _find(plan, part, _identity(change))
    if change.kind == "removed":
        if row is not None:
            getattr(services, f"delete_{part}")(tenant, row, user)
        return
    assert change.after is not None
    after = {**_plan_data(plan, part, change.after), **_links(plan, part, change.after)}
    if change.kind == "added" or row is None:
        if change.kind == "added" and row is not None:
            raise ValidationError(
                {
                    "keys": [
                        _("Planen har allerede «%(label)s». Endre eller slett den først.")
                        % {"label": change.label}
                    ]
                }
            )
        if part in ("phase", "body"):
            after["order"] = _next_order(plan, part)
        getattr(services, f"create_{part}")(tenant, plan, user, after)
        return
    # Changed: only the fields the network changed; the municipality's own edits stay.
    assert change.before is not None
    before = {**_plan_data(plan, part, change.before), **_links(plan, part, change.before)}
    if part == "activity" and change.before.get("milestones") == change.after.get("milestones"):
        after.pop("milestones")
        before.pop("milestones")
    edits = {name: value for name, value in after.items() if before.get(name) != value}
    if edits:
        getattr(services, f"update_{part}")(tenant, row, user, edits, version=row.version)


def take_changes(
    tenant: Municipality,
    plan: m.Plan,
    user: AbstractBaseUser,
    keys: Sequence[str],
    *,
    template_version: int | None,
) -> Adoption:
    """Apply the chosen changes (by key) to the plan, in one transaction.

    `template_version` is the published version the list was read from; if the network
    has published since, the caller gets a conflict (409) and chooses again.
    """
    services.engine.require_leader(
        tenant, user, _("Bare kommunens leder kan ta inn endringer fra nettverksmalen.")
    )
    if template_version is None:
        raise ValidationError({"template_version": [_("Oppgi versjonen av malen du valgte fra.")]})
    if not keys:
        raise ValidationError({"keys": [_("Velg minst én endring.")]})
    with transaction.atomic():
        adoption = Adoption.objects.select_for_update().get(pk=adoption_of(plan).pk)
        latest, pending = pending_changes(adoption)
        if latest != template_version:
            raise StaleAdoption(adoption)
        by_key = {change.key: change for change in pending}
        unknown = [key for key in keys if key not in by_key]
        if unknown:
            raise ValidationError(
                {
                    "keys": [
                        _("Ukjent eller allerede tatt inn: %(keys)s.")
                        % {"keys": ", ".join(map(str, unknown))}
                    ]
                }
            )
        chosen = [by_key[key] for key in dict.fromkeys(keys)]
        baseline = adoption.baseline
        now = timezone.now().isoformat()
        for change in _in_order(chosen):
            _apply(tenant, plan, user, change)
            baseline = with_item(baseline, change)
            adoption.taken.append(
                {
                    "key": change.key,
                    "kind": change.kind,
                    "version": latest,
                    "at": now,
                    "by": str(user.get_username()),
                }
            )
        adoption.baseline = baseline
        adoption.reviewed_version = latest
        adoption.version += 1
        adoption.save()
        return adoption


def _in_order(chosen: list[Change]) -> list[Change]:
    """Removals first (a code can be freed and reused), then the parts in plan order; a
    parent goal before its children, milestones before the activities that link them."""
    removed = [c for c in chosen if c.kind == "removed"]
    rest = [c for c in chosen if c.kind != "removed"]
    return removed + rest
