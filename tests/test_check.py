"""``patforge check``: a compliant repository passes; breaking exactly one thing makes
exactly the rule about it fail (or warn) for exactly that pattern; ``--fix`` repairs
what is mechanical and nothing else.

The repository is written by hand here (not by ``patforge render``) so that these tests
pin the rules, not the templates.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Callable

import pytest

from conftest import commit_all, git, tree_snapshot

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


def _root(name: str) -> str:
    return MIGRATED_ROOT if name == GAMMA else "patterns"


def _ext(name: str) -> str:
    return ".ps1" if name == ALPHA else ".py"


def _spec(name: str, version: str) -> str:
    r = _root(name)
    return f"""\
# Pattern Specification: {name}
doc_id: {DOC[name]}
role: spec
schema_ref: {r}/schemas/{name}.schema.json
executor_ref: {r}/executors/{name}_executor{_ext(name)}
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


def _schema(name: str, *, require_doc_id: bool = True) -> dict:
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


def _sidecar(name: str) -> str:
    r = _root(name)
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
        r = _root(name)
        write(repo, f"{r}/specs/{name}.pattern.yaml", _spec(name, versions[name]))
        write(repo, f"{r}/schemas/{name}.schema.json",
              json.dumps(_schema(name, require_doc_id=name != BETA), indent=2) + "\n")
        write(repo, f"{r}/schemas/{name}.schema.id.yaml", _sidecar(name))
        write(repo, f"{r}/executors/{name}_executor{_ext(name)}", EXECUTORS[name])
        write(repo, f"{r}/tests/test_{name}_executor{_ext(name)}", TESTS[name])
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


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return build_repo(tmp_path / "repo")


def check_json(cli, repo: Path, *args: str):
    res = cli("check", "--repo", str(repo), "--format", "json", *args)
    assert res.code in (0, 1), res
    return res.code, json.loads(res.out)


def statuses(report: dict, status: str) -> set[tuple[str, str | None]]:
    return {(r["rule"], r["pattern"] if r["pattern"] is not None else r["root"])
            for r in report["results"] if r["status"] == status}


# -- the compliant repository ----------------------------------------------------------------

def test_compliant_repository_passes(cli, repo):
    code, report = check_json(cli, repo)
    assert statuses(report, "FAIL") == set()
    assert statuses(report, "WARN") == set()
    assert code == 0 and report["exit_code"] == 0 and report["verdict"] == "COMPLIANT"
    judged = {r["id"]: r["status"] for r in report["rules"]}
    from patforge.check.rules import RULES

    assert set(judged) == {r.id for r in RULES}
    # every rule was judged (PASS), except -072 which needs git history and the
    # doc_id mapping, which this hand-made repository does not have
    assert {k for k, v in judged.items() if v != "PASS"} == {"PAT-CHECK-001-072", "PATFORGE-DOC-ID-MAPPING"}
    assert judged["PAT-CHECK-001-072"] == judged["PATFORGE-DOC-ID-MAPPING"] == "SKIP"
    # every finding names the root it was judged against
    gamma = [r for r in report["results"] if r["pattern"] == GAMMA]
    assert gamma and all(r["root"] == MIGRATED_ROOT for r in gamma)
    assert {r["root"] for r in report["results"] if r["rule"] == "PAT-CHECK-001-002"} == {"patterns", MIGRATED_ROOT}
    assert report["summary"]["patterns"] == 3


def test_text_report_has_rules_totals_and_verdict(cli, repo):
    res = cli("check", "--repo", str(repo), "--verbose")
    assert res.code == 0, res
    assert re.search(r"^PASS\s+PAT-CHECK-001-041\s+MUST", res.out, re.M)
    assert "Totals:" in res.out and res.out.startswith("Verdict: COMPLIANT")
    summary = cli("check", "--repo", str(repo))
    assert summary.out.startswith("Verdict: COMPLIANT") and "PAT-CHECK-001-041" not in summary.out
    quiet = cli("check", "--repo", str(repo), "-q")
    assert quiet.out == "" and quiet.err == ""  # -q: compliant says nothing (tests/test_quiet.py)


# -- one break, one rule --------------------------------------------------------------------

Break = Callable[[Path], None]


def _replace_everywhere(old: str, new: str) -> Break:
    def run(repo: Path) -> None:
        for p in repo.rglob("*"):
            if p.is_file() and ".git" not in p.parts:
                text = p.read_text(encoding="utf-8")
                if old in text:
                    p.write_text(text.replace(old, new), encoding="utf-8", newline="")
    return run


def _rename(src: str, dst: str, *edits: tuple[str, str, str]) -> Break:
    def run(repo: Path) -> None:
        (repo / dst).parent.mkdir(parents=True, exist_ok=True)
        shutil.move(repo / src, repo / dst)
        for rel, old, new in edits:
            edit(repo, rel, old, new)
    return run


def _edits(*edits: tuple[str, str, str]) -> Break:
    def run(repo: Path) -> None:
        for rel, old, new in edits:
            edit(repo, rel, old, new)
    return run


def _delete(*rels: str) -> Break:
    def run(repo: Path) -> None:
        for rel in rels:
            p = repo / rel
            shutil.rmtree(p) if p.is_dir() else p.unlink()
    return run


def _json_edit(rel: str, change: Callable[[dict], None]) -> Break:
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


def _del_key(key: str) -> Callable[[dict], None]:
    return lambda d: d.pop(key)


def _set(key: str, value) -> Callable[[dict], None]:
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
    ("ID-SYS-101", _edits((A_SIDECAR, f"doc_id: {DOC[ALPHA]}", "doc_id: doc-alpha-copy-001")),
     {("ID-SYS-101", ALPHA), ("PAT-CHECK-001-033", ALPHA), ("PAT-CHECK-001-070", ALPHA)}),
    ("PAT-CHECK-001-001", _rename("patterns", "pattern_files"),
     {("PAT-CHECK-001-001", "patterns"), ("PAT-CHECK-001-002", "patterns"), ("PAT-CHECK-001-010", "patterns")}),
    ("PAT-CHECK-001-002", lambda r: (write(r, "patforge.toml", '[patforge]\nroots = ["patterns/extra"]\n'),
                                     (r / "patterns/extra/specs").mkdir(parents=True)),
     {("PAT-CHECK-001-002", "patterns/extra")}),
    ("PAT-CHECK-001-010", _edits((REG, "metadata:\n", "metadata: [unclosed\n")),
     {("PAT-CHECK-001-010", "patterns")}),
    ("PAT-CHECK-001-011", _edits((REG, "    status: stable\n", "")), {("PAT-CHECK-001-011", ALPHA)}),
    ("PAT-CHECK-001-012", _edits((REG, f"doc_id: {DOC[ALPHA]}", "doc_id: DOC-alpha-copy-001")),
     {("PAT-CHECK-001-012", ALPHA), ("PAT-CHECK-001-070", ALPHA), ("ID-SYS-101", ALPHA)}),
    ("PAT-CHECK-001-013", _edits((REG, f"test_{ALPHA}_executor.ps1", f"test_{ALPHA}_gone.ps1")),
     {("PAT-CHECK-001-013", ALPHA)}),
    ("PAT-CHECK-001-014", _edits((REG, f"doc_id: {DOC[BETA]}", f"doc_id: {DOC[ALPHA]}")),
     {("PAT-CHECK-001-014", ALPHA), ("PAT-CHECK-001-014", BETA)}),
    ("PAT-CHECK-001-020", _rename(A_SPEC, "patterns/specs/alpha-copy.pattern.yaml",
                                  (REG, f"specs/{ALPHA}.pattern.yaml", "specs/alpha-copy.pattern.yaml")),
     {("PAT-CHECK-001-020", ALPHA)}),
    ("PAT-CHECK-001-021", _edits((A_SPEC, "role: spec\n", "")), {("PAT-CHECK-001-021", ALPHA)}),
    ("PAT-CHECK-001-022", _edits((A_SPEC, f"doc_id: {DOC[ALPHA]}", "doc_id: DOC-ALPHA-COPY-002")),
     {("PAT-CHECK-001-022", ALPHA), ("PAT-CHECK-001-070", ALPHA)}),
    ("PAT-CHECK-001-030", _rename(A_SCHEMA, "patterns/schemas/alpha_copy.json",
                                  (REG, f"schemas/{ALPHA}.schema.json", "schemas/alpha_copy.json")),
     {("PAT-CHECK-001-030", ALPHA)}),
    ("PAT-CHECK-001-032", _edits((A_SIDECAR, f"schemas/{ALPHA}.schema.json", "schemas/other.schema.json")),
     {("PAT-CHECK-001-032", ALPHA)}),
    ("PAT-CHECK-001-033", _edits((A_SIDECAR, f"doc_id: {DOC[ALPHA]}", "doc_id: DOC-ALPHA-COPY-009")),
     {("PAT-CHECK-001-033", ALPHA), ("PAT-CHECK-001-070", ALPHA)}),
    ("PAT-CHECK-001-040", _delete(A_EXEC), {("PAT-CHECK-001-040", ALPHA)}),
    ("PAT-CHECK-001-041", _edits((B_EXEC, f"# DOC_LINK: {DOC[BETA]}\n", "")),
     {("PAT-CHECK-001-041", BETA), ("PAT-CHECK-001-070", BETA)}),
    ("PAT-CHECK-001-041-syntax", _edits((B_EXEC, f"# DOC_LINK: {DOC[BETA]}", f"// DOC_LINK: {DOC[BETA]}")),
     {("PAT-CHECK-001-041", BETA)}),
    ("PAT-CHECK-001-042", _edits((B_EXEC, f"DOC_LINK: {DOC[BETA]}", "DOC_LINK: DOC-BETA-MERGE-002")),
     {("PAT-CHECK-001-042", BETA), ("PAT-CHECK-001-070", BETA)}),
    ("PAT-CHECK-001-050", _delete(f"{G_EXDIR}/instance_minimal.json"), {("PAT-CHECK-001-050", GAMMA)}),
    ("PAT-CHECK-001-052", _json_edit(A_EX, _set("doc_id", "DOC-SOMETHING-ELSE-001")),
     {("PAT-CHECK-001-052", ALPHA), ("PAT-CHECK-001-070", ALPHA)}),
    ("PAT-CHECK-001-060", _rename(A_TEST, f"patterns/tests/{ALPHA}.Tests.ps1",
                                  (REG, f"test_{ALPHA}_executor.ps1", f"{ALPHA}.Tests.ps1")),
     {("PAT-CHECK-001-060", ALPHA)}),
    ("PAT-CHECK-001-061", _edits((G_TEST, f"# DOC_LINK: {DOC[GAMMA]}\n", "")),
     {("PAT-CHECK-001-061", GAMMA), ("PAT-CHECK-001-070", GAMMA)}),
    ("PAT-CHECK-001-062", _edits((G_TEST, f"DOC_LINK: {DOC[GAMMA]}", "DOC_LINK: DOC-MIGRATED-GAMMA-002")),
     {("PAT-CHECK-001-062", GAMMA), ("PAT-CHECK-001-070", GAMMA)}),
    # an example that resolves to no doc_id: a -070 failure (and a -051 warning, see EXTRA_WARNS)
    ("PAT-CHECK-001-070", _edits((B_INDEX, "examples:\n  - hand_written.json\n", "examples: []\n")),
     {("PAT-CHECK-001-070", BETA)}),
    ("PATFORGE-EXAMPLE-VALID", _json_edit(A_EX, _alpha_needs_input), {("PATFORGE-EXAMPLE-VALID", ALPHA)}),
    ("PATFORGE-REGISTRY", _edits((A_SPEC, f"pattern_id: {PID[ALPHA]}", "pattern_id: PAT-ALPHA-COPY-002")),
     {("PATFORGE-REGISTRY", ALPHA)}),
    ("PATFORGE-SCHEMA-VALID", _json_edit(A_SCHEMA, _bad_type), {("PATFORGE-SCHEMA-VALID", ALPHA)}),
]

EXTRA_WARNS = {"PAT-CHECK-001-070": {("PAT-CHECK-001-051", BETA)}}

# (id, break, WARN pairs, FAIL pairs that come with it)
SHOULD_CASES: list[tuple[str, Break, set, set]] = [
    ("PAT-CHECK-001-023", _edits((B_SPEC, "executor_ref: patterns/", "executor_ref: /opt/repo/patterns/")),
     {("PAT-CHECK-001-023", BETA)}, set()),
    ("PAT-CHECK-001-031", _json_edit(A_SCHEMA, _del_key("doc_id")), {("PAT-CHECK-001-031", ALPHA)}, set()),
    ("PAT-CHECK-001-043", _edits((A_EXEC, "param(", '$Spec = "C:\\repo\\patterns\\specs\\alpha_copy.pattern.yaml"\nparam(')),
     {("PAT-CHECK-001-043", ALPHA)}, set()),
    ("PAT-CHECK-001-051", _edits((B_INDEX, "  - hand_written.json\n", "  - hand_written.json\n  - gone.json\n")),
     {("PAT-CHECK-001-051", BETA)}, set()),
    ("PAT-CHECK-001-063", lambda r: write(r, "patterns/tests/test_helpers_misc.py", "def helper():\n    pass\n"),
     {("PAT-CHECK-001-063", "patterns")}, set()),
    ("PAT-CHECK-001-071", _replace_everywhere(DOC[ALPHA], PID[ALPHA]), {("PAT-CHECK-001-071", ALPHA)}, set()),
    ("PATFORGE-SPEC-SCHEMA", _edits((B_SPEC, 'version: "2.1.0"', "version: 2.1")),
     {("PATFORGE-SPEC-SCHEMA", BETA)}, set()),
    ("PATFORGE-ORPHAN", lambda r: write(r, "patterns/specs/leftover.pattern.yaml", "name: leftover\n"),
     {("PATFORGE-ORPHAN", "patterns")}, set()),
    # an example that resolves to no doc_id: a -051 warning and a -070 failure (compliance-rules.md)
    ("PAT-CHECK-001-051-unlinked", _edits((B_INDEX, "examples:\n  - hand_written.json\n", "examples: []\n")),
     {("PAT-CHECK-001-051", BETA)}, {("PAT-CHECK-001-070", BETA)}),
]


@pytest.mark.parametrize("case_id,breaker,expected", MUST_CASES, ids=[c[0] for c in MUST_CASES])
def test_must_rule_fails_alone(cli, repo, case_id, breaker, expected):
    breaker(repo)
    code, report = check_json(cli, repo)
    assert statuses(report, "FAIL") == expected
    assert statuses(report, "WARN") == EXTRA_WARNS.get(case_id, set())
    assert code == 1 and report["verdict"] == "NON-COMPLIANT"
    rule = case_id.split("-syntax")[0]
    rec = next(r for r in report["results"] if r["rule"] == rule and r["status"] == "FAIL")
    assert rec["level"] == "MUST" and rec["message"] and rec["path"]


@pytest.mark.parametrize("case_id,breaker,warned,failed", SHOULD_CASES, ids=[c[0] for c in SHOULD_CASES])
def test_should_rule_warns_alone(cli, repo, case_id, breaker, warned, failed):
    breaker(repo)
    code, report = check_json(cli, repo)
    assert statuses(report, "WARN") == warned
    assert statuses(report, "FAIL") == failed
    assert code == (1 if failed else 0)
    rec = next(r for r in report["results"] if r["status"] == "WARN")
    assert rec["level"] == "SHOULD" and rec["hint"]
    code, strict = check_json(cli, repo, "--strict")
    assert code == 1
    assert statuses(strict, "FAIL") == warned | failed and statuses(strict, "WARN") == set()


def test_every_rule_has_a_case():
    from patforge.check.rules import RULES, MUST

    covered = {c[0].split("-syntax")[0] for c in MUST_CASES} | {c[0].split("-unlinked")[0] for c in SHOULD_CASES}
    covered |= {"PAT-CHECK-001-072"}  # test_doc_id_change_warns_against_git_head
    # rendered files (need a render): tests/test_check_rendered_files.py
    covered |= {"PATFORGE-RENDERED-MISSING", "PATFORGE-RENDERED-STALE"}
    self_rules = {"PAT-CHECK-001-080", "PAT-CHECK-001-081", "PAT-CHECK-001-082"}  # hold by construction
    assert {r.id for r in RULES} - self_rules <= covered
    assert all(r.level == MUST for r in RULES if r.id in {c[0] for c in MUST_CASES})


SCHEMA_INDEX = "patterns/registry/SCHEMA_INDEX.yaml"

# registry sanity and odd inputs: (id, break, FAIL pairs)
EDGE_CASES: list[tuple[str, Break, set]] = [
    ("duplicate-name", _edits((REG, f"name: {BETA}", f"name: {ALPHA}")),
     {("PATFORGE-REGISTRY", ALPHA), ("PATFORGE-REGISTRY", f"{ALPHA} (entry #2)")}),
    ("entry-not-a-mapping", _edits((REG, "patterns:\n", "patterns:\n  - just a string\n")),
     {("PAT-CHECK-001-011", "#1"), ("PATFORGE-REGISTRY", "#1")}),
    ("bad-pattern-id", _edits((REG, f"pattern_id: {PID[BETA]}", "pattern_id: pat beta")),
     {("PATFORGE-REGISTRY", BETA)}),
    ("doc-id-not-a-string", _edits((REG, f"doc_id: {DOC[ALPHA]}", "doc_id: 12")),
     {("PAT-CHECK-001-012", ALPHA), ("PAT-CHECK-001-070", ALPHA), ("ID-SYS-101", ALPHA)}),
    ("absolute-spec-path", _edits((REG, f"spec_path: patterns/specs/{ALPHA}", f"spec_path: /etc/specs/{ALPHA}")),
     {("PAT-CHECK-001-013", ALPHA)}),
    ("example-not-json", lambda r: write(r, A_EX, "{"), {("PATFORGE-EXAMPLE-VALID", ALPHA)}),
    ("schema-not-json", lambda r: write(r, A_SCHEMA, "{ nope"), {("PATFORGE-SCHEMA-VALID", ALPHA)}),
    ("sidecar-not-yaml", lambda r: write(r, A_SIDECAR, "a: b: c\n"), {("PAT-CHECK-001-032", ALPHA)}),
    ("examples-index-not-yaml", lambda r: write(r, B_INDEX, "examples: [unclosed\n"),
     {("PAT-CHECK-001-070", BETA)}),
    ("schema-index-disagrees", lambda r: write(r, SCHEMA_INDEX, f"schemas:\n  - schema_path: {A_SCHEMA}\n"
                                                                "    doc_id: DOC-WRONG-001\n"),
     {("PAT-CHECK-001-033", ALPHA), ("PAT-CHECK-001-070", ALPHA)}),
]


@pytest.mark.parametrize("case_id,breaker,expected", EDGE_CASES, ids=[c[0] for c in EDGE_CASES])
def test_edge_cases(cli, repo, case_id, breaker, expected):
    breaker(repo)
    code, report = check_json(cli, repo)
    assert statuses(report, "FAIL") == expected and code == 1


def test_central_schema_index_links_a_schema(cli, repo):
    _json_edit(A_SCHEMA, _del_key("doc_id"))(repo)
    (repo / A_SIDECAR).unlink()
    write(repo, SCHEMA_INDEX, f"# central index\nschemas:\n  {A_SCHEMA}: {DOC[ALPHA]}\n")
    code, report = check_json(cli, repo)
    assert code == 0 and statuses(report, "FAIL") == set()
    assert statuses(report, "WARN") == {("PAT-CHECK-001-031", ALPHA)}
    rec = next(r for r in report["results"] if r["rule"] == "PAT-CHECK-001-031")
    assert SCHEMA_INDEX in rec["message"]


def test_doc_id_change_warns_against_git_head(cli, repo):
    git(repo, "init", "-q", "-b", "main")
    commit_all(repo, "compliant")
    code, report = check_json(cli, repo)
    assert code == 0 and {r["status"] for r in report["results"] if r["rule"] == "PAT-CHECK-001-072"} == {"PASS"}
    assert report["repository"]["commit"] and len(report["repository"]["commit"]) == 40
    _replace_everywhere(DOC[ALPHA], "DOC-ALPHA-COPY-002")(repo)  # consistent, but not stable
    code, report = check_json(cli, repo)
    assert statuses(report, "WARN") == {("PAT-CHECK-001-072", ALPHA)} and code == 0
    # a breaking (major) version change may mint a new doc_id
    edit(repo, REG, 'version: "1.0.0"\n    status: stable', 'version: "2.0.0"\n    status: stable')
    code, report = check_json(cli, repo)
    assert statuses(report, "WARN") == set() and code == 0


# -- messages people read ------------------------------------------------------------------------

def test_migrated_entry_without_paths_says_so_plainly(cli, repo):
    edit(repo, REG, f"    test_path: {MIGRATED_ROOT}/tests/test_{GAMMA}_executor.py\n", "")
    edit(repo, REG, f"    example_dir: {MIGRATED_ROOT}/examples/{GAMMA}\n", "")
    code, report = check_json(cli, repo)
    assert statuses(report, "FAIL") == {("PAT-CHECK-001-011", GAMMA), ("PAT-CHECK-001-013", GAMMA)}
    msgs = [f["message"] for r in report["results"] if r["pattern"] == GAMMA and r["status"] == "FAIL"
            for f in r["findings"]]
    assert any("migrated entry lacks test_path although" in m for m in msgs)  # the file exists: --fix records it
    assert all(r["root"] == MIGRATED_ROOT for r in report["results"] if r["pattern"] == GAMMA)
    # without the test file, the message is the plain one
    (repo / G_TEST).unlink()
    code, report = check_json(cli, repo)
    msgs = [f["message"] for r in report["results"] if r["rule"] == "PAT-CHECK-001-011" for f in r["findings"]]
    assert "migrated entry lacks test_path; run `patforge render` to create and record it" in msgs


def test_broken_spec_yaml_is_located(cli, repo):
    edit(repo, A_SPEC, "intent: |", 'path: "C:\\Tools\\x"\nintent: |')
    code, report = check_json(cli, repo)
    rec = next(r for r in report["results"] if r["rule"] == "PAT-CHECK-001-021" and r["pattern"] == ALPHA)
    assert rec["status"] == "FAIL" and rec["path"] == A_SPEC and rec["line"] == 9
    assert "escape" in rec["message"] and rec["hint"]


def test_test_path_may_be_a_glob(cli, repo):
    """-013 allows a glob; every file it matches is one of the pattern's tests."""
    edit(repo, REG, f"test_path: patterns/tests/test_{BETA}_executor.py", f"test_path: patterns/tests/test_{BETA}_*.py")
    write(repo, f"patterns/tests/test_{BETA}_more.py", f"# DOC_LINK: {DOC[BETA]}\n")
    code, report = check_json(cli, repo)
    assert code == 0 and statuses(report, "FAIL") == set()
    write(repo, f"patterns/tests/test_{BETA}_more.py", "# no header\n")
    code, report = check_json(cli, repo)
    assert statuses(report, "FAIL") == {("PAT-CHECK-001-061", BETA), ("PAT-CHECK-001-070", BETA)}
    edit(repo, REG, f"test_{BETA}_*.py", f"test_{BETA}_zzz*.py")
    (repo / f"patterns/tests/test_{BETA}_more.py").unlink()
    code, report = check_json(cli, repo)
    assert statuses(report, "FAIL") == {("PAT-CHECK-001-013", BETA)}


def test_doc_link_comment_syntaxes(tmp_path):
    from patforge.check.resolve import comment_problem
    from patforge.docids.doclink import find_doc_link

    ok = {".ps1": "<#\n.SYNOPSIS\nDOC_LINK: DOC-X-001\n#>\n", ".py": '"""Doc.\n\nDOC_LINK: DOC-X-001\n"""\n',
          ".sql": "-- DOC_LINK: DOC-X-001\n", ".ts": "// DOC_LINK: DOC-X-001\n"}
    for ext, text in ok.items():
        assert comment_problem(text, find_doc_link(text), ext) is None, ext
    bad = {".py": "// DOC_LINK: DOC-X-001\n", ".ps1": "-- DOC_LINK: DOC-X-001\n", ".sql": "# DOC_LINK: DOC-X-001\n"}
    for ext, text in bad.items():
        assert comment_problem(text, find_doc_link(text), ext), ext


# -- options and exit codes ------------------------------------------------------------------------

def test_only_and_rule_filters(cli, repo):
    _edits((B_EXEC, f"# DOC_LINK: {DOC[BETA]}\n", ""))(repo)
    code, report = check_json(cli, repo, "--only", ALPHA)
    assert code == 0 and {r["pattern"] for r in report["results"]} <= {ALPHA, None}
    code, report = check_json(cli, repo, "--rule", "041", "--rule", "PAT-CHECK-001-040")
    assert code == 1 and {r["rule"] for r in report["results"]} == {"PAT-CHECK-001-040", "PAT-CHECK-001-041"}
    assert [r["id"] for r in report["rules"]] == ["PAT-CHECK-001-040", "PAT-CHECK-001-041"]


@pytest.mark.parametrize("args", [("--rule", "PAT-NOPE-1"), ("--rule", "0"), ("--dry-run",), ("--only", "nobody"),
                                  ("--format", "xml")])
def test_bad_usage_exits_2(cli, repo, args):
    res = cli("check", "--repo", str(repo), *args)
    assert res.code == 2, res


def test_missing_repository_exits_2(cli, tmp_path):
    res = cli("check", "--repo", str(tmp_path / "nope"))
    assert res.code == 2 and "does not exist" in res.err


def test_registry_that_is_a_folder_is_a_010_failure(cli, repo):
    reg = repo / REG
    reg.unlink()
    reg.mkdir()  # a folder where the file should be is a -010 failure, not a crash
    code, report = check_json(cli, repo)
    assert code == 1 and ("PAT-CHECK-001-010", "patterns") in statuses(report, "FAIL")


def test_output_is_deterministic_and_written_atomically(cli, repo, tmp_path):
    out = tmp_path / "audit" / "check.json"
    res = cli("check", "--repo", str(repo), "--format", "json", "--output", str(out))
    assert res.code == 0 and "Verdict: COMPLIANT" in res.out and f"written to {out}" in res.out
    first = json.loads(out.read_text())
    res = cli("check", "--repo", str(repo), "--format", "json")
    second = json.loads(res.out)
    for r in (first, second):
        r.pop("generated_at")
    assert first == second
    keys = [(r["rule"], r["pattern"] is not None, r["pattern"] or "", r["root"] or "") for r in first["results"]]
    assert keys == sorted(keys)
    assert not list(out.parent.glob(".patforge-tmp-*"))


# -- --fix ---------------------------------------------------------------------------------------

def _strip_for_fix(repo: Path) -> None:
    """What a repository from before the rules lacks and --fix can add."""
    edit(repo, REG, f"  - doc_id: {DOC[ALPHA]}\n    pattern_id", "  - pattern_id")
    edit(repo, B_SPEC, f"doc_id: {DOC[BETA]}\nrole: spec\n", "")
    edit(repo, B_SPEC, "schema_ref: patterns/schemas/beta_merge.schema.json\n", "")
    edit(repo, A_EXEC, f"# DOC_LINK: {DOC[ALPHA]}\n", "")
    edit(repo, G_TEST, f"# DOC_LINK: {DOC[GAMMA]}\n", "")
    (repo / f"{MIGRATED_ROOT}/schemas/{GAMMA}.schema.id.yaml").unlink()
    _json_edit(f"{MIGRATED_ROOT}/schemas/{GAMMA}.schema.json", _del_key("doc_id"))(repo)


def test_fix_repairs_and_second_fix_is_a_no_op(cli, repo):
    _strip_for_fix(repo)
    code, report = check_json(cli, repo)
    assert code == 1
    assert {("PAT-CHECK-001-011", ALPHA), ("PAT-CHECK-001-021", BETA), ("PAT-CHECK-001-041", ALPHA),
            ("PAT-CHECK-001-061", GAMMA), ("PAT-CHECK-001-032", GAMMA)} <= statuses(report, "FAIL")
    before_reg = (repo / REG).read_text()

    res = cli("check", "--repo", str(repo), "--fix")
    assert res.code == 0, res
    assert "+# DOC_LINK: DOC-ALPHA-COPY-001" in res.out and "Verdict: COMPLIANT" in res.out
    # only insertions: every original line is still there, in order
    after_reg = (repo / REG).read_text()
    assert [ln for ln in after_reg.splitlines() if ln != f"    doc_id: {DOC[ALPHA]}"] == before_reg.splitlines()
    assert "role: spec" in (repo / B_SPEC).read_text()
    assert (repo / f"{MIGRATED_ROOT}/schemas/{GAMMA}.schema.id.yaml").is_file()
    assert (repo / G_TEST).read_text().startswith(f"# DOC_LINK: {DOC[GAMMA]}\n")
    # the remaining warning is the one a person decides (-031: embed doc_id or keep the sidecar)
    code, report = check_json(cli, repo)
    assert code == 0 and statuses(report, "WARN") == {("PAT-CHECK-001-031", GAMMA)}

    snap = tree_snapshot(repo)
    code, report = check_json(cli, repo, "--fix")
    assert code == 0 and report["fix"]["changes"] == []
    assert tree_snapshot(repo) == snap


def test_fix_dry_run_writes_nothing(cli, repo):
    _strip_for_fix(repo)
    snap = tree_snapshot(repo)
    res = cli("check", "--repo", str(repo), "--fix", "--dry-run")
    assert res.code == 1, res  # the report is the state before the planned changes
    assert "+# DOC_LINK: DOC-ALPHA-COPY-001" in res.out and "nothing written" in res.out
    assert tree_snapshot(repo) == snap
    code, report = check_json(cli, repo, "--fix", "--dry-run")
    assert report["fix"]["dry_run"] and {c["path"] for c in report["fix"]["changes"]} >= {REG, B_SPEC, A_EXEC, G_TEST}
    assert tree_snapshot(repo) == snap


def test_fix_never_changes_a_present_doc_id(cli, repo):
    _edits((A_SPEC, f"doc_id: {DOC[ALPHA]}", "doc_id: DOC-ALPHA-COPY-002"))(repo)
    edit(repo, B_EXEC, f"# DOC_LINK: {DOC[BETA]}", "# DOC_LINK: DOC-BETA-MERGE-007")
    snap = tree_snapshot(repo)
    code, report = check_json(cli, repo, "--fix")
    assert code == 1 and report["fix"]["changes"] == []
    assert tree_snapshot(repo) == snap
    assert {("PAT-CHECK-001-022", ALPHA), ("PAT-CHECK-001-042", BETA)} <= statuses(report, "FAIL")


def test_fix_holds_a_pattern_whose_artifacts_disagree_with_the_derived_doc_id(cli, repo):
    edit(repo, REG, f"  - doc_id: {DOC[ALPHA]}\n    pattern_id", "  - pattern_id")
    _replace_everywhere(DOC[ALPHA], "DOC-HAND-CHOSEN-001")(repo)
    snap = tree_snapshot(repo)
    code, report = check_json(cli, repo, "--fix")
    assert tree_snapshot(repo) == snap and code == 1
    assert any("not fixed" in d["message"] and ALPHA in d["message"] for d in report["fix"]["diagnostics"])


def test_fix_records_existing_test_path_and_example_dir(cli, repo):
    edit(repo, REG, f"    test_path: {MIGRATED_ROOT}/tests/test_{GAMMA}_executor.py\n", "")
    edit(repo, REG, f"    example_dir: {MIGRATED_ROOT}/examples/{GAMMA}\n", "")
    code, _ = check_json(cli, repo)
    assert code == 1
    code, report = check_json(cli, repo, "--fix")
    assert code == 0, statuses(report, "FAIL")
    text = (repo / REG).read_text()
    assert f"test_path: {MIGRATED_ROOT}/tests/test_{GAMMA}_executor.py" in text
    assert f"example_dir: {MIGRATED_ROOT}/examples/{GAMMA}" in text


# -- speed ------------------------------------------------------------------------------------------

def test_a_thousand_patterns_are_checked(tmp_path):
    from patforge.check import CheckOptions, run_check

    repo = build_repo(tmp_path / "big", names=())
    entries = []
    for i in range(1000):
        name, pid, doc = f"p{i:04d}_task", f"PAT-P{i:04d}-TASK-001", f"DOC-P{i:04d}-TASK-001"
        DOC[name], PID[name] = doc, pid
        try:
            write(repo, f"patterns/specs/{name}.pattern.yaml", _spec(name, "1.0.0"))
            write(repo, f"patterns/schemas/{name}.schema.json", json.dumps(_schema(name), indent=2))
            write(repo, f"patterns/schemas/{name}.schema.id.yaml", _sidecar(name))
            write(repo, f"patterns/executors/{name}_executor.py", f"# DOC_LINK: {doc}\nimport sys\n")
            write(repo, f"patterns/tests/test_{name}_executor.py", f"# DOC_LINK: {doc}\n")
            for kind in ("minimal", "full", "test"):
                write(repo, f"patterns/examples/{name}/instance_{kind}.json",
                      json.dumps({"doc_id": doc, "pattern_id": pid, "inputs": {"source": kind}}))
        finally:
            DOC.pop(name), PID.pop(name)
        entries.append(f"""  - doc_id: {doc}
    pattern_id: {pid}
    name: {name}
    version: "1.0.0"
    status: stable
    spec_path: patterns/specs/{name}.pattern.yaml
    schema_path: patterns/schemas/{name}.schema.json
    executor_path: patterns/executors/{name}_executor.py
    test_path: patterns/tests/test_{name}_executor.py
    example_dir: patterns/examples/{name}
""")
    write(repo, REG, "version: '1'\npatterns:\n" + "".join(entries))
    result = run_check(repo, CheckOptions())
    assert result.exit_code == 0, [f for f in result.findings if f.status == "FAIL"][:3]
    assert result.patterns == 1000
    # how long it takes is measured in bench/ (bench/run.py's check step), never asserted here
