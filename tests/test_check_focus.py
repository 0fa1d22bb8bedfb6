"""``patforge check FILE`` validates only the changed files' entries plus the entries
that could clash with them (repository/entryfocus.py), yet reports for its pattern
exactly what a whole ``patforge check`` reports for it: also when the pattern shares
a doc_id with, writes the same file as, or writes inside the folder of an entry the
run does not select."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from compliant_repo import A_SPEC, ALPHA, BETA, DOC, REG, edit

B_SPEC = f"patterns/specs/{BETA}.pattern.yaml"


@pytest.fixture
def repo(compliant_committed: Path) -> Path:
    return compliant_committed


def _results(cli, repo: Path, *files: str) -> tuple[int, dict[str, list]]:
    res = cli("check", "--repo", str(repo), "--format", "json", *files)
    data = json.loads(res.out)
    by_pattern: dict[str, list] = {}
    for r in data["results"]:
        if r["pattern"] is not None:
            by_pattern.setdefault(r["pattern"], []).append(r)
    return res.code, by_pattern


def _same_for(cli, repo: Path, spec: str, name: str) -> list:
    _, whole = _results(cli, repo)
    _, one = _results(cli, repo, spec)
    assert set(one) == {name}
    assert one[name] == whole[name]  # every rule, status, path, line, message and hint
    return one[name]


def _failing(records: list) -> dict[str, list[str]]:
    return {r["rule"]: [f["message"] for f in r["findings"]] for r in records if r["status"] in ("FAIL", "WARN")}


def test_compliant_pattern_alone_as_in_the_whole_check(cli, repo):
    records = _same_for(cli, repo, A_SPEC, ALPHA)
    assert _failing(records) == {}


def test_duplicate_doc_id_with_an_unselected_entry(cli, repo):
    edit(repo, REG, f"doc_id: {DOC[BETA]}", f"doc_id: {DOC[ALPHA]}")
    for spec, name in ((A_SPEC, ALPHA), (B_SPEC, BETA)):
        failing = _failing(_same_for(cli, repo, spec, name))
        assert any(DOC[ALPHA] in m for m in failing["PAT-CHECK-001-014"])


@pytest.mark.parametrize("field, old, new", [
    ("example_dir", f"patterns/examples/{BETA}", "patterns/examples/shared"),  # alpha's folder too
    ("executor_path", f"patterns/executors/{BETA}_executor.py", "patterns/examples/shared/run_executor.py"),  # inside it
])
def test_path_collision_with_an_unselected_entry(cli, repo, field, old, new):
    # paths that name neither pattern: only the index of written paths finds the clash
    edit(repo, REG, f"example_dir: patterns/examples/{ALPHA}", "example_dir: patterns/examples/shared")
    edit(repo, REG, f"{field}: {old}", f"{field}: {new}")
    named = []
    for spec, name in ((A_SPEC, ALPHA), (B_SPEC, BETA)):
        named += _failing(_same_for(cli, repo, spec, name)).get("PATFORGE-REGISTRY", [])
    # the clash is named once, on one entry, naming the other (the one that run did not select)
    assert [m for m in named if ALPHA in m and BETA in m and "patterns/examples/shared" in m], named


@pytest.mark.slow
def test_status_only_agrees_with_whole_status(cli, rendered_demo):
    """status --only (and check FILE's rendered-state rules, which ask it) validates the
    named entries and those that could clash with them: the same states as a whole status."""
    reg = rendered_demo / "patterns" / "registry" / "PATTERN_INDEX.yaml"
    text = reg.read_text(encoding="utf-8")
    spec = "patterns/specs/batch_create.pattern.yaml"
    other = "patterns/specs/self_heal.pattern.yaml"
    assert spec in text and other in text
    reg.write_text(text.replace(f"spec_path: {other}", f"spec_path: {spec}"), encoding="utf-8")  # a clash

    def units(*args: str) -> list:
        """The units status reports."""
        res = cli("status", "--repo", str(rendered_demo), "--json", *args)
        return json.loads(res.out)["units"]

    whole = units()
    mine = [u for u in whole if u["pattern"] == "atomic_create"]
    assert mine and units("--only", "atomic_create") == mine
    assert any(u["state"] == "blocked" for u in whole if u["pattern"] in ("self_heal", "batch_create"))
    # the clash is found through the entry --only does not name: batch_create is refused, as by a whole load
    res = cli("status", "--repo", str(rendered_demo), "--only", "batch_create")
    assert res.code == 2 and "spec_path of self_heal (entry #4) and batch_create's" in res.text
    assert "no usable pattern named batch_create" in res.text
