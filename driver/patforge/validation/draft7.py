"""jsonschema's Draft7Validator reading ``pattern`` as draft-07 says: ECMA-262.

Python's ``re`` differs from ECMA-262 in a few spellings real schemas use (named groups
``(?<name>...)``); :func:`patforge.validation.ecmaregex.ecma_to_python` translates them. The keywords
that compile a schema's regular expressions (``pattern``, ``patternProperties``,
``additionalProperties`` beside them, ``format: regex``) read the translation; everything
else is jsonschema's own. Patterns that need no translation take jsonschema's own path.
"""

from __future__ import annotations

import re
from typing import Any, Iterator

import jsonschema
from jsonschema import FormatChecker
from jsonschema.exceptions import ValidationError

from patforge.validation.ecmaregex import ecma_to_python

_BASE = jsonschema.Draft7Validator
_KEYWORDS = _BASE.VALIDATORS


def _python_keys(mapping: dict[str, Any]) -> dict[str, Any] | None:
    """``mapping`` with its regex keys translated; None when nothing changes."""
    if not any(ecma_to_python(k) != k for k in mapping):
        return None
    return {ecma_to_python(k): v for k, v in mapping.items()}


def _pattern(validator: Any, patrn: Any, instance: Any, schema: Any) -> Iterator[Any]:
    if isinstance(patrn, str):
        patrn = ecma_to_python(patrn)
    yield from _KEYWORDS["pattern"](validator, patrn, instance, schema)


def _pattern_properties(validator: Any, pp: Any, instance: Any, schema: Any) -> Iterator[Any]:
    translated = _python_keys(pp) if isinstance(pp, dict) else None
    yield from _KEYWORDS["patternProperties"](validator, translated or pp, instance, schema)


def _additional_properties(validator: Any, ap: Any, instance: Any, schema: Any) -> Iterator[Any]:
    pp = schema.get("patternProperties") if isinstance(schema, dict) else None
    translated = _python_keys(pp) if isinstance(pp, dict) else None
    if translated is None or not validator.is_type(instance, "object"):
        yield from _KEYWORDS["additionalProperties"](validator, ap, instance, schema)
        return
    # jsonschema joins the patterns with "|", which two groups of one name break: one by one
    props = schema.get("properties", {})
    extras = [k for k in instance if k not in props and not any(re.search(p, k) for p in translated)]
    if validator.is_type(ap, "object"):
        for extra in extras:
            yield from validator.descend(instance[extra], ap, path=extra)
    elif not ap and extras:
        verb = "does" if len(extras) == 1 else "do"
        yield ValidationError(f"{', '.join(map(repr, sorted(extras)))} {verb} not match any of the "
                              f"regexes: {', '.join(map(repr, sorted(pp)))}")


FORMAT_CHECKER = FormatChecker()
FORMAT_CHECKER.checkers = dict(_BASE.FORMAT_CHECKER.checkers)


@FORMAT_CHECKER.checks("regex", raises=re.error)
def _is_regex(instance: object) -> bool:
    return not isinstance(instance, str) or bool(re.compile(ecma_to_python(instance)))


Validator = jsonschema.validators.extend(
    _BASE, {"pattern": _pattern, "patternProperties": _pattern_properties,
            "additionalProperties": _additional_properties},
    format_checker=FORMAT_CHECKER)
# The name jsonschema-rs's fast path (fastvalid) and messages know it by: it is draft-07.
Validator.__name__ = Validator.__qualname__ = "Draft7Validator"

__all__ = ["FORMAT_CHECKER", "Validator"]
