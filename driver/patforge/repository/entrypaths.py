"""Registry entries as people leave them: absent paths, moved specs, duplicate names,
backslashes.

* Absent ``schema_path`` / ``executor_path`` are derived by convention
  (``<root>/schemas/<name>.schema.json``, ``<root>/executors/<name>_executor.<ext>``)
  and recorded by render by pure insertion. A schema sidecar (``*.id.yaml`` under
  ``<root>/schemas/``) whose doc_id equals the entry's binds that schema instead.
  The executor language of an entry without ``executor_path`` is the registry's
  majority (``executor_language`` in patforge.toml overrides it).
* A ``spec_path`` that does not exist is searched for under the pattern roots, by
  its file name, as ``<name>.md`` / ``<name>.pattern.yaml``, and by the pattern_id a
  spec names; a unique match is read where it is (one note per run), and ``doctor
  --fix`` moves it back (``git mv``) when spec_path is the compliant place, else
  repoints ``spec_path`` (a one-line edit).
* An entry without ``spec_path`` uses the one spec that names its pattern_id; render
  records the path.
* Entries that share a name: the one whose spec names the same doc_id or pattern_id
  is worked on (of identical entries, the first); the others are left untouched,
  with the advice to remove them.
* Backslash paths are read as forward slashes; a note says so once per run.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from patforge.docids.claims import sidecar_fields
from patforge.repository.bounded import ContentError, read_regular
from patforge.repository.edits import yaml_scalar
from patforge.repository.layout import (KIND_DIRS, PATH_FIELDS, ROOT_SUBDIRS, SKIPPED_DIRS, executor_language,
                                       new_pattern_paths)
from patforge.repository.paths import PathProblem, normalize_repo_path, resolve_inside
from patforge.spec.read import load_spec_text
from patforge.repository.yamlsrc import YamlLoadError, decode_yaml_bytes


def majority_language(entries: list[Any], configured: str | None = None) -> str:
    """The executor language for entries without ``executor_path``."""
    if configured:
        return configured
    counts = Counter()
    for e in entries:
        v = e.get("executor_path") if isinstance(e, dict) else None
        if isinstance(v, str):
            lang = executor_language(v.replace("\\", "/"))
            if lang:
                counts[lang] += 1
    if not counts:
        return "powershell"  # the plan's core patterns
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]


class SidecarIndex:
    """doc_id -> schema path, from every ``<root>/schemas/*.id.yaml`` (read once, lazily)."""

    def __init__(self, repo: Path) -> None:
        self.repo = repo
        self._by_root: dict[str, dict[str, str]] = {}

    def schema_for(self, root: str, doc_id: str) -> str | None:
        if root not in self._by_root:
            self._by_root[root] = self._scan(root)
        return self._by_root[root].get(doc_id)

    def _scan(self, root: str) -> dict[str, str]:
        folder = self.repo / root / "schemas"
        out: dict[str, str] = {}
        if not folder.is_dir():
            return out
        for f in sorted(folder.glob("*.id.yaml")):
            try:  # a regular file of bounded size only (a FIFO named *.id.yaml must not block)
                fields = sidecar_fields(read_regular(f, f.name).decode("utf-8-sig"))
            except (ContentError, UnicodeDecodeError):
                continue
            if fields is None or not isinstance(fields.doc_id, str):
                continue
            target = fields.schema_path
            rel = (str(target).replace("\\", "/") if isinstance(target, str) and target
                   else f"{root}/schemas/{f.name[:-len('.id.yaml')]}.json")
            out.setdefault(fields.doc_id, rel)
        return out


def derive_paths(entry: dict[str, Any], root: str, name: str, language: str,
                 sidecars: SidecarIndex) -> dict[str, str]:
    """Path fields the entry lacks, derived by convention (or bound by a sidecar)."""
    out: dict[str, str] = {}
    conv = new_pattern_paths(root, name, language)  # the conventions `patforge new` writes
    for key in ("schema_path", "executor_path"):
        if entry.get(key) not in (None, ""):
            continue
        value = conv[key]
        if key == "schema_path" and isinstance(entry.get("doc_id"), str):
            value = sidecars.schema_for(root, entry["doc_id"]) or value
        out[key] = value
    return out


# -- a spec that is not where spec_path says -------------------------------------------------

class FileNameIndex:
    """File name -> repository paths under the pattern roots (built once, on first use)."""

    def __init__(self, repo: Path, roots: list[str]) -> None:
        self.repo, self.roots = repo, roots
        self._index: dict[str, list[str]] | None = None

    def find(self, *names: str) -> list[str]:
        if self._index is None:
            self._index = {}
            for root in sorted(set(self.roots) | {"patterns"}):
                base = self.repo / root
                for dirpath, dirnames, filenames in os.walk(base):
                    dirnames[:] = sorted(d for d in dirnames if d not in SKIPPED_DIRS)
                    rel_dir = Path(dirpath).relative_to(self.repo).as_posix()
                    for fn in filenames:
                        self._index.setdefault(fn.lower(), []).append(f"{rel_dir}/{fn}")
        found: list[str] = []
        for n in names:
            for rel in self._index.get(n.lower(), []):
                if rel not in found:
                    found.append(rel)
        return found


def spec_candidates(spec_path: str, name: str, files: FileNameIndex) -> list[str]:
    """Where a missing spec may have gone: its own file name, ``<name>.md``, ``<name>.pattern.yaml``."""
    base = PurePosixPath(spec_path).name
    return [c for c in files.find(base, f"{name}.md", f"{name}.pattern.yaml", f"{name}.pattern.yml")
            if c != spec_path]


#: ``pattern_id: X`` (or ``id: X``) at the top level of a spec's first lines
_PID_LINE = re.compile(r"^(?:pattern_id|id)[ \t]*:[ \t]*[\"']?([A-Za-z0-9_.-]+)[\"']?[ \t]*(?:#.*)?$", re.M)
_SPEC_SUFFIXES = (".yaml", ".yml", ".md")
_NOT_SPEC_DIRS = frozenset(ROOT_SUBDIRS) - {KIND_DIRS["spec_path"]}  # a root's folders that hold no spec
_HEAD_BYTES = 8192  # a spec names its pattern_id near the top; bounded read


class PatternIdIndex:
    """pattern_id -> spec files naming it (``pattern_id:`` or ``id:`` near the top), under
    the pattern roots; built once, on first use, from each file's first 8 KiB."""

    def __init__(self, repo: Path, roots: list[str]) -> None:
        self.repo, self.roots = repo, roots
        self._index: dict[str, list[str]] | None = None

    def find(self, pattern_id: str) -> list[str]:
        if self._index is None:
            self._index = {}
            for root in sorted(set(self.roots) | {"patterns"}):
                for dirpath, dirnames, filenames in os.walk(self.repo / root):
                    dirnames[:] = sorted(d for d in dirnames if d not in SKIPPED_DIRS and d not in _NOT_SPEC_DIRS)
                    rel_dir = Path(dirpath).relative_to(self.repo).as_posix()
                    for fn in sorted(filenames):
                        if fn.lower().endswith(_SPEC_SUFFIXES) and not fn.lower().endswith(".id.yaml"):
                            self._add(f"{rel_dir}/{fn}")
        return list(self._index.get(pattern_id, []))

    def _add(self, rel: str) -> None:
        path = self.repo / rel
        if path.is_symlink():
            return  # never read through a link (it may lead out of the repository)
        try:
            with open(path, "rb") as fh:
                head = fh.read(_HEAD_BYTES).decode("utf-8", "replace")
        except OSError:
            return
        for pid in dict.fromkeys(_PID_LINE.findall(head)):
            self._index.setdefault(pid, []).append(rel)


@dataclass
class SpecFinder:
    """Where a spec is when spec_path does not say (missing file, or no spec_path)."""

    names: FileNameIndex
    ids: PatternIdIndex

    @classmethod
    def for_repo(cls, repo: Path, roots: list[str]) -> "SpecFinder":
        return cls(FileNameIndex(repo, roots), PatternIdIndex(repo, roots))

    def moved(self, spec_path: str, name: str, pattern_id: str) -> list[str]:
        """Candidates for a spec_path that does not exist: by file name or by pattern_id;
        where both find files, those found both ways."""
        by_name = spec_candidates(spec_path, name, self.names)
        by_id = [c for c in self.ids.find(pattern_id) if c != spec_path]
        both = [c for c in by_name if c in by_id]
        if both:
            return both
        return list(dict.fromkeys(by_name + by_id))

    def unregistered(self, pattern_id: str, taken: set[str]) -> list[str]:
        """Specs naming ``pattern_id`` that no entry's spec_path names."""
        return [c for c in self.ids.find(pattern_id) if c not in taken]


def compliant_spec_path(spec_path: str, name: str) -> bool:
    """Whether spec_path is where PAT-CHECK-001-020 wants it: under specs/, ``<name>.pattern.yaml``."""
    parts = PurePosixPath(spec_path).parts
    return len(parts) >= 2 and parts[-2] == "specs" and parts[-1] == f"{name}.pattern.yaml"


@dataclass(frozen=True)
class LineEdit:
    line: int  # 1-based
    before: str
    after: str


def repoint_line(text: str, line: int, key: str, new_value: str) -> LineEdit | None:
    """The one-line edit that sets ``key:`` on ``line`` to ``new_value`` (indentation, a
    ``- `` item marker and a trailing comment are kept)."""
    lines = text.splitlines(keepends=True)
    if not 1 <= line <= len(lines):
        return None
    old = lines[line - 1]
    body = old.rstrip("\r\n")
    ending = old[len(body):]
    m = re.match(r"^(\s*(?:-\s+)?" + re.escape(key) + r"\s*:\s*)(\"(?:[^\"\\]|\\.)*\"|'(?:[^']|'')*'|[^#]*?)"
                 r"(\s+#.*)?$", body)
    if m is None:
        return None
    return LineEdit(line, old, m.group(1) + yaml_scalar(new_value) + (m.group(3) or "") + ending)


def apply_line_edit(text: str, edit: LineEdit) -> str:
    lines = text.splitlines(keepends=True)
    lines[edit.line - 1] = edit.after
    return "".join(lines)


# -- duplicate names ------------------------------------------------------------------------

def spec_identity(repo: Path, entry: dict[str, Any]) -> dict[str, Any]:
    """The spec's own pattern_id / doc_id (top level or front matter); {} if unreadable."""

    try:
        rel = normalize_repo_path(entry.get("spec_path"))
        raw = read_regular(resolve_inside(repo, rel), rel)
        text, bom = decode_yaml_bytes(raw, rel)
        data = load_spec_text(text, rel, has_bom=bom).data
    except (PathProblem, ContentError, YamlLoadError, TypeError):
        return {}
    return {k: data.get(k) for k in ("pattern_id", "doc_id")} if isinstance(data, dict) else {}


def matching_entry(repo: Path, entries: list[Any], indexes: list[int]) -> int | None:
    """Among entries sharing a name, the only one whose spec names its pattern_id or doc_id
    (of entries identical in every field, the first)."""
    matches = []
    for i in indexes:
        e = entries[i]
        ident = spec_identity(repo, e)
        if any(ident.get(k) is not None and ident.get(k) == e.get(k) for k in ("pattern_id", "doc_id")):
            matches.append(i)
    # the same entry pasted again: each later one says nothing the first does not (render
    # records fields in the live entry only, so after a render the first has more)
    first = entries[matches[0]] if matches else None
    if len(matches) > 1 and all(all(k in first and first[k] == v for k, v in entries[i].items())
                                for i in matches[1:]):
        return matches[0]
    return matches[0] if len(matches) == 1 else None


def same_paths(a: Any, b: Any) -> bool:
    """Whether two entries name the same artifact paths (the same pattern registered twice)."""
    if not (isinstance(a, dict) and isinstance(b, dict)) or a.get("spec_path") != b.get("spec_path"):
        return False
    # render records test_path / example_dir in the live entry only: compare what both have
    return all(a[k] == b[k] for k in PATH_FIELDS if k in a and k in b)


def backslash_note(entries: list[Any]) -> str | None:
    n, first = 0, None
    for i, e in enumerate(entries):
        if not isinstance(e, dict):
            continue
        for k in PATH_FIELDS:
            v = e.get(k)
            if isinstance(v, str) and "\\" in v:
                n += 1
                first = first or f"{e.get('name') or '#' + str(i + 1)}: {k} {v}"
    if not n:
        return None
    return (f"{n} registry path(s) use backslashes (first: {first}); they are read as forward slashes "
            "(writing them with / makes the registry portable)")
