"""A template's content: checking its shape, and what changed between two versions.

The content is a blueprint's JSON shape without key, name and description (see
`models.py`). `validate_content` refuses anything `blueprint_from_data` could not read or
that a plan could not be made from, with Norwegian messages under "content" naming the
place (`milestones[2].code`), so nothing malformed is ever stored or published.

`items` splits content into parts with stable keys, each a plain dict: a phase by its name
(`phase:Kartlegging`), a goal by its text (with its parent's text), a milestone, decision
point or main activity by its code (`milestone:MP3`), a body by its name. `changes`
compares two versions' items: each part added, removed or changed is one `Change` with
that key, which a municipality takes or leaves one by one.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samla.textrules import contains_control_characters, contains_national_id
from tenants.plans.models import CODE_LIMIT, NAME_LIMIT, TEXT_LIMIT, BodyKind, GoalLevel

MAX_MONTHS = 120
MAX_ROWS = 100
MAX_GOAL_DEPTH = 4
OFFSET_MONTHS = (-24, MAX_MONTHS + 24)
OFFSET_DAYS = (-366, 366)

# The parts of a template, in the order a plan is made from them, with their labels.
PARTS: dict[str, Any] = {
    "phase": gettext_lazy("Fase"),
    "goal": gettext_lazy("Mål"),
    "milestone": gettext_lazy("Milepæl"),
    "decision_point": gettext_lazy("Beslutningspunkt"),
    "activity": gettext_lazy("Hovedaktivitet"),
    "body": gettext_lazy("Organ"),
}
LISTS = {
    "phases": "phase",
    "goals": "goal",
    "milestones": "milestone",
    "decision_points": "decision_point",
    "activities": "activity",
    "bodies": "body",
}


class _Errors:
    def __init__(self) -> None:
        self.messages: list[str] = []

    def add(self, where: str, message: str) -> None:
        self.messages.append(f"{where}: {message}" if where else message)


def _text(
    errors: _Errors, row: Mapping[str, Any], where: str, name: str, limit: int, required: bool
) -> None:
    value = row.get(name, "")
    if not isinstance(value, str):
        errors.add(f"{where}.{name}", _("Må være tekst."))
    elif required and not value.strip():
        errors.add(f"{where}.{name}", _("Kan ikke være tom."))
    elif len(value) > limit:
        errors.add(f"{where}.{name}", _("Kan være høyst %(limit)s tegn.") % {"limit": limit})
    elif contains_control_characters(value):
        errors.add(f"{where}.{name}", _("Inneholder kontrolltegn."))
    elif contains_national_id(value):
        errors.add(f"{where}.{name}", _("Ser ut til å inneholde et fødselsnummer."))


def _int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _offset(errors: _Errors, row: Mapping[str, Any], where: str, name: str) -> None:
    value = row.get(name)
    ok = (
        isinstance(value, list)
        and 1 <= len(value) <= 2
        and all(_int(v) for v in value)
        and OFFSET_MONTHS[0] <= value[0] <= OFFSET_MONTHS[1]
        and (len(value) == 1 or OFFSET_DAYS[0] <= value[1] <= OFFSET_DAYS[1])
    )
    if not ok:
        errors.add(
            f"{where}.{name}",
            _("Oppgi [måneder] eller [måneder, dager] fra start (måneder %(low)s–%(high)s).")
            % {"low": OFFSET_MONTHS[0], "high": OFFSET_MONTHS[1]},
        )


def _fields(
    errors: _Errors, row: Any, where: str, allowed: set[str], required: tuple[str, ...] = ()
) -> bool:
    """Whether `row` is an object; its unknown and missing fields are errors."""
    if not isinstance(row, dict):
        errors.add(where, _("Må være et objekt."))
        return False
    unknown = sorted(set(row) - allowed)
    if unknown:
        errors.add(where, _("Ukjente felt: %(names)s.") % {"names": ", ".join(unknown)})
    missing = [name for name in required if name not in row]
    if missing:
        errors.add(where, _("Mangler feltene: %(names)s.") % {"names": ", ".join(missing)})
        return False
    return True


def _rows(errors: _Errors, content: Mapping[str, Any], name: str, least: int) -> list[Any]:
    rows = content.get(name, [])
    if not isinstance(rows, list):
        errors.add(name, _("Må være en liste."))
        return []
    if len(rows) < least:
        errors.add(name, _("Malen må ha minst %(count)s.") % {"count": least})
    if len(rows) > MAX_ROWS:
        errors.add(name, _("Høyst %(count)s.") % {"count": MAX_ROWS})
        return []
    return rows


def _unique(errors: _Errors, where: str, values: list[Any], what: str) -> None:
    seen: set[Any] = set()
    for value in values:
        if isinstance(value, str) and value in seen:
            errors.add(
                where, _("%(what)s «%(value)s» står to ganger.") % {"what": what, "value": value}
            )
        seen.add(value)


def _check_goals(
    errors: _Errors, goals: list[Any], where: str, depth: int, texts: list[Any]
) -> None:
    if depth > MAX_GOAL_DEPTH:
        errors.add(where, _("Målene kan ha høyst %(depth)s nivåer.") % {"depth": MAX_GOAL_DEPTH})
        return
    for index, goal in enumerate(goals):
        at = f"{where}[{index}]"
        if not _fields(errors, goal, at, {"level", "text", "due", "children"}, ("level", "text")):
            continue
        if goal.get("level") not in GoalLevel.values:
            errors.add(
                f"{at}.level",
                _("Ukjent nivå. Velg en av: %(keys)s.") % {"keys": ", ".join(GoalLevel.values)},
            )
        _text(errors, goal, at, "text", 500, required=True)
        texts.append(goal.get("text"))
        if goal.get("due") is not None:
            _offset(errors, goal, at, "due")
        children = goal.get("children", [])
        if not isinstance(children, list):
            errors.add(f"{at}.children", _("Må være en liste."))
        else:
            _check_goals(errors, children, f"{at}.children", depth + 1, texts)


def validate_content(content: Any) -> None:
    """Raise ValidationError under "content" unless a plan can be made from it."""
    errors = _Errors()
    if not _fields(errors, content, "", {"months", *LISTS}):
        raise ValidationError({"content": errors.messages})
    months = content.get("months")
    if not _int(months) or not 1 <= months <= MAX_MONTHS:
        errors.add("months", _("Planens lengde i måneder, 1–%(max)s.") % {"max": MAX_MONTHS})
    phases = _rows(errors, content, "phases", 1)
    for index, phase in enumerate(phases):
        at = f"phases[{index}]"
        if _fields(
            errors,
            phase,
            at,
            {"name", "description", "start", "end"},
            ("name", "description", "start", "end"),
        ):
            _text(errors, phase, at, "name", NAME_LIMIT, required=True)
            _text(errors, phase, at, "description", TEXT_LIMIT, required=False)
            _offset(errors, phase, at, "start")
            _offset(errors, phase, at, "end")
    _unique(errors, "phases", [p.get("name") for p in phases if isinstance(p, dict)], _("Fasen"))
    goal_texts: list[Any] = []
    _check_goals(errors, _rows(errors, content, "goals", 0), "goals", 1, goal_texts)
    _unique(errors, "goals", goal_texts, _("Målet"))
    codes: dict[str, list[Any]] = {}
    for name in ("milestones", "decision_points"):
        rows = _rows(errors, content, name, 1 if name == "milestones" else 0)
        for index, row in enumerate(rows):
            at = f"{name}[{index}]"
            if _fields(errors, row, at, {"code", "title", "at", "text"}, ("code", "title", "at")):
                _text(errors, row, at, "code", CODE_LIMIT, required=True)
                _text(errors, row, at, "title", NAME_LIMIT, required=True)
                _text(errors, row, at, "text", TEXT_LIMIT, required=False)
                _offset(errors, row, at, "at")
        codes[name] = [r.get("code") for r in rows if isinstance(r, dict)]
        _unique(errors, name, codes[name], _("Nummeret"))
    activities = _rows(errors, content, "activities", 0)
    fields = {"code", "name", "first_month", "last_month", "purpose", "result", "milestones"}
    for index, row in enumerate(activities):
        at = f"activities[{index}]"
        if not _fields(errors, row, at, fields, ("code", "name", "first_month", "last_month")):
            continue
        _text(errors, row, at, "code", CODE_LIMIT, required=True)
        _text(errors, row, at, "name", NAME_LIMIT, required=True)
        _text(errors, row, at, "purpose", TEXT_LIMIT, required=False)
        _text(errors, row, at, "result", TEXT_LIMIT, required=False)
        first, last = row.get("first_month"), row.get("last_month")
        if not (_int(first) and _int(last) and 0 <= first <= last <= MAX_MONTHS + 24):
            errors.add(at, _("first_month og last_month: hele måneder fra start, første ≤ siste."))
        linked = row.get("milestones", [])
        if not isinstance(linked, list) or any(c not in codes["milestones"] for c in linked):
            errors.add(f"{at}.milestones", _("Bare nummer på milepæler i malen."))
    _unique(
        errors,
        "activities",
        [r.get("code") for r in activities if isinstance(r, dict)],
        _("Nummeret"),
    )
    bodies = _rows(errors, content, "bodies", 0)
    for index, row in enumerate(bodies):
        at = f"bodies[{index}]"
        if _fields(errors, row, at, {"kind", "name", "mandate"}, ("kind", "name", "mandate")):
            if row.get("kind") not in BodyKind.values:
                errors.add(
                    f"{at}.kind",
                    _("Ukjent type. Velg en av: %(keys)s.") % {"keys": ", ".join(BodyKind.values)},
                )
            _text(errors, row, at, "name", NAME_LIMIT, required=True)
            _text(errors, row, at, "mandate", TEXT_LIMIT, required=False)
    _unique(errors, "bodies", [r.get("name") for r in bodies if isinstance(r, dict)], _("Organet"))
    if errors.messages:
        raise ValidationError({"content": errors.messages})


def blueprint_data(
    content: Mapping[str, Any], key: str, name: str, description: str
) -> dict[str, Any]:
    """The content as `tenants.plans.blueprints.blueprint_from_data` reads it."""
    return {**content, "key": key, "name": name, "description": description}


# Items and changes -------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    key: str
    part: str
    label: str
    data: dict[str, Any]


def _goal_items(goals: list[Any], parent: str | None) -> Iterator[Item]:
    for goal in goals:
        data = {
            "level": goal["level"],
            "text": goal["text"],
            "due": goal.get("due"),
            "parent": parent,
        }
        yield Item(f"goal:{goal['text']}", "goal", goal["text"], data)
        yield from _goal_items(goal.get("children", []), goal["text"])


def items(content: Mapping[str, Any]) -> dict[str, Item]:
    """The content's parts by their stable keys, in the order a plan is made from them."""
    found: list[Item] = []
    for phase in content.get("phases", []):
        found.append(Item(f"phase:{phase['name']}", "phase", phase["name"], dict(phase)))
    found += _goal_items(content.get("goals", []), None)
    for name, part in (("milestones", "milestone"), ("decision_points", "decision_point")):
        for row in content.get(name, []):
            data = {"text": "", **row}
            found.append(Item(f"{part}:{row['code']}", part, f"{row['code']} {row['title']}", data))
    for row in content.get("activities", []):
        data = {"purpose": "", "result": "", "milestones": [], **row}
        found.append(
            Item(f"activity:{row['code']}", "activity", f"{row['code']} {row['name']}", data)
        )
    for row in content.get("bodies", []):
        found.append(Item(f"body:{row['name']}", "body", row["name"], dict(row)))
    return {item.key: item for item in found}


@dataclass(frozen=True)
class Change:
    """One part added, removed or changed between two versions of a template."""

    key: str
    part: str
    kind: str  # "added", "removed", "changed"
    label: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None

    @property
    def changed_fields(self) -> list[str]:
        if self.before is None or self.after is None:
            return []
        names = dict.fromkeys([*self.before, *self.after])
        return [n for n in names if self.before.get(n) != self.after.get(n)]


KIND_LABELS = {
    "added": gettext_lazy("Lagt til"),
    "removed": gettext_lazy("Fjernet"),
    "changed": gettext_lazy("Endret"),
}


def changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Change]:
    """What changed from `old` to `new`, part by part: new's order, then what was removed."""
    before, after = items(old), items(new)
    found: list[Change] = []
    for key, item in after.items():
        was = before.get(key)
        if was is None:
            found.append(Change(key, item.part, "added", item.label, None, item.data))
        elif was.data != item.data:
            found.append(Change(key, item.part, "changed", item.label, was.data, item.data))
    for key, item in before.items():
        if key not in after:
            found.append(Change(key, item.part, "removed", item.label, item.data, None))
    order = list(PARTS)
    return sorted(found, key=lambda c: order.index(c.part))


def with_item(content: Mapping[str, Any], change: Change) -> dict[str, Any]:
    """`content` with one change applied to it: the baseline after a municipality takes it.

    Only that part moves to the new version; every other part stays as it was, so the
    changes not taken are still there the next time.
    """
    result: dict[str, Any] = {name: list(content.get(name, [])) for name in LISTS}
    result["months"] = content.get("months")
    if change.part == "goal":
        flat = [i.data for i in items(content).values() if i.part == "goal"]
        flat = [g for g in flat if f"goal:{g['text']}" != change.key]
        if change.after is not None:
            flat.append(change.after)
        result["goals"] = _nest_goals(flat)
        return result
    name = next(n for n, p in LISTS.items() if p == change.part)
    rows = [r for r in result[name] if items({name: [r]}).get(change.key) is None]
    if change.after is not None:
        rows.append(change.after)
    result[name] = rows
    return result


def _nest_goals(flat: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Goals as a tree again (a goal whose parent is gone becomes a top-level goal)."""
    texts = {g["text"] for g in flat}
    placed: set[str] = set()

    def children_of(parent: str | None) -> list[dict[str, Any]]:
        rows = []
        for goal in flat:
            own = goal.get("parent") if goal.get("parent") in texts else None
            if own == parent and goal["text"] not in placed:
                placed.add(goal["text"])
                row = {k: v for k, v in goal.items() if k != "parent" and v is not None}
                row["children"] = children_of(goal["text"])
                rows.append(row)
        return rows

    tree = children_of(None)
    # Goals caught in a loop of parents (never from one valid version) go to the top.
    for goal in flat:
        if goal["text"] not in placed:
            placed.add(goal["text"])
            row = {k: v for k, v in goal.items() if k != "parent" and v is not None}
            tree.append({**row, "children": children_of(goal["text"])})
    return tree
