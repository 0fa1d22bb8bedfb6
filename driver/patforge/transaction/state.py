"""patforge's own state folder for a repository: where git never looks.

``<git dir>/patforge/`` in a git repository (also for worktrees, where ``.git`` is a
file); outside git, ``<user cache>/patforge/state/<hash of the repository path>``:
never a predictable name in a shared folder such as /tmp, where another user could
plant a journal. The folder is created 0700 and refused when another user owns it
or others may write to it. The journal (``journal.py``), its temp files, the
repository lock (``lock.py``), the compile cache and update's temporary worktrees
live there, so nothing patforge keeps for itself lands in the user's tree.
"""

from __future__ import annotations

import hashlib
import os
import stat
import sys
from pathlib import Path

from patforge.errors import RepositoryError


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


def user_cache_dir() -> Path:
    """The user's own cache folder: %LOCALAPPDATA% on Windows, $XDG_CACHE_HOME or
    ~/.cache elsewhere (what platformdirs answers, without the dependency)."""
    if os.name == "nt":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = str(Path.home() / "Library" / "Caches")
    else:
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "patforge"


def state_dir(repo: Path) -> Path:
    """``<git dir>/patforge``; outside git, ``<user cache>/patforge/state/<hash of the
    repository's path>``, so that nothing patforge keeps for itself lands in the tree."""
    path = state_location(repo)
    _make_private_dir(path)
    return path


def state_location(repo: Path) -> Path:
    """Where ``state_dir`` keeps the state of ``repo`` (nothing is created)."""
    repo = repo.resolve()
    gd = git_dir(repo)
    if gd is not None:
        return gd / "patforge"
    key = hashlib.sha256(str(repo).encode("utf-8")).hexdigest()[:20]
    return user_cache_dir() / "state" / key


def _make_private_dir(path: Path) -> None:
    """Create ``path`` (0700) or accept it only if this user owns it and nobody else
    may write to it: a journal found there is replayed with this user's rights."""
    try:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
        st = path.lstat()
    except OSError as exc:
        raise RepositoryError(f"cannot create patforge's state folder {path}: {exc.strerror}",
                              hint="check the permissions of that folder's parents") from None
    if stat.S_ISLNK(st.st_mode) or not stat.S_ISDIR(st.st_mode):
        raise RepositoryError(f"patforge's state folder {path} is not a plain folder (a symbolic link?)",
                              hint="remove it; patforge creates it again")
    if os.name != "posix":
        return  # Windows: the folder is under the user's own profile; ACLs, not mode bits
    problem = None
    if st.st_uid != os.getuid():
        problem = f"belongs to another user (uid {st.st_uid})"
    elif st.st_mode & 0o022:
        problem = f"can be written by other users (mode {stat.S_IMODE(st.st_mode):o})"
    if problem:
        raise RepositoryError(
            f"patforge's state folder {path} {problem}: a journal planted there would be replayed "
            "with your rights, so patforge refuses to use it",
            hint=f"remove the folder (rm -r '{path}') or make it yours and private (chmod 700)")


#: Temporary work (Copier's template clones and copies, render's staging folders)
#: lives under ``<state>/work/<pid>``, never in the system temp folder: a killed run's
#: leftovers are found and removed by the next run (:func:`run_temp_dir`).
TMP = "work"  # not "tmp": the journal keeps its temp files there and empties it
_OWNER_LOCK = ".owner.lock"
_HELD: dict[str, object] = {}  # temp folder -> the lock this process holds on it


def run_temp_dir(repo: Path) -> Path:
    """This process's temporary folder under ``repo``'s state folder (created once per
    process, then reused). First, every other process's folder whose owner is gone is
    removed: each folder holds an OS-level lock (``filelock``) for as long as its
    process lives, so a folder whose lock can be taken belongs to a killed run."""
    base = state_dir(repo) / TMP
    mine = base / str(os.getpid())
    if str(mine) in _HELD and mine.is_dir():
        return mine
    _make_private_dir(base)
    sweep_temp(base)
    mine.mkdir(mode=0o700, exist_ok=True)
    # why: start-up time: loaded only when this function runs, not when the module is imported
    from filelock import FileLock

    lock = FileLock(str(mine / _OWNER_LOCK))
    lock.acquire()
    _HELD[str(mine)] = lock
    return mine


def sweep_temp(base: Path) -> list[str]:
    """Remove the temporary folders of processes that are gone; returns their names."""
    # why: start-up time: loaded only when this function runs, not when the module is imported
    import shutil

    # why: start-up time: loaded only when this function runs, not when the module is imported
    from filelock import FileLock, Timeout

    removed = []
    try:
        entries = sorted(base.iterdir())
    except OSError:
        return removed
    for sub in entries:
        if str(sub) in _HELD or sub.is_symlink() or not sub.is_dir():
            continue
        lock = FileLock(str(sub / _OWNER_LOCK))
        try:
            lock.acquire(timeout=0)
        except Timeout:
            continue  # its process is alive
        except OSError:
            pass  # no lock file can be made there: a leftover all the same
        else:
            lock.release()
        shutil.rmtree(sub, ignore_errors=True)
        removed.append(sub.name)
    return removed
