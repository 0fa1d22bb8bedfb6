"""Kind ``examples``: three example instances per pattern, generated from its schema.

The instances are computed in Python (``patforge.instances``, a deterministic schema
walker) and handed to the template as derived output; the answers file records the
schema path and their hashes. Hand-written examples (present, never rendered) are left
alone; the sidecar kind links them with an ``examples.id.yaml`` index.
"""

from __future__ import annotations

import json
from pathlib import PurePosixPath
from typing import Any

from patforge.cache import key as cache_key
from patforge.diagnostics import Diagnostic, error
from patforge.instances import GENERATOR_VERSION, generate_instances, instance_to_text, validate_instance
from patforge.kinds.base import PATTERN, BuildContext, Kind, Reader, Unit
from patforge.kinds.schema import compiled_schema
from patforge.layout import EXAMPLE_FILES, example_dir
from patforge.registry import Pattern, Registry


def _json_file_doc_id(files: Reader, rel: str) -> str | None:
    try:
        data = json.loads(files.read_text(rel) or "")
    except (ValueError, UnicodeDecodeError):
        return None
    return data.get("doc_id") if isinstance(data, dict) else None


def hand_written_examples(files: Reader, p: Pattern) -> list[str]:
    """Example JSON files present without an embedded doc_id and not managed by patforge."""
    folder = example_dir(p)
    if not files.is_dir(folder) or KIND.managed(files, p):
        return []
    names = [n for n in files.list_files(folder) if PurePosixPath(n).suffix == ".json"]
    return [n for n in names if _json_file_doc_id(files, f"{folder}/{n}") is None]


def cached_instances(registry: Registry, schema: dict[str, Any], doc_id: str,
                     pattern_id: str) -> dict[str, dict[str, Any]]:
    k = cache_key("instances", schema, doc_id, pattern_id)
    hit = registry.cache.get(k) if registry.cache else None
    if hit is None:
        hit = generate_instances(schema, doc_id=doc_id, pattern_id=pattern_id)
        if registry.cache:
            registry.cache.put(k, hit)
    return hit


class ExamplesKind(Kind):
    """Derived output: the generator's instances, validated against the schema."""

    def layout(self, registry: Registry, p: Pattern) -> dict[str, str]:
        folder = example_dir(p)
        return {"example_dir": folder, **{f.split(".")[0]: f"{folder}/{f}" for f in EXAMPLE_FILES}}

    def _schema(self, ctx: BuildContext, p: Pattern) -> dict[str, Any] | None:
        """The schema examples must satisfy: the one on disk if a person wrote it."""
        from patforge.kinds.schema import KIND as SCHEMA

        if ctx.files.exists(p.schema_path) and not SCHEMA.managed(ctx.files, p):
            try:
                return json.loads(ctx.files.read_text(p.schema_path) or "")
            except ValueError as exc:
                ctx.diagnostics.add(error(f"hand-written schema is not valid JSON: {exc}", path=p.schema_path,
                                          pattern=p.name, hint="fix the JSON syntax"))
                return None
        return compiled_schema(ctx, p)  # cached: diagnostics are reported once

    def build(self, ctx: BuildContext, p: Pattern | None) -> Unit | None:
        schema = self._schema(ctx, p)
        if schema is None:
            return None
        doc_id = ctx.registry.doc_id_for(p)
        instances = cached_instances(ctx.registry, schema, doc_id, p.pattern_id)
        paths = self.layout(ctx.registry, p)
        folder = paths["example_dir"]
        answers = {"answers_file": self.answers_file(p), "name": p.name, "pattern_id": p.pattern_id,
                   "doc_id": doc_id, "example_dir": folder, "schema_path": p.schema_path,
                   "minimal_path": paths["instance_minimal"], "full_path": paths["instance_full"],
                   "test_path": paths["instance_test"], "generator": GENERATOR_VERSION}
        derived = {paths[k]: instance_to_text(instances[k])
                   for k in ("instance_minimal", "instance_full", "instance_test")}
        unit = Unit(self.name, p.name, ctx.phase, answers, [f"{folder}/{f}" for f in EXAMPLE_FILES],
                    derived=derived)
        if p.example_dir is None:
            unit.registry_fields.append(("example_dir", folder))
        return unit

    def validate(self, unit: Unit, staged: dict[str, bytes], files: Reader) -> list[Diagnostic]:
        """Each example validates against the pattern's schema (as landed just before)."""
        out: list[Diagnostic] = []
        schema_rel = unit.answers.get("schema_path")
        if not schema_rel:
            return out
        text = files.read_text(schema_rel)
        if text is None:
            return out  # schema not rendered (its own failure is reported); check will flag it
        try:
            schema = json.loads(text)
        except ValueError:
            return out
        for rel in unit.files:
            if rel not in staged:
                continue
            try:
                instance = json.loads(staged[rel])
            except ValueError:
                continue  # reported by the syntax check
            for msg in validate_instance(schema, instance):
                out.append(error(f"example does not validate against {schema_rel}: {msg}", path=rel,
                                 pattern=unit.pattern, code="example-invalid",
                                 hint="adjust the spec's constraints or examples so a valid value exists"))
        return out


KIND = ExamplesKind("examples", PATTERN,
                    "instance_minimal/full/test.json generated from the pattern's schema")
