"""Every route of both URL maps, with a sample path that reaches it.

Isolation tests walk these, so a new route is covered without anyone adding it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver, resolve
from rest_framework.views import APIView

SAMPLE_VALUES = {"format": "json"}
GUESSED_ID = "987654"
_GROUP = re.compile(r"\(\?P<(\w+)>[^)]*\)")
_CONVERTER = re.compile(r"<(?:(\w+):)?(\w+)>")
# Unnamed groups in third-party regex routes (Wagtail's document and page serving).
_UNNAMED = {r"(\d+)": GUESSED_ID, "(.*)": "x", r"((?:[\w\-]+/)*)": ""}


@dataclass(frozen=True)
class Route:
    urlconf: str
    path: str
    name: str | None
    callback: Any

    @property
    def is_api(self) -> bool:
        cls = getattr(self.callback, "cls", None)
        return isinstance(cls, type) and issubclass(cls, APIView)

    @property
    def is_open(self) -> bool:
        return bool(getattr(self.callback, "samla_open", False))

    @property
    def has_id(self) -> bool:
        return GUESSED_ID in self.path


def _sample(piece: str) -> str:
    if piece.startswith("^") or piece.endswith("$") or "(?P<" in piece or "\\" in piece:
        piece = _GROUP.sub(lambda m: SAMPLE_VALUES.get(m.group(1), GUESSED_ID), piece)
        for group, sample in _UNNAMED.items():
            piece = piece.replace(group, sample)
        piece = piece.lstrip("^").rstrip("$").replace("\\Z", "").replace("/?", "/")
        return piece.replace("\\.", ".").replace("\\", "")
    converters = {"int": GUESSED_ID, "path": "x", "uuid": "00000000-0000-0000-0000-000000000000"}
    return _CONVERTER.sub(
        lambda m: SAMPLE_VALUES.get(m.group(2), converters.get(m.group(1) or "str", GUESSED_ID)),
        piece,
    )


def _walk(patterns: list[Any], prefix: str, urlconf: str) -> list[Route]:
    routes = []
    for entry in patterns:
        piece = _sample(str(entry.pattern))
        if isinstance(entry, URLResolver):
            routes += _walk(entry.url_patterns, prefix + piece, urlconf)
        elif isinstance(entry, URLPattern):
            routes.append(Route(urlconf, "/" + prefix + piece, entry.name, entry.callback))
    return routes


def routes_of(urlconf: str) -> list[Route]:
    """Every route of the URL map; fails if a sample path does not resolve to its view."""
    routes = _walk(get_resolver(urlconf).url_patterns, "", urlconf)
    for route in routes:
        match = resolve(route.path, urlconf)
        assert match.func == route.callback, f"sample {route.path} does not reach {route.name}"
    return routes
