"""The price fields a priced line shows in the API: one declaration for package items and
order lines (quantity, unit price, VAT rate, net, VAT and gross, as `billing.pricing`
computes them)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from billing import pricing

# The fields every priced line serializer lists, in this order, after its own leading ones.
PRICE_FIELDS = ["quantity", "unit", "unit_price", "vat", "vat_rate"]
TOTAL_FIELDS = ["net", "vat_amount", "gross"]


def money() -> serializers.DecimalField:
    """A read-only amount in kroner with øre."""
    return serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)


class PricedLineSerializer(serializers.ModelSerializer[Any]):
    """A line with a price; a subclass says how to find the line's `pricing.LinePrice`."""

    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    quantity = serializers.DecimalField(max_digits=12, decimal_places=4, read_only=True)
    unit_price = serializers.DecimalField(
        max_digits=12, decimal_places=2, read_only=True, help_text=gettext_lazy("NOK eks. mva")
    )
    vat_rate = serializers.SerializerMethodField(help_text=gettext_lazy("Mva-sats i prosent"))
    net = serializers.SerializerMethodField(help_text=gettext_lazy("Antall × enhetspris, eks. mva"))
    vat_amount = serializers.SerializerMethodField(help_text=gettext_lazy("Linjens mva"))
    gross = serializers.SerializerMethodField(help_text=gettext_lazy("Linjens beløp inkl. mva"))

    def line_price(self, line: Any) -> pricing.LinePrice[Any]:
        raise NotImplementedError

    @extend_schema_field(money())
    def get_vat_rate(self, line: Any) -> str:
        return f"{self.line_price(line).category.rate:.2f}"

    @extend_schema_field(money())
    def get_net(self, line: Any) -> str:
        return f"{self.line_price(line).net:.2f}"

    @extend_schema_field(money())
    def get_vat_amount(self, line: Any) -> str:
        return f"{self.line_price(line).vat:.2f}"

    @extend_schema_field(money())
    def get_gross(self, line: Any) -> str:
        return f"{self.line_price(line).gross:.2f}"
