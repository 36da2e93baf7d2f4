"""Scale benchmark (issue 7): cold-process time and peak memory of kg at growing sizes.

    .venv/bin/python bench/run.py --sizes 1000,10000,100000 --out docs/performance.md

For each size it generates a corpus with bench/generate.py (cached in bench/corpora/ by
size, seed and the generator's source, so a second run reuses it), then runs each job
as a fresh process --runs times (default 3) and reports the median wall time and the
peak RSS of the median run. Jobs:

- ``kg validate``, ``kg build``, ``kg export --format turtle -o -``, all with the cache
  under <corpus>/build/ removed before each run (cold);
- ``kg validate`` and ``kg build`` with the cache warm (one unmeasured run first), and
  ``kg build`` after one claim file changed (the incremental rebuild);
- ``kg studies WORDS`` with the cache cold, and warm (one unmeasured run first);
- ``kg paths A B`` and ``kg sparql QUERY`` (cache warm: the question path);
- peers on the same graph (the Turtle ``kg build`` wrote): pySHACL with kg/graph/shapes.ttl
  (rdflib parse + validate), and rdflib parse + Turtle serialize;
- the generator itself.

A kg command that does not exist yet (``kg CMD --help`` fails) is reported as
"n/a (command missing)". Ratios compare our times with the peers' in the same run.
The table goes to stdout and, with --out, between ``<!-- bench:start -->`` and
``<!-- bench:end -->`` in that file (created with a short intro if missing).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from common import KG, REPO, Run, machine_long, megabytes, run_measured, seconds

BENCH = Path(__file__).resolve().parent
CORPORA = BENCH / "corpora"
GENERATE = BENCH / "generate.py"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"
#: the fastest loader measured: each kg figure is reported beside it (issue 16)
FLOOR = "parse floor: rapidyaml -> JSON -> json.loads"
RUNS = [3]  # --runs, for marking cells measured with another number of runs
PEERS = [0, 10**9]  # --peer-runs (0: as --runs), --peers-max
LOAD: list[float] = []  # the load average before and after the run

PYSHACL = """
import sys
import pyshacl, rdflib
data = rdflib.Graph().parse(sys.argv[1], format="turtle")
shapes = rdflib.Graph().parse(sys.argv[2], format="turtle")
conforms, _graph, _text = pyshacl.validate(data, shacl_graph=shapes, advanced=True)
sys.exit(0 if conforms else 1)
"""

RDFLIB = """
import sys
import rdflib
g = rdflib.Graph().parse(sys.argv[1], format="turtle")
g.serialize(destination=sys.stdout.buffer, format="turtle")
"""

FALLBACK_QUERY = """SELECT ?stance ?study WHERE {
  VALUES ?claim { claim:%s }
  ?claim ?p ?line . ?line kgv:stance ?stance ; dcterms:source ?study .
}"""


@dataclass
class Size:
    """One generated corpus and what the jobs need from it."""

    claims: int
    root: Path
    manifest: dict[str, object]
    graph: Path | None = None  # the Turtle kg build wrote, for the peers
    triples: str = "?"
    query_file: Path | None = None


@dataclass
class Job:
    label: str
    needs: tuple[str, ...]  # kg commands that must exist
    argv: Callable[[Size], list[str] | None]  # None: cannot run (reason in why)
    #: cold: remove <root>/build before each run; warm: one run first; edit: warm, then one
    #: claim file changes before each run
    cache: str = "cold"
    why: Callable[[Size], str] = lambda s: "n/a"
    ok_codes: tuple[int, ...] = (0,)


@dataclass
class Cell:
    text: str
    median: float | None = None
    runs: list[Run] = field(default_factory=list)


def has_command(cmd: str) -> bool:
    proc = subprocess.run([KG, cmd, "--help"], stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL, check=False)
    return proc.returncode == 0


def generator_digest() -> str:
    return hashlib.sha256(GENERATE.read_bytes()).hexdigest()[:10]


def corpus_for(claims: int, seed: int) -> Path:
    """The cached corpus for these arguments, generated when missing."""
    root = CORPORA / f"c{claims}-s{seed}-{generator_digest()}"
    if not (root / "bench.json").is_file():
        print(f"generating {claims} claims into {root.relative_to(REPO)} ...", file=sys.stderr)
        subprocess.run([sys.executable, str(GENERATE), "--claims", str(claims), "--out",
                        str(root), "--seed", str(seed), "--force"], check=True)
    return root


def clear_build(root: Path) -> None:
    shutil.rmtree(root / "build", ignore_errors=True)


def prepare(size: Size, have: dict[str, bool], timeout: float, with_graph: bool = True) -> None:
    """The graph for the peers (kg build -o, unmeasured; only ``with_graph``) and a query
    file."""
    claim = str(size.manifest["claim"])
    template = REPO / "queries" / "supports-for-claim.rq"
    text = template.read_text(encoding="utf-8") if template.is_file() else ""
    text, n = re.subn(r"VALUES \?claim \{[^}]*\}", f"VALUES ?claim {{ claim:{claim} }}", text)
    if not n:
        text = FALLBACK_QUERY % claim
    size.query_file = size.root.with_name(size.root.name + ".rq")
    size.query_file.write_text(text, encoding="utf-8")
    if not have["build"] or not with_graph:
        return
    graph = size.root.with_name(size.root.name + ".ttl")
    graph.unlink(missing_ok=True)  # rebuilt every run: kg's graph changes as kg does
    clear_build(size.root)
    proc = subprocess.run([KG, "build", "--root", str(size.root), "-o", str(graph)],
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          timeout=timeout, check=False)
    if proc.returncode != 0 or not graph.is_file():
        print(f"kg build failed at {size.claims} claims (exit {proc.returncode}): "
              f"{proc.stderr.decode()[-500:]}", file=sys.stderr)
        graph.unlink(missing_ok=True)
        return
    size.graph = graph
    size.triples = count_triples(graph)


def edit_target(root: Path) -> Path:
    """The claim file the one-file-edit job changes: the first topic file."""
    special = {"entities.yaml", "studies.yaml", "article.yaml"}
    return next(p for p in sorted((root / "claims").glob("*.yaml")) if p.name not in special)


def count_triples(graph: Path) -> str:
    try:
        import pyoxigraph

        store = pyoxigraph.Store()
        store.bulk_load(path=str(graph), format=pyoxigraph.RdfFormat.TURTLE)
        return f"{len(store):,}"
    except Exception:  # only a label in the table
        return "?"


def jobs(shapes: Path) -> list[Job]:
    def kg(*args: str) -> Callable[[Size], list[str]]:
        return lambda s: [KG, *args, "--root", str(s.root)]

    def studies(s: Size) -> list[str]:
        return [KG, "studies", "--root", str(s.root), *str(s.manifest["studies_query"]).split()]

    def paths(s: Size) -> list[str]:
        pair: list[str] = list(s.manifest["paths"])  # type: ignore[call-overload]
        return [KG, "paths", "--root", str(s.root), str(pair[0]), str(pair[1])]

    def sparql(s: Size) -> list[str]:
        return [KG, "sparql", "--root", str(s.root), f"@{s.query_file}"]

    def peer(code: str, *extra: str) -> Callable[[Size], list[str] | None]:
        return lambda s: ([sys.executable, "-c", code, str(s.graph), *extra]
                          if s.graph else None)

    def floor(loader: str) -> Callable[[Size], list[str]]:
        return lambda s: [sys.executable, str(BENCH / "floor.py"), loader, str(s.root)]

    no_graph = "n/a (no graph: kg build failed or missing)"
    return [
        Job(FLOOR, (), floor("ryml")),
        Job("parse only: PyYAML CSafeLoader load", (), floor("csafe")),
        Job("parse only: kg.corpus.fastyaml (floor + identity checks)", (), floor("kg-fast")),
        Job("parse only: kg.corpus.yamlfile reference loader (positions)", (),
            floor("kg-reference")),
        Job("kg validate", ("validate",), kg("validate")),
        Job("kg validate (cache warm)", ("validate",), kg("validate"), "warm"),
        Job("kg build", ("build",), lambda s: [KG, "build", "--root", str(s.root)]),
        Job("kg build (cache warm)", ("build",), kg("build"), "warm"),
        Job("kg build after a one-file edit", ("build",), kg("build"), "edit"),
        Job("kg export --format turtle -o -", ("export",),
            kg("export", "--format", "turtle", "-o", "-")),
        Job("kg studies WORDS (cache cold)", ("studies",), studies, ok_codes=(0, 1)),
        Job("kg studies WORDS (cache warm)", ("studies",), studies, "warm", ok_codes=(0, 1)),
        Job("kg paths A B (cache warm)", ("paths",), paths, "warm", ok_codes=(0, 1)),
        Job("kg sparql QUERY (cache warm)", ("sparql",), sparql, "warm", ok_codes=(0, 1)),
        Job("peer: pySHACL, kg/graph/shapes.ttl (rdflib parse + validate)", (),
            peer(PYSHACL, str(shapes)), why=lambda s: no_graph, ok_codes=(0, 1)),
        Job("peer: rdflib Turtle parse + serialize", (), peer(RDFLIB),
            why=lambda s: no_graph),
    ]


def measure(job: Job, size: Size, runs: int, timeout: float) -> Cell:
    if job.label.startswith("peer:"):
        if size.claims > PEERS[1]:
            return Cell(f"not run (over --peers-max {PEERS[1]:,})")
        runs = PEERS[0] or runs
    argv = job.argv(size)
    if argv is None:
        return Cell(job.why(size))
    if job.cache in ("warm", "edit"):
        clear_build(size.root)
        run_measured(argv, cwd=size.root, timeout=timeout)
    edited = edit_target(size.root)
    original = edited.read_bytes()
    results: list[Any] = []
    for i in range(runs):
        if job.cache == "cold":
            clear_build(size.root)
        elif job.cache == "edit":  # one claim file changes; every other cache entry stands
            edited.write_bytes(original + f"# edit {i}\n".encode())
        try:
            r = run_measured(argv, cwd=size.root, timeout=timeout)
        finally:
            if job.cache == "edit":
                edited.write_bytes(original)
        if r.returncode not in job.ok_codes:
            tail = r.stderr.strip().splitlines()[-3:]
            print(f"  {job.label} failed (exit {r.returncode}): {' | '.join(tail)}",
                  file=sys.stderr)
            return Cell(f"failed (exit {r.returncode})", runs=results + [r])
        results.append(r)
    return summarize(results)


def summarize(results: list[Run]) -> Cell:
    ordered = sorted(results, key=lambda r: r.wall)
    med = statistics.median(r.wall for r in results)
    rss = ordered[len(ordered) // 2].rss
    codes = sorted({r.returncode for r in results if r.returncode})
    note = f", exit {'/'.join(map(str, codes))}" if codes else ""
    runs = (f", {len(results)} run{'s' if len(results) > 1 else ''}"
            if len(results) != RUNS[0] else "")
    return Cell(f"{seconds(med)} ({megabytes(rss)}{note}{runs})", med, results)


def measure_generator(claims: int, seed: int, runs: int, timeout: float) -> Cell:
    results = []
    with tempfile.TemporaryDirectory(dir=CORPORA) as tmp:
        out = Path(tmp) / "corpus"
        for _ in range(runs):
            r = run_measured([sys.executable, str(GENERATE), "--claims", str(claims), "--out",
                              str(out), "--seed", str(seed), "--force", "--quiet"],
                             timeout=timeout)
            if r.returncode != 0:
                return Cell(f"failed (exit {r.returncode})")
            results.append(r)
    return summarize(results)


def ratio(ours: Cell, theirs: Cell) -> str:
    if ours.median is None or theirs.median is None:
        return "n/a"
    return f"{ours.median / theirs.median:.2f}x"


def render(sizes: list[Size], table: dict[str, dict[int, Cell]], runs: int) -> str:
    head = "| job | " + " | ".join(f"{s.claims:,} claims" for s in sizes) + " |"
    rule = "|---|" + "---|" * len(sizes)
    load = "" if not LOAD else (
        f" Load average (1 min) on the machine: {LOAD[0]:.1f} before, {LOAD[-1]:.1f} after"
        " (2 cores shared with other jobs: take ratios in one run, not absolute times).")
    lines = [
        f"Machine: {machine_long()}. Run on {date.today().isoformat()}: "
        f"median wall time of {runs} cold processes (peak RSS of the median run).{load}",
        "",
        head,
        rule,
        "| graph size (triples) | " + " | ".join(s.triples for s in sizes) + " |",
    ]
    for label, cells in table.items():
        lines.append(f"| {label} | " + " | ".join(cells[s.claims].text for s in sizes) + " |")
    shacl = table.get("peer: pySHACL, kg/graph/shapes.ttl (rdflib parse + validate)", {})
    rdf = table.get("peer: rdflib Turtle parse + serialize", {})
    pairs = [
        ("kg validate / pySHACL", "kg validate", shacl),
        ("kg build / rdflib parse + serialize", "kg build", rdf),
        ("kg export turtle / rdflib parse + serialize", "kg export --format turtle -o -", rdf),
    ]
    lines += ["", "Our time as a ratio to the peer's, same run (below 1 is faster):", "",
              "| ratio | " + " | ".join(f"{s.claims:,}" for s in sizes) + " |", rule]
    for label, ours, theirs in pairs:
        if ours in table:
            lines.append(f"| {label} | " + " | ".join(
                ratio(table[ours][s.claims], theirs[s.claims]) if theirs else "n/a"
                for s in sizes) + " |")
    floor_cells = table.get(FLOOR, {})
    if floor_cells:
        lines += ["", "Our time as a ratio to the parse floor (rapidyaml, same run):", "",
                  "| ratio | " + " | ".join(f"{s.claims:,}" for s in sizes) + " |", rule]
        for label in ("kg validate", "kg build", "kg build after a one-file edit"):
            if label in table:
                lines.append(f"| {label} / parse floor | " + " | ".join(
                    ratio(table[label][s.claims], floor_cells[s.claims]) for s in sizes)
                    + " |")
    per_claim = []
    for label in ("kg validate", "kg build"):
        cells = table.get(label, {})
        meds = [(s.claims, cells[s.claims].median) for s in sizes
                if s.claims in cells and cells[s.claims].median]
        for (n1, t1), (n2, t2) in zip(meds, meds[1:], strict=False):
            if t1 and t2:
                per_claim.append(f"{label} {n1:,} -> {n2:,}: {(t2 / n2) / (t1 / n1):.2f}x")
    if per_claim:
        lines += ["", "Growth of time per claim: " + "; ".join(per_claim) + "."]
    return "\n".join(lines) + "\n"


INTRO = """# Performance

How `kg` behaves as the corpus grows (issue 7). The table between the markers below is
written by `bench/run.py` on a generated corpus (`bench/generate.py`: synthetic, valid,
shaped like the real one); rerun it with

    .venv/bin/python bench/run.py --sizes 1000,10000,100000 --out docs/performance.md

"""


def write_section(path: Path, text: str) -> None:
    """Replace the text between the markers (or append it) atomically."""
    old = path.read_text(encoding="utf-8") if path.is_file() else INTRO
    block = f"{START}\n{text}{END}"
    if START in old and END in old:
        new = old[: old.index(START)] + block + old[old.index(END) + len(END):]
    else:
        new = old.rstrip("\n") + "\n\n" + block + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, delete=False,
                                     suffix=".tmp") as f:
        f.write(new)
    Path(f.name).replace(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000",
                        help="comma-separated claim counts (default: %(default)s)")
    parser.add_argument("--runs", type=int, default=3, help="cold runs per job (median)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, help="markdown file to update between markers")
    parser.add_argument("--only", default="",
                        help="comma-separated words: run only jobs whose label has one")
    parser.add_argument("--peer-runs", type=int, default=0,
                        help="runs for the peer jobs (pySHACL is slow); default: --runs")
    parser.add_argument("--peers-max", type=int, default=10**9,
                        help="skip the peer jobs above this many claims")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds per run")
    parser.add_argument("--section", default="",
                        help="write between <!-- bench:SECTION:start/end --> markers")
    parser.add_argument("--no-generator", action="store_true",
                        help="do not time bench/generate.py")
    args = parser.parse_args()
    if args.section:
        global START, END
        START, END = f"<!-- bench:{args.section}:start -->", f"<!-- bench:{args.section}:end -->"
    LOAD.append(os.getloadavg()[0])
    RUNS[0] = args.runs
    PEERS[:] = [args.peer_runs, args.peers_max]
    sizes_n = [int(x) for x in args.sizes.split(",") if x.strip()]
    CORPORA.mkdir(parents=True, exist_ok=True)
    shapes = REPO / "kg" / "shapes.ttl"
    have = {cmd: has_command(cmd) for cmd in
            ("validate", "build", "export", "studies", "paths", "sparql")}
    selected = [j for j in jobs(shapes)
                if not args.only or any(w in j.label for w in args.only.split(","))]
    table: dict[str, dict[int, Cell]] = {} if args.no_generator else {"bench/generate.py": {}}
    table.update({j.label: {} for j in selected})
    sizes: list[Size] = []
    for n in sizes_n:
        root = corpus_for(n, args.seed)
        size = Size(n, root, json.loads((root / "bench.json").read_text()))
        prepare(size, have, args.timeout,
                with_graph=any(j.label.startswith("peer:") for j in selected))
        sizes.append(size)
        if not args.no_generator:
            print(f"{n} claims: generator", file=sys.stderr)
            table["bench/generate.py"][n] = measure_generator(n, args.seed, args.runs,
                                                              args.timeout)
        for job in selected:
            missing = [c for c in job.needs if not have.get(c, False)]
            if missing:
                table[job.label][n] = Cell("n/a (command missing)")
                continue
            if job.label.startswith("peer: pySHACL") and not shapes.is_file():
                table[job.label][n] = Cell("n/a (kg/graph/shapes.ttl missing)")
                continue
            print(f"{n} claims: {job.label}", file=sys.stderr)
            table[job.label][n] = measure(job, size, args.runs, args.timeout)
        clear_build(root)
    LOAD.append(os.getloadavg()[0])
    text = render(sizes, table, args.runs)
    sys.stdout.write(text)
    if args.out:
        write_section(args.out, text)


if __name__ == "__main__":
    main()
