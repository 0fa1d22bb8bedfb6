"""Merging two draft-07 schemas into one that *guides* value generation.

``merge(a, b)`` returns a schema whose instances should satisfy both ``a`` and
``b`` for the keywords it knows how to combine (types intersect, bounds tighten,
``required`` unions, ``properties`` merge per key, ...). For a keyword it cannot
combine (two different ``pattern``\\ s, two ``not``\\ s) it keeps ``a``'s: the
result only steers the generator, and every candidate is validated against the
original schema afterwards, so a lost constraint costs a candidate, never
correctness. ``False`` means "no instance can satisfy both".
"""

from __future__ import annotations

import json
import math
from typing import Any

#: Alternatives kept when a merge multiplies branches (anyOf x anyOf).
MAX_BRANCHES = 32

_LOWER_BOUNDS = ("minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties")
_UPPER_BOUNDS = ("maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties")
_PER_KEY = ("properties", "patternProperties", "definitions")
_SUBSCHEMA = ("additionalProperties", "additionalItems", "propertyNames")


_SCALARS = (str, int, float, bool, type(None))


def json_key(value: Any) -> str:
    """Identity for de-duplication that tells 1, 1.0 and True apart."""
    if type(value) in _SCALARS:  # the hot path: repr is exact and much cheaper than dumps
        return type(value).__name__ + ":" + repr(value)
    return type(value).__name__ + ":" + json.dumps(value, sort_keys=True)


def same_json(a: Any, b: Any) -> bool:
    """JSON Schema equality (``uniqueItems``, ``enum``): 1 == 1.0, but True != 1."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same_json(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same_json(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


def _types(t: Any) -> list[str] | None:
    if isinstance(t, str):
        return [t]
    if isinstance(t, list):
        return [x for x in t if isinstance(x, str)]
    return None


def _intersect_types(a: Any, b: Any) -> list[str]:
    ta, tb = _types(a) or [], _types(b) or []
    out = [t for t in ta if t in tb or (t == "integer" and "number" in tb)]
    out += [t for t in tb if t == "integer" and "number" in ta and t not in out]
    return out


def _is_number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def merge(a: Any, b: Any) -> Any:
    """A schema that steers generation towards instances of both ``a`` and ``b``."""
    if a is False or b is False:
        return False
    if a is True or a == {}:
        return b
    if b is True or b == {} or not isinstance(b, dict) or not isinstance(a, dict):
        return a
    out = dict(a)
    for k, bv in b.items():
        if k not in out:
            out[k] = bv
            continue
        av = out[k]
        if av == bv:
            continue
        if k == "type":
            both = _intersect_types(av, bv)
            if not both:
                return False
            out[k] = both if len(both) > 1 else both[0]
        elif k == "required" and isinstance(av, list) and isinstance(bv, list):
            out[k] = av + [x for x in bv if x not in av]
        elif k in _PER_KEY and isinstance(av, dict) and isinstance(bv, dict):
            out[k] = {**av, **{p: merge(av[p], s) if p in av else s for p, s in bv.items()}}

        elif k == "dependencies" and isinstance(av, dict) and isinstance(bv, dict):
            out[k] = {**av, **{p: _merge_dependency(av[p], d) if p in av else d for p, d in bv.items()}}
        elif k in _SUBSCHEMA or (k == "items" and isinstance(av, dict) and isinstance(bv, dict)):
            out[k] = merge(av, bv)
        elif k == "items" and isinstance(av, list) and isinstance(bv, list):
            longer, shorter = (av, bv) if len(av) >= len(bv) else (bv, av)
            out[k] = [merge(x, shorter[i]) if i < len(shorter) else x for i, x in enumerate(longer)]
        elif k == "items":
            tup, one = (av, bv) if isinstance(av, list) else (bv, av)
            out[k] = [merge(x, one) for x in tup] if isinstance(tup, list) else av
        elif k in _LOWER_BOUNDS and _is_number(av) and _is_number(bv):
            out[k] = max(av, bv)
        elif k in _UPPER_BOUNDS and _is_number(av) and _is_number(bv):
            out[k] = min(av, bv)
        elif k == "multipleOf" and isinstance(av, int) and isinstance(bv, int) and av > 0 and bv > 0:
            out[k] = av * bv // math.gcd(av, bv)
        elif k == "enum" and isinstance(av, list) and isinstance(bv, list):
            both = [x for x in av if any(same_json(x, y) for y in bv)]
            if not both:
                return False
            out[k] = both
        elif k == "const":
            return False  # two different constants
        elif k == "not":
            # not A and not B is not (A or B): both stay visible to the generator
            out[k] = {"anyOf": [av, bv]}
        elif k == "uniqueItems":
            out[k] = bool(av) or bool(bv)
        elif k == "allOf" and isinstance(av, list) and isinstance(bv, list):
            out[k] = av + bv
        elif k in ("anyOf", "oneOf") and isinstance(av, list) and isinstance(bv, list):
            # Both lists must hold: the product of their branches (validation keeps oneOf exact).
            out[k] = [merge(x, y) for x in av for y in bv][:MAX_BRANCHES]
        elif k in ("if", "then", "else"):
            # A second conditional is kept whole, as a further allOf branch to expand.
            cond = {c: b[c] for c in ("if", "then", "else") if c in b}
            extra = out.get("allOf") if isinstance(out.get("allOf"), list) else []
            if cond not in extra:
                out["allOf"] = [*extra, cond]
        elif k == "contains":
            # several contains on one array: all must hold (the walker places each)
            out["contains"] = av
            out[MORE_CONTAINS] = [*_list(out.get(MORE_CONTAINS)), bv, *_list(b.get(MORE_CONTAINS))]
        # Anything else (pattern, format, ...): keep a's; the final validation against
        # the original schema enforces b's.
    return out if _consistent(out) else False


#: Where a merge keeps the ``contains`` beyond the first (a key no validator reads).
MORE_CONTAINS = "$patforge:contains"


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _json_type_ok(value: Any, types: list[str]) -> bool:
    for t in types:
        if t == "integer" and _is_number(value) and float(value).is_integer():
            return True
        if t == "number" and _is_number(value):
            return True
        if (t == "string" and isinstance(value, str) or t == "boolean" and isinstance(value, bool)
                or t == "null" and value is None or t == "array" and isinstance(value, list)
                or t == "object" and isinstance(value, dict)):
            return True
    return False


def _consistent(schema: dict[str, Any]) -> bool:
    """False when the merged keywords provably admit nothing: a constant outside the
    enum or the type, an enum with no member of the type, a required property whose
    merged schema is ``false``. Narrows ``enum`` to what the other keywords allow."""
    types = _types(schema.get("type"))
    enum = schema.get("enum")
    if isinstance(enum, list) and types is not None:
        enum = [x for x in enum if _json_type_ok(x, types)]
        if not enum:
            return False
        schema["enum"] = enum
    if "const" in schema:
        c = schema["const"]
        if types is not None and not _json_type_ok(c, types):
            return False
        if isinstance(enum, list):
            if not any(same_json(c, x) for x in enum):
                return False
            schema["enum"] = [c]
    props = schema.get("properties")
    if isinstance(props, dict) and any(props.get(r) is False for r in _list(schema.get("required"))):
        return False
    return True


def _merge_dependency(a: Any, b: Any) -> Any:
    if isinstance(a, list) and isinstance(b, list):
        return a + [x for x in b if x not in a]
    if isinstance(a, list):
        a = {"required": a}
    if isinstance(b, list):
        b = {"required": b}
    return merge(a, b)


__all__ = ["MAX_BRANCHES", "MORE_CONTAINS", "json_key", "merge", "same_json"]
