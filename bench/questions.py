"""Cold-process timings of the question commands (issues 5 and 7): medians over N runs,
with each run's peak RSS.

Each run is a new `kg` process (os.wait4 gives its own peak RSS), so the figures include
interpreter start-up and imports. The corpus (default: the repository's claims/ and
references.bib; or --root DIR, e.g. a generated corpus under bench/corpora/) is copied to a
temporary folder so its build/ is untouched, unless --in-place. "cache cold" deletes
build/cache/ before every run (the question index and the SPARQL store are rebuilt);
"cache warm" runs once first. For a generated corpus the questions come from its
bench.json (studies_query, claim, paths); otherwise they are the real corpus's.

    .venv/bin/python bench/questions.py [--runs 7] [--cold-runs 3] [--root DIR] [--only a,b]

Prints a markdown table. Not a test: timings depend on the machine. Run it with compiled
modules (a normal install writes __pycache__; PYTHONDONTWRITEBYTECODE=1 makes every run
compile the changed modules again).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
KG = Path(sys.executable).parent / "kg"

SPARQL = ("SELECT ?stance ?study WHERE { VALUES ?claim { claim:%s } "
          "?claim obo:SEPIO_0000006 ?line . ?line kgv:stance ?stance ; dcterms:source ?study }")


def questions(root: Path) -> list[tuple[str, list[str], bool]]:
    """(name, arguments, measure cold too) for the corpus at ``root``."""
    manifest = root / "bench.json"
    if manifest.is_file():
        m = json.loads(manifest.read_text())
        a, b = m["paths"]
        return [
            ("studies WORDS", ["studies", *m["studies_query"].split()], True),
            ("show CLAIM", ["show", m["claim"]], False),
            ("claims --about", ["claims", "--about", b], False),
            ("paths A B", ["paths", a, b], False),
            ("stats", ["stats"], False),
            ("sparql SELECT", ["sparql", SPARQL % m["claim"]], False),
        ]
    return [
        ("studies WORDS", ["studies", "magnesium", "hip", "bone", "density"], True),
        ("studies --json", ["studies", "exercise", "sclerostin", "--json"], False),
        ("show ENTITY", ["show", "sclerostin"], False),
        ("claims --about", ["claims", "--about", "sclerostin"], False),
        ("paths A B", ["paths", "vitamin K2", "bone mineralization"], False),
        ("stats", ["stats"], False),
        ("sparql @file", ["sparql", f"@{REPO / 'queries' / 'overstated-claims.rq'}"], False),
    ]


def timed(args: list[str], root: Path, clear: Path | None = None) -> tuple[float, int, int]:
    """(wall seconds, peak RSS in KB, exit status) of one `kg` process."""
    if clear is not None:
        shutil.rmtree(clear, ignore_errors=True)
    env = {**os.environ, "NO_COLOR": "1"}
    start = time.perf_counter()
    argv = [str(KG), *args] + ([] if args == ["--help"] else ["--root", str(root)])
    proc = subprocess.Popen(argv, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_maxrss, proc.returncode


def measure(args: list[str], root: Path, runs: int,
            clear: Path | None = None) -> tuple[float, int, set[int]]:
    """(median wall ms, peak RSS KB of the median run, exit statuses)."""
    results = sorted(timed(args, root, clear) for _ in range(runs))
    wall, rss, _ = results[len(results) // 2]
    return statistics.median(r[0] for r in results) * 1000, rss, {r[2] for r in results}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--cold-runs", type=int, default=3)
    ap.add_argument("--root", type=Path, default=REPO)
    ap.add_argument("--in-place", action="store_true",
                    help="use --root itself (its build/cache/ is rebuilt) instead of a copy")
    ap.add_argument("--only", default="", help="comma-separated question names to run")
    opts = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if opts.in_place:
            root = opts.root.resolve()
        else:
            root = Path(tmp) / "corpus"
            shutil.copytree(opts.root / "claims", root / "claims")
            shutil.copy(opts.root / "references.bib", root / "references.bib")
            if (opts.root / "bench.json").is_file():
                shutil.copy(opts.root / "bench.json", root / "bench.json")
        cache = root / "build" / "cache"
        only = {o.strip() for o in opts.only.split(",") if o.strip()}
        rows = [("`kg --help` (start-up)", measure(["--help"], root, opts.runs))]
        for name, args, cold in questions(root):
            if only and name not in only:
                continue
            if cold and opts.cold_runs:
                rows.append((f"`kg {name}` cache cold",
                             measure(args, root, opts.cold_runs, clear=cache)))
            timed(args, root)  # fill the cache
            rows.append((f"`kg {name}` cache warm", measure(args, root, opts.runs)))
    load = Path("/proc/loadavg").read_text().split()[0] if Path("/proc/loadavg").exists() else "?"
    print(f"Cold processes, median of {opts.runs} runs ({opts.cold_runs} with the cache cold); "
          f"corpus {opts.root}; load average {load}.\n")
    print("| command | wall median (ms) | peak RSS (MB) | exit |")
    print("|---|---:|---:|---|")
    for name, (wall, rss, codes) in rows:
        print(f"| {name} | {wall:.0f} | {rss / 1024:.0f} | {','.join(map(str, sorted(codes)))} |")


if __name__ == "__main__":
    main()
