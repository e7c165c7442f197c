"""The registry of public rows that belong to a municipality reaches every such row."""

from __future__ import annotations

from django.apps import apps
from django.db import models

from tenants.models import Municipality
from tenants.ownership import OWNED_PUBLIC_MODELS

# Models that point at an owned model but are not themselves the municipality's rows.
NOT_OWNED: set[str] = set()


def _foreign_keys(model: type[models.Model]) -> list[models.ForeignKey[object, object]]:
    return [
        field
        for field in model._meta.get_fields()
        if isinstance(field, models.ForeignKey) and field.concrete
    ]


def _target(field: models.ForeignKey[object, object]) -> str | None:
    related = field.related_model
    return None if related is None or isinstance(related, str) else related._meta.label


def test_every_foreign_key_to_municipality_is_declared() -> None:
    declared = {(owned.label, owned.path) for owned in OWNED_PUBLIC_MODELS}
    found = {
        (model._meta.label, field.name)
        for model in apps.get_models(include_auto_created=True)
        for field in _foreign_keys(model)
        if field.related_model is Municipality
    }
    assert found - declared == set()


def test_rows_hanging_on_owned_rows_are_declared() -> None:
    owned_labels = {owned.label for owned in OWNED_PUBLIC_MODELS}
    hanging = {
        model._meta.label
        for model in apps.get_models(include_auto_created=True)
        for field in _foreign_keys(model)
        if _target(field) in owned_labels and field.remote_field.on_delete is models.CASCADE
    }
    assert hanging - owned_labels - NOT_OWNED == set()


def test_parents_come_before_children() -> None:
    order = [owned.label for owned in OWNED_PUBLIC_MODELS]
    for position, owned in enumerate(OWNED_PUBLIC_MODELS):
        for field in _foreign_keys(owned.model):
            parent = _target(field)
            if parent in order and parent != owned.label:
                assert order.index(parent) < position, (owned.label, parent)


def test_every_path_is_a_valid_lookup() -> None:
    for owned in OWNED_PUBLIC_MODELS:
        assert "WHERE" in str(owned.model._default_manager.filter(**{owned.path: 1}).query)
