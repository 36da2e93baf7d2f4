"""Compiled parts of the graph, cached per input file under ``<root>/build/cache/compiled/``.

`kg build` compiles the corpus in parts (kg.graph.compiler): the entities of each file, the
claims of each file, the references with their studies, and the article. Each cached part
is stored under a key that covers everything its triples depend on:

- every part: this cache format, the kg code fingerprint (kg.cache.code_fingerprint:
  every module of the kg package), the pyoxigraph version, the corpus location and the
  base IRI;
- the entities of a file: that file's bytes;
- the claims of a file: that file's bytes, and the key and design of every study its
  evidence lines name (a claim's computed status and evidence level, and each evidence
  line's ECO type, come from the designs); an entity or another claim it names appears
  only as an IRI, so their files do not count;
- the references: references.bib's bytes and the bytes of every file holding studies
  (journal IRIs are numbered across all references).

The article part (citations and paragraphs, which depend on every claim) is small and is
compiled every time. After one claim file changes, only that file's part is compiled
again; the rest is read back and merged (kg.graph.compiler._assemble).

File bytes are never read here: the digests are those of the bytes the load parsed
(Corpus.digests), so a file edited mid-build cannot leave an old part under a new key.

Entries are data-only kg.cache entries (JSON with a checksum, written atomically), one
file per part, named by a hash of the part's name; an entry whose key differs is
replaced. A missing, damaged or foreign entry is ignored and recompiled; a cache folder
that is a symlink is not used; an unwritable folder only costs speed. Entries of parts
that no longer exist are removed (never following a link).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import Any, Protocol

from kg.cache import digest as _sha
from kg.corpus.model import Claim, Corpus, Entity, Study
from kg.graph.parts import Part, by_file


class Compiler(Protocol):
    """What kg.graph.compiler's compiler offers: the corpus, the base IRI, and one part per
    unit (kg.graph.build_cache never imports kg.graph.compiler: the compiler calls it)."""

    c: Corpus
    base: str

    def entities_part(self, entities: Iterable[Entity]) -> Part: ...

    def claims_part(self, claims: Iterable[Claim]) -> Part: ...

    def references_part(self) -> Part: ...

    def article_part(self, claim_parts: Iterable[Part]) -> Part: ...

CACHE_DIR = Path("build") / "cache" / "compiled"
#: Bump when the stored shape changes in a way the code fingerprint would not catch.
FORMAT = 2
_SUFFIX = ".part"


def cache_dir(root: Path) -> Path:
    return root / CACHE_DIR


class _Files:
    """The SHA-256 of each input's bytes as the load parsed them (Corpus.digests): files
    are never read a second time, so a part is stored under the key of the bytes it was
    compiled from."""

    def __init__(self, corpus: Corpus) -> None:
        self._digests = corpus.digests

    def digest(self, rel: str) -> str:
        found = self._digests.get(rel)
        if found is None or found.startswith("unreadable:"):
            import os

            return f"unread:{os.urandom(8).hex()}"  # never a cache hit
        return found


#: One cached entry: its key, the part, and the studies whose design the part depends on
#: (study key, design, or "" for a study that does not exist), checked when it is read.
Deps = list[tuple[str, str]]


def read_part(path: Path, key: str) -> tuple[Part, Deps] | None:
    """The part stored at ``path`` under ``key`` and its study dependencies, or None
    (missing, another key, damaged, not a regular file)."""
    from kg.cache import read_entry

    payload: Any = read_entry(path, key)
    if not (isinstance(payload, list) and len(payload) == 2):
        return None
    part, deps = payload
    if not (isinstance(part, Part) and isinstance(part.subjects, list)
            and isinstance(part.blocks, list) and len(part.subjects) == len(part.blocks)
            and all(isinstance(b, str) for b in part.blocks)
            and isinstance(part.triples, int) and isinstance(part.tails, dict)
            and isinstance(part.assertions, list) and isinstance(deps, list)
            and all(isinstance(d, list) and len(d) == 2 for d in deps)):
        return None
    return part, [(str(a), str(b)) for a, b in deps]


def write_part(path: Path, key: str, part: Part, deps: Deps) -> None:
    """Store ``part`` at ``path`` atomically; a failure only means no cache."""
    from kg.cache import write_entry

    write_entry(path, key, [part, [list(d) for d in deps]])


class Unit:
    """One cacheable part: its name (``claims:<file>``...), key, and how to compile it."""

    __slots__ = ("name", "key", "make", "records", "is_claims")

    def __init__(self, name: str, key: str, make: Callable[[], Part],
                 records: list[Claim] | None = None) -> None:
        self.name = name
        self.key = key
        self.make = make
        self.records = records
        self.is_claims = records is not None

    def deps(self, studies: dict[str, Study]) -> Deps:
        """The studies (and their designs) the claims of this part name."""
        keys = {ev.study for claim in self.records or () for ev in claim.evidence}
        return sorted((k, studies[k].design if k in studies else "") for k in keys)


def units(comp: Compiler, root: Path, base: str) -> list[Unit]:
    """Every cacheable part of the corpus (see the module docstring for what each key
    covers; a claims part's study designs are checked against its stored deps)."""
    import pyoxigraph

    from kg.cache import code_fingerprint

    c: Corpus = comp.c
    files = _Files(c)
    common = _sha(str(FORMAT), code_fingerprint(), pyoxigraph.__version__, str(root), base)
    out: list[Unit] = []
    for rel, entities in by_file(c.entities.values()).items():
        name = f"entities:{rel}"
        out.append(Unit(name, _sha(common, name, files.digest(rel)),
                        partial(comp.entities_part, entities)))
    for rel, claims in by_file(c.claims.values()).items():
        name = f"claims:{rel}"
        out.append(Unit(name, _sha(common, name, files.digest(rel)),
                        partial(comp.claims_part, claims), claims))
    sources = sorted({r.span.file for r in c.references.values()}
                     | {s.span.file for s in c.studies.values()})
    name = "references"
    out.append(Unit(name, _sha(common, name, *(f"{rel}\0{files.digest(rel)}" for rel in sources)),
                    comp.references_part))
    return out


def _fresh(deps: Deps, designs: dict[str, str]) -> bool:
    """Whether every study a part depends on still has the design it had."""
    get = designs.get
    return all(get(key, "") == design for key, design in deps)


def compiled_parts(comp: Compiler, root: Path) -> list[Part]:
    """Every part of the graph: cached parts read back, the others compiled and stored."""
    from kg.cache import cache_dir as safe_dir

    folder = safe_dir(root, "compiled")
    studies = comp.c.studies
    designs = {key: study.design for key, study in studies.items()}
    parts: list[Part] = []
    claim_parts: list[Part] = []
    used: set[str] = set()
    for unit in units(comp, root, comp.base):
        name = _sha(unit.name)[:32] + _SUFFIX
        used.add(name)
        found = read_part(folder / name, unit.key) if folder is not None else None
        if found is not None and _fresh(found[1], designs):
            part = found[0]
        else:
            part = unit.make()
            if folder is not None:
                write_part(folder / name, unit.key, part, unit.deps(studies))
        parts.append(part)
        if unit.is_claims:
            claim_parts.append(part)
    parts.append(comp.article_part(claim_parts))
    if folder is not None:
        from kg.cache import prune

        # entries of parts that no longer exist; never follows a link
        prune(folder, lambda name: name in used or not name.endswith(_SUFFIX))
    return parts
