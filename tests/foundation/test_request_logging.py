"""Logs as JSON lines (samla/logging.py): the request's id, host, tenant schema and user id
on every line logged during a request; never a password, a token or the request's body."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest

from samla.logging import JsonFormatter, RequestContextFilter
from tests.conftest import client_for, host_of


@pytest.fixture
def json_log() -> Iterator[StringIO]:
    """The access logger's records, formatted as in production (LOG_FORMAT=json)."""
    stream = StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestContextFilter())
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("samla.request")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield stream
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def lines(stream: StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_a_request_logs_one_json_line_with_its_context(json_log, nordre_land, leader_a) -> None:
    client = client_for(host_of(nordre_land), leader_a)
    response = client.get("/", HTTP_X_REQUEST_ID="abc12345-from-the-proxy")
    assert response["X-Request-ID"] == "abc12345-from-the-proxy"
    [entry] = lines(json_log)
    assert entry["request_id"] == "abc12345-from-the-proxy"
    assert entry["host"] == host_of(nordre_land)
    assert entry["tenant_schema"] == nordre_land.schema_name
    assert entry["user_id"] == leader_a.pk
    assert entry["level"] == "INFO" and entry["logger"] == "samla.request"
    assert entry["message"].startswith(f"GET / {response.status_code} ")


def test_a_request_without_an_id_gets_a_new_one(json_log, nordre_land) -> None:
    client = client_for(host_of(nordre_land))
    first = client.get("/", HTTP_X_REQUEST_ID="has spaces: free text")
    second = client.get("/")
    ids = [first["X-Request-ID"], second["X-Request-ID"]]
    assert len(set(ids)) == 2 and all(len(i) == 32 for i in ids)
    assert [entry["request_id"] for entry in lines(json_log)] == ids
    assert all(entry["user_id"] is None for entry in lines(json_log))


def test_passwords_tokens_and_the_body_never_reach_the_log(json_log, nordre_land) -> None:
    client = client_for(host_of(nordre_land))
    client.post(
        "/accounts/login/?next=/&token=query-secret-1",
        {"username": "leder.nordre-land", "password": "hemmelig-passord-42"},
        HTTP_AUTHORIZATION="Token bearer-secret-99",
    )
    client.get("/api/", HTTP_AUTHORIZATION="Token bearer-secret-99")
    text = json_log.getvalue()
    assert len(lines(json_log)) == 2
    for secret in ("hemmelig-passord-42", "bearer-secret-99", "query-secret-1", "leder.nordre"):
        assert secret not in text


def test_outside_a_request_the_fields_are_empty() -> None:
    record = logging.LogRecord("x", logging.WARNING, __file__, 1, "%s", ("ok",), None)
    RequestContextFilter().filter(record)
    entry = json.loads(JsonFormatter().format(record))
    assert entry["message"] == "ok"
    assert [entry[k] for k in ("request_id", "host", "tenant_schema", "user_id")] == [None] * 4
