"""jsonschema validator classes whose regular expressions are bounded: the one home.

jsonschema runs a schema's ``pattern``, ``patternProperties`` (also inside
``additionalProperties`` and ``unevaluatedProperties``) and the ``regex`` format with
Python's backtracking ``re``: a repository's ``(x+x+)+y`` hangs validation. The
classes here are jsonschema's own (``jsonschema.validators.extend``), with those
keywords re-implemented on :mod:`patforge.validation.regexes` (ECMA-262 syntax, RE2 or a
timeout). A pattern that is invalid or runs past its bound is a validation error
whose message names the pattern: the value is not called valid, and nothing hangs
or raises. Every validator patforge builds for a repository schema comes from
:func:`bounded` / :func:`validator_for`.
"""

from __future__ import annotations

import functools
import warnings
from typing import Any, Iterator

import jsonschema
from jsonschema import FormatChecker, ValidationError
from jsonschema._utils import extras_msg, is_valid
from jsonschema.exceptions import SchemaError, best_match

from patforge.errors import RegexError
from patforge.validation.messages import shown
from patforge.validation.regexes import compile_regex, regex_problem


def _search(pattern: Any, text: str) -> tuple[bool, str | None]:
    """(matched, why it could not be run)."""
    try:
        return compile_regex(pattern).search(text), None
    except RegexError as exc:
        return False, exc.message
    except TypeError:
        return False, "a regular expression must be text"


def _pattern(validator: Any, patrn: Any, instance: Any, schema: Any) -> Iterator[ValidationError]:
    if not validator.is_type(instance, "string"):
        return
    hit, why = _search(patrn, instance)
    if why is not None:
        yield ValidationError(f"pattern cannot be checked: {why}")
    elif not hit:
        yield ValidationError(f"{shown(instance)} does not match {shown(patrn)}")


def _pattern_properties(validator: Any, patterns: Any, instance: Any, schema: Any) -> Iterator[ValidationError]:
    if not validator.is_type(instance, "object"):
        return
    for pattern, subschema in patterns.items():
        for k, v in instance.items():
            hit, why = _search(pattern, k)
            if why is not None:
                yield ValidationError(f"patternProperties cannot be checked: {why}")
                break
            if hit:
                yield from validator.descend(v, subschema, path=k, schema_path=pattern)


def _matched_by_pattern(schema: Any, name: str) -> bool:
    return any(_search(p, name)[0] for p in schema.get("patternProperties", {}))


def _additional_properties(validator: Any, aP: Any, instance: Any, schema: Any) -> Iterator[ValidationError]:
    if not validator.is_type(instance, "object"):
        return
    properties = schema.get("properties", {})
    extras = {k for k in instance if k not in properties and not _matched_by_pattern(schema, k)}
    if validator.is_type(aP, "object"):
        for extra in extras:
            yield from validator.descend(instance[extra], aP, path=extra)
    elif not aP and extras:
        if "patternProperties" in schema:
            verb = "does" if len(extras) == 1 else "do"
            joined = ", ".join(repr(each) for each in sorted(extras))
            patterns = ", ".join(repr(each) for each in sorted(schema["patternProperties"]))
            yield ValidationError(f"{joined} {verb} not match any of the regexes: {patterns}")
        else:
            error = "Additional properties are not allowed (%s %s unexpected)"
            yield ValidationError(error % extras_msg(sorted(extras, key=str)))


def _evaluated_keys(validator: Any, instance: Any, schema: Any) -> list[Any]:
    """jsonschema's ``find_evaluated_property_keys_by_schema`` with bounded patterns."""
    if validator.is_type(schema, "boolean"):
        return []
    keys: list[Any] = []
    for ref_key in ("$ref", "$dynamicRef"):
        ref = schema.get(ref_key)
        if ref is not None:
            resolved = validator._resolver.lookup(ref)
            keys += _evaluated_keys(validator.evolve(schema=resolved.contents, _resolver=resolved.resolver),
                                    instance, resolved.contents)
    properties = schema.get("properties")
    if validator.is_type(properties, "object"):
        keys += properties.keys() & instance.keys()
    for keyword in ("additionalProperties", "unevaluatedProperties"):
        if (sub := schema.get(keyword)) is not None:
            keys += (k for k, v in instance.items() if is_valid(validator.descend(v, sub)))
    if "patternProperties" in schema:
        keys += (k for k in instance if _matched_by_pattern(schema, k))
    for prop, sub in schema.get("dependentSchemas", {}).items():
        if prop in instance:
            keys += _evaluated_keys(validator, instance, sub)
    for keyword in ("allOf", "oneOf", "anyOf"):
        for sub in schema.get(keyword, []):
            if is_valid(validator.descend(instance, sub)):
                keys += _evaluated_keys(validator, instance, sub)
    if "if" in schema:
        if validator.evolve(schema=schema["if"]).is_valid(instance):
            keys += _evaluated_keys(validator, instance, schema["if"])
            if "then" in schema:
                keys += _evaluated_keys(validator, instance, schema["then"])
        elif "else" in schema:
            keys += _evaluated_keys(validator, instance, schema["else"])
    return keys


def _unevaluated_properties(validator: Any, uP: Any, instance: Any, schema: Any) -> Iterator[ValidationError]:
    if not validator.is_type(instance, "object"):
        return
    evaluated = _evaluated_keys(validator, instance, schema)
    bad = [p for p in instance if p not in evaluated
           and any(True for _ in validator.descend(instance[p], uP, path=p, schema_path=p))]
    if bad and uP is False:
        yield ValidationError("Unevaluated properties are not allowed (%s %s unexpected)"
                              % extras_msg(sorted(bad, key=str)))
    elif bad:
        yield ValidationError("Unevaluated properties are not valid under the given schema "
                              "(%s %s unevaluated and invalid)" % extras_msg(bad))


def _formats(base: FormatChecker | None) -> FormatChecker:
    """``base``'s formats with ``regex`` read as ECMA-262 (bounded)."""
    checker = FormatChecker(formats=())
    checker.checkers = dict(base.checkers) if base is not None else {}
    checker.checkers["regex"] = (_is_regex, RegexError)
    return checker


def _is_regex(instance: Any) -> bool:
    if not isinstance(instance, str):
        return True
    problem = regex_problem(instance)
    if problem is not None:
        raise RegexError(problem)
    return True


#: Only the ``regex`` format: what a schema's own patterns are checked with against the
#: metaschema (other formats keep their meaning of "not asserted").
REGEX_FORMAT = _formats(None)


@functools.lru_cache(maxsize=None)
def bounded(cls: type) -> type:
    """``cls`` (a jsonschema validator class) with every regex keyword bounded."""
    keywords = {k: f for k, f in (("pattern", _pattern), ("patternProperties", _pattern_properties),
                                  ("additionalProperties", _additional_properties),
                                  ("unevaluatedProperties", _unevaluated_properties))
                if k in cls.VALIDATORS}
    out = jsonschema.validators.extend(cls, keywords, format_checker=_formats(cls.FORMAT_CHECKER))
    out.BASE = cls  # type: ignore[attr-defined]  # the draft it reads (fastvalid.py)
    out.check_schema = classmethod(_check_schema)  # type: ignore[attr-defined]
    return out


def _check_schema(cls: Any, schema: Any, format_checker: Any = None) -> None:
    """jsonschema's ``check_schema``, with the metaschema's ``regex`` format bounded and
    read as ECMA-262 (jsonschema's own compiles a schema's patterns with ``re``)."""
    meta = cls(cls.META_SCHEMA, format_checker=format_checker or cls.FORMAT_CHECKER)
    error = best_match(meta.iter_errors(schema))
    if error is not None:
        raise SchemaError.create_from(error)


def validator_for(schema: Any, default: type = jsonschema.Draft7Validator) -> type:
    """The bounded validator class for the draft ``schema`` names (``default`` when none)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # an unknown $schema: the default, without the warning
        cls = jsonschema.validators.validator_for(schema, default=default)
    return bounded(cls)


#: Keywords whose value is one subschema / a list of them / a name -> subschema map.
_ONE = ("additionalItems", "additionalProperties", "contains", "propertyNames", "if", "then",
        "else", "not", "unevaluatedItems", "unevaluatedProperties", "items")
_MANY = ("allOf", "anyOf", "oneOf", "items", "prefixItems")
_MAP = ("properties", "patternProperties", "definitions", "$defs", "dependencies",
        "dependentSchemas")


def schema_regexes(schema: Any) -> Iterator[tuple[str, Any]]:
    """(JSON path, pattern) for every ``pattern`` and ``patternProperties`` key at a
    schema position (not a property that happens to be named ``pattern``); iterative,
    so a deeply nested schema costs no recursion."""
    stack: list[tuple[str, Any]] = [("", schema)]
    while stack:
        where, node = stack.pop()
        if not isinstance(node, dict):
            continue
        if "pattern" in node:
            yield (f"{where}/pattern" or "pattern", node["pattern"])
        pp = node.get("patternProperties")
        if isinstance(pp, dict):
            yield from ((f"{where}/patternProperties", k) for k in pp)
        for key in _ONE:
            if isinstance(node.get(key), dict):
                stack.append((f"{where}/{key}", node[key]))
        for key in _MANY:
            if isinstance(node.get(key), list):
                stack.extend((f"{where}/{key}/{i}", sub) for i, sub in enumerate(node[key]))
        for key in _MAP:
            if isinstance(node.get(key), dict):
                stack.extend((f"{where}/{key}/{name}", sub) for name, sub in node[key].items())


def all_linear(schema: Any) -> bool:
    """Whether every pattern in ``schema`` is valid and runs on RE2 (linear time)."""
    for _, pattern in schema_regexes(schema):
        try:
            if not compile_regex(pattern).linear:
                return False
        except (RegexError, TypeError):
            return False
    return True


Draft7 = bounded(jsonschema.Draft7Validator)

__all__ = ["Draft7", "REGEX_FORMAT", "all_linear", "bounded", "schema_regexes", "validator_for"]
