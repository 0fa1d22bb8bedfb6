"""Reading a rollback record (``<state>/runs/last``) as the untrusted input it is.

The record lives in the state folder, which is patforge's, but a damaged disk, an
interrupted copy or a planted file can change it, and rollback *writes* what it says:
a ``before`` blob name that is an absolute path would copy any readable file into the
repository, a ``created_dirs`` entry ``../x`` would remove a folder outside it. So
every line is checked for shape before anything is restored:

* ``path``: a repository-relative path (``paths.normalize_repo_path``: no ``..``, not
  absolute, not into ``.git/``);
* ``before`` / ``after``: ``null`` or a SHA-256 hex digest, and a ``before`` blob must
  exist and hash to its name;
* ``created_dirs``: folders *above* ``path`` only.

Anything else is a :class:`RollbackRecordError` naming the record, the line and what
is wrong; nothing is changed. Only a torn *last* line (a run killed while appending,
whose journal never committed) is skipped, as before.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from patforge.errors import PatforgeError
from patforge.repository.bounded import ContentError, parse_json, read_regular
from patforge.repository.paths import PathProblem, normalize_repo_path

LOG = "log.jsonl"
#: A record lists one line per file a run touched: far more than any registry has.
_MAX_LOG = 1 << 30
META = "meta.json"
_SHA = re.compile(r"[0-9a-f]{64}")
_COMMAND = re.compile(r"[a-z][a-z -]{0,39}")


class RollbackRecordError(PatforgeError):
    """The rollback record is damaged: nothing is rolled back."""

    exit_code = 2


@dataclass
class RecordedFile:
    path: str
    before: str | None  # pre-image hash; None: the run created the file
    after: str | None  # what the run left; None: the run deleted it
    created_dirs: list[str] = field(default_factory=list)


def _damaged(folder: Path, where: str, why: str) -> RollbackRecordError:
    return RollbackRecordError(
        f"the rollback record {folder} is damaged ({where}: {why}); nothing was rolled back",
        hint=f"undo the last run with git instead (git checkout -- . / git clean), and delete {folder} "
             "so the next run starts a fresh record")


def _digest(value: Any) -> bool:
    return value is None or (isinstance(value, str) and _SHA.fullmatch(value) is not None)


def _entry(folder: Path, n: int, raw: Any) -> RecordedFile:
    where = f"{LOG} line {n}"
    if not isinstance(raw, dict):
        raise _damaged(folder, where, "not a JSON object")
    try:
        path = normalize_repo_path(raw.get("path"), internal=True)
    except PathProblem as exc:
        raise _damaged(folder, where, f"path: {exc}") from None
    for key in ("before", "after"):
        if key not in raw or not _digest(raw[key]):
            raise _damaged(folder, where, f"{key} is not null or a SHA-256 digest")
    dirs = raw.get("created_dirs", [])
    if not isinstance(dirs, list):
        raise _damaged(folder, where, "created_dirs is not a list")
    checked = []
    for d in dirs:
        try:
            norm = normalize_repo_path(d, internal=True)
        except PathProblem as exc:
            raise _damaged(folder, where, f"created_dirs: {exc}") from None
        if not path.startswith(norm + "/"):
            raise _damaged(folder, where, f"created_dirs names {norm}, which is not a folder above {path}")
        checked.append(norm)
    return RecordedFile(path, raw["before"], raw["after"], checked)


def read_record(folder: Path) -> tuple[str, list[RecordedFile]]:
    """(the command that wrote the run, every file it touched); RollbackRecordError
    when the record is damaged."""
    meta: Any = {}
    # Through the reading layer: regular files, bounded size and nesting, strict UTF-8.
    try:
        if (folder / META).is_file():
            meta = parse_json(read_regular(folder / META, META), META)
    except ContentError as exc:
        raise _damaged(folder, META, f"cannot be read: {exc.message}") from None
    try:
        raw_log = read_regular(folder / LOG, LOG, max_bytes=_MAX_LOG) if (folder / LOG).is_file() else b""
        text = raw_log.decode("utf-8")
    except (ContentError, UnicodeDecodeError) as exc:
        why = exc.message if isinstance(exc, ContentError) else "not UTF-8 text"
        raise _damaged(folder, LOG, f"cannot be read: {why}") from None
    command = meta.get("command") if isinstance(meta, dict) else None
    if not isinstance(command, str) or not _COMMAND.fullmatch(command):
        command = "run"  # shown in messages: only a command name, never arbitrary text
    files: dict[str, RecordedFile] = {}
    lines = text.splitlines()
    for n, line in enumerate(lines, 1):
        try:
            raw = parse_json(line.encode("utf-8"), f"{LOG} line {n}")
        except (ContentError, ValueError):
            if n == len(lines) and not text.endswith("\n"):
                continue  # a torn last line of a killed run: its journal never committed
            raise _damaged(folder, f"{LOG} line {n}", "not JSON") from None
        f = _entry(folder, n, raw)
        known = files.get(f.path)
        if known is None:
            files[f.path] = f
        else:
            known.after = f.after
    return command, sorted(files.values(), key=lambda f: f.path)


def blob(folder: Path, digest: str) -> bytes:
    """The pre-image named ``digest``: present, and its bytes hash to its name."""
    path = folder / "blobs" / digest
    try:
        data = path.read_bytes()
    except OSError:
        raise _damaged(folder, f"blobs/{digest}", "the saved copy is missing") from None
    if hashlib.sha256(data).hexdigest() != digest:
        raise _damaged(folder, f"blobs/{digest}", "the saved copy does not match its hash")
    return data
