"""Turtle and TriG text written directly, byte for byte as pyoxigraph's writer writes it.

pyoxigraph's writer costs about 2.5 µs a triple from Python (term objects, ``Triple``,
serialize); writing the same text with string operations costs about a tenth of that, and
text blocks can be cached per input file (kg.graph.build_cache). The layout copied here is
oxttl's (pyoxigraph 0.5):

- ``@prefix name: <iri> .`` lines first, in the order pyoxigraph writes them (taken from
  pyoxigraph itself, see :class:`Renderer`);
- one block per subject: ``S P O`` then `` , O`` for the same predicate as the line
  before, `` ;\\n\\tP O`` for a new predicate, and `` .\\n`` at the end; ``rdf:type`` as the
  predicate is ``a``;
- an IRI is written ``name:local`` with the first prefix (in header order) it starts with
  whose local part can be written as a Turtle local name, with ``\\`` before the
  characters that need it; else ``<iri>``;
- a literal is ``"value"`` with ``"`` ``\\`` and every control character escaped, and
  also U+0085, U+2028 and U+2029, which pyoxigraph writes as they are but which line-based
  tools (Python's ``str.splitlines`` among them) take for line ends; a lone surrogate,
  which no RDF file can hold, raises ValueError (:func:`escape_string`, correct by
  construction: tests/test_attacks.py parses its output back over arbitrary Unicode);
  ``"value"^^datatype``, or the bare value for an xsd:integer / xsd:double written in
  Turtle's own number syntax;
- TriG: ``G {`` then the graph's blocks indented by a tab (continuations by two), ``}``.

Anything outside the cases handled here (a non-ASCII local name, a boolean or decimal
literal) is rendered by pyoxigraph itself, one term at a time, and cached, so the output
stays identical to pyoxigraph's apart from the three line separators above;
tests/test_build_cache.py compares the two on awkward terms.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

#: Characters a Turtle local name may hold as they are (ASCII part of PN_CHARS plus ':').
_LOCAL_PLAIN = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-:")
#: ASCII characters that may stand in a local name after a backslash (PN_LOCAL_ESC).
_LOCAL_ESCAPABLE = frozenset("_~.-!$&'()*+,;=/?#@%")
#: A local name written as it is: the common case, checked with one regex match.
_SIMPLE_LOCAL = re.compile(r"(?:[A-Za-z0-9_:](?:[A-Za-z0-9_:.\-]*[A-Za-z0-9_:\-])?)?\Z")
#: A string that needs no escaping inside "..." (no control character, quote, backslash).
_PLAIN_STRING = re.compile(r'[^\x00-\x1f\x7f"\\\x85\u2028\u2029\ufffe\uffff\ud800-\udfff]*\Z')
#: What escape_string replaces: the characters _PLAIN_STRING excludes.
_TO_ESCAPE = re.compile('[\x00-\x1f\x7f"\\\\\x85\u2028\u2029\ufffe\uffff\ud800-\udfff]')
_SHORT = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b",
          "\f": "\\f"}


def _escape_char(m: re.Match[str]) -> str:
    c = m.group(0)
    short = _SHORT.get(c)
    if short is not None:
        return short
    if "\ud800" <= c <= "\udfff":
        raise ValueError(f"text holds a lone surrogate (U+{ord(c):04X}), which RDF cannot hold")
    return f"\\u{ord(c):04X}"


def escape_string(value: str) -> str:
    """``value`` as a Turtle / N-Triples / TriG string literal, quotes included."""
    if _PLAIN_STRING.match(value):
        return f'"{value}"'
    return '"' + _TO_ESCAPE.sub(_escape_char, value) + '"'
_INTEGER = re.compile(r"[+-]?[0-9]+\Z")
_DOUBLE = re.compile(r"[+-]?(?:[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)[eE][+-]?[0-9]+\Z")

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def _escape_local(local: str) -> str | None:
    """``local`` as a Turtle local name (ASCII only), or None if it cannot be one here."""
    if _SIMPLE_LOCAL.match(local):
        return local
    if not local.isascii():
        return None  # left to pyoxigraph
    out = []
    last = len(local) - 1
    for i, c in enumerate(local):
        if c in _LOCAL_PLAIN and not (i == 0 and c == "-"):
            out.append(c)
        elif c == "." and 0 < i < last:
            out.append(c)
        elif c in _LOCAL_ESCAPABLE:
            out.append("\\" + c)
        else:
            return None
    return "".join(out)


class Renderer:
    """Turtle text of IRIs and literals for one set of prefixes.

    ``header`` is the prefix block pyoxigraph writes for these prefixes. Prefixes are
    tried in the same order as pyoxigraph tries them (the order of its header).
    """

    def __init__(self, prefixes: dict[str, str]) -> None:
        import pyoxigraph as ox

        self._ox = ox
        self.prefixes = dict(prefixes)
        probe = ox.Triple(ox.NamedNode("urn:kg:probe"), ox.NamedNode(RDF_TYPE),
                          ox.NamedNode("urn:kg:probe"))
        text = _serialize([probe], prefixes).decode("utf-8")
        lines = text.splitlines(keepends=True)
        head = [line for line in lines if line.startswith("@prefix ")]
        self.header = "".join(head)
        self.order: list[tuple[str, str]] = []  # (iri, name) in the writer's order
        for line in head:
            m = re.match(r"@prefix ([^:]*): <(.*)> \.\n\Z", line)
            assert m, line
            self.order.append((m.group(2), m.group(1)))
        self._iris: dict[str, str] = {RDF_TYPE: "a"}
        self._objects: dict[str, str] = {}
        self._literals: dict[str, str] = {}

    # --- IRIs -----------------------------------------------------------------------------

    def iri(self, iri: str) -> str:
        """The Turtle text of ``iri`` in object (or subject) position; cached."""
        found = self._objects.get(iri)
        if found is None:
            found = self._objects[iri] = self._render_iri(iri)
        return found

    def predicate(self, iri: str) -> str:
        """The Turtle text of ``iri`` as a predicate (``a`` for rdf:type)."""
        found = self._iris.get(iri)
        if found is None:
            found = self._iris[iri] = self.iri(iri)
        return found

    def _render_iri(self, iri: str) -> str:
        for prefix, name in self.order:
            if iri.startswith(prefix):
                local = _escape_local(iri[len(prefix):])
                if local is not None:
                    return f"{name}:{local}"
                if not iri[len(prefix):].isascii():
                    return self._ox_iri(iri)
        self._ox.NamedNode(iri)  # ValueError on an invalid IRI, as pyoxigraph would raise
        return f"<{iri}>"

    def folder(self, folder_iri: str) -> tuple[str, str] | None:
        """``(name, folder_iri)`` when every IRI under ``folder_iri`` whose local part is
        simple is written ``name:local``: no earlier prefix can match such an IRI."""
        for prefix, name in self.order:
            if prefix == folder_iri:
                return name, prefix
            if prefix.startswith(folder_iri) or folder_iri.startswith(prefix):
                return None  # a longer prefix inside the folder, or a shorter one first
        return None

    def _ox_iri(self, iri: str) -> str:
        ox = self._ox
        node = ox.NamedNode(iri)
        text = _serialize([ox.Triple(node, ox.NamedNode(RDF_TYPE), node)],
                          self.prefixes).decode("utf-8")
        line = _last_line(text)  # "\n" only: an IRI may hold U+2028
        return line.split(" ", 1)[0]

    # --- literals ---------------------------------------------------------------------------

    def string(self, value: str) -> str:
        """A plain (xsd:string) literal."""
        if _PLAIN_STRING.match(value):
            return f'"{value}"'
        found = self._literals.get(value)
        if found is None:
            found = self._literals[value] = escape_string(value)
        return found

    def typed(self, value: str, datatype: str) -> str:
        """A literal of ``datatype`` (a full IRI)."""
        if datatype == XSD + "integer" and _INTEGER.match(value):
            return value
        if datatype == XSD + "double" and _DOUBLE.match(value):
            return value
        if datatype == XSD + "string":
            return self.string(value)
        if datatype in (XSD + "boolean", XSD + "decimal"):  # not used by the graph
            ox = self._ox
            return self._ox_literal(ox.Literal(value, datatype=ox.NamedNode(datatype)))
        return f"{self.string(value)}^^{self.iri(datatype)}"

    def _ox_literal(self, lit: object) -> str:
        ox = self._ox
        probe = ox.NamedNode("urn:kg:probe")
        text = _serialize([ox.Triple(probe, ox.NamedNode(RDF_TYPE), lit)],
                          {}).decode("utf-8")
        line = _last_line(text)
        _s, _a, rest = line.split(" ", 2)
        assert rest.endswith(" ."), line
        return rest[:-2]


def _last_line(text: str) -> str:
    """The last line of pyoxigraph's output, split at "\\n" only (which it never writes
    inside a term, unlike U+2028 or U+0085)."""
    return text.rstrip("\n").rsplit("\n", 1)[-1]


def _serialize(triples: list[Any], prefixes: dict[str, str]) -> bytes:
    import pyoxigraph as ox

    data = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes)
    assert data is not None
    return bytes(data)


def block(parts: list[str]) -> str:
    """One subject block: ``parts`` is ``[subject, p1, o1, p2, o2, ...]`` (Turtle text)."""
    return open_block(parts)[0] + " .\n"


def open_block(parts: list[str], indent: str = "\t") -> tuple[str, str]:
    """A subject block without its final `` .\\n``, and its last predicate (to append more
    triples to the same subject later, see :func:`extend_block`)."""
    prev = parts[1]
    out = [parts[0], " ", prev, " ", parts[2]]
    sep = " ;\n" + indent
    for i in range(3, len(parts), 2):
        p = parts[i]
        if p == prev:
            out += (" , ", parts[i + 1])
        else:
            out += (sep, p, " ", parts[i + 1])
            prev = p
    return "".join(out), prev


def extend_block(text: str, last: str, pairs: Iterable[tuple[str, str]]) -> str:
    """``text`` (an open block whose last predicate is ``last``) with more triples."""
    out = [text]
    for p, o in pairs:
        if p == last:
            out += (" , ", o)
        else:
            out += (" ;\n\t", p, " ", o)
            last = p
    return "".join(out)
