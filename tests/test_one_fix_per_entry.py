"""One fix per entry, shown once (issue 22).

Consequential errors fold into their cause; check groups patterns by their first fix
(the default report on the grown fixture fits in 80 lines, ``-v`` keeps the rest);
render (and so ``check --fix``) inserts a spec's missing pattern_id / name / version
from its registry entry; every fix message is true after render; ``status`` lists every
pattern; ``doc_id_mapping.json`` grows by pure insertion.
"""

from __future__ import annotations

import json
import re

import pytest

from conftest import rendered_grown, Cli, commit_all, git, grown_copy
from patforge.docids.mapping import sync_mapping

EXPECTED = json.loads((__import__("conftest").FIXTURES / "grown_repo/EXPECTED.json").read_text("utf-8"))


@pytest.mark.parametrize("text", [
    '{\n  "PAT-A-001": "DOC-A-001",\n  "PAT-C-001": "DOC-C-001"\n}\n',  # sorted: a key after the last
    '{\n  "PAT-Z-001": "DOC-Z-001",\n  "PAT-C-001": "DOC-C-001"\n}\n',  # unsorted
    '{"PAT-A-001": "DOC-A-001"}\n',  # one member on one line
])
def test_mapping_grows_by_pure_insertion(text):
    wanted = {"PAT-A-001": "DOC-A-001", "PAT-Y-001": "DOC-Y-001", "PAT-B-001": "DOC-B-001"}
    sync = sync_mapping(text.encode(), wanted)
    new = sync.data.decode()
    assert json.loads(new) == {**wanted, **json.loads(text)}
    old_lines = text.splitlines()
    assert all(line in new.splitlines() for line in old_lines) or len(old_lines) == 1, new
    if len(old_lines) > 1:  # every existing line is still there, unchanged and in order
        it = iter(new.splitlines())
        assert all(any(line == n for n in it) for line in old_lines), new


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    return rendered_grown(tmp_path_factory.mktemp("onefix") / "repo")


@pytest.mark.slow
def test_render_inserts_the_specs_missing_identity_from_the_registry(rendered):
    repo, first, _ = rendered
    one = (repo / "patterns/specs/spec_fields_missing_01.pattern.yaml").read_text("utf-8")
    two = (repo / "patterns/specs/spec_fields_missing_02.pattern.yaml").read_text("utf-8")
    # `id:` is read as pattern_id: it is kept, pattern_id is inserted beside it
    assert "id: PAT-SPEC-FIELDS-MISSING-01-001\n" in one and "pattern_id: PAT-SPEC-FIELDS-MISSING-01-001\n" in one
    assert "pattern_id: PAT-SPEC-FIELDS-MISSING-02-001\n" in two
    for text, name in ((one, "spec_fields_missing_01"), (two, "spec_fields_missing_02")):
        assert f"name: {name}\n" in text and re.search(r'version: "?1.0.0"?\n', text)
    numstat = git(repo, "diff", "--numstat")
    assert all(line.split("\t")[1] == "0" for line in numstat.splitlines()), numstat


@pytest.mark.slow
def test_consequential_errors_fold_into_their_cause(rendered):
    _, first, _ = rendered
    assert "[no-spec]" not in first.text  # a missing/unparseable spec is said once, where it is
    assert "windows_escape" in first.text


@pytest.mark.slow
def test_check_groups_patterns_by_their_first_fix(rendered):
    repo, _, cli = rendered
    res = cli("check", "--repo", str(repo))
    lines = res.out.splitlines()
    assert len(lines) <= 80, "\n".join(lines)
    assert all(len(ln) <= 240 for ln in lines), max(lines, key=len)
    assert "<id>" not in res.out and "<name>" not in res.out and "{'" not in res.out
    # every entry that needs a person is named in the report, once
    for name, v in EXPECTED.items():
        if v["expect"] == "person":
            assert len(re.findall(rf"\b{name}\b", res.out)) >= 1, name
    verbose = cli("check", "--repo", str(repo), "--verbose")
    assert len(verbose.out.splitlines()) > len(lines)


@pytest.mark.slow
def test_top_causes_show_an_example_that_matches_their_fix(rendered):
    repo, _, cli = rendered
    lines = cli("check", "--repo", str(repo)).out.splitlines()
    start = lines.index("Top causes (rule x patterns; the one fix that repairs most of them):")
    for i in range(start + 1, len(lines)):
        if not lines[i].startswith("  "):
            break
        m = re.match(r"\s+fix \((\d+) of (\d+)\): (.*)", lines[i])
        if m:  # the example above names a pattern the fix is for
            example = re.search(r"\(e\.g\. ([a-z0-9_]+)\)", lines[i - 1])
            assert example, lines[i - 1]


@pytest.mark.slow
def test_mapping_message_is_true_after_render(tmp_path):
    """After render every key render can add is there: check names no missing key (the
    entries render does not work on have their own one fix), and the file only grew."""
    repo = grown_copy(tmp_path / "repo")
    mapping = repo / "patterns/registry/doc_id_mapping.json"
    mapping.write_text('{\n  "PAT-MAPPED-01-001": "DOC-PAT-MAPPED-01-001",\n  "PAT-ZZZ-001": "DOC-ZZZ-001"\n}\n', "utf-8")
    commit_all(repo, "a flat mapping with a key after every pattern_id")
    cli = Cli()
    cli("render", "--repo", str(repo))
    data = json.loads(cli("check", "--repo", str(repo), "--format", "json").out)
    found = [f for r in data["results"] if r["rule"] == "PATFORGE-DOC-ID-MAPPING" for f in r["findings"]
             if f["status"] in ("FAIL", "WARN")]
    assert not [f for f in found if "lacks" in f["message"]], found
    assert git(repo, "diff", "--numstat", "--", str(mapping)).split()[1] == "0"  # nothing removed or changed
    assert json.loads(mapping.read_text("utf-8"))["PAT-PER-FILE-IDS-01-001"] == "DOC-PAT-PER-FILE-IDS-01-739"


@pytest.mark.slow
def test_check_fix_inserts_a_specs_missing_identity(tmp_path):
    repo = grown_copy(tmp_path / "repo")
    res = Cli()("check", "--repo", str(repo), "--fix", "--only", "spec_fields_missing_02")
    text = (repo / "patterns/specs/spec_fields_missing_02.pattern.yaml").read_text("utf-8")
    assert text.startswith("pattern_id: PAT-SPEC-FIELDS-MISSING-02-001\nname: spec_fields_missing_02\n"), res.text
    numstat = git(repo, "diff", "--numstat")
    assert numstat and all(line.split("\t")[1] == "0" for line in numstat.splitlines()), numstat


@pytest.mark.slow
def test_status_lists_every_pattern_and_each_its_own_message(rendered):
    repo, _, cli = rendered
    res = cli("status", "--repo", str(repo), "-v")
    for name in ("id_conflict_01", "id_conflict_suggested", "same_pid_a", "bad_pid"):
        assert name in res.out, name
    rows = [ln for ln in res.out.splitlines() if "registered_thrice" in ln]
    assert len(rows) == len(set(rows)), rows  # never one entry's message for another
