"""A fast YAML path that keeps no positions: rapidyaml parses, emits JSON, ``json.loads`` reads.

kg.corpus.yamlfile (PyYAML, libyaml's C parser) stays the reference loader: it keeps the position
of every key and value. This module reads the same files about ten times faster
(docs/performance.md) by leaving positions out, and gives up on a file, returning None,
whenever it cannot promise the reference loader's data for it:

- anything the reference loader treats specially: anchors, aliases, tags, merge keys,
  directives, several documents, complex keys, escapes, tabs, carriage returns, control
  or non-printable characters, a byte-order mark, line breaks other than LF
  (a conservative scan of the bytes, :func:`declines`);
- a duplicate key, a ``true``/``false``/null-word value, a number JSON reads but YAML 1.1
  would not (``1e5``, ``NaN``), or a string that YAML 1.1 would type as something else if
  it was written plain (``yes``, ``no``, ``on``, ``~``, ``0123``, ``2024-01-01``...: the
  JSON text does not say whether it was quoted);
- a top level that is not a mapping; anything rapidyaml cannot parse or emit.

What it returns has the reference loader's shape, :class:`FastDict` and :class:`FastList`
(PosDict and PosList), with *lazy* marks instead of positions: a mark names a node by the
post-order number of the mapping that holds it (the order in which ``json.loads`` closes
objects, which is the order of a post-order walk of the reference tree) and the key's place
in it. A :class:`LazySpan` made from such a mark finds its line and column on first use, by
parsing that one file with the reference loader (:class:`Positions`). A file whose schema
check reports anything is read again by the reference loader (kg.corpus.load), so diagnostics
keep the reference loader's file, line and column; a span of a clean file is resolved only
when something (a cross-file check, ``kg show``) needs it.

Numbers keep their text as written (``1.10``) so that a number in a text field reads as
written, as PosDict.raw does for the reference loader; the schema turns them into plain
ints and floats.
"""

from __future__ import annotations

import json
import os
import re
import sys
from array import array
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import yaml as _yaml

from kg.corpus.model import Span
from kg.corpus.yamlfile import (
    MAX_BYTES,
    TYPED_FIRSTS,
    Mark,
    PosDict,
    PosList,
    implicit_resolvers,
)

#: A mark packed in one integer: line << _COL | column.
_COL = 32

try:  # the fast path is optional: without rapidyaml every file takes the reference path
    import ryml as _ryml  # type: ignore[import-untyped]
except ImportError:  # pragma: no cover - rapidyaml is a dependency
    _ryml = None


def available() -> bool:
    return _ryml is not None


class Declined(Exception):
    """The fast path cannot promise the reference loader's reading of this file."""


# -- a conservative scan of the bytes -------------------------------------------------------

#: An indicator where YAML would read it as one: anchors, aliases, tags, complex keys,
#: directives and reserved characters, at a node's start (line start, after "- ", ": ",
#: or a flow bracket or comma).
_INDICATOR = re.compile(rb"(?:^|[-:\[\]{},])[ ]*[&*!?%@`]|<<", re.M)
_ASCII_BAD = re.compile(rb"[\x00-\x09\x0b-\x1f\x7f\\]")  # controls, tab, CR, backslash
#: As PyYAML's Reader refuses (yaml.reader.Reader.NON_PRINTABLE), plus the line breaks
#: PyYAML knows and rapidyaml does not (NEL, U+2028, U+2029), a BOM, tab, CR and backslash.
_TEXT_BAD = re.compile(
    r"[^\x0a\x20-\x5b\x5d-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd"
    r"\U00010000-\U0010ffff]")


#: The bytes a plain ASCII file may hold without a closer look: printable ASCII and LF,
#: less the backslash (escapes).
_PLAIN = bytes(range(0x20, 0x7F)).replace(b"\\", b"") + b"\n"
_INDICATOR_BYTES = tuple(bytes([c]) for c in b"&*!?%@`<")


def declines(raw: bytes) -> bool:
    """Whether the bytes hold anything the fast path leaves to the reference loader."""
    if len(raw) > MAX_BYTES or not raw:
        return True
    if raw.translate(None, _PLAIN):  # a byte outside printable ASCII and LF
        if not raw.isascii() and not _ASCII_BAD.search(raw):
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                return True
            if _TEXT_BAD.search(text):
                return True
        else:
            return True
    if raw.startswith((b"---", b"...")) or b"\n---" in raw or b"\n..." in raw:
        return True
    if any(c in raw for c in _INDICATOR_BYTES):
        return _INDICATOR.search(raw) is not None
    return False


# -- typing scalars as YAML 1.1 would -------------------------------------------------------

#: First characters for which PyYAML's implicit resolvers may give something other than a
#: string (bool, null, int, float, timestamp, merge, value); "" is the empty scalar.
_seen: dict[str, bool] = {}
_YAML_FLOAT = re.compile(r"[-+]?[0-9][0-9]*\.[0-9]*(?:[eE][-+][0-9]+)?\Z")


#: A number rapidyaml writes to JSON as a number when it is plain: as a JSON string it was
#: quoted in the YAML (checked against the bytes too: see _Builder).
_JSON_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?\Z")


def _matchers() -> dict[str, Callable[[str], object]]:
    """First character -> one compiled test of whether PyYAML's implicit resolvers for it
    type a plain scalar as anything but a string (their patterns joined in one); "" and
    ``*&!`` (never plain) -> a test that always holds."""
    out: dict[str, Callable[[str], object]] = {}
    for first in TYPED_FIRSTS:
        parts = []
        for tag, rx in implicit_resolvers(first):
            if tag == "tag:yaml.org,2002:str":
                continue
            pattern = rx.pattern
            if not (pattern.startswith("^") and pattern.endswith("$")):  # pragma: no cover
                raise AssertionError(f"unexpected resolver pattern {pattern!r}")
            flags = "x" if rx.flags & re.VERBOSE else ""
            parts.append(f"(?{flags}:{pattern[1:-1]})")
        if parts:
            out[first] = re.compile("^(?:" + "|".join(parts) + ")$").match
    always = re.compile("").match
    out.update({c: always for c in ("", "*", "&", "!")})
    return out


#: See :func:`_matchers`; _typed(text) is ``_MATCH[text[:1]](text)`` where text[:1] is risky.
_MATCH = _matchers()


def _typed(text: str) -> bool:
    """Whether PyYAML would read ``text``, written plain, as anything but that string."""
    found = _seen.get(text)
    if found is None:
        match = _MATCH.get(text[:1])
        found = match is not None and bool(match(text))
        if len(text) <= 40 and len(_seen) < 100_000:
            _seen[text] = found
    return found


class LitInt(int):
    """An integer that remembers how it was written (a text field reads it as written)."""

    text: str


class LitFloat(float):
    """A float that remembers how it was written (``1.10``), or None if unsure."""

    text: str | None


def _int(text: str) -> LitInt:
    value = LitInt(text)
    value.text = text  # rapidyaml writes a plain integer as it was written
    return value


#: Floats rapidyaml may have rewritten: it writes ``12.`` as ``12.0`` and ``.5`` as ``0.5``.
_REWRITTEN = re.compile(r"[-+]?(?:0\.[0-9]+|[0-9]+\.0)(?:[eE][-+][0-9]+)?\Z")


def _float(text: str) -> LitFloat:
    if not _YAML_FLOAT.match(text):  # 1e5 is a string to YAML 1.1
        raise Declined(text)
    value = LitFloat(text)
    # the text as written, unless rapidyaml may have rewritten it: as a number the value
    # is the same, and a text field holding it has no text, so the schema check stops and
    # the reference loader reads the file
    value.text = None if _REWRITTEN.match(text) else text
    return value


def _constant(text: str) -> Any:
    raise Declined(text)  # NaN, Infinity: strings to YAML 1.1


# -- containers with lazy marks ----------------------------------------------------------------

#: A lazy mark is (-(n + 1), code) for the mapping numbered n: code 0 is the mapping's start,
#: 1 + 2i the i-th key, 2 + 2i its value, and -(1 + (i << 24) + j) the j-th item of the list
#: that is the i-th key's value.
_SHIFT = 24


class FastDict(PosDict):
    """A PosDict from the fast path: marks are lazy (see the module docstring)."""

    __slots__ = ("ordinal", "_index")
    ordinal: int
    _index: dict[Any, int]

    #: made by dict's own constructor from the (key, value) pairs (no Python call for each
    #: mapping of every file)
    __init__ = dict.__init__

    @property
    def start(self) -> Mark:  # type: ignore[override]
        return (-self.ordinal - 1, 0)

    @property
    def spelled_null(self) -> set[Any]:  # type: ignore[override]
        return set()

    @property
    def raw(self) -> dict[Any, str]:  # type: ignore[override]
        return {k: v.text for k, v in self.items()
                if isinstance(v, LitInt | LitFloat) and v.text is not None}

    def _at(self, key: Any) -> int | None:
        try:
            index = self._index
        except AttributeError:
            index = self._index = {k: i for i, k in enumerate(self)}
        return index.get(key)

    def key_mark(self, key: str) -> Mark:
        i = self._at(key)
        return self.start if i is None else (-self.ordinal - 1, 1 + 2 * i)

    def value_mark(self, key: str) -> Mark:
        i = self._at(key)
        return self.start if i is None else (-self.ordinal - 1, 2 + 2 * i)


class FastList(PosList):
    """A PosList from the fast path: the value of key number ``slot`` of a FastDict."""

    __slots__ = ("owner", "slot")
    owner: int
    slot: int

    #: made by list's own constructor; the builder then sets owner and slot
    __init__ = list.__init__

    @property
    def start(self) -> Mark:  # type: ignore[override]
        return (-self.owner - 1, 2 + 2 * self.slot)

    @property
    def raw(self) -> dict[int, str]:  # type: ignore[override]
        return {i: v.text for i, v in enumerate(self)
                if isinstance(v, LitInt | LitFloat) and v.text is not None}

    def item_mark(self, i: int) -> Mark:
        if i >= len(self):
            return self.start
        return (-self.owner - 1, -(1 + (self.slot << _SHIFT) + i))


class _Builder:
    """json.loads' object_pairs_hook: numbers mappings in the order they close."""

    def __init__(self, raw: bytes) -> None:
        self.raw = raw
        self.count = 0
        self.nulls = False

    def quoted(self, text: str) -> bool:
        """Whether a string YAML would type if plain was surely quoted: rapidyaml writes a
        plain number as a JSON number, so a JSON string "15" was quoted, as the bytes show."""
        if not _JSON_NUMBER.match(text):
            return False
        b = text.encode()
        return b'"' + b + b'"' in self.raw or b"'" + b + b"'" in self.raw

    def __call__(self, pairs: list[tuple[str, Any]]) -> FastDict:
        d: FastDict = FastDict(pairs)
        if len(d) != len(pairs):
            raise Declined("duplicate key")
        n = d.ordinal = self.count
        self.count = n + 1
        seen = _seen
        typed_by = _MATCH.get  # first character -> the test (_typed without its cache)
        for i, (k, v) in enumerate(pairs):
            typed = seen.get(k)  # keys repeat: most are found here
            if typed is None:
                typed = _typed(k)
            if typed and not self.quoted(k):
                raise Declined(k)
            c = v.__class__
            if c is str:
                match = typed_by(v[:1])
                if match is not None and match(v) and not self.quoted(v):
                    raise Declined(v)
            elif c is list:
                for item in v:
                    ic = item.__class__
                    if ic is str:
                        match = typed_by(item[:1])
                        if match is not None and match(item) and not self.quoted(item):
                            raise Declined(item)
                    elif ic is list or ic is bool or item is None:
                        raise Declined("list item")
                fl = d[k] = FastList(v)
                fl.owner, fl.slot = n, i
            elif v is None:
                self.nulls = True
            elif c is bool:
                raise Declined("bool")
        return d


_devnull: list[int] = []


@contextmanager
def _quiet() -> Iterator[None]:
    """Silence file descriptor 2: rapidyaml prints each parse error there before raising."""
    try:
        if not _devnull:
            _devnull.append(os.open(os.devnull, os.O_WRONLY | getattr(os, "O_CLOEXEC", 0)))
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError, AttributeError):
        yield
        return
    try:
        os.dup2(_devnull[0], 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def load(raw: bytes) -> FastDict | None:
    """The data of one YAML file as the reference loader would read it, without positions;
    None when the fast path cannot promise that (see the module docstring)."""
    if _ryml is None or declines(raw):
        return None
    try:
        with _quiet():
            tree = _ryml.parse_in_arena(raw)
            if not tree.is_map(tree.root_id()):
                return None
            text = _ryml.emit_json_malloc(tree, tree.root_id())
        del tree
        build = _Builder(raw)
        data = json.loads(text, object_pairs_hook=build, parse_int=_int,
                          parse_float=_float, parse_constant=_constant)
    except Exception:  # Declined, a rapidyaml error, JSON rapidyaml should not have made
        return None
    if not isinstance(data, FastDict):
        return None
    if build.nulls and (b"null" in raw or b"Null" in raw or b"NULL" in raw):
        return None  # an empty value and the word null read alike here, not to the schema
    found: FastDict = data
    return found


# -- positions, found when needed ---------------------------------------------------------------

_Parser: Any = getattr(_yaml, "CSafeLoader", _yaml.SafeLoader)
_NODE_EVENTS = (_yaml.ScalarEvent, _yaml.MappingStartEvent, _yaml.SequenceStartEvent,
                _yaml.AliasEvent)


class Positions:
    """The reference loader's marks for one file's lazy marks, found on first use.

    libyaml (PyYAML's C parser, as in the reference loader) reads the file's events once;
    the marks of every mapping's start, keys and values and of every list's items are kept
    packed in arrays (a few bytes a mark), numbered as the fast path numbered them: a
    mapping when it closes. The file is one the fast path read, so it has no alias, merge
    key or duplicate key, and an event's mark is the reference loader's mark of its node.
    """

    __slots__ = ("file", "raw", "_starts", "_first", "_kv", "_items")

    def __init__(self, file: str, raw: bytes) -> None:
        self.file, self.raw = file, raw
        self._starts: array[int] | None = None
        self._first: array[int] = array("q")
        self._kv: array[int] = array("q")
        self._items: dict[tuple[int, int], array[int]] = {}

    def _load(self) -> array[int]:
        yaml = _yaml
        starts, first, kv = array("q"), array("q"), array("q")
        items: dict[tuple[int, int], array[int]] = {}
        # a frame: [is_mapping, start mark, marks (key, value, ... or items),
        #           the mapping that owns a list, the list's slot there, a mapping's lists]
        stack: list[list[Any]] = []
        try:
            for ev in yaml.parse(self.raw, Loader=_Parser):
                cls = ev.__class__
                if cls is yaml.MappingEndEvent:
                    frame = stack.pop()
                    n = len(starts)  # numbered when it closes, as json.loads' hook does
                    starts.append(frame[1])
                    first.append(len(kv))
                    kv.extend(frame[2])
                    for slot, marks in frame[5].items():
                        items[(n, slot)] = array("q", marks)
                elif cls is yaml.SequenceEndEvent:
                    frame = stack.pop()
                    if frame[3] is not None:
                        frame[3][5][frame[4]] = frame[2]
                elif cls in _NODE_EVENTS:
                    m: Any = ev.start_mark
                    mark = ((m.line + 1) << _COL) | (m.column + 1)
                    parent = stack[-1] if stack else None
                    slot = -1
                    if parent is not None:
                        slot = len(parent[2]) // 2  # the key's place, for a value
                        parent[2].append(mark)
                    if cls is yaml.MappingStartEvent:
                        stack.append([True, mark, [], None, -1, {}])
                    elif cls is yaml.SequenceStartEvent:
                        owner = parent if parent is not None and parent[0] else None
                        stack.append([False, mark, [], owner, slot, {}])
        except Exception:  # the fast path read it; libyaml should too
            starts, first, kv, items = array("q"), array("q"), array("q"), {}
        self._first, self._kv, self._items = first, kv, items
        self._starts = starts
        return starts

    def span(self, at: Mark) -> Span:
        return LazySpan(self.file, self, at)

    def at(self, ordinal: int, code: int) -> Span:
        """``span((-ordinal - 1, code))``, made quicker (the fast schema path makes many)."""
        s = _new(LazySpan)
        _set_file(s, self.file)
        _set_positions(s, self)
        _set_packed(s, (ordinal + 1) * _PACK + code + _HALF)
        return s

    def mark(self, at: Mark) -> Mark:
        """The 1-based (line, column) a lazy mark stands for; (1, 1) if it is unknown."""
        line, code = at
        if line > 0:
            return at
        starts = self._starts if self._starts is not None else self._load()
        n = -line - 1
        if n >= len(starts):
            return (1, 1)
        packed = starts[n]
        if code != 0:
            lo = self._first[n]
            hi = self._first[n + 1] if n + 1 < len(self._first) else len(self._kv)
            if code > 0:
                at_kv = lo + code - 1  # keys and values alternate
                if at_kv < hi:
                    packed = self._kv[at_kv]
            else:
                i, j = divmod(-code - 1, 1 << _SHIFT)
                seq = self._items.get((n, i))
                if seq is not None and j < len(seq):
                    packed = seq[j]
                elif lo + 2 * i + 1 < hi:
                    packed = self._kv[lo + 2 * i + 1]
        return (packed >> _COL, packed & ((1 << _COL) - 1))


#: A lazy span keeps its mark as one integer (less memory than a tuple of two).
_PACK = 1 << 52


class LazySpan(Span):
    """A Span whose line and column are found on first use (see :class:`Positions`).

    Equal to, and hashed as, the Span of the same place; copied or pickled as that Span.
    """

    __slots__ = ("_positions", "_packed")
    _positions: Positions
    _packed: int

    def __init__(self, file: str, positions: Positions, at: Mark) -> None:  # noqa: D107
        object.__setattr__(self, "file", file)
        object.__setattr__(self, "_positions", positions)
        object.__setattr__(self, "_packed", -at[0] * _PACK + at[1] + _PACK // 2)

    @property
    def at(self) -> Mark:
        """The lazy mark (kg.cache stores it as it is)."""
        n, code = divmod(self._packed, _PACK)
        return (-n, code - _PACK // 2)

    @property
    def line(self) -> int:
        return self._positions.mark(self.at)[0]

    @property
    def column(self) -> int:
        return self._positions.mark(self.at)[1]

    def resolved(self) -> Span:
        line, column = self._positions.mark(self.at)
        return Span(self.file, line, column)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Span):
            return (self.file, self.line, self.column) == (other.file, other.line, other.column)
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.file, self.line, self.column))

    def __repr__(self) -> str:
        return repr(self.resolved())

    def __str__(self) -> str:
        line, column = self._positions.mark(self.at)
        return f"{self.file}:{line}:{column}"

    def __reduce__(self) -> tuple[Any, ...]:
        return (Span, (self.file, self.line, self.column))


_new = object.__new__
_set_file = Span.__dict__["file"].__set__
_set_positions = LazySpan.__dict__["_positions"].__set__
_set_packed = LazySpan.__dict__["_packed"].__set__
_HALF = _PACK // 2


#: file -> its Positions, while kg.cache decodes that file's entry (see :func:`scope`)
_scope: dict[str, Positions] = {}


@contextmanager
def scope(file: str, raw: bytes) -> Iterator[None]:
    """Lazy spans of ``file`` read from a cache entry meanwhile find their positions in
    ``raw`` (the bytes the entry was made from: its key binds their digest)."""
    _scope[file] = Positions(file, raw)
    try:
        yield
    finally:
        _scope.pop(file, None)


def scoped_span(file: str, at: Mark) -> LazySpan | None:
    """A lazy span of ``file`` decoded inside :func:`scope`; None outside it."""
    positions = _scope.get(file)
    return None if positions is None else LazySpan(file, positions, at)
