"""A template's content: refused whole when malformed, and compared part by part."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from networks.plantemplates.content import changes, items, validate_content, with_item

BLUEPRINTS = json.loads(
    (Path(__file__).parents[2] / "tenants/plans/blueprints.json").read_text(encoding="utf-8")
)


def content_of(blueprint: dict) -> dict:
    return {k: v for k, v in blueprint.items() if k not in {"key", "name", "description"}}


@pytest.mark.parametrize("blueprint", BLUEPRINTS, ids=lambda b: b["key"])
def test_every_built_in_blueprint_is_valid_content(blueprint):
    validate_content(content_of(blueprint))


def small() -> dict:
    return {
        "months": 12,
        "phases": [{"name": "Kartlegging", "description": "", "start": [0], "end": [5, -1]}],
        "goals": [
            {
                "level": "main",
                "text": "Alle barn får hjelp tidlig",
                "due": [12],
                "children": [{"level": "work", "text": "Rutiner vedtatt", "due": [6]}],
            }
        ],
        "milestones": [
            {"code": "MP1", "title": "Kartlegging ferdig", "at": [5]},
            {"code": "MP2", "title": "Rutiner vedtatt", "at": [8], "text": "Vedtak"},
        ],
        "decision_points": [{"code": "BP1", "title": "Plan godkjent", "at": [2]}],
        "activities": [
            {
                "code": "HA01",
                "name": "Kartlegge",
                "first_month": 0,
                "last_month": 4,
                "milestones": ["MP1"],
            }
        ],
        "bodies": [{"kind": "steering", "name": "Styringsgruppe", "mandate": "Vedtar"}],
    }


BAD = [
    ("not an object", [], "Må være et objekt"),
    ("unknown field", {**small(), "extra": 1}, "Ukjente felt: extra"),
    ("months text", {**small(), "months": "tolv"}, "months"),
    ("months zero", {**small(), "months": 0}, "months"),
    ("months bool", {**small(), "months": True}, "months"),
    ("no milestones", {**small(), "milestones": [], "activities": []}, "minst 1"),
    ("phases not list", {**small(), "phases": "Kartlegging"}, "Må være en liste"),
    ("offset text", {**small(), "milestones": [{"code": "MP1", "title": "x", "at": ["5"]}]}, "at"),
    (
        "offset huge",
        {**small(), "milestones": [{"code": "MP1", "title": "x", "at": [10**9]}]},
        "at",
    ),
    (
        "code twice",
        {**small(), "milestones": [{"code": "MP1", "title": "a", "at": [1]}] * 2},
        "to ganger",
    ),
    (
        "code too long",
        {**small(), "decision_points": [{"code": "B" * 50, "title": "a", "at": [1]}]},
        "høyst",
    ),
    ("unknown level", {**small(), "goals": [{"level": "dream", "text": "x"}]}, "Ukjent nivå"),
    (
        "unknown kind",
        {**small(), "bodies": [{"kind": "club", "name": "x", "mandate": ""}]},
        "Ukjent type",
    ),
    ("missing mandate", {**small(), "bodies": [{"kind": "steering", "name": "x"}]}, "Mangler"),
    (
        "activity link",
        {
            **small(),
            "activities": [
                {
                    "code": "HA1",
                    "name": "x",
                    "first_month": 0,
                    "last_month": 1,
                    "milestones": ["MP9"],
                }
            ],
        },
        "milepæler",
    ),
    (
        "months reversed",
        {
            **small(),
            "activities": [{"code": "HA1", "name": "x", "first_month": 3, "last_month": 1}],
        },
        "første ≤ siste",
    ),
    (
        "control char",
        {**small(), "phases": [{"name": "a\x00", "description": "", "start": [0], "end": [1]}]},
        "kontrolltegn",
    ),
    (
        "deep goals",
        {
            **small(),
            "goals": [
                {
                    "level": "main",
                    "text": "1",
                    "children": [
                        {
                            "level": "sub",
                            "text": "2",
                            "children": [
                                {
                                    "level": "sub",
                                    "text": "3",
                                    "children": [
                                        {
                                            "level": "sub",
                                            "text": "4",
                                            "children": [{"level": "sub", "text": "5"}],
                                        }
                                    ],
                                }
                            ],
                        }
                    ],
                }
            ],
        },
        "nivåer",
    ),
]


@pytest.mark.parametrize(("name", "content", "message"), BAD, ids=[b[0] for b in BAD])
def test_malformed_content_is_refused_in_norwegian(name, content, message):
    with pytest.raises(ValidationError) as refused:
        validate_content(content)
    assert message in " ".join(refused.value.message_dict["content"])


def test_items_have_stable_keys():
    keys = list(items(small()))
    assert keys == [
        "phase:Kartlegging",
        "goal:Alle barn får hjelp tidlig",
        "goal:Rutiner vedtatt",
        "milestone:MP1",
        "milestone:MP2",
        "decision_point:BP1",
        "activity:HA01",
        "body:Styringsgruppe",
    ]


def test_changes_name_each_part_added_removed_or_changed():
    old = small()
    new = copy.deepcopy(old)
    new["milestones"][0]["title"] = "Kartlegging gjennomført"  # changed
    new["milestones"].append({"code": "MP3", "title": "Evaluering", "at": [11]})  # added
    new["decision_points"] = []  # removed
    found = {(c.key, c.kind) for c in changes(old, new)}
    assert found == {
        ("milestone:MP1", "changed"),
        ("milestone:MP3", "added"),
        ("decision_point:BP1", "removed"),
    }
    (changed,) = [c for c in changes(old, new) if c.kind == "changed"]
    assert changed.changed_fields == ["title"]
    assert changes(old, copy.deepcopy(old)) == []


def test_taking_one_change_leaves_the_others():
    old = small()
    new = copy.deepcopy(old)
    new["milestones"][0]["title"] = "Kartlegging gjennomført"
    new["goals"][0]["children"].append({"level": "work", "text": "Evaluert", "due": [11]})
    first, second = changes(old, new)
    baseline = with_item(old, second)
    assert [c.key for c in changes(baseline, new)] == [first.key]
    baseline = with_item(baseline, first)
    assert changes(baseline, new) == []
