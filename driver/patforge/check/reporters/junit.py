"""``--format junit``: one ``<testsuite>`` per rule, one ``<testcase>`` per record.

The classname is the rule ID; the name is the pattern, ``(root <root>)`` or
``(repository)``. FAIL is a ``<failure type="MUST|SHOULD">``; WARN is ``<skipped
type="warning" message="WARN: ...">`` (CI shows it without failing the build) with the
details in ``<system-out>``; SKIP (not judged) is ``<skipped type="not-judged">``; PASS
is an empty testcase. Under ``--strict`` warnings are FAIL, so they become failures.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from patforge.reports.escaping import markup_safe

from patforge.check.reporters.base import Reporter, problem_lines, record_name, register
from patforge.check.result import CheckResult, Record
from patforge.check.rules import FAIL, SKIP, WARN


@register
class JUnitReporter(Reporter):
    name = "junit"

    def render(self, result: CheckResult) -> str:
        return junit_report(result)


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
            attrs = {"classname": r.rule, "name": record_name(r), "time": "0"}
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
    # Values may hold characters XML 1.0 forbids (a doc_id claim with \x01 or U+FFFF):
    # shown escaped, so the report stays well-formed (escaping.markup_safe).
    return markup_safe('<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n")


def _details(r: Record) -> str:
    lines = problem_lines(r)
    if r.root:
        lines.append(f"(judged against root {r.root})")
    return "\n".join(lines)
