"""Check an EHF document against OpenPeppol's rules for BIS Billing 3.0.

The rules are the Schematron files OpenPeppol ships (release 3.0.19), vendored in
`rules/`: `PEPPOL-EN16931-UBL.sch` (Peppol's and Norway's NO-R-* rules) and
`CEN-EN16931-UBL.sch` (EN 16931). SchXslt (`rules/schxslt/`) compiles each to XSLT with
Saxon (`saxonche`); the XSLT is cached on disk under a name made of the digest of the rules
and the compiler, so a changed rule file compiles again and an unchanged one never does,
and the compiled stylesheets are kept in memory for the life of the process. Production
validates every document before it is sent; `assert_valid` raises on a fatal failure.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

RULES_DIR = Path(__file__).resolve().parent / "rules"
RULE_FILES = ("PEPPOL-EN16931-UBL.sch", "CEN-EN16931-UBL.sch")
PIPELINE = RULES_DIR / "schxslt" / "pipeline-for-svrl.xsl"
SVRL = "http://purl.oclc.org/dsdl/svrl"
UBL_ROOTS = {
    "{urn:oasis:names:specification:ubl:schema:xsd:Invoice-2}Invoice",
    "{urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2}CreditNote",
}


def cache_dir() -> Path:
    return Path(tempfile.gettempdir()) / "samla-ehf"


@dataclass(frozen=True)
class RuleFailure:
    """A rule the document broke: its id (e.g. BR-CO-15), flag (fatal or warning), text."""

    id: str
    flag: str
    text: str
    location: str = ""

    @property
    def fatal(self) -> bool:
        return self.flag == "fatal"


class EhfInvalid(Exception):
    """A document failed one or more fatal rules; `failures` names them."""

    def __init__(self, failures: list[RuleFailure]) -> None:
        self.failures = failures
        super().__init__(
            "EHF-dokumentet bryter Peppol-reglene: "
            + "; ".join(f"{f.id}: {f.text}" for f in failures)
        )


_lock = threading.Lock()
_state: dict[str, Any] = {}


def _compiler_digest() -> str:
    digest = hashlib.sha256()
    for path in sorted((RULES_DIR / "schxslt").rglob("*.xsl")):
        digest.update(path.relative_to(RULES_DIR).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def compiled_path(processor: Any, rules: str) -> Path:
    """The rules compiled to XSLT, from the disk cache or compiled now (and cached)."""
    source = RULES_DIR / rules
    digest = hashlib.sha256(source.read_bytes() + _compiler_digest().encode()).hexdigest()
    target = cache_dir() / f"{digest[:16]}-{Path(rules).stem}.xsl"
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        compiler = processor.new_xslt30_processor().compile_stylesheet(
            stylesheet_file=str(PIPELINE)
        )
        xslt = compiler.transform_to_string(source_file=str(source))
        # Written beside and renamed: a second process compiling at once never reads half.
        handle, scratch = tempfile.mkstemp(dir=target.parent, suffix=".part")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(xslt)
        os.replace(scratch, target)
    return target


def _validators() -> tuple[Any, list[Any]]:
    if "validators" not in _state:
        from saxonche import PySaxonProcessor

        processor = PySaxonProcessor(license=False)
        xslt = processor.new_xslt30_processor()
        _state["processor"] = processor
        _state["validators"] = [
            xslt.compile_stylesheet(stylesheet_file=str(compiled_path(processor, rules)))
            for rules in RULE_FILES
        ]
    return _state["processor"], _state["validators"]


def validate(xml: bytes | str) -> list[RuleFailure]:
    """Every rule the document fails, fatal and warnings, in the rules' order."""
    data = xml.encode("utf-8") if isinstance(xml, str) else xml
    try:
        root = etree.fromstring(data, parser=etree.XMLParser(resolve_entities=False))
    except etree.XMLSyntaxError as error:
        return [RuleFailure("XML", "fatal", f"Ikke et lesbart XML-dokument: {error}")]
    if root.tag not in UBL_ROOTS:
        text = "Rotelementet er ikke en UBL Invoice eller CreditNote."
        return [RuleFailure("ROOT", "fatal", text)]
    failures: list[RuleFailure] = []
    with _lock:
        processor, validators = _validators()
        # Handed over as text lxml has already decoded, whatever encoding the bytes declared.
        node = processor.parse_xml(xml_text=etree.tostring(root, encoding="unicode"))
        reports = [validator.transform_to_string(xdm_node=node) for validator in validators]
    for report in reports:
        failures.extend(_failures(report))
    return failures


def _failures(report: str) -> list[RuleFailure]:
    svrl = etree.fromstring(report.encode("utf-8"))
    found = []
    for element in svrl.iter(f"{{{SVRL}}}failed-assert", f"{{{SVRL}}}successful-report"):
        text = " ".join("".join(element.findtext(f"{{{SVRL}}}text") or "").split())
        found.append(
            RuleFailure(
                id=element.get("id", ""),
                flag=element.get("flag", "fatal"),
                text=text,
                location=element.get("location", ""),
            )
        )
    return found


def fatal_failures(xml: bytes | str) -> list[RuleFailure]:
    return [failure for failure in validate(xml) if failure.fatal]


def assert_valid(xml: bytes | str) -> list[RuleFailure]:
    """Raise `EhfInvalid` naming the fatal failures; return the warnings otherwise."""
    failures = validate(xml)
    fatal = [failure for failure in failures if failure.fatal]
    if fatal:
        raise EhfInvalid(fatal)
    return failures
