"""``patforge check FILE...``: which patterns the changed files belong to.

pre-commit passes the staged file names; checking only their patterns keeps the hook
fast in a big repository. A file belongs to a pattern when it is one of the entry's
artifacts: spec, schema, its sidecar, executor, a test file (``test_path``, a glob
it matches, or a ``test_<name>_*`` file under a tests/ folder), anything under its
example_dir, or its answers under ``.patforge/answers/<name>/``.

The registry is shared: when it changed, the entries that differ from git HEAD's
version (new ones included) are selected, plus every entry that shares a doc_id,
name or pattern_id with one of them (the cross-pattern uniqueness rules judge both
sides). Without git or a HEAD version every entry is selected. Repository-wide
inputs (patforge.toml, the spec schema, the central schema index) select every
pattern. Files that belong to no entry are listed, not checked.

pre-commit passes only files that exist: a commit that deletes a rendered file would
check nothing of it. ``check --staged`` (the shipped hook's entry) adds the files
deleted in git's index (:func:`staged_deletions`), and with nothing passed and nothing
deleted checks no pattern (the hook runs on every commit: ``always_run``).
"""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from patforge.errors import GitError
from patforge.vcs.git import git_available, run_git
from patforge.repository.layout import KIND_DIRS, PATH_FIELDS, REQUIRED_PATH_FIELDS
from patforge.repository.yamlsrc import YamlLoadError, load_yaml_text
from patforge.kinds.tests import test_owner

#: Files every pattern depends on: a change re-checks the whole repository.
REPOSITORY_INPUTS = ("patforge.toml", "schema/pattern_spec.v1.json")


@dataclass
class Selection:
    indexes: set[int] | None  # registry entry indexes to check; None: all of them
    files: list[str]  # the changed files, repository-relative
    unmatched: list[str] = field(default_factory=list)  # files that belong to no entry
    why_all: str = ""  # why every entry is checked


def _key(rel: str) -> str:
    return rel.lower() if os.name == "nt" else rel  # Windows paths compare case-insensitively


def repo_relative(repo: Path, files: list[Path]) -> tuple[list[str], list[str]]:
    """(repository-relative posix paths, files outside the repository). A relative name
    is taken from the current folder (pre-commit runs at the repository root), else
    from the repository."""
    root = repo.resolve()
    inside, outside = [], []
    for f in files:
        p = Path(f)
        for cand in ([p] if p.is_absolute() else [Path.cwd() / p, root / p]):
            real = Path(os.path.realpath(cand.parent)) / cand.name  # the file itself may be a symlink
            try:
                inside.append(real.relative_to(root).as_posix())
                break
            except ValueError:
                continue
        else:
            outside.append(str(f))
    return inside, outside


def staged_deletions(repo: Path) -> list[str]:
    """Files deleted in git's index, relative to ``repo`` (read-only git; none without git)."""
    if not git_available():
        return []
    try:
        res = run_git(repo, "diff", "--cached", "--name-only", "--relative", "--diff-filter=D", "-z", check=False)
    except (GitError, OSError):
        return []
    return [n for n in res.stdout.split("\0") if n] if res.returncode == 0 else []


def _entry_paths(entry: dict[str, Any]) -> dict[str, str]:
    out = {}
    for f in PATH_FIELDS:
        v = entry.get(f)
        if isinstance(v, str) and v.strip():
            rel = v.strip().replace("\\", "/")
            while rel.startswith("./"):
                rel = rel[2:]
            out[f] = rel
    return out


def _owns(entry: dict[str, Any], paths: dict[str, str], rel: str, names: set[str]) -> bool:
    name = entry.get("name")
    k = _key(rel)
    for f in REQUIRED_PATH_FIELDS:
        if f in paths and _key(paths[f]) == k:
            return True
    schema = paths.get("schema_path")
    if schema and _key((schema[:-5] if schema.endswith(".json") else schema) + ".id.yaml") == k:
        return True
    tp = paths.get("test_path")
    if tp and (_key(tp) == k or (any(c in tp for c in "*?[") and fnmatch.fnmatchcase(k, _key(tp)))):
        return True
    ed = paths.get("example_dir")
    if ed and k.startswith(_key(ed.rstrip("/")) + "/"):
        return True
    if isinstance(name, str) and name:
        if k.startswith(_key(f".patforge/answers/{name}/")):
            return True
        pp = PurePosixPath(rel)
        if KIND_DIRS["test_path"] in pp.parts[:-1] and pp.name.startswith(f"test_{name}_"):
            # the longest pattern name wins (test_a_b_x.py belongs to a_b, not to a)

            return test_owner(pp.name, names)[0] == name
    return False


def head_entries(repo: Path, reg_path: str) -> list[Any] | None:
    """The registry's ``patterns:`` list at git HEAD, or None (no git, no commit, unparseable)."""
    if not git_available():
        return None
    try:
        res = run_git(repo, "show", f"HEAD:./{reg_path}", check=False)
    except (GitError, OSError):
        return None
    if res.returncode != 0:
        return None
    try:
        data = load_yaml_text(res.stdout, f"HEAD:{reg_path}").data
    except YamlLoadError:
        return None
    pats = data.get("patterns") if isinstance(data, dict) else None
    return pats if isinstance(pats, list) else None


def changed_entries(entries: list[Any], before: list[Any]) -> set[int]:
    """Indexes of entries that are new or differ from HEAD (matched by name, else position)."""
    old_by_name = {e.get("name"): e for e in before if isinstance(e, dict) and isinstance(e.get("name"), str)}
    out = set()
    for i, e in enumerate(entries):
        name = e.get("name") if isinstance(e, dict) else None
        old = old_by_name.get(name) if isinstance(name, str) else (before[i] if i < len(before) else None)
        if old != e:
            out.add(i)
    return out


def _colliding(entries: list[Any], chosen: set[int]) -> set[int]:
    """Entries sharing a doc_id, name or pattern_id with a chosen one."""
    keys = {(k, repr(entries[i].get(k))) for i in chosen if isinstance(entries[i], dict)
            for k in ("doc_id", "name", "pattern_id") if entries[i].get(k) not in (None, "")}
    return {i for i, e in enumerate(entries) if isinstance(e, dict)
            and any((k, repr(e.get(k))) in keys for k in ("doc_id", "name", "pattern_id"))}


def select_entries(repo: Path, reg_path: str, entries: list[Any], files: list[str]) -> Selection:
    """The entries (of the registry at ``reg_path``, raw) the changed ``files`` belong to."""
    sel = Selection(set(), list(files))
    index_path = f"{PurePosixPath(reg_path).parent}/SCHEMA_INDEX.yaml"
    repo_wide = {_key(p) for p in (*REPOSITORY_INPUTS, index_path)}
    names = {e["name"] for e in entries if isinstance(e, dict) and isinstance(e.get("name"), str)}
    owned = [(i, e, _entry_paths(e)) for i, e in enumerate(entries) if isinstance(e, dict)]
    for rel in files:
        k = _key(rel)
        if k in repo_wide:
            return Selection(None, list(files), why_all=f"{rel} applies to every pattern")
        if k == _key(reg_path):
            before = head_entries(repo, reg_path)
            if before is None:
                return Selection(None, list(files), why_all=f"{rel} changed and git HEAD has no version of it "
                                 "to compare with")
            changed = changed_entries(entries, before)
            sel.indexes |= changed | _colliding(entries, changed)
            continue
        hits = {i for i, e, paths in owned if _owns(e, paths, rel, names)}
        if hits:
            sel.indexes |= hits
        else:
            sel.unmatched.append(rel)
    return sel
