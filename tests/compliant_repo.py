"""A small repository written by hand that complies with every rule of ``patforge check``,
and the single breaks that make exactly one rule fail (or warn) for exactly one pattern.

Shared by the check tests (test_check_rules.py and the test_check_*.py files): it is
written by hand, not by ``patforge render``, so that those tests pin the rules, not the
templates. ``build_repo`` writes it; ``MUST_CASES`` and ``SHOULD_CASES`` break it.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Callable

MIGRATED_ROOT = "patterns/legacy_atoms/converted"

ALPHA, BETA, GAMMA = "alpha_copy", "beta_merge", "gamma_sync"
DOC = {ALPHA: "DOC-ALPHA-COPY-001", BETA: "DOC-BETA-MERGE-001", GAMMA: "DOC-MIGRATED-GAMMA-001"}
PID = {ALPHA: "PAT-ALPHA-COPY-001", BETA: "PAT-BETA-MERGE-001", GAMMA: "PAT-MIGRATED-GAMMA-001"}

REGISTRY = f"""\
# PATTERN_INDEX.yaml - hand-written fixture for patforge check
version: "1.0.0"
metadata:
  total_patterns: 3

patterns:
  # ---- core ----
  - doc_id: {DOC[ALPHA]}
    pattern_id: {PID[ALPHA]}
    name: {ALPHA}
    version: "1.0.0"
    status: stable
    category: file_operations
    spec_path: patterns/specs/{ALPHA}.pattern.yaml
    schema_path: patterns/schemas/{ALPHA}.schema.json
    executor_path: patterns/executors/{ALPHA}_executor.ps1
    test_path: patterns/tests/test_{ALPHA}_executor.ps1
    example_dir: patterns/examples/{ALPHA}

  - doc_id: {DOC[BETA]}
    pattern_id: {PID[BETA]}
    name: {BETA}
    version: "2.1.0"
    status: draft
    spec_path: patterns/specs/{BETA}.pattern.yaml
    schema_path: patterns/schemas/{BETA}.schema.json
    executor_path: patterns/executors/{BETA}_executor.py
    test_path: patterns/tests/test_{BETA}_executor.py
    example_dir: patterns/examples/{BETA}

  # ---- migrated from atomic-workflow-system ----
  - doc_id: {DOC[GAMMA]}
    pattern_id: {PID[GAMMA]}
    name: {GAMMA}
    version: "0.1.0"
    status: migrated
    migrated_from: atoms/sync
    spec_path: {MIGRATED_ROOT}/specs/{GAMMA}.pattern.yaml
    schema_path: {MIGRATED_ROOT}/schemas/{GAMMA}.schema.json
    executor_path: {MIGRATED_ROOT}/executors/{GAMMA}_executor.py
    test_path: {MIGRATED_ROOT}/tests/test_{GAMMA}_executor.py
    example_dir: {MIGRATED_ROOT}/examples/{GAMMA}
# end of registry
"""


def root_of(name: str) -> str:
    return MIGRATED_ROOT if name == GAMMA else "patterns"


def ext_of(name: str) -> str:
    return ".ps1" if name == ALPHA else ".py"


def spec_text(name: str, version: str) -> str:
    r = root_of(name)
    return f"""\
# Pattern Specification: {name}
doc_id: {DOC[name]}
role: spec
schema_ref: {r}/schemas/{name}.schema.json
executor_ref: {r}/executors/{name}_executor{ext_of(name)}
pattern_id: {PID[name]}
name: {name}
version: "{version}"
intent: |
  Do the {name} thing.
inputs:
  source:
    type: string
    required: true
    description: Where to start.
outputs:
  count: integer
"""


def schema_doc(name: str, *, require_doc_id: bool = True) -> dict:
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": f"{name}.schema.json",
        "title": f"{name} instance",
        "doc_id": DOC[name],
        "type": "object",
        "required": (["doc_id"] if require_doc_id else []) + ["pattern_id", "inputs"],
        "properties": {
            "doc_id": {"type": "string", "pattern": "^[A-Z0-9]+(-[A-Z0-9]+)*$"},
            "pattern_id": {"const": PID[name]},
            "inputs": {"type": "object", "required": ["source"],
                       "properties": {"source": {"type": "string"}}},
        },
    }


def sidecar_text(name: str) -> str:
    r = root_of(name)
    return (f"# links the schema to its suite\nschema_path: {r}/schemas/{name}.schema.json\n"
            f"doc_id: {DOC[name]}\npattern_id: {PID[name]}\nrole: schema\n")


EXECUTORS = {
    ALPHA: f"""#Requires -Version 7.0
<#
.SYNOPSIS
  alpha_copy executor.
#>
# DOC_LINK: {DOC[ALPHA]}
param([string]$InstancePath)
$schema = Join-Path $PSScriptRoot '../schemas/alpha_copy.schema.json'
function Say {{ param([string]$M) Write-Host $M }}
Say "copying"
""",
    BETA: f"""#!/usr/bin/env python3
# -*- coding: utf-8 -*-
# DOC_LINK: {DOC[BETA]}
\"\"\"beta_merge executor.\"\"\"
from pathlib import Path

SCHEMA = Path(__file__).parent.parent / "schemas" / "beta_merge.schema.json"
""",
    GAMMA: f"""\"\"\"gamma_sync executor.

DOC_LINK: {DOC[GAMMA]}
\"\"\"
import sys
""",
}

TESTS = {
    ALPHA: f"""<# DOC_LINK: {DOC[ALPHA]} #>
Describe 'alpha_copy' {{ It 'runs' {{ $true | Should -Be $true }} }}
""",
    BETA: f"""# DOC_LINK: {DOC[BETA]}
def test_beta_merge_runs():
    assert True
""",
    GAMMA: f"""# DOC_LINK: {DOC[GAMMA]}
def test_gamma_sync_runs():
    assert True
""",
}


def write(repo: Path, rel: str, text: str | bytes) -> Path:
    p = repo / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        p.write_bytes(text)
    else:
        p.write_text(text, encoding="utf-8", newline="")
    return p


def edit(repo: Path, rel: str, old: str, new: str, count: int = 1) -> None:
    p = repo / rel
    text = p.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {rel}"
    p.write_text(text.replace(old, new, count), encoding="utf-8", newline="")


def build_repo(repo: Path, names: tuple[str, ...] = (ALPHA, BETA, GAMMA)) -> Path:
    """A small repository that complies with every rule (the test of this module checks it)."""
    from patforge.spec.domain_schemas import domain_schema_text

    write(repo, "patterns/registry/PATTERN_INDEX.yaml", REGISTRY)
    write(repo, "schema/pattern_spec.v1.json", domain_schema_text("pattern_spec.v1.json"))
    versions = {ALPHA: "1.0.0", BETA: "2.1.0", GAMMA: "0.1.0"}
    for name in names:
        r = root_of(name)
        write(repo, f"{r}/specs/{name}.pattern.yaml", spec_text(name, versions[name]))
        write(repo, f"{r}/schemas/{name}.schema.json",
              json.dumps(schema_doc(name, require_doc_id=name != BETA), indent=2) + "\n")
        write(repo, f"{r}/schemas/{name}.schema.id.yaml", sidecar_text(name))
        write(repo, f"{r}/executors/{name}_executor{ext_of(name)}", EXECUTORS[name])
        write(repo, f"{r}/tests/test_{name}_executor{ext_of(name)}", TESTS[name])
        write(repo, f"{r}/examples/{name}/instance_minimal.json",
              json.dumps({"doc_id": DOC[name], "pattern_id": PID[name], "inputs": {"source": "a"}}, indent=2))
    # beta: one hand-written example without doc_id, linked by the folder's index
    write(repo, f"patterns/examples/{BETA}/hand_written.json",
          json.dumps({"pattern_id": PID[BETA], "inputs": {"source": "from a person"}}, indent=2))
    write(repo, f"patterns/examples/{BETA}/examples.id.yaml",
          f"doc_id: {DOC[BETA]}\npattern_id: {PID[BETA]}\nrole: examples\nexamples:\n  - hand_written.json\n")
    # a cross-pattern test, told apart by its folder
    write(repo, "patterns/tests/cross_pattern/test_registry_consistency.py", "def test_ok():\n    pass\n")
    return repo

# -- one break, one rule --------------------------------------------------------------------

Break = Callable[[Path], None]


def replace_everywhere(old: str, new: str) -> Break:
    def run(repo: Path) -> None:
        for p in repo.rglob("*"):
            if p.is_file() and ".git" not in p.parts:
                text = p.read_text(encoding="utf-8")
                if old in text:
                    p.write_text(text.replace(old, new), encoding="utf-8", newline="")
    return run


def rename(src: str, dst: str, *changes: tuple[str, str, str]) -> Break:
    def run(repo: Path) -> None:
        (repo / dst).parent.mkdir(parents=True, exist_ok=True)
        shutil.move(repo / src, repo / dst)
        for rel, old, new in changes:
            edit(repo, rel, old, new)
    return run


def edits(*changes: tuple[str, str, str]) -> Break:
    def run(repo: Path) -> None:
        for rel, old, new in changes:
            edit(repo, rel, old, new)
    return run


def delete(*rels: str) -> Break:
    def run(repo: Path) -> None:
        for rel in rels:
            p = repo / rel
            shutil.rmtree(p) if p.is_dir() else p.unlink()
    return run


def json_edit(rel: str, change: Callable[[dict], None]) -> Break:
    def run(repo: Path) -> None:
        data = json.loads((repo / rel).read_text(encoding="utf-8"))
        change(data)
        (repo / rel).write_text(json.dumps(data, indent=2), encoding="utf-8")
    return run


REG = "patterns/registry/PATTERN_INDEX.yaml"
A_SPEC, B_SPEC = f"patterns/specs/{ALPHA}.pattern.yaml", f"patterns/specs/{BETA}.pattern.yaml"
A_SCHEMA = f"patterns/schemas/{ALPHA}.schema.json"
A_SIDECAR = f"patterns/schemas/{ALPHA}.schema.id.yaml"
A_EXEC, B_EXEC = f"patterns/executors/{ALPHA}_executor.ps1", f"patterns/executors/{BETA}_executor.py"
A_TEST = f"patterns/tests/test_{ALPHA}_executor.ps1"
G_TEST = f"{MIGRATED_ROOT}/tests/test_{GAMMA}_executor.py"
A_EX = f"patterns/examples/{ALPHA}/instance_minimal.json"
B_INDEX = f"patterns/examples/{BETA}/examples.id.yaml"
G_EXDIR = f"{MIGRATED_ROOT}/examples/{GAMMA}"


def del_key(key: str) -> Callable[[dict], None]:
    return lambda d: d.pop(key)


def set_key(key: str, value) -> Callable[[dict], None]:
    return lambda d: d.__setitem__(key, value)


def _alpha_needs_input(d: dict) -> None:
    d["inputs"] = {}


def _bad_type(d: dict) -> None:
    d["type"] = "objekt"


# (id, break, FAIL pairs). A pair is (rule, pattern) or (rule, root) for repository/root rules.
# Where the break is a doc_id that disagrees (or is missing), PAT-CHECK-001-070 fails too, and a
# malformed doc_id also fails ID-SYS-101, the rule every doc_id is held to.
MUST_CASES: list[tuple[str, Break, set]] = [
    ("PATFORGE-DOC-ID-MAPPING", lambda r: write(r, "patterns/registry/doc_id_mapping.json", json.dumps(
        {PID[ALPHA]: "DOC-WRONG-001", PID[BETA]: DOC[BETA], PID[GAMMA]: DOC[GAMMA]})),
     {("PATFORGE-DOC-ID-MAPPING", "patterns")}),
    ("ID-SYS-101", edits((A_SIDECAR, f"doc_id: {DOC[ALPHA]}", "doc_id: doc-alpha-copy-001")),
     {("ID-SYS-101", ALPHA), ("PAT-CHECK-001-033", ALPHA), ("PAT-CHECK-001-070", ALPHA)}),
    ("PAT-CHECK-001-001", rename("patterns", "pattern_files"),
     {("PAT-CHECK-001-001", "patterns"), ("PAT-CHECK-001-002", "patterns"), ("PAT-CHECK-001-010", "patterns")}),
    ("PAT-CHECK-001-002", lambda r: (write(r, "patforge.toml", '[patforge]\nroots = ["patterns/extra"]\n'),
                                     (r / "patterns/extra/specs").mkdir(parents=True)),
     {("PAT-CHECK-001-002", "patterns/extra")}),
    ("PAT-CHECK-001-010", edits((REG, "metadata:\n", "metadata: [unclosed\n")),
     {("PAT-CHECK-001-010", "patterns")}),
    ("PAT-CHECK-001-011", edits((REG, "    status: stable\n", "")), {("PAT-CHECK-001-011", ALPHA)}),
    ("PAT-CHECK-001-012", edits((REG, f"doc_id: {DOC[ALPHA]}", "doc_id: DOC-alpha-copy-001")),
     {("PAT-CHECK-001-012", ALPHA), ("PAT-CHECK-001-070", ALPHA), ("ID-SYS-101", ALPHA)}),
    ("PAT-CHECK-001-013", edits((REG, f"test_{ALPHA}_executor.ps1", f"test_{ALPHA}_gone.ps1")),
     {("PAT-CHECK-001-013", ALPHA)}),
    ("PAT-CHECK-001-014", edits((REG, f"doc_id: {DOC[BETA]}", f"doc_id: {DOC[ALPHA]}")),
     {("PAT-CHECK-001-014", ALPHA), ("PAT-CHECK-001-014", BETA)}),
    ("PAT-CHECK-001-020", rename(A_SPEC, "patterns/specs/alpha-copy.pattern.yaml",
                                  (REG, f"specs/{ALPHA}.pattern.yaml", "specs/alpha-copy.pattern.yaml")),
     {("PAT-CHECK-001-020", ALPHA)}),
    ("PAT-CHECK-001-021", edits((A_SPEC, "role: spec\n", "")), {("PAT-CHECK-001-021", ALPHA)}),
    ("PAT-CHECK-001-022", edits((A_SPEC, f"doc_id: {DOC[ALPHA]}", "doc_id: DOC-ALPHA-COPY-002")),
     {("PAT-CHECK-001-022", ALPHA), ("PAT-CHECK-001-070", ALPHA)}),
    ("PAT-CHECK-001-030", rename(A_SCHEMA, "patterns/schemas/alpha_copy.json",
                                  (REG, f"schemas/{ALPHA}.schema.json", "schemas/alpha_copy.json")),
     {("PAT-CHECK-001-030", ALPHA)}),
    ("PAT-CHECK-001-032", edits((A_SIDECAR, f"schemas/{ALPHA}.schema.json", "schemas/other.schema.json")),
     {("PAT-CHECK-001-032", ALPHA)}),
    ("PAT-CHECK-001-033", edits((A_SIDECAR, f"doc_id: {DOC[ALPHA]}", "doc_id: DOC-ALPHA-COPY-009")),
     {("PAT-CHECK-001-033", ALPHA), ("PAT-CHECK-001-070", ALPHA)}),
    ("PAT-CHECK-001-040", delete(A_EXEC), {("PAT-CHECK-001-040", ALPHA)}),
    ("PAT-CHECK-001-041", edits((B_EXEC, f"# DOC_LINK: {DOC[BETA]}\n", "")),
     {("PAT-CHECK-001-041", BETA), ("PAT-CHECK-001-070", BETA)}),
    ("PAT-CHECK-001-041-syntax", edits((B_EXEC, f"# DOC_LINK: {DOC[BETA]}", f"// DOC_LINK: {DOC[BETA]}")),
     {("PAT-CHECK-001-041", BETA)}),
    ("PAT-CHECK-001-042", edits((B_EXEC, f"DOC_LINK: {DOC[BETA]}", "DOC_LINK: DOC-BETA-MERGE-002")),
     {("PAT-CHECK-001-042", BETA), ("PAT-CHECK-001-070", BETA)}),
    ("PAT-CHECK-001-050", delete(f"{G_EXDIR}/instance_minimal.json"), {("PAT-CHECK-001-050", GAMMA)}),
    ("PAT-CHECK-001-052", json_edit(A_EX, set_key("doc_id", "DOC-SOMETHING-ELSE-001")),
     {("PAT-CHECK-001-052", ALPHA), ("PAT-CHECK-001-070", ALPHA)}),
    ("PAT-CHECK-001-060", rename(A_TEST, f"patterns/tests/{ALPHA}.Tests.ps1",
                                  (REG, f"test_{ALPHA}_executor.ps1", f"{ALPHA}.Tests.ps1")),
     {("PAT-CHECK-001-060", ALPHA)}),
    ("PAT-CHECK-001-061", edits((G_TEST, f"# DOC_LINK: {DOC[GAMMA]}\n", "")),
     {("PAT-CHECK-001-061", GAMMA), ("PAT-CHECK-001-070", GAMMA)}),
    ("PAT-CHECK-001-062", edits((G_TEST, f"DOC_LINK: {DOC[GAMMA]}", "DOC_LINK: DOC-MIGRATED-GAMMA-002")),
     {("PAT-CHECK-001-062", GAMMA), ("PAT-CHECK-001-070", GAMMA)}),
    # an example that resolves to no doc_id: a -070 failure (and a -051 warning, see EXTRA_WARNS)
    ("PAT-CHECK-001-070", edits((B_INDEX, "examples:\n  - hand_written.json\n", "examples: []\n")),
     {("PAT-CHECK-001-070", BETA)}),
    ("PATFORGE-EXAMPLE-VALID", json_edit(A_EX, _alpha_needs_input), {("PATFORGE-EXAMPLE-VALID", ALPHA)}),
    ("PATFORGE-REGISTRY", edits((A_SPEC, f"pattern_id: {PID[ALPHA]}", "pattern_id: PAT-ALPHA-COPY-002")),
     {("PATFORGE-REGISTRY", ALPHA)}),
    ("PATFORGE-SCHEMA-VALID", json_edit(A_SCHEMA, _bad_type), {("PATFORGE-SCHEMA-VALID", ALPHA)}),
]

EXTRA_WARNS = {"PAT-CHECK-001-070": {("PAT-CHECK-001-051", BETA)}}

# (id, break, WARN pairs, FAIL pairs that come with it)
SHOULD_CASES: list[tuple[str, Break, set, set]] = [
    ("PAT-CHECK-001-023", edits((B_SPEC, "executor_ref: patterns/", "executor_ref: /opt/repo/patterns/")),
     {("PAT-CHECK-001-023", BETA)}, set()),
    ("PAT-CHECK-001-031", json_edit(A_SCHEMA, del_key("doc_id")), {("PAT-CHECK-001-031", ALPHA)}, set()),
    ("PAT-CHECK-001-043", edits((A_EXEC, "param(", '$Spec = "C:\\repo\\patterns\\specs\\alpha_copy.pattern.yaml"\nparam(')),
     {("PAT-CHECK-001-043", ALPHA)}, set()),
    ("PAT-CHECK-001-051", edits((B_INDEX, "  - hand_written.json\n", "  - hand_written.json\n  - gone.json\n")),
     {("PAT-CHECK-001-051", BETA)}, set()),
    ("PAT-CHECK-001-063", lambda r: write(r, "patterns/tests/test_helpers_misc.py", "def helper():\n    pass\n"),
     {("PAT-CHECK-001-063", "patterns")}, set()),
    ("PAT-CHECK-001-071", replace_everywhere(DOC[ALPHA], PID[ALPHA]), {("PAT-CHECK-001-071", ALPHA)}, set()),
    ("PATFORGE-SPEC-SCHEMA", edits((B_SPEC, 'version: "2.1.0"', "version: 2.1")),
     {("PATFORGE-SPEC-SCHEMA", BETA)}, set()),
    ("PATFORGE-ORPHAN", lambda r: write(r, "patterns/specs/leftover.pattern.yaml", "name: leftover\n"),
     {("PATFORGE-ORPHAN", "patterns")}, set()),
    # an example that resolves to no doc_id: a -051 warning and a -070 failure (compliance-rules.md)
    ("PAT-CHECK-001-051-unlinked", edits((B_INDEX, "examples:\n  - hand_written.json\n", "examples: []\n")),
     {("PAT-CHECK-001-051", BETA)}, {("PAT-CHECK-001-070", BETA)}),
]
