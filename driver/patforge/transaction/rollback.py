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
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

from patforge.errors import PatforgeError
from patforge.reports.escaping import visible
from patforge.repository.paths import PathProblem, resolve_inside
from patforge.transaction.rollback_record import LOG, META, blob, read_record
from patforge.transaction.atomic import atomic_write
from patforge.transaction.journal import Journal, observing
from patforge.transaction.lock import RepoLock
from patforge.transaction.state import state_dir

RUNS = "runs"
#: The latest run that wrote nothing (it keeps no record): what rollback says before it
#: undoes the earlier run that did write, so nobody undoes that run thinking it is the
#: one they just ran. Removed when a later run writes.
NOOP = "last-noop.json"
#: Written (durably) just before a rollback's journal commits: a rerun after a kill
#: knows the record was applied (rollback() then reports it as done).
APPLYING = "applying"


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


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
        atomic_write(folder / META, json.dumps({"command": command, "at": _now()}).encode("utf-8"), durable=True)

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
        with contextlib.suppress(FileNotFoundError):
            (runs / NOOP).unlink()  # the no-op it noted is older than this run
    else:
        shutil.rmtree(current, ignore_errors=True)


def _note_noop(runs: Path, command: str) -> None:
    with contextlib.suppress(OSError):  # a note for rollback; losing it loses no data
        runs.mkdir(parents=True, exist_ok=True)
        atomic_write(runs / NOOP, json.dumps({"command": command, "at": _now()}).encode("utf-8"), durable=False)


def note_noop(repo: Path, command: str) -> None:
    """A run that wrote nothing without recording (render's no-op replay, noop.py)."""
    _note_noop(state_dir(Path(repo).resolve()) / RUNS, command)


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
        if recorder.wrote:
            _settle(runs)
        else:
            shutil.rmtree(runs / "current", ignore_errors=True)
            _note_noop(runs, command)


@dataclass
class RollbackReport:
    command: str = ""
    at: str = ""  # when the run rolled back started ("" for a record made before this was kept)
    #: the later run that wrote nothing, when there is one: (command, when)
    noop_after: tuple[str, str] | None = None
    restored: list[str] = field(default_factory=list)  # given back their old bytes
    deleted: list[str] = field(default_factory=list)  # created by the run, now removed
    already: list[str] = field(default_factory=list)  # already as before the run
    dry_run: bool = False
    resumed: bool = False  # completes a rollback that was killed after its journal committed
    removed_dirs: list[str] = field(default_factory=list)  # folders the run created, now removed

    def to_dict(self) -> dict:
        return {"command": self.command, "at": self.at or None, "restored": self.restored,
                "deleted": self.deleted, "already_as_before": self.already, "dry_run": self.dry_run,
                "later_run_wrote_nothing": None if self.noop_after is None else
                {"command": self.noop_after[0], "at": self.noop_after[1]},
                "completed_interrupted_rollback": self.resumed, "removed_folders": self.removed_dirs}

    @property
    def exit_code(self) -> int:
        """0: a refused rollback raises (its exit code comes from the error)."""
        return 0


def _read_json(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _current_hash(repo: Path, rel: str) -> str | None:
    p = resolve_inside(repo, rel)  # a link out of the repository is refused, never read
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
            noop = _read_json(runs / NOOP)
            said = (f"; the last run, {noop.get('command', 'run')} at {noop.get('at', '?')}, wrote nothing"
                    if noop else "")
            raise PatforgeError("there is no run to roll back: no render, update, new, init or check --fix has "
                                f"written files here since the last rollback{said}",
                                hint="patforge rollback undoes the last run that wrote files")
        command, files = read_record(folder)  # checked for shape and paths (rollback_record.py)
        # A rollback killed after its journal committed: the recovery above landed its
        # writes, so what it did is reported as done (and its folders go too).
        resumed = (folder / APPLYING).is_file()
        report = RollbackReport(command=command, dry_run=dry_run, resumed=resumed,
                                at=str(_read_json(folder / META).get("at", "")))
        noop = _read_json(runs / NOOP)
        if noop:
            report.noop_after = (str(noop.get("command", "run")), str(noop.get("at", "")))
        changed, writes, doomed_dirs = [], [], []
        for f in files:
            try:
                now = _current_hash(repo, f.path)
            except PathProblem as exc:
                raise RollbackRefused(f"cannot roll back the last {command}: {exc}",
                                      hint="nothing was changed; " + exc.hint) from None
            if now == f.before:
                if resumed:
                    (report.deleted if f.before is None else report.restored).append(f.path)
                else:
                    report.already.append(f.path)
                if f.before is None:
                    doomed_dirs += f.created_dirs  # removed below when empty
            elif now != f.after:
                changed.append(f.path)
            elif f.before is None:
                writes.append((f.path, None))
                report.deleted.append(f.path)
                doomed_dirs += f.created_dirs
            else:
                writes.append((f.path, blob(folder, f.before)))
                report.restored.append(f.path)
        if changed:
            shown = "\n".join(f"    {visible(rel)}" for rel in changed[:20])
            more = f"\n    ... and {len(changed) - 20} more" if len(changed) > 20 else ""
            raise RollbackRefused(
                f"cannot roll back the last {command}: {len(changed)} of the files it wrote changed since:\n"
                f"{shown}{more}",
                hint="nothing was changed. Keep your edits (commit them) or undo them (git checkout -- <file>), "
                     "then run patforge rollback again", listing=True)
        if dry_run:
            return report
        atomic_write(folder / APPLYING, b"", durable=True)  # before the journal's commit point
        journal.apply(writes)
        with contextlib.suppress(FileNotFoundError):
            (runs / NOOP).unlink()
        for d in sorted(set(doomed_dirs), key=lambda p: -p.count("/")):
            with contextlib.suppress(OSError, PathProblem):  # not empty (something else lives there now), or gone
                resolve_inside(repo, d).rmdir()
                report.removed_dirs.append(d)
        shutil.rmtree(folder, ignore_errors=True)
        return report
