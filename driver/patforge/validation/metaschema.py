"""Is this a valid JSON Schema? One answer for the compiler, render and check.

The metaschema is the one the schema names in ``$schema``, draft-07 when it names
none (what patforge compiles). The message names the first (best) problem and where.
Every regular expression in the schema (``pattern``, ``patternProperties``) must be a
valid ECMA-262 regular expression (patforge.validation.regexes): a schema whose patterns cannot
be run is refused here, before anything validates against it.
"""

from __future__ import annotations

from typing import Any

import jsonschema

from patforge.validation.bounded_schema import REGEX_FORMAT, bounded, schema_regexes, validator_for
from patforge.validation.fastvalid import FastValidator
from patforge.validation.messages import readable_message
from patforge.validation.refs import document_problem
from patforge.validation.regexes import regex_problem

_META_VALIDATORS: dict[type, Any] = {}

def regex_problems(schema: Any) -> str | None:
    """``<json path>: <why>`` for the first pattern in ``schema`` that is not a valid
    ECMA-262 regular expression, or None."""
    for where, pattern in schema_regexes(schema):
        if isinstance(pattern, str):
            problem = regex_problem(pattern)
            if problem is not None:
                return f"{where.lstrip('/') or '(top level)'}: {problem}"
    return None


def schema_problem(schema: Any) -> str | None:
    """None when ``schema`` passes its metaschema (its patterns read as ECMA-262, bounded)
    and every ``$ref`` in it resolves inside the document (:mod:`patforge.validation.refs`:
    nothing is fetched), else ``<json path>: <message>`` or the ``$ref`` that does not resolve."""
    cls = validator_for(schema).BASE
    pair = _META_VALIDATORS.get(cls)
    if pair is None:
        pair = _META_VALIDATORS[cls] = (bounded(cls)(cls.META_SCHEMA, format_checker=REGEX_FORMAT),
                                        FastValidator(cls.META_SCHEMA, cls))
    meta, fast = pair
    if fast.is_valid(schema):
        # jsonschema-rs is sure of the structure; it does not compile the patterns
        problem = regex_problems(schema)
    else:
        err = jsonschema.exceptions.best_match(meta.iter_errors(schema))
        if err is None:
            return None
        where = "/".join(map(str, err.absolute_path)) or "(top level)"
        message = readable_message(err)
        if err.validator == "format" and err.cause is not None:
            message = str(err.cause)  # the pattern's own problem, not "is not a 'regex'"
        problem = f"{where}: {message}"
    return problem or document_problem(schema)
