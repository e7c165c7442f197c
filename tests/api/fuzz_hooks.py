"""Schemathesis hooks for the fuzz run (loaded by file path through SCHEMATHESIS_HOOKS).

It runs inside the schemathesis process, not pytest's, and talks to the test only through
files and environment variables:

- every response's status is appended to the file named by SAMLA_FUZZ_RECORD, one
  `METHOD /path/{param}/<TAB>status` line each, so the test can tell which operations never
  answered 2xx across all runs of a host;
- SAMLA_FUZZ_EXAMPLES (JSON: operation label → list of cases with `body`, `path_parameters`,
  `query`) adds requests the examples phase sends first, for the few operations no
  generated input can pass (the token endpoint needs a real user name and password).
"""

from __future__ import annotations

import json
import os
import threading
from typing import Any

import schemathesis

_lock = threading.Lock()


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
        examples.append(operation.Case(media_type="application/json", **spec))
