"""Kill-safe landing of several files at once.

A unit of work (one batch of units, a registry edit, an update's result) lands
through a *journal*: first the complete list of writes and deletions is written to
one file and made durable (temp file, fsync, rename: the rename is the commit
point), then the files are written, then the journal is removed. If the process is
killed at any moment, the next run finds either no journal (nothing of this unit
landed; the run does it again) or a committed journal, which it *replays* to the end
before doing anything else. Either way the tree ends exactly as an uninterrupted run
leaves it.

The journal and its temp files live in patforge's state folder (``state.py``).
"""

from __future__ import annotations

import base64
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from patforge.fsutil import atomic_write
from patforge.state import state_dir

JOURNAL = "journal.json"


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
