"""Compiled parts of the graph, cached per input file under ``<root>/build/cache/compiled/``.

`kg build` compiles the corpus in parts (kg.compiler): the entities of each file, the
claims of each file, the references with their studies, and the article. Each cached part
is stored under a key that covers everything its triples depend on:

- every part: this cache format, the kg code fingerprint (kg.pickles.code_fingerprint:
  every module of the kg package), the pyoxigraph version and the base IRI;
- the entities of a file: that file's bytes;
- the claims of a file: that file's bytes, and the key and design of every study its
  evidence lines name (a claim's computed status and evidence level, and each evidence
  line's ECO type, come from the designs); an entity or another claim it names appears
  only as an IRI, so their files do not count;
- the references: references.bib's bytes and the bytes of every file holding studies
  (journal IRIs are numbered across all references).

The article part (citations and paragraphs, which depend on every claim) is small and is
compiled every time. After one claim file changes, only that file's part is compiled
again; the rest is read back and merged (kg.compiler._assemble).

Entries are pickles written atomically (temporary file in the same folder, then
os.replace), one file per part, named by a hash of the part's name; an entry whose key
differs is replaced. A missing, unreadable or corrupt entry is ignored and recompiled; an
unwritable folder only costs speed. Entries of parts that no longer exist are removed.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from kg.model import Claim, Corpus, Study

if TYPE_CHECKING:
    from kg.compiler import Part, _Compiler

CACHE_DIR = Path("build") / "cache" / "compiled"
#: Bump when the stored shape changes in a way the code fingerprint would not catch.
FORMAT = 1
_MAGIC = b"kg-compiled-part\n"
_SUFFIX = ".part"


def cache_dir(root: Path) -> Path:
    return root / CACHE_DIR


def _sha(*items: str | bytes) -> str:
    h = hashlib.sha256()
    for item in items:
        data = item.encode("utf-8") if isinstance(item, str) else item
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


class _Files:
    """SHA-256 of the bytes of the corpus's files, read once each."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._seen: dict[str, str] = {}

    def digest(self, rel: str) -> str:
        found = self._seen.get(rel)
        if found is None:
            try:
                data = (self.root / rel).read_bytes()
                found = hashlib.sha256(data).hexdigest()
            except OSError as exc:  # never a cache hit for a file we cannot read
                found = f"unreadable:{exc.errno}:{os.urandom(8).hex()}"
            self._seen[rel] = found
        return found


#: One cached entry: its key, the part, and the studies whose design the part depends on
#: (study key, design, or "" for a study that does not exist), checked when it is read.
Deps = list[tuple[str, str]]


def read_part(path: Path, key: str) -> tuple[Part, Deps] | None:
    """The part stored at ``path`` under ``key`` and its study dependencies, or None
    (missing, another key, corrupt)."""
    from kg.compiler import Part

    try:
        with path.open("rb") as f:
            if f.read(len(_MAGIC)) != _MAGIC or f.read(64).decode("ascii", "replace") != key:
                return None
            payload = pickle.load(f)
        fields, deps = payload
        part = Part(*fields)
    except Exception:  # noqa: BLE001 - any damage means: compile the part again
        return None
    if not (isinstance(part.subjects, list) and isinstance(part.blocks, list)
            and len(part.subjects) == len(part.blocks) and isinstance(part.triples, int)
            and isinstance(part.tails, dict) and isinstance(part.assertions, list)
            and isinstance(deps, list)):
        return None
    return part, deps


def write_part(path: Path, key: str, part: Part, deps: Deps) -> None:
    """Store ``part`` at ``path`` atomically; an OSError only means no cache."""
    fields = (part.subjects, part.blocks, part.triples, part.tails, part.assertions,
              part.paragraphs, part.cites)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(_MAGIC)
            fh.write(key.encode("ascii"))
            pickle.dump((fields, deps), fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass


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


def units(comp: _Compiler, root: Path, base: str) -> list[Unit]:
    """Every cacheable part of the corpus (see the module docstring for what each key
    covers; a claims part's study designs are checked against its stored deps)."""
    import pyoxigraph

    from kg.compiler import _by_file
    from kg.pickles import code_fingerprint

    c: Corpus = comp.c
    files = _Files(root)
    common = _sha(str(FORMAT), code_fingerprint(), pyoxigraph.__version__, base)
    out: list[Unit] = []
    for rel, entities in _by_file(c.entities.values()).items():
        name = f"entities:{rel}"
        out.append(Unit(name, _sha(common, name, files.digest(rel)),
                        partial(comp.entities_part, entities)))
    for rel, claims in _by_file(c.claims.values()).items():
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


def compiled_parts(comp: _Compiler, root: Path) -> list[Part]:
    """Every part of the graph: cached parts read back, the others compiled and stored."""
    folder = cache_dir(root)
    studies = comp.c.studies
    designs = {key: study.design for key, study in studies.items()}
    parts: list[Part] = []
    claim_parts: list[Part] = []
    used: set[str] = set()
    for unit in units(comp, root, comp.base):
        path = folder / (_sha(unit.name)[:32] + _SUFFIX)
        used.add(path.name)
        found = read_part(path, unit.key)
        if found is not None and _fresh(found[1], designs):
            part = found[0]
        else:
            part = unit.make()
            write_part(path, unit.key, part, unit.deps(studies))
        parts.append(part)
        if unit.is_claims:
            claim_parts.append(part)
    parts.append(comp.article_part(claim_parts))
    _prune(folder, used)
    return parts


def _prune(folder: Path, used: set[str]) -> None:
    """Remove entries of parts that no longer exist (a deleted or renamed file)."""
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        if name.endswith(_SUFFIX) and name not in used:
            try:
                os.unlink(folder / name)
            except OSError:
                pass
