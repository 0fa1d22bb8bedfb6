"""Path safety: every path from the registry is checked before anything is read or
written through it. Nothing patforge writes may land outside the repository."""

from __future__ import annotations

import functools
import os
import re
import stat
from pathlib import Path, PurePosixPath

from patforge.validation.messages import shown

_WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)),
                     *(f"lpt{i}" for i in range(1, 10))}
_DRIVE_RE = re.compile(r"^[A-Za-z]:")
_CONTROL = re.compile(r"[\x00-\x1f]")
_FORBIDDEN = re.compile(r'[<>:"|?*]')
_FORBIDDEN_GLOB = re.compile(r'[<>:"|]')

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


def normalize_repo_path(value: str, *, allow_glob: bool = False, internal: bool = False) -> str:
    """Check a registry path and return it in canonical form (forward slashes); see
    ``_normalize`` (memoized: a 10,000-pattern check asks ~100,000 times, mostly the
    same paths twice)."""
    if not isinstance(value, str):
        return _normalize(value, allow_glob, internal)
    return _normalize_cached(value, allow_glob, internal)


@functools.lru_cache(maxsize=65536)
def _normalize_cached(value: str, allow_glob: bool, internal: bool) -> str:
    return _normalize(value, allow_glob, internal)  # a PathProblem is raised, not cached


def _normalize(value: str, allow_glob: bool = False, internal: bool = False) -> str:
    """Check a registry path and return it in canonical form (forward slashes).

    Raises ``PathProblem`` for absolute paths, drive letters, UNC paths, ``..``
    components, empty components, reserved Windows device names, and components
    ``.git`` or ``.patforge`` (``internal``: patforge's own writes may go into
    ``.patforge/``; nothing ever goes into ``.git/``).
    """
    if not isinstance(value, str):
        raise PathProblem(f"path is a {type(value).__name__}, not text",
                          "write the path as one string, e.g. patterns/specs/x.pattern.yaml")
    if not value.strip():
        raise PathProblem("path is empty", "give a repository-relative path such as patterns/specs/x.pattern.yaml")
    if _CONTROL.search(value):
        raise PathProblem("path contains control characters", "remove them")
    if value.startswith(("/", "\\")) or _DRIVE_RE.match(value):
        raise PathProblem(f"path {shown(value)} is absolute",
                          "use a path relative to the repository root, e.g. patterns/specs/x.pattern.yaml")
    norm = value.replace("\\", "/")
    parts = [p for p in norm.split("/")]
    if any(p == ".." for p in parts):
        raise PathProblem(f"path {shown(value)} leaves the repository (contains '..')",
                          "keep every artifact inside the repository")
    parts = [p for p in parts if p not in ("", ".")]
    if not parts:
        raise PathProblem("path is empty", "give a repository-relative path")
    for p in parts:
        if p.lower() in RESERVED_DIRS and not (internal and p == ".patforge"):
            raise PathProblem(f"path {shown(value)} goes into {p}/, which belongs to "
                              f"{'git' if p.lower() == '.git' else 'patforge'}",
                              "keep pattern artifacts out of .git/ and .patforge/")
        if len(p) > MAX_COMPONENT or len(p.encode("utf-8")) > MAX_COMPONENT:
            raise PathProblem(f"path component {shown(p[:40])}... is {len(p)} characters long",
                              f"file systems accept at most {MAX_COMPONENT}; shorten it")
        if is_windows_reserved(p):
            raise PathProblem(f"path {shown(value)} uses the reserved Windows device name {shown(p)}",
                              "rename it: Windows cannot create files named CON, NUL, PRN, AUX, COM1-9, LPT1-9")
        if p.endswith((" ", ".")):
            raise PathProblem(f"path component {shown(p)} ends with a space or dot",
                              "Windows strips those silently; rename it")
        if (_FORBIDDEN_GLOB if allow_glob else _FORBIDDEN).search(p):
            raise PathProblem(f"path component {shown(p)} contains a character Windows forbids",
                              'remove <>:"|?*')
    return "/".join(parts)  # what PurePosixPath(*parts) gives: no empty or "." part is left


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
        return (f"path {shown(rel)} is {full} characters long as an absolute path; Windows allows "
                f"{WINDOWS_MAX_PATH - 1} without long-path support", True)
    if len(rel) > PORTABLE_REL_PATH:
        return (f"path {shown(rel[:40])}... is {len(rel)} characters long: a clone on Windows without "
                f"long-path support fails past {WINDOWS_MAX_PATH} characters in all", False)
    return None


@functools.lru_cache(maxsize=1)
def _windows_long_paths() -> bool:
    try:
        # why: start-up time: loaded only when _windows_long_paths() runs, not when the module is imported
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


def _inside(repo: Path, rel: str) -> tuple[str, bool]:
    """(absolute path of ``rel`` as a string, whether it is a symlink); ``PathProblem``
    if a symlink takes it outside the repository."""
    # Plain strings, not Path objects: a 10,000-pattern registry asks ~100,000 times.
    root_s = str(_root(repo))
    target = os.path.join(root_s, rel)
    link = os.path.islink(target)
    if link:
        resolved = os.path.realpath(target)
    else:
        resolved = os.path.join(_real_dir(os.path.dirname(target)), os.path.basename(target))
    if resolved != root_s and not resolved.startswith(root_s.rstrip(os.sep) + os.sep):
        raise PathProblem(f"path {shown(rel)} resolves outside the repository (through a symlink) to {resolved}",
                          "replace the symlink with the real file, inside the repository" if link else
                          "replace the symlinked folder with a real folder inside the repository")
    return target, link


def resolve_inside(repo: Path, rel: str) -> Path:
    """Absolute path for ``rel`` under ``repo``; refuse one that a symlink takes outside."""
    _inside(repo, rel)
    return _root(repo) / rel


def check_inside(repo: Path, rel: str) -> None:
    """``resolve_inside`` for a caller that only needs the refusal (no Path is built)."""
    _inside(repo, rel)


def check_write_target(repo: Path, rel: str) -> None:
    """``write_target(normalized=True)`` for a caller that only needs the refusal."""
    if _inside(repo, rel)[1]:
        write_target(repo, rel, normalized=True)  # a symlink: the full checks


def write_target(repo: Path, rel: str, *, normalized: bool = False) -> Path:
    """The file a write to ``rel`` must change: ``rel`` itself, or, when ``rel`` is a
    symlink to another file in the repository, the link's target (replacing the link
    with a regular file would leave two diverging copies). A link to a different kind
    of file (an executor linked to README.md), or to a file in another folder (a
    ``doc_id_mapping.json`` linked to ``config/settings.json``, a spec ``alpha.md``
    linked to the top-level ``README.md``) is refused: a link patforge writes through
    is an alias of a file of the same role beside it, and anything else would change
    a file the user did not mean. Raises ``PathProblem``."""
    norm = rel if normalized else normalize_repo_path(rel, internal=True)
    target = resolve_inside(repo, norm)
    if not os.path.islink(target):
        return target
    real = Path(os.path.realpath(target))
    if real.is_dir():
        raise PathProblem(f"{norm} is a symbolic link to the folder {real}",
                          "replace the link with the file it should be")
    listed = real.relative_to(_root(repo)).as_posix()
    if real.suffix.lower() != target.suffix.lower():
        raise PathProblem(f"{norm} is a symbolic link to {listed}, a different kind of file; "
                          "patforge will not write through it",
                          f"replace the link with the real file (or point it at a {target.suffix or 'same-kind'} file)")
    if os.path.normcase(str(real.parent)) != os.path.normcase(_real_dir(str(target.parent))):
        raise PathProblem(f"{norm} is a symbolic link to {listed}, a file in another folder; "
                          "patforge will not write through it (it would change a file it does not mean to edit)",
                          f"replace the link with the real file, or point it at a file beside it in "
                          f"{PurePosixPath(norm).parent.as_posix()}/")
    return real


def writable_problem(path: Path) -> str | None:
    """Why an existing file cannot be replaced by this user, or None. A read-only file
    (chmod 0444, the Windows read-only attribute) is the user saying "do not change"."""
    try:
        st = path.stat()
    except OSError:
        return None
    # The owner's write bit too, not only os.access: root may write anything, yet a
    # 0444 file still says "do not change" (and on Windows it is the read-only flag).
    if not stat.S_ISREG(st.st_mode):
        return None
    if not st.st_mode & stat.S_IWUSR or not os.access(path, os.W_OK):
        return f"{path.name} is read-only"
    return None


#: Paths ``_normalize(value, internal=True)`` returns unchanged, in the common form,
#: in one pass: portable characters; each component starts with a letter, digit or
#: underscore (the first may be ``.patforge``), does not end with a dot and is no
#: reserved Windows name. Anything else (and anything over 255 characters, where a
#: component could be too long) gets the full check.
_COMPONENT = r"(?!(?i:con|prn|aux|nul|com[1-9]|lpt[1-9])(?:\.|/|$))[A-Za-z0-9_][A-Za-z0-9_.\-]*(?<!\.)"
_PLAIN_PATH = re.compile(rf"(?:\.patforge/)?{_COMPONENT}(?:/{_COMPONENT})*")


def is_normal_internal_path(value: str) -> bool:
    """Whether ``normalize_repo_path(value, internal=True) == value`` (no problem raised),
    answered by one regular expression for the paths patforge writes into its state
    files (a manifest names ~30,000) and by the full check for anything unusual."""
    if len(value) <= MAX_COMPONENT and _PLAIN_PATH.fullmatch(value):
        return True
    try:
        return normalize_repo_path(value, internal=True) == value
    except PathProblem:
        return False
