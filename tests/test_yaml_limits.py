"""YAML alias bombs ("billion laughs") and the one safe loader every YAML read goes
through (issue 13, defect 1)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import tree_snapshot
from hostile_repo import GOOD_ENTRY, REG, SPEC, build, reg_with

from patforge.repository import yamlsrc
from patforge.validation.codecheck import check_text
from patforge.repository.yamlsrc import YamlLoadError, load_yaml_text


def bomb(depth: int, key: str = "lol") -> str:
    """A chain of anchors, each a list of ten aliases to the previous one: ~1 KB of
    text that expands to 10**depth nodes."""
    text = f"{key}0: &a0 [x]\n"
    for i in range(1, depth + 1):
        text += f"{key}{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]\n"
    return text


def test_anchored_nodes_are_walked_once():
    # depth 5 expands to 10^5 nodes: within the limit, but the position walker must not
    # follow every alias (it recorded 111,111 key paths before the fix)
    doc = load_yaml_text(bomb(5), "x.yaml")
    assert len(doc.node_marks) < 100
    assert doc.data["lol5"][3][2][1][0][4] == ["x"]


def test_expanded_size_is_bounded_and_the_anchor_is_named():
    text = bomb(9)
    assert len(text) < 1100
    with pytest.raises(YamlLoadError) as info:
        load_yaml_text(text, "reg.yaml")
    d = info.value.diagnostic
    assert d.code == "yaml-alias-bomb"
    assert (d.path, d.line) == ("reg.yaml", 9)  # the anchor &a8 that ten aliases repeat
    assert f"over {yamlsrc.MAX_YAML_NODES:,} nodes" in d.message


def test_the_same_bound_applies_to_answers_and_generated_files():
    with pytest.raises(YamlLoadError) as info:
        yamlsrc.load_yaml_data(bomb(8), ".patforge/answers/x/schema.yml")
    assert info.value.diagnostic.code == "yaml-alias-bomb"
    with pytest.raises(YamlLoadError):
        yamlsrc.load_yaml_bytes(bomb(8).encode(), "a.yml")
    problems = check_text("out.yaml", bomb(8))
    assert problems and "aliases expand" in problems[0].message


def test_merge_keys_and_small_aliases_still_work():
    text = "base: &b {a: 1, b: 2}\nx:\n  <<: *b\n  c: 3\ny: *b\n"
    doc = load_yaml_text(text, "m.yaml")
    assert doc.data["x"] == {"a": 1, "b": 2, "c": 3} and doc.data["y"] == {"a": 1, "b": 2}


@pytest.mark.parametrize("where", ["registry", "spec"])
@pytest.mark.parametrize("command", [("render",), ("check",), ("doctor",)])
def test_alias_bomb_is_refused_by_every_command(tmp_path, cli, where, command):
    if where == "registry":
        repo = build(tmp_path, reg_with(GOOD_ENTRY) + bomb(9, "x_"))
        located = f"{REG}:"
    else:
        repo = build(tmp_path, spec="pattern_id: PAT-ALPHA-001\nname: alpha\n" + bomb(9, "x_"))
        located = f"{SPEC}:"
        if command == ("render",):
            command = ("render", "--phase", "2", "--kind", "schema")  # other kinds need no spec
    before = tree_snapshot(tmp_path)
    r = cli(*command, "--repo", str(repo))
    assert r.code in (1, 2), r
    assert "aliases expand" in r.text and located in r.text, r
    assert tree_snapshot(tmp_path) == before


def test_alias_bomb_in_an_answers_file_fails_that_unit_only(tmp_path, cli):
    repo = build(tmp_path)
    r = cli("render", "--repo", str(repo), "--phase", "1")
    assert r.code == 0, r
    answers = repo / ".patforge/answers/alpha/sidecar.yml"
    answers.write_text(answers.read_text() + bomb(9, "zz"))
    before = tree_snapshot(tmp_path)
    r = cli("render", "--repo", str(repo), "--phase", "1")
    assert r.code == 1, r
    assert "aliases expand" in r.text and ".patforge/answers/alpha/sidecar.yml" in r.text
    assert tree_snapshot(tmp_path) == before
