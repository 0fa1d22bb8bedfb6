"""Unit tests for patforge.spec.compiler: one per dialect feature and per diagnostic."""

from __future__ import annotations

import json
import textwrap

import jsonschema
import pytest

from patforge.spec.compiler import (
    FIELD_KEYS,
    PROPERTY_KEY_ORDER,
    CompiledSchema,
    compile_schema,
    schema_to_text,
    title_case,
)
from patforge.diagnostics import Severity
from patforge.repository.yamlsrc import load_yaml_text

SPEC_PATH = "patterns/specs/demo.pattern.yaml"


def compile_text(text: str, **kw) -> CompiledSchema:
    doc = load_yaml_text(textwrap.dedent(text).lstrip("\n"), SPEC_PATH)
    kw.setdefault("name", "demo_pattern")
    kw.setdefault("pattern_id", "PAT-DEMO-001")
    kw.setdefault("doc_id", "DOC-DEMO-001")
    return compile_schema(doc.data, doc=doc, spec_path=SPEC_PATH, **kw)


def inputs_of(result: CompiledSchema) -> dict:
    return result.schema["properties"]["inputs"]


def prop(result: CompiledSchema, *path: str) -> dict:
    node = inputs_of(result)
    for p in path:
        node = node["items"] if p == "[]" else node["properties"][p]
    return node


def only(result: CompiledSchema, severity: Severity):
    found = [d for d in result.diagnostics if d.severity is severity]
    assert len(found) == 1, [d.format() for d in result.diagnostics]
    return found[0]


def assert_clean(result: CompiledSchema) -> None:
    assert result.diagnostics == [], [d.format() for d in result.diagnostics]
    jsonschema.Draft7Validator.check_schema(result.schema)


# -- envelope -------------------------------------------------------------------

def test_top_level_shape_and_key_order():
    r = compile_text("""
        pattern_id: PAT-DEMO-001
        intent: |

          Create things atomically.
          More detail here.
        inputs:
          a: string
    """)
    assert_clean(r)
    s = r.schema
    assert list(s) == ["$schema", "$id", "title", "description", "doc_id", "type", "required",
                       "properties", "additionalProperties"]
    assert s["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert s["$id"] == "demo_pattern.schema.json"
    assert s["title"] == "Demo Pattern Pattern Instance"
    assert s["description"] == "Create things atomically."
    assert s["doc_id"] == "DOC-DEMO-001"
    assert s["type"] == "object"
    assert s["required"] == ["doc_id", "pattern_id", "inputs"]
    assert list(s["properties"]) == ["doc_id", "pattern_id", "inputs", "outputs", "metadata"]
    assert s["properties"]["doc_id"] == {"type": "string", "pattern": r"^DOC-[A-Z0-9-]+$"}
    assert s["properties"]["pattern_id"] == {"const": "PAT-DEMO-001"}
    assert s["properties"]["metadata"] == {"type": "object"}
    assert s["additionalProperties"] is False


def test_description_falls_back_without_intent():
    r = compile_text("inputs:\n  a: string\n")
    assert r.schema["description"] == "Schema for demo_pattern pattern instances"


def test_custom_doc_id_pattern():
    r = compile_text("inputs:\n  a: string\n", doc_id="DOC-PAT-DEMO-001",
                     doc_id_pattern=r"^DOC-PAT-[A-Z0-9-]+$")
    assert r.ok
    assert r.schema["properties"]["doc_id"]["pattern"] == r"^DOC-PAT-[A-Z0-9-]+$"


def test_title_case():
    assert title_case("atomic_create") == "Atomic Create"
    assert title_case("worktree-lifecycle") == "Worktree Lifecycle"


def test_inputs_block_is_open_and_described():
    r = compile_text("inputs:\n  a: string\n")
    inputs = inputs_of(r)
    assert "additionalProperties" not in inputs
    assert inputs["type"] == "object"
    assert inputs["description"] == "Inputs of the demo_pattern pattern."


def test_outputs_compiled_like_inputs():
    r = compile_text("""
        inputs:
          a: string
        outputs:
          files_created:
            type: array
            items: {type: string}
          total_files: integer
    """)
    assert_clean(r)
    outputs = r.schema["properties"]["outputs"]
    assert outputs["properties"]["files_created"] == {"type": "array", "items": {"type": "string"}}
    assert outputs["properties"]["total_files"] == {"type": "integer"}
    assert "outputs" not in r.schema["required"]


# -- dialect features --------------------------------------------------------------

@pytest.mark.parametrize("type_name", ["string", "boolean", "integer", "number", "array", "object"])
def test_type(type_name):
    r = compile_text(f"inputs:\n  f:\n    type: {type_name}\n")
    assert_clean(r)
    assert prop(r, "f") == {"type": type_name}


def test_required_true_goes_to_parent_list_in_field_order():
    r = compile_text("""
        inputs:
          z: {type: string, required: true}
          a: {type: string, required: false}
          m: {type: string, required: true}
    """)
    assert_clean(r)
    assert inputs_of(r)["required"] == ["z", "m"]
    assert "required" not in prop(r, "z")


def test_no_required_list_when_nothing_required():
    r = compile_text("inputs:\n  a: {type: string}\n")
    assert "required" not in inputs_of(r)


def test_description():
    r = compile_text("inputs:\n  a: {type: string, description: The thing.}\n")
    assert prop(r, "a")["description"] == "The thing."


def test_enum_and_default():
    r = compile_text("inputs:\n  e: {type: string, enum: [utf8, ascii], default: ascii}\n")
    assert_clean(r)
    assert prop(r, "e") == {"type": "string", "enum": ["utf8", "ascii"], "default": "ascii"}


def test_const():
    r = compile_text("inputs:\n  c: {type: string, const: fixed}\n")
    assert_clean(r)
    assert prop(r, "c") == {"type": "string", "const": "fixed"}


def test_pattern():
    r = compile_text("inputs:\n  p: {type: string, pattern: '^\\.[a-z]+$'}\n")
    assert_clean(r)
    assert prop(r, "p")["pattern"] == r"^\.[a-z]+$"


def test_min_length_max_length():
    r = compile_text("inputs:\n  s: {type: string, min_length: 2, max_length: 5}\n")
    assert_clean(r)
    assert prop(r, "s") == {"type": "string", "minLength": 2, "maxLength": 5}


def test_min_max():
    r = compile_text("inputs:\n  n: {type: number, min: 0.5, max: 10}\n")
    assert_clean(r)
    assert prop(r, "n") == {"type": "number", "minimum": 0.5, "maximum": 10}


def test_min_items_max_items():
    r = compile_text("inputs:\n  l: {type: array, min_items: 1, max_items: 3, items: string}\n")
    assert_clean(r)
    assert prop(r, "l") == {"type": "array", "minItems": 1, "maxItems": 3, "items": {"type": "string"}}


def test_example_becomes_examples_list():
    r = compile_text("inputs:\n  s: {type: string, example: abc}\n")
    assert_clean(r)
    assert prop(r, "s")["examples"] == ["abc"]


def test_examples_kept_and_merged_after_example():
    r = compile_text("inputs:\n  s: {type: string, example: a, examples: [b, a, c]}\n")
    assert_clean(r)
    assert prop(r, "s")["examples"] == ["a", "b", "c"]


def test_items_recurse():
    r = compile_text("""
        inputs:
          files:
            type: array
            items:
              type: array
              items: {type: integer, min: 1}
    """)
    assert_clean(r)
    assert prop(r, "files", "[]", "[]") == {"type": "integer", "minimum": 1}


def test_nested_properties_recurse_with_required_true():
    r = compile_text("""
        inputs:
          cfg:
            type: object
            properties:
              name: {type: string, required: true}
              deep:
                type: object
                properties:
                  flag: {type: boolean, required: true}
    """)
    assert_clean(r)
    assert prop(r, "cfg")["required"] == ["name"]
    assert prop(r, "cfg", "deep")["required"] == ["flag"]
    assert prop(r, "cfg", "deep", "flag") == {"type": "boolean"}


def test_object_element_required_list_kept_and_merged():
    r = compile_text("""
        inputs:
          files:
            type: array
            items:
              type: object
              required: [content]
              properties:
                path: {type: string, required: true}
                content: string
                mode: string
    """)
    assert_clean(r)
    assert prop(r, "files", "[]")["required"] == ["content", "path"]


def test_shorthand_type():
    r = compile_text("inputs:\n  total_files: integer\n")
    assert_clean(r)
    assert prop(r, "total_files") == {"type": "integer"}


@pytest.mark.parametrize("alias,canon", [("int", "integer"), ("bool", "boolean"),
                                         ("float", "number"), ("str", "string"),
                                         ("list", "array"), ("dict", "object")])
def test_type_alias_accepted_with_warning(alias, canon):
    r = compile_text(f"inputs:\n  a:\n    type: {alias}\n  b: {alias}\n")
    assert r.ok
    assert prop(r, "a") == {"type": canon} and prop(r, "b") == {"type": canon}
    ws = [d for d in r.diagnostics if d.code == "spec-type-alias"]
    assert [(d.line, d.column) for d in ws] == [(3, 5), (4, 3)]
    assert all(canon in d.message and canon in d.hint for d in ws)


def test_type_inferred_from_properties_or_items():
    r = compile_text("""
        inputs:
          o: {properties: {a: string}}
          l: {items: string}
          any: {description: anything}
    """)
    assert_clean(r)
    assert prop(r, "o")["type"] == "object"
    assert prop(r, "l")["type"] == "array"
    assert "type" not in prop(r, "any")


def test_type_list_allowed():
    r = compile_text("inputs:\n  a: {type: [string, 'null']}\n")
    assert_clean(r)
    assert prop(r, "a") == {"type": ["string", "null"]}


def test_object_without_properties_admits_anything():
    r = compile_text("inputs:\n  opts: {type: object}\n")
    assert_clean(r)
    v = jsonschema.Draft7Validator(prop(r, "opts"))
    assert v.is_valid({"anything": [1, 2]}) and v.is_valid({})


def test_property_key_order_is_fixed():
    r = compile_text("""
        inputs:
          s:
            examples: [abc]
            max_length: 9
            default: abc
            min_length: 1
            pattern: '^[a-z]+$'
            enum: [abc, xyz]
            description: d
            type: string
    """)
    assert_clean(r)
    keys = list(prop(r, "s"))
    assert keys == ["type", "description", "enum", "default", "pattern", "minLength",
                    "maxLength", "examples"]
    assert keys == [k for k in PROPERTY_KEY_ORDER if k in keys]


def test_json_schema_style_inputs_block():
    r = compile_text("""
        inputs:
          type: object
          properties:
            a: {type: string}
            b: integer
          required: [a]
    """)
    assert_clean(r)
    assert inputs_of(r)["properties"] == {"a": {"type": "string"}, "b": {"type": "integer"}}
    assert inputs_of(r)["required"] == ["a"]


# -- placeholder -------------------------------------------------------------------

PLACEHOLDER_DESC = ("Inputs are not defined yet for demo_pattern (placeholder in the spec); "
                    "any object is accepted.")


@pytest.mark.parametrize("text", [
    "name: demo_pattern\ninputs:\n  placeholder: true  # TO BE DEFINED\n",
    "name: demo_pattern\n",
    "name: demo_pattern\ninputs:\n",
    "name: demo_pattern\ninputs: {}\n",
])
def test_placeholder_inputs(text):
    r = compile_text(text)
    assert_clean(r)
    assert r.placeholder is True
    assert inputs_of(r) == {"type": "object", "description": PLACEHOLDER_DESC}


def test_defined_inputs_are_not_placeholder():
    assert compile_text("inputs:\n  a: string\n").placeholder is False


def test_placeholder_with_other_keys_warns():
    r = compile_text("inputs:\n  placeholder: true\n  note: TO BE DEFINED\n")
    assert r.ok and r.placeholder
    w = only(r, Severity.WARNING)
    assert w.code == "spec-placeholder-extra" and "note" in w.message
    assert (w.line, w.column) == (2, 3)


def test_missing_outputs_is_open_object():
    r = compile_text("inputs:\n  a: string\n")
    outputs = r.schema["properties"]["outputs"]
    assert outputs["type"] == "object" and "properties" not in outputs


# -- warnings ----------------------------------------------------------------------

def test_unknown_key_warns_with_location_and_is_dropped():
    r = compile_text("""
        inputs:
          files:
            type: array
            items:
              type: object
              properties:
                path:
                  type: string
                  format: path
    """)
    assert r.ok
    w = only(r, Severity.WARNING)
    assert w.code == "spec-unknown-key"
    assert w.path == SPEC_PATH and (w.line, w.column) == (9, 11)
    assert '"format"' in w.message and "inputs.files.items.properties.path" in w.message
    assert all(k in w.hint for k in FIELD_KEYS)
    assert "format" not in prop(r, "files", "[]", "path")
    assert w.pattern == "demo_pattern"


def test_unknown_key_json_schema_spelling_hints_dialect_name():
    r = compile_text("inputs:\n  s:\n    type: string\n    minLength: 2\n")
    w = only(r, Severity.WARNING)
    assert w.line == 4 and "min_length" in w.hint
    assert "minLength" not in prop(r, "s")


def test_constraint_on_wrong_type_warns():
    r = compile_text("inputs:\n  n:\n    type: integer\n    min_length: 2\n")
    w = only(r, Severity.WARNING)
    assert w.code == "spec-constraint-ignored" and w.line == 4
    assert w.hint == "for an integer write `min` instead"


def test_constraint_on_wrong_type_without_better_key():
    r = compile_text("inputs:\n  b:\n    type: boolean\n    pattern: '^x$'\n")
    w = only(r, Severity.WARNING)
    assert w.code == "spec-constraint-ignored" and "string" in w.hint


def test_empty_field_warns():
    r = compile_text("inputs:\n  a: string\n  b:\n")
    w = only(r, Severity.WARNING)
    assert w.code == "spec-field-empty" and w.line == 3
    assert prop(r, "b") == {}


def test_yaml_date_is_converted_with_warning():
    r = compile_text("inputs:\n  d:\n    type: string\n    default: 2024-01-31\n")
    assert r.ok
    w = only(r, Severity.WARNING)
    assert w.code == "spec-value-converted" and w.line == 4
    assert prop(r, "d")["default"] == "2024-01-31"
    json.dumps(r.schema)


def test_duplicate_in_required_list_warns_and_dedupes():
    r = compile_text("""
        inputs:
          o:
            type: object
            required: [a, a]
            properties: {a: string}
    """)
    w = only(r, Severity.WARNING)
    assert w.code == "spec-required-duplicate" and w.line == 4
    assert prop(r, "o")["required"] == ["a"]
    jsonschema.Draft7Validator.check_schema(r.schema)


def test_pattern_id_mismatch_warns():
    r = compile_text("pattern_id: PAT-OTHER-001\ninputs:\n  a: string\n")
    w = only(r, Severity.WARNING)
    assert w.code == "spec-pattern-id-mismatch" and w.line == 1


def test_non_string_field_name_warns():
    r = compile_text("inputs:\n  1: string\n")
    w = only(r, Severity.WARNING)
    assert w.code == "spec-field-name" and w.line == 2
    assert prop(r, "1") == {"type": "string"}


# -- errors ------------------------------------------------------------------------

ERROR_CASES = [
    # (id, inputs body, code, line, fragment of the message)
    ("min>max", "n:\n    type: integer\n    min: 5\n    max: 1", "spec-bounds", 4, "min (5) is greater than max (1)"),
    ("min_length>max_length", "s:\n    type: string\n    min_length: 5\n    max_length: 2",
     "spec-bounds", 4, "min_length (5) is greater than max_length (2)"),
    ("min_items>max_items", "l:\n    type: array\n    min_items: 3\n    max_items: 1",
     "spec-bounds", 4, "min_items (3) is greater than max_items (1)"),
    ("no integer in range", "n:\n    type: integer\n    min: 1.2\n    max: 1.8", "spec-bounds", 4,
     "no integer"),
    ("bound not a number", "n:\n    type: integer\n    max: lots", "spec-bounds", 4, "must be a number"),
    ("negative min_length", "s:\n    type: string\n    min_length: -1", "spec-bounds", 4, "whole number"),
    ("default not in enum", "e:\n    type: string\n    enum: [a, b]\n    default: c",
     "spec-value-invalid", 5, "not one of the enum values"),
    ("default wrong type", "n:\n    type: integer\n    default: ten", "spec-value-invalid", 4,
     "wrong type"),
    ("example wrong type", "n:\n    type: boolean\n    example: maybe", "spec-value-invalid", 4,
     "wrong type"),
    ("examples item wrong type", "n:\n    type: integer\n    examples:\n      - 1\n      - two",
     "spec-value-invalid", 6, "wrong type"),
    ("default violates pattern", "s:\n    type: string\n    pattern: '^[a-z]+$'\n    default: ABC",
     "spec-value-invalid", 5, "pattern"),
    ("default violates min_length", "s:\n    type: string\n    min_length: 4\n    default: abc",
     "spec-value-invalid", 5, "minLength"),
    ("example violates max", "n:\n    type: integer\n    max: 3\n    example: 9",
     "spec-value-invalid", 5, "maximum"),
    ("array default violates min_items", "l:\n    type: array\n    min_items: 1\n    default: []",
     "spec-value-invalid", 5, "minItems"),
    ("enum value wrong type", "e:\n    type: integer\n    enum: [1, two]", "spec-value-invalid", 4,
     "enum value"),
    ("invalid regex", "s:\n    type: string\n    pattern: '^[a-z'", "spec-regex", 4,
     "not a valid regular expression"),
    ("pattern not text", "s:\n    type: string\n    pattern: 5", "spec-regex", 4, "regular expression"),
    ("unknown type", "s:\n    type: text", "spec-type-unknown", 3, "unknown type"),
    ("unknown shorthand", "s: path-to-file", "spec-type-unknown", 2, "not a type name"),
    ("required list names missing property",
     "o:\n    type: object\n    required: [a, ghost]\n    properties:\n      a: string",
     "spec-required-unknown", 4, '"ghost"'),
    ("required not a boolean", "s:\n    type: string\n    required: 'sometimes'", "spec-required", 4,
     "true/false"),
    ("enum empty", "e:\n    type: string\n    enum: []", "spec-enum", 4, "non-empty list"),
    ("examples not a list", "s:\n    type: string\n    examples: abc", "spec-field-shape", 4,
     "must be a list"),
    ("items is a list", "l:\n    type: array\n    items: [string]", "spec-field-shape", 4,
     "one element"),
    ("properties not a mapping", "o:\n    type: object\n    properties: [a]", "spec-field-shape", 4,
     "mapping"),
    ("description not text", "s:\n    type: string\n    description: [a]", "spec-field-shape", 4,
     "must be text"),
    ("field is a number", "s: 5", "spec-field-shape", 2, "field description"),
    ("non-finite default", "n:\n    type: number\n    default: .nan", "spec-value", 4,
     "JSON cannot represent"),
]


@pytest.mark.parametrize("body,code,line,fragment",
                         [c[1:] for c in ERROR_CASES], ids=[c[0] for c in ERROR_CASES])
def test_contradictions_are_errors_with_line_and_hint(body, code, line, fragment):
    r = compile_text("inputs:\n  " + body + "\n")
    assert not r.ok
    e = only(r, Severity.ERROR)
    assert e.code == code, e.format()
    assert e.path == SPEC_PATH
    assert e.line == line, e.format()
    assert e.column is not None
    assert fragment in e.message, e.message
    assert e.hint, "every error says what to change"


def test_inputs_as_a_list_of_names_is_read_with_a_warning():
    r = compile_text("inputs:\n  - a\n  - b\n")
    w = only(r, Severity.WARNING)
    assert w.line == 1 and w.hint and not r.placeholder
    assert list(r.schema["properties"]["inputs"]["properties"]) == ["a", "b"]


def test_inputs_as_a_list_of_named_fields():
    r = compile_text("inputs:\n  - name: path\n    type: str\n    required: 'yes'\n"
                     "  - name: n\n    type: int\n    examples: {small: 1, big: 9}\n")
    assert r.ok, [d.format() for d in r.diagnostics]
    inputs = r.schema["properties"]["inputs"]
    assert inputs["properties"]["path"] == {"type": "string"}
    assert inputs["properties"]["n"] == {"type": "integer", "examples": [1, 9]}
    assert inputs["required"] == ["path"]
    lines = {(d.code, d.line) for d in r.diagnostics}
    assert {("spec-type-alias", 3), ("spec-type-alias", 6), ("spec-examples-mapping", 7)} <= lines


def test_inputs_in_required_optional_groups():
    r = compile_text("inputs:\n  required:\n    - path\n    - mode: integer\n"
                     "  optional:\n    - note: free text shown to people\n"
                     "    - limit: {type: integer, min: 1}\n")
    assert r.ok, [d.format() for d in r.diagnostics]
    inputs = r.schema["properties"]["inputs"]
    assert inputs["required"] == ["path", "mode"]
    assert inputs["properties"] == {"path": {}, "mode": {"type": "integer"},
                                    "note": {"description": "free text shown to people"},
                                    "limit": {"type": "integer", "minimum": 1}}


def test_a_field_called_required_is_still_a_field():
    r = compile_text("inputs:\n  required:\n    type: boolean\n")
    assert r.ok and r.schema["properties"]["inputs"]["properties"] == {"required": {"type": "boolean"}}


def test_truly_ambiguous_fields_are_errors_naming_them():
    r = compile_text("inputs:\n  - name: a\n  - type: string\n  - name: a\n")
    assert not r.ok
    msgs = " ".join(d.message for d in r.errors)
    assert "inputs[1] has no `name:`" in msgs and '"a"' in msgs


def test_example_list_on_a_scalar_field_is_several_examples():
    r = compile_text("inputs:\n  s:\n    type: string\n    example: [a, b]\n")
    assert r.ok and r.schema["properties"]["inputs"]["properties"]["s"]["examples"] == ["a", "b"]
    r = compile_text("inputs:\n  s:\n    type: array\n    example: [a, b]\n")
    assert r.schema["properties"]["inputs"]["properties"]["s"]["examples"] == [["a", "b"]]


def test_unreadable_inputs_are_a_placeholder_with_a_warning():
    r = compile_text("inputs: TO BE DEFINED\n")
    assert r.ok and r.placeholder
    assert "not defined yet" in r.schema["description"]
    assert r.schema["properties"]["inputs"]["type"] == "object"


def test_spec_not_a_mapping_is_an_error():
    r = compile_schema(["a"], name="demo", pattern_id="PAT-DEMO-001", doc_id="DOC-DEMO-001")
    assert not r.ok and r.errors[0].hint


def test_doc_id_not_matching_pattern_is_an_error():
    r = compile_text("doc_id: DOC-x\ninputs:\n  a: string\n", doc_id="DOC-x")
    e = only(r, Severity.ERROR)
    assert e.code == "spec-doc-id" and e.line == 1 and e.hint


def test_nested_error_is_located():
    r = compile_text("""
        inputs:
          files:
            type: array
            items:
              type: object
              properties:
                size:
                  type: integer
                  min: 10
                  max: 1
    """)
    e = only(r, Severity.ERROR)
    assert e.line == 9 and "inputs.files.items.properties.size" in e.message


def test_errors_and_warnings_are_both_reported():
    r = compile_text("inputs:\n  a:\n    type: int\n    min: 3\n    max: 1\n    color: red\n")
    assert len(r.errors) == 1 and len(r.warnings) == 2


def test_diagnostics_without_document_have_no_position():
    r = compile_schema({"inputs": {"n": {"type": "integer", "min": 2, "max": 1}}},
                       name="demo", pattern_id="PAT-DEMO-001", doc_id="DOC-DEMO-001",
                       spec_path="x.pattern.yaml")
    e = only(r, Severity.ERROR)
    assert e.path == "x.pattern.yaml" and e.line is None


# -- determinism and validity ------------------------------------------------------

RICH = """
pattern_id: PAT-DEMO-001
intent: Demo.
inputs:
  root: {type: string, required: true, min_length: 3, example: 'C:\\Projects\\App'}
  files:
    type: array
    required: true
    min_items: 1
    items:
      type: object
      required: [path]
      properties:
        path: {type: string, pattern: '^[^:]+$'}
        kind: {type: string, enum: [code, test], default: code}
  retries: {type: integer, min: 0, max: 5, default: 2}
  ratio: {type: number, min: 0, max: 1}
  dry_run: boolean
outputs:
  created: {type: array, items: string}
"""


def test_deterministic_bytes():
    a = schema_to_text(compile_text(RICH).schema)
    b = schema_to_text(compile_text(RICH).schema)
    assert a == b and a.endswith("}\n")
    assert json.loads(a) == compile_text(RICH).schema


def test_schema_to_text_keeps_order_and_unicode():
    text = schema_to_text({"b": 1, "a": "é"})
    assert text == '{\n  "b": 1,\n  "a": "é"\n}\n'


def test_rich_spec_passes_metaschema():
    r = compile_text(RICH)
    assert_clean(r)
    jsonschema.Draft7Validator.check_schema(r.schema)


def test_compile_does_not_mutate_spec():
    doc = load_yaml_text(RICH, SPEC_PATH)
    before = json.dumps(doc.data, sort_keys=True)
    compile_schema(doc.data, name="demo", pattern_id="PAT-DEMO-001", doc_id="DOC-DEMO-001", doc=doc)
    assert json.dumps(doc.data, sort_keys=True) == before


def test_yaml_boolean_in_string_enum_hints_quoting():
    r = compile_text("inputs:\n  answer:\n    type: string\n    enum: [yes, maybe]\n")
    e = only(r, Severity.ERROR)
    assert e.code == "spec-value-invalid" and e.line == 4 and "quote" in e.hint


def test_misplaced_bound_suggests_the_right_key():
    r = compile_text("inputs:\n  s:\n    type: string\n    max: 10\n")
    w = only(r, Severity.WARNING)
    assert w.code == "spec-constraint-ignored" and "max_length" in w.hint


def test_duplicate_types_in_list_are_merged():
    r = compile_text("inputs:\n  a:\n    type: [int, integer]\n")
    assert r.ok and prop(r, "a")["type"] == ["integer"]
    jsonschema.Draft7Validator.check_schema(r.schema)


def test_empty_type_list_is_an_error():
    r = compile_text("inputs:\n  a:\n    type: []\n")
    e = only(r, Severity.ERROR)
    assert e.code == "spec-type-unknown" and e.line == 3 and e.hint
