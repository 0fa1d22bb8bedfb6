"""The walker's small data types and helpers: where it is in a schema (:class:`Where`),
lazily computed candidate lists (:class:`Candidates`), how the top-level object is
filled (:class:`RootPolicy`), and the schema-reading helpers the walker shares."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Iterator

from patforge.validation.bounded_schema import Draft7
from patforge.validation.regexes import matches_or_false
from patforge.examplegen.schemamerge import json_key

Validator = Draft7  # jsonschema's, with bounded regexes (boundedschema.py)
COMBINATORS = ("allOf", "anyOf", "oneOf", "if", "then", "else")
#: Valid candidates kept per (sub)schema: enough for uniqueItems and backtracking.
WANTED = 6
MAX_DEPTH = 48
#: How often one $ref target may recur on a path (recursive schemas) before giving up.
MAX_RECURSION = 4
_BACKTRACK_STEPS = 24
#: Candidates tried per (sub)schema before it counts as unsatisfiable.
MAX_TRIED = 120
#: Validations one walk may spend (deterministic, unlike a clock): a walk that needs more
#: stops, and the caller falls back to a cheaper kind or reports where it stopped.
CHECK_BUDGET = 4000
_ALL_TYPES = ("string", "integer", "number", "boolean", "null", "object", "array")


class BudgetSpent(Exception):
    """A walk spent :data:`CHECK_BUDGET` validations; ``pointer``: where it was then."""

    def __init__(self, checks: int, pointer: str) -> None:
        super().__init__(f"stopped after {checks} checks at {pointer}")
        self.checks, self.pointer = checks, pointer


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
        self.tried = 0  # distinct candidates examined (what a "could not find" names)
        self.branches = 0  # alternatives (anyOf/oneOf/if branches, merged) they came from
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
        return Where(name, self.index if index is None else index, ptr, self.scope,
                     self.depth + 1, self.stack, self.mode, False)


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
    return json.loads(json.dumps(value))


def _seeded(schema: dict[str, Any]) -> list[Any]:
    seeded = [schema["default"]] if "default" in schema else []
    return seeded + _list(schema.get("examples"))


def _search(pattern: str, name: str) -> bool:
    return matches_or_false(pattern, name)  # ECMA-262, bounded; invalid or runaway: no match


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


__all__ = ["CHECK_BUDGET", "BudgetSpent", "Candidates", "RootPolicy", "Validator", "Where", "declared_types", "dedupe",
           "escape_pointer", "singular"]
