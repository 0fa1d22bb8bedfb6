"""The official JSON Schema test suite (draft-07) as a corpus for the example generator.

For every group with at least one ``valid: true`` test the schema is satisfiable,
so minimal, full and test instances must all validate (233 groups outside
refRemote.json, which needs a remote server). Groups with no valid test must
either get a valid instance anyway (some are satisfiable, just not by their test
data) or raise an error that names a keyword.

The suite is vendored with its licence in tests/data/json-schema-test-suite/, so every
clone runs these tests.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import jsonschema
import pytest

from conftest import DRAFT7_SUITE
from patforge.errors import NoInstanceError
from patforge.examplegen.instances import KINDS, example_instance, instance_to_text

SUITE = DRAFT7_SUITE
SATISFIABLE_GROUPS = 233


def groups() -> list[tuple[str, dict]]:
    out = []
    for f in sorted(SUITE.glob("*.json")):
        for i, group in enumerate(json.loads(f.read_text(encoding="utf-8"))):
            out.append((f"{f.stem}[{i}]", group))
    return out


GROUPS = groups()
SATISFIABLE = [(gid, g) for gid, g in GROUPS if any(t["valid"] for t in g["tests"])]
OTHERS = [(gid, g) for gid, g in GROUPS if not any(t["valid"] for t in g["tests"])]


def validator(schema):
    return jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)


def test_corpus_has_the_documented_size():
    assert len(SATISFIABLE) == SATISFIABLE_GROUPS


@pytest.mark.parametrize("gid,group", SATISFIABLE, ids=[g for g, _ in SATISFIABLE])
def test_every_kind_validates(gid, group):
    v = validator(group["schema"])
    for kind in KINDS:
        instance = example_instance(group["schema"], kind).instances[f"instance_{kind}"]
        errors = [e.message for e in v.iter_errors(instance)]
        assert errors == [], (kind, instance)


def test_all_233_every_kind():
    """The headline figure, counted: N/233 per kind."""
    counts = dict.fromkeys(KINDS, 0)
    for _, group in SATISFIABLE:
        v = validator(group["schema"])
        for kind in KINDS:
            try:
                instance = example_instance(group["schema"], kind).instances[f"instance_{kind}"]
            except NoInstanceError:
                continue
            counts[kind] += v.is_valid(instance)
    assert counts == dict.fromkeys(KINDS, SATISFIABLE_GROUPS)


@pytest.mark.parametrize("gid,group", OTHERS, ids=[g for g, _ in OTHERS])
def test_no_valid_test_means_valid_instance_or_named_keyword(gid, group):
    for kind in KINDS:
        try:
            instance = example_instance(group["schema"], kind).instances[f"instance_{kind}"]
        except NoInstanceError as exc:
            assert exc.keyword and exc.pointer.startswith("#") and f'"{exc.keyword}"' in exc.message \
                or (exc.keyword == "false" and "boolean schema false" in exc.message)
        else:
            assert validator(group["schema"]).is_valid(instance)


@pytest.mark.parametrize("schema,keyword,pointer", [
    (False, "false", "#"),
    ({"not": {}}, "not", "#"),
    ({"not": True}, "not", "#"),
    ({"allOf": [True, False]}, "false", "#/allOf/1"),
    ({"anyOf": [False, False]}, "anyOf", "#"),
    ({"oneOf": [True, True, False]}, "oneOf", "#"),
    ({"allOf": [{"$ref": "#/definitions/bool"}], "definitions": {"bool": False}},
     "false", "#/definitions/bool"),
])
def test_unsatisfiable_corpus_schemas_name_their_keyword(schema, keyword, pointer):
    with pytest.raises(NoInstanceError) as info:
        example_instance(schema, "minimal")
    assert (info.value.keyword, info.value.pointer) == (keyword, pointer)


def test_corpus_output_is_deterministic():
    def run() -> list[str]:
        return [instance_to_text(example_instance(g["schema"], k).instances[f"instance_{k}"])
                for _, g in SATISFIABLE for k in KINDS]
    assert run() == run()


_DIGEST = """
import hashlib, json, sys
from pathlib import Path
from patforge.errors import NoInstanceError
from patforge.examplegen.instances import KINDS, example_instance, instance_to_text
h = hashlib.sha256()
for f in sorted(Path(sys.argv[1]).glob("*.json")):
    for g in json.loads(f.read_text(encoding="utf-8")):
        for k in KINDS:
            try:
                r = example_instance(g["schema"], k, doc_id="DOC-A-001", pattern_id="PAT-A-001")
                h.update(instance_to_text(r.instances["instance_" + k]).encode())
            except NoInstanceError as exc:
                h.update(exc.message.encode())
print(h.hexdigest())
"""


def test_corpus_output_is_the_same_in_every_process():
    """Same bytes under different hash seeds (no set or dict-order dependence)."""
    def digest(seed: str) -> str:
        env = {**os.environ, "PYTHONHASHSEED": seed}
        res = subprocess.run([sys.executable, "-c", _DIGEST, str(SUITE)], capture_output=True,
                             text=True, env=env, timeout=300)
        assert res.returncode == 0, res.stderr
        return res.stdout.strip()
    assert digest("1") == digest("4242")
