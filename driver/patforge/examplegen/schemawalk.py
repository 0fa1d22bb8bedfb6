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
  then from :mod:`patforge.examplegen.leafvalues`.

Nothing random: the same schema always gives the same values. The caller
(:mod:`patforge.examplegen.instances`) turns "no candidate" into an error naming the
blocking keyword.
"""
from __future__ import annotations

from dataclasses import replace
from itertools import chain
from typing import Any, Iterator

from referencing.exceptions import Unresolvable
from referencing.jsonschema import DRAFT7

from patforge.examplegen.leafvalues import synthesise
from patforge.examplegen.schemamerge import MAX_BRANCHES, json_key, merge
from patforge.validation.refs import validator
from patforge.examplegen.walkshapes import ShapeBuilder
from patforge.examplegen.walktypes import (
    _ALL_TYPES,
    CHECK_BUDGET,
    BudgetSpent,
    COMBINATORS,
    MAX_DEPTH,
    MAX_RECURSION,
    MAX_TRIED,
    WANTED,
    Candidates,
    RootPolicy,
    Validator,
    Where,
    _list,
    _seeded,
    declared_types,
    dedupe,
    escape_pointer,
)

class Walker(ShapeBuilder):
    """Candidates for one root schema and one kind (``minimal``, ``full``, ``test``)."""

    def __init__(self, root: Any, mode: str, policy: RootPolicy | None = None,
                 budget: int | None = None) -> None:
        self.root = root
        self.budget = CHECK_BUDGET if budget is None else budget
        self.ptr = "#"  # where the walk is (what a spent budget reports)
        self.mode = mode
        self.policy = policy or RootPolicy()
        self._root_validator = validator(root, Validator, formats=True)  # offline $ref
        self._validators: dict[tuple[int, Any], tuple[Any, Any, Any]] = {}
        self._alts: dict[tuple[int, Any], tuple[Any, list[Any]]] = {}
        self._inlined: dict[tuple[int, Any], tuple[int, ...]] = {}
        self._built: Any = object()  # the last object _object validated against its own schema
        self._shallows: dict[tuple[int, frozenset[str]], tuple[Any, Any]] = {}
        self._verdicts: dict[tuple[int, Any, str], bool] = {}
        self.checks = 0  # candidate values validated (what a "could not find" reports as tried)
        # Each (sub)schema's candidates are computed once per place in the walk (memo):
        # trying both kinds at every level costs twice the levels, not 2**levels.
        self._memo: dict[tuple[Any, ...], tuple[Any, Candidates]] = {}
        self.depth_cut: str | None = None  # where the walk first went MAX_DEPTH levels deep

    def start(self, name: str = "value") -> Where:
        return Where(name=name, index=0, ptr="#", scope=self._root_validator._resolver, mode=self.mode)

    # -- validation ----------------------------------------------------------------

    def _validator(self, schema: Any, scope: Any) -> Any:
        k = (id(schema), _scope_key(scope))
        hit = self._validators.get(k)
        if hit is None:  # the schema and scope are kept alive with it, so ids stay unique
            # Constructed directly, not by ``evolve``: evolve looks the dialect up again.
            hit = (schema, scope, Validator(schema, format_checker=Validator.FORMAT_CHECKER,
                                            _resolver=scope))
            self._validators[k] = hit
        return hit[2]

    def _spend(self) -> None:
        self.checks += 1
        if self.checks > self.budget:
            raise BudgetSpent(self.budget, self.ptr)

    def valid(self, schema: Any, scope: Any, value: Any) -> bool:
        # The same value meets the same schema again and again (a leaf's few candidates,
        # an object tried by several branches): each verdict is computed once.
        k = (id(schema), _scope_key(scope), json_key(value))
        hit = self._verdicts.get(k)
        if hit is not None:
            return hit
        self._spend()
        try:
            verdict = self._validator(schema, scope).is_valid(value)
        except (Unresolvable, RecursionError):
            verdict = False
        self._verdicts[k] = verdict  # the schema stays alive in self._validators: ids not reused
        return verdict

    def _errors(self, schema: Any, scope: Any, value: Any) -> list[Any] | None:
        """The validation errors ([] when valid); None when validation itself fails."""
        self._spend()
        try:
            return list(self._validator(schema, scope).iter_errors(value))
        except (Unresolvable, RecursionError):
            return None

    # -- candidates ----------------------------------------------------------------

    def candidates(self, schema: Any, at: Where) -> "Candidates":
        """The valid candidates for ``schema``, best first, computed only as far as asked
        (once per schema, scope, kind, name, position, $ref path and depth: the lazy list
        is shared, so trying both kinds at every level costs twice the levels, not 2**n)."""
        key = (id(schema), _scope_key(at.scope), at.mode, at.name, at.index, at.stack, at.at_root, at.depth)
        hit = self._memo.get(key)
        if hit is not None:
            return hit[1]
        found = Candidates()
        found.source = self._valid(schema, at, found)
        self._memo[key] = (schema, found)  # the schema is kept alive with it: ids stay unique
        return found

    def _valid(self, schema: Any, at: Where, found: "Candidates") -> Iterator[Any]:
        if at.depth > MAX_DEPTH:
            self.depth_cut = self.depth_cut or at.ptr
            return
        self.ptr = at.ptr
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
        found.branches = len(alts)
        inlined = self._inlined.get((id(schema), _scope_key(at.scope)), ())
        if inlined:  # $refs merged into the alternatives count as hops for recursion
            seen = max(at.stack.count(i) for i in inlined)
            if seen >= MAX_RECURSION:
                return
            at = replace(at, stack=at.stack + inlined, mode="minimal" if seen else at.mode)
        seen_keys: set[str] = set()
        kept = 0
        for alt in alts:
            for c, checked in self._plain(alt, at):
                k = json_key(c)
                if k in seen_keys:
                    continue
                seen_keys.add(k)
                found.tried = len(seen_keys)
                if len(seen_keys) == 1:
                    found.first = c
                if (checked and alt is schema) or self.valid(schema, at.scope, c):
                    yield c
                    kept += 1
                    if kept >= WANTED:
                        return
                if len(seen_keys) >= MAX_TRIED:
                    return
        if kept == 0 and len(alts) > 1 and "object" in declared_types(schema):
            # No branch's object holds under the whole schema (an ``else`` that cannot see
            # what its ``if`` rules out): build against the whole schema, whose errors
            # steer the property values (another enum member, say).
            for obj in self._objects(schema, at):
                k = json_key(obj)
                if k not in seen_keys and self._built is obj:
                    seen_keys.add(k)
                    yield obj
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
        k = (id(schema), _scope_key(scope))
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
            hops.extend(self._inlined.get((id(sub), _scope_key(scope)), ()))
            return found

        devs = [0]  # per alternative: how many of its choices are not the preferred one

        def combine(options: list[Any]) -> None:
            nonlocal alts, devs
            pairs = [(m, d + j) for a, d in zip(alts, devs) for j, o in enumerate(options)
                     if (m := merge(a, o)) is not False]
            if len(pairs) > MAX_BRANCHES:
                # Breadth first: keep the combinations that differ least from the preferred
                # one, not the first 32 (which all share the first conditional's choice).
                pairs.sort(key=lambda pair: pair[1])
            alts, devs = [m for m, _ in pairs[:MAX_BRANCHES]], [d for _, d in pairs[:MAX_BRANCHES]]

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

    def _plain(self, alt: Any, at: Where) -> Iterator[tuple[Any, bool]]:
        """(candidate, already validated against ``alt``) pairs, best first."""
        if alt is False or not isinstance(alt, (dict, bool)):
            return
        if alt is True:
            alt = {}
        if "const" in alt:
            yield alt["const"], False
            return
        enum = alt.get("enum")
        if isinstance(enum, list):
            yield from self._picked(_seeded(alt) + list(enum), [], alt, at)
            return
        types = declared_types(alt)
        if "type" not in alt:  # untyped: the implied type first, then any other
            types += [t for t in _ALL_TYPES if t not in types]
        for t in types:
            if t == "object":
                for obj in self._objects(alt, at):
                    yield obj, self._built is obj
            elif t == "array":
                for arr in self._arrays(alt, at):
                    yield arr, False
            elif t in _ALL_TYPES:
                general, test_flavoured = synthesise(t, alt, at.name, at.index)
                yield from self._picked(_seeded(alt) + general, test_flavoured, alt, at)

    def _picked(self, candidates: list[Any], test_flavoured: list[Any], schema: dict[str, Any],
                at: Where) -> Iterator[tuple[Any, bool]]:
        """The valid candidates, the kind's choice first (paired with True: validated);
        ``[(best guess, False)]`` when none is valid. minimal: the first valid one;
        full: the first valid example (else as minimal); test: the first valid value
        that is neither, preferring later examples and enum values, then ``test-...``
        spellings. ``index`` shifts the choice for array elements so they differ.
        Candidates are validated only as far as the choice needs (a leaf has ~25)."""
        cands = dedupe(candidates)
        verdicts: dict[str, bool] = {}

        def ok(c: Any) -> bool:
            k = json_key(c)
            if k not in verdicts:
                verdicts[k] = self.valid(schema, at.scope, c)
            return verdicts[k]

        minimal = next((c for c in cands if ok(c)), _NONE)
        if minimal is _NONE:
            if cands:
                yield cands[0], False  # the caller's validation reports it
            return
        examples = schema.get("examples") if isinstance(schema.get("examples"), list) else []
        good_examples = [e for e in examples if ok(e)]
        full = good_examples[0] if good_examples else minimal
        if at.mode == "minimal":
            chosen = minimal
        elif at.mode == "full":
            chosen = full
        else:
            taken = {json_key(minimal), json_key(full)}
            listed = {json_key(x) for x in good_examples + _list(schema.get("enum"))}
            seeded = (c for c in cands if json_key(c) in listed and ok(c))
            tests = (c for c in dedupe(test_flavoured) if ok(c))
            rest = (c for c in cands if ok(c))
            chosen = next((c for c in chain(seeded, tests, rest) if json_key(c) not in taken), minimal)
        if at.index > 0:
            # Later array elements: synthesised strings already carry the index; values
            # that do not (examples, enum members, numbers, booleans) rotate instead.
            seeded_keys = {json_key(x) for x in _seeded(schema) + _list(schema.get("enum"))}
            if json_key(chosen) in seeded_keys:
                pool = [c for c in cands if json_key(c) in seeded_keys]
            elif test_flavoured:
                pool = [chosen]
            else:
                pool = cands
            chosen = _rotate(pool, chosen, at.index, ok)
        yield chosen, True
        for c in cands:
            if json_key(c) != json_key(chosen) and ok(c):
                yield c, True


_NONE = object()


def _scope_key(scope: Any) -> Any:
    """What a ``$ref`` scope resolves by: its base URI. Every lookup returns a new
    resolver object, so keying caches by the object's id would miss every time."""
    uri = getattr(scope, "_base_uri", None)
    return id(scope) if uri is None else ("uri", uri)
_SCALARS = (str, int, float, bool, type(None))


def _rotate(pool: list[Any], chosen: Any, steps: int, ok: Any) -> Any:
    """The valid member of ``pool`` ``steps`` places after ``chosen``, cyclically, counting
    only valid ones; validated lazily, as far as the steps go (a 1,000-member enum
    costs a few checks, not a thousand)."""
    key = json_key(chosen)
    pos = next((i for i, c in enumerate(pool) if json_key(c) == key), None)
    if pos is None:
        return chosen
    i, left, lap = pos, steps, 0
    while left:
        i = (i + 1) % len(pool)
        if ok(pool[i]):
            left -= 1
            lap += 1
        if i == pos:  # a full lap counted the valid members: skip further laps
            left %= max(lap, 1)
            lap = 0
    return pool[i]


__all__ = ["RootPolicy", "Validator", "Walker", "Where", "declared_types", "escape_pointer"]
