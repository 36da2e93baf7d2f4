"""Safe output files for ``-o``: refuse what must not be replaced, then write atomically.

:func:`check_output` refuses a path that is a device, FIFO, socket or folder, a symlink
(unless the caller asks to follow it), a read-only file, and any path inside the corpus's
``claims/`` or its bibliography (``kg build -o references.bib`` would destroy an input).
:func:`write_atomic` then writes through a temporary file in the same folder renamed into
place; the temporary file is removed on an error, Ctrl-C or SIGTERM.
"""

from __future__ import annotations

import os
import signal
import stat
import tempfile
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from kg.errors import KgError
from kg.root import BIB_FILE, CLAIMS_DIR


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def check_output(path: Path, root: Path | None = None, *,
                 follow_symlinks: bool = False) -> Path:
    """The path to write for ``-o path``: ``path`` itself, or with ``follow_symlinks`` the
    file a symlink points to. KgError when the path must not be replaced."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise KgError(f"cannot write {path}: {exc.strerror or exc}") from None
    if st is not None and stat.S_ISLNK(st.st_mode):
        if not follow_symlinks:
            raise KgError(f"{path} is a symbolic link; refusing to replace it "
                          "(pass --follow-symlinks to write to the file it points to)")
        target = Path(os.path.realpath(path))
        return check_output(target, root, follow_symlinks=False)
    if st is not None and not stat.S_ISREG(st.st_mode):
        what = "a folder" if stat.S_ISDIR(st.st_mode) else "not a regular file"
        raise KgError(f"{path} is {what} (a device, FIFO or socket is never replaced); "
                      "write to a regular file, or use '-o -' for stdout")
    if st is not None and not st.st_mode & 0o222:
        raise KgError(f"{path} is read-only; refusing to replace it")
    if root is not None:
        real = os.path.realpath(path)
        top = os.path.realpath(root)
        if _inside(real, os.path.join(top, CLAIMS_DIR)) or real == os.path.join(top, BIB_FILE):
            raise KgError(f"{path} is a corpus input ({CLAIMS_DIR}/ or {BIB_FILE}); refusing "
                          "to overwrite it")
    return path


@contextmanager
def _terminate_as_exit() -> Iterator[None]:
    """SIGTERM raises SystemExit while the block runs (so cleanup code runs)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    try:
        old = signal.signal(signal.SIGTERM, handler)
    except (ValueError, OSError):
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, old)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(path: Path, data: bytes | Iterable[bytes], root: Path | None = None, *,
                 follow_symlinks: bool = False, make_parents: bool = True) -> int:
    """Write ``data`` (bytes, or bytes in pieces) to ``path`` (checked by
    :func:`check_output`) through a temporary file and os.replace; KgError on failure.
    Missing parent folders are made when ``make_parents``. Returns the bytes written."""
    path = check_output(path, root, follow_symlinks=follow_symlinks)
    if make_parents:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise KgError(f"cannot write {path}: {exc.strerror or exc}") from None
    size = 0
    with _terminate_as_exit():
        try:
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp",
                                       dir=path.parent)
        except OSError as exc:
            raise KgError(f"cannot write {path}: {exc.strerror or exc}") from None
        try:
            with os.fdopen(fd, "wb") as fh:
                for chunk in [data] if isinstance(data, bytes) else data:
                    fh.write(chunk)
                    size += len(chunk)
            os.chmod(tmp, 0o666 & ~_umask())
            check_output(path, root)  # nothing was put in its place meanwhile
            os.replace(tmp, path)
        except BaseException as exc:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            if isinstance(exc, OSError):
                raise KgError(f"cannot write {path}: {exc.strerror or exc}") from None
            raise
    return size
