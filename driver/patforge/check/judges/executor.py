"""Executor files: PAT-CHECK-001-040..-043."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Iterator

from patforge import kinds
from patforge.docids.doclink import DocLink
from patforge.repository.registry import Pattern

from patforge.check.judges.interface import ArtifactJudge
from patforge.check.judging import MAX_PER_FILE, bad, doc_link_rules, fix_hint, judge_placement, skip
from patforge.check.model import Item, RepoModel, Suite
from patforge.check.resolve import DocIdSource, doc_link
from patforge.check.rules import Finding

KIND = "executor"
_ABS_PATH = re.compile(
    r"""(?:(?<![\w$.~:/\\\])}])[A-Za-z]:[\\/]|\\\\[\w.$-]+\\|(?<![\w$.~:/\\\])}>-])/(?=[\w.-]))[^\s'"`<>|,;)]*""")
_ARTIFACT_PATH = re.compile(r"(?:^|[\\/])(?:specs|schemas|tests)(?:[\\/]|$)|\.pattern\.ya?ml$|\.schema\.json$",
                            re.I)


@dataclass
class ExecutorPart:
    exists: bool
    link: DocLink | None = None  # its DOC_LINK header


def locate(model: RepoModel, p: Pattern) -> ExecutorPart:
    exists = model.files.is_file(p.executor_path)
    return ExecutorPart(exists, doc_link(model.files, p.executor_path) if exists else None)


def sources(model: RepoModel, item: Item, s: Suite) -> list[DocIdSource]:
    part: ExecutorPart = s.part(KIND)
    if not part.exists:
        return []
    link = part.link
    return [DocIdSource("executor", s.p.executor_path, link.doc_id if link else None, link.line if link else None)]


def judge(model: RepoModel, item: Item, s: Suite) -> Iterator[Finding]:
    p = s.p
    rel = p.executor_path
    f = model.files
    exists = f.is_file(rel)
    name = PurePosixPath(rel)
    expected, _ = model.expected(item)
    doc_id = expected or model.derived(item) or "DOC-..."
    yield from judge_placement(model, item, "PAT-CHECK-001-040", field="executor_path", noun="executor",
                               missing_hint="`patforge render` creates it (or correct executor_path)",
                               move_to=None, rename_to=f"{p.name}_executor{name.suffix or '.ps1'}",
                               wanted=None if name.stem == f"{p.name}_executor" and name.suffix
                               else f"{p.name}_executor.<ext>")
    # -041 / -042
    yield from doc_link_rules(model, item, "PAT-CHECK-001-041", "PAT-CHECK-001-042", "executor",
                              [rel] if exists else [], {rel: s.part(KIND).link}, doc_id,
                              answers=kinds.by_name(KIND).answers_file(p),
                              missing_why="the executor does not exist (PAT-CHECK-001-040)")
    # -043
    rule = "PAT-CHECK-001-043"
    if not exists:
        yield skip(rule, item, "the executor does not exist (PAT-CHECK-001-040)", path=rel)
        return
    text = f.text(rel) or ""
    shown = 0
    # one search of the whole text first: most executors have no absolute path at all
    lines = text.splitlines() if _ABS_PATH.search(text) else []
    for n, line in enumerate(lines, start=1):
        if n == 1 and line.startswith("#!"):
            continue
        for m in _ABS_PATH.finditer(line):
            cand = m.group().rstrip(".")
            if _ARTIFACT_PATH.search(cand):
                if shown < MAX_PER_FILE:
                    yield bad(rule, item, f"hard-coded absolute path {cand}", path=rel, line=n,
                              hint="build the path from the executor's own location ($PSScriptRoot / "
                                   "Path(__file__).parent) or take it as a parameter")
                shown += 1
    if shown > MAX_PER_FILE:
        yield bad(rule, item, f"... and {shown - MAX_PER_FILE} more hard-coded absolute path(s)", path=rel)


JUDGE = ArtifactJudge(
    kind=KIND, path_field="executor_path", locate=locate, judge=judge, sources=sources,
    link_hints={"executor": fix_hint("inserts the DOC_LINK header")})
