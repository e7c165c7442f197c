"""Samla's yearly licence prices by population band, declared once.

A municipality's licence is priced by its number of inhabitants (SSB's figure on
1 January, given by the operator who issues the licence). The bands and their yearly
prices (NOK excluding VAT; software is standard-rated, 25 %) are the table below; the
operator pages, the API's enum and the invoice line all read it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Band:
    slug: str
    label: Promise
    # Inhabitants up to and including this number; None for the largest band.
    up_to: int | None
    yearly_price: Decimal


BANDS: tuple[Band, ...] = (
    Band("small", _("Under 5 000 innbyggere"), 4_999, Decimal("24000.00")),
    Band("medium", _("5 000–19 999 innbyggere"), 19_999, Decimal("42000.00")),
    Band("large", _("20 000–49 999 innbyggere"), 49_999, Decimal("68000.00")),
    Band("city", _("50 000 innbyggere eller flere"), None, Decimal("110000.00")),
)
BANDS_BY_SLUG: dict[str, Band] = {band.slug: band for band in BANDS}

# Norway's most populous municipality has under a million inhabitants.
MAX_POPULATION = 2_000_000


def band_for(population: int) -> Band:
    """The band a municipality of `population` inhabitants falls in."""
    for band in BANDS:
        if band.up_to is None or population <= band.up_to:
            return band
    raise AssertionError("the last band has no upper bound")
