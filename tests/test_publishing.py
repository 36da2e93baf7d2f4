"""Publishing (issue 11): the base IRI of an unconfigured corpus, the corpus's own CURIE
prefixes, and nanopublications one per file, each accepted by the nanopub library."""

from __future__ import annotations

import os
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from cli import cli
from kg.checks.validator import validate
from kg.config import PROJECT_BASE, UNSET_BASE, derived_prefix, kgx_prefixes, resolve_base
from kg.graph.compiler import compile_nanopubs

# -- the base IRI of a corpus that sets none ---------------------------------------------------


def test_a_corpus_without_a_base_builds_under_a_reserved_domain_with_a_warning(
        runner: CliRunner, valid_corpus: Path) -> None:
    (valid_corpus / "pyproject.toml").unlink()  # the test corpus's explicit base
    assert resolve_base(valid_corpus) == UNSET_BASE
    assert UNSET_BASE.endswith(".invalid/")  # RFC 2606: never resolves
    result = runner.invoke(cli, ["build", "--root", str(valid_corpus), "-o", "-"])
    assert result.exit_code == 0, result.output
    assert f"<{UNSET_BASE}vocab#>" in result.stdout and "example.org" not in result.stdout
    assert "kg: warning: no base IRI is set" in result.stderr
    assert "kg.toml" in result.stderr and "--base" in result.stderr
    for args in (["--base", "https://kg.test/x/"], []):
        if not args:
            (valid_corpus / "kg.toml").write_text('base = "https://w3id.org/x/"\n')
        result = runner.invoke(cli, ["export", "--root", str(valid_corpus), "--format",
                                     "turtle", "-o", "-", *args])
        assert result.exit_code == 0, result.output
        assert "warning" not in result.stderr


def test_export_warns_too(runner: CliRunner, valid_corpus: Path, tmp_path: Path) -> None:
    (valid_corpus / "pyproject.toml").unlink()
    result = runner.invoke(cli, ["export", "--root", str(valid_corpus), "--format", "kgx",
                                 "-o", str(tmp_path / "g")])
    assert result.exit_code == 0, result.output
    assert "kg: warning: no base IRI is set" in result.stderr


@pytest.mark.parametrize(("base", "prefix"), [
    ("https://w3id.org/my-corpus/", "MY_CORPUS"),
    ("https://example.org/kg-bone-ai/", "KG_BONE_AI"),
    ("https://purl.org/bone#", "BONE"),
    (UNSET_BASE, "BASE_NOT_SET"),
    ("https://w3id.org/2024/", "KG_2024"),
])
def test_derived_prefix(base: str, prefix: str) -> None:
    assert derived_prefix(base) == prefix
    assert set(kgx_prefixes(None, base)) == {f"{prefix}.{n}" for n in ("ENTITY", "CLAIM", "VOCAB")}


def test_kg_init_gives_a_new_corpus_its_own_prefixes(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "new"
    result = runner.invoke(cli, ["init", str(target), "--base", "https://w3id.org/new-kg/"])
    assert result.exit_code == 0, result.output
    settings = (target / "kg.toml").read_text()
    assert '# curie_prefix = "NEW_KG"' in settings and "KGBONE" not in settings
    assert PROJECT_BASE not in settings
    assert kgx_prefixes(target, resolve_base(target))["NEW_KG.ENTITY"] == \
        "https://w3id.org/new-kg/entity/"


@pytest.mark.parametrize("base", [UNSET_BASE, "https://my.kg.test/", "https://x.localhost/"])
def test_kg_init_refuses_reserved_domains(runner: CliRunner, tmp_path: Path, base: str) -> None:
    result = runner.invoke(cli, ["init", str(tmp_path / "new"), "--base", base])
    assert result.exit_code == 2, result.output
    assert "placeholder" in result.stderr


# -- nanopublications, one per file -----------------------------------------------------------


def _nanopubs(runner: CliRunner, root: Path, *args: str) -> str:
    result = runner.invoke(cli, ["export", "--root", str(root), "--format", "nanopubs", *args])
    assert result.exit_code == 0, result.output
    return result.stderr


def test_nanopubs_folder_has_one_file_per_claim(runner: CliRunner, valid_corpus: Path) -> None:
    _nanopubs(runner, valid_corpus)
    folder = valid_corpus / "build" / "nanopubs"
    corpus, _ = validate(valid_corpus)
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{c}.trig" for c in corpus.claims)
    quads: set[ox.Quad] = set()
    for path in folder.iterdir():
        mine = set(ox.parse(path=str(path), format=ox.RdfFormat.TRIG))
        heads = {q.subject.value for q in mine
                 if q.object == ox.NamedNode("http://www.nanopub.org/nschema#Nanopublication")}
        assert heads == {PROJECT_BASE + "np/" + path.stem}
        quads |= mine
    # together, exactly the single-file TriG export
    assert quads == set(compile_nanopubs(corpus, PROJECT_BASE))
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    _nanopubs(runner, valid_corpus)  # byte-identical again
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_each_nanopub_file_passes_the_nanopub_library_check(
        runner: CliRunner, valid_corpus: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """nanopub 2.0.1's own check (Nanopub.is_valid, what `np check` runs): four non-empty
    graphs, provenance about the assertion, pubinfo about the nanopublication. Offline:
    any HTTP request would go to a closed port."""
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.setenv(var, "http://127.0.0.1:9")
    monkeypatch.setenv("NO_PROXY", "")
    from nanopub.nanopub import Nanopub
    from nanopub.nanopub_conf import NanopubConf
    from nanopub.utils import MalformedNanopubError

    _nanopubs(runner, valid_corpus, "-o", str(tmp_path / "np"))
    files = sorted((tmp_path / "np").iterdir())
    assert len(files) == 6
    for path in files:
        assert Nanopub(rdf=path, conf=NanopubConf()).is_valid, path.name
    # the single-file TriG is what the library refuses, and a damaged file is caught
    runner.invoke(cli, ["export", "--root", str(valid_corpus), "--format", "trig",
                        "-o", str(tmp_path / "all.trig")])
    with pytest.raises(MalformedNanopubError, match="Multiple nanopublications"):
        Nanopub(rdf=tmp_path / "all.trig", conf=NanopubConf())
    damaged = tmp_path / "damaged.trig"
    text = files[0].read_text()
    damaged.write_text(_drop_graph(text, "\\#provenance"))
    with pytest.raises(MalformedNanopubError):
        assert Nanopub(rdf=damaged, conf=NanopubConf()).is_valid


def _drop_graph(trig: str, suffix: str) -> str:
    """``trig`` without the content of the named graph ending in ``suffix``."""
    lines = trig.splitlines(keepends=True)
    out, skip = [], False
    for line in lines:
        if line.rstrip().endswith(f"{suffix} {{"):
            skip = True
            continue
        if skip:
            skip = line.strip() != "}"
            continue
        out.append(line)
    return "".join(out)


def test_nanopubs_folder_output_rules(runner: CliRunner, valid_corpus: Path,
                                      tmp_path: Path) -> None:
    def refused(target: str, message: str) -> None:
        result = runner.invoke(cli, ["export", "--root", str(valid_corpus), "--format",
                                     "nanopubs", "-o", target])
        assert result.exit_code == 2, result.output
        assert result.stderr.startswith("kg: error:") and message in result.stderr
        assert "Traceback" not in result.output

    refused("-", "folder")
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me")
    refused(str(tmp_path / "mine"), "'notes.txt'")
    assert (tmp_path / "mine" / "notes.txt").read_text() == "keep me"
    (tmp_path / "file").write_text("x")
    refused(str(tmp_path / "file"), "not a folder")
    os.symlink(tmp_path / "elsewhere", tmp_path / "link")
    refused(str(tmp_path / "link"), "symbolic link")
    refused(str(valid_corpus / "claims" / "np"), "inputs")
    refused(str(valid_corpus), "inputs")
    # an earlier export is replaced whole: a claim that is gone leaves no file behind
    out = tmp_path / "np"
    _nanopubs(runner, valid_corpus, "-o", str(out))
    (out / "gone-claim.trig").write_text("old")
    _nanopubs(runner, valid_corpus, "-o", str(out))
    assert not (out / "gone-claim.trig").exists() and len(list(out.iterdir())) == 6
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_a_failed_nanopubs_write_leaves_the_earlier_folder(
        runner: CliRunner, valid_corpus: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "np"
    _nanopubs(runner, valid_corpus, "-o", str(out))
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    import kg.output

    def fail(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(kg.output, "_umask", fail)  # after the files, before the rename
    result = runner.invoke(cli, ["export", "--root", str(valid_corpus), "--format",
                                 "nanopubs", "-o", str(out)])
    assert result.exit_code == 2 and "No space left" in result.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".np.")]
