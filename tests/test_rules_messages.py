"""Every diagnostic of every case under tests/corpora/invalid/, in full: position, code,
severity, message and hint (weak spot 13: tests/test_diagnostic_corpora.py compares
``file:line:col CODE`` only, so a wrong message or hint went unnoticed).

The expected text is tests/golden/diagnostic-corpora.txt. A change to a message shows there
as a diff to review; regenerate it with ``KG_UPDATE_GOLDEN=1 pytest
tests/test_rules_messages.py`` only when the new wording is the intended one.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from test_diagnostic_corpora import CASES, build_case

from kg.checks.validator import validate


def test_every_case_gives_its_messages_and_hints(tmp_path: Path,
                                                 golden: Callable[[str, str], None]) -> None:
    out: list[str] = []
    for case in CASES:
        root = build_case(case, tmp_path / case.name)
        _, diags = validate(root)
        out.append(f"## {case.name}")
        for d in diags:
            text = (f"{d.file}:{d.line}:{d.column}: {d.severity.value} {d.code} {d.message}"
                    + (f"\n    = hint: {d.hint}" if d.hint else ""))
            out.append(text.replace(str(root), "<root>"))
    golden("diagnostic-corpora.txt", "\n".join(out) + "\n")
