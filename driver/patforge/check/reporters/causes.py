"""The top causes of a check: what the text summary and the HTML report put first.

One cause per failing rule: how many records (patterns, roots) it fails for, the first
finding (its file and line when it occurs once), and the one fix that repairs most of
them. A cause that occurs once keeps its real values (``spec says doc_id DOC-A-001, the
registry says DOC-B-001``); several are counted together with what is particular to
each pattern (doc_ids, the name) taken out.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from patforge.check.result import CheckResult, Record
from patforge.check.rules import FAIL, WARN, Finding

TOP_CAUSES = 6  # the default report stays readable at hundreds of findings (issue 22: <= 80 lines)
_ID = re.compile(r"\b(?:DOC|PAT)-[A-Z0-9]+(?:-[A-Z0-9]+)*\b")


@dataclass
class Cause:
    rule: str
    status: str  # FAIL | WARN
    count: int  # records (patterns, roots) it fails for
    first: Finding
    message: str  # the first finding's message (real values when count == 1)
    fix: str  # the fix that repairs most of them ("" when no finding has a hint)
    fixes: int  # how many of ``count`` that fix repairs
    example: str | None = None  # the pattern the message and fix are shown for (when several)

    @property
    def location(self) -> str:
        """Where the shown finding is (the example's, when it occurs several times)."""
        return self.first.location()


def template(text: str, pattern: str | None) -> str:
    """A message or hint with what is particular to one pattern taken out, to count
    identical causes and fixes."""
    t = _ID.sub("<id>", text)
    if pattern:
        t = t.replace(pattern, "<name>")
    return t


def problems(r: Record) -> list[Finding]:
    return [f for f in r.findings if f.status in (FAIL, WARN)]


def top_causes(result: CheckResult) -> list[Cause]:
    """Every failing rule as a cause, worst first: FAIL before WARN, then by count."""
    by_rule: dict[str, list[Record]] = {}
    for r in result.records:
        if r.status in (FAIL, WARN):
            by_rule.setdefault(r.rule, []).append(r)
    ranked = sorted(by_rule.items(), key=lambda kv: (kv[1][0].status != FAIL, -len(kv[1]), kv[0]))
    out = []
    for rule, records in ranked:
        firsts = [(r, f) for r in records for f in problems(r)[:1]]
        hints = Counter(template(f.hint or "", r.pattern) for r, f in firsts)
        best, n = hints.most_common(1)[0]
        # The example is one the fix is for: its own message and its own fix, real values
        # (a person acts on values, not on <name> placeholders).
        r0, f0 = next((r, f) for r, f in firsts if template(f.hint or "", r.pattern) == best)
        out.append(Cause(rule, records[0].status, len(records), f0, f0.message, f0.hint or "", n,
                         example=r0.pattern if len(records) > 1 else None))
    return out
