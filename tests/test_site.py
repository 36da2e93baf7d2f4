"""kg site (issue 13), without a browser: the pages hold what kg show answers, the output is
byte-deterministic, large corpora get paginated indexes, per-section outline pages, gzipped
exports and a diagram budget. The browser tests are in tests/test_site_browser.py."""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import cli
from kg import site as S


def build(runner: CliRunner, root: Path, out: Path, *args: str) -> str:
    result = runner.invoke(cli, ["site", str(out), "--root", str(root), *args])
    assert result.exit_code == 0, result.output
    return result.stderr


def digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_site_is_byte_deterministic(runner: CliRunner, corpus_copy: Callable[[str], Path],
                                        tmp_path: Path) -> None:
    root = corpus_copy("questions")
    build(runner, root, tmp_path / "a")
    build(runner, root, tmp_path / "b")
    a, b = digest(tmp_path / "a"), digest(tmp_path / "b")
    assert a == b
    assert {"index.html", "audit.html", "downloads.html", "search.html", "search.js",
            "search-index.js", "style.css", "claims/index.html", "entities/index.html",
            "studies/index.html", "downloads/graph.ttl", "downloads/graph_nodes.tsv"} <= set(a)


def test_pages_hold_what_kg_show_answers(runner: CliRunner,
                                         corpus_copy: Callable[[str], Path],
                                         tmp_path: Path) -> None:
    root = corpus_copy("questions")
    out = tmp_path / "site"
    report = build(runner, root, out)
    assert "pages" in report and "diagrams" in report
    shown = json.loads(runner.invoke(cli, ["show", "exercise-raises-density", "--json",
                                           "--root", str(root)]).stdout)
    page = (out / "claims" / "exercise-raises-density.html").read_text(encoding="utf-8")
    assert f"<h1>{S.esc(shown['statement'])}</h1>" in page
    for lines in shown["evidence"].values():
        for line in lines:
            assert f'href="../studies/{line["study"]}.html"' in page
    assert '<svg role="img" aria-label=' in page
    entity = json.loads(runner.invoke(cli, ["show", "exercise", "--json", "--root",
                                            str(root)]).stdout)
    epage = (out / "entities" / "exercise.html").read_text(encoding="utf-8")
    for s in entity["claims_out"]:
        assert f'href="../claims/{s["id"]}.html"' in epage
    home = (out / "index.html").read_text(encoding="utf-8")
    assert home.count('class="para"') >= 1 and "⚑ uncited" in home


def test_large_corpora_are_split_and_budgeted(runner: CliRunner,
                                              corpus_copy: Callable[[str], Path],
                                              tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    root = corpus_copy("questions")
    monkeypatch.setattr(S, "PAGE_SIZE", 4)
    monkeypatch.setattr(S, "HOME_CLAIMS", 3)
    monkeypatch.setattr(S, "GZIP_OVER", 1000)
    out = tmp_path / "site"
    report = build(runner, root, out, "--max-diagrams", "2")
    assert "left out (--max-diagrams)" in report
    claims = sorted(p.name for p in (out / "claims").glob("index*.html"))
    assert claims == ["index-2.html", "index-3.html", "index.html"]  # 11 claims, 4 a page
    assert 'aria-current="page"' in (out / "claims" / "index-2.html").read_text()
    sections = list((out / "article").glob("*.html"))
    assert sections and "article/" in (out / "index.html").read_text()
    ttl = out / "downloads" / "graph.ttl.gz"
    assert gzip.decompress(ttl.read_bytes()).startswith(b"@prefix")
    drawn = sum('<svg role="img"' in p.read_text() for p in out.rglob("*.html"))
    listed = sum("The diagram was left out" in p.read_text() for p in out.rglob("*.html"))
    assert drawn == 2 and listed > 0


def test_the_site_refuses_a_corpus_with_errors(runner: CliRunner,
                                               corpus_copy: Callable[[str], Path],
                                               tmp_path: Path) -> None:
    root = corpus_copy("valid")
    (root / "claims" / "entities.yaml").write_text("entities: [1\n", encoding="utf-8")
    result = runner.invoke(cli, ["site", str(tmp_path / "site"), "--root", str(root)])
    assert result.exit_code == 1
    assert not (tmp_path / "site").exists()


def test_the_site_never_empties_the_corpus(runner: CliRunner,
                                          corpus_copy: Callable[[str], Path]) -> None:
    root = corpus_copy("valid")
    result = runner.invoke(cli, ["site", str(root), "--root", str(root)])
    assert result.exit_code == 2
    assert (root / "claims" / "entities.yaml").is_file()


def test_the_site_never_empties_a_folder_that_is_not_a_site(
        runner: CliRunner, corpus_copy: Callable[[str], Path], tmp_path: Path) -> None:
    root = corpus_copy("valid")
    precious = tmp_path / "documents"
    precious.mkdir()
    (precious / "thesis.txt").write_text("years of work", encoding="utf-8")
    result = runner.invoke(cli, ["site", str(precious), "--root", str(root)])
    assert result.exit_code == 2, result.output
    assert (precious / "thesis.txt").is_file()
    build(runner, root, tmp_path / "site")
    build(runner, root, tmp_path / "site")  # a kg site is replaced
