"""Property test: whatever a corpus file holds, validation gives diagnostics, not a traceback.

A valid corpus is mutated (keys deleted, values swapped for other types, files truncated,
garbage bytes inserted, files re-encoded) and `kg validate` must return a list of
diagnostics and exit 0 or 1.
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
from kg.diagnostics import Diagnostic
from kg.validator import validate

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
    if action == "delete":
        del parent[last]
    elif action == "replace":
        parent[last] = data.draw(values)
    elif isinstance(parent, dict):
        parent[data.draw(st.text(max_size=12))] = parent.pop(last)
    else:
        parent[last] = data.draw(values)
    run_with(workdir, rel, yaml.safe_dump(doc, allow_unicode=True).encode("utf-8"))


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
