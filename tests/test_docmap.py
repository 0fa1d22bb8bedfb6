"""doc_id_mapping.json: written by render next to the registry, kept in sync by pure
edits, checked by PATFORGE-DOC-ID-MAPPING."""

from __future__ import annotations

import json

import pytest
import yaml
from hypothesis import given, settings, strategies as st

from conftest import commit_all, git
from patforge.docids.mapping import parse_members, render_mapping, sync_mapping

MAPPING = "patterns/registry/doc_id_mapping.json"
REGISTRY = "patterns/registry/PATTERN_INDEX.yaml"


def registry_mapping(repo) -> dict[str, str]:
    entries = yaml.safe_load((repo / REGISTRY).read_text("utf-8"))["patterns"]
    return {e["pattern_id"]: e["doc_id"] for e in entries}


def test_render_writes_the_mapping_that_matches_the_registry(cli, demo_repo):
    res = cli("render", "--repo", str(demo_repo), "--phase", "1")
    assert res.code == 0, res
    data = (demo_repo / MAPPING).read_bytes()
    mapping = json.loads(data)
    assert mapping == registry_mapping(demo_repo) and len(mapping) == 24
    assert list(mapping) == sorted(mapping) and data == render_mapping(mapping)  # sorted, deterministic
    res = cli("check", "--repo", str(demo_repo), "--rule", "PATFORGE-DOC-ID-MAPPING", "-v")
    assert res.code == 0 and "PASS  PATFORGE-DOC-ID-MAPPING" in res.out, res
    # rewritten only when it changes: a second render leaves the file's bytes and mtime
    before = (demo_repo / MAPPING).stat().st_mtime_ns
    res = cli("render", "--repo", str(demo_repo), "--phase", "1", "--json")
    assert MAPPING not in [c["path"] for c in json.loads(res.out)["changes"]]
    assert (demo_repo / MAPPING).stat().st_mtime_ns == before


def test_existing_mapping_gets_pure_insertions_only(cli, demo_repo):
    """A user's file: CRLF, 4-space indent, one stale value, one unknown key. Render adds
    the missing keys in order and changes no other byte; check names what disagrees."""
    text = ('{\r\n    "PAT-ATOMIC-CREATE-001": "DOC-WRONG-001",\r\n'
            '    "PAT-ZZZ-RETIRED-001": "DOC-ZZZ-RETIRED-001"\r\n}\r\n')
    (demo_repo / MAPPING).write_bytes(text.encode())
    commit_all(demo_repo, "a hand-made mapping")
    res = cli("render", "--repo", str(demo_repo), "--phase", "1")
    assert res.code == 0, res
    # doc_ids already in the repository win (issue 12): the mapping's value is the only
    # source for atomic_create, so it is reused, not reported as wrong
    assert "doc_id: DOC-WRONG-001" in (demo_repo / "patterns/registry/PATTERN_INDEX.yaml").read_text("utf-8")
    new = (demo_repo / MAPPING).read_bytes().decode()
    assert '    "PAT-ATOMIC-CREATE-001": "DOC-WRONG-001",\r\n' in new
    assert new.endswith('    "PAT-ZZZ-RETIRED-001": "DOC-ZZZ-RETIRED-001"\r\n}\r\n')
    keys = [m.key for m in parse_members(new)]
    assert keys == sorted(keys) and len(keys) == 25
    assert "\n" not in new.replace("\r\n", "")  # the file's own line ends
    diff = git(demo_repo, "diff", "--numstat", "--", MAPPING).split()
    assert diff[1] == "0"  # only additions
    res = cli("check", "--repo", str(demo_repo), "--rule", "PATFORGE-DOC-ID-MAPPING", "-v")
    assert res.code == 1
    assert "PAT-ZZZ-RETIRED-001 is not a pattern_id in the registry" in res.out
    assert f"{MAPPING}:" in res.out  # located


def test_check_reports_missing_keys_and_skips_without_file(cli, demo_repo):
    res = cli("render", "--repo", str(demo_repo), "--phase", "1")
    assert res.code == 0, res
    mapping = json.loads((demo_repo / MAPPING).read_text("utf-8"))
    del mapping["PAT-BATCH-CREATE-001"]
    (demo_repo / MAPPING).write_text(json.dumps(mapping, indent=2), encoding="utf-8")
    res = cli("check", "--repo", str(demo_repo), "--rule", "PATFORGE-DOC-ID-MAPPING", "-v")
    assert res.code == 1 and "lacks 1 pattern_id(s): PAT-BATCH-CREATE-001" in res.out, res
    res = cli("check", "--repo", str(demo_repo), "--fix", "--rule", "PATFORGE-DOC-ID-MAPPING")
    assert res.code == 0, res
    (demo_repo / MAPPING).unlink()
    res = cli("check", "--repo", str(demo_repo), "--rule", "PATFORGE-DOC-ID-MAPPING", "-v")
    assert res.code == 0 and "SKIP  PATFORGE-DOC-ID-MAPPING" in res.out, res


def test_unusable_shape_is_left_alone(cli, demo_repo):
    (demo_repo / MAPPING).write_text('[{"pattern_id": "PAT-A-001"}]\n', encoding="utf-8")
    res = cli("render", "--repo", str(demo_repo), "--phase", "1")
    assert res.code == 1 and "not a JSON object" in res.err
    assert (demo_repo / MAPPING).read_text("utf-8") == '[{"pattern_id": "PAT-A-001"}]\n'
    res = cli("check", "--repo", str(demo_repo), "--rule", "PATFORGE-DOC-ID-MAPPING", "-v")
    assert res.code == 1 and "not a JSON object" in res.out


keys = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=8)


@settings(max_examples=150, deadline=None)
@given(existing=st.dictionaries(keys, keys, max_size=6), wanted=st.dictionaries(keys, keys, max_size=6),
       indent=st.sampled_from([None, 2, 4, "\t"]), crlf=st.booleans(), sort=st.booleans())
def test_sync_is_a_pure_insertion(existing, wanted, indent, crlf, sort):
    text = json.dumps(existing, indent=indent, sort_keys=sort, ensure_ascii=False)
    if crlf:
        text = text.replace("\n", "\r\n")
    sync = sync_mapping(text.encode(), wanted)
    result = text if sync.data is None else sync.data.decode()
    merged = json.loads(result)
    assert merged == {**wanted, **existing}  # every wanted key, no existing value changed
    assert sorted(sync.added) == sorted(set(wanted) - set(existing))
    assert {k for k, _, _ in sync.disagree} == {k for k in wanted if k in existing and existing[k] != wanted[k]}
    if existing:
        # deleting the inserted text gives back the original: walk both, skipping extras
        it = iter(result)
        assert all(ch in it for ch in text)
