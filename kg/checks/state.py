"""The last run's check results, kept on disk so that the next run re-checks only what an
edit can affect (issue 16; kg.checks.recheck).

One entry, ``build/cache/checks/state.json``: the digest of every input file the results
were made from, the corpus's :class:`~kg.checks.recheck.Outline` and every check's
diagnostics. It is data only (JSON, read by ``json.loads`` and checked field by field,
never unpickled or evaluated), carries kg.cache's envelope (its key binds the corpus
location and the kg code; a SHA-256 of the payload), and anything that does not read
back exactly as written (missing, damaged, another key, another shape) is ignored: every
check then runs in full and the entry is written again.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from kg.checks.recheck import Checked, ClaimOutline, Outline, check_all, recheck
from kg.corpus.model import Corpus
from kg.diagnostics import Diagnostic, Severity
from kg.progress import Progress, silent

#: The shape of the payload; bump when it changes.
FORMAT = 1
STATE_FILE = "state.json"


def _key(root: Path) -> str:
    from kg.cache import code_fingerprint, digest

    return digest("checks", str(FORMAT), code_fingerprint(), str(root))


def _diag_data(d: Diagnostic) -> list[Any]:
    return [d.file, d.line, d.column, d.code, str(d.severity), d.message, d.hint]


def dumps(digests: dict[str, str], checked: Checked) -> bytes:
    """The payload for ``checked``, made from files of these ``digests``."""
    o = checked.outline
    # the claims' outlines by column: read back with a few C-speed passes (kg.checks.state.loads)
    columns = [list(col) for col in zip(*o.claims.values(), strict=True)] or [[]] * 7
    data = {
        "format": FORMAT,
        "digests": digests,
        "claim_ids": list(o.claims),
        "claims": columns,
        "studies": o.studies,
        "entities": o.entities,
        "names": o.names,
        "by_claim": [{cid: [_diag_data(d) for d in diags] for cid, diags in table.items()}
                     for table in checked.by_claim],
        "rest": [_diag_data(d) for d in checked.rest],
    }
    return json.dumps(data, separators=(",", ":")).encode("ascii")


class _Bad(ValueError):
    """A payload that is not one :func:`dumps` wrote."""


def _str(x: Any) -> str:
    if type(x) is not str:
        raise _Bad("not a string")
    return x


def _int(x: Any) -> int:
    if type(x) is not int:
        raise _Bad("not an integer")
    return x


def _strings(x: Any) -> dict[str, str]:
    if type(x) is not dict or not all(type(v) is str for v in x.values()):
        raise _Bad("not a mapping of strings")
    return x


def _diag(x: Any) -> Diagnostic:
    if type(x) is not list or len(x) != 7:
        raise _Bad("not a diagnostic")
    file, line, column, code, severity, message, hint = x
    return Diagnostic(_str(file), _int(line), _int(column), _str(code), Severity(severity),
                      _str(message), None if hint is None else _str(hint))


def _diags(x: Any) -> list[Diagnostic]:
    if type(x) is not list:
        raise _Bad("not a list")
    return [_diag(d) for d in x]


def _all_str(col: Any, none_ok: bool = False) -> bool:
    return type(col) is list and all(type(x) is str or (none_ok and x is None) for x in col)


def _claims(ids: Any, columns: Any) -> dict[str, ClaimOutline]:
    """The claims' outlines from the columns :func:`dumps` wrote."""
    if not _all_str(ids) or type(columns) is not list or len(columns) != 7:
        raise _Bad("not the claims' outlines")
    files, subjects, objects, outcomes, predicates, acks, studies = columns
    if not (_all_str(files) and _all_str(subjects) and _all_str(objects)
            and _all_str(outcomes, none_ok=True) and _all_str(predicates)
            and type(acks) is list and all(_all_str(x) for x in acks)
            and type(studies) is list and all(_all_str(x) for x in studies)):
        raise _Bad("not the claims' outlines")
    if not all(len(col) == len(ids) for col in columns):
        raise _Bad("columns of different lengths")
    return dict(zip(ids, zip(files, subjects, objects, outcomes, predicates,
                             map(tuple, acks), map(tuple, studies), strict=True), strict=True))


def loads(payload: bytes) -> tuple[dict[str, str], Checked] | None:
    """The digests and results :func:`dumps` wrote, or None if ``payload`` is anything else."""
    try:
        data = json.loads(payload)
        if type(data) is not dict or data.get("format") != FORMAT:
            return None
        outline = Outline(_claims(data["claim_ids"], data["claims"]),
                          _strings(data["studies"]), _strings(data["entities"]),
                          _str(data["names"]))
        tables = data["by_claim"]
        if type(tables) is not list:
            return None
        by_claim = []
        for table in tables:
            if type(table) is not dict:
                return None
            by_claim.append({_str(k): _diags(v) for k, v in table.items()})
        return _strings(data["digests"]), Checked(outline, by_claim, _diags(data["rest"]))
    except (ValueError, TypeError, KeyError, RecursionError):  # _Bad and JSON errors too
        return None


def check(root: Path, corpus: Corpus, progress: Progress = silent) -> Checked:
    """Every check over ``corpus`` (loaded from ``root``): re-checking only what changed
    since the results kept under build/cache/checks/, which are then replaced. Equal to
    ``check_all(corpus)``; without a usable cache folder, that."""
    from kg.cache import cache_dir, entry_bytes, read_regular, verified_payload, write_atomic_bytes

    folder = cache_dir(root, "checks")
    if folder is None:
        return check_all(corpus, progress)
    path, key = folder / STATE_FILE, _key(root)
    payload = verified_payload(read_regular(path), key)
    kept = loads(payload) if payload is not None else None
    digests = dict(corpus.digests)
    if kept is None:
        checked = check_all(corpus, progress)
    else:
        old_digests, old = kept
        changed = {rel for rel in old_digests.keys() | digests.keys()
                   if old_digests.get(rel) != digests.get(rel)}
        checked = recheck(old, corpus, changed, progress)
        if not changed and checked.outline.names == old.outline.names:
            return checked  # the entry already holds these results
    write_atomic_bytes(path, [entry_bytes(key, dumps(digests, checked))])
    return checked
