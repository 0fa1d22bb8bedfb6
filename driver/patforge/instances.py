"""Example instances generated from a compiled instance schema.

Three instances per pattern, each with a contract the tests hold it to:

* ``instance_minimal``: ``doc_id``, ``pattern_id`` and exactly the required
  inputs (recursively only required nested fields; arrays with ``minItems``
  elements) -- what a user must write at the very least.
* ``instance_full``: every input and nested field, every output field, and a
  deterministic ``metadata`` block -- documentation by example.
* ``instance_test``: a realistic test scenario whose values differ from the
  other two wherever the constraints allow (second enum value, a later example,
  ``test-...`` strings, other numbers inside the bounds, more array elements).

Why a small walker and not hypothesis-jsonschema: the output is committed next
to the user's files, so it must be readable and byte-for-byte stable across
runs and versions. Values come from ``const``, ``enum``, ``default`` and
``examples`` first, then from type-appropriate candidates, each checked against
the (leaf) schema; for a ``pattern`` a tiny regex-to-string generator built on
Python's own regex parser covers literals, classes, quantifiers, anchors,
groups and alternation. When nothing fits, the best candidate is returned and
the caller's validation (:func:`validate_instance`) reports it.
"""

from __future__ import annotations

import json
import math
from typing import Any, Iterable

import jsonschema

from patforge.regexgen import regex_strings

INSTANCE_KINDS: tuple[str, ...] = ("instance_minimal", "instance_full", "instance_test")
_MODES = {"instance_minimal": "minimal", "instance_full": "full", "instance_test": "test"}

_Validator = jsonschema.Draft7Validator
#: Recorded in the examples kind's answers files: bump it when the instances generated
#: for the same schema change (tests/golden shows it).
GENERATOR_VERSION = "1"


def instance_to_text(instance: dict[str, Any]) -> str:
    """Serialise an instance the way it is written to disk."""
    return json.dumps(instance, indent=2, ensure_ascii=False) + "\n"


def validate_instance(schema: dict[str, Any], instance: Any) -> list[str]:
    """Every way ``instance`` fails ``schema``, as sorted ``<json path>: <message>`` lines."""
    v = _Validator(schema, format_checker=_Validator.FORMAT_CHECKER)
    return sorted(f"{e.json_path}: {e.message}" for e in v.iter_errors(instance))


def generate_instances(schema: dict[str, Any], *, doc_id: str,
                       pattern_id: str) -> dict[str, dict[str, Any]]:
    """The three example instances for ``schema``, in :data:`INSTANCE_KINDS` order.

    ``schema`` is normally a compiled instance schema (``doc_id``, ``pattern_id``,
    ``inputs``, ...). A hand-written schema in the older shape (inputs at the top
    level, no ``inputs`` property) is walked as a whole instead, and ``doc_id`` /
    ``pattern_id`` are embedded only where it allows them: an example that breaks
    the user's own schema helps nobody, and the caller can link it by a sidecar."""
    props = schema.get("properties") if isinstance(schema.get("properties"), dict) else {}
    envelope = "inputs" in props or not props
    open_top = schema.get("additionalProperties", True) is not False
    result: dict[str, dict[str, Any]] = {}
    for kind in INSTANCE_KINDS:
        mode = _MODES[kind]
        gen = _Generator(mode)
        inst: dict[str, Any] = {}
        for key, value in (("doc_id", doc_id), ("pattern_id", pattern_id)):
            if envelope or key in props or open_top:
                inst[key] = value
        if envelope:
            inst["inputs"] = gen.value(props.get("inputs", {"type": "object"}), "inputs")
            if mode == "full" and "outputs" in props:
                inst["outputs"] = gen.value(props["outputs"], "outputs")
        else:
            body = gen.value({k: v for k, v in schema.items() if k != "$schema"}, "instance")
            inst.update({k: v for k, v in body.items() if k not in inst})
        if mode != "minimal" and "metadata" in props:
            inst["metadata"] = {"generated_by": "patforge", "scenario": mode}
        result[kind] = inst
    return result


# -- the walker -----------------------------------------------------------------

def _key(value: Any) -> str:
    """Identity for de-duplication that tells 1, 1.0 and True apart."""
    return type(value).__name__ + ":" + json.dumps(value, sort_keys=True)


def _dedupe(values: Iterable[Any]) -> list[Any]:
    seen: set[str] = set()
    out = []
    for v in values:
        k = _key(v)
        if k not in seen:
            seen.add(k)
            out.append(v)
    return out


def _types(schema: dict[str, Any]) -> list[str]:
    t = schema.get("type")
    if isinstance(t, str):
        return [t]
    if isinstance(t, list) and t:
        return sorted((x for x in t if isinstance(x, str)), key=lambda x: x == "null")
    # No type: infer from the keywords present.
    if any(k in schema for k in ("properties", "required", "minProperties")):
        return ["object"]
    if any(k in schema for k in ("items", "minItems", "maxItems")):
        return ["array"]
    if any(k in schema for k in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
                                 "multipleOf")):
        return ["number"]
    return ["string"]


class _Generator:
    """Produces one instance kind; ``mode`` is minimal, full or test."""

    def __init__(self, mode: str) -> None:
        self.mode = mode

    def value(self, schema: Any, name: str, index: int = 0) -> Any:
        """A value for ``schema``; ``index`` > 0 for later array elements (varies values)."""
        if schema is True or not isinstance(schema, dict):
            return self._pick(["example-" + name], [f"test-{name}"], {}, index)
        if "const" in schema:
            return schema["const"]
        if "enum" in schema and isinstance(schema["enum"], list) and schema["enum"]:
            return self._pick(self._seeded(schema) + list(schema["enum"]), [], schema, index)
        kind = _types(schema)[0]
        if kind == "object":
            return self._object(schema, name, index)
        if kind == "array":
            return self._array(schema, name, index)
        general, test_flavoured = _synthesise(kind, schema, name, index)
        return self._pick(self._seeded(schema) + general, test_flavoured, schema, index)

    @staticmethod
    def _seeded(schema: dict[str, Any]) -> list[Any]:
        seeded = [schema["default"]] if "default" in schema else []
        examples = schema.get("examples")
        return seeded + (list(examples) if isinstance(examples, list) else [])

    def _pick(self, candidates: list[Any], test_flavoured: list[Any], schema: dict[str, Any],
              index: int) -> Any:
        """minimal: first valid candidate; full: first valid example (else as minimal);
        test: the first valid value that is neither, preferring later examples and enum
        values, then ``test-...`` spellings. ``index`` shifts the choice for array
        elements so that they differ from each other."""
        v = _Validator(schema, format_checker=_Validator.FORMAT_CHECKER)
        valid = [c for c in _dedupe(candidates) if v.is_valid(c)]
        if not valid:
            return candidates[0] if candidates else None  # the caller's validation reports it
        examples = schema.get("examples") if isinstance(schema.get("examples"), list) else []
        good_examples = [e for e in examples if v.is_valid(e)]
        minimal = valid[0]
        full = good_examples[0] if good_examples else minimal
        if self.mode == "minimal":
            chosen = minimal
        elif self.mode == "full":
            chosen = full
        else:
            taken = {_key(minimal), _key(full)}
            listed = {_key(x) for x in good_examples + list(schema.get("enum", []))}
            seeded = [c for c in valid if _key(c) in listed]
            preferred = seeded + [c for c in _dedupe(test_flavoured) if v.is_valid(c)] + valid
            chosen = next((c for c in preferred if _key(c) not in taken), minimal)
            if all(_key(c) != _key(chosen) for c in valid):
                valid.append(chosen)
        if index == 0:
            return chosen
        # Later array elements: synthesised strings already carry the index; values
        # that do not (examples, enum members, numbers, booleans) rotate instead.
        seeded_keys = {_key(x) for x in self._seeded(schema) + list(schema.get("enum", []))}
        if _key(chosen) in seeded_keys:
            pool = [c for c in valid if _key(c) in seeded_keys]
        elif test_flavoured:
            return chosen
        else:
            pool = valid
        pos = next(i for i, c in enumerate(pool) if _key(c) == _key(chosen))
        return pool[(pos + index) % len(pool)]

    def _object(self, schema: dict[str, Any], name: str, index: int = 0) -> dict[str, Any]:
        props = schema.get("properties") if isinstance(schema.get("properties"), dict) else {}
        required = [r for r in schema.get("required", []) if isinstance(r, str)]
        names = [p for p in props if self.mode != "minimal" or p in required]
        names += [r for r in required if r not in props]
        extra_schema = schema.get("additionalProperties", True)
        out = {p: self.value(props.get(p, extra_schema), p, index) for p in names}
        extra = 1
        while (len(out) < schema.get("minProperties", 0)
               and schema.get("additionalProperties", True) is not False):
            out[f"extra_{extra}"] = f"example-{extra}"
            extra += 1
        return out

    def _array(self, schema: dict[str, Any], name: str, index: int = 0) -> list[Any]:
        seeded = self._seeded_array(schema) if index == 0 else None
        if seeded is not None:
            return seeded
        lo = schema.get("minItems", 0)
        hi = schema.get("maxItems")
        want = {"minimal": lo, "full": max(lo, 1), "test": max(lo, 1) + 1}[self.mode]
        n = want if hi is None else min(want, hi)
        items = schema.get("items", True)
        out = []
        for i in range(n):
            sub = items[min(i, len(items) - 1)] if isinstance(items, list) and items else items
            if isinstance(items, list) and i >= len(items):
                sub = schema.get("additionalItems", True)
            out.append(self.value(sub, _singular(name), index + i))
        return out

    def _seeded_array(self, schema: dict[str, Any]) -> list[Any] | None:
        """A list of scalars written in the spec (examples, default) reads better than a
        synthesised one: full takes the first valid example, test a later example or
        the default. Minimal stays structural (exactly ``minItems`` elements), and
        arrays of objects stay structural so full still shows every nested field."""
        items = schema.get("items", True)
        if self.mode == "minimal" or (isinstance(items, dict) and "object" in _types(items)):
            return None
        v = _Validator(schema, format_checker=_Validator.FORMAT_CHECKER)
        examples = schema.get("examples") if isinstance(schema.get("examples"), list) else []
        good = [e for e in examples if isinstance(e, list) and e and v.is_valid(e)]
        full = good[0] if good else None
        if self.mode == "full":
            return json.loads(json.dumps(full)) if full is not None else None
        for c in good[1:] + [x for x in self._seeded(schema) if isinstance(x, list) and x]:
            if v.is_valid(c) and (full is None or _key(c) != _key(full)):
                return json.loads(json.dumps(c))
        return None


def _singular(name: str) -> str:
    return name[:-1] if name.endswith("s") and len(name) > 3 and not name.endswith("ss") else name


# -- leaf candidates ----------------------------------------------------------

def _synthesise(kind: str, schema: dict[str, Any], name: str,
                index: int) -> tuple[list[Any], list[Any]]:
    """(candidates in preference order, candidates that read as test data)."""
    if kind == "string":
        return _strings(schema, name, index)
    if kind == "integer":
        return _numbers(schema, integer=True), []
    if kind == "number":
        return _numbers(schema, integer=False), []
    if kind == "boolean":
        return [False, True], []
    if kind == "null":
        return [None], []
    return ["example-" + name], ["test-" + name]


_DIR_WORDS = {"dir", "directory", "folder", "root", "workspace"}
_DIR_OWNERS = {"repository", "repo", "project", "worktree", "workspace", "package", "working"}
_FILE_WORDS = {"path", "paths", "file", "files", "filename"}
_TEXT_WORDS = {"message", "description", "summary", "reason", "title", "comment"}


def _realistic(name: str, n: str) -> tuple[str, str] | None:
    """(full, test) spellings that read like real data, chosen by the field name's words."""
    words = name.lower().split("_")
    last = words[-1]
    if last in _DIR_WORDS or (last in ("path", "directory") and set(words) & _DIR_OWNERS):
        return f"projects/example{n}", f"projects/test-example{n}"
    if last in _FILE_WORDS or words[0] in ("file", "files"):
        return f"src/example{n}.txt", f"tests/data/test_example{n}.txt"
    if last in ("url", "uri", "endpoint"):
        return f"https://example.com/{n}", f"https://test.example.com/{n}"
    if last == "email":
        return f"dev{n}@example.com", f"test{n}@example.com"
    if last == "branch":
        return f"feature/example{n}", f"test/example-branch{n}"
    if last in _TEXT_WORDS:
        label = name.replace("_", " ")
        return f"Example {label}{n}", f"Test {label}{n}"
    return None


_GENERIC = ("example", "example_value", "example-value", "Example", "EXAMPLE", "src/example.py",
            "example.txt", "1.0.0", "v1.0.0", "main", "feature/example", "https://example.com",
            "dev@example.com", "2024-01-01", "abc123", "a", "A", "0", "1", "x")

_FORMATS: dict[str, tuple[str, ...]] = {
    "date": ("2024-01-01", "2024-06-30"),
    "date-time": ("2024-01-01T00:00:00Z", "2024-06-30T12:30:00Z"),
    "time": ("12:00:00Z", "08:30:00Z"),
    "email": ("dev@example.com", "test@example.com"),
    "idn-email": ("dev@example.com", "test@example.com"),
    "ipv4": ("192.0.2.1", "198.51.100.7"),
    "ipv6": ("2001:db8::1", "2001:db8::2"),
    "hostname": ("example.com", "test.example.com"),
    "idn-hostname": ("example.com", "test.example.com"),
    "uri": ("https://example.com/", "https://test.example.com/"),
    "uri-reference": ("https://example.com/", "docs/test"),
    "regex": ("^example$", "^test-[a-z]+$"),
    "json-pointer": ("/example", "/test/0"),
    "relative-json-pointer": ("0", "1/test"),
    "uuid": ("00000000-0000-4000-8000-000000000001", "00000000-0000-4000-8000-000000000002"),
}


def _strings(schema: dict[str, Any], name: str, index: int) -> tuple[list[str], list[str]]:
    dash = "" if index == 0 else f"-{index + 1}"
    under = "" if index == 0 else f"_{index + 1}"
    slug = name.replace("_", "-")
    # Spelling variants so that common patterns (\w-only, kebab-case) accept one of them.
    plain = [f"example-{name}{dash}", f"test-{name}{dash}",
             f"example_{name}{under}", f"test_{name}{under}",
             f"example-{slug}{dash}", f"test-{slug}{dash}"]
    real = _realistic(name, dash)
    bases = (list(real) if real else []) + plain
    tests = ([real[1]] if real else []) + plain[1::2]
    fmt = schema.get("format")
    if isinstance(fmt, str) and fmt in _FORMATS:
        bases = list(_FORMATS[fmt]) + bases
        tests = [_FORMATS[fmt][1]] + tests
    pattern = schema.get("pattern")
    if isinstance(pattern, str):
        bases += regex_strings(pattern) + list(_GENERIC)
    lo = schema.get("minLength", 0)
    hi = schema.get("maxLength")
    return ([f for s in bases for f in _fit(s, lo, hi)],
            [f for s in tests for f in _fit(s, lo, hi)])


def _fit(s: str, lo: int, hi: int | None) -> list[str]:
    """``s`` itself, or padded / cut to the length bounds (several tries)."""
    if len(s) >= lo and (hi is None or len(s) <= hi):
        return [s]
    if hi is not None and len(s) > hi:
        return [s[:hi], s[len(s) - hi:]]
    k = lo - len(s)
    out = [s + "x" * k]
    if s:
        out += [s + s[-1] * k, s[0] * k + s, (s * (lo // len(s) + 1))[:lo]]
    return out


def _numbers(schema: dict[str, Any], *, integer: bool) -> list[Any]:
    lo = schema.get("minimum")
    hi = schema.get("maximum")
    xlo = schema.get("exclusiveMinimum")
    xhi = schema.get("exclusiveMaximum")
    step = 1 if integer else 0.5
    if isinstance(xlo, (int, float)) and not isinstance(xlo, bool):
        cand = math.floor(xlo) + 1 if integer else xlo + step
        lo = cand if lo is None else max(lo, cand)
    if isinstance(xhi, (int, float)) and not isinstance(xhi, bool):
        cand = math.ceil(xhi) - 1 if integer else xhi - step
        hi = cand if hi is None else min(hi, cand)
    if integer:
        lo = None if lo is None else math.ceil(lo)
        hi = None if hi is None else math.floor(hi)
    bases: list[Any] = [1, 2, 10, 0, 42] if integer else [1.5, 2.5, 10.0, 0.5, 0.0]

    def clamp(x: Any) -> Any:
        if lo is not None and x < lo:
            x = lo
        if hi is not None and x > hi:
            x = hi
        return x

    cands = [clamp(b) for b in bases]
    if lo is not None:
        cands += [lo, lo + step]
    if hi is not None:
        cands += [hi, hi - step]
    if lo is not None and hi is not None:
        mid = (lo + hi) / 2
        cands.append(math.floor(mid) if integer else mid)
    mult = schema.get("multipleOf")
    if isinstance(mult, (int, float)) and not isinstance(mult, bool) and mult > 0:
        extra = []
        for c in cands:
            m = math.ceil(c / mult) * mult
            extra.append(int(m) if integer or float(m).is_integer() and isinstance(mult, int) else m)
        cands = extra + cands
    if integer:
        cands = [int(c) for c in cands]
    return cands


__all__: list[str] = ["INSTANCE_KINDS", "generate_instances", "instance_to_text",
                      "validate_instance", "regex_strings"]
