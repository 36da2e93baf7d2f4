"""The values a store answers with, the same from the local store and from an endpoint."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, Protocol

XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGERS = frozenset(XSD + t for t in (
    "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
    "nonPositiveInteger", "negativeInteger", "unsignedInt", "unsignedLong", "unsignedShort",
    "unsignedByte"))
_DECIMALS = frozenset(XSD + t for t in ("decimal", "double", "float"))


@dataclass(frozen=True, slots=True)
class Term:
    """One RDF term of an answer: an IRI, a blank node or a literal (with its datatype or
    language tag), as the SPARQL 1.1 Query Results JSON format encodes it."""

    kind: Literal["iri", "bnode", "literal", "triple"]
    value: str
    datatype: str | None = None
    language: str | None = None

    def python(self) -> str | int | float | bool:
        """The value as Python: xsd integers as int, decimals and doubles as float, booleans
        as bool, everything else (IRIs included) as its text."""
        if self.kind == "literal" and self.datatype:
            try:
                if self.datatype in _INTEGERS:
                    return int(self.value)
                if self.datatype in _DECIMALS:
                    return float(self.value)
            except ValueError:
                return self.value
            if self.datatype == XSD + "boolean":
                return self.value in ("true", "1")
        return self.value


#: One solution of a SELECT query: variable name (without ``?``) -> term; unbound variables
#: are absent.
Row = dict[str, Term]


class Backend(Protocol):
    """A store that answers SPARQL 1.1 queries."""

    #: where the answers come from, for messages ("build/store", an endpoint URL)
    where: str

    def select(self, query: str) -> list[Row]:
        """The solutions of a SELECT query, in the order the query gives."""
        ...

    def ask(self, query: str) -> bool:
        """The answer to an ASK query."""
        ...


# -- pyoxigraph terms <-> Term ------------------------------------------------------------------

XSD_STRING = XSD + "string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


def from_oxigraph(term: Any) -> Term:
    """A pyoxigraph NamedNode, BlankNode, Literal or Triple as a :class:`Term`, encoded as
    the SPARQL results JSON would encode it (no datatype on plain and language-tagged
    strings), so that the local store's terms equal an endpoint's."""
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return Term("iri", term.value)
    if isinstance(term, ox.BlankNode):
        return Term("bnode", term.value)
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        if term.language or datatype == XSD_STRING:
            return Term("literal", term.value, None, term.language or None)
        return Term("literal", term.value, datatype)
    return Term("triple", str(term))


def to_oxigraph(term: Term) -> Any:
    """The pyoxigraph term for ``term`` (ValueError for a quoted triple, which is kept as
    text only)."""
    import pyoxigraph as ox

    if term.kind == "iri":
        return ox.NamedNode(term.value)
    if term.kind == "bnode":
        return ox.BlankNode(term.value)
    if term.kind == "literal":
        if term.language:
            return ox.Literal(term.value, language=term.language)
        if term.datatype:
            return ox.Literal(term.value, datatype=ox.NamedNode(term.datatype))
        return ox.Literal(term.value)
    raise ValueError(f"a quoted triple ({term.value}) has no pyoxigraph term here")
