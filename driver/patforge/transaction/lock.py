"""The repository lock: one patforge command at a time on one repository.

An OS file lock (``filelock``: fcntl / msvcrt) in the state folder: it dies with its
process, so a killed run never leaves a stale lock behind. ``lock.owner`` names the
holder for the message the next command shows.
"""

from __future__ import annotations

import os
from pathlib import Path

from filelock import FileLock, Timeout

from patforge.errors import LockedError
from patforge.transaction.state import state_dir


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
