"""Is this a valid JSON Schema? One answer for the compiler, render, check and
``patforge example`` (``examplegen/schema_input.py``).

The metaschema is the one the schema names in ``$schema``, draft-07 when it names
none (what patforge compiles). The answer names the first (best) problem and where.
"""

from __future__ import annotations

import warnings
from typing import Any

import jsonschema

from patforge.validation.fastvalid import FastValidator

_META_VALIDATORS: dict[type, Any] = {}
_DRAFTS = {"Draft3Validator": "draft-03", "Draft4Validator": "draft-04", "Draft6Validator": "draft-06",
           "Draft7Validator": "draft-07", "Draft201909Validator": "2019-09", "Draft202012Validator": "2020-12"}


class SchemaProblem(str):
    """Why a schema fails its metaschema. As text: ``<json path>: <message>`` (what the
    compiler and check say); ``sentence()`` names the draft and the JSON pointer."""

    path: tuple[Any, ...]
    message: str
    draft: str

    def __new__(cls, path: tuple[Any, ...], message: str, draft: str) -> "SchemaProblem":
        self = super().__new__(cls, f"{'/'.join(map(str, path)) or '(top level)'}: {message}")
        self.path, self.message, self.draft = path, message, draft
        return self

    def pointer(self) -> str:
        return "#" + "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in self.path)

    def sentence(self) -> str:
        return f"not a valid {self.draft} schema at {self.pointer()}: {self.message}"


def schema_problem(schema: Any) -> SchemaProblem | None:
    """None when ``schema`` passes its metaschema, else the problem."""
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
    return SchemaProblem(tuple(err.absolute_path), err.message, _DRAFTS.get(cls.__name__, cls.__name__))
