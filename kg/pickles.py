"""Pickled cache entries under ``<root>/build/cache/``: keyed, atomic, self-checking.

An entry starts with a magic line and the 64-character key it was written for; a reader
that asks for another key, or finds a corrupt or truncated file, gets None and rebuilds.
Writes go to a temporary file in the same folder and are renamed into place, so a crash
never leaves a half-written entry that is later trusted. An unwritable folder only costs
speed.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from functools import cache
from pathlib import Path

from kg.root import SETTINGS_FILES, corpus_files

CACHE_DIR = Path("build") / "cache"
#: Bump when a pickled shape changes in a way the code fingerprint would not catch.
FORMAT = 2
_MAGIC = b"kg-cache\n"


@cache
def code_fingerprint() -> str:
    """Names, sizes and mtimes of the kg package's modules: a new kg invalidates entries."""
    pkg = Path(__file__).resolve().parent
    h = hashlib.sha256(f"{FORMAT}|{sys.version}".encode())
    for path in sorted(pkg.rglob("*")):
        if path.suffix in (".py", ".json") and "__pycache__" not in path.parts:
            st = path.stat()
            h.update(f"{path.relative_to(pkg).as_posix()}|{st.st_size}|{st.st_mtime_ns}\n"
                     .encode())
    return h.hexdigest()


def content_key(root: Path) -> str:
    """SHA-256 over the kg code, the root's path, and (relative path, size, bytes) of every
    input file in a stable order. A changed, added or removed file changes it; mtimes are
    not trusted. An unreadable file is hashed as its error, never as readable content."""
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
    for name in SETTINGS_FILES:  # kg.config: ignores and the base IRI
        try:
            data = (root / name).read_bytes()
        except OSError:
            continue
        h.update(f"\0{name}\0{len(data)}\0".encode())
        h.update(data)
    return h.hexdigest()


def read_entry(path: Path, key: str) -> object | None:
    """The object stored under ``key`` at ``path``, or None (missing, other key, corrupt)."""
    try:
        with path.open("rb") as f:
            if f.read(len(_MAGIC)) != _MAGIC:
                return None
            if f.read(64).decode("ascii", "replace") != key:
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
