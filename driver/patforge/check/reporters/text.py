"""``--format text``: a report a person can read, at three levels of detail.

* ``summary`` (default): the verdict and totals first (line 1 is the verdict); then
  the top causes (rule x how many patterns, the one fix that repairs most of them,
  with an example it is for); then the failing patterns grouped by their first fix
  (one fix per entry, each entry named once); then repository- and root-level
  findings, collapsed per rule. Capped, and every message cut at about 200
  characters, so a repository with thousands of failures still fits a screenful or
  two; ``--verbose`` keeps the rest.
* ``verbose`` (``--verbose``): every rule, and under it every FAIL/WARN finding with
  file:line; identical hints are printed once, with how many findings they fix.
* ``quiet``: only the verdict line (``-q`` prints it on stderr, and only when not compliant).

JSON, JUnit and SARIF stay complete whatever the level.
"""

from __future__ import annotations

import re
import secrets
from typing import Callable

import click

from patforge.reports.diffview import change_stats, colorize, stat_block
from patforge.reports.escaping import visible

from patforge.check.reporters.base import Reporter, record_name, register
from patforge.check.reporters.causes import TOP_CAUSES, problems, template, top_causes
from patforge.check.result import CheckResult, Record
from patforge.check.rules import FAIL, MUST, PASS, SKIP, STATUSES, WARN, Finding

_COLORS = {PASS: "green", FAIL: "red", WARN: "yellow", SKIP: None}
BLOCKED = "render cannot produce it"  # check/blockers.py
MAX_GROUPS = 40
#: a message longer than this is cut in the summary (the rest under --verbose)
MAX_MESSAGE = 200
MAX_NAMES = 160  # characters of pattern names listed under a group
_ID = re.compile(r"\b(?:DOC|PAT)-[A-Z0-9]+(?:-[A-Z0-9]+)*\b")
Style = Callable[..., str]


@register
class TextReporter(Reporter):
    name = "text"

    def render(self, result: CheckResult) -> str:
        return "\n".join(visible(line) for line in text_lines(result, _plain, self.detail)) + "\n"

    def show(self, result: CheckResult) -> None:
        # Every line is escaped (escaping.visible: a value with a newline or an ESC
        # stays on its line, shown escaped) before the colours go in: the styled
        # words are patforge's own, so they are marked, escaped as plain text, and
        # only then replaced by their escape codes. The nonce keeps a value from
        # spelling a marker.
        nonce = secrets.token_hex(8)
        spans: list[str] = []

        def mark(s: str, **kw: object) -> str:
            spans.append(click.style(visible(s), **kw))  # type: ignore[arg-type]
            return f"<{nonce}:{len(spans) - 1}>"

        marker = re.compile(f"<{nonce}:(\\d+)>")
        for line in text_lines(result, mark, self.detail):
            click.echo(marker.sub(lambda m: spans[int(m.group(1))], visible(line)))


def _plain(s: str, **_: object) -> str:
    return s


def text_lines(result: CheckResult, style: Style, detail: str = "summary") -> list[str]:
    if detail == "quiet":
        return [verdict_line(result, style)]
    out: list[str] = []
    if result.fix_applied:
        out += _fix_lines(result, style)
    out.append(verdict_line(result, style))
    out += _head(result, cut=detail != "verbose")
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
    if should and result.options.strict:
        detail.append(f"{len(should)} SHOULD rule(s) fail (strict)")
    elif should:
        blocked = [s for s in should if s.status == FAIL]  # --blocking
        if blocked:
            detail.append(f"{len(blocked)} SHOULD rule(s) fail (blocking)")
        if len(blocked) < len(should):
            detail.append(f"{len(should) - len(blocked)} SHOULD rule(s) warn")
    verdict = style(result.verdict, fg="red" if result.failed else "green", bold=True)
    return f"Verdict: {verdict} ({'; '.join(detail)})"


def _cut(text: str, limit: int = MAX_MESSAGE) -> str:
    """``text``, or its first ``limit`` characters and where the rest is."""
    return text if len(text) <= limit else text[:limit].rstrip() + " ... (--verbose)"


def _head(result: CheckResult, cut: bool = False) -> list[str]:
    rc, c = result.rule_counts(), result.counts()
    out = [f"Totals: {len(result.rules)} rules: " + ", ".join(f"{rc[s]} {s}" for s in STATUSES)
           + f" | {len(result.records)} results: " + ", ".join(f"{c[s]} {s.lower()}" for s in STATUSES),
           f"Repository: {result.repo}; registry {result.registry_path}; roots: {', '.join(result.roots)}"
           + ("; strict: SHOULD rules fail" if result.options.strict else "")
           + (f"; blocking: {', '.join(result.options.blocking)}"
              if result.options.blocking and not result.options.strict else "")]
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
    out += [f"note: {_cut(n) if cut else n}" for n in getattr(result, "notes", [])]
    return out


# -- summary -------------------------------------------------------------------------------------

_template, _problems = template, problems


def _summary(result: CheckResult, style: Style) -> list[str]:
    out: list[str] = []
    per_pattern = _failing_patterns(result)
    causes = top_causes(result)
    if causes:
        out += ["", "Top causes (rule x patterns; the one fix that repairs most of them):"]
        for c in causes[:TOP_CAUSES]:
            status = style(f"{c.status:<4}", fg=_COLORS[c.status])
            loc = c.location
            example = f" (e.g. {c.example})" if c.example else ""
            out.append(_cut(f"  {status} {c.rule} x {c.count}{example}: {loc + ': ' if loc else ''}{c.message}"))
            if c.fix:
                out.append(_cut(f"       fix ({c.fixes} of {c.count}): {_fix_first(c.fix)}"))
        if len(causes) > TOP_CAUSES:
            out.append(f"  ... and {len(causes) - TOP_CAUSES} more rule(s) (--verbose)")
    if per_pattern:
        out += _groups(per_pattern, style)
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
            out.append(_cut(f"  {mark} {r.rule} {record_name(r)}: {what}"))
            if probs and probs[0].hint:
                out.append(_cut(f"       fix: {probs[0].hint}"))
    out += ["", "Details: `patforge check --verbose` (every finding with file:line); `--format json` for tools."]
    return out


def _fix_first(fix: str) -> str:
    """A blocker's hint with the fix first and why render is blocked after it (the why
    is what a cut line loses)."""
    if fix.startswith(BLOCKED + ": ") and " -- " in fix:
        why, _, todo = fix[len(BLOCKED) + 2:].rpartition(" -- ")
        why = why.removeprefix("the registry entry cannot be used: ")
        return f"{todo} (render is blocked until then: {why})"
    return fix


def _groups(per_pattern: dict[str, list[Record]], style: Style) -> list[str]:
    """The failing patterns grouped by their first fix: the fix once (as the first
    pattern's own), then every other pattern it is for."""
    groups: dict[tuple[str, str], list[tuple[str, list[Record], str]]] = {}
    for name, records in per_pattern.items():
        records = sorted(records, key=_fix_order)
        problems = [f for r in records for f in _problems(r)]
        # what blocks render comes first: the other fixes wait for it
        first = next((f for f in problems if (f.hint or "").startswith(BLOCKED)), problems[0])
        fix = first.hint or first.message
        status = FAIL if any(r.status == FAIL for r in records) else WARN
        groups.setdefault((status, _template(fix, name)), []).append((name, records, fix))
    ranked = sorted(groups.items(), key=lambda kv: (kv[0][0] != FAIL, -len(kv[1]), kv[1][0][0]))
    out = ["", f"Patterns with findings ({len(per_pattern)}, {len(groups)} fix(es); name: failing rules -- "
               "first fix):"]
    for (status, _), members in ranked[:MAX_GROUPS]:
        name, records, fix = sorted(members, key=lambda m: m[0])[0]
        rules = ", ".join(_short_rule(r) for r in records)
        fix = _fix_first(fix)
        out.append(_cut(f"  {style(status, fg=_COLORS[status])} {name}: {rules} -- {fix}"))
        others = sorted(m[0] for m in members if m[0] != name)
        if others:
            shown = ", ".join(others)
            if len(shown) > MAX_NAMES:
                shown = shown[:MAX_NAMES].rsplit(", ", 1)[0]
                shown += f" and {len(others) - shown.count(', ') - 1} more (--verbose)"
            out.append(f"       the same fix for {len(others)} more: {shown}")
    if len(ranked) > MAX_GROUPS:
        rest = sum(len(m) for _, m in ranked[MAX_GROUPS:])
        out.append(f"  ... and {len(ranked) - MAX_GROUPS} more fix(es) for {rest} pattern(s) (--verbose, or --only NAME)")
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
                count = f" ({len(members)} findings, e.g. for {record_name(members[0][0])})" if len(members) > 1 else ""
                out.append(f"        what to do{count}: {hint}")
    return out


def _fix_lines(result: CheckResult, style: Style) -> list[str]:
    out: list[str] = []
    if result.fix_changes:  # a --stat summary first, then the diffs
        out += stat_block(change_stats(result.fix_changes), style=style).split("\n")  # one line each
    for ch in result.fix_changes:
        if ch.path.endswith(".bundle"):
            out.append(f"--- binary: {ch.path} ({'new' if ch.is_new else 'changed'}): the template history "
                       "render keeps in the repository")
        else:
            out += colorize(ch.diff().rstrip("\n"), style=style).split("\n")
    for d in result.fix_diagnostics:
        out += d.format().split("\n")  # its values are escaped; the hint is its second line
    n = len(result.fix_changes)
    if result.options.dry_run:
        out.append(style(f"--fix --dry-run: {n} file(s) would change; nothing written", bold=True))
    elif n:
        out.append(style(f"--fix: wrote {n} file(s); checking again", bold=True))
    else:
        out.append(style("--fix: nothing to repair mechanically", bold=True))
    out.append("")
    return out
