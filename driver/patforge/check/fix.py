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

from pathlib import PurePosixPath
from typing import Any

from patforge.changes import FileChange
from patforge.diagnostics import Diagnostic, DiagnosticList, Severity

from patforge.check.evaluate import select_items
from patforge.check.judges import ARTIFACTS
from patforge.check.judges.suite import suite_sources
from patforge.check.model import Item, RepoModel
from patforge.check.resolve import doc_link_language

def fix(model: RepoModel, only: tuple[str, ...], dry_run: bool) -> tuple[list[FileChange], list[Diagnostic]]:
    """Phase 1 of render (the same code), then the repairs the artifact judges name:
    DOC_LINK headers in files phase 1 does not touch, and path fields of artifacts that
    already exist at the conventional place."""
    from patforge.doclink import insert_doc_link

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
    phase1 = _Phase1(model, tuple(it.pattern.name for it in sound), held, dry_run)
    for name, why in sorted(held.items()):
        diags.add(Diagnostic(Severity.WARNING, f"{name}: not fixed: {why}", path=model.reg_path, pattern=name,
                             hint="add the doc_id you choose to the registry entry by hand, then run --fix again"))
    report = phase1.run()
    diags.extend(report.diagnostics)
    by_name = {it.pattern.name: it for it in sound}
    record: dict[str, list[tuple[str, str]]] = {}
    for p in phase1.patterns:
        item = by_name.get(p.name)
        s = model.suites.get(item.label) if item else None
        if s is None:
            continue
        for judge in ARTIFACTS:
            # DOC_LINK headers (.py / .ps1): the same insertion as phase 1 gives executors
            for rel in judge.fix_links(model, p, s) if judge.fix_links else ():
                lang = doc_link_language(PurePosixPath(rel).suffix)
                text = phase1.read_text(rel)
                if lang is None or text is None:
                    continue
                new = insert_doc_link(text, lang, phase1.doc_id(p), p.name, p.pattern_id)
                if new is not None:
                    report.changes += phase1.write(rel, new, "DOC_LINK")
            # path fields of artifacts that already exist where render would put them
            if judge.fix_path is not None and p.paths.get(judge.path_field) is None:
                target = judge.fix_path(model, p, s)
                if target:
                    record.setdefault(p.name, []).append((judge.path_field, target))
    if record:
        anchors = tuple(j.path_field for j in reversed(ARTIFACTS) if not j.rendered)
        phase1.edit_registry(record, after=anchors, reason="artifact paths")
    return list(report.changes), list(diags.items)


class _Phase1:
    """The one place ``--fix`` calls into render: its Phase 1 for these patterns, and the
    same workspace (staging, journal) for the extra repairs."""

    def __init__(self, model: RepoModel, names: tuple[str, ...], held: dict[str, str], dry_run: bool) -> None:
        from patforge.render import Renderer, RenderOptions

        self._renderer = Renderer(model.repo, RenderOptions(phases=(1,), keep_diffs=True, only=names,
                                                            dry_run=dry_run))
        self._renderer.patterns = [p for p in self._renderer.patterns if p.name not in held]
        self.patterns = self._renderer.patterns

    def run(self) -> Any:
        return self._renderer.run()

    def doc_id(self, p: Any) -> str:
        return self._renderer.doc_id(p)

    def read_text(self, rel: str) -> str | None:
        return self._renderer.ws.read_text(rel)

    def write(self, rel: str, text: str, reason: str) -> list[FileChange]:
        self._renderer.ws.stage(rel, text.encode("utf-8"), reason)
        return self._renderer.ws.land([rel])

    def edit_registry(self, fields: dict[str, list[tuple[str, str]]], *, after: tuple[str, ...], reason: str) -> None:
        self._renderer.edit_registry(fields, after=after, reason=reason)


def _conflicting(model: RepoModel, items: list[Item]) -> dict[str, str]:
    """Patterns whose entry lacks a doc_id while an artifact carries another one than
    the derived doc_id: inserting the derived one would take a side, so a person decides."""
    held: dict[str, str] = {}
    for it in items:
        if it.entry.get("doc_id") not in (None, ""):
            continue
        derived = model.derived(it)
        s = model.suites.get(it.label)
        if s is None or derived is None:
            continue
        others = sorted({src.doc_id for src in suite_sources(model, it, s)[1:]
                         if src.doc_id is not None and src.doc_id != derived})
        if others:
            held[it.pattern.name] = (f"the registry entry has no doc_id and its artifacts carry "
                                     f"{', '.join(others)}, not the derived {derived}")
    return held
