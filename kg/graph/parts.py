"""Compiled parts of the graph (kg.graph.compiler makes them; kg.graph.build_cache stores them).

The graph is compiled in parts, one per unit: the entities of a file, the claims of a
file, the references, and the article. A part is closed subject blocks of Turtle sorted by
subject IRI, and what other units' blocks need from it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TypeVar

T = TypeVar("T")

#: One claim's plain triple, kept apart because it lands on the subject entity's block:
#: (entity IRI, claim id, entity text, predicate text, object text).
Assertion = tuple[str, str, str, str, str]


@dataclass(slots=True)
class Part:
    """The compiled output of one unit (a file, or the whole-corpus article part):
    closed subject blocks sorted by subject IRI, and what other units' blocks need."""

    subjects: list[str]
    blocks: list[str]
    triples: int
    #: last predicate of each entity block, to append assertions to it
    tails: dict[str, str] = field(default_factory=dict)
    assertions: list[Assertion] = field(default_factory=list)
    #: what the article part needs from claims: their source paragraphs (section, n)
    #: and the references they cite for the article (article_cites)
    paragraphs: list[tuple[str, int]] = field(default_factory=list)
    cites: list[str] = field(default_factory=list)


def by_file(records: Iterable[T]) -> dict[str, list[T]]:
    """Records grouped by the file they come from, files sorted."""
    out: dict[str, list[T]] = {}
    for rec in records:
        file: str = rec.span.file  # type: ignore[attr-defined]
        group = out.get(file)
        if group is None:
            out[file] = [rec]
        else:
            group.append(rec)
    return dict(sorted(out.items()))
