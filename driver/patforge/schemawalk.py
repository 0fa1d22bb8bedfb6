"""A deterministic walker that finds values satisfying any draft-07 schema.

For one schema it produces a short list of *valid* candidates, best first:

* ``$ref`` is followed with jsonschema's own ``referencing`` resolver (JSON
  pointers with ``~0``/``~1``/percent escapes, ``$id`` scopes, recursion);
* ``allOf`` branches are merged into the schema (:func:`schemamerge.merge`),
  ``anyOf``/``oneOf`` branches and ``if``/``then``/``else`` become alternatives
  tried in order, ``not`` and everything the merge cannot express act as a filter:
  every candidate is validated against the *original* (sub)schema;
* objects are built from ``required`` (+ every property outside ``minimal``),
  the ``dependencies`` they trigger, ``patternProperties``/``additionalProperties``
  and ``propertyNames``; when the object fails, the failing property moves on to
  its next candidate or an optional one is dropped (targeted backtracking);
* arrays honour tuple ``items``, ``additionalItems``, ``contains`` and
  ``uniqueItems``; leaves come from ``const``/``enum``/``default``/``examples``,
  then from :mod:`patforge.leafvalues`.

Nothing random: the same schema always gives the same values. The caller
(:mod:`patforge.instances`) turns "no candidate" into an error naming the
blocking keyword.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any, Iterator

import jsonschema
from referencing.exceptions import Unresolvable
from referencing.jsonschema import DRAFT7

from patforge.leafvalues import count, synthesise
from patforge.regexgen import regex_strings
from patforge.schemamerge import MAX_BRANCHES, json_key, merge, same_json

Validator = jsonschema.Draft7Validator
COMBINATORS = ("allOf", "anyOf", "oneOf", "if", "then", "else")
#: Valid candidates kept per (sub)schema: enough for uniqueItems and backtracking.
WANTED = 6
MAX_DEPTH = 48
#: How often one $ref target may recur on a path (recursive schemas) before giving up.
MAX_RECURSION = 4
_BACKTRACK_STEPS = 24
#: Candidates tried per (sub)schema before it counts as unsatisfiable.
MAX_TRIED = 120
_ALL_TYPES = ("string", "integer", "number", "boolean", "null", "object", "array")


def escape_pointer(token: Any) -> str:
    return str(token).replace("~", "~0").replace("/", "~1")


def singular(name: str) -> str:
    return name[:-1] if name.endswith("s") and len(name) > 3 and not name.endswith("ss") else name


def dedupe(values: list[Any]) -> list[Any]:
    seen: set[str] = set()
    out = []
    for v in values:
        k = json_key(v)
        if k not in seen:
            seen.add(k)
            out.append(v)
    return out


def declared_types(schema: dict[str, Any]) -> list[str]:
    """The schema's types, ``null`` last; without ``type``, the one its keywords imply."""
    t = schema.get("type")
    if isinstance(t, str):
        return [t]
    if isinstance(t, list) and t:
        return sorted((x for x in t if isinstance(x, str)), key=lambda x: x == "null")
    if any(k in schema for k in ("properties", "required", "minProperties", "patternProperties",
                                 "additionalProperties", "dependencies", "propertyNames")):
        return ["object"]
    if any(k in schema for k in ("items", "minItems", "maxItems", "contains", "uniqueItems",
                                 "additionalItems")):
        return ["array"]
    if any(k in schema for k in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
                                 "multipleOf")):
        return ["number"]
    return ["string"]


class Candidates:
    """A lazily computed list of valid candidates: a deep schema costs only what is used.
    ``first`` is the first candidate tried (valid or not), the best guess to report."""

    def __init__(self) -> None:
        self.source: Iterator[Any] = iter(())
        self.first: Any = None
        self._items: list[Any] = []
        self._done = False

    def get(self, i: int, default: Any = None) -> Any:
        while len(self._items) <= i and not self._done:
            try:
                self._items.append(next(self.source))
            except StopIteration:
                self._done = True
        return self._items[i] if i < len(self._items) else default

    def has(self, i: int) -> bool:
        return self.get(i, _MISSING) is not _MISSING

    def __iter__(self) -> Iterator[Any]:
        i = 0
        while self.has(i):
            yield self._items[i]
            i += 1

    def __bool__(self) -> bool:
        return self.has(0)

    def best(self) -> Any:
        """The first valid candidate, else the first one tried."""
        return self.get(0) if self.has(0) else self.first


@dataclass(frozen=True)
class Where:
    """Where the walker is: the value's field name, array position, schema pointer,
    $ref scope, nesting depth, the $ref targets on the path, the kind (mode)."""

    name: str
    index: int
    ptr: str
    scope: Any
    depth: int = 0
    stack: tuple[int, ...] = ()
    mode: str = "minimal"
    at_root: bool = True

    def child(self, name: str, ptr: str, index: int | None = None) -> "Where":
        return replace(self, name=name, ptr=ptr, depth=self.depth + 1, at_root=False,
                       index=self.index if index is None else index)


@dataclass
class RootPolicy:
    """How the top-level object is filled. ``pinned``: values tried first for these
    keys (doc_id, pattern_id), embedded only where the schema accepts them;
    ``always``: properties present in every kind; ``skip_in_test``: left out of the
    test kind unless required; ``preferred``: values tried first for these keys."""

    pinned: dict[str, Any] = field(default_factory=dict)
    always: tuple[str, ...] = ()
    skip_in_test: tuple[str, ...] = ()
    preferred: dict[str, Any] = field(default_factory=dict)


class Walker:
    """Candidates for one root schema and one kind (``minimal``, ``full``, ``test``)."""

    def __init__(self, root: Any, mode: str, policy: RootPolicy | None = None) -> None:
        self.root = root
        self.mode = mode
        self.policy = policy or RootPolicy()
        self._root_validator = Validator(root, format_checker=Validator.FORMAT_CHECKER)
        self._validators: dict[tuple[int, int], tuple[Any, Any, Any]] = {}
        self._alts: dict[tuple[int, int], tuple[Any, list[Any]]] = {}
        self._inlined: dict[tuple[int, int], tuple[int, ...]] = {}

    def start(self, name: str = "value") -> Where:
        return Where(name=name, index=0, ptr="#", scope=self._root_validator._resolver, mode=self.mode)

    # -- validation ----------------------------------------------------------------

    def _validator(self, schema: Any, scope: Any) -> Any:
        k = (id(schema), id(scope))
        hit = self._validators.get(k)
        if hit is None:  # the schema and scope are kept alive with it, so ids stay unique
            hit = (schema, scope, self._root_validator.evolve(schema=schema, _resolver=scope))
            self._validators[k] = hit
        return hit[2]

    def valid(self, schema: Any, scope: Any, value: Any) -> bool:
        try:
            return self._validator(schema, scope).is_valid(value)
        except (Unresolvable, RecursionError):
            return False

    def _errors(self, schema: Any, scope: Any, value: Any) -> list[Any]:
        try:
            return list(self._validator(schema, scope).iter_errors(value))
        except (Unresolvable, RecursionError):
            return []

    # -- candidates ----------------------------------------------------------------

    def candidates(self, schema: Any, at: Where) -> "Candidates":
        """The valid candidates for ``schema``, best first, computed only as far as asked."""
        found = Candidates()
        found.source = self._valid(schema, at, found)
        return found

    def _valid(self, schema: Any, at: Where, found: "Candidates") -> Iterator[Any]:
        if at.depth > MAX_DEPTH:
            return
        if schema is True:
            schema = {}
        if not isinstance(schema, dict):
            return
        ref = schema.get("$ref")
        if isinstance(ref, str):  # draft-07: $ref replaces its siblings
            try:
                target = at.scope.lookup(ref)
            except Unresolvable:
                return
            seen = at.stack.count(id(target.contents))
            if seen >= MAX_RECURSION:
                return
            ptr = ref if ref.startswith("#") else f"{at.ptr}/$ref"
            mode = "minimal" if seen else at.mode  # recursion ends where structures are minimal
            yield from self._valid(target.contents, replace(
                at, ptr=ptr, scope=target.resolver, depth=at.depth + 1, mode=mode,
                stack=at.stack + (id(target.contents),)), found)
            return
        if "$id" in schema:
            try:
                at = replace(at, scope=at.scope.in_subresource(DRAFT7.create_resource(schema)))
            except Exception:  # noqa: BLE001 - a malformed $id only loses scoping
                pass
        alts = self.alternatives(schema, at.scope)
        inlined = self._inlined.get((id(schema), id(at.scope)), ())
        if inlined:  # $refs merged into the alternatives count as hops for recursion
            seen = max(at.stack.count(i) for i in inlined)
            if seen >= MAX_RECURSION:
                return
            at = replace(at, stack=at.stack + inlined, mode="minimal" if seen else at.mode)
        seen_keys: set[str] = set()
        kept = 0
        for alt in alts:
            for c in self._plain(alt, at):
                k = json_key(c)
                if k in seen_keys:
                    continue
                seen_keys.add(k)
                if len(seen_keys) == 1:
                    found.first = c
                if self.valid(schema, at.scope, c):
                    yield c
                    kept += 1
                    if kept >= WANTED:
                        return
                if len(seen_keys) >= MAX_TRIED:
                    return

    def deref(self, schema: Any, scope: Any, hops: list[int] | None = None) -> Any:
        """``schema`` with $refs followed (targets recorded in ``hops``)."""
        for _ in range(16):
            if not (isinstance(schema, dict) and isinstance(schema.get("$ref"), str)):
                return schema
            try:
                target = scope.lookup(schema["$ref"])
            except Unresolvable:
                return True  # generation unconstrained; validation decides
            schema, scope = target.contents, target.resolver
            if hops is not None:
                hops.append(id(schema))
        return True

    def alternatives(self, schema: Any, scope: Any, depth: int = 0) -> list[Any]:
        """The combinator-free schemas whose instances may satisfy ``schema``."""
        if not isinstance(schema, dict) or not any(k in schema for k in COMBINATORS):
            return [schema]
        k = (id(schema), id(scope))
        hit = self._alts.get(k)
        if hit is not None:
            return hit[1]
        base = {k2: v for k2, v in schema.items() if k2 not in COMBINATORS}
        alts: list[Any] = [base]
        hops: list[int] = []

        def expand(sub: Any) -> list[Any]:
            sub = self.deref(sub, scope, hops)
            if depth >= 8 or hops.count(id(sub)) > 1:
                return [sub]
            found = self.alternatives(sub, scope, depth + 1)
            hops.extend(self._inlined.get((id(sub), id(scope)), ()))
            return found

        def combine(options: list[Any]) -> None:
            nonlocal alts
            alts = [m for a in alts for o in options
                    if (m := merge(a, o)) is not False][:MAX_BRANCHES]

        for branch in _list(schema.get("allOf")):
            combine(expand(branch))
        for key in ("anyOf", "oneOf"):
            if key in schema:
                combine([a for b in _list(schema[key]) for a in expand(b)])
        if "if" in schema:
            cond = self.deref(schema["if"], scope, hops)
            then = expand(merge(cond, self.deref(schema.get("then", True), scope, hops)))
            other = expand(schema.get("else", True))
            # minimal reads best without what the condition adds; full and test with it
            combine(other + then if self.mode == "minimal" else then + other)
        result: list[Any] = []
        for a in alts:  # merges can bring a nested conditional back: expand it too
            more = (self.alternatives(a, scope, depth + 1)
                    if isinstance(a, dict) and any(c in a for c in COMBINATORS) and depth < 8 else [a])
            result += more
        result = result[:MAX_BRANCHES]
        self._alts[k] = (schema, result)
        self._inlined[k] = tuple(dict.fromkeys(hops))
        return result

    def _plain(self, alt: Any, at: Where) -> Iterator[Any]:
        if alt is False or not isinstance(alt, (dict, bool)):
            return
        if alt is True:
            alt = {}
        if "const" in alt:
            yield alt["const"]
            return
        enum = alt.get("enum")
        if isinstance(enum, list):
            yield from self._pick(_seeded(alt) + list(enum), [], alt, at)
            return
        types = declared_types(alt)
        if "type" not in alt:  # untyped: the implied type first, then any other
            types += [t for t in _ALL_TYPES if t not in types]
        for t in types:
            if t == "object":
                yield from self._objects(alt, at)
            elif t == "array":
                yield from self._arrays(alt, at)
            elif t in _ALL_TYPES:
                general, test_flavoured = synthesise(t, alt, at.name, at.index)
                yield from self._pick(_seeded(alt) + general, test_flavoured, alt, at)

    def _pick(self, candidates: list[Any], test_flavoured: list[Any], schema: dict[str, Any],
              at: Where) -> list[Any]:
        """The valid candidates, the kind's choice first. minimal: the first valid one;
        full: the first valid example (else as minimal); test: the first valid value
        that is neither, preferring later examples and enum values, then ``test-...``
        spellings. ``index`` shifts the choice for array elements so they differ."""
        valid = [c for c in dedupe(candidates) if self.valid(schema, at.scope, c)]
        if not valid:
            return dedupe(candidates)[:1]  # the caller's validation reports it
        examples = schema.get("examples") if isinstance(schema.get("examples"), list) else []
        good_examples = [e for e in examples if self.valid(schema, at.scope, e)]
        minimal = valid[0]
        full = good_examples[0] if good_examples else minimal
        if at.mode == "minimal":
            chosen = minimal
        elif at.mode == "full":
            chosen = full
        else:
            taken = {json_key(minimal), json_key(full)}
            listed = {json_key(x) for x in good_examples + _list(schema.get("enum"))}
            seeded = [c for c in valid if json_key(c) in listed]
            tests = [c for c in dedupe(test_flavoured) if self.valid(schema, at.scope, c)]
            chosen = next((c for c in seeded + tests + valid if json_key(c) not in taken), minimal)
            if all(json_key(c) != json_key(chosen) for c in valid):
                valid.append(chosen)
        if at.index > 0:
            # Later array elements: synthesised strings already carry the index; values
            # that do not (examples, enum members, numbers, booleans) rotate instead.
            seeded_keys = {json_key(x) for x in _seeded(schema) + _list(schema.get("enum"))}
            if json_key(chosen) in seeded_keys:
                pool = [c for c in valid if json_key(c) in seeded_keys]
            elif test_flavoured:
                pool = [chosen]
            else:
                pool = valid
            pos = next(i for i, c in enumerate(pool) if json_key(c) == json_key(chosen))
            chosen = pool[(pos + at.index) % len(pool)]
        return [chosen] + [c for c in valid if json_key(c) != json_key(chosen)]

    # -- objects ---------------------------------------------------------------------

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
        names = [n for n in names if n in required or self._name_allowed(schema, props, n, at)]
        names = self._fit_property_count(schema, props, names, required, at)
        values: dict[str, Candidates] = {}
        for n in names:
            sub, ptr = _property_schema(effective, n)
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
            errors = self._errors(schema, at.scope, obj)
            if not errors and self.valid(schema, at.scope, obj):
                return obj
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
                for n in present[:12]:
                    if values[n].has(index[n] + 1):
                        trial = {**obj, n: values[n].get(index[n] + 1)}
                        if self.valid(schema, at.scope, trial):
                            return trial
                drop = next((n for n in droppable if n in present), None)
                if drop is None:
                    return obj  # invalid; the caller filters it and reports the keyword
                present.remove(drop)
        return None

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
            n = {"minimal": lo, "full": max(lo, 1), "test": max(lo, 1) + 1}[mode]
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
        contains = schema.get("contains")
        if contains is None or any(self.valid(contains, at.scope, x) for x in out):
            return out
        hi = count(schema.get("maxItems"))
        positions = list(range(len(out))) + ([len(out)] if hi is None or len(out) < hi else [])
        for pos in positions:
            sub, _ = self._element_schema(schema, pos)
            both = {"allOf": [sub, contains]}
            cands = self.candidates(both, at.child(singular(at.name), f"{at.ptr}/contains", pos))
            others = out[:pos] + out[pos + 1:]
            pick = next((c for c in cands if not unique or not any(same_json(c, o) for o in others)), None)
            if pick is not None:
                return out[:pos] + [pick] + out[pos + 1:]
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


_MISSING = object()


def _led_by(lead: list[Any], rest: Candidates) -> Candidates:
    """``lead`` first, then ``rest`` without repeating them (still lazy)."""
    out = Candidates()
    keys = {json_key(v) for v in lead}
    out.source = _chain(lead, rest, keys)
    out.first = lead[0]
    return out


def _chain(lead: list[Any], rest: Candidates, keys: set[str]) -> Iterator[Any]:
    yield from lead
    for v in rest:
        if json_key(v) not in keys:
            yield v


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _copy(value: Any) -> Any:
    import json

    return json.loads(json.dumps(value))


def _seeded(schema: dict[str, Any]) -> list[Any]:
    seeded = [schema["default"]] if "default" in schema else []
    return seeded + _list(schema.get("examples"))


def _search(pattern: str, name: str) -> bool:
    try:
        return re.search(pattern, name) is not None
    except (re.error, TypeError):
        return False


def _property_schema(schema: Any, name: str) -> tuple[Any, str]:
    """The subschema a property's value must satisfy, and its pointer (relative)."""
    if not isinstance(schema, dict):
        return True, "properties/" + escape_pointer(name)
    subs: list[tuple[Any, str]] = []
    props = _dict(schema.get("properties"))
    if name in props:
        subs.append((props[name], "properties/" + escape_pointer(name)))
    for pattern, sub in _dict(schema.get("patternProperties")).items():
        if _search(pattern, name):
            subs.append((sub, "patternProperties/" + escape_pointer(pattern)))
    if not subs:
        return schema.get("additionalProperties", True), "additionalProperties"
    if len(subs) == 1:
        return subs[0]
    return {"allOf": [s for s, _ in subs]}, subs[0][1]


__all__ = ["RootPolicy", "Validator", "Walker", "Where", "declared_types", "escape_pointer"]
