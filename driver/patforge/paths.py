"""Path safety: every path from the registry is checked before anything is read or
written through it. Nothing patforge writes may land outside the repository."""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path, PurePosixPath

_WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)),
                     *(f"lpt{i}" for i in range(1, 10))}
_DRIVE_RE = re.compile(r"^[A-Za-z]:")

#: Folders that belong to git and to patforge itself: a registry path into them would
#: let registry text rewrite git's object store or patforge's own records.
RESERVED_DIRS = (".git", ".patforge")
#: Longest file or folder name every supported file system accepts (ext4 counts UTF-8
#: bytes, NTFS UTF-16 units; 255 of either).
MAX_COMPONENT = 255
#: Windows' classic MAX_PATH is 260 characters for the absolute path. A repository is
#: cloned somewhere we cannot know; 200 repository-relative characters leave 60 for
#: the clone's location (C:\Users\someone\src\repo\). Longer paths are a warning
#: everywhere and an error on a Windows machine without long-path support.
PORTABLE_REL_PATH = 200
WINDOWS_MAX_PATH = 260
#: Names become file names such as tests/test_<name>_executor.ps1 (18 more characters).
MAX_NAME = 200


class PathProblem(ValueError):
    """Why a path cannot be used; ``hint`` says what to do."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.hint = hint


def is_windows_reserved(component: str) -> bool:
    stem = component.split(".", 1)[0].rstrip(" ").lower()
    return stem in _WINDOWS_RESERVED


def normalize_repo_path(value: str, *, allow_glob: bool = False) -> str:
    """Check a registry path and return it in canonical form (forward slashes).

    Raises ``PathProblem`` for absolute paths, drive letters, UNC paths, ``..``
    components, empty components and reserved Windows device names.
    """
    if not isinstance(value, str) or not value.strip():
        raise PathProblem("path is empty", "give a repository-relative path such as patterns/specs/x.pattern.yaml")
    if "\x00" in value or any(ord(c) < 32 for c in value):
        raise PathProblem("path contains control characters", "remove them")
    if value.startswith(("/", "\\")) or _DRIVE_RE.match(value):
        raise PathProblem(f"path {value!r} is absolute",
                          "use a path relative to the repository root, e.g. patterns/specs/x.pattern.yaml")
    norm = value.replace("\\", "/")
    parts = [p for p in norm.split("/")]
    if any(p == ".." for p in parts):
        raise PathProblem(f"path {value!r} leaves the repository (contains '..')",
                          "keep every artifact inside the repository")
    parts = [p for p in parts if p not in ("", ".")]
    if not parts:
        raise PathProblem("path is empty", "give a repository-relative path")
    for p in parts:
        if p.lower() in RESERVED_DIRS:
            raise PathProblem(f"path {value!r} goes into {p}/, which belongs to "
                              f"{'git' if p.lower() == '.git' else 'patforge'}",
                              "keep pattern artifacts out of .git/ and .patforge/")
        if len(p) > MAX_COMPONENT or len(p.encode("utf-8")) > MAX_COMPONENT:
            raise PathProblem(f"path component {p[:40]!r}... is {len(p)} characters long",
                              f"file systems accept at most {MAX_COMPONENT}; shorten it")
        if is_windows_reserved(p):
            raise PathProblem(f"path {value!r} uses the reserved Windows device name {p!r}",
                              "rename it: Windows cannot create files named CON, NUL, PRN, AUX, COM1-9, LPT1-9")
        if p.endswith((" ", ".")):
            raise PathProblem(f"path component {p!r} ends with a space or dot",
                              "Windows strips those silently; rename it")
        if any(c in p for c in ('<>:"|' if allow_glob else '<>:"|?*')):
            raise PathProblem(f"path component {p!r} contains a character Windows forbids",
                              'remove <>:"|?*')
    return str(PurePosixPath(*parts))


def name_problem(name: object) -> str | None:
    """Why ``name`` cannot be a pattern name whatever ``name_pattern`` allows (names
    become folder and file names), or None."""
    if not isinstance(name, str) or not name:
        return "is not a non-empty string"
    if any(ord(c) < 32 or ord(c) == 127 for c in name):
        return "contains a control character (newline, tab, NUL...)"
    if len(name) > MAX_NAME:
        return f"is {len(name)} characters long (at most {MAX_NAME}: names become file names)"
    if name in (".", "..") or any(c in name for c in '/\\<>:"|?*'):
        return "contains a path separator or a character Windows forbids in file names"
    if name.endswith((" ", ".")) or name.startswith("."):
        return "starts with a dot or ends with a space or dot"
    if is_windows_reserved(name):
        return "is a reserved Windows device name"
    return None


def length_problem(repo: Path, rel: str) -> tuple[str, bool] | None:
    """(message, is_error) when ``rel`` is too long to be portable: an error on Windows
    without long-path support, a warning elsewhere; None when it is fine."""
    full = len(str(_root(repo))) + 1 + len(rel)
    if os.name == "nt" and full >= WINDOWS_MAX_PATH and not _windows_long_paths():
        return (f"path {rel!r} is {full} characters long as an absolute path; Windows allows "
                f"{WINDOWS_MAX_PATH - 1} without long-path support", True)
    if len(rel) > PORTABLE_REL_PATH:
        return (f"path {rel[:40]!r}... is {len(rel)} characters long: a clone on Windows without "
                f"long-path support fails past {WINDOWS_MAX_PATH} characters in all", False)
    return None


@functools.lru_cache(maxsize=1)
def _windows_long_paths() -> bool:
    try:
        import winreg  # type: ignore[import-not-found]

        with winreg.OpenKey(winreg.HKEY_LOCAL_MACHINE, r"SYSTEM\CurrentControlSet\Control\FileSystem") as key:
            return bool(winreg.QueryValueEx(key, "LongPathsEnabled")[0])
    except OSError:
        return False


@functools.lru_cache(maxsize=4096)
def _real_dir(folder: str) -> str:
    # Folders are resolved once per run: a 1,000-pattern render asks ~25,000 times.
    return os.path.realpath(folder)


@functools.lru_cache(maxsize=64)
def _root(repo: Path) -> Path:
    return repo.resolve()


def resolve_inside(repo: Path, rel: str) -> Path:
    """Absolute path for ``rel`` under ``repo``; refuse one that a symlink takes outside."""
    root = _root(repo)
    target = (root / rel)
    if os.path.islink(target):
        resolved = Path(os.path.realpath(target))
    else:
        resolved = Path(_real_dir(str(target.parent))) / target.name
    if resolved != root and root not in resolved.parents:
        raise PathProblem(f"path {rel!r} resolves outside the repository (through a symlink) to {resolved}",
                          "replace the symlink with a real folder inside the repository")
    return target
