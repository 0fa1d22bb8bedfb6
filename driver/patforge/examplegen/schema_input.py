"""Reading a schema file a person wrote, for ``patforge example``: every failure
names the file (and the line where the JSON breaks) and what to do."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
from jsonschema.exceptions import SchemaError

from patforge.validation.draft7 import FORMAT_CHECKER
from patforge.errors import SchemaFileError
from patforge.examplegen.instances import ExampleSet, example_instance
from patforge.validation.tolerance import draft03_message, draft03_required
from patforge.validation.messages import readable_message
from patforge.validation.refs import document_problem
from patforge.examplegen.walktypes import escape_pointer


def load_schema_file(path: Path) -> Any:
    """The parsed schema; :class:`SchemaFileError` (exit 2) when it is unreadable,
    not JSON (with line and column) or not a draft-07 schema (with its pointer)."""
    return _load(path)[0]


def _load(path: Path) -> tuple[Any, list[str]]:
    """(schema, pointers of draft-03 ``required`` flags read as their author meant)."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise SchemaFileError(f"{path}: cannot read the schema: {exc.strerror or exc}",
                              hint="check the path") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise SchemaFileError(f"{path}:{line}: not UTF-8 text (byte {exc.start})",
                              hint="save the schema as UTF-8") from exc
    try:
        schema = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SchemaFileError(f"{path}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}",
                              hint=f"fix the JSON syntax at line {exc.lineno}") from exc
    problem = schema_problem(schema)
    if problem:
        fixed, flags = draft03_required(schema)
        if not flags or schema_problem(fixed):
            raise SchemaFileError(f"{path}: {problem}", hint=SCHEMA_HINT)
        return fixed, flags  # read as its author meant; example_from_file notes it
    return schema, []


SCHEMA_HINT = "fix that keyword (see https://json-schema.org/draft-07)"


def schema_problem(schema: Any) -> str | None:
    """Why ``schema`` is not a draft-07 schema (checked against the metaschema), or None."""
    try:
        # format regex read as ECMA-262, as draft-07 means it
        jsonschema.Draft7Validator.check_schema(schema, format_checker=FORMAT_CHECKER)
    except SchemaError as exc:
        where = "#" + "".join(f"/{escape_pointer(p)}" for p in exc.absolute_path)
        return f"not a valid draft-07 schema at {where}: {readable_message(exc)}"
    problem = document_problem(schema)
    return f"not usable: {problem}" if problem else None


def example_from_file(path: Path, kind: str = "minimal", *, doc_id: str | None = None,
                      pattern_id: str | None = None) -> ExampleSet:
    """One valid instance of the schema in ``path`` (``patforge example``)."""
    schema, flags = _load(path)
    result = example_instance(schema, kind, doc_id=doc_id, pattern_id=pattern_id)
    if flags:
        result.notes.insert(0, f"{path}: {draft03_message(flags)}")
    return result
