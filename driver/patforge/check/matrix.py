"""The pattern × artifact matrix of a check: what the HTML report draws.

Columns come from the rule table (``Rule.subject``): every subject of an entry- or
pattern-scope rule, ordered by the first rule ID that judges it, then each render
kind (``kinds.KINDS``) that no rule has as its subject: registry entry, spec, schema,
executor, examples, tests, sidecar. A finding sits in its rule's column unless its
file belongs to another column's artifact. Nothing
here names a kind: where a column's files are and whether patforge manages them is
asked of the kinds (``Kind.layout``, ``Kind.managed``) and the check judges.

A cell's state, worst first:

* ``missing``: a rule fails and the artifact is not there;
* ``fail``: a rule fails (MUST, or any under ``--strict``);
* ``warn``: a SHOULD rule does not hold;
* ``skip``: a rule of the column was not judged (e.g. examples not validated because
  the schema is broken; the entry too broken to read): not ``pass``, the finding says why;
* ``hand-written``: every rule passes and the artifact exists but patforge did not
  render it (no answers file for that kind);
* ``pass``: every rule judged passes.

A cell of a render kind also carries its unit's state as ``patforge status`` reports
it (``drift``: current, modified, stale, missing...; check/rendered.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from patforge.check.rules import FAIL, PASS, RULES, RULES_BY_ID, SKIP, WARN, Finding
from patforge import kinds

MISSING, FAILED, WARNED, HAND_WRITTEN, PASSED, SKIPPED = "missing", "fail", "warn", "hand-written", "pass", "skip"
#: Worst first (the order a column sorts by).
CELL_STATES = (MISSING, FAILED, WARNED, SKIPPED, HAND_WRITTEN, PASSED)
#: The states a person has to look at: a non-compliant report starts filtered to them.
PROBLEM_STATES = (MISSING, FAILED, WARNED, SKIPPED)
#: The column of the registry entry: suite rules judged there move to the file they name.
ENTRY = "registry"
#: How a column is headed: the registry entry is not an artifact file.
COLUMN_LABELS = {"registry": "entry"}


def columns() -> list[str]:
    """The rule subjects (rule order), then the render kinds no rule names as its subject
    (e.g. the schema sidecar, whose rule -032 is the schema's)."""

    seen: list[str] = []
    for rule in RULES:  # sorted by ID: the specs' own order
        if rule.scope in ("entry", "pattern") and rule.subject not in seen:
            seen.append(rule.subject)
    seen += [k.name for k in kinds.KINDS if k.scope != kinds.REPOSITORY and k.name not in seen]
    return seen


def column_of(rule_id: str) -> str:
    return RULES_BY_ID[rule_id].subject


@dataclass
class Artifact:
    """What is on disk for one (pattern, column)."""

    paths: list[str]  # the files (examples, tests: every one found)
    present: bool
    managed: bool  # rendered by patforge: its answers file exists
    deleted: list[str] = field(default_factory=list)  # files patforge rendered that are gone
    answers: str | None = None  # the answers file of a render kind (findings about the unit sit on it)
    absent: list[str] = field(default_factory=list)  # of ``paths``: not there


@dataclass
class Cell:
    column: str
    state: str
    findings: list[Finding] = field(default_factory=list)  # FAIL/WARN/SKIP, sorted
    passed: list[str] = field(default_factory=list)  # rule IDs that pass
    paths: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)  # of ``paths``: rendered, then deleted
    drift: Any = None  # the unit's ``UnitState`` (status), for a render kind's column


@dataclass
class Row:
    pattern: str
    root: str | None
    cells: list[Cell]
    doc_id: str = ""  # the registry's

    @property
    def states(self) -> list[str]:
        return sorted({c.state for c in self.cells}, key=CELL_STATES.index)

    @property
    def rules(self) -> list[str]:
        return sorted({f.rule for c in self.cells for f in c.findings if f.status in (FAIL, WARN)})


def inventory(model, labels: set[str] | None = None) -> dict[str, dict[str, Artifact]]:
    """Per pattern label, per column: the files and whether patforge manages them
    (``model`` is check's RepoModel; ``labels`` limits it to the patterns judged).
    A column's files are its render kind's layout (``Kind.layout``), else the registry
    path its judge reads (``ArtifactJudge.path_field``); no kind is named here."""
    # why: start-up time: the rendering state is read only when the inventory is built
    from patforge.rendering.unitstate import deleted_files

    out: dict[str, dict[str, Artifact]] = {}
    render_kinds = set(kinds.names())
    for item in model.items:
        p = item.pattern
        if p is None or model.registry is None or (labels is not None and item.label not in labels):
            continue
        row = {}
        for col in columns():
            answers = None
            if col in render_kinds:
                kind = kinds.by_name(col)
                paths = sorted(kind.layout(model.registry, p).values())
                answers = kind.answers_file(p)
                managed = model.files.is_file(answers)  # as Kind.managed decides
            else:
                judge = model.judge_of(col)
                field = judge.path_field if judge is not None else None
                paths = [p.paths[field]] if field and p.paths.get(field) else [model.reg_path]
                managed = False
            absent = [rel for rel in paths if not (model.files.is_file(rel) or (
                model.files.is_dir(rel) and model.files.list_files(rel)))]
            state = model.drift.get(item.label, {}).get(col)
            deleted = list(deleted_files(state)) if state is not None else []
            row[col] = Artifact(paths, len(absent) < len(paths), managed, deleted, answers, absent)
        out[item.label] = row
    return out


def build_matrix(result) -> tuple[list[str], list[Row]]:
    """(columns, one row per pattern judged, sorted by name) for a ``CheckResult``."""
    cols = columns()
    everywhere = _skipped_everywhere(result.findings)
    by_pattern: dict[str, list[Finding]] = {}
    roots: dict[str, str | None] = {}
    for f in result.findings:
        if f.pattern is not None:
            by_pattern.setdefault(f.pattern, []).append(f)
            roots.setdefault(f.pattern, f.root)
    rows = []
    for name in sorted(by_pattern):
        found = by_pattern[name]
        arts = result.artifacts.get(name, {})
        where = {f: _column(f, arts) for f in found}
        drift = result.drift.get(name, {})
        cells = [_cell(col, [f for f in found if where[f] == col], arts.get(col), drift.get(col), everywhere)
                 for col in cols]
        rows.append(Row(name, roots[name], cells, result.doc_ids.get(name, "")))
    return cols, rows


def _skipped_everywhere(findings: list[Finding]) -> set[str]:
    """Rules not judged for any of several patterns, all for one reason (e.g. -072 in a
    repository without git): a fact about the repository, which the rule table states
    once; it greys no cell."""
    reasons: dict[str, set[str]] = {}
    count: dict[str, int] = {}
    judged: set[str] = set()
    for f in findings:
        if f.pattern is None:
            continue
        if f.status != SKIP:
            judged.add(f.rule)
            continue
        reasons.setdefault(f.rule, set()).add(f.message.replace(f.pattern, "<name>"))
        count[f.rule] = count.get(f.rule, 0) + 1
    return {r for r, why in reasons.items() if r not in judged and len(why) == 1 and count[r] > 1}


def _column(f: Finding, arts: dict[str, Artifact]) -> str:
    """A finding's column: its rule's subject, unless its file is another column's
    artifact (a sidecar problem, judged under a schema rule, shows on the sidecar; a
    suite rule judged on the entry shows on the artifact whose file it names)."""
    subject = column_of(f.rule)
    if f.path is None:
        return subject
    moved = next((col for col in _kind_only_columns() if col in arts and f.path in arts[col].paths), None)
    if moved is None and subject == ENTRY:
        moved = next((col for col, art in arts.items() if col != ENTRY
                      and (f.path in art.paths or f.path == art.answers)), None)
    return moved or subject


def _kind_only_columns() -> list[str]:
    subjects = {r.subject for r in RULES}
    return [c for c in columns() if c not in subjects]


def _cell(column: str, findings: list[Finding], art: Artifact | None, drift: Any = None,
          everywhere: set[str] = frozenset()) -> Cell:
    statuses = {f.status for f in findings}
    problems = sorted((f for f in findings if f.status != PASS), key=Finding.sort_key)
    passed = sorted({f.rule for f in findings if f.status == PASS})
    if FAIL in statuses:
        state = MISSING if art is not None and not art.present else FAILED
    elif WARN in statuses:
        state = WARNED
    elif any(f.status == SKIP and f.rule not in everywhere for f in findings):
        # a rule was not judged for this pattern: not "ok" (the finding says why)
        state = SKIPPED
    elif PASS in statuses or (art is not None and art.present):
        # (no finding at all: a column no rule is about, e.g. the sidecar: its file decides)
        state = HAND_WRITTEN if art is not None and art.present and not art.managed and _unit(column) else PASSED
    else:
        state = SKIPPED
    if art is None:
        return Cell(column, state, problems, passed, [], [], drift)
    # a file that is not there is listed only when patforge rendered it (then it was deleted)
    shown = [p for p in art.paths if p not in art.absent or p in art.deleted] or art.paths
    return Cell(column, state, problems, passed, shown, list(art.deleted), drift)


def _unit(column: str) -> bool:
    """Whether patforge renders this column (a render kind): only then can it be hand-written."""

    return column in kinds.names()


__all__ = ["CELL_STATES", "COLUMN_LABELS", "PROBLEM_STATES", "Artifact", "Cell", "Row", "build_matrix", "columns",
           "inventory", "SKIP"]
