"""The one-pattern repository the hostile tests break: a good registry entry and spec
for ``alpha``, and ``build`` to write them (or a broken variant) under a folder.

Shared by test_hostile_input.py, test_hostile_state.py, test_hostile_behaviour.py,
test_yaml_limits.py and test_fault_injection.py.
"""

from __future__ import annotations

from pathlib import Path

GOOD_ENTRY = """\
  - pattern_id: PAT-ALPHA-001
    name: alpha
    version: "1.0.0"
    status: draft
    category: demo
    spec_path: patterns/specs/alpha.pattern.yaml
    schema_path: patterns/schemas/alpha.schema.json
    executor_path: patterns/executors/alpha_executor.py
"""
GOOD_SPEC = """\
pattern_id: PAT-ALPHA-001
name: alpha
version: "1.0.0"
intent: |
  Demo.
inputs:
  target:
    type: string
    required: true
"""
REG = "patterns/registry/PATTERN_INDEX.yaml"
SPEC = "patterns/specs/alpha.pattern.yaml"


def build(tmp: Path, registry: str | bytes | None = None, spec: str | bytes | None = GOOD_SPEC) -> Path:
    repo = tmp / "repo"
    for d in ("registry", "specs", "schemas", "executors", "examples", "tests"):
        (repo / "patterns" / d).mkdir(parents=True, exist_ok=True)
    reg = registry if registry is not None else "version: '1.0'\npatterns:\n" + GOOD_ENTRY
    (repo / REG).write_bytes(reg if isinstance(reg, bytes) else reg.encode("utf-8"))
    if spec is not None:
        (repo / SPEC).write_bytes(spec if isinstance(spec, bytes) else spec.encode("utf-8"))
    return repo


def reg_with(entry: str) -> str:
    return "version: '1.0'\npatterns:\n" + entry
