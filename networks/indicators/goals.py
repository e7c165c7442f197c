"""The API fields a plan's goal has for its linked indicator (declared by the plans' goal
serializer): the indicator by id, and, read-only, its latest value for the municipality
and that value's period (`plans.Goal.indicator_value`, read with the goals' own query)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from networks.indicators.models import VALUE_DIGITS, VALUE_PLACES, Indicator


def indicator_field() -> serializers.PrimaryKeyRelatedField[Any]:
    return serializers.PrimaryKeyRelatedField(
        queryset=Indicator.objects.all(),
        allow_null=True,
        required=False,
        label=_("Indikator"),
        help_text=_("En felles indikator (id); dens siste verdi her er målets nåverdi"),
        error_messages={
            "does_not_exist": _("Indikatoren med id {pk_value} finnes ikke."),
            "incorrect_type": _("Oppgi indikatorens id (et heltall)."),
        },
    )


def indicator_value_field() -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=VALUE_DIGITS,
        decimal_places=VALUE_PLACES,
        read_only=True,
        allow_null=True,
        help_text=_("Indikatorens siste verdi for kommunen (null uten indikator eller verdi)"),
    )


def indicator_period_field() -> serializers.CharField:
    return serializers.CharField(
        read_only=True, allow_null=True, help_text=_("Perioden den siste verdien gjelder")
    )


def declared() -> dict[str, serializers.Field[Any, Any, Any, Any]]:
    """The three fields, for a serializer that is declared from a mapping."""
    return {
        "indicator": indicator_field(),
        "indicator_value": indicator_value_field(),
        "indicator_period": indicator_period_field(),
    }
