"""A plan's organisation: bodies (steering group, project group …) with their members.

Members are written with their body, in its transaction, and recorded as part of it. A
member may name a user, who must be a current member of the municipality.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.utils.translation import gettext as _

from samla.accounts.models import MunicipalityMembership
from tenants.models import Municipality
from tenants.plans import bounds, history
from tenants.plans.models import Body, BodyMember, Plan
from tenants.plans.services.engine import (
    Data,
    Errors,
    Rules,
    add_error,
    apply,
    as_list,
    check_text_limit,
    clean_fields,
    current_row,
    delete_row,
    new_row,
    numbered_mappings,
    raise_if,
    save,
    verbose_name_of,
)

MEMBER_FIELDS = ("name", "title", "unit", "role", "user_id")


def _prepare_members(
    tenant: Municipality, body: Body, members: Any, errors: Errors
) -> list[BodyMember]:
    """The body's member rows after the change (unsaved), matched to existing rows by id."""
    members = as_list(
        members, "members", _("Medlemmene må være en liste."), bounds.members_error, errors
    )
    existing = {m.pk: m for m in body.members.all()} if body.pk else {}
    user_ids = {m.get("user_id") for m in members if isinstance(m, Mapping)} - {None, ""}
    known_users = set(
        MunicipalityMembership.objects.active()
        .filter(municipality_id=tenant.pk, user_id__in=user_ids)
        .values_list("user_id", flat=True)
    )
    rows = []
    shape = _("må ha navn, stilling, enhet og rolle.")
    for number, prefix, item in numbered_mappings(
        members, "members", _("Medlem %(number)d"), shape, errors
    ):
        member_id = item.get("id")
        if member_id is not None:
            row = existing.pop(member_id, None)
            if row is None:
                add_error(errors, "members", f"{prefix}: {_('finnes ikke i denne gruppen.')}")
                continue
        else:
            row = BodyMember(body=body)
        for name in MEMBER_FIELDS:
            if name in item:
                value = item[name]
                setattr(row, name, value.strip() if isinstance(value, str) else value)
        row.order = number
        if row.user_id is not None and row.user_id not in known_users:
            add_error(
                errors,
                "members",
                f"{prefix}: {_('brukeren er ikke medlem av kommunen.')}",
            )
        member_errors: Errors = {}
        clean_fields(row, {"name", "title", "unit", "role", "user_id"}, member_errors)
        for name, messages in member_errors.items():
            label = verbose_name_of(BodyMember, name)
            for message in messages:
                add_error(errors, "members", f"{prefix}, {label}: {message}")
        rows.append(row)
    return rows


def _write_body(
    tenant: Municipality, plan: Plan, body: Body, user: AbstractBaseUser, rules: Rules, data: Data
) -> Body:
    """Save a body and its members; record the change (members are part of the body)."""
    before = history.snapshot(body) if body.pk else None
    data = dict(data)
    members = data.pop("members", None)
    errors: Errors = {}
    apply(plan, body, rules, data, errors)
    clean_fields(body, rules.fields, errors)
    rows = _prepare_members(tenant, body, members, errors) if members is not None else None
    raise_if(errors)
    if before is not None:
        body.version += 1
    save(body)
    if rows is not None:
        keep = [row.pk for row in rows if row.pk]
        body.members.exclude(pk__in=keep).delete()
        for row in rows:
            row.body = body
            if row.pk:
                row.version += 1
            save(row)
    check_text_limit(plan)
    if before is None:
        history.record_created(body, user)
    else:
        history.record_updated(body, user, before)
    return body


def create_body(
    tenant: Municipality, plan: Plan, user: AbstractBaseUser, rules: Rules, data: Data
) -> Body:
    """A body and its members (`members`: list of dicts), in one transaction."""
    with new_row(tenant, plan, Body) as plan:
        return _write_body(tenant, plan, Body(plan=plan), user, rules, data)


def update_body(
    tenant: Municipality, body: Body, user: AbstractBaseUser, rules: Rules, data: Data, *,
    version: int | None,
) -> Body:  # fmt: skip
    """Change a body; given `members`, they become its members (rows matched by `id`)."""
    with current_row(tenant, body, version) as (plan, current):
        return _write_body(tenant, plan, current, user, rules, data)


def delete_body(tenant: Municipality, body: Body, user: AbstractBaseUser) -> None:
    delete_row(tenant, body, user)
