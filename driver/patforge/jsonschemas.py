"""Is this a valid JSON Schema, and which validator reads it: one home for the answer.

A schema is judged against the meta-schema of the draft its ``$schema`` names,
draft-07 when it names none (the draft patforge compiles to). Used by the compiler
(its own output), by render before landing a schema, and by ``check``.
"""

from __future__ import annotations

import warnings
from typing import Any

import jsonschema

DEFAULT_DRAFT = jsonschema.Draft7Validator

_META_VALIDATORS: dict[type, Any] = {}


def validator_class(schema: dict[str, Any]) -> type:
    """The validator for the draft ``schema`` declares (draft-07 when it declares none)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # an unknown $schema URI: fall back quietly
        return jsonschema.validators.validator_for(schema, default=DEFAULT_DRAFT)


def schema_problem(schema: dict[str, Any]) -> str | None:
    """Why ``schema`` is not a valid JSON Schema (``<json path>: <message>`` of the most
    relevant error), or None when it is one."""
    cls = validator_class(schema)
    meta = _META_VALIDATORS.get(cls)
    if meta is None:
        meta = _META_VALIDATORS[cls] = cls(cls.META_SCHEMA)
    err = jsonschema.exceptions.best_match(meta.iter_errors(schema))
    if err is None:
        return None
    where = "/".join(map(str, err.absolute_path)) or "(top level)"
    return f"{where}: {err.message}"
