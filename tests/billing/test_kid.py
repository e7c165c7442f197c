"""KID numbers (MOD10 and MOD11 by python-stdnum), bank accounts and organisation numbers."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from stdnum import luhn
from stdnum.no import kontonr

from billing.kid import KidMethod, make_kid, validate_account, validate_kid, validate_org_number


def test_a_mod10_kid_is_prefix_padded_invoice_number_and_a_luhn_digit():
    kid = make_kid(42, prefix="17")
    assert kid == "170000042" + luhn.calc_check_digit("170000042")
    assert luhn.is_valid(kid)
    assert validate_kid(kid, KidMethod.MOD10) == kid
    assert make_kid(1234567890, width=0) == "12345678903"  # the textbook Luhn example


def test_the_same_invoice_always_gets_the_same_kid():
    assert make_kid(7, prefix="3") == make_kid("7", prefix="3") == make_kid(" 0007 ", prefix="3")


@pytest.mark.parametrize(
    "payload", ["8601111794", "1234567890", "9999999999", "1000000000", "5432198760"]
)
def test_a_mod11_kid_agrees_with_stdnums_norwegian_account_check(payload):
    """A Norwegian account number's last digit is the same MOD11 (weights 2–7 from the
    right) over its first ten digits: kontonr is an independent check of ours."""
    kid = make_kid(payload, width=10, method=KidMethod.MOD11)
    if kid.endswith("-"):
        assert not any(kontonr.is_valid(payload + digit) for digit in "0123456789")
    else:
        assert kontonr.is_valid(kid)
    assert validate_kid(kid, KidMethod.MOD11) == kid


def test_a_mod11_remainder_of_ten_is_written_as_a_dash():
    # Find an invoice number whose MOD11 digit is 10: the KID ends in "-" and validates.
    kid = next(k for n in range(1, 200) if (k := make_kid(n, method=KidMethod.MOD11)).endswith("-"))
    assert validate_kid(kid, KidMethod.MOD11) == kid
    with pytest.raises(ValidationError):
        validate_kid(kid, KidMethod.MOD10)


def test_a_wrong_check_digit_is_refused_by_either_method():
    kid = make_kid(42, prefix="17")
    wrong = kid[:-1] + str((int(kid[-1]) + 1) % 10)
    with pytest.raises(ValidationError) as caught:
        validate_kid(wrong, KidMethod.MOD10)
    assert caught.value.code == "kid_checksum"
    assert "kontrollsifferet" in caught.value.messages[0]
    mod11 = make_kid(42, method=KidMethod.MOD11)
    if not mod11.endswith("-"):
        bad = mod11[:-1] + str((int(mod11[-1]) + 1) % 10)
        with pytest.raises(ValidationError):
            validate_kid(bad, KidMethod.MOD11)


@pytest.mark.parametrize("kid", ["", "1", "12a4", "1-34", "1" * 26, "１２３"])
def test_malformed_kids_are_refused(kid):
    with pytest.raises(ValidationError) as caught:
        validate_kid(kid)
    assert caught.value.code in {"kid_format", "kid_checksum"}


@pytest.mark.parametrize(
    ("number", "prefix"), [("12-3", ""), ("abc", ""), ("5", "1x"), ("1" * 25, "")]
)
def test_kids_are_made_only_from_digits_and_fit_25(number, prefix):
    with pytest.raises(ValidationError):
        make_kid(number, prefix=prefix)


def test_accounts_are_checked_by_stdnum():
    assert validate_account("8601.11.17947") == "86011117947"
    assert validate_account("NO93 8601 1117 947") == "NO9386011117947"
    for bad in ("86011117948", "8601111794", "1234567", "NO94 8601 1117 947", ""):
        with pytest.raises(ValidationError) as caught:
            validate_account(bad)
        assert caught.value.code == "account_number"


def test_organisation_numbers_are_checked_by_the_tenants_rule():
    validate_org_number("964950768")
    with pytest.raises(ValidationError) as caught:
        validate_org_number("964950769")
    assert caught.value.code == "org_number_checksum"
