"""One diagnostic type and its renderers: text, JSON, GitHub annotations, SARIF."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """A problem found in a corpus file, at a 1-based line and column."""

    file: str
    line: int
    column: int
    code: str
    severity: Severity
    message: str
    hint: str | None = None

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.file, self.line, self.column, self.code, self.message)

    def to_dict(self) -> dict[str, object]:
        d = asdict(self)
        d["severity"] = str(self.severity)
        return d


def sort_diagnostics(diags: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Sorted by file, line, column and code, with exact repeats removed."""
    return sorted(set(diags), key=Diagnostic.sort_key)


def counts(diags: Sequence[Diagnostic]) -> dict[str, int]:
    out = {str(s): 0 for s in Severity}
    for d in diags:
        out[str(d.severity)] += 1
    return out


def exit_code(diags: Sequence[Diagnostic], *, strict: bool = False) -> int:
    """0 when clean, 1 on an error (or, with strict, on a warning)."""
    bad = {Severity.ERROR, Severity.WARNING} if strict else {Severity.ERROR}
    return 1 if any(d.severity in bad for d in diags) else 0


def summary_line(diags: Sequence[Diagnostic]) -> str:
    c = counts(diags)
    files = len({d.file for d in diags})
    if not diags:
        return "clean: no problems found"
    parts = []
    for sev in ("error", "warning", "info"):
        if c[sev]:
            parts.append(f"{c[sev]} {sev}{'' if c[sev] == 1 else 's'}")
    return f"{', '.join(parts)} in {files} file{'' if files == 1 else 's'}"


def render_text(diags: Sequence[Diagnostic]) -> str:
    lines = []
    for d in diags:
        lines.append(f"{d.file}:{d.line}:{d.column}: {d.severity} {d.code} {d.message}")
        if d.hint:
            lines.append(f"  = help: {d.hint}")
    return "\n".join(lines) + ("\n" if lines else "")


def render_json(diags: Sequence[Diagnostic]) -> str:
    doc = {
        "diagnostics": [d.to_dict() for d in diags],
        "summary": {**counts(diags), "files": len({d.file for d in diags})},
    }
    return json.dumps(doc, indent=2, sort_keys=True) + "\n"


def _escape_data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(s: str) -> str:
    return _escape_data(s).replace(":", "%3A").replace(",", "%2C")


def render_github(diags: Sequence[Diagnostic]) -> str:
    level = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
    lines = []
    for d in diags:
        msg = d.message + (f" (help: {d.hint})" if d.hint else "")
        props = (
            f"file={_escape_property(d.file)},line={d.line},col={d.column},"
            f"title={_escape_property(d.code)}"
        )
        lines.append(f"::{level[d.severity]} {props}::{_escape_data(msg)}")
    return "\n".join(lines) + ("\n" if lines else "")


SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def render_sarif(diags: Sequence[Diagnostic], rules: Mapping[str, Mapping[str, Any]],
                 version: str, information_uri: str) -> str:
    """SARIF 2.1.0. ``rules`` maps a code to its reportingDescriptor (id, name, short and
    full descriptions, help text and link, default level: kg.checks.codes.sarif_rules); every rule
    is listed, so a dashboard can show the catalogue, and results point at theirs by index."""
    index = {code: i for i, code in enumerate(rules)}
    results = []
    for d in diags:
        text = d.message + (f" (help: {d.hint})" if d.hint else "")
        result: dict[str, Any] = {
            "ruleId": d.code,
            "level": SARIF_LEVEL[d.severity],
            "message": {"text": text},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": d.file, "uriBaseId": "%SRCROOT%"},
                        "region": {"startLine": d.line, "startColumn": d.column},
                    }
                }
            ],
        }
        if d.code in index:
            result["ruleIndex"] = index[d.code]
        results.append(result)
    doc = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "kg",
                        "version": version,
                        "semanticVersion": version,
                        "informationUri": information_uri,
                        "rules": [dict(rule) for rule in rules.values()],
                    }
                },
                "originalUriBaseIds": {"%SRCROOT%": {"uri": "./"}},
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return json.dumps(doc, indent=2, sort_keys=True) + "\n"
