"""A temporary git worktree that holds only some of a commit's files.

``update`` runs Copier in a worktree (Copier refuses a dirty tree, and patforge never
commits on the user's branch). A full checkout of a 10,000-pattern repository writes
every file, and every commit in it, Copier's ``write-tree`` and its diff against the
old render then walk all of them, for an update that touches a few thousand. So the
worktree starts at a commit of its own whose tree is the base commit's tree cut down
to the paths asked for (``git update-index --index-info`` into a private index,
``write-tree``, ``commit-tree``: no checkout, no scan of the user's tree). Files can be
added later from the base (``add_from``); ``tree_of`` gives a commit of the base's
entries for any set of paths, to diff the result against.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from patforge.vcs.git import run_git

#: Who the worktree's own commits are by (never the user's branch: they are discarded).
COMMIT_ENV = {"GIT_AUTHOR_NAME": "patforge", "GIT_AUTHOR_EMAIL": "patforge@localhost",
              "GIT_COMMITTER_NAME": "patforge", "GIT_COMMITTER_EMAIL": "patforge@localhost"}

#: Files that change how git sees every other file (ignore rules, attributes such as
#: end-of-line conversion): a worktree holding part of the tree holds all of these.
GIT_META = (".gitignore", ".gitattributes")


@dataclass
class BaseTree:
    """The base commit's files: path -> ``"<mode> <type> <object>"`` (``git ls-tree``)."""

    repo: Path
    commit: str
    entries: dict[str, str]

    @classmethod
    def read(cls, repo: Path, commit: str) -> "BaseTree":
        out = run_git(repo, "ls-tree", "-r", "-z", "--full-tree", commit).stdout
        entries = {}
        for record in out.split("\0"):
            if record:
                meta, _, path = record.partition("\t")
                entries[path] = meta
        return cls(repo, commit, entries)

    def meta_files(self) -> set[str]:
        return {p for p in self.entries if p.rsplit("/", 1)[-1] in GIT_META}

    def blob(self, path: str) -> str | None:
        """The object id ``path`` has in the base, or None when it has none."""
        meta = self.entries.get(path)
        return meta.split(" ")[2] if meta else None

    def tree_of(self, paths: set[str], message: str) -> str:
        """A commit (no parent) of the base's entries for ``paths`` (others ignored)."""
        lines = "".join(f"{self.entries[p]}\t{p}\0" for p in sorted(paths) if p in self.entries)
        with tempfile.TemporaryDirectory(prefix="patforge-index-") as tmp:
            env = {**COMMIT_ENV, "GIT_INDEX_FILE": str(Path(tmp) / "index")}
            run_git(self.repo, "update-index", "-z", "--index-info", env=env, input=lines)
            tree = run_git(self.repo, "write-tree", env=env).stdout.strip()
        return run_git(self.repo, "commit-tree", tree, "-m", message, env=COMMIT_ENV).stdout.strip()


def add_worktree(repo: Path, where: Path, commit: str) -> None:
    """A detached worktree of ``commit`` at ``where`` (it checks out only that commit's files)."""
    run_git(repo, "worktree", "add", "-q", "--detach", str(where), commit)


def add_from(wt: Path, base: BaseTree, paths: set[str], message: str) -> None:
    """Check ``paths`` out of the base into the worktree and commit them there."""
    listed = "".join(f"{p}\0" for p in sorted(paths))
    run_git(wt, "checkout", base.commit, "--pathspec-from-file=-", "--pathspec-file-nul", input=listed)
    run_git(wt, "commit", "-q", "--no-verify", "-m", message, env=COMMIT_ENV)


def commit_all(wt: Path, message: str) -> None:
    run_git(wt, "add", "-A")
    run_git(wt, "commit", "-q", "--no-verify", "--allow-empty", "-m", message, env=COMMIT_ENV)


def remove_worktrees(repo: Path, folder: Path) -> None:
    """Remove every worktree under ``folder`` (a killed run's leftovers too) and the folder."""
    if folder.is_dir():
        for leftover in folder.iterdir():
            run_git(repo, "worktree", "remove", "--force", str(leftover), check=False)
        shutil.rmtree(folder, ignore_errors=True)
    run_git(repo, "worktree", "prune", check=False)


def worktree_path(folder: Path) -> Path:
    return folder / f"wt-{os.getpid()}"
