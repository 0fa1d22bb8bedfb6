"""Is this a valid JSON Schema? One answer for the compiler, render and check.

The metaschema is the one the schema names in ``$schema``, draft-07 when it names
none (what patforge compiles). The message names the first (best) problem and where.
"""

from __future__ import annotations

from typing import Any

import jsonschema

from patforge.validation.fastvalid import FastValidator
from patforge.validation.messages import readable_message
from patforge.validation.refs import document_problem, validator, validator_class

_META_VALIDATORS: dict[type, Any] = {}


def schema_problem(schema: Any) -> str | None:
    """None when ``schema`` passes its metaschema and every ``$ref`` in it resolves
    inside the document (:mod:`patforge.validation.refs`: nothing is fetched), else
    ``<json path>: <message>`` or the ``$ref`` that does not resolve."""
    cls = validator_class(schema)
    pair = _META_VALIDATORS.get(cls)
    if pair is None:
        pair = _META_VALIDATORS[cls] = (validator(cls.META_SCHEMA, cls), FastValidator(cls.META_SCHEMA, cls))
    meta, fast = pair
    if not fast.is_valid(schema):  # jsonschema-rs is sure when valid; jsonschema explains the rest
        err = jsonschema.exceptions.best_match(meta.iter_errors(schema))
        if err is not None:
            where = "/".join(map(str, err.absolute_path)) or "(top level)"
            return f"{where}: {readable_message(err)}"
    return document_problem(schema)
