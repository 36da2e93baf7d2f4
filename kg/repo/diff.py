"""`kg diff`: what changed in a corpus between two git revisions, or a revision and the
working tree, claim by claim.

Each side is loaded and validated as `kg validate` would (a revision is read from git into
a temporary folder). Claims are matched by id, so a claim moved to another file, or a file
renamed, is a change of ``file``, not a removal and an addition. For each claim the diff
gives the fields that changed (statement, subject, predicate, object, certainty, ...), the
evidence lines added and removed, and every value kg.evidence computes for it that moved
(status, level, ...: whatever ``assess`` returns). Entities and studies are matched by id
and key; diagnostics by code and message (positions shift as files are edited), so the
diff lists the problems introduced and the problems fixed.

Nothing here prints; ``to_dict``, ``render_text`` and ``render_markdown`` give the output.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import json
import subprocess
import tarfile
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.corpus.model import Claim, Corpus
from kg.diagnostics import Diagnostic
from kg.errors import KgError
from kg.root import BIB_FILE, CLAIMS_DIR, SETTINGS_FILES

WORKING_TREE = "working tree"
#: Claim fields that are positions, or compared on their own (evidence)
_SKIP = {"span", "field_spans", "cite_spans", "evidence", "xref_spans"}


@dataclass(frozen=True, slots=True)
class Change:
    field: str
    before: Any
    after: Any


@dataclass(frozen=True, slots=True)
class ClaimChange:
    id: str
    file: str
    fields: tuple[Change, ...] = ()
    assessment: tuple[Change, ...] = ()
    evidence_added: tuple[dict[str, Any], ...] = ()
    evidence_removed: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True, slots=True)
class Side:
    rev: str | None  # None: the working tree
    label: str  # the revision as given, with its short commit, or "working tree"


@dataclass(frozen=True, slots=True)
class Diff:
    old: Side
    new: Side
    claims_added: tuple[dict[str, Any], ...] = ()
    claims_removed: tuple[dict[str, Any], ...] = ()
    claims_changed: tuple[ClaimChange, ...] = ()
    entities_added: tuple[str, ...] = ()
    entities_removed: tuple[str, ...] = ()
    studies_added: tuple[str, ...] = ()
    studies_removed: tuple[str, ...] = ()
    diagnostics_introduced: tuple[Diagnostic, ...] = ()
    diagnostics_fixed: tuple[Diagnostic, ...] = ()
    #: (old, new): a claims file renamed (all its claims went to a file of another name,
    #: and the old name holds no claims any more); its claims are not listed as moved
    files_renamed: tuple[tuple[str, str], ...] = field(default=())

    @property
    def empty(self) -> bool:
        return not any((self.claims_added, self.claims_removed, self.claims_changed,
                        self.entities_added, self.entities_removed, self.studies_added,
                        self.studies_removed, self.diagnostics_introduced,
                        self.diagnostics_fixed, self.files_renamed))


# -- reading a revision ---------------------------------------------------------------------


def _git(root: Path, *args: str) -> bytes:
    try:
        done = subprocess.run(["git", *args], cwd=root, capture_output=True, timeout=120)
    except FileNotFoundError:
        raise KgError("kg diff needs git, which is not installed") from None
    except subprocess.TimeoutExpired:
        raise KgError(f"git {' '.join(args)} took over 2 minutes") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise KgError(f"git {' '.join(args)}: {message[-1] if message else 'failed'}")
    return done.stdout


def side(root: Path, rev: str | None) -> Side:
    """The revision ``rev`` of the git repository holding ``root`` (checked), or the
    working tree when None."""
    _git(root, "rev-parse", "--show-toplevel")  # a KgError outside a repository
    if rev is None:
        return Side(None, WORKING_TREE)
    try:
        commit = _git(root, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}").decode()
    except KgError:
        raise KgError(f"unknown revision '{rev}'") from None
    return Side(rev, f"{rev} ({commit.strip()[:10]})")


def _extract(root: Path, rev: str, dest: Path) -> None:
    """The corpus files of ``root`` as of ``rev``, written under ``dest``."""
    prefix = _git(root, "rev-parse", "--show-prefix").decode().strip()
    top = Path(_git(root, "rev-parse", "--show-toplevel").decode().strip())
    data = _git(top, "archive", "--format=tar", f"{rev}:{prefix}")
    wanted = (f"{CLAIMS_DIR}/", BIB_FILE, *SETTINGS_FILES)
    found = False
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        for member in tar.getmembers():
            name = member.name
            if not member.isfile() or not name.startswith(wanted):
                continue
            if name not in wanted[1:] and not name.startswith(wanted[0]):
                continue
            target = dest / name
            if not target.resolve().is_relative_to(dest.resolve()):
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            src = tar.extractfile(member)
            if src is not None:
                target.write_bytes(src.read())
                found = True
    if not found:
        raise KgError(f"no corpus at {rev}: it has no {CLAIMS_DIR}/ or {BIB_FILE} "
                      f"under {prefix or 'the repository root'}")
    (dest / CLAIMS_DIR).mkdir(exist_ok=True)
    (dest / BIB_FILE).touch()


@contextlib.contextmanager
def _checked_out(root: Path, s: Side) -> Iterator[Path]:
    if s.rev is None:
        yield root
        return
    with tempfile.TemporaryDirectory(prefix="kg-diff-") as tmp:
        _extract(root, s.rev, Path(tmp))
        yield Path(tmp)


def _load(root: Path, s: Side) -> tuple[Corpus, list[Diagnostic]]:
    from kg.checks.validator import run_validation

    with _checked_out(root, s) as folder:
        v = run_validation(folder, use_cache=s.rev is None)
    return v.corpus, v.diagnostics


# -- comparing ------------------------------------------------------------------------------


def plain(value: Any) -> Any:
    """``value`` as JSON data: dataclasses as mappings without their positions."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        if type(value).__name__ == "Span":
            return None
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)
                if f.name not in _SKIP and not f.name.endswith("span")}
    if isinstance(value, tuple | list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    return value


def _key(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _assessment(claim: Claim, corpus: Corpus) -> dict[str, Any]:
    from kg.evidence import assess

    result = plain(assess(claim, corpus.studies))
    return result if isinstance(result, dict) else {"assessment": result}


def _claim_brief(claim: Claim, corpus: Corpus) -> dict[str, Any]:
    return {"id": claim.id, "file": claim.span.file, "statement": claim.statement,
            "subject": claim.subject, "predicate": claim.predicate, "object": claim.object,
            "certainty": claim.certainty, "assessment": _assessment(claim, corpus)}


def _changes(before: dict[str, Any], after: dict[str, Any]) -> tuple[Change, ...]:
    names = list(before) + [k for k in after if k not in before]
    return tuple(Change(k, before.get(k), after.get(k)) for k in names
                 if before.get(k) != after.get(k))


def _renames(old: Corpus, new: Corpus) -> dict[str, str]:
    """{old file: new file} for claims files renamed between the two corpora."""
    old_files = {c.span.file for c in old.claims.values()}
    new_files = {c.span.file for c in new.claims.values()}
    moves: dict[str, set[str]] = {}
    for cid, a in old.claims.items():
        b = new.claims.get(cid)
        moves.setdefault(a.span.file, set()).add(b.span.file if b else "")
    return {f: next(iter(to)) for f, to in moves.items()
            if f not in new_files and len(to) == 1 and "" not in to
            and next(iter(to)) not in old_files}


def _claim_change(a: Claim, b: Claim, old: Corpus, new: Corpus,
                  renames: dict[str, str]) -> ClaimChange | None:
    was = renames.get(a.span.file, a.span.file)
    fields = _changes({"file": was, **plain(a)}, {"file": b.span.file, **plain(b)})
    assessment = _changes(_assessment(a, old), _assessment(b, new))
    lines_a = Counter(_key(plain(ev)) for ev in a.evidence)
    lines_b = Counter(_key(plain(ev)) for ev in b.evidence)
    added = tuple(json.loads(k) for k in (lines_b - lines_a).elements())
    removed = tuple(json.loads(k) for k in (lines_a - lines_b).elements())
    if not (fields or assessment or added or removed):
        return None
    return ClaimChange(b.id, b.span.file, fields, assessment, added, removed)


def _diag_changes(old: list[Diagnostic], new: list[Diagnostic]
                  ) -> tuple[tuple[Diagnostic, ...], tuple[Diagnostic, ...]]:
    """(introduced, fixed), matching by code and message: positions move as files change."""

    def key(d: Diagnostic) -> tuple[str, str]:
        return (d.code, d.message)

    left = Counter(key(d) for d in old)
    right = Counter(key(d) for d in new)
    introduced, fixed = right - left, left - right
    intro: list[Diagnostic] = []
    for d in new:
        if introduced[key(d)] > 0:
            introduced[key(d)] -= 1
            intro.append(d)
    gone: list[Diagnostic] = []
    for d in old:
        if fixed[key(d)] > 0:
            fixed[key(d)] -= 1
            gone.append(d)
    return tuple(intro), tuple(gone)


def compare(old: Corpus, old_diags: list[Diagnostic], new: Corpus,
            new_diags: list[Diagnostic], old_side: Side, new_side: Side) -> Diff:
    """The claim-level difference between two loaded corpora."""
    added = tuple(_claim_brief(new.claims[c], new) for c in sorted(new.claims.keys()
                                                                    - old.claims.keys()))
    removed = tuple(_claim_brief(old.claims[c], old) for c in sorted(old.claims.keys()
                                                                      - new.claims.keys()))
    changed = []
    renames = _renames(old, new)
    for cid in sorted(old.claims.keys() & new.claims.keys()):
        ch = _claim_change(old.claims[cid], new.claims[cid], old, new, renames)
        if ch is not None:
            changed.append(ch)
    introduced, fixed = _diag_changes(old_diags, new_diags)
    return Diff(
        old_side, new_side, added, removed, tuple(changed),
        tuple(sorted(new.entities.keys() - old.entities.keys())),
        tuple(sorted(old.entities.keys() - new.entities.keys())),
        tuple(sorted(new.studies.keys() - old.studies.keys())),
        tuple(sorted(old.studies.keys() - new.studies.keys())),
        introduced, fixed, tuple(sorted(renames.items())),
    )


def diff(root: Path, old_rev: str | None = None, new_rev: str | None = None) -> Diff:
    """The corpus at ``root``: ``old_rev`` (default HEAD) against ``new_rev`` (default the
    working tree). KgError outside a git repository or for an unknown revision."""
    old_side = side(root, old_rev or "HEAD")
    new_side = side(root, new_rev)
    old, old_diags = _load(root, old_side)
    new, new_diags = _load(root, new_side)
    return compare(old, old_diags, new, new_diags, old_side, new_side)


# -- output ---------------------------------------------------------------------------------


def to_dict(d: Diff) -> dict[str, Any]:
    return {
        "from": {"rev": d.old.rev, "label": d.old.label},
        "to": {"rev": d.new.rev, "label": d.new.label},
        "summary": {
            "claims_added": len(d.claims_added), "claims_removed": len(d.claims_removed),
            "claims_changed": len(d.claims_changed),
            "diagnostics_introduced": len(d.diagnostics_introduced),
            "diagnostics_fixed": len(d.diagnostics_fixed),
        },
        "claims": {
            "added": list(d.claims_added),
            "removed": list(d.claims_removed),
            "changed": [
                {"id": c.id, "file": c.file,
                 "fields": [dataclasses.asdict(x) for x in c.fields],
                 "assessment": [dataclasses.asdict(x) for x in c.assessment],
                 "evidence_added": list(c.evidence_added),
                 "evidence_removed": list(c.evidence_removed)}
                for c in d.claims_changed
            ],
        },
        "files_renamed": [{"from": a, "to": b} for a, b in d.files_renamed],
        "entities": {"added": list(d.entities_added), "removed": list(d.entities_removed)},
        "studies": {"added": list(d.studies_added), "removed": list(d.studies_removed)},
        "diagnostics": {"introduced": [x.to_dict() for x in d.diagnostics_introduced],
                        "fixed": [x.to_dict() for x in d.diagnostics_fixed]},
    }


def render_json(d: Diff) -> str:
    return json.dumps(to_dict(d), indent=2, ensure_ascii=False) + "\n"


def _show(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, str):
        return repr(value) if " " in value or not value else value
    return json.dumps(value, ensure_ascii=False)


def _line(ev: dict[str, Any]) -> str:
    return f"{ev.get('study')} ({ev.get('stance')}): {ev.get('finding')}"


def _diag(x: Diagnostic) -> str:
    return f"{x.file}:{x.line}:{x.column}: {x.severity} {x.code} {x.message}"


def _counts(d: Diff) -> str:
    return (f"{len(d.claims_added)} added, {len(d.claims_removed)} removed, "
            f"{len(d.claims_changed)} changed")


def render_text(d: Diff) -> str:
    out = [f"kg diff {d.old.label} → {d.new.label}"]
    if d.empty:
        return out[0] + "\nno differences\n"
    out.append(f"Claims: {_counts(d)}")
    for a, b in d.files_renamed:
        out.append(f"renamed {a} → {b}")
    for c in d.claims_added:
        out.append(f"+ {c['id']} ({c['file']}): {c['statement']}")
    for c in d.claims_removed:
        out.append(f"- {c['id']} ({c['file']}): {c['statement']}")
    for ch in d.claims_changed:
        out.append(f"~ {ch.id} ({ch.file})")
        for x in (*ch.fields, *ch.assessment):
            out.append(f"    {x.field}: {_show(x.before)} → {_show(x.after)}")
        out += [f"    + evidence {_line(ev)}" for ev in ch.evidence_added]
        out += [f"    - evidence {_line(ev)}" for ev in ch.evidence_removed]
    for what, plus, minus in (("Entities", d.entities_added, d.entities_removed),
                              ("Studies", d.studies_added, d.studies_removed)):
        if plus or minus:
            out.append(f"{what}: " + ", ".join([*(f"+{x}" for x in plus),
                                                *(f"-{x}" for x in minus)]))
    if d.diagnostics_introduced or d.diagnostics_fixed:
        out.append(f"Diagnostics: {len(d.diagnostics_introduced)} introduced, "
                   f"{len(d.diagnostics_fixed)} fixed")
        out += [f"+ {_diag(x)}" for x in d.diagnostics_introduced]
        out += [f"- {_diag(x)}" for x in d.diagnostics_fixed]
    return "\n".join(out) + "\n"


def _md(value: Any) -> str:
    text = value if isinstance(value, str) else _show(value)
    return " ".join(str(text).split()).replace("|", "\\|")


def render_markdown(d: Diff) -> str:
    out = [f"## kg diff: {d.old.label} → {d.new.label}", ""]
    if d.empty:
        return "\n".join(out + ["No differences in the corpus.", ""])
    out += [f"Claims: {_counts(d)}. Diagnostics: {len(d.diagnostics_introduced)} "
            f"introduced, {len(d.diagnostics_fixed)} fixed.", ""]
    if d.files_renamed:
        out += [f"- renamed `{a}` → `{b}`" for a, b in d.files_renamed] + [""]
    if d.claims_added:
        out += ["### Claims added", ""]
        out += [f"- `{c['id']}` ({c['assessment'].get('status', '')}): {_md(c['statement'])}"
                for c in d.claims_added]
        out.append("")
    if d.claims_removed:
        out += ["### Claims removed", ""]
        out += [f"- `{c['id']}`: {_md(c['statement'])}" for c in d.claims_removed]
        out.append("")
    if d.claims_changed:
        out += ["### Claims changed", ""]
        for ch in d.claims_changed:
            out.append(f"- `{ch.id}` (`{ch.file}`)")
            for x in (*ch.fields, *ch.assessment):
                out.append(f"  - {x.field}: {_md(x.before)} → {_md(x.after)}")
            out += [f"  - evidence added: {_md(_line(ev))}" for ev in ch.evidence_added]
            out += [f"  - evidence removed: {_md(_line(ev))}" for ev in ch.evidence_removed]
        out.append("")
    if d.entities_added or d.entities_removed or d.studies_added or d.studies_removed:
        out += ["### Entities and studies", ""]
        for what, items in (("entities added", d.entities_added),
                            ("entities removed", d.entities_removed),
                            ("studies added", d.studies_added),
                            ("studies removed", d.studies_removed)):
            if items:
                out.append(f"- {what}: " + ", ".join(f"`{x}`" for x in items))
        out.append("")
    if d.diagnostics_introduced or d.diagnostics_fixed:
        out += ["### Diagnostics", ""]
        out += [f"- introduced: `{x.file}:{x.line}` {x.code} {_md(x.message)}"
                for x in d.diagnostics_introduced]
        out += [f"- fixed: `{x.file}:{x.line}` {x.code} {_md(x.message)}"
                for x in d.diagnostics_fixed]
        out.append("")
    return "\n".join(out)
