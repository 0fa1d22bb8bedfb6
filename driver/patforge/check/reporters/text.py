"""``--format text``: a report a person can read, at three levels of detail.

* ``summary`` (default): the verdict and totals first (line 1 is the verdict); then
  the top causes (rule x how many patterns, and the one fix that repairs most of
  them); then one line per failing pattern (its failing rules and its first fix);
  then repository- and root-level findings, collapsed per rule. Capped so that a
  repository with thousands of failures still fits a screenful or two.
* ``verbose`` (``--verbose``): every rule, and under it every FAIL/WARN finding with
  file:line; identical hints are printed once, with how many findings they fix.
* ``quiet`` (``-q``): only the verdict line.

JSON, JUnit and SARIF stay complete whatever the level.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Callable

import click

from patforge.reports.diffview import change_stats, colorize, stat_block

from patforge.check.reporters.base import Reporter, problem_lines, record_name, register
from patforge.check.result import CheckResult, Record
from patforge.check.rules import FAIL, MUST, PASS, SKIP, STATUSES, WARN, Finding

_COLORS = {PASS: "green", FAIL: "red", WARN: "yellow", SKIP: None}
TOP_CAUSES = 10
BLOCKED = "render cannot produce it"  # check/blockers.py
MAX_PATTERN_LINES = 200
_ID = re.compile(r"\b(?:DOC|PAT)-[A-Z0-9]+(?:-[A-Z0-9]+)*\b")
Style = Callable[..., str]


@register
class TextReporter(Reporter):
    name = "text"

    def render(self, result: CheckResult) -> str:
        return "\n".join(text_lines(result, _plain, self.detail)) + "\n"

    def show(self, result: CheckResult) -> None:
        for line in text_lines(result, click.style, self.detail):
            click.echo(line)


def _plain(s: str, **_: object) -> str:
    return s


def text_lines(result: CheckResult, style: Style, detail: str = "summary") -> list[str]:
    if detail == "quiet":
        return [verdict_line(result, style)]
    out: list[str] = []
    if result.fix_applied:
        out += _fix_lines(result, style)
    out.append(verdict_line(result, style))
    out += _head(result)
    if detail == "verbose":
        out += _verbose(result, style)
    else:
        out += _summary(result, style)
    return out


# -- the first lines ---------------------------------------------------------------------------

def _failing_patterns(result: CheckResult) -> dict[str, list[Record]]:
    out: dict[str, list[Record]] = {}
    for r in result.records:
        if r.pattern is not None and r.status in (FAIL, WARN):
            out.setdefault(r.pattern, []).append(r)
    return out


def verdict_line(result: CheckResult, style: Style) -> str:
    must_fail = [s for s in result.rules if s.status == FAIL and s.level == MUST]
    should = [s for s in result.rules if s.level != MUST and s.status in (WARN, FAIL)]
    failing = {p for p, rs in _failing_patterns(result).items() if any(r.status == FAIL for r in rs)}
    detail = [f"{result.patterns} pattern(s), {len(failing)} failing"]
    if must_fail:
        detail.append(f"{len(must_fail)} MUST rule(s) fail")
    if should:
        detail.append(f"{len(should)} SHOULD rule(s) {'fail (strict)' if result.options.strict else 'warn'}")
    verdict = style(result.verdict, fg="red" if result.failed else "green", bold=True)
    return f"Verdict: {verdict} ({'; '.join(detail)})"


def _head(result: CheckResult) -> list[str]:
    rc, c = result.rule_counts(), result.counts()
    out = [f"Totals: {len(result.rules)} rules: " + ", ".join(f"{rc[s]} {s}" for s in STATUSES)
           + f" | {len(result.records)} results: " + ", ".join(f"{c[s]} {s.lower()}" for s in STATUSES),
           f"Repository: {result.repo}; registry {result.registry_path}; roots: {', '.join(result.roots)}"
           + ("; strict: SHOULD rules fail" if result.options.strict else "")]
    inc = result.incremental
    if inc is not None:
        scope = (f"every pattern ({inc.why_all})" if inc.indexes is None
                 else f"{result.patterns} pattern(s) they belong to")
        out.append(f"  changed: {len(inc.files)} file(s); checked {scope}")
        if inc.unmatched:
            shown = ", ".join(inc.unmatched[:10]) + (" ..." if len(inc.unmatched) > 10 else "")
            out.append(f"  not checked (no registry entry owns them): {shown}")
    if result.options.fix and result.options.dry_run:
        out.append("(dry run: the results are the state before the planned changes)")
    out += [f"note: {n}" for n in getattr(result, "notes", [])]
    return out


# -- summary -------------------------------------------------------------------------------------

def _template(text: str, pattern: str | None) -> str:
    """A hint with what is particular to one pattern taken out, to count identical fixes."""
    t = _ID.sub("<id>", text)
    if pattern:
        t = t.replace(pattern, "<name>")
    return t


def _problems(r: Record) -> list[Finding]:
    return [f for f in r.findings if f.status in (FAIL, WARN)]


def _summary(result: CheckResult, style: Style) -> list[str]:
    out: list[str] = []
    per_pattern = _failing_patterns(result)
    by_rule: dict[str, list[Record]] = {}
    for r in result.records:
        if r.status in (FAIL, WARN):
            by_rule.setdefault(r.rule, []).append(r)
    if by_rule:
        out += ["", "Top causes (rule x patterns; the one fix that repairs most of them):"]
        ranked = sorted(by_rule.items(), key=lambda kv: (kv[1][0].status != FAIL, -len(kv[1]), kv[0]))
        for rule, records in ranked[:TOP_CAUSES]:
            hints = Counter(_template(f.hint or "", r.pattern) for r in records for f in _problems(r)[:1])
            best, n = hints.most_common(1)[0]
            first = next(f for r in records for f in _problems(r)[:1])
            status = style(f"{records[0].status:<4}", fg=_COLORS[records[0].status])
            # one occurrence: say where it is; several: the pattern lines below name them
            loc = first.location() if len(records) == 1 else ""
            out.append(f"  {status} {rule} x {len(records)}: {loc + ': ' if loc else ''}"
                       f"{_template(first.message, first.pattern)}")
            if best:
                out.append(f"       fix ({n} of {len(records)}): {best}")
        if len(ranked) > TOP_CAUSES:
            out.append(f"  ... and {len(ranked) - TOP_CAUSES} more rule(s) (--verbose)")
    if per_pattern:
        failing = sorted(per_pattern.items(), key=lambda kv: (not any(r.status == FAIL for r in kv[1]), kv[0]))
        out += ["", f"Patterns with findings ({len(failing)}; name: failing rules -- first fix):"]
        for name, records in failing[:MAX_PATTERN_LINES]:
            records = sorted(records, key=_fix_order)
            rules = ", ".join(_short_rule(r) for r in records)
            problems = [f for r in records for f in _problems(r)]
            # what blocks render comes first: the other fixes wait for it
            first = next((f for f in problems if (f.hint or "").startswith(BLOCKED)), problems[0])
            fix = first.hint or first.message
            mark = style(records[0].status, fg=_COLORS[records[0].status])
            out.append(f"  {mark} {name}: {rules} -- {fix}")
        if len(failing) > MAX_PATTERN_LINES:
            out.append(f"  ... and {len(failing) - MAX_PATTERN_LINES} more pattern(s) (--verbose, or --only NAME)")
    repo_level = [r for r in result.records if r.pattern is None and r.status in (FAIL, WARN)]
    if repo_level:
        out += ["", "Repository and roots:"]
        for r in repo_level:
            probs = _problems(r)
            where = f", e.g. {probs[0].location()}" if probs and probs[0].location() else ""
            mark = style(r.status, fg=_COLORS[r.status])
            loc = probs[0].location() if probs else ""
            what = (f"{loc + ': ' if loc else ''}{probs[0].message}" if len(probs) == 1
                    else f"{len(probs)} finding(s){where}")
            out.append(f"  {mark} {r.rule} {record_name(r)}: {what}")
            if probs and probs[0].hint:
                out.append(f"       fix: {probs[0].hint}")
    out += ["", "Details: `patforge check --verbose` (every finding with file:line); `--format json` for tools."]
    return out


#: Which failure to fix first: the entry itself, then the files in the order render makes them.
_FIRST = ("PATFORGE-REGISTRY", "PAT-CHECK-001-011", "PAT-CHECK-001-012", "PAT-CHECK-001-014",
          "PAT-CHECK-001-020", "PAT-CHECK-001-021", "PAT-CHECK-001-013")


def _fix_order(r: Record) -> tuple:
    return (r.status != FAIL, _FIRST.index(r.rule) if r.rule in _FIRST else len(_FIRST), r.rule)


def _short_rule(r: Record) -> str:
    return r.rule.replace("PAT-CHECK-001-", "") + ("" if r.status == FAIL else " (warn)")


# -- verbose -------------------------------------------------------------------------------------

def _verbose(result: CheckResult, style: Style) -> list[str]:
    out = [""]
    by_rule: dict[str, list[Record]] = {}
    for r in result.records:
        by_rule.setdefault(r.rule, []).append(r)
    for summary in result.rules:
        counts = ", ".join(f"{summary.counts[s]} {s.lower()}" for s in STATUSES if summary.counts.get(s))
        status = style(f"{summary.status:<4}", fg=_COLORS[summary.status], bold=summary.status == FAIL)
        out.append(f"{status}  {summary.id:<23} {summary.level:<6}  {summary.title}"
                   + (f"  [{counts}]" if counts else "  [nothing to judge]"))
        records = by_rule.get(summary.id, [])
        if summary.status == SKIP and records:
            out.append(f"      {records[0].primary.message}")
        groups: dict[str, list[tuple[Record, Finding]]] = {}
        for r in records:
            for f in _problems(r):
                groups.setdefault(_template(f.hint or "", r.pattern), []).append((r, f))
        for _, members in groups.items():
            for r, f in members:
                loc = f.location()
                head = style(f.status, fg=_COLORS[f.status])
                out.append(f"    {head} {record_name(r)}: {loc + ': ' if loc else ''}{f.message}")
            hint = members[0][1].hint
            if hint:
                count = f" ({len(members)} findings)" if len(members) > 1 else ""
                shown = hint if len(members) == 1 else _template(hint, members[0][0].pattern)
                out.append(f"        what to do{count}: {shown}")
    return out


def _fix_lines(result: CheckResult, style: Style) -> list[str]:
    out: list[str] = []
    if result.fix_changes:  # a --stat summary first, then the diffs
        out.append(stat_block(change_stats(result.fix_changes), style=style))
    for ch in result.fix_changes:
        if ch.path.endswith(".bundle"):
            out.append(f"--- binary: {ch.path} ({'new' if ch.is_new else 'changed'}): the template history "
                       "render keeps in the repository")
        else:
            out.append(colorize(ch.diff().rstrip("\n"), style=style))
    for d in result.fix_diagnostics:
        out.append(d.format())
    n = len(result.fix_changes)
    if result.options.dry_run:
        out.append(style(f"--fix --dry-run: {n} file(s) would change; nothing written", bold=True))
    elif n:
        out.append(style(f"--fix: wrote {n} file(s); checking again", bold=True))
    else:
        out.append(style("--fix: nothing to repair mechanically", bold=True))
    out.append("")
    return out
