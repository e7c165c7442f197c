"""Checks a request the SDK sent and the fake's answer against Stripe's OpenAPI description.

The description is a trimmed copy of Stripe's `openapi/spec3.json` (the operations the fake
serves and the schemas they name; see the file's `info.x-samla-trimmed` for the commit it
was cut from and what was left out). It is data fetched from github.com/stripe/openapi and
lives beside the EHF rules in the project's shared folder (`../shared/stripe/`; the
workplace's rules keep data fetched from a public repository there, never in the
project's commits), found through `SAMLA_STRIPE_OPENAPI` or that folder.

To make it again: fetch `github:stripe/openapi` with the search tool's `fetch` (a bare git
directory), write out the description (`git --git-dir=<it> show <commit>:openapi/spec3.json
> spec3.json`; snapshots lack files of 4 MiB and more, so take the newest commit whose
`spec3.json`, or `spec3.yaml` with `--source-path openapi/spec3.yaml`, is there), and run
`.venv/bin/python -m tests.billing.stripe_fake.trim_openapi spec3.json
../shared/stripe/openapi-trimmed.json --commit <commit>` (it keeps the operations the
fake's router serves and the schemas they reference).

OpenAPI 3.0's `nullable` is rewritten for JSON Schema; a form-encoded request (all strings)
is read with the types its schema declares (`"30"` as an integer where one is expected)
before it is checked, as Stripe reads it.
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]

from tests.billing.stripe_fake import Recorded

ROOT = Path(__file__).resolve().parents[3]
TRIMMED = Path("shared") / "stripe" / "openapi-trimmed.json"
CANDIDATES = (
    Path(os.environ.get("SAMLA_STRIPE_OPENAPI", "/nonexistent")),
    # The shared folder beside this checkout, or beside any folder above it …
    *(folder / TRIMMED for folder in ROOT.parents),
    # … or this workplace's own, for a checkout made elsewhere (CI's fresh clone).
    Path("/work") / TRIMMED,
)


def spec_path() -> Path | None:
    return next((path for path in CANDIDATES if path.is_file()), None)


@cache
def spec() -> dict[str, Any]:
    path = spec_path()
    if path is None:
        raise FileNotFoundError("Stripe's trimmed OpenAPI description is not found")
    return json.loads(path.read_text())


def _json_schema(node: Any) -> Any:
    """OpenAPI 3.0 → JSON Schema: `nullable` becomes a `null` alternative."""
    if isinstance(node, list):
        return [_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {
        key: _json_schema(value)
        for key, value in node.items()
        if key not in ("nullable", "format") and not key.startswith("x-")
    }
    if key_props := node.get("properties"):
        converted["properties"] = {k: _json_schema(v) for k, v in key_props.items()}
    if node.get("nullable"):
        return {"anyOf": [converted, {"type": "null"}]}
    return converted


@cache
def _components() -> dict[str, Any]:
    return {"schemas": _json_schema(spec()["components"]["schemas"])}


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        schema = _components()["schemas"][name]
    return schema


def _validator(schema: dict[str, Any]) -> jsonschema.Draft7Validator:
    return jsonschema.Draft7Validator({**schema, "components": _components()})


def _coerce(value: Any, schema: dict[str, Any]) -> Any:
    """A form value read as the schema's type; left as it is where no type fits."""
    schema = _resolve(schema)
    for branch in schema.get("anyOf", []):
        candidate = _coerce(value, branch)
        if _validator(branch).is_valid(candidate):
            return candidate
    kind = schema.get("type")
    if isinstance(value, str):
        if kind == "integer" and value.lstrip("-").isdigit():
            return int(value)
        if kind == "boolean" and value in ("true", "false"):
            return value == "true"
        if kind == "number":
            try:
                return float(value)
            except ValueError:
                return value
    if isinstance(value, dict) and kind == "object":
        properties = schema.get("properties", {})
        extra = schema.get("additionalProperties")
        return {
            k: _coerce(v, properties.get(k) or (extra if isinstance(extra, dict) else {}))
            for k, v in value.items()
        }
    if isinstance(value, list) and kind == "array":
        return [_coerce(item, schema.get("items", {})) for item in value]
    return value


def _operation(recorded: Recorded) -> dict[str, Any]:
    path, method = recorded.operation
    return _json_schema(spec()["paths"][path][method])


def _errors(validator: jsonschema.Draft7Validator, instance: Any) -> list[str]:
    return [
        f"{'/'.join(str(p) for p in error.absolute_path) or '(root)'}: {error.message}"
        for error in validator.iter_errors(instance)
    ]


def request_errors(recorded: Recorded) -> list[str]:
    """What in the request's parameters Stripe's description does not allow."""
    operation = _operation(recorded)
    if recorded.method == "POST":
        schema = operation["requestBody"]["content"]["application/x-www-form-urlencoded"]["schema"]
        return _errors(_validator(schema), _coerce(recorded.params, schema))
    allowed = {
        p["name"]: p["schema"] for p in operation.get("parameters", []) if p["in"] == "query"
    }
    errors = [f"{name}: not a query parameter" for name in recorded.params if name not in allowed]
    for name, value in recorded.params.items():
        if name in allowed:
            errors += [
                f"{name}: {e}"
                for e in _errors(_validator(allowed[name]), _coerce(value, allowed[name]))
            ]
    return errors


def response_errors(recorded: Recorded) -> list[str]:
    """What in the fake's answer does not match the operation's response schema."""
    responses = _operation(recorded)["responses"]
    answer = responses.get(str(recorded.status)) or responses["default"]
    schema = answer["content"]["application/json"]["schema"]
    return _errors(_validator(schema), recorded.response)
