"""copier_speedups.nice_yaml writes exactly what Copier's own ``to_nice_yaml`` writes.

It takes libyaml's emitter only for data it has been shown to write identically (short
identifier keys, printable-ASCII strings) and PyYAML's emitter for anything else; the
answers files patforge and a by-hand ``copier update`` write must stay byte-identical."""

from __future__ import annotations

import string

from hypothesis import given, settings, strategies as st
from jinja2_ansible_filters.core_filters import to_nice_yaml

from patforge.rendering.copier_speedups import _c_emitter_safe, fast_nice_yaml, nice_yaml

keys = st.text(alphabet=string.ascii_letters + string.digits + "_", min_size=1, max_size=30)
ascii_text = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=300)
any_text = st.text(max_size=120)  # astral characters, controls, line breaks: the fallback
scalars = st.one_of(ascii_text, any_text, st.integers(), st.floats(allow_nan=False), st.booleans(), st.none())
data = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                     st.dictionaries(st.one_of(keys, any_text), inner,
                                                                     max_size=4)), max_leaves=25)


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(st.one_of(keys, any_text), data, max_size=6))
def test_nice_yaml_is_byte_identical_to_copiers_filter(value: dict) -> None:
    assert nice_yaml(value) == to_nice_yaml(value)


def test_the_c_emitter_takes_what_answers_files_hold() -> None:
    answers = {"_commit": "v1.0.0", "_src_path": ".patforge/templates.bundle", "artifact": "executor",
               "units": [{"answers_file": ".patforge/answers/a/executor.yml", "doc_id": "DOC-A-001",
                          "description": "Creates a file atomically, then verifies it"}]}
    assert _c_emitter_safe(answers)
    assert not _c_emitter_safe({"description": "Größe"})  # non-ASCII: PyYAML's emitter
    assert not _c_emitter_safe({"": "empty key"})
    assert nice_yaml(answers) == to_nice_yaml(answers)


def test_the_filter_is_patched_only_inside_the_context() -> None:
    from jinja2_ansible_filters import core_filters

    before = core_filters.to_nice_yaml
    with fast_nice_yaml():
        assert core_filters.to_nice_yaml is nice_yaml
        with fast_nice_yaml():  # nested use keeps it
            assert core_filters.to_nice_yaml is nice_yaml
        assert core_filters.to_nice_yaml is nice_yaml
    assert core_filters.to_nice_yaml is before
    assert nice_yaml({"x": "é"}) == before({"x": "é"})  # the fallback is the original, not itself
