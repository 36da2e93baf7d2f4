"""Fuzz campaign (issue 17): mutate corpora and caches, run kg on each, count failures.

    .venv/bin/python bench/fuzz.py --count 10000 --jobs 2

Each case copies tests/corpora/valid, applies one to three random mutations to its files
(bit flips, hostile Unicode, YAML tags and anchors, BibTeX braces and macros, truncation,
symlinks, FIFOs), then runs ``kg validate``, ``kg build`` and, on some cases, ``kg export
--format trig``, ``kg stats``, ``kg show`` and ``kg sparql``. Every case that builds then
damages the cache under build/cache/ (flipped bits, same-length edits, truncation, FIFOs, links)
and build again. It counts:

- **internal errors**: an exception escaping a command, or exit status 3;
- **invalid outputs**: a build or export that exits 0 with output pyoxigraph cannot parse,
  or a build from a damaged cache that differs from the build before the damage.

Run by hand, never in the test suite; it prints a summary and the first few failures.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
BASE = REPO / "tests" / "corpora" / "valid"

HOSTILE_TEXT = [
    "\u2028", "\u2029", "\u0085", '"', "\\", "'''", '"""', "\r", "\t", "\x00", "\x1f",
    "\ufffe", "\\ud800", "\\U0001F600", "<urn:x> <urn:y> <urn:z> .", "}", "{", "#", "%",
    "@", "&a", "*a", "!!python/object/apply:os.system ['id']", "!!bool x", "!!int ''",
    "!!timestamp x", "!!float ''", "0123", "1:30", "1.10", "yes", "~", "null", "- ",
    ": ", "? ", "|", ">", "[", "]", "&x [*x, *x, *x]", "\ufeff", "é", "\U0001F600",
]
BIB_SNIPPETS = [
    "}", "{", "@string{m = {x}}", "@string{a = m # m # m}", "@comment{", "@article{k,",
    'title = "x', "@preamble{", "% comment\n", ",,", "= {", "\n@", "#",
]
YAML_SNIPPETS = [
    "\n  - &a x\n  - *a\n", "\n  - !!binary aGk=\n", "\n  x: !!set {a}\n",
    "\n<<: {a: b}\n", "\n  - ? [a]\n    : b\n", "\n\t- tab\n", "\n...\n---\n",
    "\n  - {id: x, statement: \"a\\u2028b\"}\n", "\nclaims: []\n", "\n- *undefined\n",
]


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def mutate_corpus(root: Path, rng: random.Random) -> str:
    """One random mutation of a corpus file; returns what it did."""
    files = [p for p in [root / "references.bib", *sorted((root / "claims").glob("*.yaml"))]
             if p.is_file() and not p.is_symlink()]
    path = rng.choice(files)
    data = path.read_bytes()
    kind = rng.choice(["flip", "insert-text", "insert-snippet", "delete", "truncate",
                       "duplicate-line", "swap-lines", "replace-value", "link", "fifo",
                       "subfolder"])
    pos = rng.randrange(len(data) + 1)
    if kind == "flip" and data:
        i = rng.randrange(len(data))
        data = data[:i] + bytes([data[i] ^ (1 << rng.randrange(8))]) + data[i + 1:]
    elif kind == "insert-text":
        data = data[:pos] + rng.choice(HOSTILE_TEXT).encode("utf-8", "surrogatepass") + \
            data[pos:]
    elif kind == "insert-snippet":
        pool = BIB_SNIPPETS if path.suffix == ".bib" else YAML_SNIPPETS
        data = data[:pos] + rng.choice(pool).encode("utf-8") + data[pos:]
    elif kind == "delete":
        data = data[:pos] + data[pos + rng.randrange(1, 40):]
    elif kind == "truncate":
        data = data[:pos]
    elif kind in ("duplicate-line", "swap-lines"):
        lines = data.split(b"\n")
        i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
        if kind == "duplicate-line":
            lines.insert(i, lines[j])
        else:
            lines[i], lines[j] = lines[j], lines[i]
        data = b"\n".join(lines)
    elif kind == "replace-value":
        text = data.decode("utf-8", "replace")
        colon = text.find(": ", pos)
        if colon >= 0:
            end = text.find("\n", colon)
            end = len(text) if end < 0 else end
            value = "".join(rng.choice(HOSTILE_TEXT) for _ in range(rng.randrange(1, 5)))
            if rng.random() < 0.5:
                value = '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
            text = text[:colon + 2] + value + text[end:]
        data = text.encode("utf-8", "surrogatepass")
    elif kind == "link":
        target = rng.choice(["/etc/passwd", "/dev/zero", str(root / "claims" / "entities.yaml"),
                             str(root), "/nonexistent"])
        link = root / "claims" / f"link{rng.randrange(9)}.yaml"
        if not link.exists() and not link.is_symlink():
            link.symlink_to(target)
        return f"{kind} {link.name} -> {target}"
    elif kind == "fifo":
        fifo = root / "claims" / f"fifo{rng.randrange(9)}.yaml"
        if not fifo.exists():
            os.mkfifo(fifo)
        return f"{kind} {fifo.name}"
    elif kind == "subfolder":
        sub = root / "claims" / "sub"
        sub.mkdir(exist_ok=True)
        if path.parent == root / "claims" and path.name not in ("entities.yaml",
                                                                  "studies.yaml",
                                                                  "article.yaml"):
            shutil.move(path, sub / path.name)
        return f"{kind} {path.name}"
    path.write_bytes(data)
    return f"{kind} {path.relative_to(root)}@{pos}"


TEXT_KEYS = ("statement: ", "finding: ", "population: ", "notes: ", "label: ", "findings: ")
UNICODE_POOL = ["\u2028", "\u2029", "\u0085", '"', "\\", "'", "\n", "\r", "\t", "<", ">",
                "{", "}", "@", "#", "%", "&", "*", "!", "|", ":", " . ", "\ufeff", "\U0001F600",
                "é", "\u00a0", "\u200b", "\u202e", "^^", "_:b0", "<urn:x>", "'''", '"""',
                "\ud800", "\x01", "\x7f", "\ufffe"]


def _yaml_quoted(value: str) -> str:
    out = []
    for c in value:
        if c in '"\\':
            out.append("\\" + c)
        elif c.isprintable() and c != "\ufeff":
            out.append(c)
        elif ord(c) < 0x10000:
            out.append(f"\\u{ord(c):04x}")
        else:
            out.append(f"\\U{ord(c):08x}")
    return '"' + "".join(out) + '"'


def mutate_text(root: Path, rng: random.Random) -> str:
    """Replace one text value with hostile but valid Unicode (a double-quoted YAML string,
    or a braced BibTeX title): the corpus stays valid, so the writers meet the text."""
    value = "".join(rng.choice(UNICODE_POOL) + rng.choice(["", "a", "x y"])
                    for _ in range(rng.randrange(1, 8)))
    if rng.random() < 0.2:
        bib = root / "references.bib"
        text = bib.read_bytes().decode("utf-8", "surrogatepass")  # an earlier mutation may
        # have written a lone surrogate
        at = text.find("title", rng.randrange(len(text)))
        if at >= 0:
            end = text.find("\n", at)
            safe = value.replace("{", "(").replace("}", ")").replace("\\", "/")
            text = text[:at] + "title = {" + safe.replace("@", "a") + "}," + text[end:]
            bib.write_bytes(text.encode("utf-8", "surrogatepass"))  # maybe not UTF-8
        return f"text references.bib {value!r}"
    files = sorted((root / "claims").glob("*.yaml"))
    path = rng.choice([p for p in files if p.is_file() and not p.is_symlink()])
    text = path.read_text(encoding="utf-8", errors="surrogateescape")
    starts = [i for key in TEXT_KEYS for i in _all(text, key)]
    if not starts:
        return "no text"
    at = rng.choice(starts)
    colon = text.index(": ", at)
    end = text.find("\n", colon)
    text = text[:colon + 2] + _yaml_quoted(value) + text[end:]
    path.write_text(text, encoding="utf-8", errors="surrogateescape")
    return f"text {path.name} {value!r}"


def _all(text: str, key: str) -> list[int]:
    out, i = [], text.find(key)
    while i >= 0:
        out.append(i)
        i = text.find(key, i + 1)
    return out


def mutate_cache(root: Path, rng: random.Random, outside: Path) -> str:
    """One random change to a file under build/cache/."""
    cache = root / "build" / "cache"
    files = _files(cache) if cache.is_dir() else []
    if not files:
        return "no cache"
    path = rng.choice(files)
    data = path.read_bytes()
    kind = rng.choice(["flip", "same-length", "truncate", "garbage", "fifo", "link",
                       "folder-link", "empty"])
    if kind == "flip" and data:
        i = rng.randrange(len(data))
        path.write_bytes(data[:i] + bytes([data[i] ^ (1 << rng.randrange(8))]) + data[i + 1:])
    elif kind == "same-length":
        path.write_bytes(data.replace(b"Drug D", b"Drug Q").replace(b"e", b"a", 3))
    elif kind == "truncate":
        path.write_bytes(data[:rng.randrange(len(data) + 1)])
    elif kind == "garbage":
        path.write_bytes(rng.randbytes(len(data)))
    elif kind == "fifo":
        path.unlink()
        os.mkfifo(path)
    elif kind == "link":
        path.unlink()
        path.symlink_to(outside / "victim.json")
    elif kind == "folder-link":
        folder = path.parent
        if folder != cache:
            shutil.rmtree(folder)
            folder.symlink_to(outside)
    elif kind == "empty":
        path.write_bytes(b"")
    return f"{kind} {path.relative_to(root)}"


def _invoke(args: list[str], root: Path) -> Any:
    from click.testing import CliRunner

    from cli import cli

    return CliRunner().invoke(cli, [*args, "--root", str(root)])


def _internal(result: Any) -> bool:
    exc = result.exception
    return (exc is not None and not isinstance(exc, SystemExit)) or result.exit_code == 3


def _parses(data: bytes, fmt: str) -> bool:
    import pyoxigraph as ox

    try:
        list(ox.parse(data, format=getattr(ox.RdfFormat, fmt)))
        return True
    except (SyntaxError, ValueError, OSError):
        return False


class Hang(Exception):
    """A case ran past HANG_S seconds: a hang counts as an internal error."""


HANG_S = 120


def run_case(seed: int) -> list[tuple[str, int, str]]:
    """Run one mutated corpus under a watchdog; the failures found, as (kind, seed,
    detail)."""
    import signal

    def alarm(signum: int, frame: object) -> None:
        raise Hang(f"case {seed} ran past {HANG_S} s")

    old = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(HANG_S)
    try:
        return _run_case(seed)
    except Hang as exc:
        return [("internal", seed, f"hang: {exc}")]
    except Exception as exc:  # a bug in this script, not in kg: counted apart
        return [("harness", seed, f"{type(exc).__name__}: {exc}")]
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def _run_case(seed: int) -> list[tuple[str, int, str]]:
    rng = random.Random(seed)
    found: list[tuple[str, int, str]] = []
    with tempfile.TemporaryDirectory(prefix="kg-fuzz-") as tmp:
        root = Path(tmp) / "corpus"
        outside = Path(tmp) / "outside"
        outside.mkdir()
        (outside / "victim.json").write_text("precious")
        shutil.copytree(BASE, root)
        if rng.random() < 0.5:  # hostile text in a valid corpus: the writers see it
            did = [mutate_text(root, rng) for _ in range(rng.randrange(1, 4))]
        else:
            did = [mutate_corpus(root, rng) for _ in range(rng.randrange(1, 4))]

        def run(*args: str) -> Any:
            result = _invoke(list(args), root)
            if _internal(result):
                exc = result.exception
                found.append(("internal", seed, f"{' '.join(args)} after {did}: "
                              f"{type(exc).__name__}: {exc} {result.stderr[-300:]}"))
            return result

        run("validate")
        out1 = Path(tmp) / "g1.ttl"
        built = run("build", "-o", str(out1))
        if built.exit_code == 0:
            found.append(("built", seed, ""))
        if built.exit_code == 0 and not _parses(out1.read_bytes(), "TURTLE"):
            found.append(("invalid", seed, f"graph.ttl does not parse after {did}"))
        if seed % 5 == 0:
            trig = run("export", "--format", "trig", "-o", "-")
            if trig.exit_code == 0 and not _parses(trig.stdout_bytes, "TRIG"):
                found.append(("invalid", seed, f"trig does not parse after {did}"))
        if seed % 10 == 0:
            run("stats")
            run("show", "drug-d-lowers-hormone-x")
        if seed % 50 == 0:
            run("sparql", "SELECT ?s WHERE { ?s a kgv:Claim } LIMIT 3")
        if built.exit_code == 0:
            for _ in range(rng.randrange(1, 4)):
                did.append(mutate_cache(root, rng, outside))
            out2 = Path(tmp) / "g2.ttl"
            again = run("build", "-o", str(out2))
            found.append(("cache-damaged", seed, ""))
            if again.exit_code == 0 and out2.read_bytes() != out1.read_bytes():
                found.append(("invalid", seed, f"a damaged cache changed the graph: {did}"))
            if seed % 10 == 0:
                run("stats")
            if (outside / "victim.json").read_text() != "precious":
                found.append(("invalid", seed, f"a file outside the cache changed: {did}"))
    return found


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--count", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=0, help="first seed")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = ap.parse_args()
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    seeds = range(args.seed, args.seed + args.count)
    start = time.perf_counter()
    counts: Counter[str] = Counter()
    examples: list[tuple[str, int, str]] = []
    done = 0
    # not a multiprocessing.Pool: its workers are daemons, which may not start the child
    # process kg sparql runs a query in
    with ProcessPoolExecutor(args.jobs, mp_context=multiprocessing.get_context("fork")) as ex:
        for found in ex.map(run_case, seeds, chunksize=8):
            done += 1
            for kind, seed, detail in found:
                counts[kind] += 1
                if len(examples) < 20 and kind in ("internal", "invalid", "harness"):
                    examples.append((kind, seed, detail))
            if done % 500 == 0:
                print(f"{done} cases, {dict(counts)}, {time.perf_counter() - start:.0f} s",
                      file=sys.stderr)
    print(f"mutated corpora: {done} (built: {counts['built']}, "
          f"rebuilt from a damaged cache: {counts['cache-damaged']})")
    print(f"internal errors: {counts['internal']}")
    print(f"invalid outputs: {counts['invalid']}")
    print(f"harness errors: {counts['harness']}")
    print(f"seconds: {time.perf_counter() - start:.0f}")
    for kind, seed, detail in examples:
        print(f"  {kind} (seed {seed}): {detail[:500]}")


if __name__ == "__main__":
    main()
