"""Reading a schema file a person wrote, for ``patforge example``: every failure
names the file (and the line where the JSON breaks) and what to do."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from patforge.repository.bounded import ContentError, parse_json, read_regular
from patforge.errors import SchemaFileError
from patforge.examplegen.instances import ExampleSet, example_instance
from patforge.validation.tolerance import draft03_message, draft03_required
from patforge.validation.metaschema import schema_problem


def load_schema_file(path: Path) -> Any:
    """The parsed schema; :class:`SchemaFileError` (exit 2) when it is unreadable,
    not JSON (with line and column) or not a valid JSON Schema (draft-07 unless its
    ``$schema`` names another; with its pointer)."""
    return _load(path)[0]


def _load(path: Path) -> tuple[Any, list[str]]:
    """(schema, pointers of draft-03 ``required`` flags read as their author meant)."""
    try:  # a regular file, bounded in size and nesting, strict UTF-8 (repository/bounded.py)
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
        fixed, flags = draft03_required(schema)
        if not flags or schema_problem(fixed):
            raise SchemaFileError(f"{path}: {problem.sentence()}", hint=SCHEMA_HINT)
        return fixed, flags  # read as its author meant; example_from_file notes it
    return schema, []


SCHEMA_HINT = "fix that keyword (see https://json-schema.org/draft-07)"


def example_from_file(path: Path, kind: str = "minimal", *, doc_id: str | None = None,
                      pattern_id: str | None = None) -> ExampleSet:
    """One valid instance of the schema in ``path`` (``patforge example``)."""
    schema, flags = _load(path)
    result = example_instance(schema, kind, doc_id=doc_id, pattern_id=pattern_id)
    if flags:
        result.notes.insert(0, f"{path}: {draft03_message(flags)}")
    return result
