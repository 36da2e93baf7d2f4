"""JSON Schemas of the corpus files (issue 14, part D): generated from kg/corpus/schema.py's tables,
printed by `kg schema`, committed under schemas/ and kept current here; the real corpus
passes a standard validator (check-jsonschema) and a planted wrong word fails it; for every
typed field, a wrong value is refused by both the schema and kg validate."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from cli import cli
from kg.checks.validator import validate
from kg.corpus import jsonschemas as J
from kg.corpus import schema as S
from kg.diagnostics import Severity

REPO = Path(__file__).parent.parent
COMMITTED = REPO / "schemas"
CHECK = str(Path(sys.executable).parent / "check-jsonschema")
CORPORA = Path(__file__).parent / "corpora"


def test_every_field_has_a_type() -> None:
    missing = [f"{record}.{field}" for record, fields in S.RECORDS.items()
               for field in fields if field not in S.FIELD_TYPES.get(record, {})]
    assert missing == [], "add these fields to kg.corpus.schema.FIELD_TYPES"
    extra = [f"{record}.{field}" for record, types in S.FIELD_TYPES.items()
             for field in types if field not in S.RECORDS[record]]
    assert extra == [], "FIELD_TYPES names fields the field tables do not have"


def test_committed_schemas_are_current() -> None:
    for name, text in J.all_schemas().items():
        path = COMMITTED / name
        assert path.is_file() and path.read_text(encoding="utf-8") == text, (
            f"schemas/{name} is stale; run: kg schema -o schemas")
    assert sorted(p.name for p in COMMITTED.glob("*.json")) == sorted(J.all_schemas())


def test_kg_schema_prints_them(runner: CliRunner, tmp_path: Path) -> None:
    one = runner.invoke(cli, ["schema", "claims"])
    assert one.exit_code == 0 and one.stdout == J.render("claims")
    every = runner.invoke(cli, ["schema"])
    assert json.loads(every.stdout) == {k: J.schema_for(k) for k in J.KINDS}
    written = runner.invoke(cli, ["schema", "-o", str(tmp_path / "s")])
    assert written.exit_code == 0, written.output
    for name, text in J.all_schemas().items():
        assert (tmp_path / "s" / name).read_text(encoding="utf-8") == text


def check_jsonschema(root: Path) -> subprocess.CompletedProcess[str]:
    """check-jsonschema over every YAML file of the corpus at ``root``, each against the
    schema of its kind; the last failing run, or the last run."""
    by_kind: dict[str, list[str]] = {}
    for path in sorted((root / "claims").rglob("*.yaml")):
        by_kind.setdefault(J.kind_of(path.name), []).append(str(path))
    done: subprocess.CompletedProcess[str] | None = None
    for kind, files in by_kind.items():
        run = subprocess.run([CHECK, "--schemafile", str(COMMITTED / J.file_name(kind)),
                              *files], capture_output=True, text=True, timeout=300)
        if run.returncode != 0:
            return run
        done = run
    assert done is not None
    return done


def test_the_real_corpus_passes_check_jsonschema() -> None:
    done = check_jsonschema(REPO)
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_wrong_vocabulary_word_fails_check_jsonschema(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    shutil.copytree(REPO / "claims", root / "claims")
    path = root / "claims" / "entities.yaml"
    text = path.read_text(encoding="utf-8")
    assert "    role: outcome\n" in text
    path.write_text(text.replace("    role: outcome\n", "    role: result\n", 1),
                    encoding="utf-8")
    done = check_jsonschema(root)
    assert done.returncode == 1
    assert "'result' is not one of" in done.stdout


def test_init_attaches_the_schemas(tmp_path: Path, runner: CliRunner) -> None:
    target = tmp_path / "new"
    args = ["init", str(target), "--base", "https://w3id.org/test-corpus/"]
    assert runner.invoke(cli, args).exit_code == 0
    for name, text in J.all_schemas().items():
        assert (target / "schemas" / name).read_text(encoding="utf-8") == text
    for path in sorted((target / "claims").glob("*.yaml")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first == J.modeline(J.kind_of(path.name), "../schemas").strip()
        assert (path.parent / first.split("$schema=")[1]).resolve().is_file()
    vscode = json.loads((target / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    assert "./schemas/claims.schema.json" in vscode["yaml.schemas"]
    assert check_jsonschema(target).returncode == 0


# -- every typed field: a wrong value is refused by the schema and by kg validate -----------
#
# Each case takes an instance of the record from a corpus that validates, preferring one
# that has the field (kind- and origin-specific fields need a claim of that kind): the small
# valid corpus first, else the real one. The file must have no error before the wrong value
# goes in, so that the error after it is the wrong value's.

REAL = ("claims", "references.bib")


def walk(doc: Any, t: S.FieldType, path: tuple[Any, ...],
         out: list[tuple[str, tuple[Any, ...], set[str]]]) -> None:
    if t[0] == "record" and isinstance(doc, dict):
        out.append((t[1], path, set(doc)))
        for field, ft in S.FIELD_TYPES.get(t[1], {}).items():
            if field in doc:
                walk(doc[field], ft, (*path, field), out)
    elif t[0] == "records" and isinstance(doc, list):
        for i, item in enumerate(doc):
            walk(item, ("record", t[1]), (*path, i), out)
    elif t[0] == "keyed" and isinstance(doc, dict):
        for key, item in doc.items():
            walk(item, ("record", t[1]), (*path, key), out)


def records_in(root: Path) -> list[tuple[str, str, tuple[Any, ...], set[str]]]:
    """(record, file name, path, fields present) of every record instance under root."""
    found: list[tuple[str, str, tuple[Any, ...], set[str]]] = []
    for path in sorted((root / "claims").glob("*.yaml")):
        top, t = S.FILE_KINDS[J.kind_of(path.name)]
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        out: list[tuple[str, tuple[Any, ...], set[str]]] = []
        walk(doc[top], t, (top,), out)
        found += [(record, path.name, p, fields) for record, p, fields in out]
    return found


SOURCES = {"valid": records_in(CORPORA / "valid"), "real": records_in(REPO)}


def pick(record: str, field: str) -> tuple[str, str, tuple[Any, ...]]:
    """(corpus, file name, path) of the instance to plant a wrong ``field`` into."""
    for want_field in (True, False):
        for corpus in ("valid", "real"):
            for rec, name, path, fields in SOURCES[corpus]:
                if rec == record and (field in fields or not want_field):
                    return corpus, name, path
    raise AssertionError(f"no corpus has a {record} record")


def wrong(t: S.FieldType) -> Any:
    """A value that the type ``t`` does not admit."""
    if t[0] == "integer":
        return t[1] - 1
    return {
        "text": ["a", "list"], "id": "Not Kebab", "key": ["a", "list"], "curie": "nocolon",
        "number": "many", "fraction": 1.5, "p": "sometimes", "ci": [1.0], "groups": [1.0],
        "choice": "zzz-not-a-word", "list": "not a list", "record": "not a mapping",
        "records": "not a list", "keyed": ["not", "a", "mapping"],
    }[t[0]]


def cases() -> list[tuple[str, str]]:
    return [(record, field) for record in S.RECORDS for field in S.RECORDS[record]]


def locate(doc: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        doc = doc[step]
    return doc


def file_errors(root: Path, name: str) -> list[str]:
    _corpus, diags = validate(root)
    return [f"{d.line}:{d.column} {d.code} {d.message}" for d in diags
            if d.severity == Severity.ERROR and Path(d.file).name == name]


@pytest.mark.parametrize(("record", "field"), cases(), ids=[f"{r}.{f}" for r, f in cases()])
def test_a_wrong_value_is_refused_by_schema_and_validator(
        record: str, field: str, tmp_path: Path) -> None:
    import jsonschema  # type: ignore[import-untyped]

    corpus, name, path = pick(record, field)
    root = tmp_path / corpus
    if corpus == "valid":
        shutil.copytree(CORPORA / "valid", root)
    else:
        shutil.copytree(REPO / "claims", root / "claims")
        shutil.copy2(REPO / "references.bib", root / "references.bib")
    file = root / "claims" / name
    doc = yaml.safe_load(file.read_text(encoding="utf-8"))
    file.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True),
                    encoding="utf-8")
    assert file_errors(root, name) == [], "the instance must validate before"
    schema = J.schema_for(J.kind_of(name))
    assert jsonschema.Draft202012Validator(schema).is_valid(doc), "the base must be valid"
    t = S.FIELD_TYPES[record][field]
    locate(doc, path)[field] = wrong(t)
    assert not jsonschema.Draft202012Validator(schema).is_valid(doc), (
        f"the schema admits {record}.{field} = {wrong(t)!r}")
    file.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True),
                    encoding="utf-8")
    assert file_errors(root, name), f"kg validate admits {record}.{field} = {wrong(t)!r}"
