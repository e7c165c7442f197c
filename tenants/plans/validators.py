"""The text rules plans apply, kept importable here for the migrations that name them.

The rules live in `samla.textrules` (shared by every app). Migrations 0001 and 0003 refer
to `tenants.plans.validators.validate_no_national_id` and `validate_printable` by import
path; these names are the same function objects, so `makemigrations` sees no change.
"""

from __future__ import annotations

from samla.textrules import (
    CONTROL_MESSAGE,
    NATIONAL_ID_MESSAGE,
    contains_control_characters,
    contains_national_id,
    is_national_id,
    validate_no_national_id,
    validate_printable,
)

__all__ = [
    "CONTROL_MESSAGE",
    "NATIONAL_ID_MESSAGE",
    "contains_control_characters",
    "contains_national_id",
    "is_national_id",
    "validate_no_national_id",
    "validate_printable",
]
