"""``check --format html``: one self-contained page (inline CSS and JS, no network).

The page is ``patforge/data/report.html.jinja``, rendered by Jinja2 with autoescape
on, so registry text (names, messages, paths) is always text, never markup. Its
content: the verdict and counts, repository-level problems, counts per rule, then
the matrix of patterns (rows) × artifacts (columns, ``matrix.columns()``), each
cell coloured by its state with its findings (``file:line``, rule, what to do) as
tooltip and in the side panel on click; filters by state and rule and a search by
name. The script sets ``data-ready-ms`` on ``<html>`` when the page is ready, which
bench/html_report.py reads to measure load time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from patforge.check.matrix import CELL_STATES, COLUMN_LABELS, Cell, build_matrix
from patforge.check.reporters.base import Reporter, register
from patforge.check.rules import FAIL, STATUSES, WARN

if TYPE_CHECKING:
    from patforge.check.result import CheckResult

_MARKS = {"pass": "ok", "fail": "FAIL", "warn": "warn", "missing": "missing", "hand-written": "hand",
          "skip": "-"}


def _environment():
    # why: start-up time: loaded only when _environment() runs, not when the module is imported
    import jinja2  # only this format needs it

    return jinja2.Environment(loader=jinja2.PackageLoader("patforge", "data"), autoescape=True,
                              undefined=jinja2.StrictUndefined, keep_trailing_newline=True)


def _tip(label: str, cell: Cell) -> str:
    lines = [f"{label}: {', '.join(cell.paths[:5])}{' ...' if len(cell.paths) > 5 else ''}" if cell.paths
             else f"{label}: {cell.state}"]
    for f in cell.findings:
        loc = f.location()
        lines.append(f"{f.status} {f.rule} {loc + ': ' if loc else ''}{f.message}")
        if f.hint:
            lines.append(f"  what to do: {f.hint}")
    if cell.passed:
        lines.append(f"passes: {', '.join(cell.passed)}")
    return "\n".join(lines)


def html_report(result: CheckResult) -> str:
    cols, rows = build_matrix(result)
    labels = [COLUMN_LABELS.get(c, c) for c in cols]
    cell_counts = {s: 0 for s in CELL_STATES}
    page_rows = []
    for row in rows:
        cells = []
        for label, cell in zip(labels, row.cells):
            cell_counts[cell.state] += 1
            cells.append({"state": cell.state, "mark": _MARKS[cell.state], "tip": _tip(label, cell)})
        page_rows.append({"name": row.pattern, "key": row.pattern.lower(), "root": row.root or "",
                          "states": " ".join(row.states), "rules": " ".join(row.rules), "cells": cells})
    repo_problems = [{"status": f.status, "rule": f.rule, "where": f"(root {f.root})" if f.root else "(repository)",
                      "text": (f"{f.location()}: " if f.location() else "") + f.message
                      + (f" (what to do: {f.hint})" if f.hint else "")}
                     for f in result.findings if f.pattern is None and f.status in (FAIL, WARN)]
    counts = result.counts()
    rule_counts = result.rule_counts()
    return _environment().get_template("report.html.jinja").render(
        verdict=result.verdict, repo=str(result.repo), registry=result.registry_path, patterns=result.patterns,
        commit=result.commit, generated_at=result.generated_at, strict=result.options.strict,
        cell_counts=[(s, n) for s, n in cell_counts.items() if n],
        result_counts=[(s, counts[s]) for s in STATUSES],
        rule_counts=[(s, rule_counts[s]) for s in STATUSES],
        repo_problems=repo_problems, rules=[r for r in result.rules], statuses=STATUSES,
        states=CELL_STATES, columns=[{"id": c, "label": lab} for c, lab in zip(cols, labels)], rows=page_rows)


@register
class HtmlReporter(Reporter):
    name = "html"

    def render(self, result: CheckResult) -> str:
        return html_report(result)
