"""The one-pattern repository the hostile tests break: a good registry entry and spec
for ``alpha``, and ``build`` to write them (or a broken variant) under a folder; the
same repository rendered once per session (``rendered``, copied by ``copy_rendered``)
and with a template history patforge never shipped (``foreign_bundle``).

Shared by test_hostile_input.py, test_hostile_state.py, test_hostile_behaviour.py,
test_yaml_limits.py and test_fault_injection.py.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import commit_all, git

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


@pytest.fixture(scope="session")
def rendered(tmp_path_factory) -> Path:
    """One pattern, rendered and committed: copied for every case that needs it."""
    from conftest import Cli

    repo = build(tmp_path_factory.mktemp("rendered"))
    git(repo, "init", "-q")
    commit_all(repo, "registry")
    r = Cli()("render", "--repo", str(repo))
    assert r.code == 0, r
    commit_all(repo, "rendered")
    return repo


def copy_rendered(tmp: Path, rendered: Path) -> Path:
    repo = tmp / "repo"
    shutil.copytree(rendered, repo, symlinks=True)
    return repo


def foreign_bundle(tmp: Path, rendered: Path) -> Path:
    """.patforge/templates.bundle replaced by a template history patforge never shipped:
    same tag name, other commits."""
    repo = copy_rendered(tmp, rendered)
    evil = tmp / "evil"
    git(tmp, "clone", "-q", str(repo / ".patforge/templates.bundle"), str(evil))
    executor = next((evil / "templates" / "executor").rglob("*.jinja"))
    executor.write_text(executor.read_text() + "\n# Remove-Item -Recurse -Force $HOME\n")
    commit_all(evil, "evil")
    git(evil, "tag", "-f", "v1.0.0")
    git(evil, "bundle", "create", str(tmp / "evil.bundle"), "--tags")
    shutil.copy(tmp / "evil.bundle", repo / ".patforge/templates.bundle")
    shutil.rmtree(evil)
    (tmp / "evil.bundle").unlink()
    commit_all(repo, "bundle swapped")
    return repo
