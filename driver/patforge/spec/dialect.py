"""The spec dialect's fields: how one field compiles (its vocabulary is ``vocabulary.py``).

``FieldCompiler`` turns one field description of a spec's ``inputs``/``outputs``
(``type``, ``required``, ``min_length``, ``enum``, ``example``...) into a JSON Schema
property, with a located diagnostic for everything it has to guess or refuse;
``patforge.spec.compiler`` walks the spec and assembles the schema from these fragments.
docs/spec-dialect.md is the reference.
"""

from __future__ import annotations

import datetime as _dt
import math
from typing import Any, Iterable, Mapping

import jsonschema
from referencing.exceptions import Unresolvable

from patforge.spec.inputshapes import required_flag, several_examples
from patforge.validation.regexes import regex_problem
from patforge.diagnostics import Diagnostic, Severity, error, warning
from patforge.validation.refs import validator
from patforge.repository.yamlsrc import YamlDocument
from patforge.validation.messages import readable_message, shown
from patforge.spec.vocabulary import (FIELD_KEYS, PROPERTY_KEY_ORDER, TYPE_ALIASES, TYPE_NAMES, KeyPath,
                                      _APPLIES_TO, _BETTER_KEY, _HABITS, _RENAMES, _dotted, _is_number, _kind,
                                      _short)


class FieldCompiler:
    """Compiles field descriptions, collecting located diagnostics."""

    def __init__(self, *, name: str, doc: YamlDocument | None, path: str | None) -> None:
        self.name = name
        self.doc = doc
        self.path = path
        self.diagnostics: list[Diagnostic] = []
        #: key paths of fields read from another shape -> where they are in the file
        self.aliases: dict[KeyPath, KeyPath] = {}

    # -- diagnostics ---------------------------------------------------------
    def _where(self, kp: KeyPath) -> tuple[int | None, int | None]:
        if self.doc is None:
            return None, None
        probe = next((self.aliases[kp[:n]] + tuple(kp[n:]) for n in range(len(kp), 0, -1)
                      if kp[:n] in self.aliases), tuple(kp))
        while True:
            mark = self.doc.key_mark(*probe) or self.doc.node_mark(*probe)
            if mark is not None:
                return mark.line, mark.column
            if not probe:
                return None, None
            probe = probe[:-1]

    def _report(self, severity: str, message: str, kp: KeyPath, hint: str, code: str) -> None:
        (self.error if severity == "error" else self.warn)(message, kp, hint=hint, code=code)

    def error(self, message: str, kp: KeyPath, *, hint: str, code: str) -> None:
        line, col = self._where(kp)
        self.diagnostics.append(error(message, path=self.path, line=line, column=col,
                                      hint=hint, code=code, pattern=self.name))

    def warn(self, message: str, kp: KeyPath, *, hint: str, code: str) -> None:
        line, col = self._where(kp)
        self.diagnostics.append(warning(message, path=self.path, line=line, column=col,
                                        hint=hint, code=code, pattern=self.name))

    def _error_count(self) -> int:
        return sum(1 for d in self.diagnostics if d.severity is Severity.ERROR)

    # -- top level -------------------------------------------------------------
    def resolve_type(self, value: Any, kp: KeyPath, where: str, *,
                     shorthand: bool = False) -> Any:
        """Return the canonical type name (or a list of names), or None on error.

        A list (``[string, "null"]``) is accepted as JSON Schema allows it."""
        if isinstance(value, list) and not shorthand:
            names = []
            for i, item in enumerate(value):
                if item is None or item == "null":
                    names.append("null")
                    continue
                t = self.resolve_type(item, kp + (i,), where)
                if t is None:
                    return None
                if t not in names:  # the metaschema wants unique type names
                    names.append(t)
            if not names:
                self.error(f"{where}: type is an empty list", kp,
                           hint="name one type, e.g. `type: string`", code="spec-type-unknown")
                return None
            return names
        if isinstance(value, str):
            if value in TYPE_NAMES:
                return value
            if value in TYPE_ALIASES:
                canon = TYPE_ALIASES[value]
                self.warn(f"{where}: type {shown(value)} is read as {shown(canon)}", kp,
                          hint=f"write `{canon}` (the dialect's name for this type)",
                          code="spec-type-alias")
                return canon
        known = ", ".join(TYPE_NAMES)
        if shorthand:
            msg = f"{where}: {_short(value)} is not a type name, so it cannot be a shorthand field"
            hint = (f"use one of {known}, or a mapping such as "
                    f"`{kp[-1]}: {{type: string, description: ...}}`")
        else:
            msg = f"{where}: unknown type {_short(value)}"
            hint = f"use one of {known}"
        self.error(msg, kp, hint=hint, code="spec-type-unknown")
        return None

    def field(self, raw: Any, kp: KeyPath) -> dict[str, Any]:
        """Compile one field description into a JSON Schema fragment."""
        where = _dotted(kp)
        if isinstance(raw, str):
            t = self.resolve_type(raw, kp, where, shorthand=True)
            return {"type": t} if t else {}
        if raw is None:
            self.warn(f"{where} has no description, so it accepts any value", kp,
                      hint=f"give it a type, e.g. `{kp[-1]}: string`", code="spec-field-empty")
            return {}
        if raw == []:  # `artifacts: []`: a list whose items the author left open
            self.warn(f"{where} is an empty list; read as an open list (any items)", kp,
                      hint=f"write `{kp[-1]}: {{type: array}}` to silence this", code="spec-field-shape")
            return {"type": "array"}
        if not isinstance(raw, Mapping):
            self.error(f"{where} must be a field description (a mapping) or a type name, "
                       f"found {_kind(raw)}", kp,
                       hint=f"write `{kp[-1]}: {{type: ..., description: ...}}` or `{kp[-1]}: string`",
                       code="spec-field-shape")
            return {}

        errors_before = self._error_count()
        out: dict[str, Any] = {}
        for key in raw:
            if key not in FIELD_KEYS:
                habit = _HABITS.get(key) if isinstance(key, str) else None
                hint = ((f"write `{habit}` (the dialect's spelling); " if habit else
                         "remove it, or use one of ") + "the known keys: " + ", ".join(FIELD_KEYS))
                self.warn(f"{where}: unknown key {shown(key)} is not compiled into the schema",
                          kp + (key,), hint=hint, code="spec-unknown-key")

        types = self._type(raw, kp, out)
        if "description" in raw:
            d = raw["description"]
            if isinstance(d, str):
                out["description"] = d
            else:
                self.error(f"{where}.description must be text, found {_kind(d)}",
                           kp + ("description",), hint="quote the description", code="spec-field-shape")
        self._constraints(raw, kp, out, types)
        if "items" in raw:
            items = raw["items"]
            if isinstance(items, list):
                self.error(f"{where}.items must describe one element, found a list", kp + ("items",),
                           hint="describe the element once: `items: {type: string}`",
                           code="spec-field-shape")
            else:
                out["items"] = self.field(items, kp + ("items",))
        own_required: list[str] = []
        if "properties" in raw:
            props_raw = raw["properties"]
            if isinstance(props_raw, Mapping):
                props, own_required = self.fields(props_raw, kp + ("properties",))
                out["properties"] = props
            else:
                self.error(f"{where}.properties must be a mapping of field descriptions, "
                           f"found {_kind(props_raw)}", kp + ("properties",),
                           hint="write `properties:` followed by `name: {type: ...}` entries",
                           code="spec-field-shape")
        required = self._required(raw, kp, out, own_required)
        if required:
            out["required"] = required
        example_kps = self._values(raw, kp, out)
        self._applicability(raw, kp, types)

        if self._error_count() == errors_before:
            self._check_values(kp, out, example_kps)
        return {k: out[k] for k in PROPERTY_KEY_ORDER if k in out}

    def _type(self, raw: Mapping[str, Any], kp: KeyPath, out: dict[str, Any]) -> list[str]:
        if "type" in raw:
            t = self.resolve_type(raw["type"], kp + ("type",), _dotted(kp))
            if t is None:
                return []
            out["type"] = t
            return t if isinstance(t, list) else [t]
        has_props, has_items = "properties" in raw, "items" in raw
        if has_props and not has_items:
            out["type"] = "object"
            return ["object"]
        if has_items and not has_props:
            out["type"] = "array"
            return ["array"]
        return []

    def _constraints(self, raw: Mapping[str, Any], kp: KeyPath, out: dict[str, Any],
                     types: list[str]) -> None:
        where = _dotted(kp)
        if "pattern" in raw:
            p = raw["pattern"]
            if not isinstance(p, str):
                self.error(f"{where}.pattern must be a regular expression in quotes, found {_kind(p)}",
                           kp + ("pattern",), hint="quote the pattern: pattern: '^[a-z]+$'",
                           code="spec-regex")
            else:
                problem = regex_problem(p)  # ECMA-262, as the schema's pattern is read
                if problem is None:
                    out["pattern"] = p
                else:
                    self.error(f"{where}.pattern: {problem}",
                               kp + ("pattern",),
                               hint="fix the regex (in single quotes a backslash needs no doubling)",
                               code="spec-regex")
        for key in ("min_length", "max_length", "min_items", "max_items"):
            if key in raw:
                v = raw[key]
                if isinstance(v, int) and not isinstance(v, bool) and v >= 0:
                    out[_RENAMES[key]] = v
                else:
                    self.error(f"{where}.{key} must be a whole number >= 0, found {_short(v)}",
                               kp + (key,), hint=f"set {key} to 0 or a positive integer",
                               code="spec-bounds")
        for key in ("min", "max"):
            if key in raw:
                v = raw[key]
                if _is_number(v) and math.isfinite(v):
                    out[_RENAMES[key]] = v
                else:
                    self.error(f"{where}.{key} must be a number, found {_short(v)}", kp + (key,),
                               hint=f"set {key} to a number (unquoted)", code="spec-bounds")
        for lo, hi in (("min", "max"), ("min_length", "max_length"), ("min_items", "max_items")):
            a, b = out.get(_RENAMES[lo]), out.get(_RENAMES[hi])
            if a is not None and b is not None and a > b:
                self.error(f"{where}: {lo} ({a}) is greater than {hi} ({b}); no value can satisfy both",
                           kp + (lo,), hint=f"lower {lo} or raise {hi} so that {lo} <= {hi}",
                           code="spec-bounds")
        a, b = out.get("minimum"), out.get("maximum")
        if (types == ["integer"] and a is not None and b is not None and a <= b
                and math.ceil(a) > math.floor(b)):
            self.error(f"{where}: no integer lies between min ({a}) and max ({b})", kp + ("min",),
                       hint="widen the range or change the type to number", code="spec-bounds")

    def _required(self, raw: Mapping[str, Any], kp: KeyPath, out: dict[str, Any],
                  from_fields: list[str]) -> list[str]:
        where = _dotted(kp)
        if "required" not in raw or isinstance(raw["required"], bool):
            return from_fields
        req = raw["required"]
        if required_flag(req) is not None:  # "yes" / "no"
            flag = str(required_flag(req)).lower()
            self.warn(f"{where}.required is the text {shown(req)}; read as {flag}", kp + ("required",),
                      hint=f"write `required: {flag}` (unquoted)", code="spec-required-text")
            return from_fields
        if not isinstance(req, list):
            self.error(f"{where}.required must be true/false (or, on an object, a list of its "
                       f"property names), found {_short(req)}", kp + ("required",),
                       hint="write `required: true` or `required: false` (unquoted)",
                       code="spec-required")
            return from_fields
        names: list[str] = []
        props = out.get("properties", {})
        for i, item in enumerate(req):
            if not isinstance(item, str):
                self.error(f"{where}.required[{i}] must be a property name, found {_short(item)}",
                           kp + ("required", i), hint="list property names as strings",
                           code="spec-required")
                continue
            if item in names:
                self.warn(f"{where}.required names {shown(item)} twice", kp + ("required", i),
                          hint="remove the duplicate", code="spec-required-duplicate")
                continue
            if item not in props:
                known = ", ".join(props) or "none"
                self.error(f"{where}.required names {shown(item)}, which is not one of its properties",
                           kp + ("required", i),
                           hint=f"add {shown(item)} under properties or remove it from required "
                                f"(properties: {known})", code="spec-required-unknown")
                continue
            names.append(item)
        return names + [n for n in from_fields if n not in names]

    def _json_value(self, value: Any, kp: KeyPath, what: str) -> tuple[Any, bool]:
        """Make a YAML value JSON-safe; returns (value, ok)."""
        problems: list[str] = []
        converted: list[str] = []

        def conv(v: Any) -> Any:
            if isinstance(v, (_dt.date, _dt.datetime, _dt.time)):
                converted.append(v.isoformat())
                return v.isoformat()
            if isinstance(v, float) and not math.isfinite(v):
                problems.append(str(v))
                return v
            if isinstance(v, Mapping):
                return {str(k): conv(x) for k, x in v.items()}
            if isinstance(v, (list, tuple)):
                return [conv(x) for x in v]
            if v is None or isinstance(v, (str, bool, int, float)):
                return v
            problems.append(type(v).__name__)
            return v

        result = conv(value)
        if problems:
            self.error(f"{_dotted(kp)}: {what} holds a value JSON cannot represent ({problems[0]})",
                       kp, hint="use a plain string, number, boolean, list or mapping",
                       code="spec-value")
            return None, False
        if converted:
            self.warn(f"{_dotted(kp)}: YAML read {what} as a date/time; used the text "
                      f"{shown(converted[0])}", kp, hint=f"quote it ('{converted[0]}') to make it text",
                      code="spec-value-converted")
        return result, True

    def _values(self, raw: Mapping[str, Any], kp: KeyPath, out: dict[str, Any]) -> list[KeyPath]:
        """Copy enum/const/default/examples; return each example's key path."""
        where = _dotted(kp)
        if "enum" in raw:
            e = raw["enum"]
            if isinstance(e, list) and e:
                v, ok = self._json_value(e, kp + ("enum",), "enum")
                if ok:
                    out["enum"] = v
            else:
                self.error(f"{where}.enum must be a non-empty list, found {_short(e)}",
                           kp + ("enum",), hint="write `enum: [first, second]`", code="spec-enum")
        for key in ("const", "default"):
            if key in raw:
                v, ok = self._json_value(raw[key], kp + (key,), key)
                if ok:
                    out[key] = v
        examples: list[Any] = []
        kps: list[KeyPath] = []
        if "example" in raw:
            many = several_examples(raw["example"], out.get("type"))
            if many:
                self.warn(f"{where}.example is a list on a field of type {out.get('type')}; each item is read "
                          "as one example", kp + ("example",), hint="write `examples:` for several values",
                          code="spec-example-list")
            v, ok = self._json_value(raw["example"], kp + ("example",), "example")
            for i, x in enumerate((v if many else [v]) if ok else []):
                if x not in examples:
                    examples.append(x)
                    kps.append(kp + (("example", i) if many else ("example",)))
        if "examples" in raw:
            ex = raw["examples"]
            if isinstance(ex, Mapping) and ex:
                self.warn(f"{where}.examples is a mapping; its values are read as the examples (its keys "
                          f"{_short(list(ex)[:4])} are labels)", kp + ("examples",),
                          hint="write `examples: [a, b]` to silence this", code="spec-examples-mapping")
                labels = list(ex)
                v, ok = self._json_value(list(ex.values()), kp + ("examples",), "examples")
                for label, x in zip(labels, v if ok else []):
                    if x not in examples:
                        examples.append(x)
                        kps.append(kp + ("examples", label))
            elif isinstance(ex, list):
                v, ok = self._json_value(ex, kp + ("examples",), "examples")
                for i, x in enumerate(v if ok else []):
                    if x not in examples:
                        examples.append(x)
                        kps.append(kp + ("examples", i))
            else:
                self.error(f"{where}.examples must be a list, found {_kind(ex)}", kp + ("examples",),
                           hint="write `examples: [a, b]`, or `example: a` for a single value",
                           code="spec-field-shape")
        if examples:
            out["examples"] = examples
        return kps

    def _applicability(self, raw: Mapping[str, Any], kp: KeyPath, types: list[str]) -> None:
        if not types:
            return
        for key, applies in _APPLIES_TO.items():
            if key in raw and not any(t in applies for t in types):
                better = _BETTER_KEY.get((key, types[0]))
                article = "an" if types[0][0] in "aeiou" else "a"
                hint = (f"for {article} {types[0]} write `{better}` instead" if better else
                        f"remove {key}, or change the type to {' or '.join(applies)}")
                self.warn(f"{_dotted(kp)}: {key} has no effect on a field of type "
                          f"{'/'.join(types)}", kp + (key,), hint=hint,
                          code="spec-constraint-ignored")

    def _check_values(self, kp: KeyPath, out: dict[str, Any], example_kps: list[KeyPath]) -> None:
        """Every default / example / enum value / const must satisfy the field itself."""
        where = _dotted(kp)
        base = {k: v for k, v in out.items() if k not in ("default", "examples")}
        no_enum = {k: v for k, v in base.items() if k not in ("enum", "const")}
        checks: list[tuple[str, KeyPath, Any, dict[str, Any]]] = []
        for i, v in enumerate(out.get("enum", [])):
            checks.append((f"enum value {_short(v)}", kp + ("enum", i), v, no_enum))
        if "const" in out:
            checks.append((f"const {_short(out['const'])}", kp + ("const",), out["const"],
                           {k: v for k, v in base.items() if k != "const"}))
        if "default" in out:
            checks.append((f"default {_short(out['default'])}", kp + ("default",), out["default"], base))
        for v, ekp in zip(out.get("examples", []), example_kps):
            checks.append((f"example {_short(v)}", ekp, v, base))
        for what, vkp, value, schema in checks:
            problem = _first_violation(schema, value)
            if problem is None:
                continue
            keyword, detail = problem
            if keyword == "type":
                msg = f"{where}: {what} has the wrong type ({detail})"
                hint = "change the value to the field's type, or fix the field's type"
                if "string" in (out.get("type") if isinstance(out.get("type"), list)
                                else [out.get("type")]):
                    hint += ("; YAML reads yes/no/on/off/true/false, numbers such as 3.10 and "
                             "dates as non-text, so quote the value to keep it text")
            elif keyword == "enum":
                msg = f"{where}: {what} is not one of the enum values {_short(out.get('enum'))}"
                hint = "use one of the enum values, or add this value to the enum"
            else:
                msg = f"{where}: {what} violates the field's own {keyword} constraint ({detail})"
                hint = f"change the value so it satisfies {keyword}, or relax the constraint"
            self.error(msg, vkp, hint=hint, code="spec-value-invalid")


def _first_violation(schema: dict[str, Any], value: Any) -> tuple[str, str] | None:
    """The first (deterministic) reason ``value`` fails ``schema``, or None."""
    try:
        errors: Iterable[jsonschema.ValidationError] = list(
            validator(schema, jsonschema.Draft7Validator).iter_errors(value))
    except Unresolvable as exc:
        return "$ref", 'cannot resolve $ref "%s" inside the spec' % getattr(exc, "ref", exc)
    ordered = sorted(errors, key=lambda e: (len(e.absolute_path), list(map(str, e.absolute_path)),
                                            str(e.validator)))
    if not ordered:
        return None
    e = ordered[0]
    loc = "".join(f"[{shown(p)}]" for p in e.absolute_path)
    return str(e.validator), (f"at {loc}: " if loc else "") + readable_message(e)
