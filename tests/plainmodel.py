"""The model as plain data, for comparing two readers of the same file."""

from __future__ import annotations

import dataclasses
from typing import Any

from kg.corpus.model import Span


def plain(obj: Any) -> Any:
    """``obj`` as nested tuples, every span resolved and every field compared (field_spans
    too, which the model's own equality leaves out)."""
    if isinstance(obj, Span):
        return ("Span", obj.file, obj.line, obj.column)
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return (type(obj).__name__,
                *(plain(getattr(obj, f.name)) for f in dataclasses.fields(obj)))
    if isinstance(obj, dict):
        return ("dict", *((plain(k), plain(v)) for k, v in obj.items()))
    if isinstance(obj, list | tuple):
        return (type(obj).__name__, *(plain(v) for v in obj))
    if isinstance(obj, set | frozenset):
        return ("set", *sorted(map(repr, obj)))
    return (type(obj).__name__, obj)
