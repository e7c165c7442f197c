"""Rate limits for what anyone may try without an account: join and evaluation codes
(guessing) and evaluation submissions, counted per client address in the cache."""

from __future__ import annotations

from django.core.cache import cache
from django.http import HttpRequest

WINDOW_SECONDS = 10 * 60
# Wrong codes: generous for typos, hopeless for guessing 31^6 codes.
MAX_WRONG_CODES = 20
# Whole rooms share one address behind a venue's network: evaluations of 40 municipalities.
MAX_SUBMISSIONS = 300


def _key(kind: str, request: HttpRequest) -> str:
    return f"gatherings:{kind}:{request.META.get('REMOTE_ADDR', '')}"


def _count(kind: str, request: HttpRequest) -> int:
    return int(cache.get(_key(kind, request), 0))


def _add(kind: str, request: HttpRequest) -> None:
    key = _key(kind, request)
    if cache.add(key, 1, WINDOW_SECONDS):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, WINDOW_SECONDS)


def code_attempts_exhausted(request: HttpRequest) -> bool:
    return _count("wrong-code", request) >= MAX_WRONG_CODES


def record_wrong_code(request: HttpRequest) -> None:
    _add("wrong-code", request)


def submissions_exhausted(request: HttpRequest) -> bool:
    return _count("submission", request) >= MAX_SUBMISSIONS


def record_submission(request: HttpRequest) -> None:
    _add("submission", request)
