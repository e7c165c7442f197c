"""What a package costs, with and without VAT: the one computation pages, API and invoices use.

Each item is a line: its net amount is `money.line_net(quantity, unit_price)` and its VAT
category `kinds.vat_category(item.vat, vat_registered=…)`. The package's totals are
`money.compute_totals` over those lines, exactly as the EHF invoice of the whole package
will state them: VAT is rounded once per category (BR-CO-14), not per line. An item's own
VAT figure (shown beside it) is its net × its rate, rounded to the øre; the items' VAT
figures may therefore add up to an øre more or less than the package's VAT, which is the
figure that is invoiced.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from billing import money
from billing.kinds import vat_category
from billing.models import Consultancy, Package, PackageItem


@dataclass(frozen=True)
class LinePrice:
    item: PackageItem
    category: money.VatCategory
    net: Decimal
    vat: Decimal

    @property
    def gross(self) -> Decimal:
        return self.net + self.vat


@dataclass(frozen=True)
class PackagePrice:
    lines: tuple[LinePrice, ...]
    totals: money.Totals

    @property
    def net(self) -> Decimal:
        return self.totals.tax_exclusive

    @property
    def vat(self) -> Decimal:
        return self.totals.vat_total

    @property
    def gross(self) -> Decimal:
        return self.totals.tax_inclusive


def line_price(item: PackageItem, consultancy: Consultancy) -> LinePrice:
    category = vat_category(item.vat, vat_registered=consultancy.vat_registered)
    net = money.line_net(Decimal(item.quantity), Decimal(item.unit_price))
    return LinePrice(item=item, category=category, net=net, vat=category.vat_on(net))


def price_items(items: Iterable[PackageItem], consultancy: Consultancy) -> PackagePrice:
    lines = tuple(line_price(item, consultancy) for item in items)
    totals = money.compute_totals((line.category, line.net) for line in lines)
    return PackagePrice(lines=lines, totals=totals)


def price_package(package: Package) -> PackagePrice:
    """The package's price; reads `package.items.all()` (prefetch it for a list)."""
    return price_items(package.items.all(), package.consultancy)
