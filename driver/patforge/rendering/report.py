"""What a render run did: one outcome per unit, the changes, the diagnostics.

The model ``render``, ``new`` and ``check --fix`` return and ``reporting`` prints (or
``--json`` dumps); it knows nothing about how units are rendered.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from patforge.exitcodes import ExitOnFailure
from patforge.transaction.changes import FileChange
from patforge.diagnostics import DiagnosticList
from patforge.rendering.template_source import TemplateSource
from patforge.reports.json_header import report_header

PHASES = (1, 2, 3, 4)
PHASE_TITLES = {1: "ID system", 2: "core pattern artifacts", 3: "migrated pattern artifacts",
                4: "repository-level artifacts"}

# Outcome statuses, in the order the summary shows them. A unit render leaves alone is
# named with the state `patforge status` gives it (unitstate.STATES: one vocabulary);
# generated / edited / failed say what this run did. Render does not read managed files
# for hand edits (status does, and says `modified`): to render such a unit is current.
GENERATED, UPDATED, SKIPPED, HAND_WRITTEN, OUTDATED, STALE, FAILED = (
    "generated", "edited", "current", "hand-written", "outdated", "stale", "failed")
STATUSES = (GENERATED, UPDATED, SKIPPED, HAND_WRITTEN, OUTDATED, STALE, FAILED)
#: The statuses of units render leaves for `patforge update` (left as they are).
LAGGING = (OUTDATED, STALE)


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
class RenderReport(ExitOnFailure):
    repo: Path
    dry_run: bool
    template: TemplateSource | None = None
    outcomes: list[Outcome] = field(default_factory=list)
    changes: list[FileChange] = field(default_factory=list)
    diagnostics: DiagnosticList = field(default_factory=DiagnosticList)
    mapping: list[dict[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what was inferred or normalised, once

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

    def outcome(self, phase: int, kind: str, pattern: str, status: str,
                paths: Iterable[str] = (), message: str = "") -> None:
        self.outcomes.append(Outcome(phase, kind, pattern, status, list(paths), message))

    def to_dict(self) -> dict[str, Any]:
        """The ``--json`` report (docs/render-report.schema.json)."""

        return {
            **report_header("render"),
            "repo": str(self.repo),
            "dry_run": self.dry_run,
            "template": None if self.template is None else
            {"source": self.template.record, "version": self.template.ref},
            "ok": not self.failed,
            "doc_id_mapping": self.mapping,
            "notes": list(self.notes),
            "summary": [{"phase": ph, "kind": k, **{s: c.get(s, 0) for s in STATUSES}}
                        for (ph, k), c in self.counts().items()],
            "outcomes": [o.to_dict() for o in self.outcomes],
            "changes": [{"path": c.path, "new": c.is_new, "reason": c.reason} for c in self.changes],
            "diagnostics": [d.to_dict() for d in self.diagnostics.unique()],
        }
