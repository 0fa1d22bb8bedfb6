"""The few git operations patforge needs, with errors that say what to do."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any, Iterator

from patforge.errors import DirtyTreeError, GitError
from patforge.reports.escaping import visible

_VERSION_TAG = re.compile(r"^v?(\d+)\.(\d+)\.(\d+)(?:[-.+]?(.*))?$")


def git_available() -> bool:
    return shutil.which("git") is not None


def run_git(cwd: Path | None, *args: str, check: bool = True, env: dict[str, str] | None = None,
            input: str | None = None) -> subprocess.CompletedProcess[str]:
    if not git_available():
        raise GitError("git is not installed or not on PATH",
                       hint="install git (https://git-scm.com) and run again")
    full_env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", **(env or {})}
    res = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, env=full_env,
                         input=input, encoding="utf-8", errors="replace")
    if check and res.returncode != 0:
        raise GitError(f"git {' '.join(args[:3])} failed: {res.stderr.strip() or res.stdout.strip()}")
    return res


@contextlib.contextmanager
def no_auto_gc() -> Iterator[None]:
    """While active, git commands started by this process (patforge's and Copier's,
    through plumbum) do not run ``git gc --auto``: update commits thousands of files in a
    temporary worktree, and the automatic repack of the user's whole object store it
    triggered took minutes at 10,000 patterns, for objects the next run may discard.
    The user's own git keeps its gc. (``GIT_CONFIG_COUNT``: git 2.31+; older git
    ignores it.)"""
    n = int(os.environ.get("GIT_CONFIG_COUNT", "0") or 0)
    extra = {"GIT_CONFIG_COUNT": str(n + 1), f"GIT_CONFIG_KEY_{n}": "gc.auto", f"GIT_CONFIG_VALUE_{n}": "0"}
    envs: list[Any] = [os.environ]
    try:
        # why: start-up time: loaded only when no_auto_gc() runs, not when the module is imported
        from plumbum import local  # Copier's git: plumbum keeps its own copy of the environment

        envs.append(local.env)
    except ImportError:  # pragma: no cover - Copier depends on plumbum
        pass
    saved = [{k: env.get(k) for k in extra} for env in envs]
    for env in envs:
        env.update(extra)
    try:
        yield
    finally:
        for env, old in zip(envs, saved):
            for k, v in old.items():
                if v is None:
                    env.pop(k, None)
                else:
                    env[k] = v


def is_git_repo(path: Path) -> bool:
    if not git_available():
        return False
    res = run_git(path, "rev-parse", "--show-toplevel", check=False)
    return res.returncode == 0


def toplevel(path: Path) -> Path:
    return Path(run_git(path, "rev-parse", "--show-toplevel").stdout.strip())


def status_porcelain(path: Path, *pathspec: str) -> list[str]:
    res = run_git(path, "status", "--porcelain", "--untracked-files=all", "--", *(pathspec or ["."]))
    return [line for line in res.stdout.splitlines() if line.strip()]


def require_clean(path: Path, what: str) -> None:
    dirty = status_porcelain(path)
    if dirty:
        shown = "\n".join(f"    {visible(line)}" for line in dirty[:10])
        more = f"\n    ... and {len(dirty) - 10} more" if len(dirty) > 10 else ""
        raise DirtyTreeError(
            f"{what} needs a clean git working tree; uncommitted changes:\n{shown}{more}",
            hint="commit or stash them (git stash -u), then run again", listing=True)


def version_key(tag: str) -> tuple:
    m = _VERSION_TAG.match(tag)
    if not m:
        return (-1, -1, -1, tag)
    # A pre-release (v1.1.0-rc1) sorts before its release.
    return (int(m[1]), int(m[2]), int(m[3]), 0 if m[4] else 1, m[4] or "")


def list_tags(location: str) -> list[str]:
    """Version tags of a template source (folder, bundle or URL), oldest first."""
    res = run_git(None, "ls-remote", "--tags", "--refs", location, check=False)
    if res.returncode != 0:
        raise GitError(f"cannot read tags from {location}: {res.stderr.strip()}")
    tags = [line.split("refs/tags/", 1)[1] for line in res.stdout.splitlines() if "refs/tags/" in line]
    return sorted((t for t in tags if _VERSION_TAG.match(t)), key=version_key)
