"""Run the loader and every check over a corpus: a sorted list of diagnostics."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from kg.checks import bibliography, consistency, identifiers, integrity, studies, types
from kg.corpus import load_corpus
from kg.diagnostics import Diagnostic, sort_diagnostics
from kg.model import Corpus
from kg.progress import Progress, silent

Check = Callable[[Corpus], Iterator[Diagnostic]]

CHECKS: tuple[Check, ...] = (
    integrity.check,
    bibliography.check,
    studies.check,
    identifiers.check,
    types.check,
    consistency.check,
)


def validate(root: Path, *, use_cache: bool = False,
             progress: Progress = silent) -> tuple[Corpus, list[Diagnostic]]:
    """Load the corpus at ``root`` and run every check. Never raises on bad input.

    ``use_cache`` keeps each file's parse under build/cache/ (see kg.corpus.load_corpus);
    ``progress`` hears of the files parsed and the checks run (kg.progress).
    """
    corpus, diags = load_corpus(root, use_cache=use_cache, progress=progress)
    for i, check in enumerate(CHECKS):
        diags.extend(check(corpus))
        progress("checking", i + 1, len(CHECKS))
    return corpus, sort_diagnostics(diags)
