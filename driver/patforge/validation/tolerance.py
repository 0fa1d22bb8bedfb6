"""Hand-written schemas read as their authors meant, where the spelling is older than
draft-07 and the meaning is plain (issue 22).

Draft-03 marked a property required on the property itself (``"required": true``);
draft-04 onwards lists the names on the object (``"required": ["name"]``). A schema a
person wrote with the old spelling is not a valid draft-07 schema, but nobody doubts what
it means: :func:`draft03_required` moves each flag to its object's list (``false`` is
dropped), on a copy, and says where, so that the caller warns once. The file itself is
never changed (patforge never edits a hand-written schema).
"""

from __future__ import annotations

import copy
from typing import Any

from patforge.examplegen.walktypes import escape_pointer

_SCHEMA_MAPS = ("properties", "patternProperties", "definitions")
_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "items")
_SCHEMA_ONE = ("items", "additionalItems", "additionalProperties", "contains", "propertyNames",
               "not", "if", "then", "else")


def draft03_required(schema: Any) -> tuple[Any, list[str]]:
    """(the schema with every boolean property-level ``required`` read as draft-07, the
    JSON pointers of the flags read). The schema itself is returned when there is none."""
    if not _has_flag(schema):
        return schema, []
    fixed = copy.deepcopy(schema)
    where: list[str] = []
    _fix(fixed, "#", where)
    return fixed, where


def _children(node: dict[str, Any], ptr: str) -> list[tuple[Any, str]]:
    out: list[tuple[Any, str]] = []
    for key in _SCHEMA_MAPS:
        if isinstance(node.get(key), dict):
            out += [(v, f"{ptr}/{key}/{escape_pointer(k)}") for k, v in node[key].items()]
    for key in _SCHEMA_LISTS:
        if isinstance(node.get(key), list):
            out += [(v, f"{ptr}/{key}/{i}") for i, v in enumerate(node[key])]
    for key in _SCHEMA_ONE:
        if isinstance(node.get(key), dict):
            out.append((node[key], f"{ptr}/{key}"))
    if isinstance(node.get("dependencies"), dict):
        out += [(v, f"{ptr}/dependencies/{escape_pointer(k)}") for k, v in node["dependencies"].items()
                if isinstance(v, dict)]
    return out


def _has_flag(node: Any, depth: int = 0) -> bool:
    if not isinstance(node, dict) or depth > 200:
        return False
    props = node.get("properties")
    if isinstance(props, dict) and any(isinstance(s, dict) and isinstance(s.get("required"), bool)
                                       for s in props.values()):
        return True
    return any(_has_flag(child, depth + 1) for child, _ in _children(node, ""))


def _fix(node: Any, ptr: str, where: list[str], depth: int = 0) -> None:
    if not isinstance(node, dict) or depth > 200:
        return
    props = node.get("properties")
    if isinstance(props, dict):
        for name, sub in props.items():
            if isinstance(sub, dict) and isinstance(sub.get("required"), bool):
                where.append(f"{ptr}/properties/{escape_pointer(name)}/required")
                if sub.pop("required"):
                    listed = node.get("required") if isinstance(node.get("required"), list) else []
                    node["required"] = listed + ([name] if name not in listed else [])
    for child, child_ptr in _children(node, ptr):
        _fix(child, child_ptr, where, depth + 1)


def draft03_message(where: list[str]) -> str:
    """The one warning for a schema whose flags were read (pointers shown, up to three)."""
    shown = ", ".join(where[:3]) + (f" and {len(where) - 3} more" if len(where) > 3 else "")
    return (f'"required": true/false on a property (draft-03) at {shown} is read as the object\'s '
            f'"required" list, as draft-07 spells it')


__all__ = ["draft03_message", "draft03_required"]
