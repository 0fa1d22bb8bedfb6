"""Kind ``tests``: the Pester (.ps1) or pytest (.py) test file of a pattern's executor.

A generated executor's behaviour is tested (exit 2 on invalid input, 3 = not
implemented); a hand-written executor only gets presence and doc_id tests.
"""

from __future__ import annotations

from patforge.kinds.base import PATTERN, BuildContext, Kind, Unit
from patforge.kinds.executor import KIND as EXECUTOR, intent_line, language_slots, relpath
from patforge.repository.layout import RESULT_SCHEMA, example_dir, test_file
from patforge.repository.registry import Pattern, Registry


class TestsKind(Kind):
    """Template output: tests that know whether the executor is patforge's scaffold."""

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


KIND = TestsKind("tests", PATTERN,
                 "the Pester (.ps1) or pytest (.py) tests of the executor")
