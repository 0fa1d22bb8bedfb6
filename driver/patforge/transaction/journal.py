"""Kill-safe landing of several files at once.

A unit of work (one batch of units, a registry edit, an update's result) lands
through a *journal*: first the complete list of writes and deletions is written to
one file and made durable (temp file, fsync, rename: the rename is the commit
point), then the files are written, then the journal is removed. If the process is
killed at any moment, the next run finds either no journal (nothing of this unit
landed; the run does it again) or a committed journal, which it *replays* to the end
before doing anything else. Either way the tree ends exactly as an uninterrupted run
leaves it.

A journal is data, not trust: every path it names goes through the same
inside-the-repository resolution as every other write, and a journal that is not
the shape patforge writes is reported once and set aside (docs/reliability.md).
The journal and its temp files live in patforge's state folder (``state.py``).
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from patforge.repository.bounded import ContentError, read_regular
from patforge.errors import ConcurrentChangeError, UnsafePathError, WriteError
from patforge.transaction.atomic import atomic_write
from patforge.repository.paths import PathProblem, writable_problem, write_target
from patforge.transaction.state import state_dir
from patforge.validation.messages import shown

JOURNAL = "journal.json"
#: A transaction holds every file of one step, base64-encoded.
MAX_JOURNAL_BYTES = 1 << 30

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


@dataclass
class Journal:
    repo: Path
    state: Path
    set_aside: str | None = field(default=None)  # why a malformed journal was set aside

    @classmethod
    def for_repo(cls, repo: Path) -> "Journal":
        return cls(repo.resolve(), state_dir(repo))

    @property
    def tmp(self) -> Path:
        path = self.state / "tmp"
        path.mkdir(exist_ok=True)
        return path

    def apply(self, writes: list[tuple[str, bytes | None]],
              bases: dict[str, bytes | None] | None = None) -> None:
        """Land every (path, bytes) — None deletes — as one recoverable transaction.

        Every target is checked before the journal is written (inside the repository,
        links, permissions), and ``bases`` (the bytes each file had when the change was
        planned) are compared with the disk: a file another process changed meanwhile
        is refused by name, and nothing of the transaction lands."""
        if not writes:
            return
        targets = [self._target(rel) for rel, _ in writes]
        changed = []
        for (rel, _), target in zip(writes, targets):
            problem = writable_problem(target)
            if problem is not None:
                raise UnsafePathError(f"cannot write {rel}: {problem}",
                                      hint=f"make it writable (chmod u+w {rel}) if patforge should "
                                           "change it; nothing was written")
            if bases is not None and rel in bases:
                try:
                    now = target.read_bytes() if target.is_file() else None
                except OSError:
                    now = None
                if now != bases[rel]:
                    changed.append(rel)
        if changed:
            raise ConcurrentChangeError(
                f"{', '.join(changed)} changed on disk while patforge was working "
                f"(another program wrote {'it' if len(changed) == 1 else 'them'})",
                hint="nothing of this step was written; run the command again to plan from the new content")
        observing.notify(self.state, self.repo, writes)  # before the commit point
        try:
            atomic_write(self.state / JOURNAL, lambda: _journal_parts(writes), tmp_dir=self.tmp, durable=True)
        except OSError as exc:
            raise WriteError(f"cannot write patforge's journal: {exc.strerror or exc}",
                             hint="nothing of this step was written; free disk space (or fix the "
                                  "permissions) and run the command again") from None
        try:
            self._replay([(rel, data) for rel, data in writes])
        except OSError as exc:
            # The journal is committed: the next run completes this step exactly as planned.
            raise WriteError(f"cannot write {exc.filename or 'a file'}: {exc.strerror or exc}",
                             hint="free disk space (or fix the permissions) and run the command again: "
                                  "it completes the interrupted step first (the journal has it)") from None
        (self.state / JOURNAL).unlink()

    def _target(self, rel: str) -> Path:
        try:
            return write_target(self.repo, rel)
        except PathProblem as exc:
            raise UnsafePathError(f"refusing to write {shown(rel)}: {exc}", hint=exc.hint) from None

    def _replay(self, writes: list[tuple[str, bytes | None]]) -> None:
        for rel, data in writes:
            target = self._target(rel)
            if data is None:
                target.unlink(missing_ok=True)
            else:
                # Durability comes from the journal; each file is still replaced atomically.
                atomic_write(target, data, tmp_dir=self.tmp, durable=False)

    def recover(self) -> list[str]:
        """Finish an interrupted transaction and sweep temp files; returns the paths
        replayed. A journal that is not what patforge writes (or names a path outside
        the repository) is renamed aside, once, and ``set_aside`` says why."""
        shutil.rmtree(self.state / "tmp", ignore_errors=True)
        path = self.state / JOURNAL
        if not path.is_file():
            return []
        try:
            writes = _parse_journal(read_regular(path, JOURNAL, max_bytes=MAX_JOURNAL_BYTES))
            for rel, _ in writes:
                self._target(rel)  # every path is checked before any is written
        except (ValueError, UnsafePathError, ContentError) as exc:
            aside = self._set_aside(path)
            self.set_aside = (f"an interrupted run's journal could not be used ({exc}); "
                              f"nothing was replayed, and it was moved to {aside}")
            return []
        self._replay(writes)
        path.unlink()
        return [rel for rel, _ in writes]

    def _set_aside(self, path: Path) -> Path:
        n = 1
        while (self.state / f"journal.bad-{n}.json").exists():
            n += 1
        aside = self.state / f"journal.bad-{n}.json"
        os.replace(path, aside)
        return aside


def _journal_parts(writes: Writes) -> Iterator[bytes]:
    """The journal's JSON (``{"writes": [{"path": ..., "data": base64}, ...]}``), entry by
    entry: the same bytes as one ``json.dumps``, never all of it in memory at once."""
    yield b'{"writes": ['
    for i, (rel, data) in enumerate(writes):
        entry = {"path": rel, "data": None if data is None else base64.b64encode(data).decode("ascii")}
        yield (b", " if i else b"") + json.dumps(entry).encode("utf-8")
    yield b"]}"


def _parse_journal(raw: bytes) -> list[tuple[str, bytes | None]]:
    """The journal's writes; ``ValueError`` saying what is wrong with anything else."""
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, RecursionError, ValueError) as exc:
        raise ValueError(f"not JSON: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("writes"), list):
        raise ValueError("not a mapping with a 'writes' list")
    out: list[tuple[str, bytes | None]] = []
    for i, e in enumerate(data["writes"]):
        if not isinstance(e, dict) or not isinstance(e.get("path"), str) or "data" not in e or \
                not (e["data"] is None or isinstance(e["data"], str)):
            raise ValueError(f"entry #{i + 1} is not a {{path, data}} mapping")
        try:
            content = None if e["data"] is None else base64.b64decode(e["data"], validate=True)
        except (binascii.Error, ValueError):
            raise ValueError(f"entry #{i + 1} ({shown(e['path'])}) has data that is not base64") from None
        out.append((e["path"], content))
    return out
