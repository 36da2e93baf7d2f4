"""The shipped queries (``kg/store/queries/*.rq``) and how a question binds its values.

Each query is plain SPARQL 1.1 that any store runs unchanged. Where a question narrows a
query to some values, the file says so with an inline data block on a variable, holding
``UNDEF`` (no constraint):

    VALUES ?claim { UNDEF }

Run as it is, the query answers for everything; :func:`bind` replaces the ``UNDEF`` with
the question's values (IRIs or literals, escaped), so the store sees an ordinary query and
can use its indexes. The prefixes the files use are declared in them, except ``kgv:``,
``claim:``, ``entity:`` and ``study:``, which depend on the corpus's base IRI: their
``PREFIX`` lines name ``<urn:kg:base:...>`` placeholders that :func:`rebase` sets to the
base. ``kg sparql @kg/store/queries/claims.rq`` runs a file as it is; in another store, a
user replaces those lines with the corpus's base (docs/queries.md).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from pathlib import Path

from kg.store.terms import Backend, Row

#: The base-dependent prefixes: placeholder namespace -> the path under the base.
PLACEHOLDERS: dict[str, str] = {
    "urn:kg:base:vocab#": "vocab#",
    "urn:kg:base:claim/": "claim/",
    "urn:kg:base:entity/": "entity/",
    "urn:kg:base:study/": "study/",
}
#: Where the shipped queries live (read as files, so that a cold question does not import
#: importlib.resources).
QUERIES = Path(__file__).with_name("queries")
#: The store's places graph (file positions and order, never exported), as the shipped
#: queries name it.
PLACES = "urn:kg:places"
_VALUES = re.compile(r"VALUES\s+\?(\w+)\s*\{\s*UNDEF\s*\}")


@functools.cache
def text(name: str) -> str:
    """The text of ``kg/store/queries/<name>.rq`` as shipped."""
    return (QUERIES / f"{name}.rq").read_text("utf-8")


def places_graph(graph: str | None) -> str:
    """Where ``kg push`` puts the places graph beside ``graph`` on an endpoint:
    ``<graph>-places``, or :data:`PLACES` beside the store's default graph."""
    return f"{graph}-places" if graph else PLACES


def names() -> list[str]:
    """Every shipped query, by name."""
    return sorted(p.stem for p in QUERIES.glob("*.rq"))


def load(name: str, base: str) -> str:
    """The query ``name`` with its base-dependent prefixes set to ``base``."""
    return rebase(text(name), base)


def rebase(query: str, base: str) -> str:
    """``query`` with the ``<urn:kg:base:...>`` placeholders set to ``base`` (``kg sparql``
    does this to every query, so a shipped file runs there unchanged)."""
    for placeholder, path in PLACEHOLDERS.items():
        query = query.replace(f"<{placeholder}>", f"<{base}{path}>")
    return query


def iri(value: str) -> str:
    """``value`` as a SPARQL IRI reference; ValueError when it cannot be one."""
    if re.search(r'[\x00-\x20<>"{}|^`\\]', value):
        raise ValueError(f"not an IRI: {value!r}")
    return f"<{value}>"


def literal(value: str) -> str:
    """``value`` as a SPARQL string literal."""
    escaped = (value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
               .replace("\r", "\\r"))
    return f'"{escaped}"'


def bind(query: str, **values: Iterable[str]) -> str:
    """``query`` with each ``VALUES ?name { UNDEF }`` block named in ``values`` holding
    those terms (already written as SPARQL: see :func:`iri`, :func:`literal`). A name the
    query has no block for is a KeyError: a question and its query disagree."""
    found = set(_VALUES.findall(query))
    missing = set(values) - found
    if missing:
        raise KeyError(f"the query has no VALUES block for {sorted(missing)}")

    def fill(m: re.Match[str]) -> str:
        name = m.group(1)
        if name not in values:
            return m.group(0)
        return f"VALUES ?{name} {{ {' '.join(values[name])} }}"

    return _VALUES.sub(fill, query)


def select(store: Backend, name: str, base: str, **values: Iterable[str]) -> list[Row]:
    """Run the shipped query ``name`` on ``store`` with ``values`` bound. A store that keeps
    the places graph under another name (an endpoint ``kg push`` wrote to: its
    ``places``) gets the query with ``<urn:kg:places>`` renamed."""
    text = bind(load(name, base), **values)
    places = getattr(store, "places", PLACES)
    if places != PLACES:
        text = text.replace(f"<{PLACES}>", iri(places))
    return store.select(text)
