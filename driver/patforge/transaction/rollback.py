"""``patforge rollback``: undo the last run that wrote files (render, update, new,
check --fix), the plan's "Restore from Backup".

While a run lands files, every journaled transaction first tells the run's
*recorder* (``journal.observing``) what it is about to write. The recorder keeps, in
the state folder (``<git dir>/patforge/runs/``, where git never looks), the file's
*pre-image* the first time the run touches it (a content-addressed blob, or "did not
exist" plus the folders the run had to create) and the hash of what the run wrote
last. That record is made durable before the journal's commit point, so a killed run
can be rolled back too.

Rollback restores exactly those files, through the journal (kill-safe like any
write): a file the run created is deleted (and the folders it created, when empty),
a file it changed gets its old bytes back. It refuses — changing nothing — if any of
them changed since the run (it lists them): those edits are yours, not the run's.
A run that wrote nothing does not replace the record of the last one that did.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from patforge.errors import PatforgeError
from patforge.transaction.atomic import atomic_write
from patforge.transaction.journal import Journal, observing
from patforge.transaction.lock import RepoLock
from patforge.transaction.state import state_dir

RUNS = "runs"
LOG = "log.jsonl"
META = "meta.json"


class RollbackRefused(PatforgeError):
    """Files the last run wrote changed since: rolling back would lose those edits."""

    exit_code = 1


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class RunRecorder:
    """Pre-images and post-image hashes of one run, appended as it lands files."""

    def __init__(self, repo: Path, folder: Path, command: str) -> None:
        self.repo = repo
        self.folder = folder
        self.seen: dict[str, str | None] = {}  # path -> pre-image hash (None: did not exist)
        self.wrote = False
        (folder / "blobs").mkdir(parents=True, exist_ok=True)
        atomic_write(folder / META, json.dumps({"command": command}).encode("utf-8"), durable=True)

    def __call__(self, repo: Path, writes: list[tuple[str, bytes | None]]) -> None:
        lines = []
        for rel, data in writes:
            entry: dict = {"path": rel, "after": None if data is None else _sha(data)}
            if rel not in self.seen:
                target = repo / rel
                before = target.read_bytes() if target.is_file() else None
                if before is None:
                    self.seen[rel] = None
                    entry["created_dirs"] = _missing_dirs(repo, rel)
                else:
                    self.seen[rel] = _sha(before)
                    blob = self.folder / "blobs" / self.seen[rel]
                    if not blob.exists():
                        # Not fsynced one by one (a 10,000-spec Phase 1 would wait ~10,000
                        # fsyncs): a killed process cannot lose page-cache data; the log
                        # fsync below orders the record before the journal commits.
                        atomic_write(blob, before, durable=False)
            entry["before"] = self.seen[rel]
            lines.append(json.dumps(entry, ensure_ascii=False))
        with open(self.folder / LOG, "a", encoding="utf-8", newline="\n") as fh:
            fh.write("".join(line + "\n" for line in lines))
            fh.flush()
            os.fsync(fh.fileno())  # durable before the journal's commit point
        self.wrote = True


def _missing_dirs(repo: Path, rel: str) -> list[str]:
    out = []
    parent = Path(rel).parent
    while parent != Path(".") and not (repo / parent).is_dir():
        out.append(parent.as_posix())
        parent = parent.parent
    return out


def _runs(repo: Path) -> Path:
    return state_dir(repo) / RUNS


def _settle(runs: Path) -> None:
    """A killed run's record (``current``) becomes the last one if it wrote anything."""
    current = runs / "current"
    if not current.is_dir():
        return
    if (current / LOG).is_file() and (current / LOG).stat().st_size:
        shutil.rmtree(runs / "last", ignore_errors=True)
        os.replace(current, runs / "last")
    else:
        shutil.rmtree(current, ignore_errors=True)


@contextlib.contextmanager
def recording(repo: Path, command: str) -> Iterator[RunRecorder | None]:
    """Record what the run lands; nested runs (``new`` renders) join the outer record."""
    repo = Path(repo).resolve()
    state = state_dir(repo)
    runs = state / RUNS
    if observing.active(state):
        yield None
        return
    _settle(runs)
    recorder = RunRecorder(repo, runs / "current", command)
    try:
        with observing(state, recorder):
            yield recorder
    finally:
        _settle(runs) if recorder.wrote else shutil.rmtree(runs / "current", ignore_errors=True)


@dataclass
class RecordedFile:
    path: str
    before: str | None  # pre-image hash; None: the run created the file
    after: str | None  # what the run left; None: the run deleted it
    created_dirs: list[str] = field(default_factory=list)


@dataclass
class RollbackReport:
    command: str = ""
    restored: list[str] = field(default_factory=list)  # given back their old bytes
    deleted: list[str] = field(default_factory=list)  # created by the run, now removed
    already: list[str] = field(default_factory=list)  # already as before the run
    dry_run: bool = False

    def to_dict(self) -> dict:
        return {"command": self.command, "restored": self.restored, "deleted": self.deleted,
                "already_as_before": self.already, "dry_run": self.dry_run}

    @property
    def exit_code(self) -> int:
        """0: a refused rollback raises (its exit code comes from the error)."""
        return 0


def read_record(folder: Path) -> tuple[str, list[RecordedFile]]:
    meta = json.loads((folder / META).read_text(encoding="utf-8")) if (folder / META).is_file() else {}
    files: dict[str, RecordedFile] = {}
    text = (folder / LOG).read_text(encoding="utf-8") if (folder / LOG).is_file() else ""
    for line in text.splitlines():
        try:
            e = json.loads(line)
        except ValueError:
            continue  # a torn last line of a killed run: its journal never committed
        f = files.get(e["path"])
        if f is None:
            files[e["path"]] = RecordedFile(e["path"], e["before"], e["after"], e.get("created_dirs", []))
        else:
            f.after = e["after"]
    return meta.get("command", "run"), sorted(files.values(), key=lambda f: f.path)


def _current_hash(repo: Path, rel: str) -> str | None:
    p = repo / rel
    return _sha(p.read_bytes()) if p.is_file() else None


def rollback(repo: Path, *, dry_run: bool = False) -> RollbackReport:
    repo = Path(repo).resolve()
    with RepoLock(repo, "rollback"):
        journal = Journal.for_repo(repo)
        journal.recover()
        runs = _runs(repo)
        _settle(runs)
        folder = runs / "last"
        if not (folder / LOG).is_file():
            raise PatforgeError("there is no run to roll back: no render, update, new or check --fix has "
                                "written files here since the last rollback",
                                hint="patforge rollback undoes the last run that wrote files")
        command, files = read_record(folder)
        report = RollbackReport(command=command, dry_run=dry_run)
        changed, writes, doomed_dirs = [], [], []
        for f in files:
            now = _current_hash(repo, f.path)
            if now == f.before:
                report.already.append(f.path)
            elif now != f.after:
                changed.append(f.path)
            elif f.before is None:
                writes.append((f.path, None))
                report.deleted.append(f.path)
                doomed_dirs += f.created_dirs
            else:
                writes.append((f.path, (folder / "blobs" / f.before).read_bytes()))
                report.restored.append(f.path)
        if changed:
            shown = "\n".join(f"    {rel}" for rel in changed[:20])
            more = f"\n    ... and {len(changed) - 20} more" if len(changed) > 20 else ""
            raise RollbackRefused(
                f"cannot roll back the last {command}: {len(changed)} of the files it wrote changed since:\n"
                f"{shown}{more}",
                hint="nothing was changed. Keep your edits (commit them) or undo them (git checkout -- <file>), "
                     "then run patforge rollback again")
        if dry_run:
            return report
        journal.apply(writes)
        for d in sorted(set(doomed_dirs), key=lambda p: -p.count("/")):
            with contextlib.suppress(OSError):  # not empty: something else lives there now
                (repo / d).rmdir()
        shutil.rmtree(folder, ignore_errors=True)
        return report
