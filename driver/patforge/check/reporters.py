"""The check report in six formats behind one interface: ``format_report(result, fmt)``.

``FORMATTERS`` maps each format name to a function ``CheckResult -> str``; the CLI's
``--format`` choices are its keys. text, json, junit and sarif live here; ``github``
(workflow commands) in ``report_github.py``; ``html`` (one self-contained page) in
``report_html.py``.

* ``text``: one line per rule (status, ID, level, counts, title), under it every
  FAIL/WARN record's findings with location and what to do; totals; the verdict.
* ``json``: ``CheckResult.to_dict()``; the shape is docs/check-report.schema.json.
* ``junit``: one ``<testsuite>`` per rule, one ``<testcase>`` per (rule, pattern)
  record (classname = rule ID; name = pattern, ``(root <root>)`` or ``(repository)``).
  FAIL is a ``<failure type="MUST|SHOULD">``; WARN is ``<skipped type="warning"
  message="WARN: ...">`` (CI shows it without failing the build) with the details in
  ``<system-out>``; SKIP (not judged) is ``<skipped type="not-judged">``; PASS is an
  empty testcase. Under ``--strict`` warnings are FAIL, so they become failures.
* ``sarif``: SARIF 2.1.0, one run; ``tool.driver.rules`` lists every rule judged
  (id, short description, default level error for MUST / warning for SHOULD); one
  result per FAIL/WARN finding (level error/warning) with its file and line, relative
  to ``originalUriBaseIds.REPOROOT`` (the repository).
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import Callable
from urllib.parse import quote

import click

from patforge import __version__
from patforge.check import CheckResult, Record
from patforge.check.rules import FAIL, MUST, PASS, RULES_BY_ID, SKIP, STATUSES, WARN

SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"

_COLORS = {PASS: "green", FAIL: "red", WARN: "yellow", SKIP: None}


def format_report(result: CheckResult, fmt: str) -> str:
    try:
        formatter = FORMATTERS[fmt]
    except KeyError:
        raise ValueError(f"unknown report format {fmt!r}; expected one of {', '.join(FORMATS)}") from None
    return formatter(result)


def _text(result: CheckResult) -> str:
    return "\n".join(_text_lines(result, lambda s, **kw: s)) + "\n"


def _json(result: CheckResult) -> str:
    return json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n"


def _sarif(result: CheckResult) -> str:
    return json.dumps(sarif_report(result), indent=2, ensure_ascii=False) + "\n"


def _github(result: CheckResult) -> str:
    from patforge.check.report_github import github_report

    return github_report(result)


def _html(result: CheckResult) -> str:
    from patforge.check.report_html import html_report  # Jinja2 is imported only for this format

    return html_report(result)


def print_text_report(result: CheckResult) -> None:
    """The text report on the terminal (colored when it is one)."""
    for line in _text_lines(result, click.style):
        click.echo(line)


FORMATTERS: dict[str, Callable[[CheckResult], str]] = {
    "text": _text, "json": _json, "junit": lambda r: junit_report(r), "sarif": _sarif,
    "github": _github, "html": _html,
}
FORMATS = tuple(FORMATTERS)


# -- text ----------------------------------------------------------------------------------

def _record_name(r: Record) -> str:
    if r.pattern is not None:
        return r.pattern
    return f"(root {r.root})" if RULES_BY_ID[r.rule].scope == "root" else "(repository)"


def _text_lines(result: CheckResult, style: Callable[..., str]) -> list[str]:
    out: list[str] = []
    if result.fix_applied:
        out += _fix_lines(result, style)
    out.append(style(f"patforge check: {result.repo}", bold=True))
    out.append(f"  registry {result.registry_path}; {result.patterns} pattern(s); roots: {', '.join(result.roots)}"
               + ("; strict: SHOULD rules fail" if result.options.strict else ""))
    if result.options.fix and result.options.dry_run:
        out.append("  (dry run: the results below are the state before the planned changes)")
    inc = result.incremental
    if inc is not None:
        scope = (f"every pattern ({inc.why_all})" if inc.indexes is None
                 else f"{result.patterns} pattern(s) they belong to")
        out.append(f"  changed: {len(inc.files)} file(s); checked {scope}")
        if inc.unmatched:
            shown = ", ".join(inc.unmatched[:10]) + (" ..." if len(inc.unmatched) > 10 else "")
            out.append(f"  not checked (no registry entry owns them): {shown}")
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
            out.append(f"    {head} {_record_name(r)}{root}")
            for f in r.findings:
                if f.status not in (FAIL, WARN):
                    continue
                loc = f.location()
                out.append(f"        {loc + ': ' if loc else ''}{f.message}")
                if f.hint:
                    out.append(f"          what to do: {f.hint}")
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


# -- JUnit -----------------------------------------------------------------------------------

def junit_report(result: CheckResult) -> str:
    by_rule: dict[str, list[Record]] = {}
    for r in result.records:
        by_rule.setdefault(r.rule, []).append(r)
    root = ET.Element("testsuites", name="patforge check")
    totals = {"tests": 0, "failures": 0, "skipped": 0}
    for summary in result.rules:
        records = by_rule.get(summary.id, [])
        n_fail = sum(r.status == FAIL for r in records)
        n_skip = sum(r.status in (WARN, SKIP) for r in records)
        suite = ET.SubElement(root, "testsuite", name=summary.id, tests=str(len(records)),
                              failures=str(n_fail), errors="0", skipped=str(n_skip), time="0")
        props = ET.SubElement(suite, "properties")
        ET.SubElement(props, "property", name="level", value=summary.level)
        ET.SubElement(props, "property", name="title", value=summary.title)
        ET.SubElement(props, "property", name="status", value=summary.status)
        totals["tests"] += len(records)
        totals["failures"] += n_fail
        totals["skipped"] += n_skip
        for r in records:
            p = r.primary
            attrs = {"classname": r.rule, "name": _record_name(r), "time": "0"}
            if p.path:
                attrs["file"] = p.path
            if p.line:
                attrs["line"] = str(p.line)
            case = ET.SubElement(suite, "testcase", attrs)
            details = _details(r)
            if r.status == FAIL:
                el = ET.SubElement(case, "failure", type=r.level, message=p.message)
                el.text = details
            elif r.status == WARN:
                ET.SubElement(case, "skipped", type="warning", message=f"WARN: {p.message}")
                ET.SubElement(case, "system-out").text = details
            elif r.status == SKIP:
                ET.SubElement(case, "skipped", type="not-judged", message=p.message)
    for k, v in totals.items():
        root.set(k, str(v))
    root.set("errors", "0")
    root.set("time", "0")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _details(r: Record) -> str:
    lines = []
    for f in r.findings:
        if f.status not in (FAIL, WARN):
            continue
        loc = f.location()
        lines.append(f"{f.status} {loc + ': ' if loc else ''}{f.message}")
        if f.hint:
            lines.append(f"  what to do: {f.hint}")
    if r.root:
        lines.append(f"(judged against root {r.root})")
    return "\n".join(lines)


# -- SARIF -------------------------------------------------------------------------------------

def sarif_report(result: CheckResult) -> dict:
    rule_ids = [s.id for s in result.rules]
    index = {rid: i for i, rid in enumerate(rule_ids)}
    rules = []
    for rid in rule_ids:
        rule = RULES_BY_ID[rid]
        desc = rule.title + (f" ({rule.note})" if rule.note else "")
        rules.append({
            "id": rid,
            "shortDescription": {"text": rule.title},
            "fullDescription": {"text": f"{rule.level} ({rule.source}): {desc}"},
            "defaultConfiguration": {"level": "error" if rule.level == MUST else "warning"},
            "properties": {"level": rule.level, "source": rule.source},
        })
    results = []
    for r in result.records:
        for f in r.findings:
            if f.status not in (FAIL, WARN):
                continue
            text = f.message + (f" What to do: {f.hint}" if f.hint else "")
            item: dict = {
                "ruleId": f.rule,
                "ruleIndex": index[f.rule],
                "level": "error" if f.status == FAIL else "warning",
                "message": {"text": text},
                "properties": {"pattern": f.pattern, "root": f.root, "status": f.status,
                               "ruleLevel": RULES_BY_ID[f.rule].level},
            }
            if f.path:
                loc: dict = {"artifactLocation": {"uri": quote(f.path), "uriBaseId": "REPOROOT"}}
                if f.line:
                    loc["region"] = {"startLine": f.line}
                item["locations"] = [{"physicalLocation": loc}]
            results.append(item)
    return {
        "$schema": SARIF_SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "patforge", "version": __version__, "semanticVersion": __version__,
                                "rules": rules}},
            "originalUriBaseIds": {"REPOROOT": {"uri": result.repo.as_uri().rstrip("/") + "/"}},
            "invocations": [{"executionSuccessful": True, "exitCode": result.exit_code}],
            "results": results,
            "properties": {"verdict": result.verdict, "strict": result.options.strict},
        }],
    }
