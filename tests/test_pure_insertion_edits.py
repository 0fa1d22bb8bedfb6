"""Pure insertions: every byte but the inserted lines stays identical."""

from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from patforge.docids.doclink import find_doc_link, insert_doc_link
from patforge.repository.edits import apply_insertions, insert_keys_after, insert_keys_before, yaml_scalar
from patforge.repository.yamlsrc import load_yaml_text

import yaml


def only_added_lines(before: str, after: str) -> list[str]:
    """The lines of ``after`` not in ``before``, asserting ``before`` is a subsequence."""
    b, a = before.splitlines(keepends=True), after.splitlines(keepends=True)
    added, i = [], 0
    for line in a:
        if i < len(b) and line == b[i]:
            i += 1
        else:
            added.append(line)
    assert i == len(b), "a line of the original was changed or removed"
    return added


REGISTRY = (
    "# banner: keep me\r\n"
    "version: '1.0'   # trailing comment\r\n"
    "patterns:\r\n"
    "  # ---- core ----\r\n"
    "  - pattern_id: \"PAT-A-001\"  # quoted\r\n"
    "    name: a\r\n"
    "    notes: |\r\n"
    "      multi\r\n"
    "      line\r\n"
    "\r\n"
    "  - pattern_id: PAT-B-001\r\n"
    "    name: 'b'\r\n"
    "  - {pattern_id: PAT-C-001, name: c}\r\n"
)


def test_registry_insertion_keeps_every_byte_and_crlf():
    doc = load_yaml_text(REGISTRY, "r.yaml")
    ins = [insert_keys_after(doc, ("patterns", i), "pattern_id", [("doc_id", f"DOC-{x}-001")])
           for i, x in enumerate("ABC")]
    out = apply_insertions(REGISTRY, ins)
    flow_before = "  - {pattern_id: PAT-C-001, name: c}\r\n"
    flow_after = "  - {pattern_id: PAT-C-001, doc_id: DOC-C-001, name: c}\r\n"
    assert out.endswith(flow_after)  # inside a flow mapping the insertion is in-line
    added = only_added_lines(REGISTRY.replace(flow_before, ""), out.replace(flow_after, ""))
    assert added == ["    doc_id: DOC-A-001\r\n", "    doc_id: DOC-B-001\r\n"]
    data = yaml.safe_load(out)
    assert [p["doc_id"] for p in data["patterns"]] == ["DOC-A-001", "DOC-B-001", "DOC-C-001"]
    assert list(data["patterns"][0]) == ["pattern_id", "doc_id", "name", "notes"]
    assert "\n" not in out.replace("\r\n", "")


def test_insert_after_block_scalar_value():
    text = "a: |\n  x\n  y\nb: 2\n"
    doc = load_yaml_text(text, "s.yaml")
    out = apply_insertions(text, [insert_keys_after(doc, (), "a", [("c", "3")])])
    assert out == 'a: |\n  x\n  y\nc: "3"\nb: 2\n'  # "3" stays a string


def test_spec_insertion_before_pattern_id_after_document_marker():
    text = "# header\n---\n# identity\npattern_id: 'PAT-A-001'\nname: a\n"
    doc = load_yaml_text(text, "s.yaml")
    out = apply_insertions(text, [insert_keys_before(doc, (), "pattern_id", [("doc_id", "DOC-A-001"),
                                                                            ("role", "spec")])])
    assert only_added_lines(text, out) == ["doc_id: DOC-A-001\n", "role: spec\n"]
    assert out.index("doc_id") > out.index("# identity")


def test_file_without_final_newline():
    text = "pattern_id: PAT-A-001\nname: a"
    doc = load_yaml_text(text, "s.yaml")
    out = apply_insertions(text, [insert_keys_after(doc, (), "name", [("doc_id", "DOC-A-001")])])
    assert out == "pattern_id: PAT-A-001\nname: a\ndoc_id: DOC-A-001"


@pytest.mark.parametrize("value", ["yes", "no", "null", "010", "1.0", "a: b", "#x", "- y", "", "C:\\T"])
def test_yaml_scalar_round_trips(value):
    assert yaml.safe_load(f"k: {yaml_scalar(value)}")["k"] == value


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40))
def test_yaml_scalar_round_trips_any_text(value):
    assert yaml.safe_load(f"k: {yaml_scalar(value)}")["k"] == value


@pytest.mark.parametrize("lang,src,expected_line", [
    ("powershell", "#!/usr/bin/env pwsh\n#Requires -Version 7.0\nparam()\n", 3),
    ("powershell", "<#\n.SYNOPSIS\n x\n#>\nparam()\n", 1),
    ("python", "#!/usr/bin/env python3\n# -*- coding: utf-8 -*-\nimport os\n", 3),
    ("python", "import os\n", 1),
])
def test_doc_link_insertion(lang, src, expected_line):
    out = insert_doc_link(src, lang, "DOC-A-001", "a", "PAT-A-001")
    assert only_added_lines(src, out) == ["# DOC_LINK: DOC-A-001\n", "# Pattern: a (PAT-A-001)\n"]
    link = find_doc_link(out)
    assert link.doc_id == "DOC-A-001" and link.line == expected_line
    assert insert_doc_link(out, lang, "DOC-A-001", "a", "PAT-A-001") is None  # never duplicated


def test_doc_link_keeps_bom_and_crlf():
    src = "\ufeff#Requires -Version 5.1\r\nparam()\r\n"
    out = insert_doc_link(src, "powershell", "DOC-A-001", "a", "PAT-A-001")
    assert out.startswith("\ufeff#Requires -Version 5.1\r\n# DOC_LINK: DOC-A-001\r\n")


@pytest.mark.parametrize("line", ["# DOC_LINK: DOC-X-1", "// DOC_LINK: DOC-X-1", "-- DOC_LINK: DOC-X-1",
                                  "<# DOC_LINK: DOC-X-1 #>", "  DOC_LINK: DOC-X-1"])
def test_doc_link_found_in_any_comment_syntax(line):
    assert find_doc_link(f"<#\n{line}\n#>\n" if line.startswith("  ") else f"{line}\ncode\n").doc_id == "DOC-X-1"
