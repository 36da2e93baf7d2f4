"""`kg diff` (issue 14, part E): a claim-level diff between git revisions, or a revision
and the working tree, in temporary git repositories: renamed files, moved claims, changed
fields, evidence lines, computed values that moved, diagnostics introduced and fixed."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from jsonshape import check, named_shapes, section_shape

from cli import cli

CORPORA = Path(__file__).parent / "corpora"
PAGE = (Path(__file__).parent.parent / "docs" / "cli.md").read_text(encoding="utf-8")
GIT_ENV = {"GIT_AUTHOR_NAME": "kg tests", "GIT_AUTHOR_EMAIL": "tests@example.org",
           "GIT_COMMITTER_NAME": "kg tests", "GIT_COMMITTER_EMAIL": "tests@example.org"}


def git(root: Path, *args: str) -> str:
    env = {**os.environ, **GIT_ENV}
    done = subprocess.run(["git", *args], cwd=root, env=env, capture_output=True, text=True,
                          check=True)
    return done.stdout


def load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def dump(path: Path, data: Any) -> None:
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True),
                    encoding="utf-8")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository whose first commit is tests/corpora/valid, and whose second
    renames a file, moves a claim, rewords one, turns an evidence line around and adds a
    claim about an unknown entity."""
    root = tmp_path / "repo"
    shutil.copytree(CORPORA / "valid", root)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "first")
    claims = root / "claims"
    git(root, "mv", "claims/mechanism.yaml", "claims/mech.yaml")
    exercise, mech = load(claims / "exercise.yaml"), load(claims / "mech.yaml")
    moved = next(c for c in exercise["claims"] if c["id"] == "walking-lowers-fracture")
    exercise["claims"].remove(moved)
    mech["claims"].append(moved)
    first = exercise["claims"][0]
    assert first["id"] == "walking-raises-density"
    first["statement"] = "Walking may raise bone mineral density in people on drug D."
    first["certainty"] = "suggested"
    first["evidence"][0]["stance"] = "supports"
    mech["claims"].append({
        "id": "walking-lowers-hormone-y", "statement": "Walking lowers hormone Y.",
        "subject": "walking", "predicate": "decreases", "object": "hormone-y",
        "certainty": "suggested", "source": {"section": "basics", "paragraph": 2}})
    dump(claims / "exercise.yaml", exercise)
    dump(claims / "mech.yaml", mech)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "second")
    return root


def computed(root: Path, claim: str = "walking-raises-density") -> dict[str, Any]:
    """What kg.evidence computes for ``claim`` in the corpus at ``root``, as kg diff
    compares it."""
    from kg.checks.validator import validate
    from kg.evidence import assess
    from kg.repo.diff import plain

    corpus, _ = validate(root)
    result = plain(assess(corpus.claims[claim], corpus.studies))
    assert isinstance(result, dict)
    return result


def kg_diff(root: Path, *args: str) -> tuple[int, Any, str]:
    result = CliRunner().invoke(cli, ["diff", *args, "--json", "--root", str(root)])
    return result.exit_code, json.loads(result.stdout), result.stderr


def test_between_two_revisions(repo: Path) -> None:
    code, data, err = kg_diff(repo, "HEAD~1", "HEAD")
    assert code == 0, err
    assert data["files_renamed"] == [{"from": "claims/mechanism.yaml",
                                      "to": "claims/mech.yaml"}]
    assert [c["id"] for c in data["claims"]["added"]] == ["walking-lowers-hormone-y"]
    assert data["claims"]["removed"] == []
    changed = {c["id"]: c for c in data["claims"]["changed"]}
    # the claims of the renamed file are not listed; the moved claim is, as moved
    assert sorted(changed) == ["walking-lowers-fracture", "walking-raises-density"]
    assert changed["walking-lowers-fracture"]["fields"] == [
        {"field": "file", "before": "claims/exercise.yaml", "after": "claims/mech.yaml"}]
    reworded = changed["walking-raises-density"]
    fields = {f["field"]: (f["before"], f["after"]) for f in reworded["fields"]}
    assert fields["certainty"] == ("asserted", "suggested")
    assert fields["statement"][1].startswith("Walking may raise")
    original = load(CORPORA / "valid" / "claims" / "exercise.yaml")["claims"][0]
    assert [e["stance"] for e in reworded["evidence_added"]] == ["supports"]
    assert [e["stance"] for e in reworded["evidence_removed"]] == [
        original["evidence"][0]["stance"] or "null"]
    # every value kg.evidence computes that moved, and only those
    before, after = computed(CORPORA / "valid"), computed(repo)
    moved = {a["field"]: (a["before"], a["after"]) for a in reworded["assessment"]}
    expected = {k: (before[k], after[k]) for k in after if before.get(k) != after[k]}
    assert moved == expected and "status" in moved
    introduced = data["diagnostics"]["introduced"]
    assert [(d["code"], d["file"]) for d in introduced] == [("KG202", "claims/mech.yaml")]
    assert data["diagnostics"]["fixed"] == []
    assert data["summary"] == {"claims_added": 1, "claims_removed": 0, "claims_changed": 2,
                               "diagnostics_introduced": 1, "diagnostics_fixed": 0}


def test_the_working_tree_against_head(repo: Path) -> None:
    mech = load(repo / "claims" / "mech.yaml")
    mech["claims"] = [c for c in mech["claims"] if c["id"] != "walking-lowers-hormone-y"]
    dump(repo / "claims" / "mech.yaml", mech)
    code, data, _ = kg_diff(repo)
    assert code == 0
    assert data["to"] == {"rev": None, "label": "working tree"}
    assert [c["id"] for c in data["claims"]["removed"]] == ["walking-lowers-hormone-y"]
    assert [d["code"] for d in data["diagnostics"]["fixed"]] == ["KG202"]
    assert data["claims"]["changed"] == [] and data["files_renamed"] == []


def test_no_difference(repo: Path) -> None:
    result = CliRunner().invoke(cli, ["diff", "--root", str(repo), "--exit-code"])
    assert result.exit_code == 0 and "no differences" in result.stdout
    changed = CliRunner().invoke(cli, ["diff", "HEAD~1", "--root", str(repo), "--exit-code"])
    assert changed.exit_code == 1


def test_text_and_markdown(repo: Path) -> None:
    text = CliRunner().invoke(cli, ["diff", "HEAD~1", "HEAD", "--root", str(repo)]).stdout
    assert "renamed claims/mechanism.yaml → claims/mech.yaml" in text
    assert "+ walking-lowers-hormone-y" in text
    assert "    status: " in text
    assert "+ claims/mech.yaml:" in text and "KG202" in text
    md = CliRunner().invoke(cli, ["diff", "HEAD~1", "HEAD", "--format", "markdown",
                                  "--root", str(repo)]).stdout
    assert md.startswith("## kg diff: HEAD~1")
    assert "### Claims changed" in md and "- introduced: `claims/mech.yaml" in md


def test_json_is_the_documented_shape(repo: Path) -> None:
    _, data, _ = kg_diff(repo, "HEAD~1", "HEAD")
    assert check(section_shape(PAGE, "## kg diff"), data, named_shapes(PAGE)) == []


def test_a_corpus_in_a_subfolder(tmp_path: Path) -> None:
    top = tmp_path / "top"
    shutil.copytree(CORPORA / "valid", top / "corpus")
    git(top, "init", "-q", "-b", "main")
    git(top, "add", "-A")
    git(top, "commit", "-q", "-m", "first")
    path = top / "corpus" / "claims" / "exercise.yaml"
    data = load(path)
    data["claims"][0]["certainty"] = "suggested"
    dump(path, data)
    code, out, err = kg_diff(top / "corpus")
    assert code == 0, err
    assert [c["id"] for c in out["claims"]["changed"]] == ["walking-raises-density"]


def test_errors(repo: Path, tmp_path: Path) -> None:
    code, data, err = kg_diff(repo, "nosuchrev")
    assert code == 2 and data["error"]["kind"] == "fatal"
    assert "unknown revision 'nosuchrev'" in err
    loose = shutil.copytree(CORPORA / "valid", tmp_path / "loose")
    code, data, _ = kg_diff(loose)
    assert code == 2 and "not a git repository" in data["error"]["message"]
    code, data, _ = kg_diff(repo, "a", "b", "c")
    assert code == 2 and data["error"]["kind"] == "usage"
