"""Keep Wagtail's own API out of Samla's OpenAPI schema.

Wagtail's admin serves a DRF API for its choosers (`/cms/api/main/...`); it is Wagtail's
contract, not Samla's, and so is its public API v2 (`/api/cms/v2/...`, cms/api.py): so
drf-spectacular does not document it (and the fuzzer, which
reads the schema, does not call it).
"""

from __future__ import annotations

from typing import Any

WAGTAIL_PREFIXES = ("/cms/", "/api/cms/")


def exclude_wagtail_endpoints(endpoints: list[Any], **kwargs: Any) -> list[Any]:
    """drf-spectacular preprocessing hook: every endpoint not under Wagtail's prefixes."""
    return [endpoint for endpoint in endpoints if not endpoint[0].startswith(WAGTAIL_PREFIXES)]
