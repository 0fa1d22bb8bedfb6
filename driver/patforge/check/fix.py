"""``patforge check --fix``: repair what is mechanical, then check again.

The repairs are Phase 1 of ``render`` (the same code): missing doc_id in registry
entries and specs, missing role / schema_ref / executor_ref in specs, missing schema
sidecars (and the examples index render writes with them), missing DOC_LINK headers in
executors; plus, with the same pure insertion, missing DOC_LINK headers in ``.py`` /
``.ps1`` test files and test_path / example_dir for files that already exist at the
conventional place. It never changes a doc_id that is present, and holds back a pattern
whose registry entry lacks a doc_id while its artifacts already carry a different one
(a person decides).
"""

from __future__ import annotations

import contextlib

from patforge.transaction.changes import FileChange
from patforge.transaction.rollback import recording
from patforge.diagnostics import Diagnostic, DiagnosticList, Severity

from patforge.check.evaluate import select_items
from patforge.check.judges.suite import suite_sources
from patforge.check.model import Item, RepoModel


def fix(model: RepoModel, only: tuple[str, ...], dry_run: bool) -> tuple[list[FileChange], list[Diagnostic]]:
    """Phase 1 of render (the same code), then the repairs the artifact judges name --
    DOC_LINK headers in files phase 1 does not touch, path fields of artifacts that
    already exist at the conventional place -- with the same pure insertions
    (``patforge.docids.edits``), in the same workspace."""
    # why: start-up time: loaded only when fix() runs, not when the module is imported
    from patforge.transaction.workspace import Workspace

    diags = DiagnosticList()
    if model.registry is None:
        diags.add(Diagnostic(Severity.ERROR, "the registry cannot be loaded, so nothing can be fixed",
                             path=model.reg_path, hint="fix PAT-CHECK-001-010 first"))
        return [], diags.items
    usable = {p.index for p in model.registry.patterns}  # what render itself works on
    sound = [it for it in select_items(model.items, only) if it.pattern is not None and it.index in usable]
    if not sound:
        return [], diags.items
    held = _conflicting(model, sound)
    for name, why in sorted(held.items()):
        diags.add(Diagnostic(Severity.WARNING, f"{name}: not fixed: {why}", path=model.reg_path, pattern=name,
                             hint="add the doc_id you choose to the registry entry by hand, then run --fix again"))
    ws = Workspace(model.repo, dry_run=dry_run, keep_bytes=True)
    # One rollback record for the render and the repairs after it (patforge rollback).
    with recording(model.repo, "check --fix") if not dry_run else contextlib.nullcontext():
        return _fix(model, sound, held, ws, dry_run, diags)


def _fix(model: RepoModel, sound: list[Item], held: dict[str, str], ws, dry_run: bool,
         diags: DiagnosticList) -> tuple[list[FileChange], list[Diagnostic]]:
    # why: start-up time: loaded only when _fix() runs, not when the module is imported
    from patforge.docids.edits import PATH_ANCHORS, IdEditor
    from patforge.commands.render import RenderOptions, render

    # an existing doc_id_mapping.json gets missing keys; --fix does not create one
    report = render(model.repo, RenderOptions(phases=(1,), keep_diffs=True, dry_run=dry_run, create_mapping=False,
                                              only=tuple(it.pattern.name for it in sound), exclude=tuple(held)),
                    workspace=ws)
    diags.extend(report.diagnostics)
    ids = IdEditor(ws, model.registry, report)
    record: dict[str, list[tuple[str, str]]] = {}
    for item in sound:
        p, s = item.pattern, model.suite_for(item)
        if p.name in held or s is None:
            continue
        for judge in model.judges:
            for rel in judge.fix_links(model, p, s) if judge.fix_links else ():
                ids.doc_link(p, rel)
            if judge.fix_path is not None and p.paths.get(judge.path_field) is None:
                target = judge.fix_path(model, p, s)
                if target:
                    record.setdefault(p.name, []).append((judge.path_field, target))
    if record:
        ids.edit_registry(record, after=PATH_ANCHORS, reason="artifact paths")
    return list(report.changes), list(diags.items)


def _conflicting(model: RepoModel, items: list[Item]) -> dict[str, str]:
    """Patterns whose entry lacks a doc_id while an artifact carries another one than
    the derived doc_id: inserting the derived one would take a side, so a person decides."""
    held: dict[str, str] = {}
    for it in items:
        if it.entry.get("doc_id") not in (None, ""):
            continue
        derived = model.derived(it)
        s = model.suite_for(it)
        if s is None or derived is None:
            continue
        others = sorted({src.doc_id for src in suite_sources(model, it, s)[1:]
                         if src.doc_id is not None and src.doc_id != derived})
        if others:
            held[it.pattern.name] = (f"the registry entry has no doc_id and its artifacts carry "
                                     f"{', '.join(others)}, not the derived {derived}")
    return held
