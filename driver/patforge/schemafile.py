"""Reading a schema file a person wrote, for ``patforge example``: every failure
names the file (and the line where the JSON breaks) and what to do."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jsonschema.exceptions import SchemaError

from patforge.boundedread import ContentError, parse_json, read_regular
from patforge.boundedschema import Draft7
from patforge.errors import SchemaFileError
from patforge.instances import ExampleSet, example_instance
from patforge.walktypes import escape_pointer


def load_schema_file(path: Path) -> Any:
    """The parsed schema; :class:`SchemaFileError` (exit 2) when it is unreadable,
    not JSON (with line and column) or not a draft-07 schema (with its pointer)."""
    try:  # a regular file, bounded in size and nesting, strict UTF-8 (boundedread.py)
        raw = read_regular(Path(path), str(path))
    except ContentError as exc:
        raise SchemaFileError(exc.message.replace(f"{path}: ", f"{path}: cannot read the schema: ", 1),
                              hint=exc.hint or "check the path") from None
    try:
        schema = parse_json(raw, str(path))
    except ContentError as exc:
        raise SchemaFileError(exc.message, hint=exc.hint) from None
    problem = schema_problem(schema)
    if problem:
        raise SchemaFileError(f"{path}: {problem}", hint=SCHEMA_HINT)
    return schema


SCHEMA_HINT = "fix that keyword (see https://json-schema.org/draft-07)"


def schema_problem(schema: Any) -> str | None:
    """Why ``schema`` is not a draft-07 schema (checked against the metaschema), or None."""
    try:
        Draft7.check_schema(schema)  # patterns read as ECMA-262 (boundedschema.py)
    except SchemaError as exc:
        where = "#" + "".join(f"/{escape_pointer(p)}" for p in exc.absolute_path)
        message = str(exc.cause) if exc.validator == "format" and exc.cause is not None else exc.message
        return f"not a valid draft-07 schema at {where}: {message}"
    return None


def example_from_file(path: Path, kind: str = "minimal", *, doc_id: str | None = None,
                      pattern_id: str | None = None) -> ExampleSet:
    """One valid instance of the schema in ``path`` (``patforge example``)."""
    return example_instance(load_schema_file(path), kind, doc_id=doc_id, pattern_id=pattern_id)
