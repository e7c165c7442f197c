"""Valid Norwegian numbers for tests, checked by python-stdnum rather than computed here."""

from __future__ import annotations

import secrets

from stdnum.no import orgnr


def org_number(first_eight: str | None = None) -> str:
    """A valid organisation number: `first_eight` and its check digit, or a random one.

    Raises ValueError for eight digits that no check digit completes (MOD11 remainder 1).
    """
    if first_eight is None:
        while True:
            first_eight = "9" + "".join(secrets.choice("0123456789") for _ in range(7))
            if any(orgnr.is_valid(first_eight + digit) for digit in "0123456789"):
                break
    for digit in "0123456789":
        if orgnr.is_valid(first_eight + digit):
            return first_eight + digit
    raise ValueError(f"no organisation number starts with {first_eight}")
