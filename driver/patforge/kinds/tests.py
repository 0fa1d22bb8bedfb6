"""Kind ``tests``: the Pester (.ps1) or pytest (.py) test file of a pattern's executor.

A generated executor's behaviour is tested (exit 2 on invalid input, 3 = not
implemented); a hand-written executor only gets presence and doc_id tests.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Iterator

from patforge.check.judging import bad, doc_link_rules, fix_hint, skip
from patforge.check.model import Item, RepoModel, Suite
from patforge.check.resolve import DocIdSource, doc_link
from patforge.check.rules import Finding, MUST, Rule, SHOULD
from patforge.docids.doclink import DocLink
from patforge.kinds.base import BuildContext, Kind, PATTERN, Unit
from patforge.kinds.executor import KIND as EXECUTOR, intent_line, language_slots, relpath
from patforge.kinds.judge import ArtifactJudge
from patforge.kinds.spec import NAME as SPEC
from patforge.repository.layout import RESULT_SCHEMA, example_dir, test_file
from patforge.repository.registry import Pattern, Registry

NAME = "tests"  # the --kind value, templates/tests/, and the subject of its rules


class TestsKind(Kind):
    """Template output: tests that know whether the executor is patforge's scaffold."""

    derived_from = SPEC  # its other answers come from the spec

    __test__ = False  # not a pytest class, despite the name

    def layout(self, registry: Registry, p: Pattern) -> dict[str, str]:
        return {"test": test_file(p)}

    def inputs(self, p: Pattern) -> tuple[list[str], list[str]]:
        return [p.schema_path], []  # the generated test reads the schema

    def build(self, ctx: BuildContext, p: Pattern | None) -> Unit | None:
        if p.executor_language is None:
            return None  # reported by the executor unit
        target = test_file(p)
        folder = example_dir(p)
        # The executor is patforge's scaffold unless a person wrote it (present, never rendered).
        scaffold = not (ctx.files.exists(p.executor_path) and not EXECUTOR.managed(ctx.files, p))
        answers = {"answers_file": self.answers_file(p), "name": p.name, "pattern_id": p.pattern_id,
                   "doc_id": ctx.registry.doc_id_for(p), "language": p.executor_language,
                   "test_path": target, "executor_generated": scaffold,
                   "executor_relpath": relpath(target, p.executor_path),
                   "schema_relpath": relpath(target, p.schema_path),
                   "example_dir_relpath": relpath(target, folder),
                   "result_schema_relpath": relpath(target, RESULT_SCHEMA),
                   "executor_path": p.executor_path, "schema_path": p.schema_path, "example_dir": folder,
                   "description": intent_line(p), "version": p.version,
                   **language_slots(p.executor_language, target)}
        unit = Unit(self.name, p.name, ctx.phase, answers, [target])
        if p.test_path is None:
            unit.registry_fields.append(("test_path", target))
        return unit


# -- check: Test files: PAT-CHECK-001-060..-063. (was check/judges/tests.py) ---------------------------------
# A pattern's tests are the files under ``<root>/tests/`` named after it
# (``test_<name>_*``; ``test_<name>.py`` and ``<name>.Tests.ps1`` are recognised but do not
# satisfy -060) plus whatever its ``test_path`` (a file or a glob) names. Every other
# test file there must be visibly cross-pattern (-063, judged once per root).
_CROSS_DIRS = {"cross_pattern", "cross-pattern", "cross", "integration", "e2e", "suite", "suites"}
_CROSS_NAMES = ("test_cross_", "test_integration_", "test_e2e_", "test_registry", "test_all_patterns",
                "test_pattern_registry", "test_doc_id")
_CROSS_MARKER = re.compile(r"TEST_SCOPE:\s*cross|pytest\.mark\.cross_pattern", re.I)
_TEST_FILE = re.compile(r"^test_|[._-]tests?\.[A-Za-z0-9]+$", re.I)


@dataclass
class TestsPart:
    named: list[str] = field(default_factory=list)  # files under <root>/tests/ named test_<name>_*
    test_path_files: list[str] = field(default_factory=list)  # what test_path names
    files: list[str] = field(default_factory=list)  # both, sorted
    links: dict[str, DocLink | None] = field(default_factory=dict)  # file -> its DOC_LINK header


def prepare(model: RepoModel) -> None:
    """Index every root's tests/ by the pattern each file is named after (read once)."""
    names = set(model.names)
    by_root: dict[str, dict[str, list[str]]] = {}
    for root in model.roots:
        found: dict[str, list[str]] = {}
        for rel in model.files.walk_files(f"{root}/tests"):
            base = PurePosixPath(rel).name
            owner, strict = test_owner(base, names)
            if owner and strict and model.names.get(owner) == root:
                found.setdefault(owner, []).append(rel)
        by_root[root] = found
    model.shared[NAME] = by_root


def named_tests(model: RepoModel, p: Pattern) -> list[str]:
    """The files under the pattern's root tests/ named test_<name>_*."""
    return list(model.shared[NAME].get(p.root, {}).get(p.name, []))


def test_owner(basename: str, names: set[str]) -> tuple[str | None, bool]:
    """The pattern a test file is named after (longest name wins) and whether it has
    the exact ``test_<name>_*`` form (False: ``test_<name>.py``, ``<name>.Tests.ps1``)."""
    if basename.endswith((".pyc", ".pyo")):
        return None, False
    if basename.startswith("test_"):
        rest, best, strict = basename[5:], None, False
        for m in re.finditer(r"[_.]", rest):
            if rest[:m.start()] in names:
                best, strict = rest[:m.start()], m.group() == "_"
        return best, strict
    if _TEST_FILE.search(basename):
        best = None
        for m in re.finditer(r"[_.-]", basename):
            if basename[:m.start()] in names:
                best = basename[:m.start()]
        return best, False
    return None, False


def locate(model: RepoModel, p: Pattern) -> TestsPart:
    f = model.files
    part = TestsPart(named_tests(model, p))
    tp = p.test_path
    if tp:
        part.test_path_files = f.glob(tp) if any(c in tp for c in "*?[") else ([tp] if f.is_file(tp) else [])
    part.files = sorted(set(part.named) | set(part.test_path_files))
    for rel in part.files:
        part.links[rel] = doc_link(f, rel)
    return part


def sources(model: RepoModel, item: Item, s: Suite) -> list[DocIdSource]:
    part: TestsPart = s.part(NAME)
    out = []
    for rel in part.files:
        link = part.links[rel]
        out.append(DocIdSource("test", rel, link.doc_id if link else None, link.line if link else None))
    return out


def subject(model: RepoModel, item: Item, s: Suite | None) -> str:
    files = s.part(NAME).files if s else []
    return files[0] if files else f"{item.pattern.root}/tests"


def found_at(model: RepoModel, p: Pattern) -> str | None:
    """The test file render would record as test_path, when the entry does not record one:
    the conventional file, else the one file named after the pattern."""
    if model.files.is_file(p.default_test_path()):
        return p.default_test_path()
    named = named_tests(model, p)
    return named[0] if len(named) == 1 else None


def fix_links(model: RepoModel, p: Pattern, s: Suite) -> list[str]:
    """Hand-written test files (render did not write them: no answers file)."""
    return [] if KIND.managed(model.files, p) else list(s.part(NAME).files)


def fix_path(model: RepoModel, p: Pattern, s: Suite) -> str | None:
    return found_at(model, p)


def judge_path(model: RepoModel, item: Item, norm: str, line: int | None) -> Iterator[Finding]:
    rule = "PAT-CHECK-001-013"
    globbed = any(c in norm for c in "*?[")
    if globbed and not model.files.glob(norm):
        yield bad(rule, item, f"test_path glob {norm} matches no file", path=model.reg_path, line=line,
                  hint="create the tests or correct the glob")
    elif not globbed and not model.files.is_file(norm):
        yield bad(rule, item, f"test_path {norm} does not exist", path=model.reg_path, line=line,
                  hint="create it (`patforge render` does) or correct test_path")


def judge(model: RepoModel, item: Item, s: Suite) -> Iterator[Finding]:
    p = s.p
    part: TestsPart = s.part(NAME)
    expected, _ = model.expected(item)
    doc_id = expected or model.derived(item) or "DOC-..."
    tests_dir = f"{p.root}/tests"
    rule = "PAT-CHECK-001-060"
    if not part.named:
        kind = "migrated pattern" if item.migrated else "pattern"
        if part.test_path_files:
            msg = (f"test_path {p.test_path} exists, but no file under {tests_dir}/ is named "
                   f"test_{p.name}_*")
            hint = f"rename the test file to test_{p.name}_<what>.<ext>"
        else:
            msg = f"no file under {tests_dir}/ is named test_{p.name}_* ({kind} without tests)"
            hint = f"run `patforge render` to create {p.default_test_path()} and record test_path"
        yield bad(rule, item, msg, path=tests_dir, hint=hint)
    yield from doc_link_rules(model, item, "PAT-CHECK-001-061", "PAT-CHECK-001-062", "test", part.files,
                              part.links, doc_id, answers=None,
                              missing_why="the pattern has no test file (PAT-CHECK-001-060)")


def judge_repo(model: RepoModel) -> Iterator[Finding]:
    for root in model.roots:
        yield from _judge_scopes(model, root)


def _judge_scopes(model: RepoModel, root: str) -> Iterator[Finding]:
    """-063, once per root: every test file is pattern-level or cross-pattern, visibly."""
    rule = "PAT-CHECK-001-063"
    if model.registry is None:
        yield skip(rule, None, "without a registry there are no pattern names to tell tests apart by",
                   path=f"{root}/tests", root=root)
        return
    names = set(model.names)
    base = f"{root}/tests/"
    for rel in model.files.walk_files(f"{root}/tests"):
        name = PurePosixPath(rel).name
        if not _TEST_FILE.search(name) or name.endswith((".pyc", ".pyo")):
            continue  # helpers, data, __init__.py, conftest.py, .gitkeep
        folders = set(PurePosixPath(rel[len(base):]).parts[:-1])
        if folders & _CROSS_DIRS or name.lower().startswith(_CROSS_NAMES):
            continue
        owner, _ = test_owner(name, names)
        if owner is not None:
            if model.names.get(owner) != root:
                yield bad(rule, None, f"{rel} is named after pattern {owner}, whose root is "
                          f"{model.names.get(owner)}/, so it does not count as that pattern's test", path=rel,
                          root=root, hint=f"move it to {model.names.get(owner)}/tests/, or mark it cross-pattern")
            continue
        head = "\n".join((model.files.text(rel) or "").splitlines()[:60])
        if _CROSS_MARKER.search(head):
            continue
        yield bad(rule, None, f"{rel} is neither named after a pattern (test_<name>_*) nor marked cross-pattern",
                  path=rel, root=root,
                  hint="rename it test_<pattern name>_..., move it into tests/cross_pattern/, or add a "
                       "`TEST_SCOPE: cross-pattern` header comment")


#: The rule-table rows this kind owns (were rows of check/rules.py).
RULES: tuple[Rule, ...] = (
    Rule("PAT-CHECK-001-060", MUST, "at least one file under tests/ is named test_<name>_*", "pattern", NAME),
    Rule("PAT-CHECK-001-061", MUST, "each of the pattern's test files has a DOC_LINK: <doc_id> header", "pattern",
         NAME),
    Rule("PAT-CHECK-001-062", MUST, "each test file's DOC_LINK equals the registry's doc_id and is well-formed",
         "pattern", NAME),
    Rule("PAT-CHECK-001-063", SHOULD, "pattern-level and cross-pattern tests are told apart by name, folder or "
         "marker", "root", NAME,
         note="pattern-level: test_<name>_*; cross-pattern: a cross_pattern/ (cross/, integration/, e2e/) "
              "folder, a test_cross_* / test_integration_* name, or a TEST_SCOPE: cross-pattern header"),
)

JUDGE = ArtifactJudge(
    rules=RULES,
    kind=NAME, path_field="test_path", locate=locate, judge=judge, sources=sources,
    subject=subject, prepare=prepare, judge_repo=judge_repo, rendered="test file",
    path_is="an existing file or glob", found_at=found_at, judge_path=judge_path, fix_path=fix_path,
    fix_links=fix_links,
    link_hints={"test": fix_hint("inserts the DOC_LINK header (.py and .ps1 files; others by hand)")})


KIND = TestsKind(NAME, PATTERN,
                 "the Pester (.ps1) or pytest (.py) tests of the executor", check=JUDGE)
