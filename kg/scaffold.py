"""`kg init`: write a new, valid, empty corpus."""

from __future__ import annotations

from pathlib import Path

from kg.errors import KgError
from kg.root import BIB_FILE, CLAIMS_DIR

FILES = {
    f"{CLAIMS_DIR}/entities.yaml": (
        "# Every entity the claims name: id, label, role, kind, xrefs, synonyms.\n"
        "# See docs/format.md of the kg project.\n"
        "entities: []\n"
    ),
    f"{CLAIMS_DIR}/studies.yaml": (
        "# One record per cited work, keyed by its references.bib key.\n"
        "studies: {}\n"
    ),
    f"{CLAIMS_DIR}/claims.yaml": (
        "# Claims, one subject-predicate-object each, with their evidence.\n"
        "claims: []\n"
    ),
    BIB_FILE: "% Bibliographic records, keyed as claims/studies.yaml is keyed.\n",
}


def init_corpus(target: Path) -> list[Path]:
    """Create the corpus files under ``target``; refuse to overwrite anything."""
    clashes = [target / rel for rel in FILES if (target / rel).exists()]
    if clashes:
        raise KgError(f"{clashes[0]} already exists; kg init only creates new corpora")
    if target.exists() and not target.is_dir():
        raise KgError(f"{target} exists and is not a folder")
    written = []
    try:
        for rel, text in FILES.items():
            path = target / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            written.append(path)
    except OSError as exc:
        for path in written:
            path.unlink(missing_ok=True)
        raise KgError(f"cannot create the corpus in {target}: {exc.strerror or exc}") from None
    return written
