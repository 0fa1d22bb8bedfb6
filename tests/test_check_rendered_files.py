"""check sees rendered files that are missing or stale (issue 23).

A file patforge rendered and a person deleted is a PATFORGE-RENDERED-MISSING finding
(MUST: check exits 1, so the pre-commit hook refuses the commit); a rendered unit whose
inputs changed since it was rendered is a PATFORGE-RENDERED-STALE finding (SHOULD:
``--strict`` makes it blocking). The classification is status's (``unitstate``): check
reports what ``patforge status`` says, in every format.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import commit_all
from patforge import kinds
from patforge.rendering.output_hashes import hashes_path, parse_manifest

MISSING, STALE = "PATFORGE-RENDERED-MISSING", "PATFORGE-RENDERED-STALE"
PATTERN = "batch_create"
EX = f"patterns/examples/{PATTERN}/instance_full.json"
SPEC = f"patterns/specs/{PATTERN}.pattern.yaml"


@pytest.fixture
def demo(rendered_demo: Path) -> Path:
    """A private copy of the demo rendered once per test process (tests/conftest.py)."""
    return rendered_demo


def _json(cli, repo: Path, *args: str) -> tuple[int, dict]:
    r = cli("check", "--repo", str(repo), "--format", "json", *args)
    return r.code, json.loads(r.out)


def _records(report: dict, rule: str) -> list[dict]:
    return [r for r in report["results"] if r["rule"] == rule]


def _unit_files(repo: Path, kind: str, pattern: str | None) -> list[str]:
    """Every file the unit's template produced, as its output hashes record them."""
    from patforge.repository.layout import answers_path, repository_answers_path

    answers = repository_answers_path(kind) if pattern is None else answers_path(pattern, kind)
    recorded = parse_manifest((repo / hashes_path(answers)).read_text(encoding="utf-8"))
    return sorted(recorded or {})


def test_a_compliant_rendered_repository_passes_both_rules(cli, demo):
    code, report = _json(cli, demo)
    assert code == 0
    for rule in (MISSING, STALE):
        summary = next(r for r in report["rules"] if r["id"] == rule)
        assert summary["status"] == "PASS" and summary["counts"]["pass"] >= 24, summary


def test_a_deleted_example_is_reported_in_every_format(cli, demo, tmp_path):
    (demo / EX).unlink()
    text = cli("check", "--repo", str(demo))
    assert text.code == 1 and "NON-COMPLIANT" in text.out
    assert MISSING in text.out and EX in text.out and "patforge render" in text.out
    code, report = _json(cli, demo)
    assert code == 1
    [rec] = [r for r in _records(report, MISSING) if r["status"] == "FAIL"]
    assert rec["pattern"] == PATTERN and rec["path"] == EX and "deleted" in rec["message"]
    sarif = json.loads(cli("check", "--repo", str(demo), "--format", "sarif").out)
    results = sarif["runs"][0]["results"]
    assert any(r["ruleId"] == MISSING and r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == EX
               for r in results)
    gh = cli("check", "--repo", str(demo), "--format", "github").out
    assert re.search(rf"::error file={re.escape(EX)}[^\n]*{MISSING}", gh), gh
    junit = cli("check", "--repo", str(demo), "--format", "junit").out
    assert MISSING in junit and EX in junit and "<failure" in junit
    page = tmp_path / "r.html"
    cli("check", "--repo", str(demo), "--format", "html", "--output", str(page))
    html = page.read_text(encoding="utf-8")
    assert MISSING in html and f"{EX} (deleted)" in html


def test_the_hook_sees_a_deleted_file(cli, demo):
    """pre-commit passes the changed files: a deleted one, or another of its pattern's."""
    (demo / EX).unlink()
    for changed in (EX, SPEC):
        r = cli("check", "--repo", str(demo), str(demo / changed))
        assert r.code == 1 and MISSING in r.out and EX in r.out, (changed, r.out)


def test_status_and_check_agree(cli, demo):
    (demo / EX).unlink()
    status = json.loads(cli("status", "--repo", str(demo), "--json").out)
    lagging = [u for u in status["units"] if u["state"] == "missing"]
    assert [(u["pattern"], u["kind"], u["files"]) for u in lagging] == [(PATTERN, "examples", [EX])]
    _, report = _json(cli, demo)
    assert [(r["pattern"], r["path"]) for r in _records(report, MISSING) if r["status"] == "FAIL"] == [(PATTERN, EX)]


def test_stale_rendered_files_warn_and_strict_makes_them_blocking(cli, demo):
    text = (demo / SPEC).read_text(encoding="utf-8")
    (demo / SPEC).write_text(text.replace("Create many files in batches", "Create many files in groups", 1),
                             encoding="utf-8")
    code, report = _json(cli, demo)
    stale = [r for r in _records(report, STALE) if r["status"] != "PASS"]
    assert code == 0 and stale and all(r["status"] == "WARN" and r["pattern"] == PATTERN for r in stale)
    assert "spec changed since it was rendered" in stale[0]["message"]
    assert "patforge update --registry" in stale[0]["hint"]
    code, report = _json(cli, demo, "--strict")
    assert code == 1 and any(r["status"] == "FAIL" for r in _records(report, STALE))
    # a team makes this one rule blocking, not every SHOULD rule (the demo keeps a -031 warning)
    code, report = _json(cli, demo, "--blocking", "RENDERED-STALE")
    assert code == 1 and {r["status"] for r in _records(report, STALE)} >= {"FAIL"}
    assert {r["status"] for r in _records(report, "PAT-CHECK-001-031")} == {"WARN", "PASS"}
    text = cli("check", "--repo", str(demo), "--blocking", "RENDERED-STALE")
    assert text.code == 1 and "blocking: PATFORGE-RENDERED-STALE" in text.out
    bad = cli("check", "--repo", str(demo), "--blocking", "nonsense")
    assert bad.code == 2 and '--blocking "nonsense" matches no rule' in bad.out + bad.err


def test_a_hand_written_repository_has_nothing_rendered_to_miss(cli, tmp_path):
    from compliant_repo import build_repo

    repo = build_repo(tmp_path / "repo")
    code, report = _json(cli, repo)
    assert code == 0
    assert {r["status"] for r in _records(report, MISSING) + _records(report, STALE)} == {"PASS"}


@pytest.mark.slow
@pytest.mark.parametrize("kind", kinds.names())
def test_deleting_any_rendered_file_is_reported(cli, demo, kind):
    """Every file of every rendered kind (one pattern's, and the repository's): deleted,
    check fails naming it; put back, check passes again."""
    pattern = None if kinds.by_name(kind).scope == kinds.REPOSITORY else PATTERN
    files = _unit_files(demo, kind, pattern)
    assert files, f"the demo renders no {kind} file for {pattern}"
    for rel in files:
        data = (demo / rel).read_bytes()
        (demo / rel).unlink()
        try:
            code, report = _json(cli, demo)
            failed = [(r["pattern"], f["path"]) for r in _records(report, MISSING) for f in r["findings"]
                      if f["status"] == "FAIL"]
            assert code == 1 and failed == [(pattern, rel)], (rel, failed)
            gh = cli("check", "--repo", str(demo), "--format", "github").out
            assert f"file={rel}" in gh, rel
        finally:
            (demo / rel).write_bytes(data)
    assert _json(cli, demo)[0] == 0


def test_check_staged_sees_a_staged_deletion(cli, demo):
    """pre-commit passes only files that exist: --staged asks git for the deleted ones."""
    from conftest import git

    r = cli("check", "--repo", str(demo), "--staged")
    assert r.code == 0 and "checked 0 pattern(s)" in r.out  # nothing staged: no pattern to check
    git(demo, "rm", "-q", EX)
    r = cli("check", "--repo", str(demo), "--staged")
    assert r.code == 1 and MISSING in r.out and EX in r.out, r.out
    assert "changed: 1 file(s); checked 1 pattern(s)" in r.out


@pytest.mark.slow
def test_real_pre_commit_refuses_a_commit_that_only_deletes_a_rendered_file(demo, tmp_path):
    import os
    import subprocess
    import sys

    import yaml

    from conftest import git
    from precommit_hook import hook_config

    pre_commit = Path(sys.executable).parent / "pre-commit"
    if not pre_commit.is_file():
        pytest.skip("pre-commit is not installed (pip install -e '.[test]')")
    (demo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(hook_config(), sort_keys=False), encoding="utf-8")
    commit_all(demo, "hook")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
           "PATH": str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")}
    git(demo, "rm", "-q", EX)
    res = subprocess.run([str(pre_commit), "run"], cwd=demo, env=env, capture_output=True, text=True, timeout=600)
    assert res.returncode == 1, res.stdout + res.stderr
    assert "Failed" in res.stdout and MISSING in res.stdout and EX in res.stdout
    git(demo, "checkout", "-q", "HEAD", "--", EX)  # restored: the hook passes again
    res = subprocess.run([str(pre_commit), "run"], cwd=demo, env=env, capture_output=True, text=True, timeout=600)
    assert res.returncode == 0 and "Passed" in res.stdout, res.stdout + res.stderr


def test_nothing_changed_since_render_needs_no_unit_built(cli, demo, monkeypatch):
    """After a full render nothing changed: each unit's state comes from render's
    manifest (no status run), and it is what status says, hand edits included."""
    from patforge.commands import status
    from patforge.check import run_check

    executor = demo / "patterns/executors/batch_create_executor.ps1"
    executor.write_text(executor.read_text(encoding="utf-8") + "# a hand edit\n", encoding="utf-8")
    assert cli("render", "--repo", str(demo), "-q").code == 0  # leaves the edit; records the manifest
    expected = {(u["pattern"], u["kind"]): u["state"]
                for u in json.loads(cli("status", "--repo", str(demo), "--json").out)["units"]}
    assert expected[(PATTERN, "executor")] == "modified"

    def no_status(*a, **k):
        raise AssertionError("status was asked although nothing changed since the render")

    monkeypatch.setattr(status, "collect_status", no_status)
    result = run_check(demo)
    got = {(p, k): s.state for p, kinds_ in result.drift.items() for k, s in kinds_.items()}
    assert got == expected
    assert result.exit_code == 0


def test_a_rule_filter_naming_neither_rule_classifies_nothing(demo, monkeypatch):
    from patforge.commands import status
    from patforge.check import CheckOptions, run_check

    (demo / EX).unlink()

    def no_status(*a, **k):
        raise AssertionError("status was asked although --rule names neither rendered-file rule")

    monkeypatch.setattr(status, "collect_status", no_status)
    assert run_check(demo, CheckOptions(rules=("041",))).exit_code == 0
    monkeypatch.undo()
    result = run_check(demo, CheckOptions(rules=("RENDERED-MISSING",)))
    assert result.exit_code == 1 and [r.rule for r in result.records] == [MISSING] * len(result.records)
