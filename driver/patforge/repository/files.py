"""The one file-reading layer over a pattern repository.

``RepoFiles`` reads repository-relative paths (``/``-separated) and parses them at
most once: bytes, text, YAML with positions, JSON, folder listings, globs. check reads
a whole repository through it (with its cache on); ``Workspace`` (render, update,
new) is the same reader with planned writes layered on top.

Two reading modes, because the two users need different failure behaviour:

* lenient (check): any unreadable file reads as ``None`` and text is decoded with
  replacement characters, so one bad file is a finding, never a crash;
* confined (render/new/update, which write next): every path is resolved inside the
  repository first (``paths.resolve_inside``: no symlink escapes), and an unreadable
  existing file raises instead of passing for absent (which would get it overwritten).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any, Callable, Iterable

from patforge.repository.bounded import (  # noqa: F401 - the reading layer's primitives, re-exported
    MAX_FILE_BYTES,
    MAX_NESTING,
    ContentError,
    check_nesting,
    parse_json,
    read_json,
    read_regular,
)
from patforge.diagnostics import Diagnostic
from patforge.repository.layout import SKIPPED_DIRS
from patforge.repository.paths import PathProblem, resolve_inside
from patforge.repository.yamlsrc import YamlDocument, YamlLoadError, load_yaml_file


class RepoFiles:
    """Read-only view of a repository; with ``cache``, each file is read and parsed once."""

    def __init__(self, repo: Path, *, cache: bool = True, confined: bool = False) -> None:
        self.repo = repo
        self.cache = cache
        self.confined = confined
        self._bytes: dict[str, bytes | None] = {}
        self._text: dict[str, str | None] = {}
        self._yaml: dict[str, YamlDocument | Diagnostic] = {}
        self._json: dict[str, tuple[Any, str | None]] = {}
        self._why: dict[str, str] = {}  # why a file read as None (lenient mode)
        self._listing: dict[str, list[str]] = {}
        self._walk: dict[str, list[str]] = {}

    def _memo(self, store: dict[str, Any], key: str, load: Callable[[], Any]) -> Any:
        if key in store:
            return store[key]
        value = load()
        if self.cache:
            store[key] = value
        return value

    def forget(self, rels: Iterable[str]) -> None:
        """Drop what is cached about these files and folders (a folder's listed files
        too): check releases each pattern's files once it is judged, so its memory does
        not grow with the repository. A later read reads the disk again."""
        for rel in rels:
            for name in self._listing.pop(rel, ()):
                self._drop(f"{rel}/{name}")
            self._drop(rel)

    def _drop(self, rel: str) -> None:
        for store in (self._bytes, self._text, self._yaml, self._json):
            store.pop(rel, None)

    # -- locating ----------------------------------------------------------------------
    def abspath(self, rel: str) -> Path:
        """The file's absolute path (confined: refused when it leaves the repository)."""
        return resolve_inside(self.repo, rel) if self.confined else self.repo / rel

    def why(self, rel: str) -> str | None:
        """Why a lenient read of ``rel`` gave None (not a regular file, too large...)."""
        return self._why.get(rel)

    def is_file(self, rel: str) -> bool:
        # Existence needs no symlink check (nothing is read or written through it).
        if rel in self._bytes:
            return self._bytes[rel] is not None
        return (self.repo / rel).is_file()

    exists = is_file

    def is_dir(self, rel: str) -> bool:
        return self.abspath(rel).is_dir()

    # -- reading -----------------------------------------------------------------------
    def read_bytes(self, rel: str) -> bytes | None:
        """The file's bytes, None when it does not exist (lenient: or cannot be read)."""
        if rel in self._bytes:
            return self._bytes[rel]
        path = self.abspath(rel)
        if self.confined:
            # an existing file that cannot be read raises (it must not pass for absent)
            data = read_regular(path, rel) if path.is_file() or _special(path) else None
        else:
            try:  # lenient, yet never read through a link out of the repository
                data = read_regular(resolve_inside(self.repo, rel), rel)
            except ContentError as exc:
                if os.path.lexists(self.repo / rel):  # absent is absent, not unreadable
                    self._why[rel] = exc.message.removeprefix(f"{rel}: ")
                data = None
            except PathProblem as exc:
                self._why[rel] = str(exc)
                data = None
        if self.cache:
            self._bytes[rel] = data
        return data

    def read_text(self, rel: str) -> str | None:
        """Strict UTF-8 text (raises on undecodable bytes): for files patforge edits."""
        data = self.read_bytes(rel)
        return None if data is None else data.decode("utf-8")

    def text(self, rel: str) -> str | None:
        """Decoded text (BOM dropped; undecodable bytes replaced), None if unreadable."""
        def load() -> str | None:
            raw = self.read_bytes(rel)
            return None if raw is None else raw.decode("utf-8-sig", errors="replace")

        return self._memo(self._text, rel, load)

    def seed_yaml(self, rel: str, doc: YamlDocument) -> None:
        """Reuse a document already parsed elsewhere (e.g. the registry)."""
        self._yaml.setdefault(rel, doc)

    def yaml(self, rel: str) -> YamlDocument | Diagnostic:
        """The parsed document, or the located diagnostic that says why it cannot be read."""
        def load() -> YamlDocument | Diagnostic:
            try:
                return load_yaml_file(self.abspath(rel), rel, positions=False)  # parsed when a line is asked
            except YamlLoadError as exc:
                return exc.diagnostic

        return self._memo(self._yaml, rel, load)

    def json(self, rel: str) -> tuple[Any, str | None]:
        """(data, None) or (None, why it is not JSON)."""
        def load() -> tuple[Any, str | None]:
            raw = self.read_bytes(rel)
            if raw is None:
                return (None, self._why.get(rel, "cannot read the file"))
            try:
                return (parse_json(raw, rel), None)
            except ContentError as exc:
                return (None, exc.message.removeprefix(f"{rel}:").lstrip(" "))

        return self._memo(self._json, rel, load)

    # -- folders -----------------------------------------------------------------------
    def list_files(self, folder: str) -> list[str]:
        """File names directly in ``folder`` (sorted; empty when it is not a folder)."""
        def load() -> list[str]:
            try:
                with os.scandir(self.abspath(folder)) as it:
                    return sorted(e.name for e in it if e.is_file())
            except OSError:
                return []

        return self._memo(self._listing, folder, load)

    def walk_files(self, folder: str) -> list[str]:
        """Repository-relative paths of every file below ``folder`` (sorted)."""
        def load() -> list[str]:
            out: list[str] = []
            for dirpath, dirs, files in os.walk(self.abspath(folder)):
                dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS)
                rel_dir = Path(dirpath).relative_to(self.repo).as_posix()
                out += [f"{rel_dir}/{f}" for f in files]
            return sorted(out)

        return self._memo(self._walk, folder, load)

    def glob(self, pattern: str) -> list[str]:
        try:
            return sorted(p.relative_to(self.repo).as_posix() for p in self.repo.glob(pattern) if p.is_file())
        except (ValueError, NotImplementedError):
            return []


def _special(path: Path) -> bool:
    """A device, FIFO or socket at ``path`` (exists, but neither a file nor a folder)."""
    try:
        st = os.stat(path)
    except OSError:
        return False
    return not stat.S_ISREG(st.st_mode) and not stat.S_ISDIR(st.st_mode)
