"""Kind ``executor``: the pattern's PowerShell or Python executor scaffold.

The language follows ``executor_path``'s extension. A hand-written executor (present,
never rendered) is never replaced; Phase 1 only adds its ``DOC_LINK`` header.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, Iterator

from patforge.check.judging import MAX_PER_FILE, bad, doc_link_rules, fix_hint, judge_placement, skip
from patforge.check.model import Item, RepoModel, Suite
from patforge.check.resolve import DocIdSource, doc_link
from patforge.check.rules import Finding, MUST, Rule, SHOULD
from patforge.diagnostics import error
from patforge.docids.claims import IdClaim, find_doc_id_header, read_inside
from patforge.repository.bounded import ContentError
from patforge.repository.paths import PathProblem
from patforge.docids.doclink import DocLink, find_doc_link
from patforge.kinds.base import BuildContext, Kind, PATTERN, Reader, Unit
from patforge.kinds.judge import ArtifactJudge
from patforge.kinds.spec import NAME as SPEC
from patforge.repository.layout import EXAMPLE_FILES, example_dir, executor_file_name
from patforge.repository.registry import Pattern, Registry
from patforge.spec.compiler import first_line
from patforge.spec.inputshapes import field_names, is_split_shape, required_flag

NAME = "executor"  # the --kind value, templates/executor/, and the subject of its rules


def relpath(from_file: str, to_file: str) -> str:
    """``to_file`` as seen from ``from_file``'s folder (for paths embedded in code)."""
    return posixpath.relpath(to_file, posixpath.dirname(from_file))


def intent_line(p: Pattern) -> str:
    intent = p.spec.data.get("intent") if p.spec else None
    return first_line(intent) or f"Execute {p.name} pattern instances."


def language_slots(language: str, path: str) -> dict[str, str]:
    """``ps1_path``/``py_path``: one of the two is empty, and Copier skips a file whose
    name renders empty, so one template folder serves both languages."""
    return {"ps1_path": path if language == "powershell" else "",
            "py_path": path if language == "python" else ""}


def _input_names(p: Pattern) -> list[dict[str, Any]]:
    inputs = p.spec.data.get("inputs") if p.spec else None
    if isinstance(inputs, list) or (isinstance(inputs, dict) and is_split_shape(inputs)):
        return [{"name": n, "required": r} for n, r in field_names(inputs)]  # other shapes
    if not isinstance(inputs, dict) or inputs.get("placeholder") is True:
        return []
    out = []
    for k, v in inputs.items():
        req = isinstance(v, dict) and required_flag(v.get("required")) is True
        out.append({"name": str(k), "required": req})
    return out


class ExecutorKind(Kind):
    """Template output over the entry and the spec's inputs."""

    derived_from = SPEC  # its other answers come from the spec

    def layout(self, registry: Registry, p: Pattern) -> dict[str, str]:
        return {"executor": p.executor_path}

    def build(self, ctx: BuildContext, p: Pattern | None) -> Unit | None:
        if p.executor_language is None:
            ctx.diagnostics.add(error(f"{p.name}: executor_path {p.executor_path} has no known language",
                                      path=ctx.registry.path, pattern=p.name,
                                      hint="executor_path must end in .ps1 (PowerShell) or .py (Python)"))
            return None
        answers = {"answers_file": self.answers_file(p), "name": p.name, "pattern_id": p.pattern_id,
                   "doc_id": ctx.registry.doc_id_for(p), "language": p.executor_language,
                   "version": p.version, "category": p.category, "description": intent_line(p),
                   "executor_path": p.executor_path, "schema_path": p.schema_path,
                   "spec_path": p.spec_path,
                   "schema_relpath": relpath(p.executor_path, p.schema_path),
                   "example_relpath": relpath(p.executor_path, f"{example_dir(p)}/{EXAMPLE_FILES[0]}"),
                   "inputs": _input_names(p),
                   **language_slots(p.executor_language, p.executor_path)}
        unit = Unit(self.name, p.name, ctx.phase, answers, [p.executor_path])
        if "executor_path" in p.derived:  # derived by convention (entrypaths.py): recorded once present
            unit.registry_fields.append(("executor_path", p.executor_path))
        return unit

    def claims(self, registry: Registry, p: Pattern) -> list[IdClaim]:
        path = registry.repo / p.executor_path
        if self.on_disk(registry, p) or not path.is_file():
            return []
        try:  # the reading layer: regular, inside, bounded in size
            text = read_inside(registry.repo, p.executor_path).decode("utf-8", errors="replace")
        except (ContentError, PathProblem):
            return []
        out = []
        link = find_doc_link(text)
        if link is not None:
            out.append(IdClaim("executor DOC_LINK header", p.executor_path, link.line, link.doc_id))
        header = find_doc_id_header(text)
        if header is not None:
            out.append(IdClaim("executor DOC_ID header", p.executor_path, header[1], header[0]))
        return out

    def doc_link_targets(self, files: Reader, p: Pattern) -> list[str]:
        if p.executor_language is None or self.managed(files, p) or not files.exists(p.executor_path):
            return []
        return [p.executor_path]


# -- check: Executor files: PAT-CHECK-001-040..-043. (was check/judges/executor.py) --------------------------
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
    part: ExecutorPart = s.part(NAME)
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
                               move_to=None, rename_to=executor_file_name(p.name, name.suffix or ".ps1"),
                               wanted=None if name.stem == executor_file_name(p.name, "") and name.suffix
                               else executor_file_name(p.name, ".<ext>"))
    # -041 / -042
    yield from doc_link_rules(model, item, "PAT-CHECK-001-041", "PAT-CHECK-001-042", "executor",
                              [rel] if exists else [], {rel: s.part(NAME).link}, doc_id,
                              answers=KIND.answers_file(p),
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


#: The rule-table rows this kind owns (were rows of check/rules.py).
RULES: tuple[Rule, ...] = (
    Rule("PAT-CHECK-001-040", MUST, "executor_path exists, is under executors/ and is named "
         "<name>_executor.<ext>", "pattern", NAME),
    Rule("PAT-CHECK-001-041", MUST, "the executor has a DOC_LINK: <doc_id> header in its language's comment syntax",
         "pattern", NAME),
    Rule("PAT-CHECK-001-042", MUST, "the executor's DOC_LINK equals the registry's doc_id and is well-formed",
         "pattern", NAME),
    Rule("PAT-CHECK-001-043", SHOULD, "the executor has no hard-coded absolute paths to specs, schemas or tests",
         "pattern", NAME),
)

JUDGE = ArtifactJudge(
    rules=RULES,
    kind=NAME, path_field="executor_path", locate=locate, judge=judge, sources=sources,
    link_hints={"executor": fix_hint("inserts the DOC_LINK header")})


KIND = ExecutorKind(NAME, PATTERN,
                    "the PowerShell (.ps1) or Python (.py) executor scaffold", check=JUDGE)
