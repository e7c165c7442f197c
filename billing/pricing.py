"""What a package or an order costs, with and without VAT: the one computation pages, API
and invoices use. A package's items and an order's lines are priced alike (`Priced`).

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
from typing import Generic, TypeVar

from billing import money
from billing.kinds import vat_category
from billing.models import Consultancy, Order, OrderLine, Package, PackageItem

Priced = TypeVar("Priced", PackageItem, OrderLine)


@dataclass(frozen=True)
class LinePrice(Generic[Priced]):
    item: Priced
    category: money.VatCategory
    net: Decimal
    vat: Decimal

    @property
    def gross(self) -> Decimal:
        return self.net + self.vat


@dataclass(frozen=True)
class Price(Generic[Priced]):
    lines: tuple[LinePrice[Priced], ...]
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


PackagePrice = Price[PackageItem]
OrderPrice = Price[OrderLine]


def line_price(item: Priced, consultancy: Consultancy) -> LinePrice[Priced]:
    category = vat_category(item.vat, vat_registered=consultancy.vat_registered)
    net = money.line_net(Decimal(item.quantity), Decimal(item.unit_price))
    return LinePrice(item=item, category=category, net=net, vat=category.vat_on(net))


def price_items(items: Iterable[Priced], consultancy: Consultancy) -> Price[Priced]:
    lines = tuple(line_price(item, consultancy) for item in items)
    totals = money.compute_totals((line.category, line.net) for line in lines)
    return Price(lines=lines, totals=totals)


def price_package(package: Package) -> PackagePrice:
    """The package's price; reads `package.items.all()` (prefetch it for a list)."""
    return price_items(package.items.all(), package.consultancy)


def price_order(order: Order) -> OrderPrice:
    """The order's price; reads `order.lines.all()` (prefetch it for a list)."""
    return price_items(order.lines.all(), order.consultancy)
