"""Settings read from a corpus root's ``pyproject.toml`` (``[tool.kg]``).

Only one setting so far: ``base``, the IRI under which the graph mints its own IRIs
(``<base>claim/<id>``, ``<base>vocab#Claim``...). ``--base`` on the command line wins,
then ``[tool.kg] base`` in the corpus root's ``pyproject.toml``, then :data:`DEFAULT_BASE`.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from kg.errors import KgError

DEFAULT_BASE = "https://example.org/kg-bone-ai/"
PYPROJECT = "pyproject.toml"

_IRI_BASE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.\-]*:[^\s<>\"{}|\\^`]*[/#]$")


def check_base(base: str, where: str) -> str:
    """``base`` if it is an absolute IRI ending in ``/`` or ``#``; else a KgError."""
    if not _IRI_BASE.match(base):
        raise KgError(
            f"{where}: base IRI {base!r} must be an absolute IRI ending in '/' or '#' "
            "(for example https://example.org/kg-bone-ai/)"
        )
    return base


def base_from_pyproject(root: Path) -> str | None:
    """``[tool.kg] base`` from ``root/pyproject.toml``, or None when it is not set."""
    path = root / PYPROJECT
    if not path.is_file():
        return None
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise KgError(f"{path}: cannot read [tool.kg]: {exc}") from None
    tool = data.get("tool", {})
    kg = tool.get("kg", {}) if isinstance(tool, dict) else {}
    base = kg.get("base") if isinstance(kg, dict) else None
    if base is None:
        return None
    if not isinstance(base, str):
        raise KgError(f"{path}: [tool.kg] base must be a string")
    return check_base(base, f"{path} [tool.kg]")


def resolve_base(root: Path, override: str | None = None) -> str:
    """The base IRI: ``override`` (``--base``), else pyproject.toml, else the default."""
    if override is not None:
        return check_base(override, "--base")
    return base_from_pyproject(root) or DEFAULT_BASE
