"""Kill-safe landing of several files at once, and the repository lock.

A unit of work (one batch of units, a registry edit, an update's result) lands
through a *journal*: first the complete list of writes and deletions is written to
one file and made durable (temp file, fsync, rename: the rename is the commit
point), then the files are written, then the journal is removed. If the process is
killed at any moment, the next run finds either no journal (nothing of this unit
landed; the run does it again) or a committed journal, which it *replays* to the end
before doing anything else. Either way the tree ends exactly as an uninterrupted run
leaves it.

State lives where git never looks: ``<git dir>/patforge/`` in a git repository
(a per-repository folder under the system temp dir otherwise): the journal, temp files, and the lock file. The
lock is an OS file lock (``filelock``): it dies with its process, so a killed run
never leaves a stale lock behind.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import tempfile
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from filelock import FileLock, Timeout

from patforge.errors import LockedError
from patforge.fsutil import atomic_write

JOURNAL = "journal.json"

Writes = list[tuple[str, "bytes | None"]]


class _Observers:
    """Who wants to see each transaction before it commits, per state folder: the
    rollback recorder (rollback.py) keeps the pre-images of what a run overwrites."""

    def __init__(self) -> None:
        self._by_state: dict[Path, Callable[[Path, Writes], None]] = {}

    def active(self, state: Path) -> bool:
        return state in self._by_state

    def notify(self, state: Path, repo: Path, writes: Writes) -> None:
        fn = self._by_state.get(state)
        if fn is not None:
            fn(repo, writes)

    @contextlib.contextmanager
    def __call__(self, state: Path, fn: Callable[[Path, Writes], None]) -> Iterator[None]:
        self._by_state[state] = fn
        try:
            yield
        finally:
            self._by_state.pop(state, None)


observing = _Observers()


def git_dir(repo: Path) -> Path | None:
    """The repository's git directory (also for worktrees, where .git is a file)."""
    for folder in (repo, *repo.parents):
        dotgit = folder / ".git"
        if dotgit.is_dir():
            return dotgit
        if dotgit.is_file():
            text = dotgit.read_text(encoding="utf-8", errors="replace").strip()
            if text.startswith("gitdir:"):
                target = Path(text[7:].strip())
                return target if target.is_absolute() else (folder / target).resolve()
    return None


def state_dir(repo: Path) -> Path:
    """``<git dir>/patforge``; outside git, a folder in the system temp dir keyed by the
    repository's path, so that nothing patforge keeps for itself lands in the tree."""
    repo = repo.resolve()
    gd = git_dir(repo)
    if gd is not None:
        path = gd / "patforge"
    else:
        key = hashlib.sha256(str(repo).encode("utf-8")).hexdigest()[:20]
        path = Path(tempfile.gettempdir()) / "patforge-state" / key
    path.mkdir(parents=True, exist_ok=True)
    return path


@dataclass
class Journal:
    repo: Path
    state: Path

    @classmethod
    def for_repo(cls, repo: Path) -> "Journal":
        return cls(repo.resolve(), state_dir(repo))

    @property
    def tmp(self) -> Path:
        path = self.state / "tmp"
        path.mkdir(exist_ok=True)
        return path

    def apply(self, writes: list[tuple[str, bytes | None]]) -> None:
        """Land every (path, bytes) — None deletes — as one recoverable transaction."""
        if not writes:
            return
        observing.notify(self.state, self.repo, writes)  # before the commit point
        entries = [{"path": rel, "data": None if data is None else base64.b64encode(data).decode("ascii")}
                   for rel, data in writes]
        atomic_write(self.state / JOURNAL, json.dumps({"writes": entries}).encode("utf-8"),
                     tmp_dir=self.tmp, durable=True)
        self._replay(entries)
        (self.state / JOURNAL).unlink()

    def _replay(self, entries: list[dict]) -> None:
        for e in entries:
            target = self.repo / e["path"]
            if e["data"] is None:
                target.unlink(missing_ok=True)
            else:
                # Durability comes from the journal; each file is still replaced atomically.
                atomic_write(target, base64.b64decode(e["data"]), tmp_dir=self.tmp, durable=False)

    def recover(self) -> list[str]:
        """Finish an interrupted transaction and sweep temp files; returns the paths replayed."""
        shutil.rmtree(self.state / "tmp", ignore_errors=True)
        path = self.state / JOURNAL
        if not path.is_file():
            return []
        try:
            entries = json.loads(path.read_text(encoding="utf-8"))["writes"]
        except (ValueError, KeyError):  # cannot happen after the atomic rename; be safe
            path.unlink()
            return []
        self._replay(entries)
        path.unlink()
        return [e["path"] for e in entries]


class RepoLock:
    """Exclusive lock on a repository for the duration of one command."""

    def __init__(self, repo: Path, command: str) -> None:
        self.state = state_dir(repo)
        self.lock = FileLock(str(self.state / "lock"), timeout=0)
        self.command = command

    def __enter__(self) -> "RepoLock":
        try:
            self.lock.acquire()
        except Timeout:
            holder = (self.state / "lock.owner").read_text(errors="replace").strip() \
                if (self.state / "lock.owner").is_file() else "another patforge process"
            raise LockedError(f"the repository is busy: {holder} is working on it",
                              hint="wait for it to finish; the lock is released when that process ends, "
                                   "even if it is killed") from None
        (self.state / "lock.owner").write_text(f"patforge {self.command} (pid {os.getpid()})")
        return self

    def __exit__(self, *exc) -> None:
        self.lock.release()
