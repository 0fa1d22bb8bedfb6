"""Is this a valid JSON Schema? One answer for the compiler, render and check.

The metaschema is the one the schema names in ``$schema``, draft-07 when it names
none (what patforge compiles). The message names the first (best) problem and where.
"""

from __future__ import annotations

import warnings
from typing import Any

import jsonschema

from patforge.validation.fastvalid import FastValidator
from patforge.validation.messages import readable_message

_META_VALIDATORS: dict[type, Any] = {}


def schema_problem(schema: Any) -> str | None:
    """None when ``schema`` passes its metaschema, else ``<json path>: <message>``."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft7Validator)
    pair = _META_VALIDATORS.get(cls)
    if pair is None:
        pair = _META_VALIDATORS[cls] = (cls(cls.META_SCHEMA), FastValidator(cls.META_SCHEMA, cls))
    meta, fast = pair
    if fast.is_valid(schema):
        return None  # jsonschema-rs is sure; jsonschema judges (and explains) the rest
    err = jsonschema.exceptions.best_match(meta.iter_errors(schema))
    if err is None:
        return None
    where = "/".join(map(str, err.absolute_path)) or "(top level)"
    return f"{where}: {readable_message(err)}"
