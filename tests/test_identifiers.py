"""CURIE checks against the Bioregistry snapshot, and the snapshot's freshness."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from kg.checks.identifiers import expand, problem

REPO = Path(__file__).parent.parent


@pytest.mark.parametrize("curie", ["HGNC:11926", "hgnc:11926", "UniProtKB:O14788",
                                   "MESH:D053245", "CHEBI:50790", "GO:0001503",
                                   "NCBIGene:8600", "FPLX:IL1", "MONDO:0005298"])
def test_valid_curies(curie: str) -> None:
    assert problem(curie) is None


@pytest.mark.parametrize(("curie", "code"), [
    ("HGCN:11926", "KG401"), ("NOTAPREFIX:1", "KG401"), ("HGNC:RANKL", "KG402"),
    ("GO:123", "KG402"), ("rankl", "KG403"), ("HGNC:", "KG403"), (":123", "KG403"),
])
def test_invalid_curies(curie: str, code: str) -> None:
    found = problem(curie)
    assert found is not None and found[0] == code


def test_unknown_prefix_hint() -> None:
    found = problem("HGCN:11926")
    assert found is not None and found[2] == "did you mean 'HGNC'?"


def test_expand() -> None:
    assert expand("CHEBI:50790") == "http://purl.obolibrary.org/obo/CHEBI_50790"
    assert expand("NOPE:1") is None


def test_snapshot_matches_installed_bioregistry() -> None:
    sys.path.insert(0, str(REPO / "tools"))
    try:
        from refresh_prefixes import snapshot
    finally:
        sys.path.pop(0)
    stored = json.loads((REPO / "kg" / "data" / "prefixes.json").read_text(encoding="utf-8"))
    fresh = snapshot()
    assert stored["bioregistry"] == fresh["bioregistry"], (
        f"snapshot from bioregistry {stored['bioregistry']}, installed "
        f"{fresh['bioregistry']}: pin it in pyproject.toml or run tools/refresh_prefixes.py")
    assert stored == json.loads(json.dumps(fresh)), "run tools/refresh_prefixes.py"
