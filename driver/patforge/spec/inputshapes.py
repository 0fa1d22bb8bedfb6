"""The other shapes users give a spec's ``inputs`` / ``outputs``, read as the dialect's
one shape (a mapping of field name -> field description).

Accepted, each with a warning that says how it was read:

* ``{required: [a, b], optional: [c]}``: the items are names, or mappings of
  name -> description (text, or a type name), or name -> field description;
  ``required`` / ``optional`` may also be mappings of name -> description;
* a list of field descriptions that each carry ``name:`` (a bare name is a field
  of any type);
* ``required: "yes"`` / ``"no"`` (and ``"true"``/``"false"``, ``y``/``n``) on a field.

What stays an error is only what cannot be read one way: a list item without a
name, the same name twice. Those fields are left out, named, and the rest is read.
The module is pure; the compiler owns the diagnostics (``report``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from patforge.validation.messages import shown

KeyPath = tuple[Any, ...]
#: (severity "warning"/"error", message, where in the file, hint, code)
Report = Callable[[str, str, KeyPath, str, str], None]

#: Keys a field description may carry (the dialect's; see compiler.FIELD_KEYS).
_FIELD_KEYS = {"type", "required", "description", "default", "enum", "const", "example", "examples",
               "pattern", "min_length", "max_length", "min", "max", "min_items", "max_items",
               "items", "properties"}
_TYPE_WORDS = {"string", "boolean", "integer", "number", "array", "object",
               "str", "int", "bool", "float", "list", "dict"}
_YES = {"yes", "y", "true", "on", "required", "mandatory"}
_NO = {"no", "n", "false", "off", "optional"}


@dataclass
class Normalized:
    """Fields in the dialect's shape, and where each came from in the file."""

    fields: dict[str, Any]
    #: normalised key path prefix -> the key path in the file (for line numbers)
    aliases: dict[KeyPath, KeyPath] = field(default_factory=dict)


def required_flag(value: Any) -> bool | None:
    """``required:`` on a field as a boolean: true/false, or yes/no text; None if neither."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _YES:
        return True
    if isinstance(value, str) and value.strip().lower() in _NO:
        return False
    return None


def is_split_shape(value: Mapping[Any, Any]) -> bool:
    """``{required: ..., optional: ...}``: only those two keys, holding lists or mappings of
    names (not a single field that happens to be called ``required``)."""
    keys = set(value)
    if not keys or not keys <= {"required", "optional"}:
        return False
    for v in value.values():
        if v is None or isinstance(v, list):
            continue
        if isinstance(v, Mapping) and not (set(v) <= _FIELD_KEYS and "type" in v):
            continue
        return False
    return True


def normalize_block(value: Any, kp: KeyPath, report: Report) -> Normalized | None:
    """``value`` in the dialect's shape, or None when it is already in it (or not a
    shape read here: the compiler reports that)."""
    if isinstance(value, list):
        return _from_list(value, kp, report)
    if isinstance(value, Mapping) and is_split_shape(value):
        return _from_split(value, kp, report)
    return None


def _describe(raw: Any) -> dict[str, Any]:
    """name -> this: a mapping is a field description, a type word a type, text a description."""
    if isinstance(raw, Mapping):
        return dict(raw)
    if isinstance(raw, str) and raw.strip() in _TYPE_WORDS:
        return {"type": raw.strip()}
    if isinstance(raw, str):
        return {"description": raw}
    return {}


def _from_split(value: Mapping[Any, Any], kp: KeyPath, report: Report) -> Normalized:
    out = Normalized({})
    block = kp[-1] if kp else "inputs"
    report("warning", f"{block} is written as `required:` / `optional:` groups; read each name in "
           "them as a field, required or not by its group", kp,
           f"to silence this, write {block} as `name: {{type: ..., required: true}}` entries", "spec-inputs-shape")
    for group in ("required", "optional"):
        items = value.get(group)
        if items is None:
            continue
        req = group == "required"
        entries: list[tuple[Any, Any, KeyPath]] = []
        if isinstance(items, Mapping):
            entries = [(k, v, kp + (group, k)) for k, v in items.items()]
        else:
            for i, item in enumerate(items):
                if isinstance(item, str):
                    entries.append((item, None, kp + (group, i)))
                elif isinstance(item, Mapping) and len(item) == 1:
                    (k, v), = item.items()
                    entries.append((k, v, kp + (group, i, k)))
                elif isinstance(item, Mapping) and isinstance(item.get("name"), str):
                    entries.append((item["name"], {k: v for k, v in item.items() if k != "name"},
                                    kp + (group, i)))
                else:
                    report("error", f"{block}.{group}[{i}] is neither a field name nor `name: description`",
                           kp + (group, i), f"write it as a name (`- path`) or `- path: description`",
                           "spec-inputs-shape")
        for name, raw, where in entries:
            name = str(name)
            if name in out.fields:
                report("error", f"{block}: field {shown(name)} is listed twice, so whether it is required "
                       "is ambiguous; it is left out", where,
                       f"list {shown(name)} once, under required or optional", "spec-inputs-ambiguous")
                out.fields.pop(name)
                continue
            desc = _describe(raw)
            if "required" in desc and required_flag(desc["required"]) not in (None, req):
                report("warning", f"{block}.{name} sits under {group} but says required: "
                       f"{desc['required']}; the group wins", where,
                       f"remove `required:` from {name}", "spec-inputs-shape")
            desc["required"] = req
            out.fields[name] = desc
            out.aliases[kp + (name,)] = where
    return out


def _from_list(value: list[Any], kp: KeyPath, report: Report) -> Normalized:
    out = Normalized({})
    block = kp[-1] if kp else "inputs"
    report("warning", f"{block} is a list; read each item's `name:` as the field name", kp,
           f"to silence this, write {block} as a mapping: `name: {{type: ...}}`", "spec-inputs-shape")
    seen: set[str] = set()
    for i, item in enumerate(value):
        where = kp + (i,)
        if isinstance(item, str):
            name, desc = item, {}
        elif isinstance(item, Mapping) and isinstance(item.get("name"), (str, int)) and not isinstance(
                item.get("name"), bool):
            name, desc = str(item["name"]), {k: v for k, v in item.items() if k != "name"}
        elif isinstance(item, Mapping) and len(item) == 1 and isinstance(next(iter(item.values())), Mapping):
            (k, v), = item.items()
            name, desc, where = str(k), dict(v), kp + (i, k)
        else:
            report("error", f"{block}[{i}] has no `name:`, so its field cannot be named; it is left out",
                   where, f"add `name: <field name>` to {block}[{i}]", "spec-inputs-ambiguous")
            continue
        if name in seen:
            report("error", f"{block}: two items are named {shown(name)}; which one is meant is ambiguous, "
                   "so both are left out", where, f"keep one item named {shown(name)}", "spec-inputs-ambiguous")
            out.fields.pop(name, None)
            continue
        seen.add(name)
        out.fields[name] = desc
        out.aliases[kp + (name,)] = where
    return out


def field_names(value: Any) -> list[tuple[str, bool]]:
    """(name, required) of each field in any accepted shape, without diagnostics: what
    an executor scaffold lists."""
    def quiet(*_: Any) -> None:
        return None

    if isinstance(value, Mapping) and value.get("placeholder") is True:
        return []
    norm = normalize_block(value, ("inputs",), quiet)
    fields = norm.fields if norm is not None else value
    if not isinstance(fields, Mapping):
        return []
    if fields.get("type") == "object" and isinstance(fields.get("properties"), Mapping):
        req = fields.get("required") if isinstance(fields.get("required"), list) else []
        return [(str(k), k in req) for k in fields["properties"]]
    out = []
    for k, v in fields.items():
        if k == "placeholder" and isinstance(v, bool):
            continue
        out.append((str(k), isinstance(v, Mapping) and required_flag(v.get("required")) is True))
    return out


def several_examples(example: Any, field_type: Any) -> bool:
    """``example: [a, b]`` on a field that is not an array: several examples, not one list."""
    types = field_type if isinstance(field_type, list) else [field_type]
    return isinstance(example, list) and bool(example) and "array" not in types and None not in types
