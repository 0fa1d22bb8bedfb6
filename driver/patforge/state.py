"""patforge's own state folder for a repository: where git never looks.

``<git dir>/patforge/`` in a git repository (also for worktrees, where ``.git`` is a
file); outside git, a per-repository folder under the system temp dir. The journal
(``journal.py``), its temp files, the repository lock (``lock.py``), the compile cache
and update's temporary worktrees live there, so nothing patforge keeps for itself
lands in the user's tree.
"""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path


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
