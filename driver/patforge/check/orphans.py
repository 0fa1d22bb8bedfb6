"""PATFORGE-ORPHAN: artifacts under a pattern root that no registry entry references.

Per root: files in ``specs/``, ``schemas/`` (``*.json``; a sidecar goes with its
schema), ``executors/``, ``tests/`` and folders in ``examples/`` that no entry names
(by path, or by the conventions render uses: ``<name>.schema.json``,
``<name>_executor.*``, ``test_<name>_*``, ``examples/<name>/``). Each orphan is one
SHOULD finding with its file; what to do is the same for all of them.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any, Iterator

from patforge.check.rules import Finding, WARN
from patforge.repository.layout import EXECUTOR_SUFFIX, KIND_DIRS, PATH_FIELDS, default_example_dir, example_dir

_TESTS = KIND_DIRS["test_path"]  # the root's tests/ folder

RULE = "PATFORGE-ORPHAN"
_IGNORED = {".gitkeep", "__init__.py", "conftest.py", "README.md", ".DS_Store", "examples.id.yaml"}
_CROSS_DIRS = {"cross_pattern", "cross-pattern", "cross", "integration", "e2e", "suite", "suites"}


def referenced(ctx: Any) -> tuple[set[str], set[str]]:
    """(paths any entry names, pattern names) -- raw entries too, so a broken entry's
    files are not called orphans."""
    paths: set[str] = set()
    names: set[str] = set()
    for item in ctx.items:
        e = item.entry if isinstance(item.entry, dict) else {}
        if isinstance(e.get("name"), str):
            names.add(e["name"])
        for key in PATH_FIELDS:
            v = e.get(key)
            if isinstance(v, str):
                paths.add(v.replace("\\", "/").strip("/"))
        p = item.pattern
        if p is not None:
            paths.update(p.paths.values())
            paths.add(example_dir(p))
    return paths, names


def _owned(rel: str, sub: str, names: set[str]) -> bool:
    base = PurePosixPath(rel).name
    if sub == "specs":
        stem = base.split(".", 1)[0]
        return stem in names
    if sub == "schemas":
        return base.split(".", 1)[0] in names
    if sub == "executors":
        return base.rsplit(EXECUTOR_SUFFIX, 1)[0] in names if EXECUTOR_SUFFIX in base else False
    if sub == _TESTS:
        if base.startswith("test_"):
            rest = base[5:]
            return any(rest.startswith(n + "_") or rest.startswith(n + ".") for n in names)
        return any(base.startswith(n + ".") or base.startswith(n + "_") for n in names)
    return False


def check_orphans(ctx: Any, root: str) -> Iterator[Finding]:
    if ctx.registry is None:
        return
    paths, names = referenced(ctx)
    f = ctx.files
    # tests/ is judged by PAT-CHECK-001-063: a test file named after no pattern (nor marked
    # cross-pattern) is reported there, once, with its file
    for sub in ("specs", "schemas", "executors"):
        for rel in f.walk_files(f"{root}/{sub}"):
            parts = PurePosixPath(rel[len(root) + 1:]).parts
            base = parts[-1]
            if base in _IGNORED or base.endswith((".pyc", ".pyo")) or "__pycache__" in parts:
                continue
            if len(parts) > 2 and any(p in _CROSS_DIRS for p in parts[1:-1]):
                continue  # a nested root (legacy_atoms/converted) or cross-pattern tests
            if sub == "schemas" and base.endswith(".id.yaml"):
                continue  # a sidecar goes with its schema
            if sub == _TESTS and not base.startswith("test_") and "test" not in base.lower():
                continue  # helpers and data
            if _is_other_root(ctx, rel, root):
                continue
            if rel in paths or _owned(rel, sub, names):
                continue
            yield Finding(RULE, WARN, None, root, rel, None,
                          f"{sub[:-1] if sub != _TESTS else 'test'} {rel} belongs to no registry entry",
                          "add a registry entry that names it, or move it out of the pattern root "
                          "(patforge never deletes it)")
    for name in _dirs(ctx, f"{root}/examples"):
        rel = default_example_dir(root, name)
        if rel in paths or name in names:
            continue
        yield Finding(RULE, WARN, None, root, rel, None, f"example folder {rel}/ belongs to no registry entry",
                      "add a registry entry whose example_dir names it, or move it out of the pattern root "
                      "(patforge never deletes it)")


def _dirs(ctx: Any, rel: str) -> list[str]:
    folder = ctx.repo / rel
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))


def _is_other_root(ctx: Any, rel: str, root: str) -> bool:
    """A file under a nested root (patterns/legacy_atoms/converted/...) is judged there."""
    return any(r != root and r.startswith(root + "/") and rel.startswith(r + "/") for r in ctx.roots)
