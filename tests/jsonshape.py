"""Read the JSON shapes written in docs/cli.md and check real output against them.

The notation is the one the page uses: ``{"a", "b": [Shape], "c": {"d"}}`` lists an
object's keys in order (a key without ``: ...`` is a leaf), ``[X]`` a list of X, ``{word:
X}`` a mapping with free keys, ``A + {...}`` an object made of A's keys then more, a bare
Capitalised word a named shape (``EntityRef``), ``a | b`` alternatives, ``...`` "as above".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

_TOKEN = re.compile(r'\s*(\.\.\.|"[^"]*"|[{}\[\](),:|+]|[A-Za-z_][\w\-]*|[\d.]+|\S)')


@dataclass
class Obj:
    keys: list[tuple[str, Any]] = field(default_factory=list)


@dataclass
class Map:
    value: Any


@dataclass
class Seq:
    item: Any


@dataclass
class Ref:
    name: str


@dataclass
class Merge:
    parts: list[Any]


@dataclass
class Alt:
    options: list[Any]


LEAF = None


class Parser:
    def __init__(self, text: str) -> None:
        self.tokens = [t for t in _TOKEN.findall(text) if t.strip()]
        self.pos = 0

    def peek(self) -> str | None:
        return str(self.tokens[self.pos]) if self.pos < len(self.tokens) else None

    def take(self, expected: str | None = None) -> str:
        tok = str(self.tokens[self.pos])
        if expected is not None and tok != expected:
            raise ValueError(f"expected {expected!r}, found {tok!r} at {self.pos}")
        self.pos += 1
        return tok

    def shape(self) -> Any:
        parts = [self.alt()]
        while self.peek() == "+":
            self.take()
            parts.append(self.alt())
        return parts[0] if len(parts) == 1 else Merge(parts)

    def alt(self) -> Any:
        options = [self.term()]
        while self.peek() == "|":
            self.take()
            options.append(self.term())
        return options[0] if len(options) == 1 else Alt(options)

    def term(self) -> Any:
        tok = self.peek()
        if tok == "{":
            return self.obj()
        if tok == "[":
            self.take()
            items = []
            while self.peek() != "]":
                items.append(self.shape())
                if self.peek() == ",":
                    self.take()
            self.take("]")
            return Seq(items[0] if len(items) == 1 else LEAF)
        self.take()
        if tok is not None and tok[0].isupper() and tok != "...":
            return Ref(tok)
        return LEAF

    def obj(self) -> Any:
        self.take("{")
        out = Obj()
        mapping: Map | None = None
        while self.peek() != "}":
            key = self.take()
            sub = LEAF
            if self.peek() == ":":
                self.take()
                sub = self.shape()
            if key.startswith('"'):
                out.keys.append((key.strip('"'), sub))
            else:
                mapping = Map(sub)
            if self.peek() == ",":
                self.take()
        self.take("}")
        return mapping if mapping is not None and not out.keys else out


def balanced(text: str, start: int) -> str:
    """The text from ``start`` (an opening brace) to its matching close."""
    depth = 0
    for i in range(start, len(text)):
        if text[i] in "{[":
            depth += 1
        elif text[i] in "}]":
            depth -= 1
            if depth == 0:
                return text[start:i + 1]
    raise ValueError(f"unbalanced shape at {start}")


def named_shapes(page: str) -> dict[str, Any]:
    """Every ``    Name  shape`` block of the page (four spaces, a word, spaces, a shape)."""
    out: dict[str, Any] = {}
    for m in re.finditer(r"^ {4}(\w+) +(?=[{A-Z])", page, re.M):
        rest = page[m.end():]
        # the expression: terms joined by +, each a name or a balanced brace
        expr, i = "", 0
        while True:
            mm = re.match(r"\s*(\w+|\{)", rest[i:])
            if not mm:
                break
            if mm.group(1) == "{":
                j = i + mm.start(1)
                body = balanced(rest, j)
                expr += body
                i = j + len(body)
            else:
                expr += mm.group(1)
                i += mm.end()
            plus = re.match(r"\s*\+", rest[i:])
            if not plus:
                break
            expr += " + "
            i += plus.end()
        out[m.group(1)] = Parser(expr).shape()
    return out


def section_shape(page: str, heading: str) -> Any:
    """The shape after the first "JSON: `" in the section starting with ``heading``."""
    start = page.index(f"\n{heading}")
    end = page.find("\n## ", start + 1)
    body = page[start:end if end != -1 else len(page)]
    at = body.index("JSON: `") + len("JSON: `")
    return Parser(balanced(body, at)).shape()


def check(shape: Any, value: Any, named: dict[str, Any], path: str = "$") -> list[str]:
    """Where ``value`` departs from ``shape``: keys missing, extra or out of order."""
    if shape is LEAF or value is None:
        return []
    if isinstance(shape, Ref):
        return check(named.get(shape.name, LEAF), value, named, path)
    if isinstance(shape, Alt):
        errors = [check(o, value, named, path) for o in shape.options]
        return [] if any(not e for e in errors) else errors[0]
    if isinstance(shape, Seq):
        if not isinstance(value, list):
            return [f"{path}: a list expected, found {type(value).__name__}"]
        return [e for i, v in enumerate(value) for e in check(shape.item, v, named,
                                                              f"{path}[{i}]")]
    if isinstance(shape, Map):
        if not isinstance(value, dict):
            return [f"{path}: a mapping expected"]
        return [e for k, v in value.items() for e in check(shape.value, v, named,
                                                           f"{path}.{k}")]
    keys = object_keys(shape, named)
    if keys is None:
        return []
    if not isinstance(value, dict):
        return [f"{path}: an object expected, found {type(value).__name__}"]
    names = [k for k, _ in keys]
    if list(value) != names:
        return [f"{path}: keys {list(value)} but docs/cli.md says {names}"]
    return [e for k, sub in keys for e in check(sub, value[k], named, f"{path}.{k}")]


def object_keys(shape: Any, named: dict[str, Any]) -> list[tuple[str, Any]] | None:
    if isinstance(shape, Obj):
        return shape.keys
    if isinstance(shape, Ref):
        return object_keys(named.get(shape.name, LEAF), named)
    if isinstance(shape, Merge):
        out: list[tuple[str, Any]] = []
        for part in shape.parts:
            keys = object_keys(part, named)
            if keys is None:
                return None
            out += keys
        return out
    return None
