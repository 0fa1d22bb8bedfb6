"""Reading a schema file a person wrote, for ``patforge example``: every failure
names the file (and the line where the JSON breaks) and what to do."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from patforge.errors import SchemaFileError
from patforge.examplegen.instances import ExampleSet, example_instance
from patforge.validation.metaschema import schema_problem


def load_schema_file(path: Path) -> Any:
    """The parsed schema; :class:`SchemaFileError` (exit 2) when it is unreadable,
    not JSON (with line and column) or not a valid JSON Schema (draft-07 unless its
    ``$schema`` names another; with its pointer)."""
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
        raise SchemaFileError(f"{path}: {problem.sentence()}", hint=SCHEMA_HINT)
    return schema


SCHEMA_HINT = "fix that keyword (see https://json-schema.org/draft-07)"


def example_from_file(path: Path, kind: str = "minimal", *, doc_id: str | None = None,
                      pattern_id: str | None = None) -> ExampleSet:
    """One valid instance of the schema in ``path`` (``patforge example``)."""
    return example_instance(load_schema_file(path), kind, doc_id=doc_id, pattern_id=pattern_id)
