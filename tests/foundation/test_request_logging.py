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
from samla.tasks import municipality_task, run_for_municipality
from tests.conftest import PUBLIC_HOST, client_for, host_of


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
    fields = ("request_id", "host", "tenant_schema", "user_id", "task_name", "task_id")
    assert [entry[k] for k in fields] == [None] * 6


@pytest.fixture
def json_records() -> Iterator[StringIO]:
    """Every record (the root logger's), formatted as in production."""
    stream = StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestContextFilter())
    handler.setFormatter(JsonFormatter())
    loggers = [logging.getLogger(), logging.getLogger("samla.request")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.INFO)
    loggers[0].addHandler(handler)
    try:
        yield stream
    finally:
        loggers[0].removeHandler(handler)
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


@municipality_task(name="tests.logs_a_line")
def logs_a_line(schema_name: str) -> str:
    logging.getLogger("samla.tests").warning("inside the task")
    return "ok"


def test_a_task_line_carries_the_task_and_its_schema(json_records, nesseby) -> None:
    run_for_municipality(nesseby, logs_a_line)
    [entry] = [e for e in lines(json_records) if e["message"] == "inside the task"]
    assert entry["task_name"] == "tests.logs_a_line"
    assert len(entry["task_id"]) == 36
    assert entry["tenant_schema"] == "nesseby"
    assert entry["request_id"] is None and entry["user_id"] is None
    # and outside the task, nothing of it remains
    logging.getLogger("samla.tests").warning("after")
    [after] = [e for e in lines(json_records) if e["message"] == "after"]
    assert after["task_name"] is None and after["tenant_schema"] is None


def test_codes_in_the_path_never_reach_the_log(json_records) -> None:
    client = client_for(PUBLIC_HOST)
    for path in ("/svar/HEMMELIGKODE7/", "/evaluering/HEMMELIGKODE8/"):
        response = client.get(path)
        assert response.status_code in (404, 429)
    text = json_records.getvalue()
    assert "HEMMELIGKODE" not in text
    access = [e["message"] for e in lines(json_records) if e["logger"] == "samla.request"]
    assert access[0].startswith("GET /svar/<code>/ ")
    assert access[1].startswith("GET /evaluering/<code>/ ")
    # Django's own "Not Found: <path>" line is masked the same way
    assert any(e["message"] == "Not Found: /svar/<code>/" for e in lines(json_records))


def test_every_request_line_has_the_user_on_the_public_host(json_log, leader_a) -> None:
    client_for(PUBLIC_HOST, leader_a).get("/healthz")
    [entry] = lines(json_log)
    assert entry["user_id"] == leader_a.pk
    assert entry["host"] == PUBLIC_HOST and entry["tenant_schema"] == "public"
