"""The kinds of item a programme package is made of, declared once.

Each kind names its Norwegian label, the EHF unit it is usually sold in and the VAT
category it usually carries. `ItemKind` (the model field's choices), the API's enum, the
catalogue's filter and the package editor's defaults are all derived from `KINDS`; a new
kind is one declaration here (and a migration for the choices).

VAT: training days are education (merverdiavgiftsloven § 3-5, see `billing.money`) and
exempt by default; everything else is 25 %. The consultancy may change it per item: which
items are education is its call.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from billing import money
from billing.ehf.document import UnitCode


class VatChoice(models.TextChoices):
    """An item's VAT category as the consultancy chooses it (stored on the item)."""

    STANDARD = "standard", _("25 % mva")
    EXEMPT_EDUCATION = "exempt_education", _("Fritatt (undervisning, mval. § 3-5)")


VAT_CATEGORIES: dict[str, money.VatCategory] = {
    VatChoice.STANDARD: money.STANDARD,
    VatChoice.EXEMPT_EDUCATION: money.EXEMPT_EDUCATION,
}


def vat_category(choice: str, *, vat_registered: bool) -> money.VatCategory:
    """The EN 16931 category of an item: none at all when the seller is outside the VAT
    register (category O on every line, BR-O-*), else the one chosen."""
    if not vat_registered:
        return money.NOT_SUBJECT
    return VAT_CATEGORIES[choice]


class UnitChoice(models.TextChoices):
    """EHF units (UN/ECE rec. 20), as `billing.ehf.document.UnitCode`, with Norwegian labels."""

    DAY = UnitCode.DAY.value, _("dag")
    HOUR = UnitCode.HOUR.value, _("time")
    MONTH = UnitCode.MONTH.value, _("måned")
    EACH = UnitCode.EACH.value, _("stk.")
    PIECE = UnitCode.PIECE.value, _("enhet")


@dataclass(frozen=True)
class KindSpec:
    slug: str
    label: Promise
    default_unit: UnitCode
    default_vat: VatChoice


KINDS: tuple[KindSpec, ...] = (
    KindSpec("training_day", _("Fagdag"), UnitCode.DAY, VatChoice.EXEMPT_EDUCATION),
    KindSpec("leadership_gathering", _("Ledersamling"), UnitCode.DAY, VatChoice.STANDARD),
    KindSpec(
        "all_leaders_gathering", _("Dagssamling for alle ledere"), UnitCode.DAY, VatChoice.STANDARD
    ),
    KindSpec(
        "network_leader_supervision",
        _("Veiledning av nettverksledere"),
        UnitCode.HOUR,
        VatChoice.STANDARD,
    ),
    KindSpec("website", _("Nettside"), UnitCode.PIECE, VatChoice.STANDARD),
    KindSpec("print", _("Trykksaker"), UnitCode.PIECE, VatChoice.STANDARD),
    KindSpec("other", _("Annet"), UnitCode.EACH, VatChoice.STANDARD),
)
KINDS_BY_SLUG: dict[str, KindSpec] = {kind.slug: kind for kind in KINDS}

ItemKind = models.TextChoices(  # type: ignore[call-overload]
    "ItemKind", [(kind.slug.upper(), (kind.slug, kind.label)) for kind in KINDS]
)


def kind_spec(slug: str) -> KindSpec:
    return KINDS_BY_SLUG[slug]
