"""Kind ``schema``: the pattern's instance JSON Schema, compiled from its spec.

The schema is computed in Python (``patforge.spec.compiler``: spec dialect -> draft-07) and
handed to the template as derived output. The answers file records what re-derives it
(``spec_sha256``: the digest of what the compiler reads from the spec; the compiler
version) and the output's hash, not the schema.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Iterator

from patforge.check.judging import bad, compare, fix_hint, judge_named_file, problem_text, skip
from patforge.check.model import Item, RepoModel, Suite
from patforge.check.resolve import DocIdSource, as_id, embedded_json_doc_id, yaml_line
from patforge.check.rules import Finding, MUST, Rule, SHOULD, SPEC_PATFORGE
from patforge.diagnostics import Diagnostic, diag_from_dict, error
from patforge.docids.claims import IdClaim, SidecarFields, json_key_line, read_inside
from patforge.repository.bounded import ContentError, parse_json
from patforge.repository.paths import PathProblem
from patforge.docids.rule import instance_pattern_for
from patforge.kinds.base import BuildContext, Kind, PATTERN, Reader, Unit
from patforge.kinds.judge import ArtifactJudge
from patforge.kinds.spec import NAME as SPEC
from patforge.rendering.compile_cache import key as cache_key
from patforge.repository.files import RepoFiles
from patforge.repository.layout import schema_index_path
from patforge.repository.registry import Pattern, Registry
from patforge.repository.yamlsrc import YamlDocument
from patforge.spec.compiler import COMPILER_VERSION, compile_schema, schema_to_text, spec_digest
from patforge.validation.metaschema import schema_problem

NAME = "schema"  # the --kind value, templates/schema/, and the subject of its rules


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

    derived_from = SPEC  # its other answers come from the spec

    def release(self, p: Pattern) -> None:
        p.__dict__.pop("_compiled", None)  # compiled_schema's copy, shared with the examples unit

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
        unit = Unit(self.name, p.name, ctx.phase, self._answers(ctx, p), [p.schema_path],
                    derived={p.schema_path: schema_to_text(schema)})
        unit.registry_fields += _derived(p, "schema_path")
        return unit

    def layout_unit(self, ctx: BuildContext, p: Pattern | None) -> Unit | None:
        if p is None or p.spec is None or not self.managed(ctx.files, p):
            return self.build(ctx, p)  # nothing to compile, or a person's schema: as build says
        unit = Unit(self.name, p.name, ctx.phase, self._answers(ctx, p), [p.schema_path])
        unit.registry_fields += _derived(p, "schema_path")
        return unit.named_only([p.schema_path])

    def _answers(self, ctx: BuildContext, p: Pattern) -> dict[str, Any]:
        return {"answers_file": self.answers_file(p), "name": p.name, "pattern_id": p.pattern_id,
                "doc_id": ctx.registry.doc_id_for(p), "schema_path": p.schema_path,
                "spec_path": p.spec_path, "spec_sha256": spec_digest(p.spec.data),
                "compiler": COMPILER_VERSION}

    def claims(self, registry: Registry, p: Pattern) -> list[IdClaim]:
        path = registry.repo / p.schema_path  # validated by the registry loader
        if self.on_disk(registry, p) or not path.is_file():
            return []
        try:  # the reading layer: regular, inside, bounded in size and depth, strict text
            raw = read_inside(registry.repo, p.schema_path)
            text, data = raw.decode("utf-8-sig"), parse_json(raw, p.schema_path)
        except (ContentError, PathProblem, UnicodeDecodeError):
            return []
        if isinstance(data, dict) and isinstance(data.get("doc_id"), str):
            return [IdClaim(NAME, p.schema_path, json_key_line(text, "doc_id"), data["doc_id"])]
        return []

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


# -- check: Schema files: PAT-CHECK-001-030..-033 and PATFORGE-SCHEMA-VALID. (was check/judges/schema.py) ----
# A schema says its doc_id by an embedded top-level ``"doc_id"``; a sidecar
# ``<schema minus .json>.id.yaml`` with ``schema_path`` and ``doc_id``; or a central index
# ``<registry folder>/SCHEMA_INDEX.yaml`` (optional), either
# ``schemas: [{schema_path: ..., doc_id: ...}, ...]`` or ``schemas: {<schema_path>: <doc_id>}``.
@dataclass
class Sidecar:
    path: str
    doc: YamlDocument | None
    problem: Diagnostic | str | None  # why it cannot be used
    schema_path: Any = None
    doc_id: Any = None

    def source(self) -> DocIdSource | None:
        if self.doc is None or self.doc_id is None:
            return None
        return DocIdSource("schema sidecar", self.path, as_id(self.doc_id), yaml_line(self.doc, "doc_id"))


def read_sidecar(files: RepoFiles, rel: str) -> Sidecar | None:
    """The sidecar at ``rel`` (``Pattern.sidecar_path()``), None when there is none."""
    if not files.is_file(rel):
        return None
    doc = files.yaml(rel)
    if isinstance(doc, Diagnostic):
        return Sidecar(rel, None, doc)
    if not isinstance(doc.data, dict):
        return Sidecar(rel, None, "the sidecar is not a YAML mapping")
    said = SidecarFields.of(doc.data)  # its line comes from the positioned document, on demand
    return Sidecar(rel, doc, None, said.schema_path, said.doc_id)


@dataclass
class SchemaIndex:
    path: str
    entries: dict[str, tuple[str, int | None]]  # schema_path -> (doc_id, line)
    problem: Diagnostic | str | None = None


def read_schema_index(files: RepoFiles, registry_path: str) -> SchemaIndex | None:
    rel = schema_index_path(registry_path)
    if not files.is_file(rel):
        return None
    doc = files.yaml(rel)
    if isinstance(doc, Diagnostic):
        return SchemaIndex(rel, {}, doc)
    data = doc.data.get("schemas") if isinstance(doc.data, dict) else None
    entries: dict[str, tuple[str, int | None]] = {}
    if isinstance(data, dict):
        for k, v in data.items():
            entries[str(k).replace("\\", "/")] = (as_id(v), yaml_line(doc, "schemas", k))
    elif isinstance(data, list):
        for i, item in enumerate(data):
            if isinstance(item, dict) and item.get("schema_path") and "doc_id" in item:
                entries[str(item["schema_path"]).replace("\\", "/")] = (
                    as_id(item["doc_id"]), yaml_line(doc, "schemas", i, "doc_id"))
    else:
        return SchemaIndex(rel, {}, "it has no 'schemas:' list or mapping")
    return SchemaIndex(rel, entries)




@dataclass
class SchemaPart:
    data: Any = None  # the schema, when it is a JSON object
    error: str | None = None  # why it is not JSON (or not an object)
    error_line: int | None = None
    problem: str | None = None  # why ``data`` is not a valid JSON Schema (None: it is, or no data)
    embedded: DocIdSource | None = None
    sidecar: Sidecar | None = None
    index_entry: tuple[str, int | None] | None = None  # (doc_id, line) in SCHEMA_INDEX.yaml


def prepare(model: RepoModel) -> None:
    model.shared[NAME] = read_schema_index(model.files, model.reg_path)


def locate(model: RepoModel, p: Pattern) -> SchemaPart:
    f = model.files
    part = SchemaPart()
    if f.is_file(p.schema_path):
        data, err = f.json(p.schema_path)
        if err is not None:
            part.error = f"not valid JSON: {err}"
            m = re.search(r"line (\d+)", err)
            part.error_line = int(m.group(1)) if m else None
        elif not isinstance(data, dict):
            part.error = "the schema is not a JSON object"
        else:
            part.data = data
            part.problem = schema_problem(data)
            part.embedded = embedded_json_doc_id(f, p.schema_path, "schema")
    part.sidecar = read_sidecar(f, p.sidecar_path())
    index: SchemaIndex | None = model.shared[NAME]
    if index is not None:
        part.index_entry = index.entries.get(p.schema_path)
    return part


def usable_schema(s: Suite) -> dict[str, Any] | None:
    """The pattern's schema when it is a valid JSON Schema (examples validate against it)."""
    part: SchemaPart = s.part(NAME)
    return part.data if part.data is not None and part.problem is None else None


def _index_source(model: RepoModel, part: SchemaPart) -> DocIdSource:
    return DocIdSource("schema index entry", model.shared[NAME].path, part.index_entry[0], part.index_entry[1])


def sources(model: RepoModel, item: Item, s: Suite) -> list[DocIdSource]:
    p, part = s.p, s.part(NAME)
    if not model.files.is_file(p.schema_path):
        return []
    claims = []
    if part.embedded is not None and part.embedded.doc_id is not None:
        claims.append(part.embedded)
    side = part.sidecar.source() if part.sidecar else None
    if side is not None:
        claims.append(side)
    if part.index_entry is not None:
        claims.append(_index_source(model, part))
    return claims or [DocIdSource("schema", p.schema_path, None)]


def judge(model: RepoModel, item: Item, s: Suite) -> Iterator[Finding]:
    p = s.p
    part: SchemaPart = s.part(NAME)
    rel = p.schema_path
    exists = model.files.is_file(rel)
    expected, _ = model.expected(item)
    doc_id_for_hints = expected or model.derived(item) or "DOC-..."
    yield from judge_named_file(model, item, "PAT-CHECK-001-030", field="schema_path", noun="schema",
                                filename=f"{p.name}.schema.json",
                                missing_hint="`patforge render` compiles it from the spec (or correct schema_path)")
    # validity
    rule = "PATFORGE-SCHEMA-VALID"
    if not exists:
        yield skip(rule, item, "the schema does not exist (PAT-CHECK-001-030)", path=rel)
    elif part.error:
        yield bad(rule, item, f"the schema is {part.error}" if part.error.startswith("not ")
                  else part.error, path=rel, line=part.error_line, hint="fix the JSON by hand")
    else:
        prob = part.problem
        if prob:
            yield bad(rule, item, f"the schema is not a valid JSON Schema: {prob}", path=rel,
                      hint="fix the schema by hand (or delete it and let `patforge render` compile it)")
    # -031
    rule = "PAT-CHECK-001-031"
    side_ok = part.sidecar is not None and part.sidecar.source() is not None
    if not exists:
        yield skip(rule, item, "the schema does not exist (PAT-CHECK-001-030)", path=rel)
    elif part.data is None:
        yield skip(rule, item, "the schema is not a JSON object (PATFORGE-SCHEMA-VALID)", path=rel)
    elif part.embedded is None or part.embedded.doc_id is None:
        linked = f"it is linked by its sidecar {part.sidecar.path}" if side_ok else (
            f"it is linked by {model.shared[NAME].path}" if part.index_entry else "nothing else links it either "
            "(PAT-CHECK-001-032)")
        yield bad(rule, item, f"the schema has no top-level doc_id; {linked}", path=rel, line=1,
                  hint=f'a person decides: embed "doc_id": "{doc_id_for_hints}" at the top level if this schema '
                       "may change, or keep the sidecar (patforge never edits a hand-written schema)")
    # -032
    rule = "PAT-CHECK-001-032"
    sc = part.sidecar
    if sc is not None:
        if sc.problem is not None:
            d = sc.problem
            yield bad(rule, item, f"sidecar {sc.path} cannot be read: "
                      f"{problem_text(d)}", path=sc.path,
                      line=d.line if isinstance(d, Diagnostic) else 1,
                      hint=(d.hint if isinstance(d, Diagnostic) else None) or "fix it by hand, or delete it "
                      "and run `patforge check --fix`")
        else:
            if sc.doc_id in (None, ""):
                yield bad(rule, item, f"sidecar {sc.path} has no doc_id", path=sc.path, line=1,
                          hint=f"add doc_id: {doc_id_for_hints}")
            if sc.schema_path in (None, ""):
                yield bad(rule, item, f"sidecar {sc.path} has no schema_path", path=sc.path, line=1,
                          hint=f"add schema_path: {rel}")
            elif str(sc.schema_path).replace("\\", "/") != rel:
                yield bad(rule, item, f"sidecar {sc.path} names schema_path {sc.schema_path}, not {rel}",
                          path=sc.path, line=yaml_line(sc.doc, "schema_path"),
                          hint=f"set schema_path: {rel} in the sidecar")
    if not exists:
        yield skip(rule, item, "the schema does not exist (PAT-CHECK-001-030)", path=rel)
    elif (part.embedded is None or part.embedded.doc_id is None) and not side_ok and part.index_entry is None:
        yield bad(rule, item, f"the schema has no embedded doc_id and no sidecar {p.sidecar_path()} gives its "
                  "doc_id", path=rel, line=1, hint=fix_hint(f"writes the sidecar {p.sidecar_path()}")
                  if sc is None else f"fix the sidecar {sc.path} by hand")
    # -033
    rule = "PAT-CHECK-001-033"
    claims = [c for c in (part.embedded, sc.source() if sc else None) if c is not None and c.doc_id is not None]
    if part.index_entry is not None:
        claims.append(_index_source(model, part))
    if not claims:
        yield skip(rule, item, "no doc_id for the schema (PAT-CHECK-001-032)", path=rel)
    for c in claims:
        yield from compare(model, rule, item, c)


#: The rule-table rows this kind owns (were rows of check/rules.py).
RULES: tuple[Rule, ...] = (
    Rule("PAT-CHECK-001-030", MUST, "schema_path exists, is under schemas/ and is named <name>.schema.json",
         "pattern", NAME),
    Rule("PAT-CHECK-001-031", SHOULD, "the schema embeds a top-level doc_id", "pattern", NAME),
    Rule("PAT-CHECK-001-032", MUST, "otherwise a sidecar <schema>.id.yaml (or the central "
         "registry/SCHEMA_INDEX.yaml) gives schema_path and doc_id", "pattern", NAME),
    Rule("PAT-CHECK-001-033", MUST, "the schema's doc_id (embedded, sidecar or index) equals the registry's and "
         "is well-formed", "pattern", NAME),
    Rule("PATFORGE-SCHEMA-VALID", MUST, "the schema is valid JSON and a valid JSON Schema (draft-07 unless "
         "$schema says otherwise)", "pattern", NAME, SPEC_PATFORGE),
)

JUDGE = ArtifactJudge(
    rules=RULES,
    kind=NAME, path_field="schema_path", locate=locate, judge=judge, sources=sources,
    prepare=prepare, link_hints={"schema": fix_hint("writes the schema sidecar")})


KIND = SchemaKind(NAME, PATTERN,
                  "the instance JSON Schema (draft-07) compiled from the spec", check=JUDGE)
