"""Registry entries as people leave them: absent paths, moved specs, duplicate names,
backslashes.

* Absent ``schema_path`` / ``executor_path`` are derived by convention
  (``<root>/schemas/<name>.schema.json``, ``<root>/executors/<name>_executor.<ext>``)
  and recorded by render by pure insertion. A schema sidecar (``*.id.yaml`` under
  ``<root>/schemas/``) whose doc_id equals the entry's binds that schema instead.
  The executor language of an entry without ``executor_path`` is the registry's
  majority (``executor_language`` in patforge.toml overrides it).
* A ``spec_path`` that does not exist is searched for under the pattern roots, by
  its file name and as ``<name>.md`` / ``<name>.pattern.yaml``; "found at X" is
  reported and ``doctor --fix`` repoints ``spec_path`` (a one-line edit).
* Entries that share a name: the one whose spec names the same doc_id or pattern_id
  is worked on; the other is left untouched, with the advice to remove it.
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
from patforge.repository.edits import yaml_scalar
from patforge.repository.layout import PATH_FIELDS, SKIPPED_DIRS, executor_language, new_pattern_paths
from patforge.repository.paths import PathProblem, normalize_repo_path
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
            try:
                fields = sidecar_fields(f.read_text(encoding="utf-8-sig"))
            except (OSError, UnicodeDecodeError):
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
        raw = (repo / rel).read_bytes()
        text, bom = decode_yaml_bytes(raw, rel)
        data = load_spec_text(text, rel, has_bom=bom).data
    except (PathProblem, OSError, YamlLoadError, TypeError):
        return {}
    return {k: data.get(k) for k in ("pattern_id", "doc_id")} if isinstance(data, dict) else {}


def matching_entry(repo: Path, entries: list[Any], indexes: list[int]) -> int | None:
    """Among entries sharing a name, the only one whose spec names its pattern_id or doc_id."""
    matches = []
    for i in indexes:
        e = entries[i]
        ident = spec_identity(repo, e)
        if any(ident.get(k) is not None and ident.get(k) == e.get(k) for k in ("pattern_id", "doc_id")):
            matches.append(i)
    return matches[0] if len(matches) == 1 else None


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
