"""Example instances for any draft-07 schema: the three kinds patforge writes.

Three instances per pattern, each with a contract the tests hold it to:

* ``instance_minimal``: ``doc_id``, ``pattern_id`` (where the schema allows them)
  and exactly what is required (recursively; arrays with ``minItems`` elements)
  -- what a user must write at the very least.
* ``instance_full``: every property, nested field and output, and a deterministic
  ``metadata`` block when the schema has one -- documentation by example.
* ``instance_test``: a realistic test scenario whose values differ from the other
  two wherever the constraints allow (second enum value, a later example,
  ``test-...`` strings, other numbers inside the bounds, more array elements).

The schema is the authority: a compiled patforge schema or one a person wrote, in
any shape (envelope or flat, ``$ref``/``definitions``, combinators, conditionals,
``dependencies``, formats, boolean schemas). :mod:`patforge.schemawalk` finds the
values; every instance is validated with jsonschema's ``Draft7Validator`` (with
format checking). When none can be made, :class:`NoInstanceError` names the
keyword that blocks every candidate and its JSON pointer.

Why a walker and not hypothesis-jsonschema: the output is committed next to the
user's files, so it must be readable and byte-for-byte stable across runs and
versions, and it must take milliseconds (docs/performance.md).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import jsonschema
from jsonschema.exceptions import best_match
from referencing.exceptions import Unresolvable

from patforge.boundedschema import Draft7
from patforge.errors import NoInstanceError
from patforge.fastvalid import surely_valid
from patforge.jsonmsg import readable
from patforge.regexgen import regex_strings
from patforge.schemawalk import RootPolicy, Walker, escape_pointer
from patforge.walktypes import MAX_DEPTH, MAX_WORK

INSTANCE_KINDS: tuple[str, ...] = ("instance_minimal", "instance_full", "instance_test")
#: The kind names users type (``patforge example --kind``).
KINDS: tuple[str, ...] = ("minimal", "full", "test")
_MODES = {"instance_minimal": "minimal", "instance_full": "full", "instance_test": "test"}

_Validator = Draft7  # regexes bounded (boundedschema.py)
#: Recorded in the examples kind's answers files: bump it when the instances generated
#: for the same schema change (tests/golden shows it). 2: the candidate walker (any
#: draft-07 schema; compiled schemas give the same bytes, hand-written ones may not).
GENERATOR_VERSION = "2"


def instance_to_text(instance: Any) -> str:
    """Serialise an instance the way it is written to disk (keys in schema order)."""
    return json.dumps(instance, indent=2, ensure_ascii=False) + "\n"


def validate_instance(schema: dict[str, Any], instance: Any) -> list[str]:
    """Every way ``instance`` fails ``schema``, as sorted ``<json path>: <message>`` lines."""
    if surely_valid(schema, instance, _Validator, formats=True):
        return []
    v = _Validator(schema, format_checker=_Validator.FORMAT_CHECKER)
    return sorted(readable(e) for e in v.iter_errors(instance))  # JSON values, not Python reprs


@dataclass(frozen=True)
class Blocker:
    """The keyword (``"false"`` for a boolean schema) that no candidate gets past."""

    keyword: str
    pointer: str
    detail: str = ""

    def message(self) -> str:
        what = _BOUNDS.get(self.keyword) or ("the boolean schema false" if self.keyword == "false"
                                             else f'"{self.keyword}"')
        text = f"{what} at {self.pointer} blocks every candidate"
        return f"{text}: {self.detail}" if self.detail else text

    def hint(self) -> str:
        if self.keyword in _BOUNDS:
            return (f"simplify the schema at {self.pointer} (fewer nested levels or alternatives), "
                    "or write the examples by hand")
        return f"relax {self.keyword!r} at {self.pointer} in the schema"

    def error(self) -> NoInstanceError:
        # "could not find": the walker searched with a bound; it proves nothing about the schema
        return NoInstanceError(f"could not find a valid instance: {self.message()}", keyword=self.keyword,
                               pointer=self.pointer, hint=self.hint())


#: Blocker keywords that are the generator's own bounds, not the schema's keywords.
_BOUNDS = {"depth": "the generator's depth bound", "work": "the generator's work bound"}


@dataclass
class ExampleSet:
    """The instances (by kind), and which requested ids each embeds."""

    instances: dict[str, Any]
    embedded: dict[str, bool] = field(default_factory=dict)
    blocker: Blocker | None = None

    @property
    def sidecar_ids(self) -> list[str]:
        """Requested ids the schema does not let every instance carry: the examples
        must be linked to them through a sidecar."""
        return [k for k, ok in self.embedded.items() if not ok]


def _policy(schema: Any, mode: str, ids: dict[str, str]) -> RootPolicy:
    """patforge's envelope (``inputs`` at the top) keeps its conventions: inputs in every
    kind, outputs only in full, a ``metadata`` block that names the scenario."""
    props = schema.get("properties") if isinstance(schema, dict) else None
    if not isinstance(props, dict) or "inputs" not in props:
        return RootPolicy(pinned=dict(ids))
    preferred = {"metadata": {"generated_by": "patforge", "scenario": mode}} if mode != "minimal" else {}
    return RootPolicy(pinned=dict(ids), always=("inputs",), skip_in_test=("outputs",),
                      preferred=preferred)


def _root_name(schema: Any) -> str:
    title = schema.get("title") if isinstance(schema, dict) else None
    if isinstance(title, str) and title.strip() and len(title) <= 40:
        words = "".join(ch if ch.isalnum() else " " for ch in title.lower()).split()
        if words:
            return "_".join(words)
    return "value"


def _build(schema: Any, mode: str, ids: dict[str, str]) -> tuple[Any, Blocker | None]:
    walker = Walker(schema, mode, _policy(schema, mode, ids))
    found = walker.candidates(schema, walker.start(_root_name(schema)))
    if found:
        return found.get(0), None
    if walker.depth_cut is not None:
        return found.first, Blocker("depth", walker.depth_cut,
                                    f"the schema nests deeper than the {MAX_DEPTH} levels the generator follows")
    blocker = find_blocker(schema, found.first)
    if walker.exhausted:  # the keyword that rejects the best try, and why the search stopped
        note = f"the search stopped after {MAX_WORK:,} validations (its bound)"
        blocker = Blocker(blocker.keyword, blocker.pointer,
                          f"{blocker.detail}; {note}" if blocker.detail else note)
    return found.first, blocker


def _ids(doc_id: str | None, pattern_id: str | None) -> dict[str, str]:
    return {k: v for k, v in (("doc_id", doc_id), ("pattern_id", pattern_id)) if v is not None}


def generate_examples(schema: Any, *, doc_id: str | None = None, pattern_id: str | None = None,
                      kinds: tuple[str, ...] = INSTANCE_KINDS, strict: bool = True) -> ExampleSet:
    """Valid instances of ``schema`` for ``kinds`` (``INSTANCE_KINDS`` names).

    ``doc_id``/``pattern_id`` are embedded at the top level only where the schema
    accepts them there (a declared property or an open object, the value passing
    its subschema, ``const`` and ``propertyNames``); :attr:`ExampleSet.sidecar_ids`
    lists those it refused. With ``strict`` (the default) an unsatisfiable schema
    raises :class:`NoInstanceError` naming the blocking keyword; otherwise the
    best invalid candidate is returned and :attr:`ExampleSet.blocker` says why."""
    ids = _ids(doc_id, pattern_id)
    result = ExampleSet(instances={}, embedded={k: True for k in ids})
    for kind in kinds:
        instance, blocker = _build(schema, _MODES.get(kind, kind), ids)
        if blocker is not None:
            if strict:
                raise blocker.error()
            result.blocker = result.blocker or blocker
        result.instances[kind] = instance
        for k, v in ids.items():
            if not (isinstance(instance, dict) and instance.get(k) == v):
                result.embedded[k] = False
    return result


def example_instance(schema: Any, kind: str = "minimal", *, doc_id: str | None = None,
                     pattern_id: str | None = None) -> ExampleSet:
    """One instance of ``kind`` (minimal, full or test); raises :class:`NoInstanceError`."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    return generate_examples(schema, doc_id=doc_id, pattern_id=pattern_id,
                             kinds=(f"instance_{kind}",))


def generate_instances(schema: dict[str, Any], *, doc_id: str,
                       pattern_id: str) -> dict[str, dict[str, Any]]:
    """The three example instances for ``schema``, in :data:`INSTANCE_KINDS` order.

    Never raises: when the schema admits no instance the best candidate is returned
    and the caller's validation (:func:`validate_instance`) reports it."""
    return generate_examples(schema, doc_id=doc_id, pattern_id=pattern_id, strict=False).instances


# -- naming what blocks -------------------------------------------------------------

def find_blocker(schema: Any, instance: Any) -> Blocker:
    """The keyword and JSON pointer that reject ``instance`` (the walker's best try)."""
    v = _Validator(schema, format_checker=_Validator.FORMAT_CHECKER)
    try:
        err = best_match(v.iter_errors(instance))
    except Unresolvable as exc:
        return _unresolvable(schema, exc)
    if err is None:  # valid after all (cannot happen for a rejected candidate)
        return Blocker("schema", "#", "no candidate was produced")
    path = list(err.absolute_schema_path)
    if err.validator is None:  # a boolean schema false (its list index is not in the path)
        ptr = _locate(v, path, follow_last=True)
        node = _node_at(v, path)
        if isinstance(node, list):
            index = next((i for i, sub in enumerate(node) if _derefs_to_false(v, sub)), None)
            if index is not None:
                ptr = _locate(v, [*path, index], follow_last=True)
        return Blocker("false", ptr)
    keyword = str(path[-1]) if path else str(err.validator)
    detail = err.message if len(err.message) <= 160 else err.message[:157] + "..."
    return Blocker(keyword, _locate(v, path[:-1], follow_last=True), detail)


def _locate(validator: Any, path: list[Any], *, follow_last: bool) -> str:
    """The JSON pointer of ``path`` (an error's schema path) in the schema document.

    jsonschema leaves ``$ref`` out of schema paths; in draft-07 a ``$ref`` replaces its
    siblings, so wherever the walk meets one, it continues at the target (whose
    pointer is the ref itself when it is local)."""
    node: Any = validator.schema
    ptr = "#"
    scope = validator._resolver

    def follow() -> None:
        nonlocal node, ptr, scope
        for _ in range(32):
            if not (isinstance(node, dict) and isinstance(node.get("$ref"), str)):
                return
            ref = node["$ref"]
            try:
                target = scope.lookup(ref)
            except Unresolvable:
                return
            node, scope, ptr = target.contents, target.resolver, ref if ref.startswith("#") else ref

    for i, tok in enumerate(path):
        follow()
        try:
            node = node[tok]
        except (KeyError, IndexError, TypeError):
            return ptr + "".join("/" + escape_pointer(t) for t in path[i:])
        ptr += "/" + escape_pointer(tok)
    if follow_last:
        follow()
    return ptr


def _node_at(validator: Any, path: list[Any]) -> Any:
    node: Any = validator.schema
    scope = validator._resolver
    for tok in path:
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            try:
                target = scope.lookup(node["$ref"])
            except Unresolvable:
                return None
            node, scope = target.contents, target.resolver
        try:
            node = node[tok]
        except (KeyError, IndexError, TypeError):
            return None
    return node


def _derefs_to_false(validator: Any, sub: Any) -> bool:
    for _ in range(16):
        if not (isinstance(sub, dict) and isinstance(sub.get("$ref"), str)):
            break
        try:
            sub = validator._resolver.lookup(sub["$ref"]).contents
        except Unresolvable:
            return False
    return sub is False


def _unresolvable(schema: Any, exc: Exception) -> Blocker:
    """A ``$ref`` jsonschema cannot resolve (remote, or a typo): point at it."""
    ref = getattr(exc, "ref", None) or str(exc)

    def find(node: Any, ptr: str) -> str | None:
        if isinstance(node, dict):
            if isinstance(node.get("$ref"), str) and (node["$ref"] == ref or node["$ref"].endswith(ref)):
                return ptr
            for k, v in node.items():
                hit = find(v, f"{ptr}/{escape_pointer(k)}")
                if hit:
                    return hit
        elif isinstance(node, list):
            for i, v in enumerate(node):
                hit = find(v, f"{ptr}/{i}")
                if hit:
                    return hit
        return None

    return Blocker("$ref", find(schema, "#") or "#", f"cannot resolve {ref!r}")


__all__: list[str] = ["Blocker", "ExampleSet", "GENERATOR_VERSION", "INSTANCE_KINDS", "KINDS",
                      "example_instance", "find_blocker", "generate_examples",
                      "generate_instances", "instance_to_text", "regex_strings",
                      "validate_instance"]
