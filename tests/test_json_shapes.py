"""Script-safe output (issue 14, part A): every --json prints one JSON document on every
path, with the documented exit status; keys are snake_case; every shape is the one
docs/cli.md documents; piped output is full width; --root goes before or after the
command's name."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from jsonshape import check, named_shapes, section_shape

from cli import cli

CORPORA = Path(__file__).parent / "corpora"
PAGE = (Path(__file__).parent.parent / "docs" / "cli.md").read_text(encoding="utf-8")
NAMED = named_shapes(PAGE)


@pytest.fixture(scope="module")
def corpora(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("shapes")
    out = {name: Path(shutil.copytree(CORPORA / name, base / name))
           for name in ("valid", "questions")}
    broken = Path(shutil.copytree(CORPORA / "valid", base / "broken"))
    (broken / "claims" / "extra.yaml").write_text("claims:\n  - id: lacks-everything\n",
                                                  encoding="utf-8")
    out["broken"] = broken
    return out


def run(args: list[str], env: dict[str, str] | None = None) -> tuple[int, Any, str]:
    """Exit status, the parsed stdout (which must be one JSON document), stderr."""
    result = CliRunner().invoke(cli, args, env=env)
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit), result.exception
    try:
        data = json.loads(result.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"kg {' '.join(args)}: stdout is not JSON:\n{result.stdout}")
    return result.exit_code, data, result.stderr


def test_the_page_names_every_shape() -> None:
    for name in ("EntityRef", "ClaimSummary", "Statistic", "EvidenceLine", "Claim", "entity",
                 "claim", "study", "Error", "Validation", "Audit", "StudyList", "ClaimBrief",
                 "Change"):
        assert name in NAMED, f"docs/cli.md has no shape {name}"


#: (corpus, arguments, exit status, the shape: a docs/cli.md section heading or a name)
CASES: list[tuple[str, list[str], int, str]] = [
    ("questions", ["studies", "exercise", "bone", "density", "--json"], 0, "## kg studies"),
    ("questions", ["studies", "exercise-lowers-protein-p", "--json"], 0, "## kg studies"),
    ("questions", ["claims", "--json"], 0, "## kg claims"),
    ("valid", ["claims", "--rating", "high", "--json"], 1, "## kg claims"),
    ("questions", ["show", "bone", "mineral", "density", "--json"], 0, "entity"),
    ("questions", ["show", "exercise-raises-density", "--json"], 0, "claim"),
    ("questions", ["show", "beta2021meta", "--json"], 0, "study"),
    ("questions", ["paths", "exercise", "bmd", "--json"], 0, "## kg paths"),
    ("questions", ["paths", "protein-a", "bone-density", "--json"], 1, "## kg paths"),
    ("questions", ["stats", "--json"], 0, "## kg stats"),
    ("questions", ["audit", "--format", "json"], 0, "Audit"),
    ("valid", ["validate", "--format", "json"], 0, "Validation"),
    ("broken", ["validate", "--format", "json"], 1, "Validation"),
    ("valid", ["explain", "KG101", "--json"], 0, "## kg explain"),
    # misses and errors: JSON too
    ("valid", ["explain", "KG999", "--json"], 1, "Error"),
    ("valid", ["studies", "zzz", "--json"], 1, "Error"),
    ("valid", ["show", "nosuch", "--json"], 1, "Error"),
    ("questions", ["show", "PA", "--json"], 2, "Error"),
    ("valid", ["claims", "--about", "hormone Y", "--json"], 1, "Error"),
    ("valid", ["paths", "drug-d", "bone densty", "--json"], 1, "Error"),
    ("valid", ["claims", "--status", "bogus", "--json"], 2, "Error"),
]


@pytest.mark.parametrize(("corpus", "args", "status", "shape"), CASES,
                         ids=[" ".join(c[1]) for c in CASES])
def test_json_is_the_documented_shape(corpus: str, args: list[str], status: int, shape: str,
                                      corpora: dict[str, Path]) -> None:
    where = [] if args[0] == "explain" else ["--root", str(corpora[corpus])]
    code, data, err = run([*args, *where])
    assert code == status, err
    expected = section_shape(PAGE, shape) if shape.startswith("#") else NAMED[shape]
    assert check(expected, data, NAMED) == []
    if shape == "Error":
        assert data["error"]["exit_code"] == status
        assert data["error"]["message"] in err


def test_no_corpus_is_a_json_error(tmp_path: Path) -> None:
    for args in (["stats", "--json"], ["validate", "--format", "json"]):
        code, data, _ = run([*args, "--root", str(tmp_path)])
        assert code == 2
        assert data["error"]["kind"] == "fatal"


def test_the_check_catches_a_departure() -> None:
    shape = section_shape(PAGE, "## kg stats")
    assert check(shape, {"totals": {}}, NAMED)
    assert check(NAMED["Error"], {"error": {"kind": "x", "message": "m"}}, NAMED)


_SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")


def field_names(value: Any, free: bool = False) -> list[str]:
    """Every key of ``value`` that is a field name (not a key of a {value: count} mapping,
    whose values are all numbers)."""
    out: list[str] = []
    if isinstance(value, dict):
        is_counts = bool(value) and all(isinstance(v, int) for v in value.values())
        for k, v in value.items():
            if not is_counts and k not in ("groups", "evidence"):
                out.append(k)
            out += field_names(v, free=k in ("groups", "evidence"))
    elif isinstance(value, list):
        for v in value:
            out += field_names(v)
    return out


@pytest.mark.parametrize(("corpus", "args", "status", "shape"), CASES[:12],
                         ids=[" ".join(c[1]) for c in CASES[:12]])
def test_field_names_are_snake_case(corpus: str, args: list[str], status: int, shape: str,
                                    corpora: dict[str, Path]) -> None:
    _, data, _ = run([*args, "--root", str(corpora[corpus])])
    bad = [k for k in field_names(data) if not _SNAKE.match(k)
           and k not in ("supports", "mixed", "null", "contradicts", "no-effect")]
    assert bad == []


def test_root_before_or_after_the_command(corpora: dict[str, Path]) -> None:
    root = str(corpora["valid"])
    for args in (["--root", root, "stats", "--json"], ["stats", "--json", "--root", root]):
        code, data, _ = run(args)
        assert code == 0 and data["totals"]["claims"] > 0
    result = CliRunner().invoke(cli, ["--root", root, "validate"])
    assert result.exit_code == 0, result.output


LONG = "x" * 150


def test_piped_output_is_full_width(corpora: dict[str, Path], tmp_path: Path) -> None:
    root = shutil.copytree(corpora["valid"], tmp_path / "wide")
    path = root / "claims" / "exercise.yaml"
    text = path.read_text(encoding="utf-8")
    first = re.search(r"statement: (.*)", text)
    assert first is not None
    path.write_text(text.replace(first.group(0), f"statement: {first.group(1)} {LONG}", 1),
                    encoding="utf-8")
    piped = CliRunner().invoke(cli, ["claims", "--root", str(root)], env={"COLUMNS": None})
    assert LONG in piped.stdout and "…" not in piped.stdout
    narrow = CliRunner().invoke(cli, ["claims", "--root", str(root)], env={"COLUMNS": "100"})
    assert LONG not in narrow.stdout
    assert max(len(line) for line in narrow.stdout.splitlines()) <= 100


def test_audit_respects_columns(corpora: dict[str, Path]) -> None:
    root = str(corpora["questions"])
    wide = CliRunner().invoke(cli, ["audit", "--root", root], env={"COLUMNS": None})
    narrow = CliRunner().invoke(cli, ["audit", "--root", root], env={"COLUMNS": "50"})
    assert max(len(line) for line in wide.stdout.splitlines()) > 50
    assert max(len(line) for line in narrow.stdout.splitlines()) <= 50
    assert " ".join(wide.stdout.split()) == " ".join(narrow.stdout.split())
