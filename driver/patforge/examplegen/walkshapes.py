"""How the walker builds objects and arrays (a mixin of :class:`schemawalk.Walker`).

Objects: ``required`` (+ every property outside ``minimal``), the ``dependencies``
they trigger, names checked against ``propertyNames``/``additionalProperties``,
``min``/``maxProperties``; when the object fails, the failing property moves on to
its next candidate, another value is tried for object-level errors, and only then
is an optional property given up. Arrays: tuple ``items``, ``additionalItems``,
``contains``, ``uniqueItems`` and the kind's length.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Iterator

from patforge.examplegen.leafvalues import count
from patforge.examplegen.regexgen import regex_strings
from patforge.examplegen.schemamerge import MORE_CONTAINS, json_key, merge, same_json
from patforge.examplegen.walktypes import (
    _BACKTRACK_STEPS,
    _MISSING,
    Candidates,
    RootPolicy,
    Where,
    _copy,
    _dict,
    _led_by,
    _list,
    _property_schema,
    _search,
    _seeded,
    declared_types,
    singular,
)


#: How deep (nesting, $ref hops included) the test kind still adds an array element.
_TEST_EXTRA_DEPTH = 6


class ShapeBuilder:
    """Objects and arrays; the host class supplies ``candidates``, ``valid``, ``_errors``
    and ``policy``."""

    def _objects(self, schema: dict[str, Any], at: Where) -> Iterator[dict[str, Any]]:
        other = "full" if at.mode == "minimal" else "minimal"
        for mode in (at.mode, other):
            obj = self._object(schema, replace(at, mode=mode))
            if obj is not None:
                yield obj

    def _object(self, schema: dict[str, Any], at: Where) -> dict[str, Any] | None:
        policy = self.policy if at.at_root else RootPolicy()
        props = _dict(schema.get("properties"))
        deps = _dict(schema.get("dependencies"))
        required = [r for r in _list(schema.get("required")) if isinstance(r, str)]
        names = [p for p in policy.pinned]
        for p in props:
            if p in required or p in policy.always:
                names.append(p)
            elif at.mode == "full" or (at.mode == "test" and p not in policy.skip_in_test):
                names.append(p)
        names = list(dict.fromkeys(names + required))
        # Properties the present ones depend on become required; schema dependencies
        # are merged in (their properties steer the values, their required add names).
        effective: Any = schema
        merged: set[str] = set()
        for _ in range(8):
            grew = False
            for n in list(names):
                d = deps.get(n)
                if isinstance(d, list):
                    new = [r for r in d if isinstance(r, str) and r not in required]
                    required += new
                    names += [r for r in new if r not in names]
                    grew = grew or bool(new)
                elif isinstance(d, dict) and n not in merged:
                    merged.add(n)
                    effective = merge(effective, d)
                    if effective is False:
                        return None
                    new = [r for r in _list(d.get("required")) if r not in required]
                    required += new
                    names += [r for r in new if r not in names]
                    grew = True
                elif d is False and n not in required:
                    names.remove(n)
            if not grew:
                break
        props = _dict(effective.get("properties")) if isinstance(effective, dict) else props
        forbidden = _forbidden(schema)
        names = [n for n in names if n in required or (n not in forbidden and props.get(n) is not False
                                                       and self._name_allowed(schema, props, n, at))]
        if at.mode != "minimal":  # full and test show one property per name pattern too
            for pattern in _dict(schema.get("patternProperties")):
                if any(_search(pattern, n) for n in names):
                    continue
                named = [n for n in regex_strings(pattern) if n and n not in names
                         and self._name_allowed(schema, props, n, at)]
                names += named[:1]
        names = self._fit_property_count(schema, props, names, required, at)
        values: dict[str, Candidates] = {}
        own = _dict(schema.get("properties"))
        patterns = list(_dict(schema.get("patternProperties")))
        plain: set[str] = set()  # values checked against exactly schema.properties[n]: trusted
        for n in names:
            sub, ptr = _property_schema(effective, n)
            if n in own and sub is own[n] and not any(_search(pt, n) for pt in patterns):
                plain.add(n)
            cands = self.candidates(sub, at.child(n, f"{at.ptr}/{ptr}"))
            lead = [v for v in (policy.pinned.get(n, _MISSING), policy.preferred.get(n, _MISSING))
                    if v is not _MISSING and self.valid(sub, at.scope, v)]
            if n in policy.pinned and not lead and n not in required:
                continue  # the schema refuses this id here: it is linked by the sidecar
            values[n] = _led_by(lead, cands) if lead else cands
        present = [n for n in names if n in values]
        index = {n: 0 for n in present}
        keep = set(required) | set(policy.always)
        droppable = [n for n in present if n in policy.pinned and n not in keep]
        droppable += [n for n in reversed(present) if n not in keep and n not in droppable]
        for _ in range(_BACKTRACK_STEPS):
            obj = {n: values[n].get(index[n]) if values[n].has(index[n]) else values[n].best()
                   for n in present}
            trusted = frozenset(n for n in present if n in plain and values[n].has(index[n]))
            shallow = self._shallow(schema, trusted)
            errors = self._errors(shallow, at.scope, obj)  # type: ignore[attr-defined]
            if errors == []:
                self._built = obj  # valid against ``schema``: the caller need not check again
                return obj
            errors = errors or []
            moved = False
            for n in dict.fromkeys(e.path[0] for e in errors if e.path and e.path[0] in obj):
                if values[n].has(index[n] + 1):
                    index[n] += 1
                    moved = True
                elif n not in keep:
                    present.remove(n)
                    moved = True
            if not moved:
                # Object-level errors (dependencies, conditionals, not): another value for
                # one property may satisfy them before any property is given up.
                named = _mentioned([e.schema for e in errors])
                # the names the failing keyword speaks of; when none is present, any (a
                # then's failure is cured by a value its if speaks of)
                for n in ([n for n in present if n in named] or present)[:12]:
                    if values[n].has(index[n] + 1):
                        trial = {**obj, n: values[n].get(index[n] + 1)}
                        if self.valid(self._shallow(schema, trusted | {n} if n in plain else trusted),
                                      at.scope, trial):
                            self._built = trial
                            return trial
                drop = next((n for n in droppable if n in present), None)
                if drop is None:
                    return obj  # invalid; the caller filters it and reports the keyword
                present.remove(drop)
        return None

    def _shallow(self, schema: dict[str, Any], trusted: frozenset[str]) -> dict[str, Any]:
        """``schema`` with the subschemas of ``trusted`` properties (whose values were
        already validated against exactly them) replaced by true: the object is then
        checked once at its own level instead of again all the way down."""
        if not trusted:
            return schema
        k = (id(schema), trusted)
        hit = self._shallows.get(k)  # type: ignore[attr-defined]
        if hit is None:
            props = {n: (True if n in trusted else s) for n, s in schema["properties"].items()}
            hit = self._shallows[k] = (schema, {**schema, "properties": props})  # type: ignore[attr-defined]
        return hit[1]

    def _name_allowed(self, schema: dict[str, Any], props: dict[str, Any], name: str,
                      at: Where) -> bool:
        names_schema = schema.get("propertyNames", True)
        if names_schema is not True and not self.valid(names_schema, at.scope, name):
            return False
        if name in props or any(_search(p, name) for p in _dict(schema.get("patternProperties"))):
            return True
        return schema.get("additionalProperties", True) is not False

    def _fit_property_count(self, schema: dict[str, Any], props: dict[str, Any], names: list[str],
                            required: list[str], at: Where) -> list[str]:
        lo = count(schema.get("minProperties")) or 0
        hi = count(schema.get("maxProperties"))
        if hi is not None and len(names) > hi:
            optional = [n for n in reversed(names) if n not in required]
            for n in optional[:len(names) - hi]:
                names.remove(n)
        if len(names) >= lo:
            return names
        extra = [p for p in props if p not in names]
        for pattern in _dict(schema.get("patternProperties")):
            extra += regex_strings(pattern)
        names_schema = schema.get("propertyNames", True)
        if names_schema is not True:
            named = self.candidates(names_schema, at.child("name", f"{at.ptr}/propertyNames"))
            extra += [n for n in named if isinstance(n, str)]
        extra += [f"extra_{i}" for i in range(1, lo + 1)]
        for n in dict.fromkeys(extra):
            if len(names) >= lo:
                break
            if n not in names and self._name_allowed(schema, props, n, at):
                names.append(n)
        return names

    # -- arrays ------------------------------------------------------------------------

    def _arrays(self, schema: dict[str, Any], at: Where) -> Iterator[list[Any]]:
        if at.index == 0 and at.mode != "minimal":
            seeded = self._seeded_array(schema, at)
            if seeded is not None:
                yield seeded
        lo = count(schema.get("minItems")) or 0
        hi = count(schema.get("maxItems"))
        items = schema.get("items", True)
        other = "full" if at.mode == "minimal" else "minimal"
        for mode in (at.mode, other):
            # test shows one more element, near the top only: nested arrays of arrays
            # would otherwise double at every level (a 230 KB "example" on liquibase)
            more = 1 if at.depth <= _TEST_EXTRA_DEPTH else 0
            n = {"minimal": lo, "full": max(lo, 1), "test": max(lo, 1) + more}[mode]
            n = n if hi is None else min(n, hi)
            if isinstance(items, list) and schema.get("additionalItems", True) is False:
                n = max(lo, min(n, len(items)))
            if "contains" in schema and n == 0 and (hi is None or hi >= 1):
                n = 1
            yield self._array(schema, n, replace(at, mode=mode))

    def _element_schema(self, schema: dict[str, Any], i: int) -> tuple[Any, str]:
        items = schema.get("items", True)
        if isinstance(items, list):
            if i < len(items):
                return items[i], f"items/{i}"
            return schema.get("additionalItems", True), "additionalItems"
        return items, "items"

    def _array(self, schema: dict[str, Any], n: int, at: Where) -> list[Any]:
        unique = schema.get("uniqueItems") is True
        out: list[Any] = []
        for i in range(n):
            sub, ptr = self._element_schema(schema, i)
            cands = self.candidates(sub, at.child(singular(at.name), f"{at.ptr}/{ptr}", at.index + i))
            pick = next((c for c in cands if not unique or not any(same_json(c, o) for o in out)),
                        cands.best())
            out.append(pick)
        needs = [c for c in [schema.get("contains"), *_list(schema.get(MORE_CONTAINS))] if c is not None]
        for i, contains in enumerate(needs):
            if not any(self.valid(contains, at.scope, x) for x in out):
                out = self._place(schema, out, contains, needs[:i], at)
        return out

    def _place(self, schema: dict[str, Any], out: list[Any], contains: Any, kept: list[Any],
               at: Where) -> list[Any]:
        """``out`` with one element that satisfies ``contains``: in place of one no
        ``kept`` contains needs, else appended (within ``maxItems``); ``out`` when none fits."""
        unique = schema.get("uniqueItems") is True
        hi = count(schema.get("maxItems"))
        positions = list(range(len(out))) + ([len(out)] if hi is None or len(out) < hi else [])
        for pos in positions:
            sub, _ = self._element_schema(schema, pos)
            both = {"allOf": [sub, contains]}
            cands = self.candidates(both, at.child(singular(at.name), f"{at.ptr}/contains", pos))
            others = out[:pos] + out[pos + 1:]
            for c in cands:
                if unique and any(same_json(c, o) for o in others):
                    continue
                trial = out[:pos] + [c] + out[pos + 1:]
                if all(any(self.valid(k, at.scope, x) for x in trial) for k in kept):
                    return trial
        return out

    def _seeded_array(self, schema: dict[str, Any], at: Where) -> list[Any] | None:
        """A list of scalars written in the spec (examples, default) reads better than a
        synthesised one: full takes the first valid example, test a later example or
        the default. Minimal stays structural (exactly ``minItems`` elements), and
        arrays of objects stay structural so full still shows every nested field."""
        items = schema.get("items", True)
        if isinstance(items, dict) and "object" in declared_types(items):
            return None
        examples = schema.get("examples") if isinstance(schema.get("examples"), list) else []
        good = [e for e in examples if isinstance(e, list) and e and self.valid(schema, at.scope, e)]
        full = good[0] if good else None
        if at.mode == "full":
            return _copy(full) if full is not None else None
        for c in good[1:] + [x for x in _seeded(schema) if isinstance(x, list) and x]:
            if self.valid(schema, at.scope, c) and (full is None or json_key(c) != json_key(full)):
                return _copy(c)
        return None


def _forbidden(schema: dict[str, Any]) -> set[str]:
    """Property names the schema's ``not`` rules out on their own: ``not: {required: [x]}``
    (an ``else`` of a conditional, often), also inside ``not: {anyOf: [...]}`` (merged nots)."""
    out: set[str] = set()
    stack = [schema.get("not")]
    while stack:
        node = stack.pop()
        if not isinstance(node, dict):
            continue
        req = node.get("required")
        if isinstance(req, list) and len(req) == 1 and isinstance(req[0], str) and len(node) == 1:
            out.add(req[0])
        stack += _list(node.get("anyOf")) if len(node) == 1 else []
    return out


def _mentioned(schemas: list[Any]) -> set[str]:
    """Property names the (object-level) schemas that failed speak about: the ones worth
    another value. Empty when none is named (then any property may help)."""
    out: set[str] = set()
    stack, seen = list(schemas), 0
    while stack and seen < 200:
        node = stack.pop()
        seen += 1
        if isinstance(node, list):
            stack += node
        elif isinstance(node, dict):
            out.update(k for k in _dict(node.get("properties")))
            out.update(r for r in _list(node.get("required")) if isinstance(r, str))
            out.update(_dict(node.get("dependencies")))
            stack += [node[c] for c in ("allOf", "anyOf", "oneOf", "if", "then", "else", "not") if c in node]
    return out
