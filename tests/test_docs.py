"""The docs stay true: generated pages are fresh, every command is documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import cli
from kg.codes import CODES, render_markdown

REPO = Path(__file__).parent.parent
README = (REPO / "README.md").read_text(encoding="utf-8")


def readme_commands() -> list[str]:
    """The indented command lines of the README's opening, in order."""
    return [line.strip() for line in README.splitlines()
            if line.startswith("    python3 -m venv")]


def test_diagnostics_page_is_fresh() -> None:
    page = (REPO / "docs" / "diagnostics.md").read_text(encoding="utf-8")
    assert page == render_markdown(), "run: python -m kg.codes > docs/diagnostics.md"


def test_every_code_is_on_the_page() -> None:
    page = (REPO / "docs" / "diagnostics.md").read_text(encoding="utf-8")
    for code in CODES:
        assert f"## {code}" in page


def test_readme_has_exactly_two_commands() -> None:
    commands = readme_commands()
    assert len(commands) == 2
    assert "kg validate" in commands[0] and "kg build" in commands[0]
    assert commands[1].endswith("pytest")


def test_ci_runs_the_readme_test_command() -> None:
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert readme_commands()[1] in ci.splitlines()


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_is_in_the_readme_and_has_help(name: str, runner: CliRunner) -> None:
    assert re.search(rf"`kg {name}\b", README), f"kg {name} is missing from the README"
    result = runner.invoke(cli, [name, "--help"])
    assert result.exit_code == 0
    assert len(result.stdout.splitlines()) > 3
