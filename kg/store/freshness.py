"""Is the store still the corpus's? Answered without reading the corpus when nothing moved.

The store is trusted when its content key (kg.cache.content_key: a SHA-256 over every
input file, the settings, the root and the kg code) is the corpus's. Hashing 90 MB of YAML
on every question would cost more than the answer, so the manifest also records a
*snapshot*: (path, size, mtime_ns, ctime_ns, inode) of every input and settings file and
(path, size, mtime_ns) of every kg module. When the snapshot taken now equals the recorded
one, the key is not recomputed. ctime cannot be set back by ``os.utime``, so a file
rewritten with the same size and mtime still shows. A file changed in the last RACY_NS
before the snapshot was taken is recorded as never matching (git's "racily clean" rule),
so a write landing in the same timestamp tick as the snapshot is never missed. When the
snapshot differs, the key is recomputed; if it still matches, only the snapshot is
rewritten.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from kg.root import SETTINGS_FILES

#: Bump when the snapshot's shape changes.
FORMAT = 2
#: Files changed this recently before a snapshot are not trusted by their stat alone.
RACY_NS = 2_000_000_000
_KG = Path(__file__).resolve().parent.parent


def _suffix(name: str) -> str:
    """``PurePath(name).suffix`` without building a path."""
    i = name.rfind(".")
    return name[i:] if 0 < i < len(name) - 1 else ""


def input_files(root: Path) -> list[str]:
    """The relative paths of kg.root.corpus_files(root), sorted (references.bib first)."""
    from kg.root import walk_inputs

    return [p.relative_to(root).as_posix() for p in walk_inputs(root).files]


def _code_files() -> list[list[Any]]:
    """(path, size, mtime_ns) of the kg modules and data that kg.cache.code_fingerprint
    hashes, and of the shipped queries."""
    out: list[list[Any]] = []

    def walk(folder: str, rel: str) -> None:
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
        for e in entries:
            r = f"{rel}{e.name}"
            if e.is_dir():
                if e.name != "__pycache__":
                    walk(e.path, r + "/")
            elif _suffix(e.name) in (".py", ".json", ".rq", ".ttl"):
                st = e.stat()
                out.append([r, st.st_size, st.st_mtime_ns])

    walk(str(_KG), "")
    return out


def take_snapshot(root: Path) -> dict[str, Any]:
    """The stat of every input file and kg module now, with the time it was taken."""
    taken = time.time_ns()
    files: list[list[Any]] = []
    for rel in input_files(root):
        try:
            st = os.stat(os.path.join(root, rel))
        except OSError:
            files.append([rel, -2, 0, 0, 0])
            continue
        files.append([rel, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino])
    for rel in SETTINGS_FILES:  # kg.config: ignores and the base IRI change the answers
        try:
            st = os.stat(os.path.join(root, rel))
            files.append([rel, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino])
        except OSError:
            files.append([rel, 0, 0, 0, 0])  # absent: stable, so it matches next time
    return {"head": [FORMAT, sys.version, str(root)], "code": _code_files(), "files": files,
            "taken": taken}


def snapshot_text(snap: dict[str, Any], *, record: bool) -> str:
    """The snapshot as stored and compared. ``record`` marks the entries not to be trusted
    later (unreadable, or changed within RACY_NS of ``taken``) with size -1, which no stat
    ever matches."""
    files = snap["files"]
    if record:
        limit = snap["taken"] - RACY_NS
        files = [f if f[1] >= 0 and f[2] < limit and f[3] < limit else [f[0], -1, 0, 0, 0]
                 for f in files]
    return json.dumps([snap["head"], snap["code"], files], separators=(",", ":"))
