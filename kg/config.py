"""Settings a corpus keeps: ``kg.toml`` at its root, else ``[tool.kg]`` in its
``pyproject.toml`` (the same keys either way; docs/format.md, "Settings").

``base``
    the IRI under which the graph mints its own IRIs (``<base>claim/<id>``...).
    ``--base`` on the command line wins, then the setting, then :data:`UNSET_BASE`, a
    base that nothing resolves (build and export then warn: :func:`base_warning`).
``curie_prefix``
    the short name of the corpus's CURIE prefixes in the KGX export: ``P.ENTITY``,
    ``P.CLAIM`` and ``P.VOCAB`` (:func:`kgx_prefixes`). Unset, it is derived from the base
    IRI (:func:`derived_prefix`), so a new corpus never shares another corpus's prefixes.
``title``, ``description``, ``license``, ``version``, ``creator``, ``source``
    the dataset description `kg export --format dataset` writes (VoID, docs/rdf.md):
    ``license`` an IRI (a licence's page, e.g. https://creativecommons.org/licenses/by/4.0/),
    ``creator`` a name or an IRI (an ORCID), ``source`` what the claims come from (an IRI
    or a citation), ``version`` the corpus's release.
``ignore``
    a list of ``{code, reason, files}``: diagnostics of ``code`` that this corpus accepts,
    with the reason (required), optionally only in ``files`` (glob patterns relative to
    the root, such as ``claims/exercise.yaml`` or ``claims/*.yaml``).
"""

from __future__ import annotations

import fnmatch
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.errors import KgError

#: the kg project's own corpus's base (its pyproject.toml sets it); kg/graph/vocab.ttl,
#: kg/graph/shapes.ttl and kg/graph/context.jsonld are written under it and rebased on export
PROJECT_BASE = "https://example.org/kg-bone-ai/"
#: the base of a corpus that sets none: under the reserved top-level domain .invalid
#: (RFC 2606), so that no one can mistake it for a published, resolvable IRI
UNSET_BASE = "https://base-not-set.invalid/"
PYPROJECT = "pyproject.toml"
SETTINGS_FILE = "kg.toml"
#: the dataset description's settings, all strings
DATASET_KEYS = ("title", "description", "license", "version", "creator", "source")
KEYS = ("base", "curie_prefix", *DATASET_KEYS, "ignore")
IGNORE_KEYS = ("code", "reason", "files")

_IRI_BASE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.\-]*:[^\s<>\"{}|\\^`]*[/#]$")
_PREFIX = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,39}$")
#: the namespaces of the KGX export, each with its own CURIE prefix ``<P>.<NAME>``
KGX_NAMESPACES = (("ENTITY", "entity/"), ("CLAIM", "claim/"), ("VOCAB", "vocab#"))


def check_base(base: str, where: str) -> str:
    """``base`` if it is an absolute IRI ending in ``/`` or ``#``; else a KgError."""
    if not _IRI_BASE.match(base):
        raise KgError(
            f"{where}: base IRI {base!r} must be an absolute IRI ending in '/' or '#' "
            "(for example https://w3id.org/my-corpus/)"
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
    """The base IRI: ``override`` (``--base``), else the corpus's settings, else
    :data:`UNSET_BASE`."""
    if override is not None:
        return check_base(override, "--base")
    return load_settings(root).base or UNSET_BASE


def base_warning(root: Path, override: str | None = None) -> str | None:
    """What to tell the user when the graph of ``root`` falls back to :data:`UNSET_BASE`
    (no ``--base``, no ``base`` setting); None when a base is set."""
    if override is not None or load_settings(root).base is not None:
        return None
    return (f"no base IRI is set, so the graph's IRIs are under {UNSET_BASE}, which nothing "
            "resolves: set base = \"https://w3id.org/<your-corpus>/\" in kg.toml (or pass "
            "--base) before publishing (docs/rdf.md, Publishing)")


def check_prefix(prefix: str, where: str) -> str:
    """``prefix`` if it can name the corpus's CURIE prefixes; else a KgError."""
    if not _PREFIX.match(prefix):
        raise KgError(f"{where}: curie_prefix {prefix!r} must be a letter followed by up to "
                      "39 letters, digits or '_' (such as MYKG)")
    return prefix


def derived_prefix(base: str) -> str:
    """The CURIE prefix name of a corpus that sets none: the last segment of its base IRI's
    path (else its host's first label) in capitals, other characters as ``_``:
    ``https://w3id.org/my-corpus/`` gives ``MY_CORPUS``."""
    from urllib.parse import urlsplit

    parts = urlsplit(base)
    segments = [s for s in parts.path.split("/") if s]
    word = segments[-1] if segments else (parts.hostname or "").split(".")[0]
    name = re.sub(r"[^A-Za-z0-9]+", "_", word).strip("_").upper()[:40]
    if not name or not name[0].isalpha():
        name = ("KG_" + name)[:40].rstrip("_")
    return name


def kgx_prefixes(root: Path | None, base: str) -> dict[str, str]:
    """``{CURIE prefix: namespace IRI}`` of the corpus's own ids in the KGX export: one
    prefix per namespace (entities, claims, our vocabulary), named from ``curie_prefix``
    or :func:`derived_prefix`."""
    name = (load_settings(root).curie_prefix if root is not None else None) \
        or derived_prefix(base)
    return {f"{name}.{suffix}": base + path for suffix, path in KGX_NAMESPACES}


@dataclass(frozen=True, slots=True)
class Ignore:
    """Diagnostics of ``code`` that the corpus accepts, for ``reason``; only in ``files``
    (glob patterns) when given."""

    code: str
    reason: str
    files: tuple[str, ...] = ()

    def covers(self, code: str, file: str) -> bool:
        return code == self.code and (
            not self.files or any(fnmatch.fnmatchcase(file, pat) for pat in self.files))


@dataclass(frozen=True, slots=True)
class Settings:
    base: str | None = None
    ignores: tuple[Ignore, ...] = ()
    #: title, description, license, version, creator, source: those set
    dataset: tuple[tuple[str, str], ...] = ()
    #: where they were read: "kg.toml", "pyproject.toml [tool.kg]", or None (defaults)
    source: str | None = None
    #: the name of the corpus's KGX CURIE prefixes, when set
    curie_prefix: str | None = None


def _table(root: Path) -> tuple[dict[str, Any], str] | None:
    own = root / SETTINGS_FILE
    if own.is_file():
        path, where = own, SETTINGS_FILE
    elif (root / PYPROJECT).is_file():
        path, where = root / PYPROJECT, f"{PYPROJECT} [tool.kg]"
    else:
        return None
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise KgError(f"{path}: cannot read the settings: {exc}") from None
    if where == SETTINGS_FILE:
        return data, where
    tool = data.get("tool", {})
    kg = tool.get("kg") if isinstance(tool, dict) else None
    if kg is None:
        return None
    if not isinstance(kg, dict):
        raise KgError(f"{root / PYPROJECT}: [tool.kg] must be a table")
    return kg, where


def load_settings(root: Path, known_codes: Sequence[str] | None = None) -> Settings:
    """The corpus's settings (defaults when it has none). KgError on a malformed file,
    an unknown key, or an ignore without a reason (or, given ``known_codes``, with a code
    kg does not have)."""
    found = _table(root)
    if found is None:
        return Settings()
    table, where = found
    for key in table:
        if key not in KEYS:
            raise KgError(f"{where}: unknown setting '{key}' (known: {', '.join(KEYS)})")
    base = table.get("base")
    if base is not None and not isinstance(base, str):
        raise KgError(f"{where}: base must be a string")
    if base is not None:
        check_base(base, where)
    prefix = table.get("curie_prefix")
    if prefix is not None:
        if not isinstance(prefix, str):
            raise KgError(f"{where}: curie_prefix must be a string")
        check_prefix(prefix, where)
    dataset = []
    for key in DATASET_KEYS:
        value = table.get(key)
        if value is None:
            continue
        if not isinstance(value, str) or not value.strip():
            raise KgError(f"{where}: {key} must be a non-empty string")
        if key == "license" and not _IRI_BASE.match(value + "/"):
            raise KgError(f"{where}: license must be an IRI, such as "
                          "https://creativecommons.org/licenses/by/4.0/")
        dataset.append((key, value.strip()))
    raw = table.get("ignore", [])
    if not isinstance(raw, list):
        raise KgError(f"{where}: ignore must be a list of tables ([[ignore]])")
    ignores = []
    for i, item in enumerate(raw, 1):
        what = f"{where}: ignore {i}"
        if not isinstance(item, dict):
            raise KgError(f"{what} must be a table with code and reason")
        for key in item:
            if key not in IGNORE_KEYS:
                raise KgError(f"{what}: unknown key '{key}' (known: {', '.join(IGNORE_KEYS)})")
        code, reason, files = item.get("code"), item.get("reason"), item.get("files", [])
        if not isinstance(code, str) or not code:
            raise KgError(f"{what} needs a code, such as code = \"KG603\"")
        if known_codes is not None and code not in known_codes:
            raise KgError(f"{what}: no diagnostic code {code!r}")
        if not isinstance(reason, str) or not reason.strip():
            raise KgError(f"{what} ({code}) needs a reason: say why the corpus accepts it")
        if isinstance(files, str):
            files = [files]
        if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
            raise KgError(f"{what}: files must be a list of glob patterns")
        ignores.append(Ignore(code, reason.strip(), tuple(files)))
    return Settings(base, tuple(ignores), tuple(dataset), where, curie_prefix=prefix)
