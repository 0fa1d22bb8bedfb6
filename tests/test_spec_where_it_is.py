"""Read the spec where it is (issue 22).

A spec that is not at spec_path but is found by its file name or by its pattern_id (a
unique match) is read there and the suite rendered, with one note saying where;
``doctor --fix`` moves it back (``git mv``) when the registry's place is the compliant
one. An entry without spec_path uses the one spec naming its pattern_id. The same
pattern registered several times: the spec's pattern_id tells the live entry, the
others get "remove entry #N". Ill-formed ids come with a suggested correct id.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given, strategies as st

from conftest import commit_all, git, grown_copy
from patforge.repository.registry import load_registry
from patforge.docids.rule import suggest_id

REG = "patterns/registry/PATTERN_INDEX.yaml"


@pytest.fixture(scope="module")
def grown(tmp_path_factory):
    return grown_copy(tmp_path_factory.mktemp("where") / "repo")


@given(st.text(max_size=40))
def test_suggest_id_is_well_formed_or_none(value):
    from patforge.docids.rule import is_valid_doc_id

    got = suggest_id(value)
    assert got is None or is_valid_doc_id(got)


def test_a_spec_behind_a_link_is_not_read(tmp_path):
    from patforge.repository.entrypaths import PatternIdIndex

    outside = tmp_path / "outside.pattern.yaml"
    outside.write_text("pattern_id: PAT-OUT-001\n")
    (tmp_path / "repo/patterns/specs").mkdir(parents=True)
    try:
        (tmp_path / "repo/patterns/specs/out.pattern.yaml").symlink_to(outside)
    except OSError:
        pytest.skip("no symlinks here")
    assert PatternIdIndex(tmp_path / "repo", ["patterns"]).find("PAT-OUT-001") == []


def test_suggest_id():
    assert suggest_id("PAT_BAD_PID_001") == "PAT-BAD-PID-001"
    assert suggest_id("doc-pat-bad--id-001 ") == "DOC-PAT-BAD-ID-001"
    assert suggest_id("Pat.Some Thing/002") == "PAT-SOME-THING-002"
    assert suggest_id("___") is None


def test_spec_found_by_file_name_or_pattern_id_is_read_there(grown):
    reg = load_registry(grown)
    one = reg.by_name("spec_elsewhere_01")
    assert one is not None and one.spec is not None
    assert one.spec.path == "patterns/behavioral/spec_elsewhere_01.pattern.yaml"
    two = reg.by_name("spec_elsewhere_02")  # renamed: found by its pattern_id
    assert two.spec is not None and two.spec.path == "patterns/specs/drafts/renamed_in_review_2.yaml"
    assert reg.by_name("moved_spec_03").spec.path == "patterns/specs/docs/moved_spec_03.md"
    notes = [n for n in reg.notes if "read where" in n]
    assert len(notes) == 1 and "spec_elsewhere_01" in notes[0], reg.notes
    # the registry's spec_path stays what it says (check judges it), no "no-spec" error follows
    assert one.spec_path == "patterns/specs/spec_elsewhere_01.pattern.yaml"
    assert not [d for d in reg.diagnostics if d.pattern and d.pattern.startswith(("spec_elsewhere", "moved_spec"))
                and d.is_error]


def test_entry_without_spec_path_uses_the_one_spec_naming_its_pattern_id(grown):
    reg = load_registry(grown)
    p = reg.by_name("no_spec_path_01")
    assert p is not None and p.spec_path == "patterns/specs/generated_01.pattern.yaml"
    assert p.derived["spec_path"] == "patterns/specs/generated_01.pattern.yaml"  # render records it
    assert any("no_spec_path_01" in n and "generated_01.pattern.yaml" in n for n in reg.notes), reg.notes


def test_duplicate_registrations_the_spec_tells_the_live_entry(grown):
    reg = load_registry(grown)
    live = reg.by_name("registered_thrice")
    assert live is not None and live.pattern_id == "PAT-REGISTERED-THRICE-001"
    fixes = sorted(d.hint for d in reg.diagnostics if d.pattern == "registered_thrice")
    n = live.index + 1
    assert fixes == [f"remove entry #{n - 2}", f"remove entry #{n - 1}"], fixes
    msgs = [d.message for d in reg.diagnostics if d.pattern == "registered_thrice"]
    assert all("same paths" in m for m in msgs), msgs


def test_an_entry_pasted_twice_the_first_is_live(grown):
    reg = load_registry(grown)
    live = reg.by_name("pasted_twice")
    assert live is not None
    fixes = [d.hint for d in reg.diagnostics if d.pattern == "pasted_twice"]
    assert fixes == [f"remove entry #{live.index + 2}"], fixes


def test_doctor_json_lists_the_moves(tmp_path, cli):
    import jsonschema

    from conftest import ROOT

    repo = grown_copy(tmp_path / "repo")
    data = json.loads(cli("doctor", "--repo", str(repo), "--json").out)
    schema = json.loads((ROOT / "docs/doctor-report.schema.json").read_text("utf-8"))
    jsonschema.validate(data, schema)
    assert {"from": "patterns/behavioral/spec_elsewhere_01.pattern.yaml",
            "to": "patterns/specs/spec_elsewhere_01.pattern.yaml"} in data["moves"]


def test_ill_formed_ids_come_with_a_suggested_id(grown):
    reg = load_registry(grown)
    bad = {d.pattern: d for d in reg.diagnostics if d.code in ("bad-pattern-id", "bad-doc-id")}
    assert "PAT-BAD-PID-001" in bad["bad_pid"].hint
    assert "DOC-PAT-BAD-DOC-ID-001" in bad["bad_doc_id"].hint
    assert "'" not in bad["bad_pid"].message  # the value, not a Python repr
    # one fix per entry: a bad pattern_id is not also a bad doc_id or a missing field
    assert len([d for d in reg.diagnostics if d.pattern == "bad_pid" and d.is_error]) == 1


def test_doctor_repairs_the_yaml_of_a_spec_read_where_it_is(tmp_path, cli):
    repo = grown_copy(tmp_path / "repo")
    moved = repo / "patterns/behavioral/spec_elsewhere_01.pattern.yaml"
    moved.write_text(moved.read_text("utf-8") + 'default_dir: "C:\\Tools\\grown"\n', "utf-8")
    commit_all(repo, "a Windows path in the moved spec")
    shown = cli("doctor", "--repo", str(repo))
    assert "yaml:patterns/behavioral/spec_elsewhere_01.pattern.yaml" in shown.out, shown.out


def test_doctor_fix_moves_the_spec_back_with_git_mv(tmp_path, cli):
    repo = grown_copy(tmp_path / "repo")
    before = (repo / REG).read_bytes()
    shown = cli("doctor", "--repo", str(repo))
    assert ("git mv patterns/behavioral/spec_elsewhere_01.pattern.yaml "
            "patterns/specs/spec_elsewhere_01.pattern.yaml") in shown.out, shown.out
    assert "git mv patterns/specs/archive/moved_spec_01.pattern.yaml" in shown.out
    assert not (repo / "patterns/specs/spec_elsewhere_01.pattern.yaml").exists()  # shown, not done
    cli("doctor", "--repo", str(repo), "--fix")
    assert (repo / REG).read_bytes() == before  # no repointing
    for name in ("spec_elsewhere_01", "spec_elsewhere_02", "moved_spec_01", "moved_spec_02", "moved_spec_03"):
        assert (repo / f"patterns/specs/{name}.pattern.yaml").is_file(), name
    assert not (repo / "patterns/behavioral/spec_elsewhere_01.pattern.yaml").exists()
    status = git(repo, "status", "--porcelain")
    assert "R  patterns/behavioral/spec_elsewhere_01.pattern.yaml -> patterns/specs/spec_elsewhere_01" in status
    reg = load_registry(repo)
    assert not [n for n in reg.notes if "read where" in n]


@pytest.mark.slow
def test_specs_read_where_they_are_get_whole_units(tmp_path, cli):
    repo = grown_copy(tmp_path / "repo")
    first = cli("render", "--repo", str(repo))
    assert first.text.count("read where it is") <= 1 and "read where" in first.text
    reg = load_registry(repo)
    for name in ("spec_elsewhere_01", "spec_elsewhere_02", "moved_spec_01", "no_spec_path_01", "registered_thrice"):
        p = reg.by_name(name)
        assert p is not None and p.get("example_dir") and p.get("test_path"), name
        assert sorted((repo / p.example_dir).glob("*.json")), name
        schema = json.loads((repo / p.schema_path).read_text("utf-8"))
        assert schema["properties"]["inputs"]["properties"].get("source"), name
    text = (repo / REG).read_text("utf-8")
    assert "spec_path: patterns/specs/generated_01.pattern.yaml" in text
    commit_all(repo, "rendered")
    again = cli("render", "--repo", str(repo))
    assert git(repo, "status", "--porcelain") == "", again.text
