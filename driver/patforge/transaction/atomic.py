"""Writing files so that no half-written file can ever be observed."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Callable, Iterable

TMP_PREFIX = ".patforge-tmp-"


def atomic_write(path: Path, data: bytes | Callable[[], Iterable[bytes]], *, tmp_dir: Path | None = None,
                 durable: bool = True) -> None:
    """Write ``data`` to ``path`` via a temp file in the same folder, fsync, rename.
    ``data`` is the bytes, or a function giving them in parts (a large file, such as a
    journal of every file an update lands, is then never held whole in memory).

    ``os.replace`` is atomic on POSIX and on Windows (same volume), so a reader sees
    the old bytes or the new bytes, never a mix. ``tmp_dir`` puts the temp file in
    patforge's state folder, which every run sweeps, so a killed run leaves no stray
    temp file in the user's tree. ``durable=False`` skips fsync where a journal
    already guarantees recovery (journal.py).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=TMP_PREFIX, dir=tmp_dir or path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            for part in (data,) if isinstance(data, bytes) else data():
                fh.write(part)
            fh.flush()
            if durable:
                os.fsync(fh.fileno())
        try:
            mode = path.stat().st_mode & 0o7777
        except FileNotFoundError:
            mode = 0o644
        os.chmod(tmp, mode)
        try:
            os.replace(tmp, path)
        except OSError:
            if tmp_dir is None:
                raise
            # the state folder is on another volume: fall back to a sibling temp file
            os.unlink(tmp)
            atomic_write(path, data, durable=durable)
            return
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    if durable:
        _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":  # Windows cannot open a directory for fsync
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def sweep_temp_files(root: Path, folders: set[Path] | None = None) -> list[Path]:
    """Remove temp files a killed run left behind (only our own prefix)."""
    removed: list[Path] = []
    candidates = folders if folders is not None else {p.parent for p in root.rglob(TMP_PREFIX + "*")}
    for folder in candidates:
        for p in folder.glob(TMP_PREFIX + "*"):
            try:
                p.unlink()
                removed.append(p)
            except OSError:
                pass
    return removed


def write_user_output(path: Path, data: bytes) -> None:
    """Write a file the user named (``check --output FILE``) the way a shell redirection
    would: through a symlink to what it points at (``/dev/stdout``, a link the user
    keeps), straight into a FIFO or a device (its reader gets the bytes, the node
    stays), and only a regular file (or a new one) is replaced atomically.
    ``WriteError`` (exit 2) with the system's reason for anything that cannot be
    written: a parent that is a file, a read-only or virtual file system (``/sys``)."""
    # why: start-up time: loaded only when this function runs, not when the module is imported
    import stat

    # why: start-up time: loaded only when this function runs, not when the module is imported
    from patforge.errors import WriteError

    target = Path(os.path.realpath(path)) if os.path.islink(path) else path
    try:
        try:
            st = os.stat(target)
        except FileNotFoundError:
            st = None
        if st is not None and stat.S_ISDIR(st.st_mode):
            raise IsADirectoryError(21, "Is a directory")
        if st is not None and not stat.S_ISREG(st.st_mode):
            with open(target, "wb") as fh:  # a FIFO, a terminal, /dev/null: write through
                fh.write(data)
            return
        atomic_write(target, data)
    except OSError as exc:
        raise WriteError(f"cannot write the report to {path}: {exc.strerror or exc}",
                         hint="name a file in a folder you can write to (or leave out --output for stdout)"
                         ) from None
