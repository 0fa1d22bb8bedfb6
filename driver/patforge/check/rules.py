"""The rule table of ``patforge check`` (one place), and what a finding is.

Rule IDs are the public specs' own, verbatim ("PAT-CHECK-001 v2" and
"ID-SYSTEM-SPEC-V1", summarised in compliance-rules.md). A MUST rule that does not
hold is a FAIL, a SHOULD rule a WARN (``--strict`` turns WARN into FAIL). Checks
the specs do not number, but a usable repository needs, carry ``PATFORGE-``
IDs so nobody mistakes them for the specs' rules.

Scopes: ``repo`` rules are judged once (pattern ``None``), ``root`` rules once per
pattern root (pattern ``None``, ``root`` set), ``entry`` rules for every registry
entry (even one too broken to read its artifacts), ``pattern`` rules for every entry
whose artifacts can be read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from patforge.validation.messages import shown

MUST, SHOULD = "MUST", "SHOULD"
PASS, FAIL, WARN, SKIP = "PASS", "FAIL", "WARN", "SKIP"
STATUSES = (PASS, FAIL, WARN, SKIP)
#: Worst first: the status of a group of findings is the first of these present.
_SEVERITY = {FAIL: 0, WARN: 1, PASS: 2, SKIP: 3}

SPEC_PAT = "PAT-CHECK-001 v2"
SPEC_ID = "ID-SYSTEM-SPEC-V1"
SPEC_PATFORGE = "patforge"


@dataclass(frozen=True)
class Rule:
    id: str
    level: str  # MUST | SHOULD
    title: str  # one line: what holds when the rule passes
    scope: str  # repo | root | entry | pattern
    subject: str  # the artifact a passing record points at: registry, spec, schema, ...
    source: str = SPEC_PAT
    note: str = ""  # how patforge reads the rule, where the summary leaves room
    holds_by: str = ""  # a rule that holds by construction: how (the message of its PASS record)
    prerequisite: bool = False  # still reported under --only: without it nothing else means anything


#: The rows no kind owns; each kind's rows are its check part's ``rules`` (``kinds/<kind>.py``).
_OWN: tuple[Rule, ...] = (
    Rule("ID-SYS-101", MUST, "every doc_id (registry and every artifact) matches ^[A-Z0-9]+(-[A-Z0-9]+)*$",
         "pattern", "registry", SPEC_ID),
    Rule("PAT-CHECK-001-001", MUST, "patterns/ exists at the repository root", "repo", "patterns",
         prerequisite=True),
    Rule("PAT-CHECK-001-002", MUST, "each pattern root has registry/ specs/ schemas/ executors/ examples/ tests/",
         "root", "root",
         note="registry/ is required only in the root that holds the registry; extra roots "
              "(e.g. patterns/legacy_atoms/converted) need the other five", prerequisite=True),
    Rule("PAT-CHECK-001-010", MUST, "the registry exists and is valid YAML with a patterns: list", "repo",
         "registry", prerequisite=True),
    Rule("PAT-CHECK-001-011", MUST, "every entry has doc_id, pattern_id, name, version, status, spec_path, "
         "schema_path, executor_path, test_path, example_dir", "entry", "registry"),
    Rule("PAT-CHECK-001-012", MUST, "every entry's doc_id has the ID-SYS-101 format", "entry", "registry"),
    Rule("PAT-CHECK-001-013", MUST, "entry paths lie under their root's specs/ schemas/ executors/, test_path is "
         "an existing file or glob under tests/, example_dir a directory under examples/", "entry", "registry"),
    Rule("PAT-CHECK-001-014", MUST, "a doc_id names one pattern suite: no two registry entries share a doc_id",
         "entry", "registry",
         note="named but not tabled in the summary (doc_id is the join key); level is patforge's reading"),
    Rule("PAT-CHECK-001-070", MUST, "entry, spec, schema (or sidecar), executor, every test and every example "
         "resolve to the same doc_id", "pattern", "registry"),
    Rule("PAT-CHECK-001-071", SHOULD, "pattern_id is only a label: no artifact uses a pattern_id as its doc_id",
         "pattern", "registry",
         note="named but not tabled in the summary; level is patforge's reading"),
    Rule("PAT-CHECK-001-072", SHOULD, "doc_id stays stable across routine edits; a breaking (major) version "
         "mints a new one (compared with the registry at git HEAD)", "pattern", "registry"),
    Rule("PAT-CHECK-001-080", SHOULD, "one command validates all of the above", "repo", "registry",
         holds_by="`patforge check` validates every rule above in one command (also as the pre-commit hook "
                  "patforge-check)"),
    Rule("PAT-CHECK-001-081", SHOULD, "it prints PASS/FAIL per rule ID, totals and an overall verdict", "repo",
         "registry", holds_by="this report: PASS/FAIL/WARN per rule ID, totals and a verdict"),
    Rule("PAT-CHECK-001-082", SHOULD, "it can write its results to an audit file (--format json --output FILE)",
         "repo", "registry", holds_by="`patforge check --format json --output FILE` writes this report "
                                      "atomically as the audit-trail file"),
    Rule("PATFORGE-DOC-ID-MAPPING", MUST, "the registry folder's doc_id_mapping.json (the plan's step 1.1 output) "
         "maps every pattern_id to the registry's doc_id, no key missing, extra or different (judged only when "
         "the file exists)", "repo", "registry", SPEC_PATFORGE),
    Rule("PATFORGE-ORPHAN", SHOULD, "every spec, schema, executor and example folder under a pattern root belongs "
         "to a registry entry (test files: PAT-CHECK-001-063)", "root", "root", SPEC_PATFORGE,
         note="an orphan is usually a renamed or removed entry's leftover, or an entry not written yet"),
    Rule("PATFORGE-REGISTRY", MUST, "each registry entry is usable: a mapping with a well-formed pattern_id, a "
         "safe unique name, a unique pattern_id, and a spec that agrees with it", "entry", "registry",
         SPEC_PATFORGE),
    Rule("PATFORGE-RENDERED-MISSING", MUST, "every file patforge rendered is still there (status: missing; "
         "`patforge render` restores it)", "pattern", "registry", SPEC_PATFORGE,
         note="judged for units with an answers file, as `patforge status` classifies them; a finding sits on "
              "the deleted file"),
    Rule("PATFORGE-RENDERED-STALE", SHOULD, "rendered files are current with the registry entry, spec, schema "
         "and settings they were rendered from (status: stale; `patforge update --registry`)", "pattern",
         "registry", SPEC_PATFORGE,
         note="a newer template version (outdated) and hand edits (modified) are no findings; --strict makes "
              "stale units blocking"),
)

#: The rule table, sorted by ID: the rows above plus every kind's (``add_rules``, called by
#: ``patforge.kinds`` for each kind it lists or registers). Both are updated in place.
RULES: list[Rule] = sorted(_OWN, key=lambda r: r.id)
RULES_BY_ID: dict[str, Rule] = {r.id: r for r in RULES}


def add_rules(rows: tuple[Rule, ...] | list[Rule]) -> None:
    """Add a kind's rows to the table (a rule ID is added once)."""
    taken = [r.id for r in rows if r.id in RULES_BY_ID]
    if taken:
        raise ValueError(f"rule(s) {', '.join(taken)} already in the table")
    RULES_BY_ID.update((r.id, r) for r in rows)
    RULES[:] = sorted(RULES_BY_ID.values(), key=lambda r: r.id)


def remove_rules(rows: tuple[Rule, ...] | list[Rule]) -> None:
    for r in rows:
        RULES_BY_ID.pop(r.id, None)
    RULES[:] = sorted(RULES_BY_ID.values(), key=lambda r: r.id)


def select_rules(selectors: tuple[str, ...] | list[str], option: str = "--rule") -> list[str] | None:
    """Rule IDs for ``--rule`` values: a full ID, or a unique suffix (``011``, ``001-011``).
    ``None`` means every rule. Raises ``ValueError`` naming what did not match."""
    if not selectors:
        return None
    chosen: list[str] = []
    for sel in selectors:
        s = sel.strip().upper()
        if s in RULES_BY_ID:
            chosen.append(s)
            continue
        hits = [r.id for r in RULES if r.id.endswith("-" + s.lstrip("-"))]
        if len(hits) != 1:
            why = "matches no rule" if not hits else f"is ambiguous ({', '.join(hits)})"
            raise ValueError(f"{option} {shown(sel)} {why}")
        chosen.append(hits[0])
    return sorted(set(chosen))


def worst(statuses: list[str]) -> str:
    return min(statuses, key=lambda s: _SEVERITY[s]) if statuses else SKIP


@dataclass(frozen=True)
class Finding:
    """One judgement: a rule, for one pattern (``None``: the repository or a root),
    with where it was judged. PASS findings exist too (one per passing pair)."""

    rule: str
    status: str  # PASS | FAIL | WARN | SKIP
    pattern: str | None
    root: str | None  # the pattern root the artifact was judged against
    path: str | None = None  # repository-relative, forward slashes
    line: int | None = None  # 1-based
    message: str = ""
    hint: str | None = None

    @property
    def level(self) -> str:
        return RULES_BY_ID[self.rule].level

    def sort_key(self) -> tuple:
        return (self.rule, self.pattern is not None, self.pattern or "", self.root or "",
                _SEVERITY[self.status], self.path or "", self.line or 0, self.message)

    def location(self) -> str:
        if not self.path:
            return ""
        return f"{self.path}:{self.line}" if self.line else self.path

    def to_dict(self) -> dict[str, Any]:
        return {"status": self.status, "path": self.path, "line": self.line, "message": self.message,
                "hint": self.hint}
