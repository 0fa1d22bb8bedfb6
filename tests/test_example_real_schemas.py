"""The example generator on constructs real schemas use (issue 22): ECMA-262 patterns,
several ``contains`` on one array, many ``if``/``then`` branches under ``allOf``, the
schema's own ``examples``/``default``, and honest messages when nothing is found."""

from __future__ import annotations

import json

import pytest

from patforge.validation.regexes import compile_regex
from patforge.errors import NoInstanceError
from patforge.examplegen.instances import KINDS, example_instance, generate_examples, validate_instance
from patforge.validation.metaschema import schema_problem as metaschema_problem
from patforge.examplegen.schema_input import load_schema_file, schema_problem
from patforge.examplegen.schemamerge import merge


def every_kind(schema):
    out = {}
    for kind in KINDS:
        instance = example_instance(schema, kind).instances[f"instance_{kind}"]
        assert validate_instance(schema, instance) == [], (kind, instance)
        out[kind] = instance
    return out


# -- ECMA-262 patterns ----------------------------------------------------------------

@pytest.mark.parametrize("ecma,yes,no", [
    ("^(?<name>[a-z]+)$", "abc", "ab1"),
    ("(?<a>x)\\k<a>", "xx", "xy"),  # a back-reference to a named group
    ("(?<=a)b(?<!c)", "ab", "cb"),  # lookbehinds read as lookbehinds, not as named groups
    ("\\(?<a>x\\)", "<a>x)", "ax"),  # an escaped parenthesis opens no group
    ("[(?<a>]x", "<x", "bx"),  # nor does one inside a character class
    ("^[a-z]+$", "abc", "ABC"),
])
def test_ecma_named_groups_are_read_as_ecma_262(ecma, yes, no):
    regex = compile_regex(ecma)
    assert regex.search(yes) and not regex.search(no)


NAMED = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "type": "object",
    "required": ["method", "switches"],
    "properties": {
        "method": {"type": "string", "pattern": "^(?<CSharpMethodName>[a-zA-Z_]\\w*)$"},
        "switches": {"type": "object", "minProperties": 1, "additionalProperties": False,
                     "patternProperties": {"^(?<Name>\\$?[A-Za-z]+[A-Za-z0-9]*)$": {"type": "string"},
                                           # the same group name in two patterns (as in appsettings)
                                           "^(?<Name>[0-9]+)$": {"type": "integer"}}},
    },
}


def test_named_groups_are_a_valid_draft07_schema(tmp_path):
    assert schema_problem(NAMED) is None
    assert metaschema_problem(NAMED) is None
    path = tmp_path / "schema.json"
    path.write_text(json.dumps(NAMED), encoding="utf-8")
    assert load_schema_file(path) == NAMED


def test_a_broken_pattern_is_still_refused():
    assert "regular expression" in schema_problem({"pattern": "(?<name"})


def test_named_groups_generate_and_validate():
    kinds = every_kind(NAMED)
    assert kinds["full"]["switches"]
    assert validate_instance(NAMED, {"method": "9bad", "switches": {"ok": "x"}})  # still enforced
    assert validate_instance(NAMED, {"method": "ok", "switches": {"not-a-name": "x"}})
    assert validate_instance(NAMED, {"method": "ok", "switches": {"12": "x"}})
    assert validate_instance(NAMED, {"method": "ok", "switches": {"12": 3, "ab": "x"}}) == []


# -- several contains on one array ------------------------------------------------------

FILES = {
    "type": "object",
    "required": ["files"],
    "properties": {
        "files": {
            "type": "array", "minItems": 1, "maxItems": 3,
            "items": {"type": "object", "required": ["path", "file_type"], "additionalProperties": False,
                      "properties": {"path": {"type": "string", "minLength": 1},
                                     "file_type": {"enum": ["implementation", "test", "config", "documentation"]}}},
            "allOf": [
                {"contains": {"properties": {"file_type": {"const": "implementation"}}}},
                {"contains": {"properties": {"file_type": {"const": "test"}}}},
            ],
        },
    },
}


def test_several_contains_are_all_satisfied_in_every_kind():
    for instance in every_kind(FILES).values():
        types = [f["file_type"] for f in instance["files"]]
        assert {"implementation", "test"} <= set(types) and len(types) <= 3


def test_contains_that_cannot_fit_is_reported_as_not_found_not_as_impossible():
    schema = json.loads(json.dumps(FILES))
    schema["properties"]["files"]["maxItems"] = 1  # truly unsatisfiable, but not proved so
    with pytest.raises(NoInstanceError) as info:
        example_instance(schema, "full")
    text = info.value.message
    assert "could not find" in text and "tried" in text
    assert "no valid instance exists" not in text


def test_a_proved_impossible_schema_says_so():
    with pytest.raises(NoInstanceError) as info:
        example_instance({"allOf": [{"type": "string"}, {"type": "integer"}]}, "minimal")
    assert "no valid instance exists" in info.value.message


# -- many if/then branches under allOf -----------------------------------------------

def forms(n):
    """Like GitHub's issue forms: one ``type`` property picks which fields are required."""
    names = [f"kind{i}" for i in range(n)]
    return {
        "type": "object",
        "required": ["type", "id"],
        "additionalProperties": False,
        "properties": {"type": {"enum": names}, "id": {"type": "string"},
                       **{f"{k}_field": {"type": "string", "minLength": 2} for k in names}},
        "allOf": [{"if": {"properties": {"type": {"const": k}}},
                   "then": {"required": [f"{k}_field"]},
                   "else": {"not": {"required": [f"{k}_field"]}}} for k in names],
    }


@pytest.mark.parametrize("n", [2, 6, 9])
def test_many_if_then_branches_under_all_of(n):
    kinds = every_kind(forms(n))
    assert kinds["full"]["type"] != kinds["full"].get("never")


def test_merge_rejects_a_constant_outside_the_enum():
    assert merge({"enum": ["f"]}, {"const": "a"}) is False
    assert merge({"const": "a"}, {"enum": ["f", "g"]}) is False
    assert merge({"const": "a"}, {"type": "integer"}) is False
    assert merge({"enum": ["a", 1]}, {"type": "string"}) == {"enum": ["a"], "type": "string"}
    assert merge({"required": ["t"], "properties": {"t": {"enum": ["f"]}}},
                 {"properties": {"t": {"const": "a"}}}) is False
    # not required: an instance without t satisfies both
    assert merge({"properties": {"t": {"enum": ["f"]}}}, {"properties": {"t": {"const": "a"}}}) \
        == {"properties": {"t": False}}
    assert merge({"const": "a"}, {"enum": ["a", "b"]}) == {"const": "a", "enum": ["a"]}


# -- the schema's own examples and default --------------------------------------------

def test_the_schema_authors_examples_come_first():
    schema = {
        "type": "object", "required": ["name"],
        "properties": {"name": {"type": "string"}, "size": {"type": "integer"}},
        "examples": [{"name": "written-by-the-author", "size": 3}, {"name": "second", "size": 9},
                     {"name": 12}],  # the last one does not validate: never used
        "default": {"name": "the-default"},
    }
    kinds = every_kind(schema)
    assert kinds["full"] == {"name": "written-by-the-author", "size": 3}
    assert kinds["test"] == {"name": "second", "size": 9}


def test_a_default_is_used_when_nothing_else_is_found():
    schema = {"type": "object", "required": ["x"], "default": {"x": "qz-ok"},
              "properties": {"x": {"type": "string", "pattern": "^(?=.*q)(?=.*z)[a-z]{2}-[a-z]{2}$"}}}
    assert every_kind(schema)["full"] == {"x": "qz-ok"}


# -- draft-03 "required": true in a hand-written schema ---------------------------------

def test_draft03_required_true_becomes_the_parents_required_list():
    from patforge.validation.tolerance import draft03_required

    schema = {"type": "object", "required": ["a"],
              "properties": {"a": {"type": "string"}, "b": {"type": "integer", "required": True},
                             "c": {"required": False},
                             "d": {"type": "object", "properties": {"e": {"required": True}}}},
              "definitions": {"x": {"properties": {"y": {"required": True}}}}}
    fixed, where = draft03_required(schema)
    assert fixed["required"] == ["a", "b"]
    assert "required" not in fixed["properties"]["b"] and "required" not in fixed["properties"]["c"]
    assert fixed["properties"]["d"]["required"] == ["e"]
    assert fixed["definitions"]["x"]["required"] == ["y"]
    assert where == ["#/properties/b/required", "#/properties/c/required",
                     "#/properties/d/properties/e/required", "#/definitions/x/properties/y/required"]
    assert schema["properties"]["b"]["required"] is True  # the original is left alone
    assert draft03_required({"properties": {"a": {"required": ["x"]}}}) == \
        ({"properties": {"a": {"required": ["x"]}}}, [])


def test_cli_example_reads_draft03_required_with_a_note(tmp_path, capsys):
    from patforge.cli import run

    path = tmp_path / "schema.json"
    path.write_text(json.dumps({"type": "object", "properties": {"name": {"type": "string", "required": True}}}),
                    encoding="utf-8")
    assert run(["example", str(path)]) == 0
    out = capsys.readouterr()
    assert json.loads(out.out) == {"name": "example-name"}
    assert "#/properties/name/required" in out.err and "draft-03" in out.err


def test_branch_search_is_breadth_first_not_the_first_32_of_the_first_if():
    """Seven independent conditionals make 128 combinations; the first ``then`` can never
    hold (though no merge can tell), so every combination that keeps it fails. The 32
    kept must not all be those."""
    conds = [{"if": {"properties": {"a": {"const": 1}}, "required": ["a"]},
              "then": {"required": ["z"], "properties": {"z": {"not": {}}}}}]
    conds += [{"if": {"required": [f"b{i}"]}, "then": {"required": [f"c{i}"]}} for i in range(6)]
    schema = {"type": "object", "required": ["a"],
              "properties": {"a": {"enum": [1, 2]}, **{f"b{i}": {"type": "integer"} for i in range(6)},
                             **{f"c{i}": {"type": "string"} for i in range(6)}},
              "allOf": conds}
    kinds = every_kind(schema)
    assert kinds["full"]["a"] == 2


def test_the_32_combinations_kept_are_the_closest_to_the_preferred_one():
    from patforge.examplegen.schemawalk import Walker

    schema = {"type": "object",
              "allOf": [{"if": {"required": [f"b{i}"]}, "then": {"required": [f"c{i}"]}} for i in range(7)]}
    walker = Walker(schema, "full")
    alts = walker.alternatives(schema, walker.start().scope)
    assert len(alts) == 32
    first_then = [a for a in alts if "c0" in a.get("required", [])]
    assert 0 < len(first_then) < 32  # not all with the first if true
    assert any({f"c{i}" for i in range(7)} <= set(a.get("required", [])) for a in alts)  # the preferred one


# -- bounded generation ------------------------------------------------------------------

WIDE = {"type": "object", "required": ["id"],
        "properties": {"id": {"type": "string"}, **{f"f{i}": {"type": "string", "pattern": "^[a-z]+-[0-9]+$"}
                                                    for i in range(30)}}}


def test_a_walk_over_its_budget_falls_back_to_minimal_and_says_where(monkeypatch):
    import patforge.examplegen.schemawalk as schemawalk

    monkeypatch.setattr(schemawalk, "CHECK_BUDGET", 12)
    result = generate_examples(WIDE)
    assert result.instances["instance_full"] == result.instances["instance_minimal"] == {"id": "example-id"}
    assert len(result.notes) == 2 and all("budget" in n and "#/properties/" in n for n in result.notes), result.notes
    assert "the full instance stopped after 12 checks at #/properties/" in result.notes[0]


def test_a_minimal_walk_over_its_budget_is_the_blocker(monkeypatch):
    import patforge.examplegen.schemawalk as schemawalk

    monkeypatch.setattr(schemawalk, "CHECK_BUDGET", 0)
    with pytest.raises(NoInstanceError) as info:
        example_instance(WIDE, "minimal")
    assert info.value.keyword == "budget" and "generation stopped at #" in info.value.message
    assert "no valid instance exists" not in info.value.message


def test_the_budget_is_deterministic():
    texts = {json.dumps(generate_examples(WIDE).instances) for _ in range(3)}
    assert len(texts) == 1


def test_recursive_definitions_with_conditionals_stay_within_the_budget():
    """A recursive definition whose allOf holds if/then, used in six places (the shape of
    minecraft-predicate): main spent minutes here; every kind now fits the budget whole."""
    names = ["a", "b", "c", "d", "e", "f"]
    pred = {"type": "object", "required": ["condition"],
            "properties": {"condition": {"enum": names},
                           "terms": {"type": "array", "items": {"$ref": "#/definitions/pred"}},
                           "term": {"$ref": "#/definitions/pred"},
                           **{f"{n}_value": {"type": "string", "minLength": 2} for n in names}},
            "allOf": [{"if": {"properties": {"condition": {"const": n}}}, "then": {"required": [f"{n}_value"]}}
                      for n in names]}
    schema = {"type": "object", "definitions": {"pred": pred},
              "properties": {f"p{i}": {"$ref": "#/definitions/pred"} for i in range(6)}}
    result = generate_examples(schema)
    assert result.notes == []  # nothing reduced to minimal: the walks fit the budget
    for instance in result.instances.values():
        assert validate_instance(schema, instance) == []
