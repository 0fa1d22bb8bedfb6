"""The spec dialect's vocabulary (was the top of ``spec/dialect.py``): its type names,
field keys and their habits, the JSON Schema key order, and the small helpers that
describe a value in a message. ``spec/dialect.py`` compiles one field with them.
"""

from __future__ import annotations

import json
from typing import Any, Mapping

#: The dialect's ``type`` values (also JSON Schema's, minus ``null``).
TYPE_NAMES: tuple[str, ...] = ("string", "boolean", "integer", "number", "array", "object")
#: Python-ish spellings seen in hand-written specs; accepted with a warning.
TYPE_ALIASES: dict[str, str] = {
    "int": "integer", "bool": "boolean", "float": "number",
    "str": "string", "list": "array", "dict": "object", "path": "string", "file": "string",
}

#: Every key a field description may carry, in the dialect's spelling.
FIELD_KEYS: tuple[str, ...] = (
    "type", "required", "description", "default", "enum", "const", "example", "examples",
    "pattern", "min_length", "max_length", "min", "max", "min_items", "max_items",
    "items", "properties",
)

#: Dialect key -> JSON Schema keyword for the keys that translate one to one.
_RENAMES: dict[str, str] = {
    "min_length": "minLength", "max_length": "maxLength", "min": "minimum",
    "max": "maximum", "min_items": "minItems", "max_items": "maxItems",
}
#: JSON Schema spellings people write by habit, for the unknown-key hint.
_HABITS: dict[str, str] = {v: k for k, v in _RENAMES.items()}

#: Order of keywords inside every compiled property.
PROPERTY_KEY_ORDER: tuple[str, ...] = (
    "type", "description", "enum", "const", "default", "pattern", "minLength",
    "maxLength", "minimum", "maximum", "minItems", "maxItems", "items", "properties",
    "required", "additionalProperties", "examples",
)

#: Which types each constraint applies to (for the "has no effect" warning).
_APPLIES_TO: dict[str, tuple[str, ...]] = {
    "pattern": ("string",), "min_length": ("string",), "max_length": ("string",),
    "min": ("integer", "number"), "max": ("integer", "number"),
    "min_items": ("array",), "max_items": ("array",), "items": ("array",),
    "properties": ("object",),
}

#: (misplaced key, field type) -> the key the author probably meant.
_BETTER_KEY: dict[tuple[str, str], str] = {
    ("min", "string"): "min_length", ("max", "string"): "max_length",
    ("min", "array"): "min_items", ("max", "array"): "max_items",
    ("min_length", "array"): "min_items", ("max_length", "array"): "max_items",
    ("min_items", "string"): "min_length", ("max_items", "string"): "max_length",
    ("min_length", "integer"): "min", ("max_length", "integer"): "max",
    ("min_length", "number"): "min", ("max_length", "number"): "max",
}

KeyPath = tuple[Any, ...]


def _kind(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, Mapping):
        return "a mapping"
    return type(value).__name__


def _dotted(kp: KeyPath) -> str:
    return ".".join(str(k) for k in kp)


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)
