"""The values a store answers with, the same from the local store and from an endpoint."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

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
