"""Cache entries under ``<root>/build/cache/`` that hold only data.

What kg derives from a corpus (each file's parse, compiled parts of the graph, the question
index, the SPARQL store) is kept here so that unchanged inputs are not processed twice. Rules
(issue 17):

- **Data only.** Entries are JSON written by :func:`encode`, generic over the dataclasses
  kg stores (``dataclasses.fields`` introspection, nested tuples, lists, dicts, sets). A
  reader (:func:`loads`, one ``json.loads`` with an object hook) rebuilds objects only of
  the classes in :func:`_classes`; nothing read from disk is ever unpickled or evaluated.
- **Keys bind what the value depends on**: the input bytes, the corpus location and the
  code version (:func:`code_fingerprint`).
- **Verified.** An entry is ``MAGIC``, its key, the SHA-256 of its payload, then the
  payload. A reader that finds another key, a bad checksum, a truncated file or a payload
  that does not decode gets None and rebuilds; damage is never trusted.
- **No links, no special files.** :func:`cache_dir` refuses a ``build/`` or cache folder
  that is a symlink or not a folder (the cache is then off); entries are opened with
  ``O_NOFOLLOW | O_NONBLOCK`` and must be regular files (a FIFO never blocks a command).
  :func:`prune` removes only regular files and never follows a link.
- **Atomic.** Writes go to a temporary file in the same folder, renamed into place.
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import json
import os
import stat
import sys
import tempfile
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import Any

CACHE_DIR = Path("build") / "cache"
#: Bump when the stored shape changes in a way the code fingerprint would not catch.
FORMAT = 3
MAGIC = b"kg-cache-json 3\n"
#: Entries larger than this are not read (a damaged or foreign file).
MAX_ENTRY_BYTES = 1 << 30


@cache
def code_fingerprint() -> str:
    """A digest of the kg package as installed: a new or edited kg invalidates every
    entry. See :func:`fingerprint_of`."""
    return fingerprint_of(Path(__file__).resolve().parent)


def fingerprint_of(pkg: Path) -> str:
    """The Python version and the names, sizes and mtimes of every file under ``pkg``
    (modules, shipped queries, vocabularies, shapes; not bytecode). kg's version number
    would add nothing to that, and reading it would import importlib.metadata on every
    cold question."""
    h = hashlib.sha256(f"{FORMAT}|{sys.version}".encode())
    for path in sorted(pkg.rglob("*")):
        if "__pycache__" in path.parts or not path.is_file():
            continue
        st = path.stat()
        h.update(f"{path.relative_to(pkg).as_posix()}|{st.st_size}|{st.st_mtime_ns}\n"
                 .encode())
    return h.hexdigest()


def digest(*items: str | bytes) -> str:
    """SHA-256 of ``items``, each length-prefixed (no two lists give the same bytes)."""
    h = hashlib.sha256()
    for item in items:
        data = item.encode("utf-8", "surrogatepass") if isinstance(item, str) else item
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


# -- the codec ----------------------------------------------------------------------------------


@cache
def _classes() -> dict[str, type]:
    """The classes an entry may hold, by name: every dataclass and enum of kg.corpus.model,
    kg.diagnostics and the compiled Part."""
    from kg import diagnostics
    from kg.corpus import model
    from kg.graph import parts

    out: dict[str, type] = {}
    for module in (model, diagnostics):
        for name, obj in vars(module).items():
            if isinstance(obj, type) and obj.__module__ == module.__name__ and (
                    dataclasses.is_dataclass(obj) or issubclass(obj, enum.Enum)):
                out[name] = obj
    out["Part"] = parts.Part
    return out


class DecodeError(ValueError):
    """A payload that is not something kg wrote."""


#: How the encoding marks what JSON has no type for: ``{"!": tag, "a": [...]}`` where the tag
#: is a dataclass or enum name, or one of these for tuples, dicts and sets. A dataclass's
#: list holds its fields in ``dataclasses.fields`` order (entries are keyed by the code, so
#: another field order never meets this one).
_TUPLE, _DICT, _SET = "(", "{", "<"
#: a lazy span of the fast YAML path: its file and lazy mark (kg.corpus.fastyaml.LazySpan)
_LAZY = "~"


@cache
def _lazy() -> type:
    from kg.corpus.fastyaml import LazySpan

    return LazySpan


@cache
def _getter(cls: type) -> Callable[[Any], Any]:
    """A function giving the field values of an instance of the dataclass ``cls``."""
    import operator

    names = [f.name for f in dataclasses.fields(cls)]
    if len(names) == 1:
        one = operator.attrgetter(names[0])
        return lambda obj: (one(obj),)
    return operator.attrgetter(*names) if names else (lambda obj: ())


def encode(obj: Any) -> Any:
    """``obj`` as JSON-ready data. A dataclass becomes ``{"!": name, "a": [fields]}`` over
    ``dataclasses.fields``, so a field added to a model class needs no change here."""
    cls = obj.__class__
    if obj is None or cls is str or cls is int or cls is float or cls is bool:
        return obj
    if cls is list:
        return [encode(v) for v in obj]
    if cls is tuple:
        return {"!": _TUPLE, "a": [encode(v) for v in obj]}
    if cls is dict:
        return {"!": _DICT, "a": [[encode(k), encode(v)] for k, v in obj.items()]}
    if cls is _lazy():  # kept lazy: decoded again inside kg.corpus.fastyaml.scope
        lazy: Any = obj
        return {"!": _LAZY, "a": [lazy.file, *lazy.at]}
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {"!": cls.__name__, "a": [encode(v) for v in _getter(cls)(obj)]}
    if isinstance(obj, enum.Enum):
        return {"!": cls.__name__, "a": [obj.value]}
    if isinstance(obj, set | frozenset):
        return {"!": _SET, "a": [encode(v) for v in obj]}
    if isinstance(obj, str | int | float):  # subclasses of plain values
        return encode(cls.__mro__[-2](obj))
    if isinstance(obj, tuple | list | dict):
        return encode(cls.__mro__[-2](obj))
    raise TypeError(f"cannot cache a {cls.__name__}")


def _hook(d: dict[str, Any]) -> Any:
    """json.loads' object_hook: every JSON object in an entry is one of encode's."""
    tag = d.get("!")
    items = d.get("a")
    if len(d) != 2 or not isinstance(tag, str) or not isinstance(items, list):
        raise DecodeError("unexpected mapping")
    if tag == _TUPLE:
        return tuple(items)
    if tag == _DICT:
        return {_hashable(k): v for k, v in items}
    if tag == _SET:
        return {_hashable(v) for v in items}
    if tag == _LAZY:
        from kg.corpus.fastyaml import scoped_span

        if (len(items) != 3 or not isinstance(items[0], str)
                or not all(type(v) is int for v in items[1:])):
            raise DecodeError("malformed lazy span")
        span = scoped_span(items[0], (items[1], items[2]))
        if span is None:
            raise DecodeError("a lazy span outside its file's scope")
        return span
    cls = _classes().get(tag)
    if cls is None:
        raise DecodeError(f"unknown class {tag!r}")
    return cls(*items)  # a dataclass (fields in order) or an enum (its value)


def _hashable(value: Any) -> Any:
    hash(value)  # TypeError (a DecodeError to the caller) for a list or dict key
    return value


def dumps(obj: Any) -> bytes:
    return json.dumps(encode(obj), ensure_ascii=False, separators=(",", ":")).encode(
        "utf-8", "surrogatepass")


def loads(data: bytes) -> Any:
    try:
        return json.loads(data.decode("utf-8", "surrogatepass"), object_hook=_hook)
    except DecodeError:
        raise
    except (ValueError, RecursionError, TypeError, KeyError) as exc:
        raise DecodeError(f"{type(exc).__name__}: {exc}") from None


# -- safe paths ---------------------------------------------------------------------------------


def _plain_dir(path: Path, create: bool) -> bool:
    """Whether ``path`` is a real folder (created if missing and ``create``), not a link."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        if not create:
            return False
        try:
            os.mkdir(path)
            st = os.lstat(path)
        except OSError:
            return False
    except OSError:
        return False
    return stat.S_ISDIR(st.st_mode)


def cache_dir(root: Path, *parts: str, create: bool = True) -> Path | None:
    """``<root>/build/cache/<parts...>``, or None when any folder on the way below the root
    is a symlink, not a folder, or cannot be made: the cache is then off."""
    path = Path(root)
    for name in (*CACHE_DIR.parts, *parts):
        path = path / name
        if not _plain_dir(path, create):
            return None
    return path


def _read_whole(path: Path, flags: int,
                limit: int | None) -> tuple[os.stat_result, bytes] | OSError:
    """Open ``path`` (``flags`` added to a non-blocking read-only open) and read it whole if
    it is a regular file of at most ``limit`` bytes, checked before and while reading. Never
    blocks on a FIFO; an OSError is returned, not raised."""
    flags |= os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        return exc
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            return OSError(21, "not a regular file")
        if limit is not None and st.st_size > limit:
            return TooLarge(st.st_size, limit)
        chunks = []
        total = 0
        while chunk := os.read(fd, 1 << 20):
            total += len(chunk)
            if limit is not None and total > limit:
                return TooLarge(total, limit)
            chunks.append(chunk)
        return st, b"".join(chunks)
    except OSError as exc:
        return exc
    finally:
        os.close(fd)


def read_regular(path: Path, limit: int = MAX_ENTRY_BYTES) -> bytes | None:
    """The bytes of ``path`` if it is a regular file (not a link, FIFO or device) of at
    most ``limit`` bytes; else None. Never blocks."""
    got = _read_whole(path, getattr(os, "O_NOFOLLOW", 0), limit)
    return None if isinstance(got, OSError) else got[1]


def write_atomic_bytes(path: Path, chunks: Iterable[bytes]) -> bool:
    """Write ``path`` through a temporary file in its folder; False when not possible.
    An existing symlink or special file at ``path`` is left alone (False)."""
    try:
        st = os.lstat(path)
        if not stat.S_ISREG(st.st_mode):
            return False
    except FileNotFoundError:
        pass
    except OSError:
        return False
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError:
        return False
    try:
        with os.fdopen(fd, "wb") as f:
            for chunk in chunks:
                f.write(chunk)
        os.replace(tmp, path)
        return True
    except OSError:
        _unlink(tmp)
        return False
    except BaseException:  # an interrupt: leave no temporary file behind
        _unlink(tmp)
        raise


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def prune(folder: Path, keep: Callable[[str], bool]) -> None:
    """Remove the regular files directly in ``folder`` for which ``keep(name)`` is false.
    Symlinks, folders and special files are never followed nor removed."""
    try:
        with os.scandir(folder) as it:
            entries = list(it)
    except OSError:
        return
    for entry in entries:
        try:
            if keep(entry.name) or entry.is_symlink() or not entry.is_file(
                    follow_symlinks=False):
                continue
            os.unlink(entry.path)
        except OSError:
            continue


# -- entries ------------------------------------------------------------------------------------


def entry_bytes(key: str, payload: bytes) -> bytes:
    return MAGIC + key.encode("ascii") + b"\n" + hashlib.sha256(payload).hexdigest().encode(
        "ascii") + b"\n" + payload


def verified_payload(data: bytes | None, key: str) -> bytes | None:
    """The payload of an entry's bytes if they carry ``key`` and a matching checksum."""
    if data is None:
        return None
    head = MAGIC + key.encode("ascii") + b"\n"
    if not data.startswith(head):
        return None
    rest = data[len(head):]
    checksum, sep, payload = rest.partition(b"\n")
    if not sep or hashlib.sha256(payload).hexdigest().encode("ascii") != checksum:
        return None
    return payload


def read_entry(path: Path, key: str) -> Any | None:
    """The object stored under ``key`` at ``path``, or None (missing, another key, damaged,
    not a regular file)."""
    payload = verified_payload(read_regular(path), key)
    if payload is None:
        return None
    try:
        value: Any = loads(payload)
    except DecodeError:
        return None
    return value


def write_entry(path: Path, key: str, value: Any) -> bool:
    """Store ``value`` atomically; False (and nothing written) when that is not possible."""
    try:
        payload = dumps(value)
    except (TypeError, ValueError, RecursionError):
        return False
    return write_atomic_bytes(path, [entry_bytes(key, payload)])


def content_key(root: Path) -> str:
    """SHA-256 over the kg code, the root's path, and (relative path, bytes) of every input
    file in a stable order. An unreadable file is hashed as its error."""
    from kg.root import corpus_files

    h = hashlib.sha256(f"{code_fingerprint()}\0{root}".encode("utf-8", "surrogatepass"))
    for path in corpus_files(root):
        rel = path.relative_to(root).as_posix()
        data = read_input(path)
        if isinstance(data, OSError):
            h.update(f"\0{rel}\0unreadable:{data.errno}\0".encode("utf-8", "surrogatepass"))
            continue
        h.update(f"\0{rel}\0".encode("utf-8", "surrogatepass"))
        h.update(hashlib.sha256(data.data).digest())
    _settings(h, root)
    return h.hexdigest()


def _settings(h: Any, root: Path) -> None:
    """Add the corpus's settings files (kg.config: ignores and the base IRI) to ``h``."""
    from kg.root import SETTINGS_FILES

    for name in SETTINGS_FILES:
        data = read_regular(root / name, 16 * 1024 * 1024)
        if data is not None:
            h.update(f"\0{name}\0".encode())
            h.update(hashlib.sha256(data).digest())


def key_of_digests(root: Path, digests: dict[str, str]) -> str:
    """:func:`content_key` from the digests of the bytes a load actually parsed."""
    h = hashlib.sha256(f"{code_fingerprint()}\0{root}".encode("utf-8", "surrogatepass"))
    for rel, value in digests.items():
        if value.startswith("unreadable:"):
            h.update(f"\0{rel}\0{value}\0".encode("utf-8", "surrogatepass"))
            continue
        h.update(f"\0{rel}\0".encode("utf-8", "surrogatepass"))
        h.update(bytes.fromhex(value))
    _settings(h, root)
    return h.hexdigest()


# -- inputs -------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, slots=True)
class Read:
    """One input file as read: its bytes, their SHA-256, and the file's identity then."""

    data: bytes
    sha256: str
    size: int
    mtime_ns: int
    ino: int


class TooLarge(OSError):
    """An input over its size limit (checked before reading)."""

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(27, "file too large")  # EFBIG
        self.size, self.limit = size, limit


def read_input(path: Path, limit: int | None = None) -> Read | OSError:
    """Read an input file once: size checked on the open file before reading, regular
    files only, never blocking on a FIFO. An OSError (returned, not raised) otherwise."""
    got = _read_whole(path, 0, limit)
    if isinstance(got, OSError):
        return got
    st, data = got
    return Read(data, hashlib.sha256(data).hexdigest(), st.st_size, st.st_mtime_ns, st.st_ino)


def unchanged(path: Path, read: Read) -> bool:
    """Whether ``path`` still looks like the file :func:`read_input` read."""
    try:
        st = os.stat(path)
    except OSError:
        return False
    return (st.st_size, st.st_mtime_ns, st.st_ino) == (read.size, read.mtime_ns, read.ino) \
        and len(read.data) == read.size
