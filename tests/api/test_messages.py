"""DRF's error messages its Norwegian catalogue lacks are Norwegian too (samla/api/messages.py)."""

from __future__ import annotations

import re

import pytest
from django.utils import translation
from rest_framework import serializers

from samla.api.messages import FIELD_MESSAGES


@pytest.fixture(autouse=True)
def _public_schema_and_clean_cache() -> None:
    # Replaces the suite's per-test database fixture: no database here.
    return None


class Sample(serializers.Serializer[dict[str, object]]):
    text = serializers.CharField()
    flag = serializers.BooleanField()
    ident = serializers.UUIDField()
    items = serializers.ListField(child=serializers.IntegerField(), max_length=2)
    code = serializers.SlugField(allow_unicode=True)


def test_wrong_types_are_answered_in_norwegian() -> None:
    with translation.override("nb"):
        given = Sample(
            data={"text": {"a": 1}, "flag": "kanskje", "ident": "x", "items": [1, 2, 3],
                  "code": "ikke gyldig!"}
        )  # fmt: skip
        assert not given.is_valid()
        errors = {
            field: [str(message) for message in found] for field, found in given.errors.items()
        }
    assert errors == {
        "text": ["Ikke en gyldig tekst."],
        "flag": ["Må være en gyldig sannhetsverdi (true eller false)."],
        "ident": ["Må være en gyldig UUID."],
        "items": ["Listen kan ha høyst 2 elementer."],
        "code": ["Oppgi en gyldig kortform av bokstaver, tall, understrek eller bindestrek."],
    }


def test_surrogates_are_refused_in_norwegian() -> None:
    with translation.override("nb"):
        given = Sample(
            data={"text": "a\ud800", "flag": True, "ident": "4f6c5bb2-8d3c-4f1e-9f34-111111111111",
                  "items": [], "code": "ok"}
        )  # fmt: skip
        assert not given.is_valid()
        assert [str(m) for m in given.errors["text"]] == ["Surrogattegn er ikke tillatt: U+D800."]


def test_every_message_keeps_the_placeholders_drf_fills_in() -> None:
    filled = {
        "min_length": {"min_length"},
        "max_length": {"max_length"},
        "make_aware": {"timezone"},
    }
    for (field_class, key), message in FIELD_MESSAGES.items():
        placeholders = set(re.findall(r"\{(\w+)", str(message)))
        assert placeholders == filled.get(key, set()), (field_class, key)
