"""The files a run reads and changes, seen through the changes made so far.

Phases run one after another and later phases edit files earlier phases already
changed (Phase 2 records test_path in the registry after Phase 1 added doc_ids).
``Workspace`` is the repository reader (``RepoFiles``, confined to the repository,
uncached) with every planned change kept in memory on top of the disk, so a dry run
plans exactly what a real run writes, and a real run lands each unit's files
together, through the journal.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from patforge.transaction.changes import FileChange
from patforge.errors import UnsafePathError
from patforge.transaction.journal import Journal
from patforge.repository.paths import PathProblem, writable_problem, write_target
from patforge.repository.files import RepoFiles
from patforge.validation.messages import shown


class Workspace(RepoFiles):
    def __init__(self, repo: Path, *, dry_run: bool = False, defer: bool = False,
                 keep_bytes: bool = False) -> None:
        super().__init__(repo, cache=False, confined=True)
        self.dry_run = dry_run
        self.defer = defer  # --all-or-nothing: keep every change until flush()
        self.keep_bytes = keep_bytes  # keep landed changes' bytes (for callers that show diffs)
        self.overlay: dict[str, bytes] = {}
        self.originals: dict[str, bytes | None] = {}
        self.reasons: dict[str, list[str]] = {}
        self._journal: Journal | None = None
        self._deferred: dict[str, bytes] = {}
        self._deferred_bases: dict[str, bytes | None] = {}
        #: called with (path, bytes) for every file landed on disk (the manifest hashes them)
        self.on_land: Callable[[str, bytes | None], None] | None = None

    @property
    def journal(self) -> Journal:
        if self._journal is None:
            self._journal = Journal.for_repo(self.repo)
        return self._journal

    def abspath(self, rel: str) -> Path:
        try:
            return super().abspath(rel)
        except PathProblem as exc:
            raise UnsafePathError(f"refusing {shown(rel)}: {exc}", hint=exc.hint) from None

    # -- reading through the overlay ------------------------------------------------------
    def exists(self, rel: str) -> bool:
        return rel in self.overlay or super().exists(rel)

    is_file = exists

    def read_bytes(self, rel: str) -> bytes | None:
        if rel in self.overlay:
            return self.overlay[rel]
        return super().read_bytes(rel)

    # -- planning and landing ------------------------------------------------------------
    def stage(self, rel: str, data: bytes, reason: str) -> None:
        """Remember a new content for ``rel`` (not yet on disk)."""
        if rel not in self.originals:
            # Checked when planned, so a unit never lands half: links out of the
            # repository or to another kind of file, read-only files.
            try:
                target = write_target(self.repo, rel)
            except PathProblem as exc:
                raise UnsafePathError(f"refusing to write {shown(rel)}: {exc}", hint=exc.hint) from None
            problem = writable_problem(target)
            if problem is not None and not self.dry_run:
                raise UnsafePathError(f"cannot write {rel}: {problem}",
                                      hint=f"make it writable (chmod u+w {rel}) if patforge should change it")
            self.originals[rel] = super().read_bytes(rel)
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
                for c in changes:
                    self._deferred_bases.setdefault(c.path, c.before)
                self._deferred.update((c.path, c.after) for c in changes)
            else:
                # c.before is what the file held when this change was planned
                self.journal.apply([(c.path, c.after) for c in changes],
                                   bases={c.path: c.before for c in changes})
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
        bases = dict(self._deferred_bases)
        self._deferred.clear()
        self._deferred_bases.clear()
        if writes and not self.dry_run:
            self.journal.apply(writes, bases=bases)
        return len(writes)

    def drop_deferred(self) -> int:
        n = len(self._deferred)
        self._deferred.clear()
        self._deferred_bases.clear()
        return n

    def discard(self, paths: list[str]) -> None:
        for rel in paths:
            self.overlay.pop(rel, None)
            self.originals.pop(rel, None)
            self.reasons.pop(rel, None)
