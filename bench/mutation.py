"""Mutation score of the rule modules (issue 18), with mutmut 3.

    .venv/bin/pip install -q --group mutation          # mutmut==3.8.1, once
    nice -n 10 .venv/bin/python bench/mutation.py                 # every module
    nice -n 10 .venv/bin/python bench/mutation.py evidence schema # some modules
    .venv/bin/python bench/mutation.py --list                     # the module map
    .venv/bin/python bench/mutation.py evidence --survivors       # and each survivor's diff
    nice -n 10 .venv/bin/python bench/mutation.py schema --sample 5 # one mutant in five
    nice -n 10 .venv/bin/python bench/mutation.py schema --rerun    # survivors, tests as now
    .venv/bin/python bench/mutation.py schema --report            # the last run, not rerun

Not part of the default test run. For each module it copies the repository (without
.git, .venv, build/ and bench/corpora/) to build/mutation/<module>/, writes a
``[tool.mutmut]`` table into the copy's pyproject.toml that mutates only that module and
runs only the test files that pin it (MODULES below), and runs ``mutmut run`` there.
mutmut 3 copies the copy once more to mutants/, puts a trampoline in every function and
runs, for each mutant, only the selected tests that reach the mutated function.

What it cannot see: mutmut 3 mutates code inside functions and methods only, so tables
at module level (START in kg/evidence.py, PREDICATES in kg/corpus/vocabulary.py, the schema's
patterns) are pinned by tests written for them (tests/test_rules_*.py), not measured here.
Tests that run ``kg`` in a subprocess run the unmutated code, so they kill nothing.

The score of a module is (killed + timeout) / all mutants: a mutant no selected test
reaches ("no tests") counts as a survivor. Survivors that no behaviour can tell apart
(equivalent mutants) are listed with the reason in docs/testing.md.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "build" / "mutation"
SKIP = {".git", ".venv", "build", "mutants", "__pycache__", ".pytest_cache", ".mypy_cache",
        ".ruff_cache", ".hypothesis", "node_modules"}


def _ignore(folder: str, names: list[str]) -> set[str]:
    """What the copy leaves out: caches, builds, and bench/'s generated corpora."""
    skip = {n for n in names if n in SKIP or n.endswith(".egg-info")}
    if Path(folder) == ROOT / "bench":
        skip |= {n for n in names if n in ("corpora", "out")}
    return skip


@dataclass(frozen=True)
class Module:
    """What to mutate and which tests pin it."""

    #: source files, relative to the repository
    sources: tuple[str, ...]
    #: pytest arguments: the test files (or node ids) that pin these sources
    tests: tuple[str, ...]
    #: mutant-name patterns (fnmatch) to run; () = every mutant of the sources
    only: tuple[str, ...] = ()
    #: mutmut's process_isolation: "fork" (from the process that collected the stats) or
    #: "forkserver" (from a process that has only collected the tests), for tests that
    #: open a graph store: a child forked from a process with an open RocksDB store hangs
    #: on a lock its threads held, and the hang would count as a timeout, i.e. killed
    isolation: str = "fork"


#: module -> sources and the tests that pin them. The test selection is deliberately
#: narrow (the fast tests that state the module's rules), so a run stays short.
MODULES: dict[str, Module] = {
    "evidence": Module(("kg/evidence.py",),
                       ("tests/test_evidence.py", "tests/test_rules_evidence.py")),
    "vocabulary": Module(("kg/corpus/vocabulary.py",),
                         ("tests/test_rules_vocabulary.py", "tests/test_cli_choices.py")),
    "schema": Module(("kg/corpus/schema.py",),
                     ("tests/test_rules_schema.py",)),
    "checks": Module(("kg/checks/bibliography.py", "kg/checks/consistency.py",
                      "kg/checks/identifiers.py", "kg/checks/integrity.py",
                      "kg/checks/studies.py", "kg/checks/types.py"),
                     ("tests/test_rules_checks.py", "tests/test_consistency.py")),
    "yamlfile": Module(("kg/corpus/yamlfile.py",),
                       ("tests/test_yamlfile.py", "tests/test_rules_yamlfile.py")),
    "turtle": Module(("kg/graph/turtle.py",),
                     ("tests/test_rules_turtle.py",
                      "tests/test_build_cache.py::test_writer_matches_pyoxigraph_on_awkward_terms",
                      "tests/test_build_cache.py::test_writer_matches_pyoxigraph_for_another_base",
                      "tests/test_attacks.py::test_2_literal_escaping_round_trips_any_unicode")),
    "compiler": Module(("kg/graph/compiler.py",),
                       ("tests/test_rules_compiler.py", "tests/test_build.py",
                        "tests/test_export.py", "--deselect",
                        "tests/test_export.py::test_kgx_passes_the_kgx_validator",
                        "--deselect",
                        "tests/test_build.py::test_byte_identical_across_hash_seeds_and_file_order"),
                       isolation="forkserver"),
    "exporters": Module(("kg/graph/exporters.py",),
                        ("tests/test_rules_exporters.py", "tests/test_export.py",
                         "--deselect",
                         "tests/test_export.py::test_kgx_passes_the_kgx_validator")),
    "audit": Module(("kg/questions/audit.py",),
                    ("tests/test_audit.py", "tests/test_rules_audit.py"),
                    isolation="forkserver"),
    # the question layer: chains (kg paths), filters and lookups, the store's freshness
    # and its words index
    # (test_chains_agree on the small corpora only: its generated corpus takes 10 s a
    # mutant, and a mutant that loops waits for mutmut's timeout, a multiple of that)
    "paths": Module(("kg/questions/paths.py",),
                    ("tests/test_paths.py", "tests/test_questions_library.py",
                     "tests/test_questions_store.py::test_chains_agree[valid]",
                     "tests/test_questions_store.py::test_chains_agree[questions]"),
                    isolation="forkserver"),
    "lookup": Module(("kg/questions/filters.py", "kg/questions/lookup.py"),
                     ("tests/test_questions_library.py",
                      "tests/test_questions_store.py::test_filters_agree[valid]",
                      "tests/test_questions_store.py::test_filters_agree[questions]"),
                     isolation="forkserver"),
    "store": Module(("kg/store/freshness.py", "kg/store/words.py"),
                    ("tests/test_questions_store.py", "tests/test_questions_library.py",
                     "-k", "not generated"), isolation="forkserver"),
    # the questions asked of the store (kg/store/questions.py): opening, rebuilding and
    # recording the store, the claim summaries, bearings and study list, and the links kg
    # paths follows with their ratings (Questions.rate, link-ratings.rq)
    "questions": Module(("kg/store/questions.py",),
                        ("tests/test_questions_store.py", "tests/test_questions_library.py",
                         "tests/test_paths.py", "-k", "not generated"),
                        isolation="forkserver"),
    # the CLI's exit codes: kg/diagnostics.py's exit_code and cli.py's error handling
    "exit-codes": Module(("kg/diagnostics.py", "cli.py"),
                         ("tests/test_rules_exit_codes.py", "tests/test_cli_validate.py"),
                         ("kg.diagnostics.x_exit_code__mutmut_*",
                          "kg.diagnostics.x_summary_line__mutmut_*",
                          "cli.x_main__mutmut_*", "cli.xǁ*ǁmain__mutmut_*",
                          "cli.x_validate__mutmut_*"),
                         # `kg show` in tests/test_rules_exit_codes.py opens a graph store
                         isolation="forkserver"),
}

#: mutmut's exit codes of a mutant run, as mutmut.stats names them
STATUS = {1: "killed", 3: "killed", -24: "killed", 0: "survived", 5: "no tests",
          33: "no tests", 34: "skipped", 35: "suspicious", 36: "timeout", 24: "timeout",
          152: "timeout", 255: "timeout", -11: "segfault", -9: "segfault", 37: "type check",
          None: "not checked"}


def prepare(name: str, mod: Module) -> Path:
    """A fresh copy of the repository configured to mutate one module."""
    dest = WORK / name
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(ROOT, dest, ignore=_ignore)
    configure(dest, mod)
    return dest


def configure(dest: Path, mod: Module) -> None:
    """Write the copy's pyproject.toml: the repository's, with a ``[tool.mutmut]`` table
    for the module (the test files that exist now)."""
    # the tests read the real corpus, docs and schemas beside them: mutmut copies these too
    roots = {s.split("/")[0] for s in mod.sources}
    extra = sorted(p.name for p in dest.iterdir()
                   if p.name not in roots and p.name not in SKIP and p.name != "mutmut.log")
    tests = [t for t in mod.tests  # test files that exist; options and their values
             if not t.startswith("tests/") or (ROOT / t.split("::")[0]).exists()]
    table = (
        "\n[tool.mutmut]\n"
        f"source_paths = {json.dumps(sorted({s.split('/')[0] for s in mod.sources}))}\n"
        f"only_mutate = {json.dumps(list(mod.sources))}\n"
        f"pytest_add_cli_args_test_selection = {json.dumps(tests)}\n"
        'pytest_add_cli_args = ["-p", "no:cacheprovider", "-q"]\n'
        "use_git_change_detection = false\n"
        f"also_copy = {json.dumps(extra)}\n"
        f"process_isolation = {json.dumps(mod.isolation)}\n"
    )
    (dest / "pyproject.toml").write_text((ROOT / "pyproject.toml").read_text("utf-8") + table,
                                         "utf-8")


def run_env(name: str) -> dict[str, str]:
    """The environment of a module's mutmut run: pytest's temporary folders (``tmp_path``)
    on a RAM disk where there is one. Each mutant's tests are a pytest session, and each
    session removes the folders of an earlier one, with the corpus copies its tests made:
    on this machine's disk that removal took a second or two of each checks mutant."""
    env = dict(os.environ)
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):
        root = shm / f"kg-mutation-{os.getuid()}" / name
        root.mkdir(parents=True, exist_ok=True)
        env["PYTEST_DEBUG_TEMPROOT"] = str(root)
    return env


def results(dest: Path, mod: Module) -> dict[str, str]:
    """Each mutant's status, from mutmut's .meta files."""
    out: dict[str, str] = {}
    for src in mod.sources:
        meta = dest / "mutants" / (src + ".meta")
        if not meta.exists():
            continue
        data = json.loads(meta.read_text("utf-8"))
        for key, code in data.get("exit_code_by_key", {}).items():
            if mod.only and not any(fnmatch.fnmatch(key, p) for p in mod.only):
                continue
            out[key] = STATUS.get(code, f"exit {code}")
    return out


#: --sample N: the last digits of the mutant numbers that are run (a spread, systematic
#: sample of every function's mutants)
SAMPLES = {1: "", 2: "[02468]", 5: "[05]", 10: "0"}


def sample_patterns(name: str, mod: Module, sample: int) -> list[str]:
    """mutmut run's mutant-name patterns for a module and a sample size (none: every one)."""
    if sample == 1:
        return list(mod.only)
    digits = SAMPLES[sample]
    stems = [p.removesuffix("*") for p in mod.only] or [
        s.removesuffix(".py").replace("/", ".") + ".*__mutmut_" for s in mod.sources]
    return [f"{stem}*{digits}" for stem in stems]


def run(name: str, mod: Module, jobs: int, show: bool, report_only: bool,
        sample: int = 1, rerun: bool = False) -> tuple[int, int, list[str], float]:
    """Run one module (or, with report_only, read the results of its last run, which may
    have been stopped part-way: mutants not yet checked are left out of the score)."""
    started = time.monotonic()
    dest = WORK / name
    log = dest / "mutmut.log"
    if rerun:
        # the tests as they are now, against the survivors of the last run (same mutants)
        before = results(dest, mod)
        again = [k for k, st in before.items() if st not in ("killed", "timeout", "not checked")]
        shutil.rmtree(dest / "tests")
        shutil.copytree(ROOT / "tests", dest / "tests", ignore=_ignore)
        configure(dest, mod)  # test files added since are selected too
        if again:
            cmd = [sys.executable, "-m", "mutmut", "run", "--max-children", str(jobs), *again]
            with log.open("a") as f:
                subprocess.run(cmd, cwd=dest, stdout=f, stderr=subprocess.STDOUT, check=False,
                               env=run_env(name))
    elif not report_only:
        dest = prepare(name, mod)
        cmd = [sys.executable, "-m", "mutmut", "run", "--max-children", str(jobs),
               *sample_patterns(name, mod, sample)]
        with log.open("w") as f:
            subprocess.run(cmd, cwd=dest, stdout=f, stderr=subprocess.STDOUT, check=False,
                           env=run_env(name))
    status = results(dest, mod)
    unchecked = sum(1 for s in status.values() if s == "not checked")
    status = {k: s for k, s in status.items() if s != "not checked"}
    if not status:
        sys.exit(f"{name}: mutmut produced no results; see {log}")
    if unchecked:
        print(f"  (a partial run: {unchecked} mutants not checked)")
    killed = sum(1 for s in status.values() if s in ("killed", "timeout"))
    survivors = sorted(k for k, s in status.items() if s not in ("killed", "timeout"))
    for key in survivors:
        print(f"  {status[key]:>10}  {key}")
        if show:
            diff = subprocess.run([sys.executable, "-m", "mutmut", "show", key], cwd=dest,
                                  capture_output=True, text=True, check=False).stdout
            print(re.sub(r"(?m)^", "      ", diff.strip()))
    return killed, len(status), survivors, time.monotonic() - started


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("modules", nargs="*", help=f"default: all of {', '.join(MODULES)}")
    ap.add_argument("--jobs", type=int, default=1, help="mutants run at once (default 1)")
    ap.add_argument("--survivors", action="store_true", help="print each survivor's diff")
    ap.add_argument("--list", action="store_true", help="print the module map and stop")
    ap.add_argument("--json", type=Path, help="also write the scores to this JSON file")
    ap.add_argument("--sample", type=int, choices=sorted(SAMPLES), default=1,
                    help="run one mutant in N, spread over every function (default: all)")
    ap.add_argument("--rerun", action="store_true",
                    help="run the last run's survivors again, with the tests as they are now")
    ap.add_argument("--report", action="store_true",
                    help="report the last run's results from build/mutation/ without running")
    args = ap.parse_args()
    if args.list:
        for name, mod in MODULES.items():
            print(f"{name}: {' '.join(mod.sources)}\n    tests: {' '.join(mod.tests)}")
        return
    unknown = [m for m in args.modules if m not in MODULES]
    if unknown:
        ap.error(f"unknown module(s) {', '.join(unknown)}; one of {', '.join(MODULES)}")
    rows = []
    for name in args.modules or list(MODULES):
        print(f"{name}:", flush=True)
        killed, total, survivors, secs = run(name, MODULES[name], args.jobs, args.survivors,
                                             args.report, args.sample, args.rerun)
        rows.append({"module": name, "killed": killed, "total": total,
                     "score": round(100 * killed / total, 1), "seconds": round(secs),
                     "survivors": survivors})
    print("\n| module | killed / total | score | time |\n| --- | --- | --- | --- |")
    for r in rows:
        print(f"| {r['module']} | {r['killed']} / {r['total']} | {r['score']}% "
              f"| {r['seconds']} s |")
    print(f"\ntotal time: {sum(int(str(r['seconds'])) for r in rows)} s")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n", "utf-8")


if __name__ == "__main__":
    main()
