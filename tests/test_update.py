"""`patforge update` end to end: template change → every managed file, hand edits
kept, overlapping edits reported as conflicts, nothing committed."""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import commit_all, git
from template_versions import add_line_to_executors, new_template_version

pytestmark = pytest.mark.slow


@pytest.fixture
def rendered(rendered_demo):
    return rendered_demo  # conftest.py


def test_update_brings_template_change_and_keeps_hand_edits(tmp_path, rendered, cli):
    exe = rendered / "patterns/executors/batch_create_executor.ps1"
    exe.write_text(exe.read_text(encoding="utf-8") + "# hand edit at the end\n", encoding="utf-8")
    commit_all(rendered, "hand edit")
    head = git(rendered, "rev-parse", "HEAD")
    tpl = new_template_version(tmp_path, rendered, "v1.1.0", add_line_to_executors)
    r = cli("update", "--repo", str(rendered), "--template", str(tpl))
    assert r.code == 0, r
    assert git(rendered, "rev-parse", "HEAD") == head  # nothing committed
    managed = [p for p in (rendered / "patterns").rglob("*_executor.*")
               if p.parent.name == "executors" and "atomic_create" not in p.name]
    assert len(managed) == 23
    for p in managed:
        assert "# Template revision: 1.1" in p.read_text(encoding="utf-8"), p
    assert exe.read_text(encoding="utf-8").endswith("# hand edit at the end\n")
    hand = (rendered / "patterns/executors/atomic_create_executor.ps1").read_text(encoding="utf-8")
    assert "Template revision" not in hand  # unmanaged files are never touched
    assert "_commit: v1.1.0" in (rendered / ".patforge/answers/batch_create/executor.yml").read_text()
    # the answers files now record tpl; a render does not trust that on their word
    # (issue 13: a cloned repository's answers must not choose the template) ...
    commit_all(rendered, "updated")
    refused = cli("render", "--repo", str(rendered))
    assert refused.code == 2 and f"--template {tpl.resolve().as_posix()}" in refused.err, refused
    # ... but once the user names it, it is used and there is nothing to do
    again = cli("render", "--repo", str(rendered), "--template", str(tpl))
    assert again.code == 0 and "nothing written" in again.out, again


def test_overlapping_edit_is_a_reported_conflict(tmp_path, rendered, cli):
    exe = rendered / "patterns/executors/self_heal_executor.ps1"
    lines = exe.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(i for i, l in enumerate(lines) if "Pattern:" in l) + 1
    lines.insert(at, "# my own line exactly where the template adds one\n")
    exe.write_text("".join(lines), encoding="utf-8")
    commit_all(rendered, "overlapping edit")
    tpl = new_template_version(tmp_path, rendered, "v1.1.0", add_line_to_executors)
    r = cli("update", "--repo", str(rendered), "--template", str(tpl))
    assert r.code == 1, r
    assert "CONFLICTS" in r.err and "patterns/executors/self_heal_executor.ps1" in r.err
    text = exe.read_text(encoding="utf-8")
    assert "<<<<<<<" in text and "my own line" in text and "Template revision" in text


def test_dry_run_and_dirty_tree(tmp_path, rendered, cli):
    tpl = new_template_version(tmp_path, rendered, "v1.1.0", add_line_to_executors)
    r = cli("update", "--repo", str(rendered), "--template", str(tpl), "--dry-run")
    assert r.code == 0 and "+# Template revision: 1.1" in r.out
    assert git(rendered, "status", "--porcelain") == ""
    (rendered / "patterns/specs/self_heal.pattern.yaml").write_text("changed: true\n")
    r = cli("update", "--repo", str(rendered), "--template", str(tpl))
    assert r.code == 2 and "clean git working tree" in r.err


def test_update_registry_refreshes_data_changes(rendered, cli):
    spec = rendered / "patterns/specs/self_heal.pattern.yaml"
    spec.write_text(spec.read_text().replace("intent: |\n", "intent: |\n  Heal the workspace, revised.\n", 1))
    commit_all(rendered, "new intent")
    r = cli("update", "--repo", str(rendered), "--registry")
    assert r.code == 0, r
    schema = (rendered / "patterns/schemas/self_heal.schema.json").read_text()
    assert '"description": "Heal the workspace, revised."' in schema


def test_copier_update_by_hand_on_one_unit(tmp_path, rendered):
    tpl = new_template_version(tmp_path, rendered, "v1.1.0", add_line_to_executors)
    answers = rendered / ".patforge/answers/module_creation/executor.yml"
    answers.write_text(answers.read_text().replace("_src_path: .patforge/templates.bundle", f"_src_path: {tpl}"))
    commit_all(rendered, "point this unit at the new template")
    res = subprocess.run([sys.executable, "-m", "copier", "update", "--defaults", "-a",
                          ".patforge/answers/module_creation/executor.yml"], cwd=rendered,
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    assert "# Template revision: 1.1" in (rendered / "patterns/executors/module_creation_executor.py").read_text()


def test_update_registry_says_when_derived_output_was_edited_by_hand(rendered, cli):
    """Answers files record only the hash of a generated schema: a hand-edited one is the
    base of the merge, and the report says so."""
    schema = rendered / "patterns/schemas/self_heal.schema.json"
    schema.write_text(schema.read_text(encoding="utf-8").replace("{", "{ ", 1), encoding="utf-8")
    spec = rendered / "patterns/specs/self_heal.pattern.yaml"
    spec.write_text(spec.read_text().replace("intent: |\n", "intent: |\n  Heal the workspace, revised.\n", 1))
    commit_all(rendered, "hand edit and new intent")
    r = cli("update", "--repo", str(rendered), "--registry")
    assert r.code == 0, r
    assert "self_heal.schema.json changed since patforge rendered it" in r.text
    assert '"description": "Heal the workspace, revised."' in schema.read_text(encoding="utf-8")
