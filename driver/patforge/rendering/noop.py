"""render's no-op fast path, on the manifest (manifest.py).

``replay`` answers a full ``render`` whose inputs and outputs are all as the last
full render left them, without loading the registry or building a unit.
``record`` writes the manifest at the end of a full render that ended cleanly.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any
from types import SimpleNamespace

from patforge.rendering.manifest import Manifest, Recorder, code_fingerprint, listing_digest, unchanged
from patforge import __version__
from patforge.diagnostics import diag_from_dict
from patforge.repository.config import CONFIG_FILE
from patforge.repository.layout import ANSWERS_DIR, REPO_BUNDLE

if TYPE_CHECKING:
    from patforge.repository.registry import Pattern, Registry
    from patforge.rendering.options import RenderOptions
    from patforge.rendering.report import RenderReport

#: Diagnostics about the run itself, not the repository: never replayed.
_RUN_ONLY = ("completed an interrupted run",)


def eligible(options: "RenderOptions") -> bool:
    """Only a full render (every phase, pattern and kind, writing) is recorded or replayed."""
    # why: start-up time: loaded only when eligible() runs, not when the module is imported
    from patforge.rendering.report import PHASES

    return (set(options.phases) == set(PHASES) and not options.only and not options.kinds
            and not options.exclude and not options.dry_run and not options.keep_diffs
            and not options.all_or_nothing and options.unit_filter is None and options.create_mapping)


def context(options: "RenderOptions") -> dict[str, Any]:
    """What decides a render besides the recorded files."""
    # why: start-up time: loaded only when context() runs, not when the module is imported
    from patforge.rendering.template_source import shipped_bundle

    try:
        st = os.stat(shipped_bundle())
        shipped: list[Any] = [st.st_size, st.st_mtime_ns]
    except OSError:
        shipped = []
    return {"patforge": code_fingerprint(), "patforge_version": __version__, "template": options.template,
            "vcs_ref": options.vcs_ref, "shipped_bundle": shipped}


def replay(repo: Path, options: "RenderOptions") -> "RenderReport | None":
    """The report of a render that would change nothing, or None (run it in full)."""
    if not eligible(options):
        return None
    # why: start-up time: loaded only when replay() runs, not when the module is imported
    from patforge.transaction.lock import RepoLock
    from patforge.transaction.state import state_dir

    repo = Path(repo)
    if not repo.is_dir():
        return None
    state = state_dir(repo)
    with RepoLock(repo, "render"):
        m = unchanged(repo, state, context(options))
    if m is None:
        return None
    return _report(repo, m)


def replay_run(repo: Path, options: "RenderOptions") -> "RenderReport | None":
    """``replay`` as a render run: the replayed report, noted for ``patforge rollback``
    (this run wrote nothing) and ``render --failed``; None: run the render in full."""
    report = replay(repo, options)
    if report is None:
        return None
    # why: start-up time: loaded only when a no-op is replayed, not when the module is imported
    from patforge.rendering import failed_units
    from patforge.transaction.rollback import note_noop

    note_noop(repo, "render")
    failed_units.save(report.repo, report)
    return report


def _report(repo: Path, m: Manifest) -> "RenderReport":
    # why: start-up time: loaded only when _report() runs, not when the module is imported
    from patforge.rendering.report import GENERATED, SKIPPED, Outcome, RenderReport
    from patforge.rendering.template_source import TemplateSource

    t = m.report["template"]
    report = RenderReport(repo=repo, dry_run=False,
                          template=TemplateSource(t["location"], t["record"], t["ref"], tuple(t["tags"]),
                                                  tuple(t.get("notes", ()))))
    report.mapping = m.report["mapping"]
    report.notes = list(m.report.get("notes", []))
    report.diagnostics.extend(diag_from_dict(d) for d in m.report["diagnostics"])
    for u in m.units.values():
        status = SKIPPED if u["status"] == GENERATED else u["status"]
        report.outcomes.append(Outcome(u["phase"], u["kind"], u["pattern"], status,
                                       u["files"] if status == SKIPPED else [], u.get("message", "")))
    return report


def record(repo: Path, registry: "Registry", patterns: "list[Pattern]",
           unit_records: dict[tuple[int, str, str], tuple[list[str], str | None]], report: "RenderReport",
           options: "RenderOptions", recorder: Recorder) -> None:
    """Write the manifest after a full render that failed nowhere. ``unit_records``:
    every unit classified, in order (``RenderSession.unit_records``)."""
    # why: start-up time: loaded only when record() runs, not when the module is imported
    from patforge import kinds
    from patforge.docids.existing import MAPPING_FILES
    from patforge.rendering.output_hashes import hashes_path
    from patforge.rendering.report import GENERATED, HAND_WRITTEN, SKIPPED, STATUSES, UPDATED
    from patforge.rendering.template_source import recorded_sources
    from patforge.transaction.state import state_dir

    if report.failed or report.template is None or report.template.record != REPO_BUNDLE:
        return  # another template source can gain tags unseen: always run in full
    m = recorder.manifest
    m.context = context(options)
    # inputs of every unit: the registry, the configuration, the template history, and
    # the doc_id mappings existing doc_ids are read from (docmap.py writes one of them)
    for rel in (registry.path, CONFIG_FILE, REPO_BUNDLE, *MAPPING_FILES):
        recorder.stamp(rel, by_content=True)
        m.inputs.append(rel)
    by_name = {p.name: p for p in patterns}
    for p in patterns:
        recorder.stamp(p.spec_path, by_content=True)
        m.inputs.append(p.spec_path)
        if p.spec_file != p.spec_path:  # read where it was found (spec/place.py)
            recorder.stamp(p.spec_file, by_content=True)
            m.inputs.append(p.spec_file)
    outcomes = {(o.phase, o.kind, o.pattern): o for o in report.outcomes
                if o.status in STATUSES and o.status != UPDATED}
    # In the order units are classified: a rerun reports them in that order.
    for key, (files, answers) in unit_records.items():
        o = outcomes.get(key)
        if o is None:
            continue
        p = by_name.get(o.pattern)
        managed = [answers, hashes_path(answers)] if answers else []  # with its output hashes
        if o.status == HAND_WRITTEN:
            present = [f for f in files if (repo / f).is_file()]
            for f in managed:  # the answers file's absence decides too
                recorder.stamp(f)
            for f in present:  # presence decides
                recorder.stamp(f, by_content=True)
            m.inputs += present
        else:
            for f in [*files, *managed]:
                recorder.stamp(f)
        kind = kinds.by_name(o.kind) if o.kind in kinds.names() else None  # the mapping step is none
        if kind is not None and p is not None:
            read_files, read_folders = kind.inputs(p)
            for f in read_files:
                recorder.stamp(f, by_content=True)
                m.inputs.append(f)
            for folder in read_folders:
                m.dirs[folder] = listing_digest(repo / folder)
        m.units[f"{o.pattern}/{o.kind}"] = {
            "phase": o.phase, "kind": o.kind, "pattern": o.pattern,
            # what the next run reports: a unit rendered now is up to date then
            "status": SKIPPED if o.status in (SKIPPED, GENERATED) else o.status,
            "message": "" if o.status in (SKIPPED, GENERATED) else o.message,
            "files": files, "answers": answers}
    m.dirs[ANSWERS_DIR] = listing_digest(repo / ANSWERS_DIR)
    t = report.template
    m.report = {"template": {"location": t.location, "record": t.record, "ref": t.ref, "tags": list(t.tags),
                             "notes": list(t.notes)},
                "mapping": [{**row, "source": "registry"} for row in report.mapping],
                "notes": _next_notes(registry, patterns),
                "diagnostics": [d.to_dict() for d in report.diagnostics
                                if not d.message.startswith(_RUN_ONLY)]}
    try:
        m.save(state_dir(repo))
    except OSError:
        pass  # only costs time on the next run
    # what every answers file records as its source, for the next `new` (source_index)
    recorded_sources(repo, index=True)


def _next_notes(registry: "Registry", patterns: "list[Pattern]") -> list[str]:
    """The notes the next run reports: this run's, except that the doc_id rule is then
    inferred from every pattern's doc_id, each of which the registry now holds."""

    # why: start-up time: loaded only when _next_notes() runs, not when the module is imported
    from patforge.docids.existing import infer_rule
    from patforge.repository.entrypaths import backslash_note

    notes = [n for n in [backslash_note(registry.entries)] if n]
    view = SimpleNamespace(config=registry.config, entries=registry.entries)  # infer_rule sets .config
    rule = infer_rule(view, [(registry.doc_id_for(p), p.pattern_id) for p in patterns])
    return notes + ([rule] if rule else [])
