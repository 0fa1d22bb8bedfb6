"""``patforge render``: the plan's four phases over the artifact kinds.

Phase 1 assigns doc_ids (``id_edits``: pure insertions into the registry and specs),
renders the ID-scope kinds (the schema sidecars) and adds ``DOC_LINK`` headers to
hand-written files. Phases 2 and 3 render the pattern-scope kinds for the core and
the migrated patterns; Phase 4 the repository-scope kinds. Units go through the
pipeline (``pipeline``: classify, batch, render, isolate, validate, land); a unit
that fails is left out while the others go on. No kind is named here: the phases
iterate ``kinds.KINDS``.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Iterator

from patforge.docids import mapping as docmap
from patforge import kinds
from patforge.rendering import noop
from patforge.diagnostics import error
from patforge.errors import UnsafePathError, UsageError
from patforge.repository.paths import PathProblem, write_target
from patforge.repository.layout import REPO_BUNDLE
from patforge.docids.edits import IdEditor
from patforge.rendering.manifest import Manifest, Recorder
from patforge.rendering.pipeline import RenderSession
from patforge.docids.existing import apply_existing_ids
from patforge.repository.registry import Pattern, load_registry, load_spec
from patforge.rendering.options import RenderOptions  # noqa: F401 - callers take it from here too
from patforge.rendering.report import GENERATED, HAND_WRITTEN, PHASES, SKIPPED, RenderReport
from patforge.spec.place import found_note
from patforge.transaction.state import state_dir
from patforge.transaction.workspace import Workspace

#: Patterns whose units are built, rendered and landed together (``slices``): large enough
#: that every pool worker gets full batches, small enough that a slice's units are a
#: fraction of a large registry.
SLICE = 1000


class Renderer:
    """One render run over one repository."""

    def __init__(self, repo: Path, options: RenderOptions, ws: Workspace | None = None) -> None:
        self.options = options
        # Specs are parsed only for the patterns this run works on (`new` and --only
        # stay fast in a 1,000-pattern repository).
        # Lines are parsed when a diagnostic needs one. A dry run of a few patterns (status,
        # check FILE) validates only them and the entries that could clash with them.
        focus = None
        if options.dry_run and options.only:
            wanted = set(options.only)
            focus = lambda entries: {i for i, e in enumerate(entries)  # noqa: E731
                                     if isinstance(e, dict) and e.get("name") in wanted}
        self.registry = load_registry(repo, load_specs=False, positions=False, focus=focus)
        self.repo = self.registry.repo
        self.ws = ws or Workspace(self.repo, dry_run=options.dry_run, defer=options.all_or_nothing,
                                  keep_bytes=options.keep_diffs)
        self.report = RenderReport(repo=self.repo, dry_run=options.dry_run)
        _check_options(self.registry, options)
        self.patterns = [p for p in self.registry.patterns
                         if (not options.only or p.name in options.only) and p.name not in options.exclude]
        if options.unit_filter is not None:
            # --failed: only the patterns with a failed unit; Phase 1's insertions run for
            # all of them (no-ops when done; a spec unreadable last time gets its fields now)
            self.patterns = [p for p in self.patterns if any(n == p.name for _ph, _k, n in options.unit_filter)]
        for p in self.patterns:
            load_spec(self.registry, p)  # node positions parsed only if an edit or a diagnostic needs them
        self.registry.notes += [n for n in (found_note(self.registry),) if n]
        # doc_ids the repository already gives a pattern win over minting (docids/existing.py)
        found = self.found_ids = apply_existing_ids(self.registry, self.patterns)
        self.patterns = [p for p in self.patterns if p.name not in found.conflicts]
        self.registry.diagnostics.extend(found.conflicts.values())
        self.registry.notes += found.notes
        # The registry's node positions served its diagnostics, all made by now; every
        # registry edit parses the text it edits (150 MB for 10,000 patterns otherwise).
        self.registry.doc.forget_positions()
        self.report.notes = self.registry.notes
        self.report.diagnostics.items = list(self.registry.diagnostics)
        self.session = RenderSession(self.registry, self.ws, self.report, template=options.template,
                                     vcs_ref=options.vcs_ref, jobs=options.jobs, batch_size=options.batch_size,
                                     progress=options.progress)
        self.ids = IdEditor(self.ws, self.registry, self.report)
        # A full render records the manifest its next no-op is replayed from (noop.py).
        self.recorder: Recorder | None = None
        if noop.eligible(options) and ws is None:
            self.recorder = Recorder(self.repo, Manifest.load(state_dir(self.repo)))
            self.ws.on_land = self.recorder.landed_bytes

    def want(self, kind: kinds.Kind) -> bool:
        return not self.options.kinds or kind.name in self.options.kinds

    def build(self, phase: int, kind: kinds.Kind, patterns: list[Pattern]) -> list:
        """The kind's units; with ``render --failed`` only those that failed last time."""
        f = self.options.unit_filter
        if f is not None:
            if kind.scope == kinds.REPOSITORY:
                if (phase, kind.name, "(repository)") not in f:
                    return []
            else:
                patterns = [p for p in patterns if (phase, kind.name, p.name) in f]
                if not patterns:
                    return []
        return self.session.build(kind, patterns)

    def run(self) -> RenderReport:
        phases = sorted(set(self.options.phases))
        if any(p not in PHASES for p in phases):
            raise UsageError(f"--phase takes {', '.join(map(str, PHASES))}")
        # why: start-up time: loaded only when run() runs, not when the module is imported
        from patforge.transaction.rollback import recording

        with self.session.open("render"), \
                recording(self.repo, "render") if not self.options.dry_run else contextlib.nullcontext():
            report = self._run(phases)
            self.registry.cache.save(prune=not self.options.only)
            if self.recorder is not None:
                noop.record(self.repo, self.registry, self.patterns, self.session.unit_records, report,
                            self.options, self.recorder)
            if self.options.all_or_nothing:
                if report.failed:
                    dropped = self.ws.drop_deferred()
                    report.changes = []
                    report.diagnostics.add(error(
                        f"--all-or-nothing: {dropped} planned file(s) were not written because the run "
                        "had failures", hint="fix the errors above and run again", code="all-or-nothing"))
                else:
                    self.ws.flush()
            return report

    def preflight(self, phases: list[int]) -> None:
        """Check the run-wide targets (the template history, the repository-level kinds'
        files) before anything is written: a symlinked .patforge/ or scripts/ that leads
        out of the repository stops the run here, not after other files landed. Each
        pattern's own targets were checked when the registry was loaded
        (``layout.write_targets``)."""
        targets = [REPO_BUNDLE]
        if 4 in phases and not self.options.only:
            for kind in kinds.in_scope(kinds.REPOSITORY):
                if self.want(kind):
                    for unit in self.session.build(kind, self.patterns):
                        targets += [*unit.files, unit.answers_file]
        for rel in targets:
            try:
                write_target(self.repo, rel)
            except PathProblem as exc:
                raise UnsafePathError(f"refusing to write {rel}: {exc}",
                                      hint=f"{exc.hint}; nothing was written") from None

    def _run(self, phases: list[int]) -> RenderReport:
        if self.patterns:
            self.preflight(phases)
            _ = self.session.source  # fail on a bad template source before writing anything
        self.report.mapping = [
            {"pattern_id": p.pattern_id, "name": p.name, "doc_id": self.registry.doc_id_for(p),
             "source": "registry" if p.doc_id else "reused" if p.found_doc_id else "minted"}
            for p in self.patterns]
        for phase in phases:
            if phase == 1:
                self.phase_ids()
            elif phase in (2, 3):
                self.phase_patterns(phase, [p for p in self.patterns if p.is_migrated == (phase == 3)])
            elif phase == 4 and not self.options.only and (self.patterns or self.options.unit_filter):
                self.phase_repository()
        return self.report

    def phase_ids(self) -> None:
        self.ids.registry_doc_ids(self.patterns)
        # an entry without spec_path uses the one spec naming its pattern_id (specplace.py)
        found = {p.name: [("spec_path", p.derived["spec_path"])] for p in self.patterns if "spec_path" in p.derived}
        if found:
            self.ids.edit_registry(found, after=("category", "status", "version", "name"), reason="spec_path")
        self.ids.spec_fields(self.patterns)
        for kind in kinds.in_scope(kinds.IDS):
            if self.want(kind):
                for part in slices(self.patterns):
                    self.session.process(1, self.build(1, kind, part))
        self.ids.doc_links(self.patterns)
        # last: a file phase 1 may not write (read-only spec, link out) stops the run
        # before the mapping lands
        if not self.options.kinds:
            # a step, not a unit: recorded so that a replayed no-op reports it in its place
            self.session.unit_records[(1, "mapping", "(repository)")] = ([docmap.mapping_path(self.registry.path)],
                                                                          None)
            docmap.render_step(self.ws, self.registry, self.report, self.patterns,
                               create=self.options.create_mapping)

    def phase_patterns(self, phase: int, group: list[Pattern]) -> None:
        record: dict[str, list[tuple[str, str]]] = {}
        for part in slices(group):
            first = len(self.report.outcomes)
            units = []
            for kind in kinds.in_scope(kinds.PATTERN):
                if self.want(kind):
                    units += self.build(phase, kind, part)
            # All kinds of a slice in one go: the pool renders executors while schemas are
            # validated. Results come back kind by kind, so schemas land before examples
            # are checked.
            self.session.process(phase, units)
            # Record paths for every unit that is now present and managed (also those a
            # killed run landed without getting to this registry edit). A hand-written
            # file at the path a unit would record is present too (e.g. a schema at a
            # derived schema_path, entrypaths.py): its path is recorded, the file untouched.
            present = {(o.pattern, o.kind) for o in self.report.outcomes[first:]
                       if o.phase == phase and o.status in (GENERATED, SKIPPED, HAND_WRITTEN)}
            for unit in units:
                if unit.registry_fields and unit.key in present:
                    record.setdefault(unit.pattern, []).extend(unit.registry_fields)
            release(part)
        # One registry edit for the whole phase, after every slice landed: a run killed
        # before it records the paths next time (the units are current by then).
        if record:
            self.ids.edit_registry(record, reason="artifact paths")

    def phase_repository(self) -> None:
        for kind in kinds.in_scope(kinds.REPOSITORY):
            if self.want(kind):
                self.session.process(4, self.build(4, kind, self.patterns))


def slices(patterns: list[Pattern]) -> Iterator[list[Pattern]]:
    """``patterns`` in slices of ``SLICE``: each slice's units are built, rendered and
    landed before the next slice's are built, so a run holds one slice's answers and
    derived contents, not a phase's (~900 MB at 10,000 patterns)."""
    for start in range(0, len(patterns), SLICE):
        yield patterns[start:start + SLICE]


def release(patterns: list[Pattern]) -> None:
    """Every kind forgets what building the slice's units kept per pattern (``Kind.release``):
    their files are on disk now."""
    for kind in kinds.KINDS:
        for p in patterns:
            kind.release(p)


def _check_options(registry, options: RenderOptions) -> None:
    unknown = [n for n in options.only if registry.by_name(n) is None]
    if unknown:
        known = {e.get("name") for e in registry.entries if isinstance(e, dict)}
        hint = ("that entry has errors, listed above" if set(unknown) & known
                else "names are the registry's `name:` fields")
        raise UsageError(f"--only: no usable pattern named {', '.join(unknown)}", hint=hint,
                         diagnostics=registry.diagnostics.errors)
    bad_kinds = sorted(set(options.kinds) - set(kinds.names()))
    if bad_kinds:
        raise UsageError(f"--kind: unknown kind(s) {', '.join(bad_kinds)}",
                         hint=f"kinds are {', '.join(kinds.names())}")


def render(repo: Path, options: RenderOptions | None = None, *, workspace: Workspace | None = None,
           replay: bool = True) -> RenderReport:
    """Run the phases; with ``workspace``, plan into the caller's workspace (a caller
    that edits further after the render, as ``check --fix`` does, sees every change).
    A render that writes records which units failed (``render --failed``). ``replay``:
    answer a no-op from the manifest (False: the caller asked ``noop.replay_run`` already)."""
    # why: start-up time: loaded only when render() runs, not when the module is imported
    from patforge.rendering import failed_units

    options = options or RenderOptions()
    if workspace is None and replay:
        report = noop.replay_run(Path(repo), options)  # nothing changed
        if report is not None:
            return report
    report = Renderer(repo, options, workspace).run()
    if not options.dry_run and workspace is None:
        failed_units.save(report.repo, report)
    return report
