"""Issue 16: incremental checks (kg.checks.recheck) equal a full check after any edit sequence."""

from __future__ import annotations

import importlib.util
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.checks.recheck import affected, check_all, recheck
from kg.checks.validator import CHECKS
from kg.corpus.load import load_corpus
from kg.corpus.vocabulary import PREDICATES, ROLES
from kg.diagnostics import sort_diagnostics

REPO = Path(__file__).parent.parent


def _load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_generate_recheck",
                                                  REPO / "bench" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def template() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "c"
        gen = _load_generator()
        gen.write_corpus(gen.generate(250, seed=3), out, 3)
        yield out


Edit = tuple[int, int, int, int]


def _claim_files(root: Path) -> list[Path]:
    special = {"entities.yaml", "studies.yaml", "article.yaml"}
    return sorted(p for p in (root / "claims").glob("*.yaml") if p.name not in special)


def _apply(root: Path, edit: Edit) -> str:
    """Change one file of the corpus at ``root``; its relative path."""
    kind, a, b, c = edit
    files = _claim_files(root)
    ents: list[Any] = yaml.safe_load((root / "claims/entities.yaml").read_text())["entities"]
    ent_ids = [e["id"] for e in ents]
    if kind == 5:  # an entity's role
        data = yaml.safe_load((root / "claims/entities.yaml").read_text())
        data["entities"][a % len(ents)]["role"] = ROLES[b % len(ROLES)]
        path = root / "claims/entities.yaml"
    elif kind == 6:  # a study's design
        path = root / "claims/studies.yaml"
        data = yaml.safe_load(path.read_text())
        key = sorted(data["studies"])[a % len(data["studies"])]
        data["studies"][key]["design"] = ("rct", "case-report", "in-vitro", "meta-analysis")[b % 4]
    else:
        path = files[a % len(files)]
        data = yaml.safe_load(path.read_text())
        claims = data["claims"]
        if not claims:
            return path.relative_to(root).as_posix()
        claim = claims[b % len(claims)]
        all_ids = [cl["id"] for f in files for cl in yaml.safe_load(f.read_text())["claims"]]
        if kind == 0:  # the predicate
            claim["predicate"] = sorted(PREDICATES)[c % len(PREDICATES)]
        elif kind == 1:  # the subject or object
            claim["subject" if c % 2 else "object"] = ent_ids[c % len(ent_ids)]
        elif kind == 2:  # delete a claim
            claims.remove(claim)
        elif kind == 3:  # a copy, reversed, under a new id (cycles, contradictions)
            copy = dict(claim, id=f"{claim['id']}-copy{c}", subject=claim["object"],
                        object=claim["subject"])
            if any(cl["id"] == copy["id"] for cl in claims):
                copy["id"] += "-again"
            claims.append(copy)
        elif kind == 4:  # an evidence line's stance
            for ev in claim.get("evidence", [])[:1]:
                ev["stance"] = ("supports", "contradicts", "no-effect")[c % 3]
        elif kind == 7:  # acknowledges another claim
            claim["acknowledges"] = [{"claim": all_ids[c % len(all_ids)], "reason": "r"}]
        else:  # superseded
            claim["superseded_by"] = all_ids[c % len(all_ids)]
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    return path.relative_to(root).as_posix()


def _full(root: Path) -> tuple[Any, list[Any]]:
    corpus, _ = load_corpus(root)
    return corpus, sort_diagnostics(d for check in CHECKS for d in check(corpus))


@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.tuples(st.integers(0, 8), st.integers(0, 10**6), st.integers(0, 10**6),
                          st.integers(0, 10**6)), min_size=1, max_size=5))
def test_recheck_equals_a_full_check_over_edit_sequences(template: Path,
                                                          edits: list[Edit]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "c"
        shutil.copytree(template, root)
        corpus, _ = load_corpus(root)
        state = check_all(corpus)
        for edit in edits:
            rel = _apply(root, edit)
            new_corpus, expected = _full(root)
            state = recheck(state, new_corpus, {rel})
            assert state.diagnostics() == expected
            assert check_all(new_corpus).diagnostics() == expected


def test_a_one_claim_edit_affects_a_part_of_the_corpus(template: Path, tmp_path: Path) -> None:
    root = tmp_path / "c"
    shutil.copytree(template, root)
    old, _ = load_corpus(root)
    rel = _apply(root, (4, 0, 0, 1))  # one evidence line's stance
    new, _ = load_corpus(root)
    touched = affected(old, new, {rel})
    assert 0 < len(touched) < len(new.claims)
