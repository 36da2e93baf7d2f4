"""The library's layout: no import circles in kg/, and no private name used across modules.

Every import counts, including those inside functions (kg imports heavy modules lazily)
and those only for type checking: a circle through any of them is a design circle."""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx  # type: ignore[import-untyped,unused-ignore]

KG = Path(__file__).parent.parent / "kg"


def _modules(root: Path = KG) -> dict[str, Path]:
    out = {}
    for p in sorted(root.rglob("*.py")):
        parts = p.relative_to(root.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = p
    return out


def _imports(path: Path) -> list[tuple[str, list[str]]]:
    """(module, names) of every kg import in the file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and (
                node.module == "kg" or node.module.startswith("kg.")):
            found.append((node.module, [a.name for a in node.names]))
        elif isinstance(node, ast.Import):
            found += [(a.name, []) for a in node.names if a.name.startswith("kg.")]
    return found


def import_graph(root: Path = KG) -> nx.DiGraph:
    mods = _modules(root)
    graph = nx.DiGraph()
    for name, path in mods.items():
        graph.add_node(name)
        for module, names in _imports(path):
            targets = [f"{module}.{n}" for n in names if f"{module}.{n}" in mods] or [module]
            for t in targets:
                if t in mods and t not in (name, "kg"):
                    graph.add_edge(name, t)
    return graph


def test_kg_has_no_import_circle() -> None:
    graph = import_graph()
    assert graph.number_of_edges() > 50  # the walk found the imports
    cycles = sorted(" -> ".join(c) for c in nx.simple_cycles(graph))
    assert cycles == []


def test_no_private_name_is_imported_across_modules() -> None:
    offenders = []
    for name, path in _modules().items():
        for module, names in _imports(path):
            offenders += [f"{name}: from {module} import {n}" for n in names
                          if n.startswith("_") and not n.startswith("__")]
    cli = KG.parent / "cli.py"
    for module, names in _imports(cli):
        offenders += [f"cli: from {module} import {n}" for n in names if n.startswith("_")]
    assert offenders == []


def test_the_circle_check_sees_a_circle(tmp_path: Path) -> None:
    """The check is real: a lazy import inside a function closing a circle is found."""
    pkg = tmp_path / "kg"
    (pkg / "store").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "store" / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from kg.store import b\n")
    (pkg / "store" / "b.py").write_text("def f() -> None:\n    from kg import a\n")
    cycles = list(nx.simple_cycles(import_graph(pkg)))
    assert sorted(cycles[0]) == ["kg.a", "kg.store.b"]
