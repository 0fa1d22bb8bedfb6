"""The registry's doc_id settles per-file ids (issue 22).

A hand-written spec, schema or executor may carry its own per-file id
(``<stem>-SCHEMA-022``, ``<stem>-EXECUTOR-238``) beside the pattern's doc_id in the
registry (``<stem>-739``). The registry's is the pattern's doc_id: render completes
the missing units with it and leaves the disagreeing files to check, which names
them; the convention is said once. Only an entry without a doc_id whose sources
disagree is a conflict, and its message suggests one.
"""

from __future__ import annotations

import json
import re

import pytest

from conftest import rendered_grown, commit_all, git, grown_copy
from patforge.docids.rule import per_file_stem
from patforge.examplegen.instances import validate_instance
from patforge.docids.existing import reuse_existing_ids
from patforge.repository.registry import load_registry

PER_FILE = ("per_file_ids_01", "per_file_ids_02", "per_file_ids_03")


def settled(repo):
    """The registry as render and check read it: loaded, then the doc_ids the repository
    already gives reused (``reuse_existing_ids``; load_registry itself no longer does)."""
    reg = load_registry(repo)
    reuse_existing_ids(reg)
    return reg


def stem(name: str) -> str:
    return "DOC-PAT-" + name.upper().replace("_", "-")


def test_per_file_stem():
    assert per_file_stem("DOC-PAT-AGENTS-SCHEMA-022") == ("DOC-PAT-AGENTS", "SCHEMA")
    assert per_file_stem("DOC-PAT-AGENTS-EXECUTOR-238") == ("DOC-PAT-AGENTS", "EXECUTOR")
    assert per_file_stem("DOC-PAT-AGENTS-PATTERN-1") == ("DOC-PAT-AGENTS", "PATTERN")
    assert per_file_stem("DOC-PAT-AGENTS-739") is None
    assert per_file_stem("DOC-SCHEMA-001") is None  # nothing left for the stem


@pytest.fixture(scope="module")
def grown(tmp_path_factory):
    return grown_copy(tmp_path_factory.mktemp("settles") / "repo")


def test_registry_doc_id_settles_per_file_ids_said_once(grown):
    reg = settled(grown)
    assert not set(PER_FILE) & set(reg.id_conflicts), reg.id_conflicts
    notes = [n for n in reg.notes if "per-file id" in n]
    assert len(notes) == 1, reg.notes
    assert "3 pattern(s)" in notes[0] and "-SCHEMA-" in notes[0] and "<PATTERN_ID>" not in notes[0]
    # no per-pattern warning that the spec's per-file id "differs"
    assert not [d for d in reg.diagnostics if d.code == "doc-id-mismatch" and d.pattern in PER_FILE]


def test_conflict_without_registry_doc_id_names_sources_and_suggests_one(grown):
    reg = settled(grown)
    d = reg.id_conflicts["id_conflict_suggested"]
    assert "schema sidecar" in d.message and "executor DOC_ID header" in d.message and "spec (" in d.message
    want = "DOC-PAT-ID-CONFLICT-SUGGESTED-001"
    assert f"suggested: {want}" in d.hint and "schema sidecar and executor DOC_ID header agree" in d.hint
    # one source each: the one that follows the repository's doc_id rule is suggested
    assert "suggested: DOC-PAT-ID-CONFLICT-01-001" in reg.id_conflicts["id_conflict_01"].hint
    assert "'" not in d.message  # no Python repr


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    return rendered_grown(tmp_path_factory.mktemp("settles-render") / "repo")


@pytest.mark.slow
def test_per_file_id_patterns_get_their_missing_units_with_the_registry_doc_id(rendered):
    repo, first, cli = rendered
    assert first.text.count("per-file id") == 1, first.text  # the note, once
    for name in PER_FILE:
        reg_id = f"{stem(name)}-739"
        p = load_registry(repo).by_name(name)
        schema = json.loads((repo / p.schema_path).read_text("utf-8"))
        examples = sorted((repo / p.example_dir).glob("*.json"))
        assert examples, name
        for ex in examples:
            assert not validate_instance(schema, json.loads(ex.read_text("utf-8"))), ex
        assert f"DOC_LINK: {reg_id}" in (repo / p.get("test_path")).read_text("utf-8")
        assert f"DOC_LINK: {reg_id}" in (repo / p.executor_path).read_text("utf-8")
    # the per-file ids are left where they are (a person decides)
    assert '"doc_id": "DOC-PAT-PER-FILE-IDS-02-SCHEMA-022"' in (
        repo / "patterns/schemas/per_file_ids_02.schema.json").read_text("utf-8")
    spec = (repo / "patterns/specs/per_file_ids_01.pattern.yaml").read_text("utf-8")
    assert "doc_id: DOC-PAT-PER-FILE-IDS-01-SPEC-001" in spec and spec.count("doc_id:") == 1
    # check names the disagreeing files, and says the convention once
    res = cli("check", "--repo", str(repo), "--only", "per_file_ids_01", "--verbose")
    assert "per_file_ids_01.schema.json" in res.out and "per-file id" in res.out


@pytest.mark.slow
def test_check_fix_never_proposes_a_fifth_id(rendered):
    repo, _, cli = rendered
    commit_all(repo, "rendered")
    res = cli("check", "--repo", str(repo), "--fix", "--only", "per_file_ids_01", "--only", "per_file_ids_03")
    added = "\n".join(ln for ln in git(repo, "diff", "-U0").splitlines() if ln.startswith("+"))
    ids = set(re.findall(r"DOC-PAT-PER-FILE-IDS-0[13](?:-[A-Z0-9]+)+", added))
    known = {f"{stem(n)}-{s}" for n in PER_FILE for s in ("739", "SPEC-001", "SPEC-003", "SCHEMA-022", "EXECUTOR-238")}
    assert ids <= known, (ids - known, res.text)
    git(repo, "checkout", "--", ".")


def test_per_file_ids_without_a_registry_doc_id_suggest_no_new_id(tmp_path, cli):
    """Only per-file ids and no registry doc_id: a conflict that names the stem and mints
    nothing; check --fix holds the pattern (no fifth id)."""
    repo = grown_copy(tmp_path / "repo")
    reg_file = repo / "patterns/registry/PATTERN_INDEX.yaml"
    text = reg_file.read_text("utf-8")
    reg_file.write_text(text.replace("    doc_id: DOC-PAT-PER-FILE-IDS-01-739\n", ""), "utf-8")
    commit_all(repo, "no registry doc_id")
    d = settled(repo).id_conflicts["per_file_ids_01"]
    assert "suggested" not in d.hint and "per-file ids of DOC-PAT-PER-FILE-IDS-01" in d.hint
    cli("check", "--repo", str(repo), "--fix", "--only", "per_file_ids_01")
    added = "\n".join(ln for ln in git(repo, "diff", "-U0").splitlines() if ln.startswith("+"))
    assert not re.findall(r"DOC-PAT-PER-FILE-IDS-01-(?!SPEC-|SCHEMA-|EXECUTOR-)[A-Z0-9]+", added), added
