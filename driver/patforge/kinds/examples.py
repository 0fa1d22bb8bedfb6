"""Kind ``examples``: three example instances per pattern, generated from its schema.

The instances are computed in Python (``patforge.examplegen.instances``, a deterministic schema
walker) and handed to the template as derived output; the answers file records the
schema path and their hashes. The schema that governs them is the hand-written one when
a person wrote it (it is the authority, not the spec), else the compiled one. They carry
``doc_id``/``pattern_id`` only where that schema allows them; otherwise, like hand-written
examples (present, never rendered, left alone), the sidecar kind links them with an
``examples.id.yaml`` index. A schema that admits no instance fails the unit, naming the
keyword that blocks it.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from patforge.repository.bounded import ContentError, parse_json
from patforge.rendering.compile_cache import key as cache_key
from patforge.diagnostics import Diagnostic, error, info, warning
from patforge.validation.messages import exception_text, shown
from patforge.examplegen.instances import (
    GENERATOR_VERSION,
    Blocker,
    ExampleSet,
    generate_examples,
    instance_to_text,
    validate_instance,
)
from patforge.kinds.base import PATTERN, BuildContext, Kind, Reader, Unit
from patforge.kinds.schema import compiled_schema
from patforge.repository.layout import EXAMPLE_FILES, example_dir
from patforge.repository.registry import Pattern, Registry
from patforge.examplegen.schema_input import SCHEMA_HINT, schema_problem
from patforge.validation.tolerance import draft03_message, draft03_required


def _json_file_doc_id(files: Reader, rel: str) -> str | None:
    try:
        data = parse_json(files.read_bytes(rel) or b"", rel)
    except ContentError:
        return None
    return data.get("doc_id") if isinstance(data, dict) else None


def hand_written_examples(files: Reader, p: Pattern) -> list[str]:
    """Example JSON files present without an embedded doc_id and not managed by patforge."""
    folder = example_dir(p)
    if not files.is_dir(folder) or KIND.managed(files, p):
        return []
    names = [n for n in files.list_files(folder) if PurePosixPath(n).suffix == ".json"]
    return [n for n in names if _json_file_doc_id(files, f"{folder}/{n}") is None]


def cached_examples(registry: Registry, schema: Any, doc_id: str, pattern_id: str) -> ExampleSet:
    """The pattern's three instances (never raising: a blocked schema carries its
    :class:`Blocker`), cached across runs."""
    k = cache_key("examples", schema, doc_id, pattern_id)
    hit = registry.cache.get(k, _cached_examples) if registry.cache else None
    if hit is None:
        found = generate_examples(schema, doc_id=doc_id, pattern_id=pattern_id, strict=False)
        b = found.blocker
        hit = {"instances": found.instances, "embedded": found.embedded,
               "blocker": [b.keyword, b.pointer, b.detail, b.tried, b.proved] if b else None,
               "notes": found.notes}
        if registry.cache:
            registry.cache.put(k, hit)
    b = hit["blocker"]
    return ExampleSet(hit["instances"], dict(hit["embedded"]), Blocker(*b) if b else None,
                      list(hit.get("notes") or []))


def _cached_examples(hit: Any) -> dict[str, Any]:
    """A cache entry of :func:`cached_examples`; TypeError when it is not one (a miss:
    a damaged entry is generated again, never a unit failure)."""
    b = hit["blocker"]
    from patforge.examplegen.instances import INSTANCE_KINDS

    if not (isinstance(hit["instances"], dict) and set(INSTANCE_KINDS) <= set(hit["instances"])
            and isinstance(hit["embedded"], dict)
            and all(isinstance(v, bool) for v in hit["embedded"].values())
            and (b is None or (isinstance(b, list) and len(b) == 3 and all(isinstance(x, str) for x in b)))):
        raise TypeError("not an examples entry")
    return hit


_NOT_HAND_WRITTEN = object()


def hand_written_schema(files: Reader, p: Pattern) -> Any:
    """The schema on disk if a person wrote it (present, never rendered by patforge):
    the parsed JSON, a ValueError when it does not parse, else ``_NOT_HAND_WRITTEN``."""
    from patforge.kinds.schema import KIND as SCHEMA

    if not p.schema_path or not files.exists(p.schema_path) or SCHEMA.managed(files, p):
        return _NOT_HAND_WRITTEN
    try:  # bounded nesting, strict UTF-8, no lone surrogate (repository/bounded.py)
        schema = parse_json(files.read_bytes(p.schema_path) or b"", p.schema_path)
    except ContentError as exc:  # "<file>:<line>:<col>: why" -> the why, with its line
        where, _, why = exc.message.removeprefix(f"{p.schema_path}:").partition(": ")
        line = where.split(":")[0]
        err = ValueError(why if why and line.isdigit() else exc.message.removeprefix(f"{p.schema_path}: "))
        err.lineno = int(line) if why and line.isdigit() else None  # type: ignore[attr-defined]
        return err
    return draft03_required(schema)[0]  # read as its author meant (the build warns)


def examples_to_link(registry: Registry, files: Reader, p: Pattern) -> list[str]:
    """The example files the folder's index must link to the pattern's doc_id: the
    hand-written ones without a doc_id, and the generated ones when the hand-written
    schema does not let them embed it (the schema is the authority, not patforge)."""
    names = hand_written_examples(files, p)
    schema = hand_written_schema(files, p)
    if schema is _NOT_HAND_WRITTEN or isinstance(schema, ValueError) or schema_problem(schema):
        return names
    # The examples unit renders only into a folder without examples of a person's.
    generates = KIND.managed(files, p) or own_examples(files, p, schema) is None
    if generates:
        found = cached_examples(registry, schema, registry.doc_id_for(p), p.pattern_id)
        if found.blocker is None and "doc_id" in found.sidecar_ids:
            names += [f for f in EXAMPLE_FILES if f not in names]
    return names


def own_examples(files: Reader, p: Pattern, schema: Any) -> tuple[list[str], list[tuple[str, str]]] | None:
    """(example files, [(file, why it does not validate)]) when the pattern's examples are
    a person's and there is nothing to generate: its folder holds example JSON that
    patforge did not render, and either one sits at an instance path (never overwritten)
    or all of them validate against ``schema``. None: the unit generates."""
    folder = example_dir(p)
    if not files.is_dir(folder) or KIND.managed(files, p):
        return None
    names = sorted(n for n in files.list_files(folder) if PurePosixPath(n).suffix == ".json")
    if not names:
        return None
    invalid = []
    for n in names:
        rel = f"{folder}/{n}"
        try:
            instance = parse_json(files.read_bytes(rel) or b"", rel)  # bounded, strict (repository/bounded.py)
        except (ContentError, ValueError) as exc:
            invalid.append((rel, f"not valid JSON: {exception_text(exc)}"))
            continue
        problems = validate_instance(schema, instance)
        if problems:
            more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
            invalid.append((rel, problems[0] + more))
    if invalid and not any(n in EXAMPLE_FILES for n in names):
        return None  # generated instances go beside them; check reports the invalid ones
    return [f"{folder}/{n}" for n in names], invalid


def _blocked(p: Pattern, blocker: Blocker, hand_written: bool) -> Diagnostic:
    where = f"{shown(blocker.keyword)} at {blocker.pointer} in {p.schema_path}"
    if blocker.keyword in ("depth", "budget"):  # the generator's own bounds, not a keyword
        where = f"the schema at {blocker.pointer} in {p.schema_path}"
    hint = (f"relax {where}; the hand-written schema is what the examples must satisfy"
            if hand_written else
            f"the schema is compiled from {p.spec_path}: relax the spec constraint behind {where}")
    return error(f"{p.name}: {blocker.headline().replace('instance', 'example instance')}: {blocker.message()}",
                 path=p.schema_path, pattern=p.name, code="example-blocked", hint=hint)


class ExamplesKind(Kind):
    """Derived output: the generator's instances, validated against the schema."""

    def layout(self, registry: Registry, p: Pattern) -> dict[str, str]:
        folder = example_dir(p)
        return {"example_dir": folder, **{f.split(".")[0]: f"{folder}/{f}" for f in EXAMPLE_FILES}}

    def inputs(self, p: Pattern) -> tuple[list[str], list[str]]:
        # the examples must satisfy the schema; a hand-written folder is judged by its listing
        return [p.schema_path], [example_dir(p)]

    def _schema(self, ctx: BuildContext, p: Pattern) -> tuple[Any, bool]:
        """(the schema examples must satisfy, whether a person wrote it). A hand-written
        schema is the authority; the spec only matters when patforge compiles the schema."""
        schema = hand_written_schema(ctx.files, p)
        if isinstance(schema, ValueError):
            ctx.diagnostics.add(error(f"hand-written schema cannot be read: {schema}", path=p.schema_path,
                                      line=getattr(schema, "lineno", None), pattern=p.name,
                                      hint="fix the JSON"))
            return None, True
        if schema is not _NOT_HAND_WRITTEN:
            raw = parse_json(ctx.files.read_bytes(p.schema_path) or b"", p.schema_path)
            flags = draft03_required(raw)[1]
            if flags:
                ctx.diagnostics.add(warning(
                    draft03_message(flags), path=p.schema_path, pattern=p.name, code="schema-draft03-required",
                    hint='list the names in the object\'s "required" array to make it a valid draft-07 schema'))
            problem = schema_problem(schema)
            if problem:
                ctx.diagnostics.add(error(f"hand-written schema is {problem}", path=p.schema_path,
                                          pattern=p.name, code="schema-invalid", hint=SCHEMA_HINT))
                return None, True
            return schema, True
        return compiled_schema(ctx, p), False  # cached: diagnostics are reported once

    def _hand_written_unit(self, ctx: BuildContext, p: Pattern, schema: Any) -> Unit | None:
        """The unit as a person wrote it (see :func:`own_examples`), its invalid files named
        (a warning: the person decides; check reports them too)."""
        own = own_examples(ctx.files, p, schema)
        if own is None:
            return None
        rels, invalid = own
        for rel, why in invalid:
            ctx.diagnostics.add(warning(
                f"{p.name}: hand-written example does not validate against {p.schema_path}: {why}",
                path=rel, pattern=p.name, code="example-invalid",
                hint=f"correct the example or the schema; patforge never rewrites {rel}"))
        folder = example_dir(p)
        answers = {"answers_file": self.answers_file(p), "name": p.name, "pattern_id": p.pattern_id,
                   "example_dir": folder, "schema_path": p.schema_path}
        unit = Unit(self.name, p.name, ctx.phase, answers, rels)
        if p.example_dir is None:
            unit.registry_fields.append(("example_dir", folder))
        return unit

    def build(self, ctx: BuildContext, p: Pattern | None) -> Unit | None:
        schema, hand_written = self._schema(ctx, p)
        if schema is None:
            return None
        own = self._hand_written_unit(ctx, p, schema)
        if own is not None:
            return own  # classified hand-written: nothing generated, nothing failed
        doc_id = ctx.registry.doc_id_for(p)
        try:
            found = cached_examples(ctx.registry, schema, doc_id, p.pattern_id)
        except Exception as exc:  # noqa: BLE001 - a schema the generator cannot walk: say so, go on
            ctx.diagnostics.add(error(
                f"{p.name}: patforge could not generate example instances from {p.schema_path}: {exception_text(exc)}",
                path=p.schema_path, pattern=p.name, code="examples-not-generated",
                hint="write the examples by hand in the example folder, or simplify the schema construct "
                     "named above"))
            return None
        if found.blocker is not None:
            ctx.diagnostics.add(_blocked(p, found.blocker, hand_written))
            return None
        for note in found.notes:  # a kind reduced to minimal: say what was given up, and why
            ctx.diagnostics.add(info(f"{p.name}: {note}", path=p.schema_path, pattern=p.name,
                                     code="example-reduced"))
        instances = found.instances
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
            schema = draft03_required(parse_json(text.encode("utf-8", "surrogatepass"), schema_rel))[0]
        except (ContentError, ValueError):
            return out
        for rel in unit.files:
            if rel not in staged:
                continue
            try:
                instance = parse_json(staged[rel], rel)
            except ContentError:
                continue  # reported by the syntax check
            for msg in validate_instance(schema, instance):
                out.append(error(f"example does not validate against {schema_rel}: {msg}", path=rel,
                                 pattern=unit.pattern, code="example-invalid",
                                 hint=f"the examples must satisfy {schema_rel} as it is on disk; "
                                      "render again after it changes"))
        return out


KIND = ExamplesKind("examples", PATTERN,
                    "instance_minimal/full/test.json generated from the pattern's schema")
