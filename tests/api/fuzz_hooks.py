"""Schemathesis hooks for the fuzz run (loaded by file path through SCHEMATHESIS_HOOKS).

It runs inside the schemathesis process, not pytest's, and talks to the test only through
files and environment variables:

- every response's status is appended to the file named by SAMLA_FUZZ_RECORD, one
  `METHOD /path/{param}/<TAB>status` line each, so the test can tell which operations never
  answered 2xx across all runs of a host;
- SAMLA_FUZZ_EXAMPLES (JSON: operation label → list of cases with `body`, `path_parameters`,
  `query`) adds requests the examples phase sends first, for the few operations no
  generated input can pass (the token endpoint needs a real user name and password);
- an update (PUT/PATCH) must name the version of the row it edits, which changes as the
  run edits rows: of every four updates, one re-saves the row as it is now (so each update
  operation can answer 2xx), two get the current version with their generated values, and
  one is sent as generated (stale versions, 409). The row is read with SAMLA_FUZZ_BASE_URL
  and SAMLA_FUZZ_HEADERS;
- an example whose body has `__samla_current_version_of__: <path>` gets the current
  `version` of the row at that path instead (an action such as `…/publish/`).
"""

from __future__ import annotations

import itertools
import json
import os
import threading
import urllib.request
from typing import Any

import schemathesis

_lock = threading.Lock()
_updates = itertools.count()


def _current_row(path: str) -> dict[str, Any] | None:
    """The row at `path` as a GET reads it now, or None."""
    base = os.environ.get("SAMLA_FUZZ_BASE_URL")
    if not base:
        return None
    headers = json.loads(os.environ.get("SAMLA_FUZZ_HEADERS") or "{}")
    request = urllib.request.Request(base + path, headers=headers)  # noqa: S310 - loopback
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            row = json.loads(response.read())
    except (OSError, ValueError):
        return None
    return row if isinstance(row, dict) else None


_copies = itertools.count(1)
# What a copied row may not send back: what the server sets, and the row's identity.
NOT_COPIED = {
    "id", "plan", "version", "created_at", "updated_at", "score", "snapshot",
    "submitted_at", "submitted_by", "indicator_value", "indicator_period",
}  # fmt: skip


def _first_row(path: str) -> dict[str, Any] | None:
    """The first row of the list at `path` as a GET reads it now, or None."""
    base = os.environ.get("SAMLA_FUZZ_BASE_URL")
    if not base:
        return None
    headers = json.loads(os.environ.get("SAMLA_FUZZ_HEADERS") or "{}")
    request = urllib.request.Request(base + path, headers=headers)  # noqa: S310 - loopback
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            rows = json.loads(response.read())
    except (OSError, ValueError):
        return None
    return rows[0] if isinstance(rows, list) and rows and isinstance(rows[0], dict) else None


def _copy_of(row: dict[str, Any]) -> dict[str, Any]:
    """A new row like `row`: without its identity, with a code of its own."""
    body = {key: value for key, value in row.items() if key not in NOT_COPIED}
    if "code" in body:
        body["code"] = f"F{os.getpid() % 1000}-{next(_copies)}"
    if isinstance(body.get("members"), list):
        body["members"] = [
            {k: v for k, v in member.items() if k != "id"}
            for member in body["members"]
            if isinstance(member, dict)
        ]
    return body


@schemathesis.hook
def before_call(context: Any, case: Any, kwargs: dict[str, Any]) -> None:
    # A create example that copies a row of the list (COPY in test_fuzz.py).
    if isinstance(case.body, dict) and case.body.get("__samla_copy__"):
        row = _first_row(case.formatted_path)
        if row is not None:
            case.body = _copy_of(row)
        return
    # An example action that must name the current version of a row (publishing a plan
    # template, say): the body names the row's path, the version is read just before.
    if isinstance(case.body, dict) and "__samla_current_version_of__" in case.body:
        body = dict(case.body)
        row = _current_row(body.pop("__samla_current_version_of__"))
        if row is not None and isinstance(row.get("version"), int):
            body["version"] = row["version"]
        case.body = body
        return
    if case.method.upper() not in ("PUT", "PATCH") or not isinstance(case.body, dict):
        return
    # An example the test asked to be a re-save of the row as it is (RESAVE in test_fuzz.py).
    turn = 0 if case.body.get("__samla_resave__") else next(_updates) % 4
    if turn == 3:
        return
    row = _current_row(case.formatted_path)
    if row is None:
        return
    if turn == 0:
        case.body = row  # a re-save, versioned or not
    elif isinstance(row.get("version"), int):
        case.body = {**case.body, "version": row["version"]}


@schemathesis.hook
def after_call(context: Any, case: Any, response: Any) -> None:
    record = os.environ.get("SAMLA_FUZZ_RECORD")
    if not record:
        return
    line = f"{case.operation.label}\t{response.status_code}\n"
    with _lock, open(record, "a", encoding="utf-8") as out:
        out.write(line)


@schemathesis.hook
def before_add_examples(context: Any, examples: list[Any]) -> None:
    extra = json.loads(os.environ.get("SAMLA_FUZZ_EXAMPLES") or "{}")
    operation = context.operation
    if operation is None:
        return
    for spec in extra.get(operation.label, []):
        media_type = "application/json" if "body" in spec else None
        examples.append(operation.Case(media_type=media_type, **spec))
