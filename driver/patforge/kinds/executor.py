"""Kind ``executor``: the pattern's PowerShell or Python executor scaffold.

The language follows ``executor_path``'s extension. A hand-written executor (present,
never rendered) is never replaced; Phase 1 only adds its ``DOC_LINK`` header.
"""

from __future__ import annotations

import posixpath
from typing import Any

from patforge.spec.compiler import first_line
from patforge.diagnostics import error
from patforge.spec.inputshapes import field_names, is_split_shape, required_flag
from patforge.kinds.base import PATTERN, BuildContext, Kind, Reader, Unit
from patforge.repository.layout import example_dir
from patforge.repository.registry import Pattern, Registry


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
                   "example_relpath": relpath(p.executor_path, f"{example_dir(p)}/instance_minimal.json"),
                   "inputs": _input_names(p),
                   **language_slots(p.executor_language, p.executor_path)}
        unit = Unit(self.name, p.name, ctx.phase, answers, [p.executor_path])
        if "executor_path" in p.derived:  # derived by convention (entrypaths.py): recorded once present
            unit.registry_fields.append(("executor_path", p.executor_path))
        return unit

    def doc_link_targets(self, files: Reader, p: Pattern) -> list[str]:
        if p.executor_language is None or self.managed(files, p) or not files.exists(p.executor_path):
            return []
        return [p.executor_path]


KIND = ExecutorKind("executor", PATTERN,
                    "the PowerShell (.ps1) or Python (.py) executor scaffold")
