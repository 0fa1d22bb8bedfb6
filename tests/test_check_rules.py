"""``patforge check``: a compliant repository passes; breaking exactly one thing makes
exactly the rule about it fail (or warn) for exactly that pattern; ``--fix`` repairs
what is mechanical and nothing else.

The repository and its breaks are in compliant_repo.py: written by hand (not by
``patforge render``) so that these tests pin the rules, not the templates.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from compliant_repo import (A_EX, A_EXEC, A_SCHEMA, A_SIDECAR, A_SPEC, ALPHA, B_EXEC, B_INDEX, B_SPEC, BETA, DOC,
                            EXTRA_WARNS, G_TEST, GAMMA, MIGRATED_ROOT, MUST_CASES, PID, REG, SHOULD_CASES, Break,
                            build_repo, del_key, edit, edits, json_edit, replace_everywhere, schema_doc,
                            sidecar_text, spec_text, write)
from conftest import commit_all, git, tree_snapshot


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


# -- one break, one rule (the cases are in compliant_repo.py) ------------------------------------

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
    ("duplicate-name", edits((REG, f"name: {BETA}", f"name: {ALPHA}")),
     {("PATFORGE-REGISTRY", ALPHA), ("PATFORGE-REGISTRY", f"{ALPHA} (entry #2)")}),
    ("entry-not-a-mapping", edits((REG, "patterns:\n", "patterns:\n  - just a string\n")),
     {("PAT-CHECK-001-011", "#1"), ("PATFORGE-REGISTRY", "#1")}),
    ("bad-pattern-id", edits((REG, f"pattern_id: {PID[BETA]}", "pattern_id: pat beta")),
     {("PATFORGE-REGISTRY", BETA)}),
    ("doc-id-not-a-string", edits((REG, f"doc_id: {DOC[ALPHA]}", "doc_id: 12")),
     {("PAT-CHECK-001-012", ALPHA), ("PAT-CHECK-001-070", ALPHA), ("ID-SYS-101", ALPHA)}),
    ("absolute-spec-path", edits((REG, f"spec_path: patterns/specs/{ALPHA}", f"spec_path: /etc/specs/{ALPHA}")),
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
    json_edit(A_SCHEMA, del_key("doc_id"))(repo)
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
    replace_everywhere(DOC[ALPHA], "DOC-ALPHA-COPY-002")(repo)  # consistent, but not stable
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
    edits((B_EXEC, f"# DOC_LINK: {DOC[BETA]}\n", ""))(repo)
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
    json_edit(f"{MIGRATED_ROOT}/schemas/{GAMMA}.schema.json", del_key("doc_id"))(repo)


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
    edits((A_SPEC, f"doc_id: {DOC[ALPHA]}", "doc_id: DOC-ALPHA-COPY-002"))(repo)
    edit(repo, B_EXEC, f"# DOC_LINK: {DOC[BETA]}", "# DOC_LINK: DOC-BETA-MERGE-007")
    snap = tree_snapshot(repo)
    code, report = check_json(cli, repo, "--fix")
    assert code == 1 and report["fix"]["changes"] == []
    assert tree_snapshot(repo) == snap
    assert {("PAT-CHECK-001-022", ALPHA), ("PAT-CHECK-001-042", BETA)} <= statuses(report, "FAIL")


def test_fix_holds_a_pattern_whose_artifacts_disagree_with_the_derived_doc_id(cli, repo):
    edit(repo, REG, f"  - doc_id: {DOC[ALPHA]}\n    pattern_id", "  - pattern_id")
    replace_everywhere(DOC[ALPHA], "DOC-HAND-CHOSEN-001")(repo)
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
            write(repo, f"patterns/specs/{name}.pattern.yaml", spec_text(name, "1.0.0"))
            write(repo, f"patterns/schemas/{name}.schema.json", json.dumps(schema_doc(name), indent=2))
            write(repo, f"patterns/schemas/{name}.schema.id.yaml", sidecar_text(name))
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
