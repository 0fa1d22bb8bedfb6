"""The unit pipeline: classify, batch, render, isolate, validate, land.

Every rendered file goes through these stages, whichever command asked for it
(``render``, ``new``, ``check --fix``):

1. **classify** each unit against its answers file: render it, restore missing files,
   or leave it (current, hand-written, outdated, stale);
2. **batch** the units to render: one Copier run per batch of one kind
   (``copier_runner``), sized so every pool worker gets the same share;
3. **render** the batches into staging folders, in a process pool;
4. **isolate** a failed batch by bisection, so the units that break it are found and
   the others still land;
5. **validate** each unit's staged files (syntax of every file, then its kind's own
   checks) and **land** a batch's valid units as one journaled transaction.

``RenderSession`` holds what one run shares: the repository lock, the journal
recovery, the compile cache, the template source and the workspace.
"""

from __future__ import annotations

import contextlib
import dataclasses
from typing import Any, Callable, Iterator

from patforge.validation import codecheck
from patforge import kinds
from patforge.rendering import unitstate
from patforge.rendering.answers import parse_answers
from patforge.rendering.output_hashes import hashes_path, manifest_bytes
from patforge.rendering.unitstate import classify_unit
from patforge.rendering.copier_runner import (RenderJob, RenderResult, chunk_sizes, iter_render_jobs, render_jobs,
                                    shutdown_pool)
from patforge.diagnostics import Diagnostic, error, info, warning
from patforge.kinds import BuildContext, Kind, Unit
from patforge.kinds.base import sha256_text
from patforge.transaction.lock import RepoLock
from patforge.repository.registry import Pattern, Registry
from patforge.rendering.report import FAILED, GENERATED, HAND_WRITTEN, OUTDATED, SKIPPED, STALE, RenderReport
from patforge.transaction.state import run_temp_dir, state_dir
from patforge.repository.layout import REPO_BUNDLE
from patforge.rendering.template_source import TemplateSource, repo_bundle_change, resolve_source
from patforge.transaction.workspace import Workspace
from patforge.validation.messages import shown
from patforge.rendering.compile_cache import CompileCache

# classify() results besides the report statuses (what render does, unitstate's actions)
RENDER, RESTORE = unitstate.RENDER, unitstate.RESTORE
#: A missing file of an outdated unit: missing beats outdated, so it is restored exactly as
#: its answers file records it (that template version, those answers); the unit stays
#: outdated for `update` to bring forward.
RESTORE_OUTDATED = unitstate.RESTORE_OUTDATED
#: Fewer units than this render in-process: starting the pool costs more.
POOL_THRESHOLD = 40

Batch = list[tuple[Unit, str]]  # (unit, RENDER or RESTORE)


# -- stage 1: classify -------------------------------------------------------------------

def classify(unit: Unit, files: Any, ref: str) -> tuple[str, str]:
    """(status, message) before rendering: RENDER, RESTORE, or a report status
    (current, hand-written, outdated, stale, failed). ``ref`` is the template version the
    run renders. The state comes from ``unitstate.classify_unit``: the one
    classification, which ``patforge status`` reports too."""
    st = classify_unit(unit, files, ref)
    if st.action in (RENDER, RESTORE, RESTORE_OUTDATED):
        return st.action, "" if st.action == RENDER else st.detail
    return {HAND_WRITTEN: HAND_WRITTEN, unitstate.BLOCKED: FAILED, unitstate.OUTDATED: OUTDATED,
            unitstate.STALE: STALE}.get(st.state, SKIPPED), st.detail


def recorded_render(unit: Unit, files: Any, tags: tuple[str, ...]) -> tuple[str, dict[str, Any]] | str:
    """(template version, Copier data) that reproduce a unit exactly as its answers file
    records it, or why that is impossible. Derived output is recorded only as hashes,
    so it is reproducible only while the unit computes the same output now."""
    recorded = parse_answers(files.read_bytes(unit.answers_file), unit.answers_file)
    if recorded.commit not in tags:
        return (f"cannot restore it at the recorded template version {shown(recorded.commit)}, which the "
                "template source lacks: restore it from git (git checkout -- <file>)")
    data = dict(recorded.unit)
    hashes = recorded.unit.get("derived_sha256")
    if isinstance(hashes, dict) and hashes:
        now = {rel: sha256_text(text) for rel, text in unit.derived.items()}
        if now != hashes:
            return ("cannot restore it at the recorded version: its generated content changed since "
                    "(only its hash is recorded): restore it from git (git checkout -- <file>)")
        data["derived"] = unit.derived
    return recorded.commit, data


# -- stage 2: batch ----------------------------------------------------------------------

def plan_batches(todo: Batch, batch_size: int, workers: int) -> list[Batch]:
    """Group the units to render by kind (in first-seen order) and cut each group into
    batches of at most ``batch_size`` units, a multiple of ``workers`` runs per kind."""
    by_kind: dict[str, Batch] = {}
    for unit, status in todo:
        by_kind.setdefault(unit.kind, []).append((unit, status))
    batches: list[Batch] = []
    for items in by_kind.values():
        size = chunk_sizes(len(items), batch_size, workers)
        batches += [items[i:i + size] for i in range(0, len(items), size)]
    return batches


# -- stage 4: isolate --------------------------------------------------------------------

def isolate(chunk: Batch, result: RenderResult,
            render_halves: Callable[[list[Batch]], list[RenderResult]]) -> list[tuple[Batch, RenderResult]]:
    """When a batch fails, find the unit(s) that break it by bisection, so the others
    still land. If both halves fail the same way, the template itself is broken and
    every unit gets that one message (no point rendering them one by one)."""
    if not result.error or len(chunk) == 1:
        return [(chunk, result)]
    mid = len(chunk) // 2
    halves = [chunk[:mid], chunk[mid:]]
    results = render_halves(halves)
    if all(r.error == result.error for r in results):
        return [(chunk, result)]
    out: list[tuple[Batch, RenderResult]] = []
    for half, res in zip(halves, results):
        out += isolate(half, res, render_halves)
    return out


# -- stage 5: validate -------------------------------------------------------------------

def check_staged(unit: Unit, staged: dict[str, bytes], files: Any) -> list[Diagnostic]:
    """Every problem with a unit's rendered files: missing, syntax, its kind's checks."""
    wanted = [*unit.files, unit.answers_file]
    problems: list[Diagnostic] = []
    missing = [f for f in wanted if f not in staged]
    if missing:
        problems.append(error(f"template did not produce {', '.join(missing)}", pattern=unit.pattern,
                              code="render-incomplete", hint="the template and patforge disagree on file names"))
    for rel in wanted:
        if rel in staged:
            problems += codecheck.check_text(rel, staged[rel].decode("utf-8", "replace"))
    return problems + kinds.by_name(unit.kind).validate(unit, staged, files)


# -- the session -------------------------------------------------------------------------

class RenderSession:
    """One run over one repository: shared by every phase and kind of that run."""

    def __init__(self, registry: Registry, ws: Workspace, report: RenderReport, *, template: str | None,
                 vcs_ref: str | None, jobs: int, batch_size: int,
                 progress: Callable[[str, int, int], None] | None = None) -> None:
        self.registry = registry
        self.repo = registry.repo
        self.ws = ws
        self.report = report
        self.template, self.vcs_ref = template, vcs_ref
        self.jobs = jobs or registry.config.effective_jobs()
        self.batch_size = batch_size or registry.config.batch_size
        self.progress = progress
        self._source: TemplateSource | None = None
        #: answers files' template sources from the state folder's index (source_index):
        #: ``new``, which renders one pattern of however many
        self.index_sources = False
        self._bundle_done = False
        self._recorded: dict[tuple[str, str], tuple[str, dict[str, Any]]] = {}  # RESTORE_OUTDATED units
        #: (phase, kind, pattern) -> (files, answers file) of every unit classified, in
        #: order: what the manifest records for a replayed no-op (noop.py)
        self.unit_records: dict[tuple[int, str, str], tuple[list[str], str | None]] = {}

    @property
    def source(self) -> TemplateSource:
        if self._source is None:
            self._source = resolve_source(self.repo, self.template, self.vcs_ref, self.registry.config.template,
                                          index=self.index_sources)
            self.report.template = self._source
            for note in self._source.notes:
                self.report.diagnostics.add(warning(note, code="template-source"))
        return self._source

    @contextlib.contextmanager
    def open(self, command: str, *, cache: bool = True) -> Iterator["RenderSession"]:
        """Lock the repository, finish an interrupted run, load the compile cache (unless
        ``cache`` is False: a run over a pattern never compiled, like ``new``, would only
        read and rewrite every other pattern's entries); stop the process pool at the end."""

        dry = self.ws.dry_run
        self.registry.cache = CompileCache.load(None if dry or not cache else state_dir(self.repo))
        with RepoLock(self.repo, command):
            try:
                if not dry:
                    replayed = self.ws.journal.recover()
                    if self.ws.journal.set_aside:
                        self.report.diagnostics.add(warning(
                            self.ws.journal.set_aside, code="journal-set-aside",
                            hint="inspect it if you expected an interrupted run to be completed; "
                                 "otherwise delete it"))
                    if replayed:
                        self.report.diagnostics.add(info(
                            f"completed an interrupted run: replayed {len(replayed)} file(s) from the journal"))
                # Copier's temporary clones and copies go under the state folder; what a
                # killed run left there is swept now (state.run_temp_dir)
                self.tmp = str(run_temp_dir(self.repo))
                yield self
            finally:
                shutdown_pool()

    def build(self, kind: Kind, patterns: list[Pattern]) -> list[Unit]:
        """The kind's units for ``patterns`` (once, for a repository-scope kind); a unit
        that cannot be built is a failed outcome."""
        units: list[Unit] = []
        targets: list[Pattern | None] = [None] if kind.scope == kinds.REPOSITORY else list(patterns)
        for p in targets:
            ctx = BuildContext(self.registry, self.ws, self.report.diagnostics, kind.phase(p), patterns)
            unit = kind.build(ctx, p)
            if unit is None:
                self.report.outcome(kind.phase(p), kind.name, p.name if p else "(repository)", FAILED, [],
                                    "cannot build answers (see errors)")
            else:
                units.append(unit)
        return units

    def ensure_template_history(self) -> None:
        """Copy the template history into the repository before the first rendered file
        lands, so its answers files' ``_src_path`` always resolves."""
        if self._bundle_done or self.source.record != REPO_BUNDLE:
            return
        self._bundle_done = True
        change = repo_bundle_change(self.repo)
        if change is not None:
            self.ws.stage(REPO_BUNDLE, change.after, "template history")
            self.report.changes += self.ws.land([REPO_BUNDLE])

    def process(self, phase: int, units: list[Unit]) -> list[Unit]:
        """Render what is missing, validate, land batch by batch; return the units landed."""
        todo: Batch = []
        restores: dict[str, Batch] = {}  # RESTORE_OUTDATED units by recorded version
        messages: dict[tuple[str, str], str] = {}
        for unit in units:
            self.unit_records[(phase, unit.kind, unit.pattern)] = (list(unit.files), unit.answers_file)
            status, message = classify(unit, self.ws, self.source.ref)
            if status == RESTORE_OUTDATED:
                plan = recorded_render(unit, self.ws, self.source.tags)
                if isinstance(plan, str):
                    status, message = FAILED, f"{message.split('; ', 1)[0].replace('restored', 'missing')}: {plan}"
                else:
                    self._recorded[unit.key] = plan
                    restores.setdefault(plan[0], []).append((unit, status))
                    messages[unit.key] = message
                    continue
            if status in (RENDER, RESTORE):
                todo.append((unit, status))
                continue
            if status == FAILED:
                self.report.diagnostics.add(error(message, pattern=unit.pattern, code="answers-file"))
            self.report.outcome(phase, unit.kind, unit.pattern, status,
                                unit.files if status != HAND_WRITTEN else [], message)
        batches = plan_batches(todo, self.batch_size, self.jobs)
        for group in restores.values():  # one template version per batch
            batches += plan_batches(group, self.batch_size, self.jobs)
        todo += [item for group in restores.values() for item in group]
        if not todo:
            return []
        jobs = [self._job(chunk) for chunk in batches]
        # A handful of units (`new`, --only) renders faster in-process than a pool starts.
        workers = self.jobs if len(todo) >= POOL_THRESHOLD else 1
        landed: list[Unit] = []
        done = 0
        for job, chunk, result in zip(jobs, batches, iter_render_jobs(jobs, workers)):
            paths: list[str] = []
            batch_landed: Batch = []
            for items, res in isolate(chunk, result, self._render_halves):
                for unit, status in items:
                    staged = self._stage_unit(phase, unit, status, res)
                    if staged is not None:
                        paths += staged
                        batch_landed.append((unit, status))
            # One journaled transaction per batch: all of its valid units land, or
            # (if killed) the next run replays them to the end.
            if paths:
                self.ensure_template_history()
            self.report.changes += self.ws.land(paths)
            for unit, status in batch_landed:
                if status == RESTORE_OUTDATED:
                    self.report.outcome(phase, unit.kind, unit.pattern, OUTDATED, unit.files, messages[unit.key])
                    landed.append(unit)
                    continue
                self.report.outcome(phase, unit.kind, unit.pattern, GENERATED, unit.files,
                                    "restored missing files" if status == RESTORE else "")
                landed.append(unit)
            done += len(chunk)
            if self.progress:
                self.progress(f"phase {phase} {job.kind}", done, len(todo))
        return landed

    def _job(self, chunk: Batch) -> RenderJob:
        if chunk[0][1] == RESTORE_OUTDATED:  # the batch's units share one recorded version
            ref = self._recorded[chunk[0][0].key][0]
            return RenderJob(chunk[0][0].kind, [self._recorded[u.key][1] for u, _ in chunk],
                             dataclasses.replace(self.source, ref=ref), getattr(self, "tmp", None))
        return RenderJob(chunk[0][0].kind, [u.copier_data() for u, _ in chunk], self.source,
                         getattr(self, "tmp", None))

    def _render_halves(self, halves: list[Batch]) -> list[RenderResult]:
        return render_jobs([self._job(h) for h in halves], self.jobs)

    def _stage_unit(self, phase: int, unit: Unit, status: str, result: RenderResult) -> list[str] | None:
        """Validate one unit's rendered files and stage them; None if it failed."""
        if result.error:
            self.report.outcome(phase, unit.kind, unit.pattern, FAILED, unit.files,
                                f"template failed: {result.error}")
            self.report.diagnostics.add(error(f"{unit.kind} for {unit.pattern}: template failed: {result.error}",
                                              hint="fix the template or the unit's registry data",
                                              pattern=unit.pattern, code="render-failed"))
            return None
        problems = check_staged(unit, result.files, self.ws)
        errors = [d for d in problems if d.is_error]
        self.report.diagnostics.extend(d for d in problems if not d.is_error)
        if errors:
            self.report.diagnostics.extend(errors)
            self.report.outcome(phase, unit.kind, unit.pattern, FAILED, unit.files,
                                f"validation failed ({len(errors)} problem(s)); nothing written for this unit")
            return None
        wanted = [*unit.files, unit.answers_file]
        paths = wanted if status == RENDER else [f for f in wanted if not self.ws.exists(f)]
        for rel in paths:
            self.ws.stage(rel, result.files[rel], unit.kind)
        # What patforge wrote, so `status` can tell hand edits later (outputs.py).
        manifest = hashes_path(unit.answers_file)
        self.ws.stage(manifest, manifest_bytes({rel: result.files[rel] for rel in unit.files}), unit.kind)
        return [*paths, manifest]

