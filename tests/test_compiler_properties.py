"""Property tests: any spec that is consistent by construction compiles without
errors into a valid draft-07 schema, and all three generated instances validate.

The strategies build specs in the dialect (nested objects and arrays, enums,
defaults, examples, bounds, simple patterns, shorthand types and aliases),
choosing every default/example/enum value so that it satisfies its field.
"""

from __future__ import annotations

import jsonschema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from patforge.validation.regexes import search as ecma_search
from patforge.spec.compiler import TYPE_ALIASES, TYPE_NAMES, compile_schema, schema_to_text
from patforge.examplegen.instances import INSTANCE_KINDS, generate_instances, instance_to_text, validate_instance

#: Simple patterns with the shortest length they can match (all match <= 12 chars).
PATTERNS: tuple[str, ...] = (
    r"^[a-z]+$", r"^[a-z0-9]+(-[a-z0-9]+)*$", r"^[A-Z][A-Z0-9_]*$", r"^v[0-9]+\.[0-9]+$",
    r"^(dev|test|prod)$", r"\.py$", r"^[^:]+$", r"^[a-z]{2,5}-[0-9]{3}$", r"^\d{4}-\d{2}$",
)
RESERVED = {"type", "properties", "placeholder"}
ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./ "

names = st.from_regex(r"[a-z][a-z0-9_]{0,7}", fullmatch=True).filter(lambda n: n not in RESERVED)


def _valid_for(pattern: str, lo: int, hi: int | None):
    return st.from_regex(pattern, fullmatch=True).filter(
        # ECMA-262, as JSON Schema reads patterns (\d is ASCII): patforge.validation.regexes
        lambda s: lo <= len(s) and (hi is None or len(s) <= hi) and ecma_search(pattern, s))


def _with_values(draw, field: dict, values) -> dict:
    """Optionally add default / example / examples drawn from ``values``."""
    if draw(st.booleans()):
        field["default"] = draw(values)
    choice = draw(st.sampled_from(["none", "example", "examples", "both"]))
    if choice in ("example", "both"):
        field["example"] = draw(values)
    if choice in ("examples", "both"):
        field["examples"] = draw(st.lists(values, min_size=1, max_size=3))
    return field


@st.composite
def string_fields(draw) -> dict:
    field: dict = {"type": "string"}
    kind = draw(st.sampled_from(["plain", "pattern", "enum"]))
    if kind == "enum":
        enum = draw(st.lists(st.text(ALPHABET, min_size=1, max_size=8), min_size=1, max_size=4,
                             unique=True))
        field["enum"] = enum
        return _with_values(draw, field, st.sampled_from(enum))
    if kind == "pattern":
        pattern = draw(st.sampled_from(PATTERNS))
        lo = draw(st.integers(0, 3))
        hi = draw(st.one_of(st.none(), st.integers(12, 40)))
        field["pattern"] = pattern
        if lo:
            field["min_length"] = lo
        if hi is not None:
            field["max_length"] = hi
        return _with_values(draw, field, _valid_for(pattern, lo, hi))
    lo = draw(st.integers(0, 6))
    hi = draw(st.one_of(st.none(), st.integers(lo, lo + 10)))
    if draw(st.booleans()):
        field["min_length"] = lo
    else:
        lo = 0
    if hi is not None:
        field["max_length"] = hi
    return _with_values(draw, field, st.text(ALPHABET, min_size=lo, max_size=hi if hi is not None else 12))


@st.composite
def number_fields(draw) -> dict:
    """Integers, or numbers on a grid of 1, 1/2 or 1/4 so bounds and values stay exact."""
    integer = draw(st.booleans())
    scale = 1 if integer else draw(st.sampled_from([1, 2, 4]))
    field: dict = {"type": "integer" if integer else "number"}
    lo = draw(st.one_of(st.none(), st.integers(-1000, 1000)))
    hi = draw(st.one_of(st.none(), st.integers(-1000 if lo is None else lo, 1000)))
    unit = (lambda i: i) if integer else (lambda i: i / scale)
    if lo is not None:
        field["min"] = unit(lo)
    if hi is not None:
        field["max"] = unit(hi)
    values = st.integers(-5000 if lo is None else lo, 5000 if hi is None else hi).map(unit)
    if draw(st.booleans()):
        enum = draw(st.lists(values, min_size=1, max_size=4, unique=True))
        field["enum"] = enum
        values = st.sampled_from(enum)
    return _with_values(draw, field, values)


@st.composite
def boolean_fields(draw) -> dict:
    return _with_values(draw, {"type": "boolean"}, st.booleans())


shorthands = st.sampled_from(TYPE_NAMES + tuple(TYPE_ALIASES))


def _describe(field_strategy):
    @st.composite
    def described(draw):
        f = draw(field_strategy)
        if isinstance(f, dict):
            if draw(st.booleans()):
                f["description"] = draw(st.text(ALPHABET, max_size=20))
            if draw(st.booleans()):
                f["required"] = draw(st.booleans())
        return f
    return described()


leaves = _describe(st.one_of(string_fields(), number_fields(), boolean_fields())) | shorthands


def _composites(children):
    @st.composite
    def arrays(draw):
        lo = draw(st.integers(0, 3))
        f: dict = {"items": draw(children)}
        if draw(st.booleans()):
            f["type"] = "array"
        if lo:
            f["min_items"] = lo
        if draw(st.booleans()):
            f["max_items"] = draw(st.integers(max(lo, 1), 5))
        if lo == 0 and draw(st.booleans()):
            f["default"] = []
        return f

    @st.composite
    def objects(draw):
        props = draw(st.dictionaries(names, children, max_size=4))
        f: dict = {"type": "object"} if draw(st.booleans()) or not props else {}
        if props:
            f["properties"] = props
            if draw(st.booleans()):
                f["required"] = draw(st.lists(st.sampled_from(sorted(props)), unique=True))
        return f

    return _describe(arrays() | objects())


fields = st.recursive(leaves, _composites, max_leaves=12)


@st.composite
def specs(draw) -> dict:
    spec: dict = {"pattern_id": "PAT-PROP-001", "name": "prop_demo", "version": "1.0.0"}
    if draw(st.booleans()):
        spec["intent"] = draw(st.text(ALPHABET + "\n", max_size=40))
    inputs = draw(st.one_of(st.dictionaries(names, fields, max_size=6),
                            st.just({"placeholder": True}), st.none()))
    if inputs is not None or draw(st.booleans()):
        spec["inputs"] = inputs
    if draw(st.booleans()):
        spec["outputs"] = draw(st.dictionaries(names, fields, max_size=4))
    return spec


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                 HealthCheck.data_too_large])
@given(specs())
def test_consistent_specs_compile_and_instances_validate(spec):
    result = compile_schema(spec, name="prop_demo", pattern_id="PAT-PROP-001",
                            doc_id="DOC-PROP-001")
    assert result.ok, [d.format() for d in result.errors]
    assert all(d.code == "spec-type-alias" for d in result.warnings), \
        [d.format() for d in result.warnings]
    jsonschema.Draft7Validator.check_schema(result.schema)

    insts = generate_instances(result.schema, doc_id="DOC-PROP-001", pattern_id="PAT-PROP-001")
    assert list(insts) == list(INSTANCE_KINDS)
    for kind, inst in insts.items():
        assert validate_instance(result.schema, inst) == [], (kind, inst)

    again = generate_instances(result.schema, doc_id="DOC-PROP-001", pattern_id="PAT-PROP-001")
    assert [instance_to_text(i) for i in again.values()] == \
        [instance_to_text(i) for i in insts.values()]

    inputs_schema = result.schema["properties"]["inputs"]
    minimal_inputs = insts["instance_minimal"]["inputs"]
    assert set(minimal_inputs) == set(inputs_schema.get("required", []))
    full_inputs = insts["instance_full"]["inputs"]
    assert set(full_inputs) == set(inputs_schema.get("properties", {}))


# -- arbitrary (mostly inconsistent) input: never crash, never emit a bad schema ------

_junk_scalars = st.one_of(st.none(), st.booleans(), st.integers(-5, 5),
                          st.floats(allow_nan=True, allow_infinity=True),
                          st.sampled_from(list(TYPE_NAMES) + list(TYPE_ALIASES) +
                                          ["text", "[", "^a+$", "yes", ""]))
_junk_keys = st.sampled_from(["type", "required", "enum", "default", "example", "examples",
                              "pattern", "min_length", "max_length", "min", "max", "min_items",
                              "max_items", "items", "properties", "format", "placeholder", "a", "b"])
junk = st.recursive(_junk_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(_junk_keys, inner, max_size=5)), max_leaves=15)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(junk, st.dictionaries(names, junk, max_size=4)))
def test_arbitrary_inputs_never_crash_and_clean_results_are_valid(inputs):
    spec = {"pattern_id": "PAT-PROP-001", "inputs": inputs, "outputs": inputs}
    result = compile_schema(spec, name="prop_demo", pattern_id="PAT-PROP-001",
                            doc_id="DOC-PROP-001")
    assert all(d.hint for d in result.errors)
    if result.ok:
        jsonschema.Draft7Validator.check_schema(result.schema)
        json_text = schema_to_text(result.schema)  # JSON-serialisable
        assert "NaN" not in json_text and "Infinity" not in json_text
        generate_instances(result.schema, doc_id="DOC-PROP-001", pattern_id="PAT-PROP-001")
