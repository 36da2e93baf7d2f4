"""Run the loader and every check over a corpus: a sorted list of diagnostics."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from kg.checks import bibliography, consistency, identifiers, integrity, studies, types
from kg.corpus.load import load_corpus
from kg.corpus.model import Corpus
from kg.diagnostics import Diagnostic, sort_diagnostics
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


@dataclass(frozen=True, slots=True)
class Validation:
    corpus: Corpus
    #: what the checks found, less what the corpus's settings ignore; sorted
    diagnostics: list[Diagnostic]
    #: what the settings ignored (kg.toml or [tool.kg] ``ignore``), sorted
    ignored: list[Diagnostic]
    #: where the settings came from, or None
    settings: str | None


def run_validation(root: Path, *, use_cache: bool = False, fast: bool = True,
                   progress: Progress = silent) -> Validation:
    """Load the corpus at ``root``, run every check and drop what the corpus's settings
    ignore. Never raises on a bad corpus; a malformed settings file is a KgError.

    ``use_cache`` keeps each file's parse under build/cache/ (see kg.corpus.load.load_corpus)
    and the check results, so that only what an edit can affect is checked again
    (kg.checks.state; the result is the same);
    ``progress`` hears of the files parsed and the checks run (kg.progress); ``fast``
    reads YAML through kg.corpus.fastyaml first (the same result; False: the reference loader
    only).
    """
    from kg.checks.codes import CODES
    from kg.config import load_settings

    settings = load_settings(root, known_codes=tuple(CODES))
    corpus, diags = load_corpus(root, use_cache=use_cache, fast=fast, progress=progress)
    if use_cache:  # only what changed since the last run is checked again (kg.checks.state)
        from kg.checks import state

        diags.extend(state.check(root, corpus, progress).diagnostics())
    else:
        for i, check in enumerate(CHECKS):
            diags.extend(check(corpus))
            progress("checking", i + 1, len(CHECKS))
    kept: list[Diagnostic] = []
    ignored: list[Diagnostic] = []
    for d in sort_diagnostics(diags):
        covered = any(ig.covers(d.code, d.file) for ig in settings.ignores)
        (ignored if covered else kept).append(d)
    return Validation(corpus, kept, ignored, settings.source)


def validate(root: Path, *, use_cache: bool = False, fast: bool = True,
             progress: Progress = silent) -> tuple[Corpus, list[Diagnostic]]:
    """The corpus and its diagnostics (less those its settings ignore): see
    :func:`run_validation`."""
    v = run_validation(root, use_cache=use_cache, fast=fast, progress=progress)
    return v.corpus, v.diagnostics
