"""The kinds of field and constraint the plans' models repeat, each named once.

Every factory returns a plain Django field or constraint: the migrations see exactly what
the model would have spelled out, so choosing a factory never changes the database.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal, TypeVar, overload

from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from samla.textrules import validate_no_national_id, validate_printable

if TYPE_CHECKING:
    from collections.abc import Sequence

    from django.db.models.expressions import Combinable
    from django_stubs_ext import StrOrPromise

_M = TypeVar("_M", bound=models.Model)

NAME_LIMIT = 200
CODE_LIMIT = 12
TEXT_LIMIT = 4_000
LONG_TEXT_LIMIT = 20_000
# What every text a person writes must pass: no national identity numbers, printable only.
TEXT_RULES = (validate_no_national_id, validate_printable)


def short_text(
    verbose_name: StrOrPromise, *, max_length: int = NAME_LIMIT, blank: bool = True
) -> models.CharField[str, str]:
    return models.CharField(verbose_name, max_length=max_length, blank=blank, validators=TEXT_RULES)


def long_text(
    verbose_name: StrOrPromise, *, limit: int = TEXT_LIMIT, blank: bool = True
) -> models.TextField[str, str]:
    # A TextField's max_length is not enforced by Django: the validator does it.
    return models.TextField(
        verbose_name, blank=blank, validators=[MaxLengthValidator(limit), *TEXT_RULES]
    )


def text_list(
    verbose_name: StrOrPromise, *, size: int, item_limit: int = NAME_LIMIT
) -> ArrayField[Sequence[str] | Combinable, list[str]]:
    """Up to `size` short texts (names, decisions), empty by default."""
    return ArrayField(
        models.CharField(max_length=item_limit),
        verbose_name=verbose_name,
        default=list,
        blank=True,
        validators=TEXT_RULES,
        size=size,
    )


def part_code() -> models.CharField[str, str]:
    """A part's number in its plan (MP1, BP1, HA01): see `code_unique_per_plan`."""
    return short_text(_("nummer"), max_length=CODE_LIMIT, blank=False)


def sort_order() -> models.PositiveSmallIntegerField[float | int | str | Combinable, int]:
    """The place people gave a row among its siblings (the model orders by it, then id)."""
    return models.PositiveSmallIntegerField(_("rekkefølge"), default=1)


def optional_date(
    verbose_name: StrOrPromise,
) -> models.DateField[str | date | Combinable | None, date | None]:
    return models.DateField(verbose_name, null=True, blank=True)


def optional_decimal(
    verbose_name: StrOrPromise,
) -> models.DecimalField[str | float | Decimal | Combinable | None, Decimal | None]:
    """A measured value with two decimals (a goal's baseline, target, current value)."""
    return models.DecimalField(verbose_name, max_digits=14, decimal_places=2, null=True, blank=True)


def choice(
    verbose_name: StrOrPromise,
    choices: type[models.TextChoices],
    *,
    default: str | type[models.NOT_PROVIDED] = models.NOT_PROVIDED,
) -> models.CharField[str, str]:
    """One value of `choices` (a status, a kind), with its default when it has one."""
    return models.CharField(verbose_name, max_length=20, choices=choices.choices, default=default)


@overload
def optional_link(
    to: type[_M], *, related_name: str, verbose_name: StrOrPromise
) -> models.ForeignKey[_M | Combinable | None, _M | None]: ...


@overload
def optional_link(
    to: Literal["self"], *, related_name: str, verbose_name: StrOrPromise
) -> models.ForeignKey[Any, Any]: ...


def optional_link(
    to: type[_M] | Literal["self"], *, related_name: str, verbose_name: StrOrPromise
) -> models.ForeignKey[Any, Any]:
    """A link that may be empty, and becomes empty when the row it names is deleted
    (`"self"`: another row of the same model, as a goal's parent goal)."""
    return models.ForeignKey(
        to,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name=related_name,
        verbose_name=verbose_name,
    )


def end_after_start(
    name: str, *, start: str = "start", end: str = "end", optional: bool = False
) -> models.CheckConstraint:
    """The end is not before the start; with `optional`, also true while either is empty."""
    ordered = Q(**{f"{end}__gte": F(start)})
    if optional:
        ordered = Q(**{f"{start}__isnull": True}) | Q(**{f"{end}__isnull": True}) | ordered
    return models.CheckConstraint(condition=ordered, name=name)


def at_least(field: str, low: int, *, name: str) -> models.CheckConstraint:
    return models.CheckConstraint(condition=Q(**{f"{field}__gte": low}), name=name)


def between(field: str, low: int, high: int, *, name: str) -> models.CheckConstraint:
    """`low` ≤ `field` ≤ `high`."""
    bounds = {f"{field}__gte": low, f"{field}__lte": high}
    return models.CheckConstraint(condition=Q(**bounds), name=name)


def code_unique_per_plan(name: str) -> models.UniqueConstraint:
    """No two rows of one plan share a number, whatever its case (MP1 and mp1 clash)."""
    return models.UniqueConstraint(F("plan"), Upper("code"), name=name)
