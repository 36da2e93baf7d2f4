"""Every diagnostic code has a corpus under tests/corpora/invalid/ that triggers it.

Each case folder (named CODE-slug, e.g. KG202-unknown-entity) is an overlay on
tests/corpora/valid: its files replace or add to the valid corpus's files, a file
named PATH.delete removes PATH, a file named PATH.link makes PATH a symbolic link to
the path it holds, and a file named PATH.big writes PATH as its own text
followed by comment lines up to 17 MiB (too large to keep in git). ``expected.txt``
lists the diagnostics the case must give, one ``file:line:col CODE`` per line; the case
must give exactly those.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import cli
from kg.checks.codes import CODES
from kg.checks.validator import validate

CORPORA = Path(__file__).parent / "corpora"
CASES = sorted(p for p in (CORPORA / "invalid").iterdir() if p.is_dir())


def build_case(case: Path, dest: Path) -> Path:
    shutil.copytree(CORPORA / "valid", dest)
    for src in sorted(case.rglob("*")):
        rel = src.relative_to(case)
        if src.is_dir() or rel.name == "expected.txt":
            continue
        if src.suffix == ".delete":
            (dest / rel.with_suffix("")).unlink()
            continue
        if src.suffix == ".link":  # a symbolic link to the path the file holds
            os.symlink(src.read_text(encoding="utf-8").strip(), dest / rel.with_suffix(""))
            continue
        if src.suffix == ".big":
            filler = b"# padding\n" * (17 * 1024 * 1024 // 10 + 1)
            (dest / rel.with_suffix("")).write_bytes(src.read_bytes() + filler)
            continue
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dest / rel)
    return dest


def expected(case: Path) -> list[str]:
    lines = (case / "expected.txt").read_text(encoding="utf-8").splitlines()
    return sorted(line.strip() for line in lines if line.strip() and not line.startswith("#"))


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case_gives_exactly_its_diagnostics(case: Path, tmp_path: Path) -> None:
    root = build_case(case, tmp_path / "corpus")
    _, diags = validate(root)
    got = sorted(f"{d.file}:{d.line}:{d.column} {d.code}" for d in diags)
    assert got == expected(case)


def test_valid_corpus_is_clean() -> None:
    _, diags = validate(CORPORA / "valid")
    assert diags == []


def test_every_code_has_a_case() -> None:
    covered = {c.name.split("-")[0] for c in CASES}
    missing = sorted(set(CODES) - covered)
    assert missing == [], f"codes without a test corpus: {missing}"


def test_every_case_is_named_for_a_code_it_triggers() -> None:
    for case in CASES:
        code = case.name.split("-")[0]
        assert code in CODES, case.name
        assert any(line.endswith(" " + code) for line in expected(case)), case.name


@pytest.mark.parametrize("case", CASES[:3], ids=[c.name for c in CASES[:3]])
def test_cli_json_equals_library(case: Path, tmp_path: Path, runner: CliRunner) -> None:
    root = build_case(case, tmp_path / "corpus")
    result = runner.invoke(cli, ["validate", "--root", str(root), "--format", "json"])
    assert result.exit_code == 1, result.output
    _, diags = validate(root)
    assert json.loads(result.stdout)["diagnostics"] == [d.to_dict() for d in diags]
