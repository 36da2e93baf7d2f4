"""Servers for tests: a real `oxigraph serve` on 127.0.0.1, and a tiny HTTP server that
records every request and answers as a test tells it to."""

from __future__ import annotations

import http.server
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (right now)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def oxigraph_exe() -> str | None:
    """The `oxigraph` server binary of the test group (pip install oxigraph)."""
    exe = Path(sys.executable).parent / "oxigraph"
    return str(exe) if exe.is_file() else shutil.which("oxigraph")


@contextmanager
def oxigraph(location: Path | None = None) -> Iterator[str]:
    """`oxigraph serve` on a free port of 127.0.0.1 (in memory, or on disk at
    ``location``); yields its URL (http://127.0.0.1:PORT) and stops it afterwards."""
    exe = oxigraph_exe()
    if exe is None:
        pytest.fail("the oxigraph server binary is missing: it is in the test group "
                    "(pip install oxigraph)")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    args = [exe, "serve", "--bind", f"127.0.0.1:{port}"]
    if location is not None:
        args += ["--location", str(location)]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                urllib.request.urlopen(f"{url}/query?query=ASK%7B%7D", timeout=1).read()
                break
            except (urllib.error.URLError, ConnectionError, OSError):
                if proc.poll() is not None or time.monotonic() > deadline:
                    err = proc.stderr.read().decode() if proc.stderr else ""
                    pytest.fail(f"oxigraph serve did not start: {err}")
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stderr:
            proc.stderr.close()


@dataclass
class Seen:
    """One request the recording server received."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Reply:
    """What the recording server answers: status, headers, body; ``delay`` seconds first."""

    status: int = 200
    body: bytes = b'{"head": {"vars": []}, "results": {"bindings": []}}'
    headers: dict[str, str] = field(
        default_factory=lambda: {"Content-Type": "application/sparql-results+json"})
    delay: float = 0.0


@dataclass
class Recorder:
    """The recording server: its URL, the requests it saw, and the reply it gives (a
    Reply, or a function of the request giving one)."""

    url: str
    seen: list[Seen] = field(default_factory=list)
    reply: Reply | Callable[[Seen], Reply] = field(default_factory=Reply)


@contextmanager
def recorder() -> Iterator[Recorder]:
    """A recording HTTP server on a free port of 127.0.0.1."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    rec = Recorder(f"http://127.0.0.1:{server.server_address[1]}")
    server.recorder = rec  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield rec
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


class _Handler(http.server.BaseHTTPRequestHandler):
    def _answer(self) -> None:
        rec: Recorder = self.server.recorder  # type: ignore[attr-defined]
        size = int(self.headers.get("Content-Length") or 0)
        seen = Seen(self.command, self.path, dict(self.headers.items()), self.rfile.read(size))
        rec.seen.append(seen)
        reply = rec.reply(seen) if callable(rec.reply) else rec.reply
        if reply.delay:
            time.sleep(reply.delay)
        self.send_response(reply.status)
        for k, v in reply.headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        try:
            self.wfile.write(reply.body)
        except OSError:
            pass

    do_GET = do_POST = do_PUT = _answer

    def log_message(self, format: str, *args: object) -> None:
        pass
