"""``patforge render``: the plan's four phases.

Phase 1 assigns doc_ids (pure insertions into the registry and specs), renders the
schema sidecars and adds ``DOC_LINK`` headers to existing executors. Phases 2 and 3
render the core and the migrated patterns' suites; Phase 4 the repository-level
artifacts. Every rendered file comes from a Copier template (``engine``); each
unit's files are validated before they land, and a unit that fails is left out
while the others go on.
"""

from __future__ import annotations

import contextlib
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

import yaml

from patforge.changes import FileChange
from patforge.diagnostics import Diagnostic, DiagnosticList, error, info, warning
from patforge.doclink import insert_doc_link
from patforge.edits import (EditError, apply_insertions, insert_keys_after, insert_keys_before,
                            render_bytes)
from patforge.engine import RenderJob, chunk_sizes, iter_render_jobs, render_jobs, shutdown_pool
from patforge.journal import RepoLock
from patforge.errors import UsageError
from patforge.registry import Pattern, Registry, load_registry, load_spec
from patforge.templatesrc import REPO_BUNDLE, TemplateSource, repo_bundle_change, resolve_source
from patforge.units import KINDS, Unit
from patforge.workspace import Workspace
from patforge.yamlsrc import YamlLoadError, load_yaml_text

# `suites` (jsonschema) and `codecheck` (tree-sitter) are imported where units are
# built and checked: a no-op render replayed from the manifest needs neither.

PHASES = (1, 2, 3, 4)
_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # answers files are read on every run
PHASE_TITLES = {1: "ID system", 2: "core pattern artifacts", 3: "migrated pattern artifacts",
                4: "repository-level artifacts"}

# Outcome statuses, in the order the summary shows them.
GENERATED, UPDATED, SKIPPED, HAND_WRITTEN, OUTDATED, FAILED = (
    "generated", "edited", "up-to-date", "hand-written", "outdated", "failed")
STATUSES = (GENERATED, UPDATED, SKIPPED, HAND_WRITTEN, OUTDATED, FAILED)


@dataclass
class RenderOptions:
    phases: tuple[int, ...] = PHASES
    only: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    template: str | None = None
    vcs_ref: str | None = None
    jobs: int = 0
    batch_size: int = 0
    dry_run: bool = False
    all_or_nothing: bool = False  # the whole run is one transaction
    keep_diffs: bool = False  # keep every change's bytes so callers can show diffs
    progress: Callable[[str, int, int], None] | None = None  # (label, done, total)


@dataclass
class Outcome:
    phase: int
    kind: str
    pattern: str
    status: str
    paths: list[str] = field(default_factory=list)
    message: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"phase": self.phase, "kind": self.kind, "pattern": self.pattern,
                "status": self.status, "paths": self.paths, "message": self.message}


@dataclass
class RenderReport:
    repo: Path
    dry_run: bool
    template: TemplateSource | None = None
    outcomes: list[Outcome] = field(default_factory=list)
    changes: list[FileChange] = field(default_factory=list)
    diagnostics: DiagnosticList = field(default_factory=DiagnosticList)
    mapping: list[dict[str, str]] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return bool(self.diagnostics.errors) or any(o.status == FAILED for o in self.outcomes)

    @property
    def wrote_nothing(self) -> bool:
        return not self.changes

    def counts(self) -> dict[tuple[int, str], Counter]:
        table: dict[tuple[int, str], Counter] = {}
        for o in self.outcomes:
            table.setdefault((o.phase, o.kind), Counter())[o.status] += 1
        return dict(sorted(table.items()))

    def to_dict(self) -> dict[str, Any]:
        return {
            "repo": str(self.repo),
            "dry_run": self.dry_run,
            "template": None if self.template is None else
            {"source": self.template.record, "version": self.template.ref},
            "ok": not self.failed,
            "doc_id_mapping": self.mapping,
            "summary": [{"phase": ph, "kind": k, **{s: c.get(s, 0) for s in STATUSES}}
                        for (ph, k), c in self.counts().items()],
            "outcomes": [o.to_dict() for o in self.outcomes],
            "changes": [{"path": c.path, "new": c.is_new, "reason": c.reason} for c in self.changes],
            "diagnostics": [d.to_dict() for d in self.diagnostics],
        }


class Renderer:
    """One render run over one repository."""

    def __init__(self, repo: Path, options: RenderOptions, registry: Registry | None = None) -> None:
        self.options = options
        # Specs are parsed only for the patterns this run works on (`new` and --only
        # stay fast in a 1,000-pattern repository). `new` passes the registry it wrote.
        self.registry: Registry = registry or load_registry(repo, load_specs=False)
        self.repo = self.registry.repo
        self.ws = Workspace(self.repo, dry_run=options.dry_run, defer=options.all_or_nothing,
                            keep_bytes=options.keep_diffs)
        self.report = RenderReport(repo=self.repo, dry_run=options.dry_run)
        self.report.diagnostics.extend(self.registry.diagnostics)
        self.config = self.registry.config
        self.jobs = options.jobs or self.config.effective_jobs()
        self.batch_size = options.batch_size or self.config.batch_size
        unknown = [n for n in options.only if self.registry.by_name(n) is None]
        if unknown:
            known = {e.get("name") for e in self.registry.entries if isinstance(e, dict)}
            hint = ("that entry has errors, listed above" if set(unknown) & known
                    else "names are the registry's `name:` fields")
            raise UsageError(f"--only: no usable pattern named {', '.join(unknown)}", hint=hint,
                             diagnostics=self.registry.diagnostics.errors)
        bad_kinds = sorted(set(options.kinds) - set(KINDS))
        if bad_kinds:
            raise UsageError(f"--kind: unknown kind(s) {', '.join(bad_kinds)}",
                             hint=f"kinds are {', '.join(KINDS)}")
        self.patterns = [p for p in self.registry.patterns
                         if not options.only or p.name in options.only]
        for p in self.patterns:
            if load_spec(self.registry, p) is not None:
                p.spec.drop_positions()  # parsed again only for an edit or a diagnostic
        self.report.diagnostics.items = list(self.registry.diagnostics)
        # The registry's node positions served its diagnostics, all made by now; every
        # registry edit parses the text it edits (150 MB for 10,000 patterns otherwise).
        for marks in (self.registry.doc.key_marks, self.registry.doc.node_marks, self.registry.doc.node_end_marks):
            marks.clear()
        self._source: TemplateSource | None = None
        self._bundle_done = False
        # (phase, kind, pattern) -> (files, answers file), for the manifest (noop.py)
        self.unit_records: dict[tuple[int, str, str], tuple[list[str], str]] = {}
        self.recorder = None
        from patforge import noop

        if noop.eligible(options) and not options.all_or_nothing:
            from patforge.journal import state_dir
            from patforge.manifest import Manifest, Recorder

            self.recorder = Recorder(self.repo, Manifest.load(state_dir(self.repo)))
            self.ws.on_land = self.recorder.landed_bytes

    # -- helpers ----------------------------------------------------------------
    def want(self, kind: str) -> bool:
        return not self.options.kinds or kind in self.options.kinds

    def doc_id(self, p: Pattern) -> str:
        return self.registry.doc_id_for(p)

    @property
    def source(self) -> TemplateSource:
        if self._source is None:
            self._source = resolve_source(self.repo, self.options.template, self.options.vcs_ref,
                                          self.config.template)
            self.report.template = self._source
        return self._source

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

    def outcome(self, phase: int, kind: str, pattern: str, status: str,
                paths: Iterable[str] = (), message: str = "") -> None:
        self.report.outcomes.append(Outcome(phase, kind, pattern, status, list(paths), message))

    # -- the run ----------------------------------------------------------------
    def run(self) -> RenderReport:
        phases = sorted(set(self.options.phases))
        if any(p not in PHASES for p in phases):
            raise UsageError(f"--phase takes {', '.join(map(str, PHASES))}")
        from patforge.cache import CompileCache
        from patforge.journal import state_dir

        self.registry.cache = CompileCache.load(None if self.options.dry_run else state_dir(self.repo))
        with RepoLock(self.repo, "render"), contextlib.closing(_PoolCloser()):
            if not self.options.dry_run:
                replayed = self.ws.journal.recover()
                if replayed:
                    self.report.diagnostics.add(info(
                        f"completed an interrupted run: replayed {len(replayed)} file(s) from the journal"))
            report = self._run(phases)
            self.registry.cache.save(prune=not self.options.only)
            if self.recorder is not None:
                from patforge import noop

                noop.record(self, self.recorder)
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

    def _run(self, phases: list[int]) -> RenderReport:
        if self.patterns:
            _ = self.source  # fail on a bad template source before writing anything
        self.report.mapping = [
            {"pattern_id": p.pattern_id, "name": p.name, "doc_id": self.doc_id(p),
             "source": "registry" if p.doc_id else "minted"} for p in self.patterns]
        for phase in phases:
            if phase == 1:
                self.phase_ids()
            elif phase in (2, 3):
                group = [p for p in self.patterns if p.is_migrated == (phase == 3)]
                self.phase_suites(phase, group)
            elif phase == 4 and not self.options.only and self.patterns:
                self.phase_repo()
        return self.report

    # -- Phase 1 ----------------------------------------------------------------
    def phase_ids(self) -> None:
        from patforge import suites

        self._registry_doc_ids()
        self._spec_fields()
        if self.want("sidecar"):
            self.process_units(1, [suites.sidecar_unit(self.registry, p, self.ws) for p in self.patterns])
        self._executor_doc_links()

    def _registry_doc_ids(self) -> None:
        lacking = [p for p in self.patterns if p.doc_id is None]
        if not lacking:
            return
        edited = self.edit_registry({p.name: [("doc_id", self.doc_id(p))] for p in lacking},
                                    after="pattern_id", reason="doc_id")
        for p in lacking:
            status = UPDATED if p.name in edited else FAILED
            self.outcome(1, "registry", p.name, status, [self.registry.path],
                         f"doc_id {self.doc_id(p)}" if status == UPDATED else "could not insert doc_id")

    def edit_registry(self, fields: dict[str, list[tuple[str, str]]], *, after: str | tuple[str, ...],
                      reason: str) -> set[str]:
        """Insert fields into registry entries by name; returns the names edited."""
        rel = self.registry.path
        text = self.ws.read_text(rel)
        assert text is not None
        doc = load_yaml_text(text, rel)
        insertions, done = [], set()
        index = {e.get("name"): i for i, e in enumerate(doc.data["patterns"]) if isinstance(e, dict)}
        for name, kv in fields.items():
            i = index.get(name)
            entry = doc.data["patterns"][i] if i is not None else None
            if entry is None:
                continue
            kv = [(k, v) for k, v in kv if k not in entry]
            if not kv:
                continue
            anchors = (after,) if isinstance(after, str) else after
            anchor = next((a for a in anchors if a in entry), None)
            try:
                if anchor is None:
                    raise EditError(f"entry has none of {', '.join(anchors)}")
                insertions.append(insert_keys_after(doc, ("patterns", i), anchor, kv))
                done.add(name)
            except EditError as exc:
                self.report.diagnostics.add(doc.diag(f"cannot edit entry {name}: {exc}", "patterns", i,
                                                     hint="add the fields by hand", pattern=name))
        if insertions:
            self.ws.stage(rel, render_bytes(doc, apply_insertions(doc.text, insertions)), reason)
            self.report.changes += self.ws.land([rel])
        return done

    def _spec_fields(self) -> None:
        for p in self.patterns:
            if p.spec is None:
                continue  # unparseable or missing: already reported
            in_overlay = p.spec_path in self.ws.overlay
            data = load_yaml_text(self.ws.read_text(p.spec_path), p.spec_path).data if in_overlay \
                else p.spec.data
            wanted = [("doc_id", self.doc_id(p)), ("role", "spec"),
                      ("schema_ref", p.schema_path), ("executor_ref", p.executor_path)]
            missing = [(k, v) for k, v in wanted if k not in data]
            if not missing:
                continue
            # the file is unchanged since load: its positions are parsed again only now
            doc = load_yaml_text(self.ws.read_text(p.spec_path), p.spec_path) if in_overlay else p.spec.doc
            data = doc.data
            try:
                if "doc_id" in data:
                    ins = insert_keys_after(doc, (), "doc_id", missing)
                else:
                    anchor = "pattern_id" if "pattern_id" in data else next(iter(data), None)
                    if anchor is None:
                        raise EditError("the spec has no keys")
                    ins = insert_keys_before(doc, (), anchor, missing)
            except EditError as exc:
                self.report.diagnostics.add(doc.diag(f"cannot insert {', '.join(k for k, _ in missing)}: {exc}",
                                                     hint="add them by hand", pattern=p.name))
                self.outcome(1, "spec", p.name, FAILED, [p.spec_path], str(exc))
                continue
            self.ws.stage(p.spec_path, render_bytes(doc, apply_insertions(doc.text, [ins])), "doc_id")
            self.report.changes += self.ws.land([p.spec_path])
            p.spec.drop_positions()
            self.outcome(1, "spec", p.name, UPDATED, [p.spec_path],
                         "added " + ", ".join(k for k, _ in missing))

    def _executor_doc_links(self) -> None:
        from patforge import suites

        for p in self.patterns:
            if p.executor_language is None or self.ws.exists(suites.answers_for(p, "executor")):
                continue
            text = self.ws.read_text(p.executor_path)
            if text is None:
                continue
            new = insert_doc_link(text, p.executor_language, self.doc_id(p), p.name, p.pattern_id)
            if new is None:
                continue
            self.ws.stage(p.executor_path, new.encode("utf-8"), "DOC_LINK")
            self.report.changes += self.ws.land([p.executor_path])
            self.outcome(1, "executor", p.name, UPDATED, [p.executor_path], "added DOC_LINK header")

    # -- Phases 2-4 -------------------------------------------------------------
    def phase_suites(self, phase: int, group: list[Pattern]) -> None:
        from patforge import suites

        kinds = [k for k in ("schema", "examples", "executor", "tests") if self.want(k)]
        units = []
        for kind in kinds:
            for p in group:
                unit = suites.build_unit(kind, self.registry, p, self.ws, phase, self.report.diagnostics)
                if unit is None:
                    self.outcome(phase, kind, p.name, FAILED, [], "cannot build answers (see errors)")
                else:
                    units.append(unit)
        # All kinds in one go: the pool renders executors while schemas are validated.
        # Results come back kind by kind, so schemas land before examples are checked.
        self.process_units(phase, units)
        # Record paths for every unit that is now present and managed (also those a
        # killed run landed without getting to this registry edit).
        present = {(o.pattern, o.kind) for o in self.report.outcomes
                   if o.phase == phase and o.status in (GENERATED, SKIPPED)}
        record: dict[str, list[tuple[str, str]]] = {}
        for unit in units:
            if unit.registry_fields and unit.key in present:
                record.setdefault(unit.pattern, []).extend(unit.registry_fields)
        if record:
            self.edit_registry(record, after=("executor_path", "schema_path", "spec_path"),
                               reason="artifact paths")

    def phase_repo(self) -> None:
        from patforge import suites

        if self.want("repo"):
            self.process_units(4, [suites.repo_unit(self.registry, self.patterns, self.ws)])

    # -- units ------------------------------------------------------------------
    def classify(self, unit: Unit) -> tuple[str, str]:
        """(status, message) before rendering: render, up-to-date, hand-written, outdated."""
        recorded = self.ws.read_text(unit.answers_file)
        if recorded is None:
            existing = [f for f in unit.files if self.ws.exists(f)]
            if existing:
                return HAND_WRITTEN, "exists and was not rendered by patforge: " + ", ".join(existing)
            return "render", ""
        try:
            data = yaml.load(recorded, Loader=_FAST_LOADER) or {}
        except yaml.YAMLError:
            return FAILED, f"{unit.answers_file} is not valid YAML; restore it from git"
        old_units = data.get("units") or [{}]
        if data.get("_commit") != self.source.ref or (
                old_units[0] != unit.answers and old_units[0] != _yaml_round_trip(unit.answers)):
            if data.get("_commit") != self.source.ref:
                return OUTDATED, (f"rendered from template {data.get('_commit')}, now {self.source.ref}: "
                                  "run `patforge update`")
            return OUTDATED, "registry or spec changed since it was rendered: run `patforge update --registry`"
        missing = [f for f in unit.files if not self.ws.exists(f)]
        if missing:
            return "restore", "missing: " + ", ".join(missing)
        return SKIPPED, ""

    def process_units(self, phase: int, units: list[Unit]) -> list[Unit]:
        """Render what is missing, validate, land unit by unit; return the units landed."""
        todo: list[tuple[Unit, str]] = []
        for unit in units:
            self.unit_records[(phase, unit.kind, unit.pattern)] = (list(unit.files), unit.answers_file)
            status, message = self.classify(unit)
            if status in ("render", "restore"):
                todo.append((unit, status))
            else:
                self.outcome(phase, unit.kind, unit.pattern, status,
                             unit.files if status != HAND_WRITTEN else [], message)
        if not todo:
            return []
        by_kind: dict[str, list[tuple[Unit, str]]] = {}
        for unit, status in todo:
            by_kind.setdefault(unit.kind, []).append((unit, status))
        jobs: list[tuple[RenderJob, list[tuple[Unit, str]]]] = []
        for kind, items in by_kind.items():
            size = chunk_sizes(len(items), self.batch_size, self.jobs)
            for i in range(0, len(items), size):
                chunk = items[i:i + size]
                jobs.append((RenderJob(kind, [u.answers for u, _ in chunk], self.source), chunk))
        # A handful of units (`new`, --only) renders faster in-process than a pool starts.
        workers = self.jobs if len(todo) >= 40 else 1
        results = iter_render_jobs([j for j, _ in jobs], workers)
        landed: list[Unit] = []
        done = 0
        for (job, chunk), result in zip(jobs, results):
            paths: list[str] = []
            batch_landed: list[tuple[Unit, str]] = []
            for items, res in self._isolate(job.kind, chunk, result):
                for unit, status in items:
                    staged = self.stage_unit(phase, unit, status, res)
                    if staged is not None:
                        paths += staged
                        batch_landed.append((unit, status))
            # One journaled transaction per batch: all of its valid units land, or
            # (if killed) the next run replays them to the end.
            if paths:
                self.ensure_template_history()
            self.report.changes += self.ws.land(paths)
            for unit, status in batch_landed:
                self.outcome(phase, unit.kind, unit.pattern, GENERATED, unit.files,
                             "restored missing files" if status == "restore" else "")
                landed.append(unit)
            done += len(chunk)
            if self.options.progress:
                self.options.progress(f"phase {phase} {job.kind}", done, len(todo))
        return landed

    def _isolate(self, kind: str, chunk: list[tuple[Unit, str]], result: Any) -> list[tuple[list, Any]]:
        """When a batch fails, find the unit(s) that break it by bisection, so the others
        still land. If both halves fail the same way, the template itself is broken and
        every unit gets that one message (no point rendering them one by one)."""
        if not result.error or len(chunk) == 1:
            return [(chunk, result)]
        mid = len(chunk) // 2
        halves = [chunk[:mid], chunk[mid:]]
        results = render_jobs([RenderJob(kind, [u.answers for u, _ in h], self.source) for h in halves],
                              self.jobs)
        if all(r.error == result.error for r in results):
            return [(chunk, result)]
        out: list[tuple[list, Any]] = []
        for half, res in zip(halves, results):
            out += self._isolate(kind, half, res)
        return out

    def stage_unit(self, phase: int, unit: Unit, status: str, result: Any) -> list[str] | None:
        """Validate one unit's rendered files and stage them; None if it failed."""
        if result.error:
            self.outcome(phase, unit.kind, unit.pattern, FAILED, unit.files,
                         f"template failed: {result.error}")
            self.report.diagnostics.add(error(f"{unit.kind} for {unit.pattern}: template failed: {result.error}",
                                              hint="fix the template or the unit's registry data",
                                              pattern=unit.pattern, code="render-failed"))
            return None
        wanted = [*unit.files, unit.answers_file]
        missing = [f for f in wanted if f not in result.files]
        from patforge import codecheck, suites

        problems: list[Diagnostic] = []
        if missing:
            problems.append(error(f"template did not produce {', '.join(missing)}", pattern=unit.pattern,
                                  code="render-incomplete", hint="the template and patforge disagree on file names"))
        for rel in wanted:
            if rel in result.files:
                problems += codecheck.check_text(rel, result.files[rel].decode("utf-8", "replace"))
        problems += suites.validate_unit(unit, result.files, self.ws)
        errors = [d for d in problems if d.is_error]
        self.report.diagnostics.extend(d for d in problems if not d.is_error)
        if errors:
            self.report.diagnostics.extend(errors)
            self.outcome(phase, unit.kind, unit.pattern, FAILED, unit.files,
                         f"validation failed ({len(errors)} problem(s)); nothing written for this unit")
            return None
        paths = wanted if status == "render" else [f for f in wanted if not self.ws.exists(f)]
        for rel in paths:
            self.ws.stage(rel, result.files[rel], unit.kind)
        return paths


class _PoolCloser:
    def close(self) -> None:
        shutdown_pool()


def _yaml_round_trip(answers: dict[str, Any]) -> Any:
    """The answers as they read back from an answers file: PyYAML does not round-trip
    every character (a raw U+0085 in a quoted scalar comes back as a space), so the
    comparison falls back to the same dump (Copier's ``to_nice_yaml``) and load."""
    from jinja2_ansible_filters.core_filters import to_nice_yaml  # what answers.jinja uses

    return yaml.load(to_nice_yaml(answers), Loader=_FAST_LOADER)


def render(repo: Path, options: RenderOptions | None = None) -> RenderReport:
    from patforge import noop

    options = options or RenderOptions()
    replayed = noop.replay(Path(repo), options)  # nothing changed since the last full render
    return replayed if replayed is not None else Renderer(repo, options).run()
