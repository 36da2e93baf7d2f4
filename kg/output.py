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


def _lstat(path: Path) -> os.stat_result | None:
    """``os.lstat(path)``; None when nothing is there; KgError when it cannot be looked at."""
    try:
        return os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise KgError(f"cannot write {path}: {exc.strerror or exc}") from None


def check_output(path: Path, root: Path | None = None, *,
                 follow_symlinks: bool = False) -> Path:
    """The path to write for ``-o path``: ``path`` itself, or with ``follow_symlinks`` the
    file a symlink points to. KgError when the path must not be replaced."""
    st = _lstat(path)
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


# --- folders (kg export --format nanopubs) ---------------------------------------------------


def check_folder(folder: Path, root: Path | None = None, suffix: str = ".trig") -> Path:
    """The folder to write for ``-o folder`` of an export that writes a folder of files:
    ``folder`` itself when it is absent, or a real folder (not a symbolic link) that holds
    nothing but regular files ending in ``suffix`` (an earlier export, which is replaced).
    KgError for anything else, for a folder inside the corpus's ``claims/``, and for the
    corpus root or a folder above it."""
    st = _lstat(folder)
    if st is not None and stat.S_ISLNK(st.st_mode):
        raise KgError(f"{folder} is a symbolic link; refusing to replace it (name the "
                      "folder it points to)")
    if st is not None and not stat.S_ISDIR(st.st_mode):
        raise KgError(f"{folder} exists and is not a folder; this export writes a folder "
                      f"of {suffix} files")
    if root is not None:
        real = os.path.realpath(folder)
        top = os.path.realpath(root)
        if _inside(real, os.path.join(top, CLAIMS_DIR)) or _inside(top, real):
            raise KgError(f"{folder} holds or is inside the corpus's inputs; refusing to "
                          "write there (the default is build/ under the corpus root)")
    if st is not None:
        try:
            entries = list(os.scandir(folder))
        except OSError as exc:
            raise KgError(f"cannot read {folder}: {exc.strerror or exc}") from None
        other = sorted(e.name for e in entries
                       if not (e.name.endswith(suffix) and e.is_file(follow_symlinks=False)))
        if other:
            raise KgError(f"{folder} holds {other[0]!r}, which is not an earlier export; kg "
                          f"only replaces a folder of {suffix} files (give a new or empty "
                          "folder)")
    return folder


def write_folder(folder: Path, files: dict[str, bytes], root: Path | None = None, *,
                 suffix: str = ".trig") -> int:
    """Write ``files`` (``{name: bytes}``, plain names ending in ``suffix``) as the whole
    content of ``folder`` (checked by :func:`check_folder`): into a temporary folder beside
    it, then renamed into place; an earlier export there is moved aside and removed only
    after. A failure, Ctrl-C or SIGTERM leaves the earlier folder as it was and removes the
    temporary one. Returns the bytes written."""
    import shutil

    for name in files:
        if os.sep in name or "/" in name or name.startswith(".") or not name.endswith(suffix):
            raise KgError(f"refusing to write a file named {name!r} into {folder}")
    folder = check_folder(folder, root, suffix)
    size = 0
    with _terminate_as_exit():
        try:
            folder.parent.mkdir(parents=True, exist_ok=True)
            tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", suffix=".tmp",
                                        dir=folder.parent))
        except OSError as exc:
            raise KgError(f"cannot write {folder}: {exc.strerror or exc}") from None
        old: Path | None = None
        try:
            for name, data in files.items():
                with open(tmp / name, "xb") as fh:
                    fh.write(data)
                size += len(data)
            os.chmod(tmp, 0o777 & ~_umask())
            check_folder(folder, root, suffix)  # nothing was put in its place meanwhile
            if os.path.lexists(folder):
                old = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", suffix=".old",
                                            dir=folder.parent))
                os.replace(folder, old)
            os.replace(tmp, folder)
        except BaseException as exc:
            shutil.rmtree(tmp, ignore_errors=True)
            if old is not None and not os.path.lexists(folder):
                os.replace(old, folder)
                old = None
            if isinstance(exc, OSError):
                raise KgError(f"cannot write {folder}: {exc.strerror or exc}") from None
            raise
        finally:
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)
    return size
