"""Cold-process timings of the question commands (issue 5): medians over N runs.

Each run is a new `kg` process (subprocess + time.perf_counter), so the figures include
interpreter start-up and imports. The corpus (default: the repository's claims/ and
references.bib) is copied to a temporary folder so the repository's build/ is untouched.
"cache cold" deletes build/cache/ before every run; "cache warm" runs once first.

    .venv/bin/python bench/questions.py [--runs 15] [--root DIR]

Prints a markdown table. Not a test: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
KG = Path(sys.executable).parent / "kg"

QUESTIONS: list[tuple[str, list[str]]] = [
    ("studies", ["studies", "magnesium", "hip", "bone", "density"]),
    ("studies --json", ["studies", "exercise", "sclerostin", "--json"]),
    ("claims --about", ["claims", "--about", "sclerostin"]),
    ("show", ["show", "sclerostin"]),
    ("paths", ["paths", "vitamin K2", "bone mineralization"]),
    ("stats", ["stats"]),
    ("sparql", ["sparql", f"@{REPO / 'queries' / 'overstated-claims.rq'}"]),
]


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def timed(args: list[str], cwd: Path, before: Path | None = None) -> tuple[float, float]:
    """(wall, CPU) seconds of one `kg` process; CPU time is less disturbed by a busy machine."""
    if before is not None:
        shutil.rmtree(before, ignore_errors=True)
    cpu = _cpu()
    start = time.perf_counter()
    subprocess.run([str(KG), *args], cwd=cwd, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start, _cpu() - cpu


def median_ms(args: list[str], cwd: Path, runs: int,
              before: Path | None = None) -> tuple[float, float]:
    times = [timed(args, cwd, before) for _ in range(runs)]
    return (statistics.median(t[0] for t in times) * 1000,
            statistics.median(t[1] for t in times) * 1000)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--root", type=Path, default=REPO)
    opts = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "corpus"
        shutil.copytree(opts.root / "claims", root / "claims")
        shutil.copy(opts.root / "references.bib", root / "references.bib")
        cache = root / "build" / "cache"
        n_claims = sum(f.read_text().count("\n  - id:") for f in (root / "claims").glob("*.yaml")
                       if f.name not in ("entities.yaml",))
        rows = [("`kg --help` (cold start)", median_ms(["--help"], root, opts.runs))]
        for name, args in QUESTIONS:
            cold = median_ms(args, root, opts.runs, before=cache)
            timed(args, root)  # fill the cache
            warm = median_ms(args, root, opts.runs)
            rows.append((f"`kg {name}` cache cold", cold))
            rows.append((f"`kg {name}` cache warm", warm))
    load = Path("/proc/loadavg").read_text().split()[0] if Path("/proc/loadavg").exists() else "?"
    print(f"Cold processes, median of {opts.runs} runs; corpus of about {n_claims} claims; "
          f"load average {load}.\n")
    print("| command | wall median (ms) | CPU median (ms) |")
    print("|---|---:|---:|")
    for name, (wall, cpu) in rows:
        print(f"| {name} | {wall:.0f} | {cpu:.0f} |")


if __name__ == "__main__":
    main()
