"""The files a run reads and changes, seen through the changes made so far.

Phases run one after another and later phases edit files earlier phases already
changed (Phase 2 records test_path in the registry after Phase 1 added doc_ids).
``Workspace`` keeps every change in memory on top of the disk, so a dry run plans
exactly what a real run writes, and a real run lands each unit's files together.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from patforge.changes import FileChange
from patforge.journal import Journal
from patforge.paths import resolve_inside


@dataclass
class Workspace:
    repo: Path
    dry_run: bool = False
    overlay: dict[str, bytes] = field(default_factory=dict)
    originals: dict[str, bytes | None] = field(default_factory=dict)
    reasons: dict[str, list[str]] = field(default_factory=dict)
    _journal: Journal | None = None
    defer: bool = False  # --all-or-nothing: keep every change until flush()
    keep_bytes: bool = False  # keep landed changes' bytes (for callers that show diffs)
    _deferred: dict[str, bytes] = field(default_factory=dict)
    #: called with (path, bytes) for every file landed on disk (the manifest hashes them)
    on_land: Callable[[str, bytes | None], None] | None = None

    @property
    def journal(self) -> Journal:
        if self._journal is None:
            self._journal = Journal.for_repo(self.repo)
        return self._journal

    def abspath(self, rel: str) -> Path:
        return resolve_inside(self.repo, rel)

    def exists(self, rel: str) -> bool:
        # Existence needs no symlink check (nothing is read or written through it).
        return rel in self.overlay or (self.repo / rel).is_file()

    def read_bytes(self, rel: str) -> bytes | None:
        if rel in self.overlay:
            return self.overlay[rel]
        p = self.abspath(rel)
        return p.read_bytes() if p.is_file() else None

    def read_text(self, rel: str) -> str | None:
        data = self.read_bytes(rel)
        return None if data is None else data.decode("utf-8")

    def stage(self, rel: str, data: bytes, reason: str) -> None:
        """Remember a new content for ``rel`` (not yet on disk)."""
        if rel not in self.originals:
            p = self.abspath(rel)
            self.originals[rel] = p.read_bytes() if p.is_file() else None
        self.overlay[rel] = data
        self.reasons.setdefault(rel, []).append(reason)

    def land(self, paths: list[str]) -> list[FileChange]:
        """Write the staged content of ``paths`` to disk as one journaled transaction
        (unless dry run); return the changes."""
        changes = []
        for rel in dict.fromkeys(paths):
            change = FileChange(rel, self.originals.get(rel), self.overlay[rel],
                                ", ".join(dict.fromkeys(self.reasons.get(rel, []))))
            if not change.changed:
                continue
            self.originals[rel] = change.after  # later phases diff against this
            changes.append(change)
        if changes and not self.dry_run:
            if self.defer:
                self._deferred.update((c.path, c.after) for c in changes)
            else:
                self.journal.apply([(c.path, c.after) for c in changes])
                if self.on_land is not None:
                    for c in changes:
                        self.on_land(c.path, c.after)
                if self.keep_bytes:
                    return changes
                # On disk now: forget the bytes (a 10,000-pattern render would otherwise
                # hold every file it wrote, twice). Reads fall back to the disk.
                for c in changes:
                    self.overlay.pop(c.path, None)
                    self.originals.pop(c.path, None)
                changes = [FileChange(c.path, None if c.is_new else b"", b"", c.reason) for c in changes]
        return changes

    def flush(self) -> int:
        """Write every deferred change as ONE journaled transaction; returns the count."""
        writes = sorted(self._deferred.items())
        self._deferred.clear()
        if writes and not self.dry_run:
            self.journal.apply(writes)
        return len(writes)

    def drop_deferred(self) -> int:
        n = len(self._deferred)
        self._deferred.clear()
        return n

    def discard(self, paths: list[str]) -> None:
        for rel in paths:
            self.overlay.pop(rel, None)
            self.originals.pop(rel, None)
            self.reasons.pop(rel, None)
