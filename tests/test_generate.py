"""bench/generate.py: deterministic, and what it writes is a clean corpus (issue 7)."""

from __future__ import annotations

import importlib.util
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest

from kg.checks.validator import validate
from kg.corpus.vocabulary import PREDICATES

REPO = Path(__file__).parent.parent


def _load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_generate", REPO / "bench" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


generate = _load_generator()


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("gen") / "c"
    generate.main(["--claims", "300", "--out", str(out), "--seed", "3", "--quiet"])
    return out


def test_same_arguments_give_byte_identical_files(corpus: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    generate.main(["--claims", "300", "--out", str(again), "--seed", "3", "--quiet"])
    first, second = _files(corpus), _files(again)
    assert len(first) > 5
    assert first == second


def test_another_seed_gives_another_corpus(corpus: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    generate.main(["--claims", "300", "--out", str(other), "--seed", "4", "--quiet"])
    assert _files(other)["claims/entities.yaml"] != _files(corpus)["claims/entities.yaml"]


def test_generated_corpus_is_clean_even_strict(corpus: Path) -> None:
    loaded, diags = validate(corpus)
    assert [str(d) for d in diags] == []
    assert len(loaded.claims) == 300
    assert len(loaded.entities) == 60
    assert len(loaded.studies) == len(loaded.references) == 30


def test_generated_corpus_has_the_shape_of_a_real_one(corpus: Path) -> None:
    loaded, _ = validate(corpus)
    claims = list(loaded.claims.values())
    predicates = Counter(c.predicate for c in claims)
    assert {"increases", "decreases", "associated-with", "component-of"} <= set(predicates)
    assert {e.role for e in loaded.entities.values()} == {"intervention", "exposure",
                                                         "mechanism", "outcome"}
    stances = Counter(ev.stance for c in claims for ev in c.evidence)
    assert set(stances) == {"supports", "mixed", "no-effect", "contradicts"}
    assert all(1 <= len(c.evidence) <= 3 for c in claims)
    assert any(ev.statistics for c in claims for ev in c.evidence)
    topic_files = {c.span.file for c in claims}
    assert len(topic_files) == 300 // generate.CLAIMS_PER_FILE
    # chains: some causal claim's object is the subject of another causal claim
    causal = [c for c in claims if PREDICATES[c.predicate].causal]
    subjects = {c.subject for c in causal}
    assert any(c.object in subjects for c in causal)


def test_claims_flow_one_way_with_consistent_signs() -> None:
    """The DAG-and-potentials construction that keeps generated corpora consistent."""
    g = generate.generate(2000, seed=5)
    ents = g.entities
    for c in g.claims:
        s, o = ents[c.subject], ents[c.object]
        assert s.level < o.level
        sign = PREDICATES[c.predicate].sign
        if sign in ("+", "-"):
            assert (sign == "+") == (s.potential == o.potential)


def test_refuses_to_overwrite_a_non_empty_folder(tmp_path: Path) -> None:
    out = tmp_path / "busy"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    with pytest.raises(SystemExit):
        generate.main(["--claims", "100", "--out", str(out), "--quiet"])
    with pytest.raises(SystemExit):  # not a generated corpus: not even with --force
        generate.main(["--claims", "100", "--out", str(out), "--force", "--quiet"])
    assert (out / "notes.txt").read_text() == "mine"
