"""A cache of the loaded and validated corpus under ``<root>/build/cache/``.

The key is a SHA-256 over the *content* of every input file (references.bib and every YAML
file under claims/, with their relative paths), the root's own path (the corpus
records it) and a fingerprint of the kg code that
loads them and the Python version. A changed, added or removed file changes the key, so a
stale entry is never used; mtimes are not trusted. Hashing a corpus of a few hundred KB
takes about a millisecond, far less than parsing it.

Entries are pickles written atomically (temp file in the same folder, then os.replace).
A missing, corrupt or foreign entry is ignored and rebuilt; an unwritable cache folder
only costs speed. Old entries for the same root are replaced, so the folder holds one
entry per kind (``corpus``, ``graph``, ...).

The question commands no longer unpickle the corpus: they read kg.index's SQLite index
(and an on-disk pyoxigraph store for ``kg sparql``), which uses :func:`content_key` as its
key and a stat snapshot to avoid rehashing on every question.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from kg.corpus import corpus_files
from kg.diagnostics import Diagnostic
from kg.model import Corpus

CACHE_DIR = Path("build") / "cache"
#: Bump when the pickled shape changes in a way the code fingerprint would not catch.
FORMAT = 1
_MAGIC = b"kg-cache\n"

T = TypeVar("T")


def code_fingerprint() -> str:
    """Names, sizes and mtimes of the kg package's modules: a new kg invalidates entries."""
    pkg = Path(__file__).resolve().parent
    h = hashlib.sha256(f"{FORMAT}|{sys.version}".encode())
    for path in sorted(pkg.rglob("*")):
        if path.suffix in (".py", ".json") and "__pycache__" not in path.parts:
            st = path.stat()
            h.update(f"{path.relative_to(pkg).as_posix()}|{st.st_size}|{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


def content_key(root: Path) -> str:
    """SHA-256 over (relative path, size, bytes) of every input file, in a stable order.

    An unreadable file is hashed as its error, so it never collides with readable content.
    """
    h = hashlib.sha256(f"{code_fingerprint()}\0{root}".encode())
    for path in corpus_files(root):
        rel = path.relative_to(root).as_posix()
        try:
            data = path.read_bytes()
        except OSError as exc:
            h.update(f"\0{rel}\0unreadable:{exc.errno}\0".encode())
            continue
        h.update(f"\0{rel}\0{len(data)}\0".encode())
        h.update(data)
    return h.hexdigest()


def entry_path(root: Path, kind: str) -> Path:
    return root / CACHE_DIR / f"{kind}.pickle"


def read_entry(path: Path, key: str) -> object | None:
    """The object stored under ``key`` at ``path``, or None (missing, other key, corrupt)."""
    try:
        with path.open("rb") as f:
            if f.read(len(_MAGIC)) != _MAGIC:
                return None
            stored = f.read(64).decode("ascii", "replace")
            if stored != key:
                return None
            value: object = pickle.load(f)  # noqa: S301 - our own file, in our own folder
            return value
    except Exception:  # corrupt, truncated, unpicklable after a code change: rebuild
        return None


def write_entry(path: Path, key: str, value: object) -> bool:
    """Store ``value`` atomically; False (and nothing written) when that is not possible."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError:
        return False
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(_MAGIC)
            f.write(key.encode("ascii"))
            pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        return True
    except Exception:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        return False


def cached(root: Path, kind: str, key: str, build: Callable[[], T]) -> tuple[T, bool]:
    """``build()``'s result, from the cache when ``key`` matches; (value, was_cached)."""
    path = entry_path(root, kind)
    hit = read_entry(path, key)
    if hit is not None:
        return hit, True  # type: ignore[return-value]
    value = build()
    write_entry(path, key, value)
    return value, False


def load_validated(root: Path, *, use_cache: bool = True) -> tuple[Corpus, list[Diagnostic]]:
    """kg.validator.validate(root), answered from the cache when the inputs are unchanged."""
    corpus, diags, _ = load_validated_keyed(root, use_cache=use_cache)
    return corpus, diags


def load_validated_keyed(
    root: Path, *, use_cache: bool = True
) -> tuple[Corpus, list[Diagnostic], str | None]:
    """Like :func:`load_validated`, with the content key (None without the cache), so that
    what is derived from the corpus (the compiled graph) can be cached under it too."""
    from kg.corpus import no_gc
    from kg.validator import validate

    if not use_cache:
        corpus, diags = validate(root)
        return corpus, diags, None
    key = content_key(root)
    path = entry_path(root, "corpus")
    with no_gc():
        value = read_entry(path, key)
        if not _is_validated(value):  # missing, corrupt, or of another shape: rebuild
            value = validate(root)
            write_entry(path, key, value)
    corpus, diags = value  # type: ignore[misc]
    return corpus, diags, key


def _is_validated(value: object) -> bool:
    return (isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], Corpus)
            and isinstance(value[1], list))
