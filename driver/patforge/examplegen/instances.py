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
``dependencies``, formats, boolean schemas). :mod:`patforge.examplegen.schemawalk` finds the
values; every instance is validated with jsonschema's ``Draft7Validator`` (with
format checking). When none can be made, :class:`NoInstanceError` names the
keyword that rejected every candidate tried, its JSON pointer and what was tried
("no valid instance exists" only when the schema is proved unsatisfiable).

Why a walker and not hypothesis-jsonschema: the output is committed next to the
user's files, so it must be readable and byte-for-byte stable across runs and
versions, and it must take milliseconds (docs/performance.md).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from typing import Any

from jsonschema.exceptions import best_match
from referencing.exceptions import Unresolvable

from patforge.validation.bounded_schema import Draft7
from patforge.errors import NoInstanceError
from patforge.validation.fastvalid import surely_valid
from patforge.validation.messages import readable, readable_message, shown
from patforge.examplegen.regexgen import regex_strings
from patforge.examplegen.schemamerge import json_key
from patforge.validation.refs import validator
from patforge.examplegen.schemawalk import RootPolicy, Walker, escape_pointer
from patforge.examplegen.walktypes import MAX_DEPTH, BudgetSpent
from patforge.repository.layout import EXAMPLE_FILES

#: The instance kinds, named as their files are (``instance_full`` -> ``instance_full.json``).
INSTANCE_KINDS: tuple[str, ...] = tuple(name.removesuffix(".json") for name in EXAMPLE_FILES)
#: The kind names users type (``patforge example --kind``).
KINDS: tuple[str, ...] = ("minimal", "full", "test")
_MODES = {"instance_minimal": "minimal", "instance_full": "full", "instance_test": "test"}

_Validator = Draft7  # draft-07, patterns read as ECMA-262 and bounded (bounded_schema.py)
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
    v = validator(schema, _Validator, formats=True)
    try:
        return sorted(readable(e) for e in v.iter_errors(instance))  # JSON values, not Python reprs
    except Unresolvable as exc:  # schema_problem names it first; never fetched, never a traceback
        return [f'cannot resolve $ref "{getattr(exc, "ref", exc)}" inside the schema']


@dataclass(frozen=True)
class Blocker:
    """The keyword (``"false"`` for a boolean schema) that no candidate gets past."""

    keyword: str
    pointer: str
    detail: str = ""
    #: what was tried ("full: 14 candidates from 3 branches"); empty when ``proved``
    tried: str = ""
    #: the schema admits no instance at all (false, or every branch contradicts itself)
    proved: bool = False

    def message(self) -> str:
        what = ("the boolean schema false" if self.keyword == "false"
                else f'"{self.keyword}"')
        if self.keyword == "budget":
            return f"generation stopped at {self.pointer}: {self.detail}"
        if self.keyword == "depth":
            return f"the generator's depth bound at {self.pointer}: {self.detail}"
        if self.proved:
            text = f"{what} at {self.pointer} admits no instance"
        else:
            text = f"{what} at {self.pointer} rejected every candidate tried"
            text += f" ({self.tried})" if self.tried else ""
        return f"{text}: {self.detail}" if self.detail else text

    def headline(self) -> str:
        """What the generator can claim: that no instance exists only when proved."""
        return "no valid instance exists" if self.proved else "could not find a valid instance"

    def error(self) -> NoInstanceError:
        hint = (f"write the example by hand, or simplify the schema near {self.pointer} (fewer nested "
                "levels or alternatives)" if self.keyword in ("budget", "depth")
                else f"relax {shown(self.keyword)} at {self.pointer} in the schema")
        return NoInstanceError(f"{self.headline()}: {self.message()}", keyword=self.keyword,
                               pointer=self.pointer, hint=hint)


@dataclass
class ExampleSet:
    """The instances (by kind), and which requested ids each embeds."""

    instances: dict[str, Any]
    embedded: dict[str, bool] = field(default_factory=dict)
    blocker: Blocker | None = None
    #: what the generator gave up and why (a kind reduced to minimal on its budget)
    notes: list[str] = field(default_factory=list)

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


def _authored(schema: Any, ids: dict[str, str]) -> list[Any]:
    """The schema's own ``examples`` then ``default`` (instances its author wrote) that
    validate, each with the requested ids embedded where the schema still accepts that."""
    if not isinstance(schema, dict):
        return []
    seeds = (schema["examples"] if isinstance(schema.get("examples"), list) else [])
    seeds = seeds + ([schema["default"]] if "default" in schema else [])
    out: list[Any] = []
    for seed in seeds[:16]:
        with_ids = {**ids, **seed} if isinstance(seed, dict) and ids else seed
        for candidate in (with_ids, seed):
            if not validate_instance(schema, candidate):
                if all(json_key(candidate) != json_key(o) for o in out):
                    out.append(candidate)
                break
    return out


def _build(schema: Any, mode: str, ids: dict[str, str]) -> tuple[Any, Blocker | None, str]:
    """(instance, what blocks it, a note on what was given up). A walk that spends its
    check budget falls back to the minimal kind (cheapest, same contract of validity);
    a minimal walk that spends it is reported as the blocker, with where it stopped."""
    # The author's own instances come first for full and test (full the first, test
    # another); minimal keeps its contract (just what is required) unless none is found.
    authored = _authored(schema, ids)
    pick = {"full": 0, "test": 1}.get(mode)
    if pick is not None and len(authored) > pick:
        return authored[pick], None, ""
    note = ""
    for walk_mode in dict.fromkeys((mode, "minimal")):
        walker = Walker(schema, walk_mode, _policy(schema, walk_mode, ids))
        try:
            found = walker.candidates(schema, walker.start(_root_name(schema)))
            if found:
                return found.get(0), None, note
        except BudgetSpent as spent:
            note = (f"the {mode} instance {spent} (the generator's budget); "
                    f"the minimal one is used instead" if walk_mode != "minimal" else "")
            if walk_mode == "minimal":
                if authored:
                    return authored[0], None, ""
                return None, Blocker("budget", spent.pointer, f"{spent.checks} checks spent (the generator's "
                                     "budget) on the minimal instance"), ""
            continue
        break
    if authored:
        return authored[0], None, note
    if walker.depth_cut is not None:
        return found.first, Blocker("depth", walker.depth_cut, f"the schema nests deeper than the {MAX_DEPTH} "
                                    "levels the generator follows"), note
    blocker = find_blocker(schema, found.first)
    # Proved only where the schema is false or every branch merged into a contradiction.
    root = walker.deref(schema, walker.start().scope)
    proved = root is False or (isinstance(root, dict) and walker.alternatives(root, walker.start().scope) == [])
    tried = (f"{walk_mode}: {walker.checks} value{'s' if walker.checks != 1 else ''} checked, "
             f"{found.tried} whole candidate{'s' if found.tried != 1 else ''} from "
             f"{found.branches} branch{'es' if found.branches != 1 else ''}")
    return found.first, replace(blocker, proved=proved, tried="" if proved else tried), note


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
        instance, blocker, note = _build(schema, _MODES.get(kind, kind), ids)
        if note:
            result.notes.append(note)
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
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {shown(kind)}")
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
    v = validator(schema, _Validator, formats=True)
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
    message = readable_message(err)
    detail = message if len(message) <= 160 else message[:157] + "..."
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

    return Blocker("$ref", find(schema, "#") or "#", f"cannot resolve {shown(ref)}")


__all__: list[str] = ["Blocker", "ExampleSet", "GENERATOR_VERSION", "INSTANCE_KINDS", "KINDS",
                      "example_instance", "find_blocker", "generate_examples",
                      "generate_instances", "instance_to_text", "regex_strings",
                      "validate_instance"]
