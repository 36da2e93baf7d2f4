"""Issue 16: the fast YAML path (kg.corpus.fastyaml) against the reference loader
(kg.corpus.yamlfile).

Both paths run over every test corpus and the real corpus, file by file and through the
whole validation, and must give the same data (every span resolved) and the same
diagnostics; a property test mutates corpus files and compares the two again.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from plainmodel import plain

from kg.checks.validator import run_validation
from kg.corpus import fastyaml
from kg.corpus.load import load_file
from kg.corpus.model import Span
from kg.corpus.schema import TOP_KEYS
from kg.corpus.yamlfile import PosDict, implicit_resolvers

REPO = Path(__file__).parent.parent
CORPORA = Path(__file__).parent / "corpora"
ROOTS = sorted({p.parent.parent for p in CORPORA.glob("**/claims/*.yaml")}) + [REPO]
FILES = sorted(p for root in ROOTS for p in (root / "claims").glob("*.yaml"))


def part_of(path: Path) -> str:
    return TOP_KEYS.get(path.name, "claims")


def both(rel: str, part: str, raw: bytes) -> tuple[Any, Any]:
    return (plain(load_file(rel, part, raw, fast=True)),
            plain(load_file(rel, part, raw, fast=False)))


def test_fast_path_is_available() -> None:
    assert fastyaml.available()


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.relative_to(REPO).as_posix())
def test_each_file_reads_the_same_both_ways(path: Path) -> None:
    try:
        raw = path.read_bytes()
    except OSError:
        pytest.skip("unreadable on purpose")
    fast, reference = both(path.name, part_of(path), raw)
    assert fast == reference


@pytest.mark.parametrize("root", ROOTS, ids=lambda p: p.relative_to(REPO).as_posix() or ".")
def test_each_corpus_validates_the_same_both_ways(root: Path) -> None:
    fast = run_validation(root, fast=True)
    reference = run_validation(root, fast=False)
    assert fast.diagnostics == reference.diagnostics
    assert fast.ignored == reference.ignored
    for name in ("entities", "claims", "studies", "references", "article", "invalid",
                 "incomplete"):
        assert plain(getattr(fast.corpus, name)) == plain(getattr(reference.corpus, name))


def test_the_real_corpus_mostly_takes_the_fast_path() -> None:
    taken = [fastyaml.load(p.read_bytes()) is not None for p in (REPO / "claims").glob("*.yaml")]
    assert sum(taken) >= len(taken) - 2


#: Scalars YAML 1.1 types, or nearly does, for the resolver test below.
TYPED_WORDS = ["yes", "No", "on", "OFF", "true", "null", "Null", "~", "", "2024-01-01",
               "2001-12-14t21:59:43.10-05:00", "0123", "0b101", "0x1F", "1:30", "190:20:30",
               "1.10", "1e5", "1.0e+5", "1.", ".5", "+1", "-0", "1_000", ".inf", "-.Inf",
               ".NaN", "<<", "=", "!", "&", "*", "yes\n", "nope", "onion", "2024-1-1x",
               "12.0", "-.5e-3", "3.", "+.inf", "0o17", "yes ", " no"]


@pytest.mark.parametrize("raw", [
    b"a: &x 1\nb: *x\n", b"a: !!str 1\n", b"<<: {a: 1}\n", b"a: 1\na: 2\n", b"a: yes\n",
    b"a: 0123\n", b"a: 2024-01-01\n", b"a: ~\n", b"a: null\n", b"a: 1e5\n", b"a: .5\n",
    b"a: 12.\n", b"a: +1\n", b"a: NaN\n", b"- a\n", b"--- a\n", b"a: \"\\u00e9\"\n",
    b"a:\tb\n", b"a: b\r\n", b"\xef\xbb\xbfa: b\n", b"a: b: c\n", b"? [a]\n: b\n",
    "a: x\u2028\n  y\n".encode(), "a: [x, \u00e9]\nb: \ufffe\n".encode(),
    b"a: '15'\nb: 15\n", b"", b"a: \x85b\n", b"a: [b, [c]]\n",
])
def test_tricky_inputs_read_as_the_reference_reads_them(raw: bytes) -> None:
    fast, reference = both("claims/x.yaml", "claims", raw)
    assert fast == reference


def test_a_declined_file_gives_no_fast_data() -> None:
    assert fastyaml.load(b"a: &x 1\nb: *x\n") is None
    assert fastyaml.load(b"a: b: c\n") is None  # a syntax error: silently declined
    got = fastyaml.load(b"a: 1.10\nb: [x, 2]\n")
    assert isinstance(got, PosDict) and got == {"a": 1.1, "b": ["x", 2]}
    assert got.raw == {"a": "1.10"}


def _typed_by_pyyaml(text: str) -> bool:
    """Whether PyYAML's implicit resolvers type ``text``, written plain, as other than a
    string (or it could not be plain at all): one resolver at a time."""
    if text[:1] in ("", "*", "&", "!"):
        return True
    return any(tag != "tag:yaml.org,2002:str" and rx.match(text)
               for tag, rx in implicit_resolvers(text[:1]))


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.sampled_from(TYPED_WORDS),
                 st.text(alphabet="0123456789+-._:eExob~nNyYtT<= \n", max_size=12),
                 st.text(max_size=20)))
def test_the_joined_resolver_test_types_as_pyyaml(text: str) -> None:
    fastyaml._seen.clear()
    assert fastyaml._typed(text) == _typed_by_pyyaml(text)


def test_lazy_spans_resolve_to_the_reference_positions() -> None:
    raw = b"claims:\n  - id: a\n    tags: [x, y]\n"
    data = fastyaml.load(raw)
    assert data is not None
    pos = fastyaml.Positions("f.yaml", raw)
    claim = data["claims"][0]
    assert pos.span(claim.start) == Span("f.yaml", 2, 5)
    assert pos.span(claim.key_mark("tags")) == Span("f.yaml", 3, 5)
    assert pos.span(claim.value_mark("tags")) == Span("f.yaml", 3, 11)
    assert pos.span(claim["tags"].item_mark(1)) == Span("f.yaml", 3, 15)
    assert hash(pos.span(claim.start)) == hash(Span("f.yaml", 2, 5))


# -- the property test --------------------------------------------------------------------------

#: Lines and scalars that the two YAML readers might read differently.
TRICKY = ["no", "on", "yes", "null", "~", "", "2024-01-01", "0123", "1:30", "1.10", "1e5",
          "1.", ".5", "+1", "0x1F", "1_000", ".inf", ".NaN", "'15'", '"15"', "'yes'",
          '"a\\tb"', "&a x", "*a", "!!str 1", "!!int 1", "[a, b]", "{a: 1}", "[a, [b]]",
          "a: b", "x # c", "'it''s'", "|", ">-", "- x", "? x", "%x", "@x", "`x", "<<",
          "\t", "é", "\u2028", "-1", "0", "-0", "12.0", "0.5", "true", "False", "NULL"]
POOL = [p for p in FILES if len(p.read_bytes()) < 60_000] if FILES else []


def mutate(text: str, ops: list[tuple[int, int, int, str]]) -> str:
    lines = text.split("\n")
    for op, where, width, word in ops:
        if not lines:
            lines = [""]
        i = where % len(lines)
        line = lines[i]
        if op == 0:  # delete a line
            del lines[i]
        elif op == 1:  # insert a line, indented like its neighbour
            indent = line[: len(line) - len(line.lstrip(" "))]
            lines.insert(i, f"{indent}{word}")
        elif op == 2:  # replace a value
            key, sep, _ = line.partition(": ")
            lines[i] = f"{key}{sep or ': '}{word}"
        elif op == 3:  # duplicate a line
            lines.insert(i, line)
        elif op == 4:  # change the indentation
            lines[i] = " " * (width % 8) + line.lstrip(" ")
        else:  # put a tricky word inside the line
            cut = width % (len(line) + 1)
            lines[i] = line[:cut] + word + line[cut:]
    return "\n".join(lines)


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    which=st.integers(min_value=0),
    ops=st.lists(st.tuples(st.integers(0, 5), st.integers(0, 10**6), st.integers(0, 200),
                           st.sampled_from(TRICKY)), min_size=1, max_size=4),
)
def test_mutated_files_read_the_same_both_ways(which: int, ops: list[tuple[int, int, int, str]]
                                               ) -> None:
    path = POOL[which % len(POOL)]
    text = path.read_bytes().decode("utf-8", "surrogateescape")  # KG001's file is not UTF-8
    raw = mutate(text, ops).encode("utf-8", "surrogateescape")
    fast, reference = both(path.name, part_of(path), raw)
    assert fast == reference
