"""Property test: whatever a corpus file holds, validation gives diagnostics, not a traceback.

A valid corpus is mutated (keys deleted, values swapped for other types, files truncated,
garbage bytes inserted, files re-encoded) and `kg validate` must return a list of
diagnostics and exit 0 or 1. Where the right diagnostic is certain, it must be there: a
deleted required field gives KG101 naming it, and a field renamed to a name the record does
not have gives KG104 naming the new name (tests/test_diagnostic_corpora.py and
tests/test_rules_*.py pin the rest).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cli import cli
from kg.checks.validator import validate
from kg.corpus import schema as S
from kg.diagnostics import Diagnostic

VALID = Path(__file__).parent / "corpora" / "valid"
# the corpus's inputs; its settings file (pyproject.toml) is not: a damaged one is a usage
# error (exit 2, tests/test_repository.py), never a diagnostic
FILES = sorted(p.relative_to(VALID).as_posix() for p in VALID.rglob("*")
               if p.is_file() and p.name != "pyproject.toml")
ORIGINAL = {rel: (VALID / rel).read_bytes() for rel in FILES}

SETTINGS = settings(
    max_examples=1500,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("mutated") / "corpus"
    shutil.copytree(VALID, root)
    return root


def run_with(root: Path, rel: str, content: bytes) -> list[Diagnostic]:
    path = root / rel
    try:
        path.write_bytes(content)
        _, diags = validate(root)
    finally:
        path.write_bytes(ORIGINAL[rel])
    assert all(isinstance(d, Diagnostic) for d in diags)
    assert all(d.line >= 1 and d.column >= 1 for d in diags)
    return diags


scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=True),
    st.text(max_size=20), st.sampled_from(["supports", "rct", "HGNC:1", "x:y", "null", ""]),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(st.text(max_size=8), inner, max_size=3)),
    max_leaves=6,
)


def paths(node: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from paths(v, (*prefix, i))


YAML_FILES = [rel for rel in FILES if rel.endswith(".yaml")]
PARSED = {rel: yaml.safe_load(ORIGINAL[rel]) for rel in YAML_FILES}
PATHS = {rel: [p for p in paths(PARSED[rel]) if p] for rel in YAML_FILES}


def record_fields(path: tuple[Any, ...]) -> dict[str, bool] | None:
    """The field table (name -> required) of the record that holds the last key of a path
    into a corpus file, or None where no record table applies."""
    shapes: dict[tuple[Any, ...], str] = {
        ("claims", int): "claim", ("claims", int, "evidence", int): "evidence",
        ("claims", int, "source"): "source",
        ("claims", int, "evidence", int, "statistics", int): "statistic",
        ("claims", int, "acknowledges", int): "acknowledgement",
        ("entities", int): "entity", ("studies", str): "study",
        ("studies", str, "pooled"): "pooled", ("studies", str, "citation_issues", int):
        "citation_issue", ("studies", str, "errata", int): "erratum",
        ("article",): "article", ("article", "sections", int): "section",
        ("article", "sections", int, "paragraphs", int): "paragraph",
    }
    shape = tuple(type(step) if not isinstance(step, str) or (i == 1 and path[0] == "studies")
                  else step for i, step in enumerate(path[:-1]))
    name = shapes.get(shape)
    return None if name is None else S.RECORDS[name]


@SETTINGS
@given(data=st.data())
def test_structural_mutations(workdir: Path, data: st.DataObject) -> None:
    rel = data.draw(st.sampled_from(YAML_FILES))
    doc = yaml.safe_load(ORIGINAL[rel])
    path = data.draw(st.sampled_from(PATHS[rel]))
    parent = doc
    for step in path[:-1]:
        parent = parent[step]
    action = data.draw(st.sampled_from(["delete", "replace", "rename"]))
    last = path[-1]
    new_key = None
    if action == "delete":
        del parent[last]
    elif action == "replace":
        parent[last] = data.draw(values)
    elif isinstance(parent, dict):
        new_key = data.draw(st.text(max_size=12))
        parent[new_key] = parent.pop(last)
    else:
        parent[last] = data.draw(values)
    diags = run_with(workdir, rel, yaml.safe_dump(doc, allow_unicode=True).encode("utf-8"))
    # not only no crash: the two mutations whose diagnostic is certain must give it
    fields = record_fields(path)
    if fields is None or not isinstance(last, str):
        return
    found = [(d.code, d.message) for d in diags]
    if action == "delete" and fields.get(last):
        assert any(code == "KG101" and f"'{last}'" in msg for code, msg in found), (path, found)
    if new_key is not None:  # the key as YAML reads it back (it folds a NEL to a space)
        new_key = next(iter(yaml.safe_load(yaml.safe_dump({new_key: 1}, allow_unicode=True))))
    if (new_key is not None and new_key not in fields
            and not any(code.startswith("KG00") for code, _ in found)):
        assert any(code == "KG104" and f"unknown field '{new_key}'" in msg
                   for code, msg in found), (path, new_key, found)


@SETTINGS
@given(data=st.data())
def test_byte_mutations(workdir: Path, data: st.DataObject) -> None:
    rel = data.draw(st.sampled_from(FILES))
    raw = ORIGINAL[rel]
    action = data.draw(st.sampled_from(["truncate", "insert", "replace-line", "encode",
                                        "garbage"]))
    if action == "truncate":
        raw = raw[: data.draw(st.integers(0, len(raw)))]
    elif action == "insert":
        at = data.draw(st.integers(0, len(raw)))
        raw = raw[:at] + data.draw(st.binary(min_size=1, max_size=12)) + raw[at:]
    elif action == "replace-line":
        lines = raw.split(b"\n")
        i = data.draw(st.integers(0, len(lines) - 1))
        lines[i] = data.draw(st.text(max_size=30)).encode("utf-8")
        raw = b"\n".join(lines)
    elif action == "encode":
        codec = data.draw(st.sampled_from(["utf-16", "latin-1", "utf-32"]))
        raw = raw.decode("utf-8").replace("a", "é").encode(codec)
    else:
        raw = data.draw(st.binary(max_size=200))
    run_with(workdir, rel, raw)


@pytest.mark.parametrize("content", [b"", b"\x00\x01\x02", b"claims: [", b"- just a list\n",
                                     "claims:\n  - id: caf\u00e9\n".encode("utf-16")])
def test_cli_reports_instead_of_crashing(tmp_path: Path, runner: CliRunner,
                                         content: bytes) -> None:
    root = tmp_path / "corpus"
    shutil.copytree(VALID, root)
    (root / "claims" / "mechanism.yaml").write_bytes(content)
    result = runner.invoke(cli, ["validate", "--root", str(root)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code in (0, 1), result.output
