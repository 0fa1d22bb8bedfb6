"""Render units: one (pattern, artifact kind) pair, its answers and its files.

A unit's answers are everything its template needs, computed from the registry
and the spec; they are what ``.patforge/answers/<name>/<kind>.yml`` records, so a
unit whose answers and template version are unchanged is skipped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ANSWERS_DIR = ".patforge/answers"
KINDS = ("sidecar", "schema", "examples", "executor", "tests", "repo")
EXAMPLE_FILES = ("instance_minimal.json", "instance_full.json", "instance_test.json")


def answers_path(name: str, kind: str) -> str:
    return f"{ANSWERS_DIR}/{name}/{kind}.yml"


@dataclass
class Unit:
    kind: str
    pattern: str  # pattern name ("_repo" for the repository-level unit)
    phase: int
    answers: dict[str, Any]  # the unit mapping passed to the template
    files: list[str]  # repository-relative paths the template writes (answers file excluded)
    registry_fields: list[tuple[str, str]] = field(default_factory=list)  # fields to record

    @property
    def answers_file(self) -> str:
        return self.answers["answers_file"]

    @property
    def key(self) -> tuple[str, str]:
        return (self.pattern, self.kind)
