"""The store step of `kg build`, stage by stage, in one process (docs/performance.md, "The
store step, query by query").

    .venv/bin/python bench/store.py CORPUS [--strict-parse]

CORPUS is a corpus root (a generated one: bench/generate.py). Validates and compiles it
through the caches (as `kg build` does), then times each step of making the store in a
temporary folder: bulk-loading the Turtle, making and loading the places graph, flush and
optimize, the words index and stats.rq. Each line gives wall seconds, CPU seconds (every
thread of the process: comparable across runs on a loaded machine, where wall time is not)
and the peak RSS so far. --strict-parse loads without Oxigraph's lenient parser, as kg did
before. Nothing is kept; the corpus's own build/ is not touched beyond kg's caches.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path


class Laps:
    def __init__(self) -> None:
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def lap(self, name: str) -> None:
        wall, cpu = time.perf_counter(), time.process_time()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"{name:34s} {wall - self.wall:7.2f} s wall {cpu - self.cpu:7.2f} s cpu  "
              f"peak {peak:6.0f} MB", flush=True)
        self.wall, self.cpu = wall, cpu


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--strict-parse", action="store_true")
    args = ap.parse_args(argv)
    lenient = not args.strict_parse

    import pyoxigraph as ox

    from kg.config import resolve_base
    from kg.graph.compiler import build
    from kg.store.local import LocalStore, places_nquads
    from kg.store.questions import stats_rows
    from kg.store.words import write_words

    laps = Laps()
    root = args.corpus.resolve()
    base = resolve_base(root)
    result = build(root, base, cache=True)
    if result.graph is None:
        print("the corpus has errors: run kg validate", file=sys.stderr)
        return 1
    laps.lap("validate and compile (through caches)")
    turtle = result.graph.turtle()
    laps.lap(f"the Turtle ({len(turtle) / 1e6:.0f} MB)")
    tmp = Path(tempfile.mkdtemp(prefix="kg-bench-store-"))
    try:
        store = ox.Store(str(tmp / "store"))
        store.bulk_load(turtle, format=ox.RdfFormat.TURTLE, lenient=lenient)
        laps.lap("bulk-load the Turtle")
        places = places_nquads(result.corpus, base)
        laps.lap("make the places graph")
        store.bulk_load(places, format=ox.RdfFormat.N_QUADS, lenient=lenient)
        laps.lap("load the places graph")
        store.flush()
        store.optimize()
        laps.lap("flush and optimize")
        del store
        opened = LocalStore(ox.Store.read_only(str(tmp / "store")), "bench")
        write_words(tmp / "words.sqlite", opened, base)
        laps.lap("the words index")
        stats_rows(opened, base)
        laps.lap("stats.rq")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
