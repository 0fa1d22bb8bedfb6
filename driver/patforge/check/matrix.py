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
* ``hand-written``: every rule passes and the artifact exists but patforge did not
  render it (no answers file for that kind);
* ``pass``: every rule judged passes;
* ``skip``: nothing could be judged (the entry is too broken to read).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from patforge.check.rules import FAIL, PASS, RULES, RULES_BY_ID, SKIP, WARN, Finding
from patforge import kinds

MISSING, FAILED, WARNED, HAND_WRITTEN, PASSED, SKIPPED = "missing", "fail", "warn", "hand-written", "pass", "skip"
CELL_STATES = (MISSING, FAILED, WARNED, HAND_WRITTEN, PASSED, SKIPPED)
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


@dataclass
class Cell:
    column: str
    state: str
    findings: list[Finding] = field(default_factory=list)  # FAIL/WARN/SKIP, sorted
    passed: list[str] = field(default_factory=list)  # rule IDs that pass
    paths: list[str] = field(default_factory=list)


@dataclass
class Row:
    pattern: str
    root: str | None
    cells: list[Cell]

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

    out: dict[str, dict[str, Artifact]] = {}
    render_kinds = set(kinds.names())
    for item in model.items:
        p = item.pattern
        if p is None or model.registry is None or (labels is not None and item.label not in labels):
            continue
        row = {}
        for col in columns():
            if col in render_kinds:
                kind = kinds.by_name(col)
                paths = sorted(kind.layout(model.registry, p).values())
                managed = model.files.is_file(kind.answers_file(p))  # as Kind.managed decides
            else:
                judge = model.judge_of(col)
                field = judge.path_field if judge is not None else None
                paths = [p.paths[field]] if field and p.paths.get(field) else [model.reg_path]
                managed = False
            present = any(model.files.is_file(rel) or (model.files.is_dir(rel) and model.files.list_files(rel))
                          for rel in paths)
            row[col] = Artifact(paths, present, managed)
        out[item.label] = row
    return out


def build_matrix(result) -> tuple[list[str], list[Row]]:
    """(columns, one row per pattern judged, sorted by name) for a ``CheckResult``."""
    cols = columns()
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
        cells = [_cell(col, [f for f in found if where[f] == col], arts.get(col)) for col in cols]
        rows.append(Row(name, roots[name], cells))
    return cols, rows


def _column(f: Finding, arts: dict[str, Artifact]) -> str:
    """A finding's column: its rule's subject, unless its file is another column's
    artifact (a sidecar problem, judged under a schema rule, shows on the sidecar)."""
    subject = column_of(f.rule)
    if f.path is None:
        return subject
    return next((col for col in _kind_only_columns() if col in arts and f.path in arts[col].paths), subject)


def _kind_only_columns() -> list[str]:
    subjects = {r.subject for r in RULES}
    return [c for c in columns() if c not in subjects]


def _cell(column: str, findings: list[Finding], art: Artifact | None) -> Cell:
    statuses = {f.status for f in findings}
    problems = sorted((f for f in findings if f.status != PASS), key=Finding.sort_key)
    passed = sorted({f.rule for f in findings if f.status == PASS})
    if FAIL in statuses:
        state = MISSING if art is not None and not art.present else FAILED
    elif WARN in statuses:
        state = WARNED
    elif PASS in statuses or (not statuses and art is not None and art.present):
        # (no finding at all: a column no rule is about, e.g. the sidecar: its file decides)
        state = HAND_WRITTEN if art is not None and art.present and not art.managed and _unit(column) else PASSED
    else:
        state = SKIPPED
    return Cell(column, state, problems, passed, art.paths if art else [])


def _unit(column: str) -> bool:
    """Whether patforge renders this column (a render kind): only then can it be hand-written."""

    return column in kinds.names()


__all__ = ["CELL_STATES", "COLUMN_LABELS", "Artifact", "Cell", "Row", "build_matrix", "columns", "inventory",
           "SKIP"]
