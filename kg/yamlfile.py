"""Safe YAML loading that keeps the position of every key and value.

Mappings load as :class:`PosDict` and sequences as :class:`PosList`; both carry 1-based
(line, column) marks. Duplicate keys, unsafe tags, alias bombs, oversized files and bad
encodings become diagnostics, never exceptions.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import yaml

from kg.diagnostics import Diagnostic, Severity

MAX_BYTES = 16 * 1024 * 1024
#: Expanded size (scalars + containers) above which aliasing is treated as a bomb.
MAX_EXPANDED_NODES = 1_000_000

Mark = tuple[int, int]


class PosDict(dict[Any, Any]):
    """A dict that knows where it starts and where each key and value sits."""

    __slots__ = ("start", "keys_at", "values_at", "spelled_null")

    def __init__(self) -> None:
        super().__init__()
        self.start: Mark = (1, 1)
        self.keys_at: dict[Any, Mark] = {}
        self.values_at: dict[Any, Mark] = {}
        #: keys whose value was written as the word null (not left empty)
        self.spelled_null: set[Any] = set()

    def key_mark(self, key: str) -> Mark:
        return self.keys_at.get(key, self.start)

    def value_mark(self, key: str) -> Mark:
        return self.values_at.get(key, self.keys_at.get(key, self.start))


class PosList(list[Any]):
    """A list that knows where it starts and where each item sits."""

    __slots__ = ("start", "items_at")

    def __init__(self) -> None:
        super().__init__()
        self.start: Mark = (1, 1)
        self.items_at: list[Mark] = []

    def item_mark(self, i: int) -> Mark:
        return self.items_at[i] if i < len(self.items_at) else self.start


class _Unhashable(Exception):
    def __init__(self, mark: Mark) -> None:
        self.mark = mark


_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):  # type: ignore[misc]
    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.kg_duplicates: list[tuple[str, Mark, Mark]] = []
        self.kg_alias_hits = 0

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        if node in self.constructed_objects:
            self.kg_alias_hits += 1
        return super().construct_object(node, deep=deep)


def _mark(node: yaml.Node) -> Mark:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


def _construct_map(loader: _Loader, node: yaml.MappingNode) -> Iterator[PosDict]:
    data = PosDict()
    data.start = _mark(node)
    yield data
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=False)
        try:
            hash(key)
        except TypeError:
            raise _Unhashable(_mark(key_node)) from None
        km = _mark(key_node)
        if key in data:
            loader.kg_duplicates.append((str(key), km, data.keys_at[key]))
        value = data[key] = loader.construct_object(value_node, deep=False)
        if value is None and value_node.value in ("null", "Null", "NULL"):
            data.spelled_null.add(key)
        data.keys_at[key] = km
        data.values_at[key] = _mark(value_node)


def _construct_seq(loader: _Loader, node: yaml.SequenceNode) -> Iterator[PosList]:
    data = PosList()
    data.start = _mark(node)
    yield data
    for child in node.value:
        data.append(loader.construct_object(child, deep=False))
        data.items_at.append(_mark(child))


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_Loader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)


def _expanded_size(obj: Any, memo: dict[int, int]) -> int:
    """Node count of ``obj`` with shared sub-objects counted each time they appear."""
    oid = id(obj)
    if oid in memo:
        return memo[oid]
    memo[oid] = 1  # guards recursive structures
    if isinstance(obj, dict):
        n = 1 + sum(_expanded_size(v, memo) for v in obj.values())
    elif isinstance(obj, list):
        n = 1 + sum(_expanded_size(v, memo) for v in obj)
    else:
        n = 1
    memo[oid] = min(n, MAX_EXPANDED_NODES + 1)
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
    loader = _Loader(text)
    try:
        data = loader.get_single_data()
    except _Unhashable as exc:
        return None, [Diagnostic(file, *exc.mark, "KG002", Severity.ERROR,
                                 "YAML syntax: a mapping key must be a plain value, "
                                 "not a list or mapping")]
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem_text = str(exc.problem or "")
        if "constructor for the tag" in problem_text:
            tag = problem_text.split("tag", 1)[1].strip(" '")
            tag = tag.replace("tag:yaml.org,2002:", "!!")
            return None, [Diagnostic(file, line, col, "KG003", Severity.ERROR,
                                     f"YAML tag '{tag}' is not allowed",
                                     "remove the tag; corpus files hold plain values")]
        return None, [Diagnostic(file, line, col, "KG002", Severity.ERROR,
                                 f"YAML syntax: {problem_text or exc}")]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = exc.problem or exc.context or "cannot parse"
        return None, [Diagnostic(file, line, col, "KG002", Severity.ERROR,
                                 f"YAML syntax: {what}")]
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
    except RecursionError:
        return None, [Diagnostic(file, 1, 1, "KG002", Severity.ERROR,
                                 "YAML syntax: nesting is too deep")]
    finally:
        loader.dispose()
    diags = [
        Diagnostic(file, km[0], km[1], "KG006", Severity.ERROR,
                   f"duplicate key '{key}' (first at line {first[0]})",
                   "delete one of the two keys")
        for key, km, first in loader.kg_duplicates
    ]
    if loader.kg_alias_hits:
        try:
            too_big = loader.kg_alias_hits > 10_000 or _expanded_size(data, {}) > MAX_EXPANDED_NODES
        except RecursionError:
            too_big = True
        if too_big:
            return None, [Diagnostic(file, 1, 1, "KG004", Severity.ERROR,
                                     f"anchors are re-used {loader.kg_alias_hits} times and "
                                     "expand past the size limit",
                                     "write values out instead of referring to anchors")]
    return data, diags
