"""Safe YAML loading that keeps the position of every key and value.

Mappings load as :class:`PosDict` and sequences as :class:`PosList`; both carry 1-based
(line, column) marks. Duplicate keys, unsafe tags, alias bombs, oversized files and bad
encodings become diagnostics, never exceptions.
"""

from __future__ import annotations

from typing import Any

import yaml

from kg.diagnostics import Diagnostic, Severity

MAX_BYTES = 16 * 1024 * 1024
#: Expanded size (scalars + containers) above which aliasing is treated as a bomb.
MAX_EXPANDED_NODES = 1_000_000
#: Expanded text (characters of every string, each time an alias repeats it) above which
#: aliasing is treated as a bomb: one 1 MB string aliased 2,000 times is 2 G characters.
MAX_EXPANDED_CHARS = 4 * MAX_BYTES

Mark = tuple[int, int]


class PosDict(dict[Any, Any]):
    """A dict that knows where it starts and where each key and value sits."""

    __slots__ = ("start", "keys_at", "values_at", "spelled_null", "raw")

    def __init__(self) -> None:
        super().__init__()
        self.start: Mark = (1, 1)
        self.keys_at: dict[Any, Mark] = {}
        self.values_at: dict[Any, Mark] = {}
        #: keys whose value was written as the word null (not left empty)
        self.spelled_null: set[Any] = set()
        #: the text as written of values YAML 1.1 turned into numbers, booleans or dates
        #: (``0123``, ``1:30``, ``1.10``, ``yes``): a text field keeps what was written
        self.raw: dict[Any, str] = {}

    def key_mark(self, key: str) -> Mark:
        return self.keys_at.get(key, self.start)

    def value_mark(self, key: str) -> Mark:
        return self.values_at.get(key, self.keys_at.get(key, self.start))


class PosList(list[Any]):
    """A list that knows where it starts and where each item sits."""

    __slots__ = ("start", "items_at", "raw")

    def __init__(self) -> None:
        super().__init__()
        self.start: Mark = (1, 1)
        self.items_at: list[Mark] = []
        #: item index -> text as written, as PosDict.raw
        self.raw: dict[int, str] = {}

    def item_mark(self, i: int) -> Mark:
        return self.items_at[i] if i < len(self.items_at) else self.start


class NeedPositions(Exception):
    """Data from the fast path (kg.corpus.fastyaml) met something only the reference loader can
    report or read as written: read the file again with :func:`load_yaml`."""


class _Refused(Exception):
    """Input the converter will not turn into data: (mark, code, message, hint)."""

    def __init__(self, mark: Mark, code: str, message: str, hint: str | None = None) -> None:
        self.mark, self.code, self.message, self.hint = mark, code, message, hint


_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_MERGE = "tag:yaml.org,2002:merge"
_NULL_WORDS = frozenset(("null", "Null", "NULL"))


class _Composer(_Base):  # type: ignore[misc]
    """The YAML parser (C when available) with a faster implicit-tag resolver.

    Only composition is used: the node tree is turned into data by :class:`_Converter`,
    which skips PyYAML's generic constructor machinery.
    """

    _table: dict[str, list[tuple[str, Any]]] = {}

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        if kind is yaml.ScalarNode:
            if not implicit[0]:
                return _STR
            first = value[0] if value else ""
            for tag, regexp in self._resolvers_for(first):
                if regexp.match(value):
                    return str(tag)
            return _STR
        return _SEQ if kind is yaml.SequenceNode else _MAP

    @classmethod
    def _resolvers_for(cls, first: str) -> list[tuple[str, Any]]:
        found = cls._table.get(first)
        if found is None:
            found = cls._table[first] = list(
                cls.yaml_implicit_resolvers.get(first, [])
            ) + list(cls.yaml_implicit_resolvers.get(None, []))
        return found


def implicit_resolvers(first: str) -> list[tuple[str, Any]]:
    """PyYAML's implicit resolvers, (tag, pattern), for a plain scalar starting with
    ``first`` ("" for the empty scalar): how the reference loader types plain text."""
    return _Composer._resolvers_for(first)


#: The first characters of plain scalars the reference loader may type as other than text.
TYPED_FIRSTS: frozenset[str] = frozenset(
    k for k in _Composer.yaml_implicit_resolvers if k is not None)


class _Converter:
    """Node tree -> PosDict / PosList / scalars, with marks, in one recursive pass."""

    def __init__(self, loader: _Composer) -> None:
        self.loader = loader
        self.done: dict[int, Any] = {}
        self.active: set[int] = set()
        self.alias_hits = 0
        self.chars = 0
        self.duplicates: list[tuple[str, Mark, Mark]] = []
        scalar = loader.yaml_constructors
        self.scalar_tags = {
            tag: fn for tag, fn in scalar.items()
            if tag is not None and tag not in (_MAP, _SEQ, _STR)
            and tag.rsplit(":", 1)[-1] in ("null", "bool", "int", "float", "timestamp")
        }

    def convert(self, node: Any) -> Any:
        if node.__class__ is yaml.ScalarNode:
            if node.tag == _STR:
                value = node.value
                self.chars += len(value)  # an aliased string counts each time it is used
                if self.chars > MAX_EXPANDED_CHARS:
                    raise _Refused(_node_mark(node), "KG004",
                                   "anchors expand the text past the size limit",
                                   "write values out instead of referring to anchors")
                return value
            return self.scalar(node)
        key = id(node)
        if key in self.done:
            self.alias_hits += 1
            return self.done[key]
        if key in self.active:
            raise _Refused(_node_mark(node), "KG004", "an anchor refers to itself",
                           "write values out instead of referring to anchors")
        self.active.add(key)
        if node.__class__ is yaml.MappingNode and node.tag == _MAP:
            result: Any = self.mapping(node)
        elif node.__class__ is yaml.SequenceNode and node.tag == _SEQ:
            result = self.sequence(node)
        else:
            raise _unsafe(node)
        self.active.discard(key)
        self.done[key] = result
        return result

    def scalar(self, node: Any) -> Any:
        fn = self.scalar_tags.get(node.tag)
        if fn is None:
            raise _unsafe(node)
        try:
            return fn(self.loader, node)
        except yaml.constructor.ConstructorError:
            raise
        except Exception:  # `!!bool x`, `!!int ''`, `!!timestamp x`: a tag the value defies
            tag = str(node.tag).replace("tag:yaml.org,2002:", "!!")
            value = str(node.value)
            shown = value if len(value) <= 40 else value[:40] + "..."
            raise _Refused(_node_mark(node), "KG002",
                           f"YAML syntax: {shown!r} cannot be read as {tag}",
                           "remove the tag, or write a value of that type") from None

    def mapping(self, node: Any) -> PosDict:
        data = PosDict()
        data.start = _node_mark(node)
        keys_at, values_at = data.keys_at, data.values_at
        merges = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                merges.append(value_node)
                continue
            key = self.convert(key_node)
            try:
                hash(key)
            except TypeError:
                raise _Refused(_node_mark(key_node), "KG002",
                               "YAML syntax: a mapping key must be a plain value, "
                               "not a list or mapping") from None
            km = _node_mark(key_node)
            if key in data:
                self.duplicates.append((str(key), km, keys_at[key]))
            value = data[key] = self.convert(value_node)
            if value_node.__class__ is yaml.ScalarNode and value_node.tag != _STR:
                if value is None and value_node.value in _NULL_WORDS:
                    data.spelled_null.add(key)
                if value is not None:
                    data.raw[key] = value_node.value
            keys_at[key] = km
            values_at[key] = _node_mark(value_node)
        for merge in merges:  # `<<: *base` fills in keys the mapping does not set itself
            sources = merge.value if merge.__class__ is yaml.SequenceNode else [merge]
            for source in sources:
                other = self.convert(source)
                if not isinstance(other, PosDict):
                    raise _Refused(_node_mark(source), "KG002",
                                   "YAML syntax: '<<' must merge a mapping")
                for k, v in other.items():
                    if k not in data:
                        data[k] = v
                        keys_at[k] = other.keys_at[k]
                        values_at[k] = other.values_at[k]
        return data

    def sequence(self, node: Any) -> PosList:
        data = PosList()
        data.start = _node_mark(node)
        convert = self.convert
        for i, child in enumerate(node.value):
            value = convert(child)
            data.append(value)
            data.items_at.append(_node_mark(child))
            if value is not None and child.__class__ is yaml.ScalarNode and child.tag != _STR:
                data.raw[i] = child.value
        return data


def plain_hint(text: str, line: int, problem: str) -> str | None:
    """What a YAML parser's complaint most often means, in plain words, or None."""
    lines = text.split("\n")  # as the parser counts lines (not splitlines: U+2028 is text)
    here = lines[line - 1] if 0 < line <= len(lines) else ""
    before = lines[line - 2] if 1 < line <= len(lines) + 1 else ""
    if "\t" in here[: len(here) - len(here.lstrip())] or "\t" in before[
            : len(before) - len(before.lstrip())] or "tab" in problem:
        return ("this line is indented with a tab; YAML allows only spaces: replace each "
                "tab with spaces (two per level, as in the rest of the file)")
    if "mapping values are not allowed" in problem:
        return ("a value holds ': ' (colon and space), or this line is indented deeper than "
                "the key above it: quote the value (\"...\") or line the key up with its "
                "neighbours")
    if any(p in problem for p in ("expected <block end>", "did not find expected key",
                                  "could not find expected ':'", "expected '-' indicator")):
        return ("the indentation changes here: keys of one mapping must start in the same "
                "column, and a list's items (- ...) must line up with each other")
    return None


def _node_mark(node: Any) -> Mark:
    m = node.start_mark
    return (m.line + 1, m.column + 1)


def _unsafe(node: Any) -> _Refused:
    tag = str(node.tag).replace("tag:yaml.org,2002:", "!!")
    return _Refused(_node_mark(node), "KG003", f"YAML tag '{tag}' is not allowed",
                    "remove the tag; corpus files hold plain values")


def _expanded_size(obj: Any, memo: dict[int, tuple[int, int]]) -> tuple[int, int]:
    """(nodes, characters) of ``obj`` with shared sub-objects counted each time they
    appear (each capped just past its limit)."""
    oid = id(obj)
    if oid in memo:
        return memo[oid]
    memo[oid] = (1, 0)
    if isinstance(obj, dict):
        n, c = 1, 0
        for k, v in obj.items():
            vn, vc = _expanded_size(v, memo)
            n, c = n + vn + 1, c + vc + (len(k) if isinstance(k, str) else 0)
    elif isinstance(obj, list):
        n, c = 1, 0
        for v in obj:
            vn, vc = _expanded_size(v, memo)
            n, c = n + vn, c + vc
    else:
        n, c = 1, len(obj) if isinstance(obj, str) else 0
    memo[oid] = (min(n, MAX_EXPANDED_NODES + 1), min(c, MAX_EXPANDED_CHARS + 1))
    return memo[oid]


def decode(raw: bytes, file: str) -> tuple[str | None, Diagnostic | None]:
    """UTF-8 text of ``raw`` (a leading BOM dropped), or a KG001 diagnostic."""
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        return None, Diagnostic(
            file, line, column, "KG001", Severity.ERROR,
            f"file is not valid UTF-8 (byte 0x{raw[exc.start]:02x})",
            "save the file as UTF-8",
        )


def load_yaml(raw: bytes, file: str) -> tuple[Any, list[Diagnostic]]:
    """Parse one YAML document. Returns (data or None, diagnostics)."""
    if len(raw) > MAX_BYTES:
        mib = len(raw) / (1024 * 1024)
        return None, [Diagnostic(file, 1, 1, "KG005", Severity.ERROR,
                                 f"file is {mib:.1f} MiB; the limit is 16 MiB",
                                 "split the claims over several topic files")]
    text, problem = decode(raw, file)
    if text is None:
        assert problem is not None
        return None, [problem]
    loader = _Composer(text)
    converter = _Converter(loader)
    try:
        node = loader.get_single_node()
        data = None if node is None else converter.convert(node)
    except _Refused as exc:
        return None, [Diagnostic(file, *exc.mark, exc.code, Severity.ERROR, exc.message,
                                 exc.hint)]
    except yaml.constructor.ConstructorError as exc:  # a malformed int, float or date
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        return None, [Diagnostic(file, line, col, "KG002", Severity.ERROR,
                                 f"YAML syntax: {exc.problem or exc}")]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = exc.problem or exc.context or "cannot parse"
        return None, [Diagnostic(file, line, col, "KG002", Severity.ERROR,
                                 f"YAML syntax: {what}", plain_hint(text, line, what))]
    except yaml.YAMLError as exc:  # reader errors: control characters and the like
        line, col = 1, 1
        pos = getattr(exc, "position", None)
        if isinstance(pos, int):
            before = text[:pos]
            line = before.count("\n") + 1
            col = pos - (before.rfind("\n") + 1) + 1
        reason = getattr(exc, "reason", None) or str(exc).splitlines()[0]
        return None, [Diagnostic(file, line, col, "KG002", Severity.ERROR,
                                 f"YAML syntax: {reason}")]
    except (RecursionError, ValueError, OverflowError) as exc:
        message = ("nesting is too deep" if isinstance(exc, RecursionError)
                   else f"a value cannot be read: {exc}")
        return None, [Diagnostic(file, 1, 1, "KG002", Severity.ERROR,
                                 f"YAML syntax: {message}")]
    finally:
        loader.dispose()
    diags = [
        Diagnostic(file, km[0], km[1], "KG006", Severity.ERROR,
                   f"duplicate key '{key}' (first at line {first[0]})",
                   "delete one of the two keys")
        for key, km, first in converter.duplicates
    ]
    if converter.alias_hits:
        try:
            nodes, chars = _expanded_size(data, {})
            too_big = (converter.alias_hits > 10_000 or nodes > MAX_EXPANDED_NODES
                       or chars > MAX_EXPANDED_CHARS)
        except RecursionError:
            too_big = True
        if too_big:
            return None, [Diagnostic(file, 1, 1, "KG004", Severity.ERROR,
                                     f"anchors are re-used {converter.alias_hits} times and "
                                     "expand past the size limit",
                                     "write values out instead of referring to anchors")]
    return data, diags
