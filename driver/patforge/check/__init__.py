"""``patforge check``: PAT-CHECK-001 / ID-SYSTEM-SPEC-V1 compliance of a pattern repository.

Every rule of compliance-rules.md is judged under its own ID (``rules.py`` is the
table); four extra checks carry ``PATFORGE-`` IDs:

* ``PATFORGE-REGISTRY`` (MUST): entries are usable (mapping, well-formed pattern_id,
  safe unique name and pattern_id, spec agrees with its entry);
* ``PATFORGE-SCHEMA-VALID`` (MUST): a schema is JSON and a valid JSON Schema;
* ``PATFORGE-EXAMPLE-VALID`` (MUST): each example is JSON and validates against its
  pattern's schema (kept apart from -052, which is about doc_ids only);
* ``PATFORGE-SPEC-SCHEMA`` (SHOULD): a spec validates against the repository's
  ``schema/pattern_spec.v1.json``; judged only when the repository has that file.

Results: one record per (rule, pattern) -- per root for the root rules, one for the
repository rules -- with status PASS, FAIL (a MUST rule does not hold), WARN (a SHOULD
rule does not hold; FAIL under ``strict``) or SKIP (not judged, and why: e.g. -042
when the executor does not exist, which -040 reports). A record carries every finding
behind its status. Exit code: 0 compliant, 1 any FAIL; the CLI exits 2 when the check
cannot run (missing repository folder, broken patforge.toml, unreadable registry,
bad options). A registry that is missing or is not valid YAML is a -010 FAIL.

``fix`` repairs what is mechanical, with Phase 1 of ``render`` (the same code:
``patforge.render.Renderer``): missing doc_id in registry entries and specs, missing
role / schema_ref / executor_ref in specs, missing schema sidecars (and the examples
index render writes with them), missing DOC_LINK headers in executors; plus, with the
same pure insertion (``patforge.doclink.insert_doc_link``, ``Renderer.edit_registry``),
missing DOC_LINK headers in ``.py`` / ``.ps1`` test files and test_path / example_dir
for files that already exist at the conventional place. It never changes a doc_id that
is present, and skips a pattern whose registry entry lacks a doc_id while its
artifacts already carry a different one (a person decides). ``dry_run`` plans the same
changes and writes nothing; the report is then the state before the changes.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from patforge import __version__
from patforge.changes import FileChange
from patforge.config import load_config
from patforge.diagnostics import Diagnostic, DiagnosticList, Severity
from patforge.errors import RegistryError, UsageError
from patforge.registry import load_registry

from patforge.check import checks
from patforge.check.resolve import Files, doc_link_language, read_schema_index
from patforge.check.rules import (FAIL, MUST, PASS, RULES, RULES_BY_ID, SHOULD, SKIP, STATUSES, WARN, Finding,
                                  select_rules, worst)

__all__ = ["CheckOptions", "CheckResult", "Finding", "Record", "RuleSummary", "run_check", "RULES"]

REPORT_FORMAT = "patforge-check-report"
REPORT_FORMAT_VERSION = 1
#: Rules still reported under ``only``: without them nothing else means anything.
_PREREQUISITES = {"PAT-CHECK-001-001", "PAT-CHECK-001-002", "PAT-CHECK-001-010"}


@dataclass
class CheckOptions:
    only: tuple[str, ...] = ()  # pattern names
    rules: tuple[str, ...] = ()  # rule IDs or unique suffixes ("011")
    strict: bool = False  # SHOULD findings fail too
    fix: bool = False
    dry_run: bool = False


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
class CheckResult:
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

    @property
    def failed(self) -> bool:
        return any(r.status == FAIL for r in self.records)

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0

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
            "repository": {"path": str(self.repo), "commit": self.commit, "registry": self.registry_path,
                           "roots": list(self.roots)},
            "options": {"strict": self.options.strict, "only": list(self.options.only),
                        "rules": list(self.options.rules), "fix": self.options.fix,
                        "dry_run": self.options.dry_run},
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


# -- running ---------------------------------------------------------------------------------

def run_check(repo: Path, options: CheckOptions | None = None) -> CheckResult:
    """Check ``repo``; with ``options.fix``, repair first (Phase 1 code) and check again."""
    options = options or CheckOptions()
    if options.dry_run and not options.fix:
        raise UsageError("--dry-run only applies to --fix", hint="add --fix, or drop --dry-run")
    try:
        selected = select_rules(options.rules)
    except ValueError as exc:
        raise UsageError(str(exc), hint="rule IDs are listed by `patforge check --help`, e.g. "
                                        "PAT-CHECK-001-041 (or just 041)") from None
    repo = Path(repo)
    ctx = _prepare(repo)
    _check_only(ctx, options)
    if not options.fix:
        return _result(ctx, options, selected)
    changes, diags = _fix(ctx, options)
    if not options.dry_run and changes:
        ctx = _prepare(repo)
    result = _result(ctx, options, selected)
    result.fix_changes, result.fix_diagnostics, result.fix_applied = changes, diags, True
    return result


def _prepare(repo: Path) -> checks.Ctx:
    config = load_config(repo)
    files = Files(repo)
    registry, problem = None, None
    try:
        registry = load_registry(repo, config)
    except RegistryError as exc:
        d = exc.diagnostics[0] if exc.diagnostics else None
        if d is None or d.code in ("file-unreadable",):
            raise
        problem = d
    ctx = checks.Ctx(repo, config, files, registry, problem)
    if registry is not None:
        files.seed_yaml(registry.path, registry.doc)
    checks.build_items(ctx)
    checks.index_tests(ctx)
    ctx.schema_index = read_schema_index(files, config.registry)
    for item in ctx.items:
        if item.pattern is not None:
            ctx.suites[item.label] = checks.resolve_suite(ctx, item)
    checks.load_spec_validator(ctx)
    checks.load_baseline(ctx)
    return ctx


def _check_only(ctx: checks.Ctx, options: CheckOptions) -> None:
    if not options.only:
        return
    known = {it.label for it in ctx.items} | {it.entry.get("name") for it in ctx.items
                                              if isinstance(it.entry, dict)}
    unknown = [n for n in options.only if n not in known]
    if unknown:
        raise UsageError(f"--only: no registry entry named {', '.join(unknown)}",
                         hint="names are the registry's `name:` fields")


def _selected_item(item: checks.Item, only: tuple[str, ...]) -> bool:
    name = item.entry.get("name") if isinstance(item.entry, dict) else None
    return item.label in only or name in only


def _result(ctx: checks.Ctx, options: CheckOptions, selected: list[str] | None) -> CheckResult:
    findings = checks.evaluate(ctx)
    if options.only:
        keep = {it.label for it in ctx.items if _selected_item(it, options.only)}
        findings = [f for f in findings if f.pattern in keep or (f.pattern is None and f.rule in _PREREQUISITES)]
    if selected is not None:
        findings = [f for f in findings if f.rule in selected]
    if options.strict:
        findings = [Finding(f.rule, FAIL, f.pattern, f.root, f.path, f.line, f.message, f.hint)
                    if f.status == WARN else f for f in findings]
    findings.sort(key=Finding.sort_key)
    groups: dict[tuple, list[Finding]] = {}
    for f in findings:
        groups.setdefault((f.rule, f.pattern, f.root if f.pattern is None else None), []).append(f)
    records = []
    for (rule, pattern, _), group in groups.items():
        status = worst([f.status for f in group])
        problems = [f for f in group if f.status != PASS] or group
        records.append(Record(rule, status, pattern, group[0].root, problems))
    summaries = []
    for rule in RULES:
        if selected is not None and rule.id not in selected:
            continue
        mine = [r for r in records if r.rule == rule.id]
        counts = {s: sum(1 for r in mine if r.status == s) for s in STATUSES}
        status = FAIL if counts[FAIL] else WARN if counts[WARN] else PASS if counts[PASS] else SKIP
        summaries.append(RuleSummary(rule.id, rule.level, rule.title, rule.source, status, counts))
    judged = [it for it in ctx.items if not options.only or _selected_item(it, options.only)]
    return CheckResult(
        repo=ctx.repo.resolve(), options=options, findings=findings, records=records, rules=summaries,
        roots=list(ctx.roots), registry_path=ctx.reg_path, patterns=len(judged), commit=ctx.commit,
        generated_at=_dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z"))


# -- --fix -----------------------------------------------------------------------------------

def _fix(ctx: checks.Ctx, options: CheckOptions) -> tuple[list[FileChange], list[Diagnostic]]:
    """Phase 1 of render (the same code), then the two repairs it does not cover."""
    from patforge.doclink import insert_doc_link
    from patforge.render import Renderer, RenderOptions
    from patforge.units import answers_path

    diags = DiagnosticList()
    if ctx.registry is None:
        diags.add(Diagnostic(Severity.ERROR, "the registry cannot be loaded, so nothing can be fixed",
                             path=ctx.reg_path, hint="fix PAT-CHECK-001-010 first"))
        return [], diags.items
    usable = {p.index for p in ctx.registry.patterns}  # what render itself works on
    sound = [it for it in ctx.items if it.pattern is not None and it.index in usable
             and (not options.only or _selected_item(it, options.only))]
    if not sound:
        return [], diags.items
    held = _conflicting(ctx, sound)
    renderer = Renderer(ctx.repo, RenderOptions(phases=(1,), keep_diffs=True, only=tuple(it.pattern.name for it in sound),
                                                dry_run=options.dry_run, create_mapping=False))
    renderer.patterns = [p for p in renderer.patterns if p.name not in held]
    for name, why in sorted(held.items()):
        diags.add(Diagnostic(Severity.WARNING, f"{name}: not fixed: {why}", path=ctx.reg_path, pattern=name,
                             hint="add the doc_id you choose to the registry entry by hand, then run --fix again"))
    report = renderer.run()
    diags.extend(report.diagnostics)
    ws = renderer.ws
    # DOC_LINK headers in test files (.py / .ps1): the same insertion as executors get.
    by_name = {it.pattern.name: it for it in sound}
    record: dict[str, list[tuple[str, str]]] = {}
    for p in renderer.patterns:
        item = by_name.get(p.name)
        s = ctx.suites.get(item.label) if item else None
        if s is None:
            continue
        if not ws.exists(answers_path(p.name, "tests")):
            for rel in s.test_files:
                lang = doc_link_language(PurePosixPath(rel).suffix)
                text = ws.read_text(rel)
                if lang is None or text is None:
                    continue
                new = insert_doc_link(text, lang, renderer.doc_id(p), p.name, p.pattern_id)
                if new is not None:
                    ws.stage(rel, new.encode("utf-8"), "DOC_LINK")
                    report.changes += ws.land([rel])
        # record test_path / example_dir that already exist where render would put them
        if p.test_path is None:
            named = s.named_tests
            target = p.default_test_path() if ws.exists(p.default_test_path()) else (
                named[0] if len(named) == 1 else None)
            if target:
                record.setdefault(p.name, []).append(("test_path", target))
        if p.example_dir is None and s.examples and s.example_dir == p.default_example_dir():
            record.setdefault(p.name, []).append(("example_dir", s.example_dir))
    if record:
        renderer.edit_registry(record, after=("executor_path", "schema_path", "spec_path"),
                               reason="artifact paths")
    return list(report.changes), list(diags.items)


def _conflicting(ctx: checks.Ctx, items: list[checks.Item]) -> dict[str, str]:
    """Patterns whose entry lacks a doc_id while an artifact carries another one than
    the derived doc_id: inserting the derived one would take a side, so a person decides."""
    held: dict[str, str] = {}
    for it in items:
        if it.entry.get("doc_id") not in (None, ""):
            continue
        derived = ctx.derived(it)
        s = ctx.suites.get(it.label)
        if s is None or derived is None:
            continue
        others = sorted({src.doc_id for src in checks.suite_sources(ctx, it, s)[1:]
                         if src.doc_id is not None and src.doc_id != derived})
        if others:
            held[it.pattern.name] = (f"the registry entry has no doc_id and its artifacts carry "
                                     f"{', '.join(others)}, not the derived {derived}")
    return held
