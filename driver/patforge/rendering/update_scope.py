"""Which of the repository's files an update's worktree must hold, and the proof.

Copier's 3-way update of a batch reads, of the destination, only the files its renders
touch: the old version's files (their hand edits are the diff it re-applies; one the
user deleted stays deleted), the new version's files (one that exists already is
merged, not overwritten blindly), and the ignore and attribute rules. Every other file
of the repository plays no part. So ``update`` hands Copier a worktree holding only
the files each unit's answers name (``guess``), plus the ignore and attribute files.

A guess is only a guess (a template may write a file whose path no answer names), so
every render of the old and the new version is recorded (``recording_renders``: the
files in Copier's two scratch copies), and a batch that rendered a file the base has
but the worktree lacked is done again with it (update.py). The result is what a full
checkout gives, file for file.
"""

from __future__ import annotations

import bisect
import contextlib
import os
from pathlib import Path
from typing import Any, Iterable, Iterator

from patforge.rendering.answercheck import is_path_key
from patforge.rendering.output_hashes import hashes_path


class Scope:
    """The base's paths, for finding those named by answers (folders included)."""

    def __init__(self, base_paths: Iterable[str]) -> None:
        self.all = set(base_paths)
        self._sorted = sorted(self.all)

    def under(self, folder: str) -> list[str]:
        prefix = folder.rstrip("/") + "/"
        i = bisect.bisect_left(self._sorted, prefix)
        out = []
        while i < len(self._sorted) and self._sorted[i].startswith(prefix):
            out.append(self._sorted[i])
            i += 1
        return out

    def guess(self, answers_file: str, answers: Iterable[dict[str, Any]], outputs: Iterable[str]) -> set[str]:
        """The base's files one unit's update may read: its answers and hashes files, the
        files and folders its answers name, and its recorded outputs."""
        named = {answers_file, hashes_path(answers_file), *outputs}
        for data in answers:
            for key, value in data.items():
                if isinstance(value, str) and value and is_path_key(key):
                    named.add(value)
                    if key.endswith("_dir"):
                        named.update(self.under(value))
            hashes = data.get("derived_sha256")
            if isinstance(hashes, dict):
                named.update(k for k in hashes if isinstance(k, str))
        return named & self.all


@contextlib.contextmanager
def recording_renders(wt: Path) -> Iterator[set[str] | None]:
    """While active, the repository-relative path of every file Copier renders into a
    folder other than ``wt`` (the old and the new version's scratch copies of an update)
    is added to the yielded set; None when this Copier has no hook for it (the caller
    then gives Copier every file)."""
    try:
        # why: start-up time: Copier is imported only when an update runs
        from copier import _main
    except ImportError:
        yield None
        return
    worker = getattr(_main, "Worker", None)
    original = getattr(worker, "run_copy", None)
    if original is None or "run_copy" not in vars(worker):
        yield None
        return
    seen: set[str] = set()
    home = wt.resolve()

    def run_copy(self: Any, *args: Any, **kwargs: Any) -> Any:
        result = original(self, *args, **kwargs)
        dst = Path(self.dst_path).resolve()
        if dst != home:
            for folder, dirs, files in os.walk(dst):
                dirs[:] = [d for d in dirs if d != ".git"]
                rel = Path(folder).relative_to(dst).as_posix()
                seen.update(f if rel == "." else f"{rel}/{f}" for f in files)
        return result

    worker.run_copy = run_copy
    try:
        yield seen
    finally:
        worker.run_copy = original
