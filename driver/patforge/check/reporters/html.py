"""``check --format html``: one self-contained page (inline CSS and JS, no network).

The page is ``patforge/data/report.html.jinja``, rendered by Jinja2 with autoescape
on, so registry text (names, messages, paths) is always text, never markup. What it
shows, in the order a person acts on it:

1. the verdict and counts;
2. what to do first: the top causes with the fix that repairs most of them (the text
   summary's, ``reporters/causes.py``), then every finding with a link to its file and
   line (a ``file:`` URI into the repository: nothing is fetched);
3. counts per rule;
4. the matrix of patterns (rows) x artifacts (columns, ``matrix.columns()``) with each
   pattern's doc_id; each cell coloured by its state, with its unit's state as ``patforge
   status`` reports it (current, modified, stale, missing...) and its findings as tooltip
   and in the side panel on click. A non-compliant report starts filtered to the rows
   with problems; filters by state and rule, a search by name, and every column sorts
   (a cell column: its worst states first).

The script sets ``data-ready-ms`` on ``<html>`` when the page is ready, which
bench/html_report.py reads to measure load time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from patforge.reports.escaping import markup_safe

from patforge.check.matrix import CELL_STATES, COLUMN_LABELS, PROBLEM_STATES, Cell, build_matrix
from patforge.check.reporters.base import Reporter, register
from patforge.check.reporters.causes import top_causes
from patforge.check.rules import FAIL, STATUSES, WARN, SKIP, Finding

if TYPE_CHECKING:
    from patforge.check.result import CheckResult

_MARKS = {"pass": "ok", "fail": "FAIL", "warn": "warn", "missing": "missing", "hand-written": "hand",
          "skip": "skip"}
#: Unit states that are no news in a cell (the others are shown under the mark).
_QUIET_DRIFT = ("current", "hand-written")
#: At most this many findings are listed on the page (the JSON report has them all).
MAX_FINDINGS = 2000


def _environment():
    # why: start-up time: loaded only when _environment() runs, not when the module is imported
    import jinja2  # only this format needs it

    return jinja2.Environment(loader=jinja2.PackageLoader("patforge", "data"), autoescape=True,
                              undefined=jinja2.StrictUndefined, keep_trailing_newline=True)


def _tip(label: str, cell: Cell) -> str:
    def shown(p: str) -> str:
        return f"{p} (deleted)" if p in cell.deleted else p

    paths = [shown(p) for p in cell.paths]
    lines = [f"{label}: {', '.join(paths[:5])}{' ...' if len(paths) > 5 else ''}" if paths
             else f"{label}: {cell.state}"]
    if cell.drift is not None:
        detail = f" ({cell.drift.detail})" if cell.drift.detail else ""
        lines.append(f"status: {cell.drift.state}{detail}")
    for f in cell.findings:
        loc = f.location()
        lines.append(f"{f.status} {f.rule} {loc + ': ' if loc else ''}{f.message}")
        if f.hint:
            lines.append(f"  what to do: {f.hint}")
    if cell.passed:
        lines.append(f"passes: {', '.join(cell.passed)}")
    return "\n".join(lines)


def _link(result: CheckResult, f: Finding) -> str:
    """A ``file:`` URI of the finding's file (``#L<line>`` when it has one): local, never fetched."""
    if not f.path:
        return ""
    uri = (result.repo / f.path).as_uri()
    return f"{uri}#L{f.line}" if f.line else uri


def _findings(result: CheckResult) -> list[dict]:
    order = {FAIL: 0, WARN: 1, SKIP: 2}
    found = sorted((f for f in result.findings if f.status in (FAIL, WARN)),
                   key=lambda f: (order[f.status], f.pattern is not None, f.pattern or "", f.rule, f.path or "",
                                  f.line or 0))
    return [{"status": f.status, "rule": f.rule, "where": f.pattern or (f"root {f.root}" if f.root else "repository"),
             "location": f.location(), "link": _link(result, f), "message": f.message, "hint": f.hint or ""}
            for f in found[:MAX_FINDINGS]]


def html_report(result: CheckResult) -> str:
    cols, rows = build_matrix(result)
    labels = [COLUMN_LABELS.get(c, c) for c in cols]
    cell_counts = {s: 0 for s in CELL_STATES}
    page_rows = []
    for row in rows:
        cells = []
        for col, label, cell in zip(cols, labels, row.cells):
            cell_counts[cell.state] += 1
            drift = cell.drift.state if cell.drift is not None else ""
            cells.append({"col": col, "state": cell.state, "rank": CELL_STATES.index(cell.state),
                          "mark": _MARKS[cell.state], "drift": drift,
                          "drift_shown": drift if drift and drift not in _QUIET_DRIFT else "",
                          "tip": _tip(label, cell)})
        page_rows.append({"name": row.pattern, "key": row.pattern.lower(), "root": row.root or "",
                          "doc_id": row.doc_id, "states": " ".join(row.states), "rules": " ".join(row.rules),
                          "cells": cells})
    findings = _findings(result)
    total = sum(1 for f in result.findings if f.status in (FAIL, WARN))
    counts = result.counts()
    rule_counts = result.rule_counts()
    shown_states = PROBLEM_STATES if result.failed else CELL_STATES
    return markup_safe(_environment().get_template("report.html.jinja").render(
        verdict=result.verdict, repo=str(result.repo), registry=result.registry_path, patterns=result.patterns,
        commit=result.commit, generated_at=result.generated_at, strict=result.options.strict,
        blocking=list(result.options.blocking),
        cell_counts=[(s, n) for s, n in cell_counts.items() if n],
        result_counts=[(s, counts[s]) for s in STATUSES],
        rule_counts=[(s, rule_counts[s]) for s in STATUSES],
        causes=top_causes(result), findings=findings, findings_total=total,
        rules=list(result.rules), statuses=STATUSES, states=CELL_STATES, shown_states=shown_states,
        problem_states=PROBLEM_STATES,
        columns=[{"id": c, "label": lab} for c, lab in zip(cols, labels)], rows=page_rows))


@register
class HtmlReporter(Reporter):
    name = "html"

    def render(self, result: CheckResult) -> str:
        return html_report(result)
