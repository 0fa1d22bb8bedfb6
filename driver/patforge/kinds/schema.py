"""Kind ``schema``: the pattern's instance JSON Schema, compiled from its spec.

The schema is computed in Python (``patforge.spec.compiler``: spec dialect -> draft-07) and
handed to the template as derived output. The answers file records what re-derives it
(``spec_sha256``: the digest of what the compiler reads from the spec; the compiler
version) and the output's hash, not the schema.
"""

from __future__ import annotations

import json
from typing import Any

from patforge.rendering.compile_cache import diag_from_dict, key as cache_key
from patforge.spec.compiler import COMPILER_VERSION, compile_schema, schema_to_text, spec_digest
from patforge.diagnostics import Diagnostic, error
from patforge.docids.existing import instance_pattern_for
from patforge.kinds.base import PATTERN, BuildContext, Kind, Reader, Unit
from patforge.repository.registry import Pattern, Registry
from patforge.validation.metaschema import schema_problem


def compiled_schema(ctx: BuildContext, p: Pattern) -> dict[str, Any] | None:
    """Compile once per pattern and run (the schema and examples units both need it);
    diagnostics are reported the first time only."""
    cache = p.__dict__.setdefault("_compiled", {})
    if "schema" not in cache:
        cache["schema"] = _compile(ctx, p)
    return cache["schema"]


def _spec_errors(registry: Any) -> set[str]:
    """Patterns whose spec already has an error of its own (computed once per run)."""
    found = registry.__dict__.get("_spec_errors")
    if found is None:
        found = registry.__dict__["_spec_errors"] = {d.pattern for d in registry.diagnostics.errors if d.pattern}
    return found


def _compile(ctx: BuildContext, p: Pattern) -> dict[str, Any] | None:
    registry, diags = ctx.registry, ctx.diagnostics
    if p.spec is None:
        if p.name in _spec_errors(registry):
            return None  # one fix per entry: the spec's own error says it (registry.load_spec)
        diags.add(error(f"{p.name}: no parseable spec, so no schema can be compiled",
                        path=p.spec_path, hint="fix the spec (errors above), then render again",
                        pattern=p.name, code="no-spec"))
        return None
    pattern = instance_pattern_for(registry.config.doc_id_rule, registry.doc_id_for(p))
    k = cache_key("schema", p.spec.text, p.spec_file, p.name, p.pattern_id, registry.doc_id_for(p), pattern)
    hit = registry.cache.get(k, _cached_schema) if registry.cache else None
    if hit is not None:
        schema, cached_diags = hit
        diags.extend(cached_diags)
        return schema

    # The spec's node positions are parsed only if a diagnostic needs a line (yamlsrc).
    result = compile_schema(p.spec.data, name=p.name, pattern_id=p.pattern_id,
                            doc_id=registry.doc_id_for(p), doc_id_pattern=pattern,
                            doc=p.spec.doc, spec_path=p.spec_file)
    p.spec.drop_positions()
    diags.extend(result.diagnostics)
    schema = result.schema if result.ok else None
    if registry.cache:
        registry.cache.put(k, {"schema": schema, "diagnostics": [d.to_dict() for d in result.diagnostics]})
    return schema


def _cached_schema(hit: Any) -> tuple[dict[str, Any] | None, list[Any]]:
    """(schema, diagnostics) of a cache entry; TypeError when it is not one (a miss)."""
    schema = hit["schema"]
    if schema is not None and not isinstance(schema, dict):
        raise TypeError("not a schema")
    return schema, [diag_from_dict(d) for d in hit["diagnostics"]]


def _derived(p: Pattern, field: str) -> list[tuple[str, str]]:
    """A path the entry lacks, derived by convention (entrypaths.py): recorded once present."""
    return [(field, p.derived[field])] if field in p.derived else []


class SchemaKind(Kind):
    """Derived output: the compiler's schema, hashed in the answers file."""

    def layout(self, registry: Registry, p: Pattern) -> dict[str, str]:
        return {"schema": p.schema_path}

    def build(self, ctx: BuildContext, p: Pattern | None) -> Unit | None:
        if ctx.files.exists(p.schema_path) and not self.managed(ctx.files, p):
            # A person wrote it: it is the authority and is never rendered, so the spec plays
            # no part here (its problems, if any, are not this unit's).
            unit = Unit(self.name, p.name, ctx.phase, {"answers_file": self.answers_file(p), "name": p.name},
                        [p.schema_path])
            unit.registry_fields += _derived(p, "schema_path")
            return unit
        schema = compiled_schema(ctx, p)
        if schema is None:
            return None
        answers = {"answers_file": self.answers_file(p), "name": p.name, "pattern_id": p.pattern_id,
                   "doc_id": ctx.registry.doc_id_for(p), "schema_path": p.schema_path,
                   "spec_path": p.spec_path, "spec_sha256": spec_digest(p.spec.data),
                   "compiler": COMPILER_VERSION}
        unit = Unit(self.name, p.name, ctx.phase, answers, [p.schema_path],
                    derived={p.schema_path: schema_to_text(schema)})
        unit.registry_fields += _derived(p, "schema_path")
        return unit

    def validate(self, unit: Unit, staged: dict[str, bytes], files: Reader) -> list[Diagnostic]:
        rel = unit.files[0]
        derived = (unit.derived or {}).get(rel)
        if derived is not None and staged.get(rel) == derived.encode("utf-8"):
            return []  # the compiler's own output: compile_schema checked it against the metaschema
        try:
            problem = schema_problem(json.loads(staged[rel]))
        except (KeyError, ValueError) as exc:
            problem = str(exc)
        if problem is None:
            return []
        return [error(f"schema does not pass the draft-07 metaschema: {problem}", path=rel,
                      pattern=unit.pattern, code="schema-invalid")]


KIND = SchemaKind("schema", PATTERN,
                  "the instance JSON Schema (draft-07) compiled from the spec")
