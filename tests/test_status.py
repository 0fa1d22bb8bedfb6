"""``patforge status`` and ``patforge diff`` on a rendered demo (real Copier, real git):
each state, what render would do agrees with it, and neither command writes anything."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest

from conftest import ROOT, commit_all, git, tree_snapshot
from template_versions import add_line_to_executors, new_template_version

EXEC = "patterns/executors/self_heal_executor.ps1"
SPEC = "patterns/specs/batch_create.pattern.yaml"


@pytest.fixture
def rendered(rendered_demo_once, tmp_path) -> Path:
    """A fresh clone of the rendered demo (conftest.py, rendered once per test process) for
    each test: git clone is cheap, keeps the real history, and leaves patforge's state
    folder behind, so a test can prove status creates none."""
    repo = tmp_path / "demo"
    git(tmp_path, "clone", "-q", str(rendered_demo_once), str(repo))
    return repo


def status(cli, repo: Path, *args: str) -> tuple[int, dict]:
    res = cli("status", "--repo", str(repo), "--json", *args)
    data = json.loads(res.out)
    schema = json.loads((ROOT / "docs" / "status-report.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    jsonschema.Draft7Validator(schema).validate(data)
    assert res.code == data["exit_code"]
    return res.code, data


def unit(data: dict, pattern: str, kind: str) -> dict:
    return next(u for u in data["units"] if u["pattern"] == pattern and u["kind"] == kind)


def lagging(data: dict) -> list[tuple[str, str, str]]:
    return sorted((u["state"], u["kind"], u["pattern"]) for u in data["units"]
                  if u["state"] not in ("current", "hand-written"))


def test_committed_render_is_current_and_status_writes_nothing(cli, rendered):
    before_tree, before_git = tree_snapshot(rendered), git(rendered, "status", "--porcelain")
    state_dir = rendered / ".git" / "patforge"
    code, data = status(cli, rendered)
    assert code == 0 and lagging(data) == []
    assert {u["state"] for u in data["units"]} == {"current", "hand-written"}
    res = cli("status", "--repo", str(rendered))
    assert res.code == 0 and "current or hand-written" in res.out
    assert tree_snapshot(rendered) == before_tree and git(rendered, "status", "--porcelain") == before_git
    assert not state_dir.exists()  # not even patforge's own state folder


def test_edits_give_stale_missing_modified_and_diff_shows_the_hand_edit(cli, rendered):
    spec = rendered / SPEC
    spec.write_text(spec.read_text(encoding="utf-8").replace("Create many files in batches",
                                                            "Create many files in small batches"), encoding="utf-8")
    (rendered / "patterns/executors/module_creation_executor.py").unlink()
    exe = rendered / EXEC
    exe.write_text(exe.read_text(encoding="utf-8") + "# a hand edit\n", encoding="utf-8")
    porcelain = git(rendered, "status", "--porcelain")
    snapshot = tree_snapshot(rendered)

    code, data = status(cli, rendered)
    assert code == 1
    stale = unit(data, "batch_create", "executor")
    assert stale["state"] == "stale" and stale["inputs"] == ["spec"]
    missing = unit(data, "module_creation", "executor")
    assert missing["state"] == "missing" and missing["files"] == ["patterns/executors/module_creation_executor.py"]
    modified = unit(data, "self_heal", "executor")
    assert modified["state"] == "modified" and modified["files"] == [EXEC]
    assert {k for s, k, p in lagging(data) if p == "self_heal"} == {"executor"}
    text = cli("status", "--repo", str(rendered)).out
    assert re.search(r"^stale +executor +batch_create +spec changed", text, re.M)
    assert re.search(r"^missing +executor +module_creation +missing: ", text, re.M)

    # render would do exactly what status says (one classification)
    plan = json.loads(cli("render", "--repo", str(rendered), "--dry-run", "--json").out)
    outcome = {(o["pattern"], o["kind"]): o["status"] for o in plan["outcomes"]}
    assert outcome[("batch_create", "executor")] == "stale"  # the one vocabulary: status says stale too
    assert outcome[("module_creation", "executor")] == "generated"  # restored
    assert outcome[("self_heal", "executor")] == "current"  # render neither touches nor reads hand edits

    diff = cli("diff", "--repo", str(rendered), "self_heal")
    assert diff.code == 0
    assert f"+++ b/{EXEC} (on disk)" in diff.out and "\n+# a hand edit\n" in diff.out
    stat = cli("diff", "--repo", str(rendered), "--stat", "--kind", "executor")
    assert re.search(rf"{re.escape(EXEC)} +\| \+1 -0\n", stat.out)
    assert re.search(r"module_creation_executor\.py +\| \+0 -\d+ \(deleted\)", stat.out)
    assert git(rendered, "status", "--porcelain") == porcelain and tree_snapshot(rendered) == snapshot


@pytest.mark.slow  # update runs Copier for every executor of the demo
def test_new_template_tag_is_outdated_and_update_keeps_hand_edits_modified(cli, rendered, tmp_path):
    exe = rendered / EXEC
    exe.write_text(exe.read_text(encoding="utf-8") + "# a hand edit\n", encoding="utf-8")
    commit_all(rendered, "hand edit")
    tpl = new_template_version(tmp_path, rendered, "v1.1.0", add_line_to_executors)
    code, data = status(cli, rendered, "--template", str(tpl), "--kind", "executor")
    assert code == 1 and data["template"]["newest"] == "v1.1.0"
    out = unit(data, "batch_create", "executor")
    assert out["state"] == "outdated" and out["recorded_version"] == "v1.0.0" and out["newest_version"] == "v1.1.0"
    assert "v1.0.0" in out["detail"] and "v1.1.0" in out["detail"]
    assert {u["state"] for u in data["units"]} == {"outdated", "hand-written"}
    # after the update: current again, except the unit that keeps its hand edit
    assert cli("update", "--repo", str(rendered), "--template", str(tpl)).code == 0
    code, data = status(cli, rendered, "--template", str(tpl), "--kind", "executor")
    assert lagging(data) == [("modified", "executor", "self_heal")]


def test_status_takes_no_lock(cli, rendered):
    from patforge.transaction.lock import RepoLock

    with RepoLock(rendered, "render"):  # another run holds the repository
        code, _ = status(cli, rendered)
    assert code == 0


def test_status_filters_and_bad_kind(cli, rendered):
    code, data = status(cli, rendered, "--only", "self_heal", "--kind", "executor")
    assert [(u["pattern"], u["kind"]) for u in data["units"]] == [("self_heal", "executor")]
    res = cli("status", "--repo", str(rendered), "--kind", "nonsense")
    assert res.code == 2 and "unknown kind" in res.text
    res = cli("status", "--repo", str(rendered), "-v")
    assert res.out.count("current ") >= 100  # every unit listed
