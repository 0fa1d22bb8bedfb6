"""``--format text``: one line per rule, the FAIL/WARN findings under it, totals, the verdict."""

from __future__ import annotations

from typing import Callable

import click

from patforge.check.reporters import Reporter, problem_lines, record_name, register
from patforge.check.result import CheckResult, Record
from patforge.check.rules import FAIL, MUST, PASS, SKIP, STATUSES, WARN

_COLORS = {PASS: "green", FAIL: "red", WARN: "yellow", SKIP: None}


@register
class TextReporter(Reporter):
    name = "text"

    def render(self, result: CheckResult) -> str:
        return "\n".join(_text_lines(result, lambda s, **kw: s)) + "\n"

    def show(self, result: CheckResult) -> None:
        for line in _text_lines(result, click.style):
            click.echo(line)


def _text_lines(result: CheckResult, style: Callable[..., str]) -> list[str]:
    out: list[str] = []
    if result.fix_applied:
        out += _fix_lines(result, style)
    out.append(style(f"patforge check: {result.repo}", bold=True))
    out.append(f"  registry {result.registry_path}; {result.patterns} pattern(s); roots: {', '.join(result.roots)}"
               + ("; strict: SHOULD rules fail" if result.options.strict else ""))
    if result.options.fix and result.options.dry_run:
        out.append("  (dry run: the results below are the state before the planned changes)")
    out.append("")
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
        for r in records:
            if r.status not in (FAIL, WARN):
                continue
            head = style(r.status, fg=_COLORS[r.status])
            root = f"  [root {r.root}]" if r.root and r.pattern is not None else ""
            out.append(f"    {head} {record_name(r)}{root}")
            out += problem_lines(r, "        ", status=False)
    rc, c = result.rule_counts(), result.counts()
    out.append("")
    out.append(f"Totals: {len(result.rules)} rules: " + ", ".join(f"{rc[s]} {s}" for s in STATUSES)
               + f" | {len(result.records)} results: " + ", ".join(f"{c[s]} {s.lower()}" for s in STATUSES))
    must_fail = [s for s in result.rules if s.status == FAIL and s.level == MUST]
    should = [s for s in result.rules if s.level != MUST and s.status in (WARN, FAIL)]
    detail = []
    if must_fail:
        detail.append(f"{len(must_fail)} MUST rule(s) fail")
    if should:
        detail.append(f"{len(should)} SHOULD rule(s) {'fail (strict)' if result.options.strict else 'warn'}")
    verdict = style(result.verdict, fg="red" if result.failed else "green", bold=True)
    out.append(f"Verdict: {verdict}" + (f" ({'; '.join(detail)})" if detail else ""))
    return out


def _fix_lines(result: CheckResult, style: Callable[..., str]) -> list[str]:
    out: list[str] = []
    for ch in result.fix_changes:
        if ch.path.endswith(".bundle"):
            out.append(f"--- binary: {ch.path} ({'new' if ch.is_new else 'changed'}): the template history "
                       "render keeps in the repository")
        else:
            out.append(ch.diff().rstrip("\n"))
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
