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
