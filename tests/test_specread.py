"""Spec files in every form users write: plain YAML, front matter + Markdown, bare Markdown."""

from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from patforge.repository.edits import apply_insertions, insert_keys_before, render_bytes
from patforge.spec.read import (FRONT_MATTER, MARKDOWN, PLAIN, insert_front_matter, load_spec_text,
                               split_spec_text)
from patforge.repository.yamlsrc import YamlLoadError

FM = ("---\npattern_id: PAT-X-001\nname: x\ninputs:\n  a: {type: string}\n---\n"
      "# X\n\nSome *Markdown* with: colons\n---\nand a rule\n")


def test_front_matter_is_the_spec_and_lines_are_the_files():
    doc = load_spec_text(FM, "patterns/specs/x.pattern.yaml")
    assert doc.form == FRONT_MATTER
    assert doc.data["inputs"] == {"a": {"type": "string"}}
    assert doc.key_mark("inputs", "a").line == 5  # the file's own line number
    assert doc.text + doc.tail == FM


def test_md_with_front_matter_and_crlf():
    text = FM.replace("\n", "\r\n")
    doc = load_spec_text(text, "patterns/specs/x.md")
    assert doc.form == FRONT_MATTER and doc.data["name"] == "x"
    assert doc.newline == "\r\n"


def test_md_without_front_matter_is_a_placeholder():
    doc = load_spec_text("# Title\n\n---\n\ntext: not yaml\n", "patterns/specs/x.md")
    assert doc.form == MARKDOWN and doc.data == {}


def test_plain_yaml_with_leading_comments_and_marker():
    text = "# header\n---\npattern_id: PAT-X-001\nname: x\n"
    doc = load_spec_text(text, "x.pattern.yaml")
    assert doc.form == PLAIN and doc.data["name"] == "x" and doc.tail == ""


def test_insertion_goes_into_the_front_matter_and_keeps_the_body():
    doc = load_spec_text(FM, "x.pattern.yaml")
    ins = insert_keys_before(doc, (), "pattern_id", [("doc_id", "DOC-X-001")])
    out = render_bytes(doc, apply_insertions(doc.text, [ins])).decode()
    assert out == FM.replace("---\npattern_id", "---\ndoc_id: DOC-X-001\npattern_id", 1)
    assert load_spec_text(out, "x.pattern.yaml").data["doc_id"] == "DOC-X-001"


def test_markdown_gets_a_new_front_matter_by_pure_insertion():
    text = "# Title\r\n\r\nbody\r\n"
    doc = load_spec_text(text, "x.md")
    out = render_bytes(doc, apply_insertions(doc.text, [insert_front_matter(doc, [("doc_id", "DOC-X")])]))
    assert out.decode() == "---\r\ndoc_id: DOC-X\r\n---\r\n" + text
    again = load_spec_text(out.decode(), "x.md")
    assert again.form == FRONT_MATTER and again.data == {"doc_id": "DOC-X"}


def test_empty_front_matter():
    doc = load_spec_text("---\n---\n# T\n", "x.md")
    assert doc.data == {}
    out = render_bytes(doc, apply_insertions(doc.text, [insert_front_matter(doc, [("doc_id", "DOC-X")])]))
    assert out.decode() == "---\ndoc_id: DOC-X\n---\n# T\n"


def test_error_lines_are_file_lines():
    with pytest.raises(YamlLoadError) as exc:
        load_spec_text("---\nname: x\nbad: \"C:\\Tools\"\n---\n# body\n", "x.md")
    assert exc.value.diagnostic.line == 3


def test_several_documents_hint_never_advises_deleting():
    with pytest.raises(YamlLoadError) as exc:
        from patforge.repository.yamlsrc import load_yaml_text
        load_yaml_text("a: 1\n---\nb: 2\n", "r.yaml")
    assert "keep only one" not in (exc.value.diagnostic.hint or "")


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab:-#.\n \r")), max_size=60))
def test_split_keeps_every_byte(text):
    for path in ("x.md", "x.pattern.yaml"):
        s = split_spec_text(text, path)
        assert s.yaml_text + s.tail == text
