"""Is this a valid JSON Schema? One answer for the compiler, render, check and
``patforge example`` (``examplegen/schema_input.py``).

The metaschema is the one the schema names in ``$schema``, draft-07 when it names
none (what patforge compiles). The answer names the first (best) problem and where.
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
_DRAFTS = {"Draft3Validator": "draft-03", "Draft4Validator": "draft-04", "Draft6Validator": "draft-06",
           "Draft7Validator": "draft-07", "Draft201909Validator": "2019-09", "Draft202012Validator": "2020-12"}


class SchemaProblem(str):
    """Why a schema fails its metaschema. As text: ``<json path>: <message>`` (what the
    compiler and check say); ``sentence()`` names the draft and the JSON pointer. A
    ``$ref`` that does not resolve inside the document is ``unusable``: its text is the
    reference's problem, its sentence ``not usable: ...``."""

    path: tuple[Any, ...]
    message: str
    draft: str
    unusable: bool

    def __new__(cls, path: tuple[Any, ...], message: str, draft: str, unusable: bool = False) -> "SchemaProblem":
        text = message if unusable else f"{'/'.join(map(str, path)) or '(top level)'}: {message}"
        self = super().__new__(cls, text)
        self.path, self.message, self.draft, self.unusable = path, message, draft, unusable
        return self

    def pointer(self) -> str:
        return "#" + "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in self.path)

    def sentence(self) -> str:
        if self.unusable:
            return f"not usable: {self.message}"
        return f"not a valid {self.draft} schema at {self.pointer()}: {self.message}"


def regex_problems(schema: Any, draft: str = "draft-07") -> SchemaProblem | None:
    """``<json path>: <why>`` for the first pattern in ``schema`` that is not a valid
    ECMA-262 regular expression, or None."""
    for where, pattern in schema_regexes(schema):
        if isinstance(pattern, str):
            problem = regex_problem(pattern)
            if problem is not None:
                path = tuple(p.replace("~1", "/").replace("~0", "~") for p in where.strip("/").split("/")) \
                    if where.strip("/") else ()
                return SchemaProblem(path, problem, draft)
    return None


def schema_problem(schema: Any) -> SchemaProblem | None:
    """None when ``schema`` passes its metaschema (its patterns read as ECMA-262, bounded)
    and every ``$ref`` in it resolves inside the document (:mod:`patforge.validation.refs`:
    nothing is fetched), else the problem (``<json path>: <message>``, or the ``$ref`` that
    does not resolve)."""
    cls = validator_for(schema).BASE
    draft = _DRAFTS.get(cls.__name__, cls.__name__)
    pair = _META_VALIDATORS.get(cls)
    if pair is None:
        pair = _META_VALIDATORS[cls] = (bounded(cls)(cls.META_SCHEMA, format_checker=REGEX_FORMAT),
                                        FastValidator(cls.META_SCHEMA, cls))
    meta, fast = pair
    if fast.is_valid(schema):
        # jsonschema-rs is sure of the structure; it does not compile the patterns
        problem = regex_problems(schema, draft)
    else:
        err = jsonschema.exceptions.best_match(meta.iter_errors(schema))
        if err is None:
            return None
        message = readable_message(err)
        if err.validator == "format" and err.cause is not None:
            message = str(err.cause)  # the pattern's own problem, not "is not a 'regex'"
        problem = SchemaProblem(tuple(err.absolute_path), message, draft)
    if problem is not None:
        return problem
    ref = document_problem(schema)
    return SchemaProblem((), ref, draft, unusable=True) if ref else None
