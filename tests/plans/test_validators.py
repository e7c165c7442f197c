"""Norwegian national identity numbers are recognised in text, ordinary numbers are not
(`samla.textrules`, re-exported for plans by `tenants.plans.validators`)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from samla.textrules import contains_national_id, is_national_id, validate_no_national_id


def national_id(birth: str, first_individual: int = 123) -> str:
    """A number with valid check digits (computed here independently of the validator)."""
    w1, w2 = (3, 7, 6, 1, 8, 9, 4, 5, 2), (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
    for individual in range(first_individual, 1000):
        digits = f"{birth}{individual:03d}"
        k1 = 11 - sum(int(d) * w for d, w in zip(digits, w1, strict=True)) % 11
        k1 = 0 if k1 == 11 else k1
        if k1 == 10:
            continue
        k2 = 11 - sum(int(d) * w for d, w in zip(digits + str(k1), w2, strict=True)) % 11
        k2 = 0 if k2 == 11 else k2
        if k2 == 10:
            continue
        return f"{digits}{k1}{k2}"
    raise AssertionError("no number")


FNR = national_id("150312")  # born 15 March 2012
D_NUMBER = national_id("550312")  # D-number: day + 40
H_NUMBER = national_id("154312")  # H-number: month + 40
SYNTHETIC = national_id("158312")  # the Tax Administration's synthetic test number: month + 80
SYNTHETIC_D_NUMBER = national_id("558312")


def test_valid_numbers_are_recognised() -> None:
    for number in (FNR, D_NUMBER, H_NUMBER, SYNTHETIC, SYNTHETIC_D_NUMBER):
        assert is_national_id(number), number


def test_the_plans_path_still_names_the_same_validators() -> None:
    """Migrations refer to the validators by their plans path; they must stay the same objects."""
    from samla import textrules
    from tenants.plans import validators

    assert validators.validate_no_national_id is textrules.validate_no_national_id
    assert validators.validate_printable is textrules.validate_printable


@pytest.mark.parametrize(
    "text",
    [
        f"Gjelder barnet {FNR}.",
        f"fnr: {FNR[:6]} {FNR[6:]}",
        f"fnr {FNR[:6]}-{FNR[6:]}",
        f"D-nr {D_NUMBER}",
        f"H-nr {H_NUMBER[:6]}.{H_NUMBER[6:]}",
        f"testperson {SYNTHETIC}",
        f"<p>{FNR}</p>",
    ],
)
def test_text_with_an_identity_number_is_refused(text: str) -> None:
    assert contains_national_id(text)
    with pytest.raises(ValidationError) as raised:
        validate_no_national_id(text)
    assert "fødselsnummer" in raised.value.messages[0]


def test_a_list_of_texts_is_checked_item_by_item() -> None:
    with pytest.raises(ValidationError):
        validate_no_national_id(["Rådmann", f"Elev {FNR}"])


@pytest.mark.parametrize(
    "text",
    [
        "Organisasjonsnummer 964950768",
        "Telefon 61 11 60 00, saksnr. 2018/112",
        f"{FNR[:-1]}{(int(FNR[-1]) + 1) % 10}",  # a wrong second check digit
        f"1{FNR}",  # twelve digits is not an identity number
        "Beløp 150 000 kr i 2017–2018",
        "31129912345",  # no valid check digits
        national_id("300212"),  # 30 February is no date
        national_id("159312"),  # month 93: no kind of identity number
        "",
    ],
)
def test_ordinary_text_and_numbers_pass(text: str) -> None:
    assert not contains_national_id(text)
    validate_no_national_id(text)


def test_control_characters_are_refused_but_tabs_and_line_breaks_are_text() -> None:
    from samla.textrules import validate_printable

    validate_printable("Linje 1\nLinje 2\r\n\tinnrykk, «sitat» og æøå ŋ")
    validate_printable(["ok", "også ok"])
    for bad in ("a\x0bb", "\x1b[31m", ["ok", "bjelle\x07"], "slett\x7f"):
        with pytest.raises(ValidationError, match="kontrolltegn"):
            validate_printable(bad)
