"""kg build's text writer and its per-file cache of compiled parts (kg.graph.turtle,
kg.graph.build_cache).

The writer must give exactly pyoxigraph's Turtle; the cache must never change the output:
a rebuild after any change equals a build from scratch, and a damaged entry is recompiled.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from cli import cli
from kg.checks.validator import validate
from kg.config import PROJECT_BASE
from kg.graph import build_cache
from kg.graph import compiler as C
from kg.graph import namespaces as ns
from kg.graph.turtle import Renderer, block

B = PROJECT_BASE
RDF_TYPE = ns.RDF + "type"


def pyoxigraph_turtle(triples: list[ox.Triple], base: str = B) -> bytes:
    data = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=ns.prefixes(base))
    assert data is not None
    return bytes(data)


def compiled(root: Path, cache: bool = False, base: str = B) -> bytes:
    corpus, diags = validate(root)
    assert not [d for d in diags if d.severity.name == "ERROR"], diags
    return C.compile_text(corpus, base, root if cache else None).turtle()


# --- the writer --------------------------------------------------------------------------

AWKWARD_IRIS = [
    B + "entity/plain-id", B + "entity/ends.", B + "entity/-starts", B + "entity/a.b_c",
    B + "entity/%41x", B + "entity/a(b)~c", B + "entity/caf%C3%A9", B + "entity/café",
    B + "np/x#head", B + "entity/", B + "vocab#Claim", B + "other/thing",
    "https://doi.org/10.1000/xyz(1)", "http://purl.obolibrary.org/obo/SEPIO_0000002",
    "http://example.com/no-prefix", "urn:isbn:123",
]
AWKWARD_STRINGS = [
    "plain", 'a "quoted" word', "back\\slash", "new\nline", "tab\there", "cr\rhere",
    "bell\x07", "del\x7f", "nonchar\ufffe", "é ü 中文", "emoji 😀", "", " spaces ",
]
TYPED = [
    ("5", "integer"), ("-3", "integer"), ("+2", "integer"), ("05", "integer"),
    ("1.5", "double"), ("1e-05", "double"), ("1.0E3", "double"), ("INF", "double"),
    ("NaN", "double"), ("-0.0", "double"), ("2019", "gYear"), ("2019-03", "gYearMonth"),
]


def test_writer_matches_pyoxigraph_on_awkward_terms() -> None:
    r = Renderer(ns.prefixes(B))
    s = ox.NamedNode(B + "claim/c1")
    p1, p2 = ns.RDFS + "label", ns.SKOS + "altLabel"
    triples: list[ox.Triple] = []
    parts = [r.iri(s.value)]

    def add(p: str, o: ox.NamedNode | ox.Literal, text: str) -> None:
        triples.append(ox.Triple(s, ox.NamedNode(p), o))
        parts.extend((r.predicate(p), text))

    for iri in AWKWARD_IRIS:
        add(RDF_TYPE, ox.NamedNode(iri), r.iri(iri))
        add(iri, ox.NamedNode(iri), r.iri(iri))  # as predicate and object
    for text in AWKWARD_STRINGS:
        add(p1, ox.Literal(text), r.string(text))
        add(p2, ox.Literal(text), r.string(text))  # predicates alternate: ' ;' not ' ,'
    for value, dt in TYPED:
        add(p1, ox.Literal(value, datatype=ox.NamedNode(ns.XSD + dt)),
            r.typed(value, ns.XSD + dt))
    expected = pyoxigraph_turtle(triples)
    assert (r.header + block(parts)).encode() == expected


def test_writer_matches_pyoxigraph_for_another_base() -> None:
    base = "http://purl.obolibrary.org/obo/"  # the kg: prefix is the obo: namespace
    r = Renderer(ns.prefixes(base))
    iris = [base + "claim/c1", ns.OBO + "SEPIO_0000002", base + "vocab#Claim"]
    s = ox.NamedNode(iris[0])
    triples = [ox.Triple(s, ox.NamedNode(RDF_TYPE), ox.NamedNode(i)) for i in iris]
    text = r.header + block([r.iri(iris[0])] + [x for i in iris for x in ("a", r.iri(i))])
    assert text.encode() == pyoxigraph_turtle(triples, base)


def test_build_is_pyoxigraphs_turtle_of_its_own_triples(valid_corpus: Path) -> None:
    f = valid_corpus / "claims" / "mechanism.yaml"
    f.write_text(f.read_text().replace(
        "statement: Drug D lowers hormone X.",
        'statement: "Drug D \\"lowers\\" hormone X \\\\ é\\tüñ 😀 (really)."'))
    data = compiled(valid_corpus)
    assert '\\"lowers\\"' in data.decode() and "😀" in data.decode()
    triples = [q.triple for q in ox.parse(data, format=ox.RdfFormat.TURTLE)]
    assert data == pyoxigraph_turtle(triples)
    assert triples == C.compile_graph(validate(valid_corpus)[0], B)


# --- the cache ---------------------------------------------------------------------------


class Calls:
    """Counts the parts compiled (not read from the cache)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.claims: list[list[str]] = []
        self.other = 0
        real_claims = C._Compiler.claims_part
        real_entities = C._Compiler.entities_part
        real_refs = C._Compiler.references_part

        def claims_part(comp: Any, claims: Any) -> Any:
            self.claims.append(sorted(c.id for c in claims))
            return real_claims(comp, claims)

        def entities_part(comp: Any, entities: Any) -> Any:
            self.other += 1
            return real_entities(comp, entities)

        def references_part(comp: Any) -> Any:
            self.other += 1
            return real_refs(comp)

        monkeypatch.setattr(C._Compiler, "claims_part", claims_part)
        monkeypatch.setattr(C._Compiler, "entities_part", entities_part)
        monkeypatch.setattr(C._Compiler, "references_part", references_part)

    def reset(self) -> None:
        self.claims.clear()
        self.other = 0


def entries(root: Path) -> list[Path]:
    return sorted(build_cache.cache_dir(root).glob("*.part"))


def test_cached_build_equals_a_build_without_cache(valid_corpus: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    calls = Calls(monkeypatch)
    fresh = compiled(valid_corpus)
    calls.reset()
    first = compiled(valid_corpus, cache=True)
    assert first == fresh
    assert len(calls.claims) == 2 and calls.other == 2  # 2 claim files, entities, refs
    assert len(entries(valid_corpus)) == 4
    calls.reset()
    assert compiled(valid_corpus, cache=True) == fresh
    assert calls.claims == [] and calls.other == 0  # everything read back
    assert not list(build_cache.cache_dir(valid_corpus).glob("*.tmp"))


def test_one_changed_claim_file_recompiles_that_file_only(
        valid_corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = Calls(monkeypatch)
    compiled(valid_corpus, cache=True)
    f = valid_corpus / "claims" / "mechanism.yaml"
    f.write_text(f.read_text().replace("Drug D lowers hormone X.", "Drug D lowers hormone X!"))
    calls.reset()
    rebuilt = compiled(valid_corpus, cache=True)
    assert len(calls.claims) == 1 and "drug-d-lowers-hormone-x" in calls.claims[0]
    assert calls.other == 0
    assert b"Drug D lowers hormone X!" in rebuilt
    assert rebuilt == compiled(valid_corpus)  # the same as from scratch


def test_a_study_design_change_recompiles_the_claims_that_cite_it(
        valid_corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A claim's status and level come from its studies' designs (docs/evidence.md)."""
    calls = Calls(monkeypatch)
    before = compiled(valid_corpus, cache=True)
    f = valid_corpus / "claims" / "studies.yaml"
    f.write_text(f.read_text().replace("design: in-vitro", "design: rct"))
    calls.reset()
    rebuilt = compiled(valid_corpus, cache=True)
    recompiled = list(calls.claims)
    assert len(recompiled) == 1  # exercise.yaml does not cite zeta2018cells
    assert "hormone-x-raises-protein-p" in recompiled[0]
    assert rebuilt != before
    assert rebuilt == compiled(valid_corpus)


def test_a_changed_base_iri_never_reuses_parts(valid_corpus: Path) -> None:
    other = "https://example.net/other/"
    compiled(valid_corpus, cache=True)
    assert compiled(valid_corpus, cache=True, base=other) == compiled(valid_corpus, base=other)
    assert compiled(valid_corpus, cache=True) == compiled(valid_corpus)


@pytest.mark.parametrize("damage", [b"", b"garbage", "truncate", "other-key", "bad-payload",
                                    "flipped-bit"])
def test_a_damaged_entry_is_ignored_and_recompiled(
        valid_corpus: Path, monkeypatch: pytest.MonkeyPatch, damage: bytes | str) -> None:
    calls = Calls(monkeypatch)
    fresh = compiled(valid_corpus, cache=True)
    for path in entries(valid_corpus):
        data = path.read_bytes()
        if damage == "truncate":
            path.write_bytes(data[: len(data) // 2])
        elif damage == "other-key":
            magic = data.index(b"\n") + 1
            path.write_bytes(data[:magic] + b"0" * 64 + data[magic + 64:])
        elif damage == "bad-payload":  # a valid checksum over data of the wrong shape
            from kg.cache import MAGIC, entry_bytes

            key = data[len(MAGIC):len(MAGIC) + 64].decode("ascii")
            path.write_bytes(entry_bytes(key, b'[[1,2],"x"]'))
        elif damage == "flipped-bit":
            path.write_bytes(data[:-5] + bytes([data[-5] ^ 0x01]) + data[-4:])
        else:
            assert isinstance(damage, bytes)
            path.write_bytes(damage)
    calls.reset()
    assert compiled(valid_corpus, cache=True) == fresh
    assert len(calls.claims) == 2 and calls.other == 2  # all compiled again
    calls.reset()
    assert compiled(valid_corpus, cache=True) == fresh  # and stored again, intact
    assert calls.claims == [] and calls.other == 0


def test_entries_of_removed_files_are_pruned(valid_corpus: Path) -> None:
    compiled(valid_corpus, cache=True)
    assert len(entries(valid_corpus)) == 4
    exercise = valid_corpus / "claims" / "exercise.yaml"
    mechanism = valid_corpus / "claims" / "mechanism.yaml"
    mechanism.write_text(mechanism.read_text() + "\n" + "\n".join(
        line for line in exercise.read_text().splitlines() if line != "claims:"))
    exercise.unlink()
    assert compiled(valid_corpus, cache=True) == compiled(valid_corpus)
    assert len(entries(valid_corpus)) == 3


def test_an_unwritable_cache_only_costs_speed(valid_corpus: Path) -> None:
    (valid_corpus / "build").mkdir()
    (valid_corpus / "build" / "cache").write_text("not a folder")
    assert compiled(valid_corpus, cache=True) == compiled(valid_corpus)


def test_kg_build_twice_is_byte_identical_and_uses_the_cache(
        runner: CliRunner, valid_corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = valid_corpus / "build" / "graph.ttl"
    first = runner.invoke(cli, ["build", "--root", str(valid_corpus)])
    assert first.exit_code == 0, first.output
    data = out.read_bytes()
    assert data == compiled(valid_corpus)
    calls = Calls(monkeypatch)
    again = runner.invoke(cli, ["build", "--root", str(valid_corpus)])
    assert again.exit_code == 0, again.output
    assert out.read_bytes() == data
    assert calls.claims == [] and calls.other == 0
    assert first.stderr == again.stderr  # same triple and byte counts
