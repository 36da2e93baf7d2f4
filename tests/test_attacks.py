"""The standing attack suite of issue 17: one test (or a few) per numbered finding.

Each test reproduces an attack that worked before the fix: nothing a file can hold runs
code, injects triples or loses data. The longer campaign that mutates corpora and caches
is bench/fuzz.py.
"""

from __future__ import annotations

import ast
import contextlib
import hashlib
import os
import pickle
import shutil
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from cli import cli

REPO = Path(__file__).parent.parent
KG = [sys.executable, "-c", "import sys; sys.argv[0] = 'kg'; from cli import main; main()"]


def kg(root: Path, *args: str, **kw: Any) -> Any:
    return CliRunner().invoke(cli, [*args, "--root", str(root)], **kw)


def kg_process(*args: str | bytes, **kw: Any) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([*KG, *args], cwd=REPO, capture_output=kw.pop("capture", True),
                          timeout=kw.pop("timeout", 120), **kw)


def cache_files(root: Path) -> list[Path]:
    return sorted(p for p in (root / "build" / "cache").rglob("*")
                  if p.is_file() and not p.is_symlink())


class _Boom:
    """Unpickling this creates the marker file: proof that code ran."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return (Path.touch, (self.marker,))


# -- 1. code runs from the cache ---------------------------------------------------------------


def test_1_forged_cache_entries_run_no_code(valid_corpus: Path, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    evil = pickle.dumps(_Boom(marker))
    assert kg(valid_corpus, "build").exit_code == 0
    assert kg(valid_corpus, "stats").exit_code == 0
    entries = cache_files(valid_corpus)
    assert entries
    for path in entries:  # after the header line and the 64-character key, a pickle
        data = path.read_bytes()
        if data.startswith(b"kg-"):
            head = data.index(b"\n") + 1
            key = data[head:head + 64]
            forged = data[:head + 64] + evil
            if data[head + 64:head + 65] == b"\n":  # with a valid checksum, too
                forged = data[:head + 65] + hashlib.sha256(evil).hexdigest().encode() + \
                    b"\n" + evil
            assert len(key) == 64
            path.write_bytes(forged)
    index = valid_corpus / "build" / "cache" / "questions.sqlite"
    if index.exists():
        conn = sqlite3.connect(index)
        conn.execute("UPDATE claims SET obj = ?", (evil,))
        conn.commit()
        conn.close()
    for args in (["validate"], ["build"], ["stats"], ["show", "drug-d-lowers-hormone-x"]):
        kg(valid_corpus, *args)
    assert not marker.exists()


def test_1_no_module_loads_pickle_or_marshal() -> None:
    for path in [*sorted((REPO / "kg").rglob("*.py")), REPO / "cli.py"]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [a.name for a in node.names] + [getattr(node, "module", "") or ""]
                assert not {"pickle", "marshal", "shelve", "dill"} & set(names), path


def test_1_a_shipped_cache_is_not_used_elsewhere(valid_corpus: Path, tmp_path: Path) -> None:
    assert kg(valid_corpus, "validate").exit_code == 0
    shipped = tmp_path / "shipped"
    shutil.copytree(valid_corpus, shipped)
    before = {p.name for p in (shipped / "build" / "cache" / "files").iterdir()}
    assert kg(shipped, "validate").exit_code == 0
    after = {p.name for p in (shipped / "build" / "cache" / "files").iterdir()}
    assert before.isdisjoint(after)  # keys bind the corpus location


# -- 2. triples injected through text ------------------------------------------------------------

INJECTION = ('claims:\n  - id: evil-claim\n'
             '    statement: "A \\" \\u2028 <urn:evil> <urn:evil> <urn:evil> . \\u0085'
             ' \\" ; x \\u2029 y"\n'
             '    subject: drug-d\n    predicate: decreases\n    object: hormone-x\n'
             '    certainty: asserted\n    source: {section: basics, paragraph: 1}\n')


@pytest.mark.parametrize("fmt", ["turtle", "n-triples", "trig"])
def test_2_text_cannot_inject_triples(valid_corpus: Path, fmt: str) -> None:
    (valid_corpus / "claims" / "evil.yaml").write_text(INJECTION, encoding="utf-8")
    result = kg(valid_corpus, "export", "--format", fmt, "-o", "-")
    assert result.exit_code == 0, result.output
    rdf = {"turtle": ox.RdfFormat.TURTLE, "n-triples": ox.RdfFormat.N_TRIPLES,
           "trig": ox.RdfFormat.TRIG}[fmt]
    quads = list(ox.parse(result.stdout_bytes, format=rdf))
    assert not [q for q in quads if "urn:evil" in (q.subject.value, q.object.value)]
    labels = [q.object.value for q in quads
              if q.subject.value.endswith("claim/evil-claim")
              and q.predicate.value.endswith("label")]
    assert labels and labels[0] == ('A " \u2028 <urn:evil> <urn:evil> <urn:evil> . \u0085'
                                    ' " ; x \u2029 y')


_ANY_CHAR = st.characters(min_codepoint=0, max_codepoint=0x10FFFF, exclude_categories=())
_LINE_ENDS = st.sampled_from(["\u2028", "\u2029", "\u0085", "\n", "\r", '"', "\\", "\x00",
                              "\x7f", "\ufffe", "\ud800", "\udfff", "'''", '"""'])


@settings(max_examples=500, deadline=None)
@given(st.lists(st.one_of(st.text(alphabet=_ANY_CHAR), _LINE_ENDS)).map("".join))
def test_2_literal_escaping_round_trips_any_unicode(value: str) -> None:
    """escape_string over arbitrary Unicode (control characters, line separators, lone
    surrogates): parsed back by pyoxigraph as Turtle, N-Triples and TriG, the value is the
    same; a lone surrogate, which RDF cannot hold, is refused."""
    from kg.graph.turtle import escape_string

    if any("\ud800" <= c <= "\udfff" for c in value):
        with pytest.raises(ValueError):
            escape_string(value)
        return
    lit = escape_string(value)
    assert "\n" not in lit and "\r" not in lit and "\u2028" not in lit
    triple = f"<urn:s> <urn:p> {lit} .\n"
    for fmt, text in ((ox.RdfFormat.TURTLE, triple), (ox.RdfFormat.N_TRIPLES, triple),
                      (ox.RdfFormat.TRIG, f"<urn:g> {{ {triple} }}\n")):
        (quad,) = list(ox.parse(text.encode("utf-8"), format=fmt))
        assert quad.object.value == value


# -- 3. a file edited during kg build ------------------------------------------------------------


def test_3_a_file_edited_mid_build_is_detected_and_never_cached(
        valid_corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kg.checks import validator

    real = validator.validate
    path = valid_corpus / "claims" / "mechanism.yaml"
    old, new = "Drug D lowers hormone X.", "Drug D lowers hormone Q."

    def validate_then_edit(root: Path, **kw: Any) -> Any:
        out = real(root, **kw)
        path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
        return out

    monkeypatch.setattr(validator, "validate", validate_then_edit)
    result = kg(valid_corpus, "build")
    assert result.exit_code == 2 and "changed while" in result.stderr
    monkeypatch.setattr(validator, "validate", real)
    assert kg(valid_corpus, "build").exit_code == 0
    graph = (valid_corpus / "build" / "graph.ttl").read_text(encoding="utf-8")
    assert new in graph and old not in graph


# -- 4. -o replaces whatever is at the path ------------------------------------------------------


def test_4_output_refuses_corpus_inputs(valid_corpus: Path) -> None:
    bib = (valid_corpus / "references.bib").read_bytes()
    entities = (valid_corpus / "claims" / "entities.yaml").read_bytes()
    for args in (["build", "-o", str(valid_corpus / "references.bib")],
                 ["audit", "-o", str(valid_corpus / "claims" / "entities.yaml")],
                 ["export", "--format", "n-triples", "-o",
                  str(valid_corpus / "claims" / "new.yaml")]):
        result = kg(valid_corpus, *args)
        assert result.exit_code == 2 and "corpus input" in result.stderr, args
    assert (valid_corpus / "references.bib").read_bytes() == bib
    assert (valid_corpus / "claims" / "entities.yaml").read_bytes() == entities
    assert not (valid_corpus / "claims" / "new.yaml").exists()


def test_4_output_refuses_links_fifos_and_read_only_files(valid_corpus: Path,
                                                          tmp_path: Path) -> None:
    target = tmp_path / "target.ttl"
    target.write_text("keep")
    link = tmp_path / "link.ttl"
    link.symlink_to(target)
    fifo = tmp_path / "fifo.ttl"
    os.mkfifo(fifo)
    ro = tmp_path / "ro.ttl"
    ro.write_text("keep")
    ro.chmod(0o444)
    for path, word in ((link, "symbolic link"), (fifo, "not a regular file"),
                       (ro, "read-only")):
        result = kg(valid_corpus, "build", "-o", str(path))
        assert result.exit_code == 2 and word in result.stderr, result.stderr
    assert link.is_symlink() and target.read_text() == "keep"
    assert fifo.exists() and not fifo.is_file()
    assert ro.read_text() == "keep"
    result = kg(valid_corpus, "build", "-o", str(link), "--follow-symlinks")
    assert result.exit_code == 0 and link.is_symlink()
    assert target.read_text().startswith("@prefix")


def test_4_temporary_file_removed_on_interrupt(tmp_path: Path) -> None:
    from kg.output import write_atomic

    def chunks() -> Any:
        yield b"a"
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_atomic(tmp_path / "out.ttl", chunks())
    assert list(tmp_path.iterdir()) == []


# -- 5. cache pruning follows symlinks -----------------------------------------------------------


def test_5_pruning_never_follows_links(valid_corpus: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    victims = [outside / n for n in ("a.pickle", "b.json", "c.part", "d.tmp")]
    for v in victims:
        v.write_text("precious")
    cache = valid_corpus / "build" / "cache"
    cache.mkdir(parents=True)
    for name in ("files", "compiled"):
        (cache / name).symlink_to(outside)
    for args in (["validate"], ["build"], ["stats"]):
        kg(valid_corpus, *args)
    assert all(v.read_text() == "precious" for v in victims)
    shutil.rmtree(valid_corpus / "build")
    (valid_corpus / "build").symlink_to(outside)
    for args in (["validate"], ["build", "-o", str(tmp_path / "g.ttl")], ["stats"]):
        kg(valid_corpus, *args)
    assert all(v.read_text() == "precious" for v in victims)


# -- 6. damaged cache contents are trusted -------------------------------------------------------


def test_6_same_length_edit_of_the_words_index_is_not_served(valid_corpus: Path) -> None:
    assert kg(valid_corpus, "stats").exit_code == 0
    (words,) = (valid_corpus / "build" / "cache").glob("words-*.sqlite")
    data = words.read_bytes()
    assert b"walking-raises-density" in data
    words.write_bytes(data.replace(b"walking-raises-density", b"walking-raises-densitx"))
    result = kg(valid_corpus, "studies", "walking-raises-density", "--json")
    assert result.exit_code == 0, result.output
    assert "densitx" not in result.stdout


def test_6_same_size_edit_of_a_store_file_with_its_mtime_kept_is_caught(
        valid_corpus: Path) -> None:
    """Damage the manifest cannot see (same size, same mtime): RocksDB's block checksums
    catch it when read; the store is removed and the next question rebuilds it."""
    q = "SELECT ?s WHERE { ?s a kgv:Claim }"
    assert kg(valid_corpus, "sparql", q).exit_code == 0
    (store,) = (valid_corpus / "build" / "cache").glob("graph-*.oxigraph")
    tables = sorted(store.glob("*.sst"), key=lambda p: p.stat().st_size)
    assert tables
    for p in tables:
        st = p.stat()
        data = bytearray(p.read_bytes())
        for i in range(0, len(data) - 64, 97):
            data[i] ^= 0x5A
        p.write_bytes(bytes(data))
        os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns))
    first = kg(valid_corpus, "sparql", q)
    # the right answer (RocksDB reads what it wrote to its log, or finds the damage) or a
    # refusal; never a wrong answer, never a traceback
    assert first.exit_code in (0, 2), first.output
    if first.exit_code == 0:
        assert first.stdout.count("claim:") == 6
    else:
        assert "could not be read" in first.stderr and "Traceback" not in first.stderr
    second = kg(valid_corpus, "sparql", q)
    assert second.exit_code == 0, second.output
    assert second.stdout.count("claim:") == 6


def test_6_flipped_bits_in_cached_parses_and_parts_are_rebuilt(valid_corpus: Path) -> None:
    assert kg(valid_corpus, "build").exit_code == 0
    fresh = (valid_corpus / "build" / "graph.ttl").read_bytes()
    for path in cache_files(valid_corpus):
        data = path.read_bytes()
        path.write_bytes(data.replace(b"Drug D", b"Drug Q").replace(b"hormone", b"hormoni"))
    result = kg(valid_corpus, "validate")
    assert result.exit_code == 0 and "Drug Q" not in result.output + result.stderr
    assert kg(valid_corpus, "build").exit_code == 0
    assert (valid_corpus / "build" / "graph.ttl").read_bytes() == fresh


def test_6_a_damaged_query_store_is_rebuilt(valid_corpus: Path) -> None:
    q = "ASK { claim:drug-d-lowers-hormone-x a kgv:Claim }"
    assert kg(valid_corpus, "sparql", q).exit_code == 0
    (store,) = (valid_corpus / "build" / "cache").glob("graph-*.oxigraph")
    for p in store.iterdir():
        if p.is_file() and p.stat().st_size:
            p.write_bytes(b"\xff" * p.stat().st_size)
    result = kg(valid_corpus, "sparql", q)
    assert result.exit_code == 0, result.output
    assert result.stdout == "true\n"


def test_6_a_fifo_in_place_of_a_cache_file_does_not_hang(valid_corpus: Path) -> None:
    assert kg(valid_corpus, "build").exit_code == 0
    assert kg(valid_corpus, "stats").exit_code == 0
    for path in cache_files(valid_corpus):
        path.unlink()
        os.mkfifo(path)
    done: list[int] = []

    def run() -> None:
        for args in (["validate"], ["build"], ["stats"]):
            done.append(kg(valid_corpus, *args).exit_code)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(120)  # not a timing assertion: a hang would never finish at all
    assert done == [0, 0, 0]


# -- 7. SPARQL ---------------------------------------------------------------------------------


def test_7_service_is_refused(valid_corpus: Path) -> None:
    q = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    result = kg(valid_corpus, "sparql", q)
    assert result.exit_code == 2 and "SERVICE" in result.stderr and "refused" in result.stderr
    ok = kg(valid_corpus, "sparql", "SELECT ?service WHERE { ?service a kgv:Claim } LIMIT 1")
    assert ok.exit_code == 0  # a variable named service is fine


def test_7_time_and_result_size_limits(valid_corpus: Path) -> None:
    product = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n ?o }"
    result = kg(valid_corpus, "sparql", product, "--timeout", "0.5")
    assert result.exit_code == 2 and "time limit" in result.stderr, result.stderr
    result = kg(valid_corpus, "sparql", "SELECT * WHERE { ?s ?p ?o }", "--max-rows", "3")
    assert result.exit_code == 2 and "more than 3 rows" in result.stderr, result.stderr


def _children(pid: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_7_ctrl_c_stops_a_running_query(tmp_path: Path) -> None:
    import signal
    import time

    root = tmp_path / "c"
    shutil.copytree(REPO / "tests" / "corpora" / "valid", root)
    assert kg(root, "sparql", "ASK { ?s ?p ?o }").exit_code == 0  # the store is built
    product = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n ?o }"
    # Ctrl-C as a terminal delivers it: to a kg whose SIGINT is not ignored (a shell's
    # background job, such as a CI run started with `&`, passes SIGINT on ignored, and
    # then Python never turns it into KeyboardInterrupt).
    proc = subprocess.Popen([*KG, "sparql", product, "--root", str(root), "--timeout", "600"],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    for _ in range(300):  # until the query runs (in its child process), at most 30 s
        if _children(proc.pid):
            break
        time.sleep(0.1)
    child = _children(proc.pid)
    proc.send_signal(signal.SIGINT)
    try:
        proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:  # kg, or a child it left running, holds the pipes
        for pid in (proc.pid, *child):
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        proc.communicate(timeout=60)
        pytest.fail("Ctrl-C did not stop kg sparql and its query child")
    assert proc.returncode != 0
    assert child and not any(Path(f"/proc/{c}").exists() for c in child)


def test_7_deep_nesting_is_refused_not_a_crash(tmp_path: Path) -> None:
    root = tmp_path / "c"
    shutil.copytree(REPO / "tests" / "corpora" / "valid", root)
    query = "SELECT * WHERE " + "{" * 6000 + "?s ?p ?o" + "}" * 6000
    done = kg_process("sparql", query, "--root", str(root))
    assert done.returncode == 2, done.stderr
    assert b"deeper than" in done.stderr


# -- 8. small files exhaust memory ----------------------------------------------------------------


def test_8_an_aliased_long_string_is_refused(valid_corpus: Path) -> None:
    big = "x" * 200_000
    refs = "\n".join(f"    n{i}: *big" for i in range(400))
    text = (f"claims:\n  - id: a-b\n    statement: &big {big}\n    notes:\n{refs}\n")
    (valid_corpus / "claims" / "bomb.yaml").write_text(text, encoding="utf-8")
    result = kg(valid_corpus, "validate")
    assert result.exit_code == 1
    assert "error KG004 anchors expand the text past the size limit" in result.stdout
    assert result.stdout.startswith("claims/bomb.yaml:")


def test_8_doubling_bibtex_macros_are_refused(valid_corpus: Path) -> None:
    bib = valid_corpus / "references.bib"
    macros = ["@string{m0 = {xx}}"] + [f"@string{{m{i} = m{i - 1} # m{i - 1}}}"
                                       for i in range(1, 23)]
    bib.write_text("\n".join(macros) + "\n" + bib.read_text(encoding="utf-8"))
    result = kg(valid_corpus, "validate")
    assert "too long once @string macros are expanded" in result.stdout


def test_8_references_bib_has_a_size_limit_checked_before_reading(
        valid_corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bib = valid_corpus / "references.bib"
    with bib.open("ab") as f:
        f.write(b"% padding\n" * (17 * 1024 * 1024 // 10))
    real_read = os.read
    read: list[int] = []

    def counting_read(fd: int, n: int) -> bytes:
        data = real_read(fd, n)
        read.append(len(data))
        return data

    monkeypatch.setattr(os, "read", counting_read)
    result = kg(valid_corpus, "validate", "--no-cache")
    monkeypatch.undo()
    assert "references.bib:1:1: error KG005" in result.stdout
    assert sum(read) < 16 * 1024 * 1024  # the bibliography itself was never read


# -- 9. concurrent first queries ---------------------------------------------------------------


def test_9_concurrent_first_sparql_runs_agree(tmp_path: Path) -> None:
    q = "SELECT ?c WHERE { ?c a kgv:Claim } ORDER BY ?c"
    for round_ in range(3):
        root = tmp_path / f"c{round_}"
        shutil.copytree(REPO / "tests" / "corpora" / "valid", root)
        procs = [subprocess.Popen([*KG, "sparql", q, "--root", str(root)], cwd=REPO,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                 for _ in range(8)]
        outs = [p.communicate(timeout=300) for p in procs]
        assert [p.returncode for p in procs] == [0] * 8, [o[1] for o in outs]
        assert len({o[0] for o in outs}) == 1


# -- 10. internal errors instead of diagnostics -------------------------------------------------


@pytest.mark.parametrize("value", ["!!bool x", "!!timestamp x", "!!int ''", "!!float ''"])
def test_10_tags_a_value_defies_are_diagnostics(valid_corpus: Path, value: str) -> None:
    path = valid_corpus / "claims" / "mechanism.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "statement: Drug D lowers hormone X.", f"statement: {value}"), encoding="utf-8")
    result = kg(valid_corpus, "validate")
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code == 1
    assert "claims/mechanism.yaml:3:16: error KG002" in result.stdout


def test_10_non_utf8_arguments(tmp_path: Path) -> None:
    root = tmp_path / "c"
    shutil.copytree(REPO / "tests" / "corpora" / "valid", root)
    done = kg_process("claims", "--about", b"\xff\xfe", "--root", str(root))
    assert done.returncode == 2 and b"not valid UTF-8" in done.stderr
    assert b"internal error" not in done.stderr


def _deny_scandir(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    real = os.scandir

    def scandir(path: Any = ".") -> Any:
        if os.fspath(path) == os.fspath(folder):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)


def test_10_an_unreadable_claims_folder_is_a_diagnostic(
        valid_corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _deny_scandir(monkeypatch, valid_corpus / "claims")
    result = kg(valid_corpus, "validate", "--no-cache")
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code == 1
    assert "claims:1:1: error KG001 cannot read folder claims/: Permission denied" in \
        result.stdout


def test_10_a_full_disk_and_a_closed_stderr(tmp_path: Path) -> None:
    root = tmp_path / "c"
    shutil.copytree(REPO / "tests" / "corpora" / "valid", root)
    with open("/dev/full", "wb") as full:
        done = kg_process("stats", "--root", str(root), capture=False, stdout=full,
                          stderr=subprocess.PIPE)
    assert done.returncode == 2 and b"No space left" in done.stderr
    closed = subprocess.run([*KG, "validate", "--root", str(root)], cwd=REPO,
                            stdout=subprocess.PIPE, timeout=120,
                            preexec_fn=lambda: os.close(2))  # noqa: PLW1509
    assert closed.returncode == 0


# -- 11. silently wrong answers ------------------------------------------------------------------


def test_11_an_unreadable_subfolder_is_an_error(valid_corpus: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    sub = valid_corpus / "claims" / "more"
    sub.mkdir()
    shutil.move(valid_corpus / "claims" / "exercise.yaml", sub / "exercise.yaml")
    _deny_scandir(monkeypatch, sub)
    result = kg(valid_corpus, "validate", "--no-cache")
    assert result.exit_code == 1
    assert "claims/more:1:1: error KG001" in result.stdout


def test_11_yaml_1_1_coercions_leave_text_as_written(valid_corpus: Path) -> None:
    from kg.corpus.load import load_corpus

    path = valid_corpus / "claims" / "mechanism.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("statement: Drug D lowers hormone X.", "statement: 1.10")
    text = text.replace("locator: figure 2", "locator: 1:30")
    text = text.replace("    source: {section: basics, paragraph: 1}\n  - id: hormone-x",
                        "    source: {section: basics, paragraph: 1}\n    population: 0123\n"
                        "  - id: hormone-x", 1)
    path.write_text(text, encoding="utf-8")
    corpus, _ = load_corpus(valid_corpus)
    assert corpus.claims["drug-d-lowers-hormone-x"].statement == "1.10"
    assert corpus.claims["hormone-x-raises-protein-p"].evidence[0].locator == "1:30"
    assert corpus.claims["drug-d-lowers-hormone-x"].population == "0123"


def test_11_an_empty_about_lists_nothing(valid_corpus: Path) -> None:
    result = kg(valid_corpus, "claims", "--about", "")
    assert result.exit_code == 2 and result.stdout == ""


def test_11_an_extra_brace_in_a_bibtex_entry_is_reported(valid_corpus: Path) -> None:
    bib = valid_corpus / "references.bib"
    bib.write_text(bib.read_text(encoding="utf-8").replace(
        "title   = {A randomized trial of walking and bone density},",
        "title   = {A randomized trial of walking and bone density}},"), encoding="utf-8")
    result = kg(valid_corpus, "validate")
    assert result.exit_code == 1
    assert "error KG301 text after the end of entry 'alpha2020trial'" in result.stdout


# -- 12. symlinks out of the corpus -------------------------------------------------------------


def test_12_links_out_of_the_corpus_are_refused(valid_corpus: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.yaml"
    secret.write_text("root:x:0:0:secret-line:/root:/bin/bash\n[unclosed\n")
    (valid_corpus / "claims" / "passwd.yaml").symlink_to(secret)
    result = kg(valid_corpus, "validate", "--no-cache")
    assert result.exit_code == 1
    assert "claims/passwd.yaml:1:1: error KG008" in result.stdout
    assert "secret" not in result.stdout + result.stderr
    inside = valid_corpus / "claims" / "alias.yaml"
    inside.symlink_to(valid_corpus / "claims" / "exercise.yaml")  # inside: read (KG201s)
    assert "claims/alias.yaml" in kg(valid_corpus, "validate").stdout


# -- the codec is generic over the model ----------------------------------------------------


def _example(cls: type, depth: int = 0) -> Any:
    """An instance of the dataclass ``cls`` with every field set (defaults replaced)."""
    import dataclasses
    import typing

    import kg.corpus.model
    import kg.diagnostics
    import kg.graph.compiler

    hints = typing.get_type_hints(cls, vars(kg.corpus.model) | vars(kg.diagnostics)
                                  | vars(kg.graph.compiler))
    values = {}
    for f in dataclasses.fields(cls):
        values[f.name] = _value(hints[f.name], f.name, depth)
    return cls(**values)


def _value(tp: Any, name: str, depth: int) -> Any:
    import dataclasses
    import enum
    import types
    import typing

    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        return _value(next(a for a in args if a is not type(None)), name, depth)
    if tp is str:
        return f"{name} \u2028 \"x\" \ud7ff"
    if tp is int:
        return 7
    if tp is float:
        return 0.1
    if tp is bool:
        return True
    if tp is Any:
        return {"k": (1, "v")}
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return next(iter(tp))
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return _example(tp, depth + 1)
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return (_value(args[0], name, depth),)
        return tuple(_value(a, name, depth) for a in args)
    if origin is list:
        return [_value(args[0], name, depth)]
    if origin is set:
        return {_value(args[0], name, depth)}
    if origin is dict:
        return {_value(args[0], name, depth): _value(args[1], name, depth)}
    raise AssertionError(f"no example for {tp}")


def test_the_cache_codec_round_trips_every_model_class() -> None:
    from kg.cache import _classes, dumps, loads

    classes = _classes()
    assert {"Claim", "Study", "Reference", "Article", "Corpus", "Diagnostic", "Part"} <= set(
        classes)
    for name, cls in classes.items():
        import enum

        if issubclass(cls, enum.Enum):
            continue
        obj = _example(cls)
        if name == "Corpus":
            obj.reads.clear()  # runtime state (file identities), never cached
        back = loads(dumps(obj))
        assert back == obj and type(back) is cls, name
        for f in __import__("dataclasses").fields(cls):  # compare=False fields too
            if name != "Corpus" or f.name != "reads":
                assert getattr(back, f.name) == getattr(obj, f.name), (name, f.name)


def test_a_cache_entry_with_a_valid_checksum_but_a_foreign_class_is_refused(
        tmp_path: Path) -> None:
    from kg.cache import entry_bytes, read_entry

    key = hashlib.sha256(b"k").hexdigest()
    path = tmp_path / "e.json"
    path.write_bytes(entry_bytes(key, b'{"!":"Popen","a":["id"]}'))
    assert read_entry(path, key) is None
    path.write_bytes(entry_bytes(key, b'{"!":"Span","a":["a",1]}'))  # a field missing
    assert read_entry(path, key) is None
    path.write_bytes(entry_bytes(key, b'{"!":"Span","a":["a",1,2]}'))
    from kg.corpus.model import Span

    assert read_entry(path, key) == Span("a", 1, 2)

