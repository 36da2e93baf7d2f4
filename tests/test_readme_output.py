"""The README shows what its first command prints (issue 14, part B): the set-up is silent,
then kg validate, kg build and kg studies print the block under the command, at the width
the README names. Curation moves numbers and notes without changing what a reader learns,
so the comparison leaves out validate's diagnostic lines and masks digits; any other
change (a format, a wording, a different answer) fails. Regenerate the block with
`KG_UPDATE_GOLDEN=1 pytest tests/test_readme_output.py` and review the diff."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import updating

from cli import cli

REPO = Path(__file__).parent.parent
README = REPO / "README.md"
WIDTH = "88"
INTRO = f"It prints this (at {WIDTH} columns; the set-up itself prints nothing):\n\n"
BLOCK = re.compile(re.escape(INTRO) + r"((?:    .*\n|\n)+?)\n(?! )")


def first_command_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    root = tmp_path / "corpus"
    shutil.copytree(REPO / "claims", root / "claims")
    for name in ("references.bib", "pyproject.toml"):
        shutil.copy2(REPO / name, root / name)
    monkeypatch.chdir(root)
    out = ""
    for args in (["validate"], ["build"], ["studies", "magnesium hip bone density"]):
        result = CliRunner().invoke(cli, args, env={"COLUMNS": WIDTH, "NO_COLOR": "1"})
        assert result.exit_code == 0, result.output
        out += result.output
    return out


_DIAGNOSTIC = re.compile(r"^    (\S+:\d+:\d+: (error|warning|info) |  = help: )")


def comparable(block: str) -> list[str]:
    """The block without validate's diagnostics and summary, digits masked."""
    out = []
    for line in block.splitlines():
        if _DIAGNOSTIC.match(line):
            continue
        if line.startswith(("    ✔ ", "    ✖ ")):
            line = line[:6] + "(validate's summary)"
        out.append(re.sub(r"\d+", "N", line))
    return out


def test_comparable_masks_only_what_curation_moves() -> None:
    a = "    x.yaml:1:2: info KG603 m\n      = help: h\n    ✔ 1 info\n    wrote (12 triples)\n"
    b = "    ✔ clean\n    wrote (345 triples)\n"
    assert comparable(a) == comparable(b)
    assert comparable(b) != comparable("    ✔ clean\n    wrote (345 quads)\n")


def test_readme_shows_the_first_commands_output(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch,
                                                 request: pytest.FixtureRequest) -> None:
    text = README.read_text(encoding="utf-8")
    match = BLOCK.search(text)
    assert match, f"README.md lacks {INTRO.strip()!r} followed by an indented block"
    actual = "".join(f"    {line}".rstrip() + "\n"
                     for line in first_command_output(tmp_path, monkeypatch).splitlines())
    if updating(request.config):
        README.write_text(text[:match.start(1)] + actual + text[match.end(1):],
                          encoding="utf-8")
        return
    assert comparable(match.group(1)) == comparable(actual), (
        "the README's sample output is stale; regenerate it with "
        "`KG_UPDATE_GOLDEN=1 pytest tests/test_readme_output.py` and review the diff")
