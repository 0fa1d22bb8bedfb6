"""``patforge status``: what lags, without changing anything.

Every render unit (pattern × kind) gets one state from ``unitstate.classify_unit``,
the same function render acts on, so status says exactly what render and update
would do. Status is read-only: it builds each unit's answers in memory (reading the
compile cache, never writing it), reads answers files and output hashes, takes no
lock, and runs on a dirty tree.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from patforge import kinds
from patforge.diagnostics import DiagnosticList
from patforge.kinds import BuildContext
from patforge.reports.json_header import report_header
from patforge.rendering.unitstate import BLOCKED, STATES, UnitState, blocked, classify_unit
from patforge.rendering.compile_cache import CACHE_DIR, CompileCache


@dataclass
class StatusOptions:
    only: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    template: str | None = None


@dataclass
class UnitStatus:
    pattern: str
    kind: str
    state: UnitState

    def to_dict(self) -> dict[str, Any]:
        s = self.state
        return {"pattern": self.pattern, "kind": self.kind, "state": s.state, "detail": s.detail,
                "recorded_version": s.recorded, "newest_version": s.newest, "inputs": list(s.inputs),
                "files": list(s.files)}


@dataclass
class StatusReport:
    repo: Path
    template: str = ""
    newest: str = ""
    units: list[UnitStatus] = field(default_factory=list)
    diagnostics: DiagnosticList = field(default_factory=DiagnosticList)

    @property
    def lagging(self) -> list[UnitStatus]:
        return [u for u in self.units if u.state.lags]

    @property
    def exit_code(self) -> int:
        return 1 if self.lagging else 0

    def counts(self) -> dict[str, Counter]:
        table: dict[str, Counter] = {}
        for u in self.units:
            table.setdefault(u.kind, Counter())[u.state.state] += 1
        return table

    def to_dict(self) -> dict[str, Any]:
        """The ``--json`` report (docs/status-report.schema.json)."""
        return {**report_header("status"), "repo": str(self.repo),
                "template": {"source": self.template, "newest": self.newest},
                "exit_code": self.exit_code,
                "summary": [{"kind": k, **{s: c.get(s, 0) for s in STATES}} for k, c in self.counts().items()],
                "units": [u.to_dict() for u in self.units],
                "diagnostics": [d.to_dict() for d in self.diagnostics]}


def _read_only_cache(repo: Path):
    """The compile cache render keeps, read but never written (status writes nothing:
    not even the state folder is created)."""
    # why: start-up time: loaded only when _read_only_cache() runs, not when the module is imported
    from patforge.transaction.state import git_dir

    gd = git_dir(repo.resolve())
    state = gd / "patforge" if gd is not None and (gd / "patforge" / CACHE_DIR).is_dir() else None
    cache = CompileCache.load(state)
    cache.path = None  # nothing can save it
    return cache


def collect_status(repo: Path, options: StatusOptions | None = None) -> StatusReport:
    """Every unit's state. Parses go through the parse cache check keeps (read, never
    written: status writes nothing), or through check's own when check asks."""
    # why: start-up time: loaded only when collect_status() runs, not when the module is imported
    from patforge.repository import parsecache

    own = None if parsecache.current() is not None or not Path(repo).is_dir() else \
        parsecache.open_for(Path(repo), writable=False)
    with parsecache.active(own):
        return _collect(repo, options or StatusOptions())


def _collect(repo: Path, options: StatusOptions) -> StatusReport:
    # why: start-up time: loaded only when collect_status() runs, not when the module is imported
    from patforge.commands.render import Renderer, RenderOptions

    renderer = Renderer(repo, RenderOptions(only=options.only, kinds=options.kinds, template=options.template,
                                            dry_run=True))
    reg = renderer.registry
    reg.cache = _read_only_cache(renderer.repo)
    report = StatusReport(repo=renderer.repo)
    usable = {p.index for p in reg.patterns}
    for i, entry in enumerate(reg.entries):  # entries the registry refuses cannot be rendered at all
        name = entry.get("name") if isinstance(entry, dict) else None
        if i in usable or (options.only and name not in options.only):
            continue
        why = _entry_problem(reg, i, name)
        report.units.append(UnitStatus(str(name or f"#{i + 1}"), "entry",
                                       blocked(f"the registry entry is not usable: {why}".rstrip(": "))))
    for name, d in sorted(renderer.found_ids.conflicts.items()):  # held out of the run: listed all the same
        report.units.append(UnitStatus(name, "entry", blocked(f"{d.message.split(': ', 1)[-1]} -- {d.hint}")))
    if not renderer.patterns:
        report.diagnostics.extend(renderer.report.diagnostics)
        return report
    source = renderer.session.source
    report.template, report.newest = source.record, source.ref
    ws = renderer.ws
    diags = DiagnosticList()
    chosen = [k for k in kinds.rendered() if renderer.want(k)]
    targets = [(p, k) for p in renderer.patterns for k in chosen if k.scope != kinds.REPOSITORY]
    if not options.only:
        targets += [(None, k) for k in chosen if k.scope == kinds.REPOSITORY]
    for p, kind in targets:
        before = len(diags)
        unit = kind.build(BuildContext(reg, ws, diags, kind.phase(p), renderer.patterns), p)
        name = p.name if p is not None else "(repository)"
        if unit is None:
            # a pattern's problems are reported once, by the first unit that meets them
            mine = [d for d in diags.items[before:] if d.is_error] or \
                [d for d in diags if d.is_error and d.pattern == name]
            state = blocked("; ".join(dict.fromkeys(d.message for d in mine)) or "its answers cannot be built")
        else:
            state = classify_unit(unit, ws, source.ref, edits=True)
        report.units.append(UnitStatus(name, kind.name, state))
    report.diagnostics.extend(d for d in renderer.report.diagnostics if d.is_error)
    report.diagnostics.extend(d for d in diags if d.is_error)
    return report


def _entry_problem(reg: Any, index: int, name: Any) -> str:
    """The registry's error for entry ``index`` itself: of several entries sharing a
    name, each gets its own (the one whose location is that entry's, or names it)."""
    mine = [d for d in reg.diagnostics.errors if d.pattern == name or name is None]
    mark = reg.doc.mark("patterns", index)
    nxt = reg.doc.mark("patterns", index + 1) if index + 1 < len(reg.entries) else None
    if mark is not None:
        inside = [d for d in mine if d.line is not None and d.line >= mark.line
                  and (nxt is None or d.line < nxt.line)]
        if inside:
            return inside[0].message
    named = [d for d in mine if f"#{index + 1}" in d.message]
    return (named or mine or [None])[0].message if (named or mine) else ""


__all__ = ["BLOCKED", "StatusOptions", "StatusReport", "UnitStatus", "collect_status"]
