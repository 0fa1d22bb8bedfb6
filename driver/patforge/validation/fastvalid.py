"""Fast "valid" verdicts from jsonschema-rs; every message still comes from jsonschema.

Validating is most of what ``check`` does: each schema against its metaschema, each
spec against the repository's spec schema, each example against its schema. With
the pure-Python ``jsonschema`` that was ~45 % of a 1,000-pattern check (5 ms a spec,
1 ms a schema); ``jsonschema-rs`` (Rust, same drafts) gives the same verdict ~100x
faster. So a document is first asked of ``jsonschema-rs``:

* it says **valid**: done, nothing to report;
* it says invalid, cannot build a validator (a regex it does not support, a ``$ref``
  it cannot resolve), or is not installed: ``jsonschema`` judges as before and writes
  the messages users read. jsonschema has the last word on everything it is asked.

Where the two could differ, the fast path is not taken: a schema with a ``format``
keyword when the caller checks formats (the two libraries check different formats
in different ways). Regular expressions follow ECMA-262 in jsonschema-rs, as JSON
Schema specifies; tests/test_fastvalid.py runs the official draft-07 suite through
both and holds the fast path to never calling valid what jsonschema calls invalid.
"""

from __future__ import annotations

from typing import Any

from patforge.validation.bounded_schema import all_linear

try:  # a wheel for every platform patforge runs on; without it everything still works
    import jsonschema_rs
except ImportError:  # pragma: no cover - exercised by the fallback test with a stub
    jsonschema_rs = None

#: jsonschema's validator class name -> jsonschema-rs's validator for the same draft
_DRAFTS = {"Draft4Validator": "Draft4Validator", "Draft6Validator": "Draft6Validator",
           "Draft7Validator": "Draft7Validator", "Draft201909Validator": "Draft201909Validator",
           "Draft202012Validator": "Draft202012Validator"}


def _refuse(uri: str) -> Any:
    raise ValueError(f"{uri}: patforge does not retrieve schemas")


def _has_format(schema: Any) -> bool:
    """Whether a ``format`` key appears anywhere (a property named format counts too:
    it only costs the fast path)."""
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if "format" in node:
                return True
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return False


class FastValidator:
    """A jsonschema-rs validator for ``schema`` under the draft of ``python_cls`` (a
    jsonschema validator class), or nothing when the fast path does not apply."""

    __slots__ = ("_rs",)

    def __init__(self, schema: Any, python_cls: type, *, formats: bool = False) -> None:
        self._rs = None
        base = getattr(python_cls, "BASE", python_cls)  # a bounded class reads its base draft
        name = _DRAFTS.get(getattr(base, "__name__", ""))
        if jsonschema_rs is None or name is None or not isinstance(schema, (dict, bool)):
            return
        if formats and _has_format(schema):
            return
        if not all_linear(schema):
            # jsonschema-rs runs look-arounds and back-references on a backtracking engine
            # (fancy-regex) without a bound: such a schema is judged by the bounded jsonschema
            return
        try:
            # A retriever that refuses: jsonschema-rs would otherwise fetch http(s) and
            # file references (schemaref.py explains why nothing outside is followed).
            self._rs = getattr(jsonschema_rs, name)(schema, validate_formats=False, retriever=_refuse)
        except Exception:  # noqa: BLE001 - anything it cannot build, jsonschema judges
            self._rs = None

    def is_valid(self, instance: Any) -> bool:
        """True only when ``instance`` is valid for sure; False means "ask jsonschema"."""
        if self._rs is None:
            return False
        try:
            return bool(self._rs.is_valid(instance))
        except Exception:  # noqa: BLE001 - a value it cannot take (e.g. a huge integer)
            return False


#: The validator of the last schema asked about, by identity: a pattern's three
#: examples are validated against the same schema object, one after the other.
_last: tuple[Any, type, bool, FastValidator] | None = None


def surely_valid(schema: Any, instance: Any, python_cls: type, *, formats: bool = False) -> bool:
    """``FastValidator(schema, python_cls, formats=formats).is_valid(instance)``, the
    validator reused while the same schema object is asked about again."""
    global _last
    if _last is None or _last[0] is not schema or _last[1] is not python_cls or _last[2] != formats:
        _last = (schema, python_cls, formats, FastValidator(schema, python_cls, formats=formats))
    return _last[3].is_valid(instance)
