"""Cuts Stripe's OpenAPI description down to what the local fake serves.

`python -m tests.billing.stripe_fake.trim_openapi SPEC OUT --commit HASH` reads Stripe's
`openapi/spec3.json` (or its `spec3.yaml` twin) from a checkout or snapshot of
github.com/stripe/openapi and writes OUT (`../shared/stripe/openapi-trimmed.json`, where
`tests/billing/stripe_fake/openapi.py` looks for it) with:

- the operations the fake serves, found by asking the fake's own router
  (`FakeStripe._route`) about every operation of the description, so that there is no
  second list to keep in step with it;
- every component they reference, followed through `$ref`s until none is missing;
- `info.x-samla-trimmed`: where it was cut from (repository, path, `--commit`), the
  operations kept, and what was left out (the other operations, the unreferenced
  components and top-level sections).

The output is data fetched from a public repository: it lives in the workplace's shared
folder, never in the project's commits. This script is what may be committed.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tests.billing.stripe_fake import FakeStripe, StripeError

SOURCE = "github.com/stripe/openapi"
METHODS = ("get", "post", "delete")
# Top-level sections kept beside `info`, `paths` and `components`.
KEPT_SECTIONS = ("openapi", "security", "servers")
# A path parameter is filled in with this when the fake's router is asked about a path.
PROBE_ID = "samla_probe_1"
PLACEHOLDER = re.compile(r"\{[^}/]+\}")
REF_PREFIX = "#/components/"


def load(path: Path) -> dict[str, Any]:
    """The description from JSON, or from YAML (`.yaml`/`.yml`) read as JSON would be."""
    text = path.read_text(encoding="utf-8")
    if path.suffix in (".yaml", ".yml"):
        return _load_yaml(text)
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def _load_yaml(text: str) -> dict[str, Any]:
    # PyYAML comes with the dev dependencies (schemathesis); only needed for YAML input.
    import yaml

    class Loader(yaml.SafeLoader):
        """YAML 1.1 without its extra booleans (`no`, `off`) and dates: JSON's types only,
        so an unquoted enum value like `off` stays a string."""

    Loader.yaml_implicit_resolvers = {
        first: [
            (tag, regexp)
            for tag, regexp in resolvers
            if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")
        ]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    Loader.add_implicit_resolver(
        "tag:yaml.org,2002:bool",
        re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
        list("tTfF"),
    )
    loaded: dict[str, Any] = yaml.load(text, Loader=Loader)  # noqa: S506 (a SafeLoader)
    return loaded


def served_operations(spec: dict[str, Any]) -> list[tuple[str, str]]:
    """The description's (path, method) pairs that the fake routes to that same operation."""
    fake = FakeStripe()
    served = []
    for path, item in spec["paths"].items():
        concrete = PLACEHOLDER.sub(PROBE_ID, path)
        for method in METHODS:
            if method not in item:
                continue
            try:
                operation, _handler, _args = fake._route(method.upper(), concrete)
            except StripeError:
                continue
            if operation == (path, method):
                served.append((path, method))
    return served


def refs(node: Any) -> Iterator[str]:
    """Every `$ref` in a node, at any depth."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from refs(item)


def _component(ref: str) -> tuple[str, str]:
    """`#/components/schemas/invoice` → ("schemas", "invoice")."""
    if not ref.startswith(REF_PREFIX):
        raise ValueError(f"a reference outside #/components/: {ref}")
    section, _, name = ref.removeprefix(REF_PREFIX).partition("/")
    return section, name


def referenced_components(
    components: dict[str, dict[str, Any]], roots: list[Any]
) -> dict[str, set[str]]:
    """The components the roots reference, and those these reference, until none is new."""
    found: dict[str, set[str]] = {}
    pending = [ref for root in roots for ref in refs(root)]
    while pending:
        section, name = _component(pending.pop())
        if name in found.setdefault(section, set()):
            continue
        if name not in components.get(section, {}):
            raise KeyError(f"{REF_PREFIX}{section}/{name} is referenced but not described")
        found[section].add(name)
        pending.extend(refs(components[section][name]))
    return found


def trim(spec: dict[str, Any], *, commit: str, source_path: str) -> dict[str, Any]:
    """The description with only the fake's operations and what they reference."""
    served = served_operations(spec)
    if not served:
        raise ValueError("the fake serves none of the description's operations")
    paths: dict[str, dict[str, Any]] = {}
    for path, method in served:
        item = spec["paths"][path]
        kept = paths.setdefault(path, {k: v for k, v in item.items() if k not in METHODS})
        kept[method] = item[method]

    components: dict[str, dict[str, Any]] = spec.get("components", {})
    # Security schemes are small and named by `security`: kept whole.
    roots: list[Any] = [paths, components.get("securitySchemes", {})]
    used = referenced_components(components, roots)
    trimmed_components = {
        section: {name: components[section][name] for name in sorted(names)}
        for section, names in sorted(used.items())
    }
    if "securitySchemes" in components:
        trimmed_components["securitySchemes"] = components["securitySchemes"]

    left_out_operations = [
        f"{method.upper()} {path}"
        for path, item in spec["paths"].items()
        for method in item
        if method in METHODS and (path, method) not in served
    ]
    left_out_components = {
        section: sorted(set(entries) - used.get(section, set()))
        for section, entries in components.items()
        if section != "securitySchemes" and set(entries) - used.get(section, set())
    }
    kept_sections = {"info", "paths", "components", *KEPT_SECTIONS}
    info = dict(spec.get("info", {}))
    info["x-samla-trimmed"] = {
        "source": SOURCE,
        "path": source_path,
        "commit": commit,
        "made_by": "python -m tests.billing.stripe_fake.trim_openapi",
        "kept": {
            "operations": [f"{method.upper()} {path}" for path, method in served],
            "components": {section: len(names) for section, names in sorted(used.items())},
            "rule": "the operations the fake's router (FakeStripe._route) serves, and every "
            "component they reference, transitively",
        },
        "left_out": {
            "operations": left_out_operations,
            "components": left_out_components,
            "sections": sorted(set(spec) - kept_sections),
        },
    }
    trimmed: dict[str, Any] = {key: spec[key] for key in KEPT_SECTIONS if key in spec}
    trimmed.update(info=info, paths=paths, components=trimmed_components)
    return trimmed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.billing.stripe_fake.trim_openapi", description=__doc__.split("\n")[0]
    )
    parser.add_argument("spec", type=Path, help="Stripe's openapi/spec3.json (or .yaml)")
    parser.add_argument("out", type=Path, help="where the trimmed description is written")
    parser.add_argument(
        "--commit", required=True, help=f"the commit of {SOURCE} the description is from"
    )
    parser.add_argument(
        "--source-path",
        default="openapi/spec3.json",
        help="the description's path in that repository (default: openapi/spec3.json)",
    )
    args = parser.parse_args(argv)
    if not re.fullmatch(r"[0-9a-f]{7,40}", args.commit):
        parser.error(f"--commit: not a commit hash: {args.commit}")

    trimmed = trim(load(args.spec), commit=args.commit, source_path=args.source_path)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(trimmed, indent=1, ensure_ascii=False) + "\n", "utf-8")
    record = trimmed["info"]["x-samla-trimmed"]
    print(
        f"{args.out}: {len(record['kept']['operations'])} operations, "
        f"{sum(record['kept']['components'].values())} components "
        f"({args.out.stat().st_size:,} bytes) from {SOURCE}@{args.commit}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
