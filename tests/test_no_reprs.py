"""No Python repr reaches a person (issue 23): values in messages are shown as JSON
(``"objekt"``, ``true``), a JSON syntax error as ``line L, column C``, jsonschema's
messages with JSON literals."""

from __future__ import annotations

import json
import re

import pytest

from hypothesis import given, strategies as st

from conftest import ROOT

from patforge.validation.messages import json_literals, shown

#: Internal programming errors (never reach a person through the CLI): allowed to use !r.
ALLOWED = {("kinds/__init__.py", "is already registered"), ("check/judges/__init__.py", "already has a judge"),
           ("journal.py", "has data that is not base64")}
REPR = re.compile(r"\{[^{}]*!r\}")
PY_LITERAL = re.compile(r"'[^'\s]+'|\bTrue\b|\bFalse\b|\bNone\b|\(char \d+\)")


def test_no_repr_conversion_in_messages():
    found = []
    for path in sorted((ROOT / "driver/patforge").rglob("*.py")):
        rel = path.relative_to(ROOT / "driver/patforge").as_posix()
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if REPR.search(line) and not any(rel == f and tail in line for f, tail in ALLOWED):
                found.append(f"{rel}:{n}: {line.strip()}")
    assert not found, "use jsonmsg.shown(value), not !r:\n" + "\n".join(found)


@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
                    max_leaves=8))
def test_shown_is_json_not_python(value):
    text = shown(value)
    if len(text) < 80:
        assert json.loads(text) == value


def test_jsonschema_literals_become_json():
    assert json_literals("True is not of type 'array'") == 'true is not of type "array"'
    assert json_literals("'a' is a required property") == '"a" is a required property'
    assert json_literals("None is not one of ['x', 'y']") == 'null is not one of ["x", "y"]'


@pytest.mark.slow  # renders the whole demo (issue 20: fast lane)
def test_the_three_reprs_of_the_issue_never_reach_a_person(demo_repo, cli):
    spec = demo_repo / "patterns/specs/batch_create.pattern.yaml"
    spec.write_text(spec.read_text().replace("type: string", "type: objekt", 1))
    (demo_repo / "patterns/registry/doc_id_mapping.json").write_text("{x")
    schema = demo_repo / "patterns/schemas/atomic_create.schema.json"
    data = json.loads(schema.read_text())
    data["required"] = True
    schema.write_text(json.dumps(data))
    outputs = [cli("render", "--repo", str(demo_repo)), cli("check", "--repo", str(demo_repo), "-v"),
               cli("check", "--repo", str(demo_repo), "--format", "github"),
               cli("status", "--repo", str(demo_repo), "-v")]
    text = "\n".join(r.out + r.err for r in outputs)
    assert 'unknown type "objekt"' in text
    assert "line 1, column 2: Expecting property name enclosed in double quotes" in text
    assert 'true is not of type "array"' in text
    for bad in ("'objekt'", "(char 1)", "True is not of type", "'array'", "'DOC-<REST>'"):
        assert bad not in text, bad
