"""Money: øre-exact amounts, refused input, line rounding and EN 16931 totals."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from billing import money
from samla.formats import format_kroner


@pytest.mark.parametrize(
    ("given", "expected"),
    [("100", Decimal("100.00")), ("0.5", Decimal("0.50")), (Decimal("12.30"), Decimal("12.30")),
     (7, Decimal("7.00")), (" 1999.99 ", Decimal("1999.99")), ("12.3000", Decimal("12.30"))],
)  # fmt: skip
def test_amounts_are_two_decimal_decimals(given, expected):
    result = money.amount(given)
    assert result == expected
    assert result.as_tuple().exponent == -2


@pytest.mark.parametrize(
    ("given", "code"),
    [("0.005", "fractional_ore"), ("10.001", "fractional_ore"), (0.1, "float"),
     (True, "float"), ("ti kroner", "not_a_number"), ("NaN", "not_a_number"),
     ("Infinity", "not_a_number"), ("", "not_a_number"), ("1e30", "too_large"),
     ("-1e12", "too_large")],
)  # fmt: skip
def test_fractional_ore_floats_and_text_are_refused_in_norwegian(given, code):
    with pytest.raises(ValidationError) as caught:
        money.amount(given)
    assert caught.value.code == code
    message = caught.value.messages[0]
    assert any(word in message for word in ("øre", "flyttall", "tall", "for stort"))


def test_a_negative_unit_price_is_refused_and_zero_is_allowed():
    with pytest.raises(ValidationError) as caught:
        money.unit_price("-1.00")
    assert caught.value.code == "negative_price"
    assert "negativ" in caught.value.messages[0]
    assert money.unit_price("0") == Decimal("0.00")


@pytest.mark.parametrize(
    ("given", "code"),
    [
        ("0", "quantity_not_positive"),
        ("-2", "quantity_not_positive"),
        ("1.00001", "quantity_places"),
        ("1e30", "too_large"),
    ],
)
def test_quantities_are_positive_with_at_most_four_decimals(given, code):
    with pytest.raises(ValidationError) as caught:
        money.quantity(given)
    assert caught.value.code == code
    assert money.quantity("1.5") == Decimal("1.5")


@pytest.mark.parametrize(
    ("count", "price", "net"),
    [("1", "0.01", "0.01"), ("0.5", "0.01", "0.01"),  # 0.005 rounds half up to one øre
     ("0.5", "0.03", "0.02"),  # 0.015 -> 0.02, not banker's 0.02/0.01
     ("0.25", "0.10", "0.03"),  # 0.025 -> 0.03 (ROUND_HALF_EVEN would give 0.02)
     ("1.5", "3333.33", "5000.00"),  # 4999.995 -> 5000.00
     ("3", "18500.00", "55500.00"), ("0.3333", "1000.00", "333.30")],
)  # fmt: skip
def test_line_net_is_quantity_times_price_rounded_half_up(count, price, net):
    assert money.line_net(Decimal(count), Decimal(price)) == Decimal(net)


def test_vat_is_rounded_once_per_category_not_per_line():
    """Three lines of 0.02 at 25 %: per line 0.005 each would round to 0.01 × 3 = 0.03;
    EN 16931 takes the category's taxable 0.06 × 25 % = 0.015 -> 0.02 (BR-CO-17, BR-CO-14)."""
    lines = [(money.STANDARD, Decimal("0.02"))] * 3
    totals = money.compute_totals(lines)
    assert totals.line_total == Decimal("0.06")
    assert totals.vat_total == Decimal("0.02")
    assert totals.tax_inclusive == totals.payable == Decimal("0.08")


def test_many_lines_sum_exactly():
    """1 000 lines of 0.1 day × 333.33: each 33.333 -> 33.33; the sum has no drift."""
    nets = [money.line_net(Decimal("0.1"), Decimal("333.33")) for _ in range(1000)]
    totals = money.compute_totals((money.STANDARD, net) for net in nets)
    assert totals.line_total == Decimal("33330.00")
    assert totals.vat_total == Decimal("8332.50")
    assert totals.payable == Decimal("41662.50")


def test_exempt_and_standard_lines_make_two_breakdowns_and_the_totals_add_up():
    lines = [
        (money.EXEMPT_EDUCATION, Decimal("37000.00")),
        (money.STANDARD, Decimal("57000.00")),
        (money.EXEMPT_EDUCATION, Decimal("18500.00")),
        (money.STANDARD, Decimal("12000.10")),
    ]
    totals = money.compute_totals(lines)
    exempt, standard = totals.breakdown
    assert (exempt.category.code, exempt.taxable) == ("E", Decimal("55500.00"))
    assert exempt.vat == Decimal("0.00")
    assert (standard.category.code, standard.taxable) == ("S", Decimal("69000.10"))
    assert standard.vat == Decimal("17250.03")  # 17250.025 half up
    # BR-CO-10: lines; BR-CO-14: VAT = sum of categories; BR-CO-15: with VAT = net + VAT.
    assert totals.line_total == sum(net for _, net in lines)
    assert totals.vat_total == sum(row.vat for row in totals.breakdown)
    assert totals.tax_inclusive == Decimal("124500.10") + Decimal("17250.03")


def test_two_exemption_reasons_on_one_document_are_refused():
    """EN 16931 allows one exempt breakdown per document (BR-E-01), with one reason."""
    other = money.exempt("Unntatt etter merverdiavgiftsloven § 3-2 (helse)")
    with pytest.raises(ValidationError) as caught:
        money.compute_totals([(money.EXEMPT_EDUCATION, Decimal("1.00")), (other, Decimal("2"))])
    assert caught.value.code == "exemption_reasons_differ"
    assert "samme fritaksgrunn" in caught.value.messages[0]
    assert money.exempt().exemption_reason == money.GENERIC_EXEMPTION_REASON
    same = money.exempt(money.EDUCATION_EXEMPTION_REASON)
    totals = money.compute_totals([(money.EXEMPT_EDUCATION, Decimal("1.00")), (same, Decimal(2))])
    assert len(totals.breakdown) == 1


@pytest.mark.parametrize(
    ("code", "rate", "reason"),
    [("S", "0", ""), ("E", "25", "Unntatt"), ("E", "0", "  "), ("O", "0", ""), ("Z", "0", "x")],
)
def test_inconsistent_vat_categories_are_refused(code, rate, reason):
    with pytest.raises(ValidationError):
        money.VatCategory(code, Decimal(rate), reason)


def test_amounts_are_shown_through_format_kroner():
    totals = money.compute_totals([(money.STANDARD, Decimal("1234567.00"))])
    assert format_kroner(totals.payable) == "1\xa0543\xa0208,75\xa0kr"
