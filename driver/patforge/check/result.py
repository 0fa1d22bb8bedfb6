"""What a check run returns: its options, one record per (rule, pattern), one summary per rule.

``CheckResult.to_dict()`` is the JSON report (docs/check-report.schema.json); the
reporters (``check/reporters/``) turn a result into every other format.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from patforge.exitcodes import ExitOnFailure
from patforge import __version__
from patforge.transaction.changes import FileChange
from patforge.diagnostics import Diagnostic
from patforge.reports.json_header import FORMAT_VERSIONS

from patforge.check.rules import FAIL, MUST, RULES_BY_ID, SHOULD, STATUSES, WARN, Finding

REPORT_FORMAT = "patforge-check-report"
REPORT_FORMAT_VERSION = FORMAT_VERSIONS["check"]


@dataclass
class CheckOptions:
    only: tuple[str, ...] = ()  # pattern names
    rules: tuple[str, ...] = ()  # rule IDs or unique suffixes ("011")
    strict: bool = False  # SHOULD findings fail too
    #: SHOULD rules that fail like MUST rules (IDs or unique suffixes): a team's own gate
    blocking: tuple[str, ...] = ()
    fix: bool = False
    dry_run: bool = False
    #: changed files (pre-commit): check only the patterns they belong to (check/incremental.py)
    files: tuple[str, ...] = ()
    #: pre-commit: the files deleted in git's index are changed files too; none: no pattern
    staged: bool = False


@dataclass
class Record:
    """Everything judged for one (rule, pattern) pair (pattern None: repository or root)."""

    rule: str
    status: str
    pattern: str | None
    root: str | None
    findings: list[Finding]

    @property
    def level(self) -> str:
        return RULES_BY_ID[self.rule].level

    @property
    def primary(self) -> Finding:
        return next(f for f in self.findings if f.status == self.status)

    def to_dict(self) -> dict[str, Any]:
        p = self.primary
        return {"rule": self.rule, "level": self.level, "status": self.status, "pattern": self.pattern,
                "root": self.root, "path": p.path, "line": p.line, "message": p.message, "hint": p.hint,
                "findings": [f.to_dict() for f in self.findings]}


@dataclass
class RuleSummary:
    id: str
    level: str
    title: str
    source: str
    status: str
    counts: dict[str, int]  # PASS/FAIL/WARN/SKIP -> records

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "level": self.level, "title": self.title, "source": self.source,
                "status": self.status, "counts": {s.lower(): self.counts.get(s, 0) for s in STATUSES}}


@dataclass
class CheckResult(ExitOnFailure):
    repo: Path
    options: CheckOptions
    findings: list[Finding]  # every judgement, sorted (rule, pattern, ...)
    records: list[Record]
    rules: list[RuleSummary]
    roots: list[str]
    registry_path: str
    patterns: int  # registry entries judged
    commit: str | None = None
    generated_at: str = ""
    fix_changes: list[FileChange] = field(default_factory=list)
    fix_diagnostics: list[Diagnostic] = field(default_factory=list)
    fix_applied: bool = False  # True once --fix ran (also when it had nothing to do)
    notes: list[str] = field(default_factory=list)  # what was inferred or normalised (said once)
    #: pattern label -> matrix column -> what is on disk (the HTML report's cells, check/matrix.py)
    artifacts: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: ``check FILE...``: what the files selected (None: the whole repository was asked for)
    incremental: Any = None
    #: pattern label -> the registry's doc_id (as written; the HTML report's doc_id column)
    doc_ids: dict[str, str] = field(default_factory=dict)
    #: pattern label ("(repository)": the repository's files) -> kind -> its ``UnitState`` as
    #: `patforge status` classifies it (empty when nothing was rendered; check/rendered.py)
    drift: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        return any(r.status == FAIL for r in self.records)

    @property
    def verdict(self) -> str:
        return "NON-COMPLIANT" if self.failed else "COMPLIANT"

    def counts(self) -> dict[str, int]:
        out = {s: 0 for s in STATUSES}
        for r in self.records:
            out[r.status] += 1
        return out

    def rule_counts(self) -> dict[str, int]:
        out = {s: 0 for s in STATUSES}
        for r in self.rules:
            out[r.status] += 1
        return out

    def to_dict(self) -> dict[str, Any]:
        """The JSON report (docs/check-report.schema.json describes it)."""
        rc, c = self.rule_counts(), self.counts()
        return {
            "format": REPORT_FORMAT,
            "format_version": REPORT_FORMAT_VERSION,
            "tool": {"name": "patforge", "version": __version__},
            "generated_at": self.generated_at,
            "notes": list(self.notes),
            "repository": {"path": str(self.repo), "commit": self.commit, "registry": self.registry_path,
                           "roots": list(self.roots)},
            "options": {"strict": self.options.strict, "only": list(self.options.only),
                        "rules": list(self.options.rules), "fix": self.options.fix,
                        "dry_run": self.options.dry_run, "files": list(self.options.files)},
            "incremental": None if self.incremental is None else {
                "files": self.incremental.files, "unmatched": self.incremental.unmatched,
                "all_because": self.incremental.why_all or None},
            "verdict": self.verdict,
            "exit_code": self.exit_code,
            "summary": {
                "patterns": self.patterns,
                "rules": {"total": len(self.rules), **{s.lower(): rc[s] for s in STATUSES}},
                "results": {"total": len(self.records), **{s.lower(): c[s] for s in STATUSES}},
                "must_failures": sum(1 for r in self.records if r.status == FAIL and r.level == MUST),
                "should_warnings": sum(1 for r in self.records if r.level == SHOULD and r.status in (WARN, FAIL)),
            },
            "rules": [r.to_dict() for r in self.rules],
            "results": [r.to_dict() for r in self.records],
            "fix": None if not self.options.fix else {
                "dry_run": self.options.dry_run,
                "changes": [{"path": ch.path, "new": ch.is_new, "reason": ch.reason, "diff": ch.diff()}
                            for ch in self.fix_changes],
                "diagnostics": [d.to_dict() for d in self.fix_diagnostics],
            },
        }
