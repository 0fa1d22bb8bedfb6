"""doc_ids already in the repository win: reuse, conflicts, rule inference, DOC_ID headers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import commit_all, git
from patforge.docids.existing import rule_of
from patforge.commands.render import RenderOptions, render

SPECS = "patterns/specs"


def _prepend_doc_id(path: Path, doc_id: str) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("pattern_id:", f"doc_id: {doc_id}\npattern_id:", 1), encoding="utf-8")


@pytest.fixture
def ids_repo(demo_repo: Path) -> Path:
    r = demo_repo
    # DOC-PAT- majority, written in four kinds of places
    _prepend_doc_id(r / SPECS / "batch_create.pattern.yaml", "DOC-PAT-BATCH-CREATE-001")
    (r / "patterns/schemas/module_creation.schema.id.yaml").write_text(
        "doc_id: DOC-PAT-MODULE-CREATION-001\nschema_path: patterns/schemas/module_creation.schema.json\n")
    (r / "patterns/registry/doc_id_mapping.json").write_text(json.dumps(
        [{"pattern_id": "PAT-REFACTOR-PATCH-001", "doc_id": "DOC-PAT-REFACTOR-PATCH-001"},
         {"name": "self_heal", "doc_id": "DOC-PAT-SELF-HEAL-999"}], indent=2))
    # self_heal: the spec and the mapping disagree -> one conflict, nothing for it
    _prepend_doc_id(r / SPECS / "self_heal.pattern.yaml", "DOC-PAT-SELF-HEAL-001")
    # atomic_create: a hand-written executor with the id under another header
    ex = r / "patterns/executors/atomic_create_executor.ps1"
    ex.write_text(ex.read_text(encoding="utf-8").replace(
        "#Requires -Version 5.1\n", "#Requires -Version 5.1\n# DOC_ID: DOC-PAT-ATOMIC-CREATE-001\n", 1),
        encoding="utf-8")
    commit_all(r, "ids in the wild")
    return r


def test_rule_of():
    assert rule_of("DOC-PAT-X-001", "PAT-X-001") == "DOC-PAT-<REST>"
    assert rule_of("DOC-X-001", "PAT-X-001") == "DOC-<REST>"
    assert rule_of("PAT-X-001", "PAT-X-001") == "<PATTERN_ID>"
    assert rule_of("DOC-OTHER", "PAT-X-001") is None


@pytest.mark.slow
def test_existing_ids_are_reused_conflicts_held_rule_inferred(ids_repo: Path, cli):
    r = ids_repo
    report = render(r, RenderOptions())
    by_name = {m["name"]: m for m in report.mapping}
    assert by_name["batch_create"] == {"pattern_id": "PAT-BATCH-CREATE-001", "name": "batch_create",
                                       "doc_id": "DOC-PAT-BATCH-CREATE-001", "source": "reused"}
    assert by_name["module_creation"]["doc_id"] == "DOC-PAT-MODULE-CREATION-001"
    assert by_name["refactor_patch"]["doc_id"] == "DOC-PAT-REFACTOR-PATCH-001"
    # minted under the inferred rule
    assert by_name["verify_commit"] == {"pattern_id": "PAT-VERIFY-COMMIT-001", "name": "verify_commit",
                                        "doc_id": "DOC-PAT-VERIFY-COMMIT-001", "source": "minted"}
    assert any("DOC-PAT-<REST> inferred from 4 of 4" in n for n in report.notes), report.notes
    # the conflict: one diagnostic naming every source, nothing written for self_heal
    conflicts = [d for d in report.diagnostics if d.code == "doc-id-conflict"]
    assert len(conflicts) == 1 and conflicts[0].pattern == "self_heal"
    assert "DOC-PAT-SELF-HEAL-001" in conflicts[0].message and "DOC-PAT-SELF-HEAL-999" in conflicts[0].message
    assert "spec (patterns/specs/self_heal.pattern.yaml:" in conflicts[0].message
    assert "self_heal" not in by_name
    assert not any(c.path.startswith("patterns/examples/self_heal") or "self_heal_executor" in c.path
                   for c in report.changes)
    # DOC_LINK placed right under the DOC_ID header, once
    lines = (r / "patterns/executors/atomic_create_executor.ps1").read_text(encoding="utf-8").splitlines()
    assert lines[1:3] == ["# DOC_ID: DOC-PAT-ATOMIC-CREATE-001", "# DOC_LINK: DOC-PAT-ATOMIC-CREATE-001"]
    assert sum("DOC_LINK" in ln for ln in lines) == 1
    # nothing of the user's text was removed
    numstat = git(r, "diff", "--numstat")
    assert all(line.split("\t")[1] == "0" for line in numstat.splitlines()), numstat
    # check accepts the DOC_ID + DOC_LINK executor
    res = cli("check", "--repo", str(r), "--format", "json", "--only", "atomic_create")
    data = json.loads(res.out)
    bad = [x for x in data["results"] if x["rule"] in ("PAT-CHECK-001-041", "PAT-CHECK-001-042")]
    assert bad and all(x["status"] == "PASS" for x in bad), bad
    # patforge.toml overrides the inference
    (r / "patforge.toml").write_text('[patforge]\ndoc_id_rule = "DOC-<REST>"\n')
    commit_all(r, "toml")
    again = render(r, RenderOptions(phases=(1,), dry_run=True))
    assert not again.notes
