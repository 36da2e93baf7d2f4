"""Helpers for the benchmark scripts: run a command as a cold process, take medians."""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
KG = str(Path(sys.executable).parent / "kg")


def time_command(argv: list[str], runs: int, cwd: Path | None = None) -> list[float]:
    """Wall-clock seconds of ``runs`` cold runs of ``argv`` (output discarded)."""
    times = []
    env = {**os.environ, "NO_COLOR": "1"}
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.run(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - start)
        if proc.returncode not in (0, 1):
            raise SystemExit(f"{' '.join(argv)} exited {proc.returncode}")
    return times


def median_ms(times: list[float]) -> str:
    return f"{statistics.median(times) * 1000:.0f} ms"


def machine() -> str:
    return (f"{platform.machine()}, {os.cpu_count()} cores, Python "
            f"{platform.python_version()}, {platform.system()} {platform.release()}")


# -- added for bench/run.py (issue 7): cold runs with peak RSS -------------------------------

TIME_BIN = "/usr/bin/time"

# Fallback when /usr/bin/time is missing: a fresh wrapper process per run reports its
# children's peak RSS (kilobytes on Linux) into the file named by argv[1].
_RSS_WRAPPER = (
    "import resource, subprocess, sys\n"
    "rc = subprocess.run(sys.argv[2:]).returncode\n"
    "open(sys.argv[1], 'w').write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))\n"
    "sys.exit(rc)\n"
)


class Run:
    """One cold run: wall seconds, peak RSS in bytes (None if unknown), exit status."""

    __slots__ = ("wall", "rss", "returncode", "stderr")

    def __init__(self, wall: float, rss: int | None, returncode: int, stderr: str) -> None:
        self.wall, self.rss, self.returncode, self.stderr = wall, rss, returncode, stderr


def run_measured(argv: list[str], cwd: Path | None = None, timeout: float | None = None,
                 stdin: bytes | None = None) -> Run:
    """Run ``argv`` as a cold process (stdout discarded); wall time and peak RSS."""
    import tempfile

    env = {**os.environ, "NO_COLOR": "1"}
    # as a user runs it: with bytecode caches (this sandbox sets PYTHONDONTWRITEBYTECODE)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as rss_file:
        if os.access(TIME_BIN, os.X_OK):
            wrapped = [TIME_BIN, "-f", "%M", "-o", rss_file.name, *argv]
        else:
            wrapped = [sys.executable, "-c", _RSS_WRAPPER, rss_file.name, *argv]
        start = time.perf_counter()
        try:
            proc = subprocess.run(wrapped, cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE, timeout=timeout, check=False,
                                  input=stdin)
        except subprocess.TimeoutExpired:
            return Run(time.perf_counter() - start, None, -1, f"timed out after {timeout} s")
        wall = time.perf_counter() - start
        text = rss_file.read().strip().splitlines()
    rss = int(text[-1]) * 1024 if text and text[-1].isdigit() else None
    return Run(wall, rss, proc.returncode, proc.stderr.decode("utf-8", "replace"))


def seconds(value: float) -> str:
    """Wall time for a table: 3 significant figures, ms below one second."""
    if value < 1:
        return f"{value * 1000:.0f} ms"
    return f"{value:.2f} s" if value < 10 else f"{value:.1f} s"


def megabytes(value: int | None) -> str:
    if value is None:
        return "?"
    mb = value / 1e6
    return f"{mb / 1000:.2f} GB" if mb >= 1000 else f"{mb:.0f} MB"


def machine_long() -> str:
    """machine() plus the CPU model and the memory, where /proc tells them."""
    cpu = mem = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB RAM"
                break
    except OSError:
        pass
    return ", ".join(x for x in (machine(), cpu, mem) if x)
