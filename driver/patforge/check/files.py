"""What ``patforge check`` reads the repository through: one narrow interface.

Every judge reads files only through :class:`RepoFiles` (each file read and parsed
once per run); :func:`open_files` is the one place that picks the implementation, so
moving check onto another file-reading layer is a change to that function alone.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Protocol

from patforge.diagnostics import Diagnostic
from patforge.yamlsrc import YamlDocument, YamlLoadError, load_yaml_file

_SKIP_DIRS = {"__pycache__", ".git", ".pytest_cache", "node_modules"}


class RepoFiles(Protocol):
    """The read-only repository view the judges use (paths are repository-relative, ``/``)."""

    repo: Path

    def is_file(self, rel: str) -> bool: ...
    def is_dir(self, rel: str) -> bool: ...
    def read_bytes(self, rel: str) -> bytes | None: ...
    def text(self, rel: str) -> str | None: ...
    def seed_yaml(self, rel: str, doc: YamlDocument) -> None: ...
    def yaml(self, rel: str) -> YamlDocument | Diagnostic: ...
    def json(self, rel: str) -> tuple[Any, str | None]: ...
    def list_files(self, folder: str) -> list[str]: ...
    def walk_files(self, folder: str) -> list[str]: ...
    def glob(self, pattern: str) -> list[str]: ...


def open_files(repo: Path) -> RepoFiles:
    """The file-reading layer check uses (the one place to switch it)."""
    return Files(repo)


class Files:
    """Read-only view of the repository that reads and parses each file once."""

    def __init__(self, repo: Path) -> None:
        self.repo = repo
        self._bytes: dict[str, bytes | None] = {}
        self._text: dict[str, str | None] = {}
        self._yaml: dict[str, YamlDocument | Diagnostic] = {}
        self._json: dict[str, tuple[Any, str | None]] = {}
        self._listing: dict[str, list[str]] = {}
        self._walk: dict[str, list[str]] = {}

    def abspath(self, rel: str) -> Path:
        return self.repo / rel

    def is_file(self, rel: str) -> bool:
        if rel in self._bytes:
            return self._bytes[rel] is not None
        return self.abspath(rel).is_file()

    def is_dir(self, rel: str) -> bool:
        return self.abspath(rel).is_dir()

    def read_bytes(self, rel: str) -> bytes | None:
        if rel not in self._bytes:
            try:
                self._bytes[rel] = self.abspath(rel).read_bytes()
            except OSError:
                self._bytes[rel] = None
        return self._bytes[rel]

    def text(self, rel: str) -> str | None:
        """Decoded text (BOM dropped; undecodable bytes replaced), None if unreadable."""
        if rel not in self._text:
            raw = self.read_bytes(rel)
            self._text[rel] = None if raw is None else raw.decode("utf-8-sig", errors="replace")
        return self._text[rel]

    def seed_yaml(self, rel: str, doc: YamlDocument) -> None:
        self._yaml.setdefault(rel, doc)

    def yaml(self, rel: str) -> YamlDocument | Diagnostic:
        """The parsed document, or the located diagnostic that says why it cannot be read."""
        if rel not in self._yaml:
            try:
                self._yaml[rel] = load_yaml_file(self.abspath(rel), rel)
            except YamlLoadError as exc:
                self._yaml[rel] = exc.diagnostic
        return self._yaml[rel]

    def json(self, rel: str) -> tuple[Any, str | None]:
        """(data, None) or (None, why it is not JSON)."""
        if rel not in self._json:
            raw = self.read_bytes(rel)
            if raw is None:
                self._json[rel] = (None, "cannot read the file")
            else:
                try:
                    self._json[rel] = (json.loads(raw.decode("utf-8-sig")), None)
                except UnicodeDecodeError as exc:
                    self._json[rel] = (None, f"not UTF-8 ({exc.reason} at byte {exc.start})")
                except ValueError as exc:
                    self._json[rel] = (None, str(exc))
        return self._json[rel]

    def list_files(self, folder: str) -> list[str]:
        """File names directly in ``folder`` (sorted; empty when it is not a folder)."""
        if folder not in self._listing:
            try:
                with os.scandir(self.abspath(folder)) as it:
                    self._listing[folder] = sorted(e.name for e in it if e.is_file())
            except OSError:
                self._listing[folder] = []
        return self._listing[folder]

    def walk_files(self, folder: str) -> list[str]:
        """Repository-relative paths of every file below ``folder`` (sorted)."""
        if folder not in self._walk:
            out: list[str] = []
            base = self.abspath(folder)
            for dirpath, dirs, files in os.walk(base):
                dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS)
                rel_dir = Path(dirpath).relative_to(self.repo).as_posix()
                out += [f"{rel_dir}/{f}" for f in files]
            self._walk[folder] = sorted(out)
        return self._walk[folder]

    def glob(self, pattern: str) -> list[str]:
        try:
            return sorted(p.relative_to(self.repo).as_posix() for p in self.repo.glob(pattern) if p.is_file())
        except (ValueError, NotImplementedError):
            return []
