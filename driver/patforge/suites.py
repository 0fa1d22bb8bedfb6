"""What each artifact kind needs: the answers of a (pattern, kind) unit, the files it
writes, and the checks its output must pass before it lands."""

from __future__ import annotations

import json
import posixpath
from pathlib import PurePosixPath
from typing import Any

from patforge import domain_schemas
from patforge.cache import diag_from_dict, key as ckey
from patforge.compiler import compile_schema, first_line, schema_to_text
from patforge.diagnostics import Diagnostic, DiagnosticList, error, warning
from patforge.docids import doc_id_instance_pattern
from patforge.instances import generate_instances, instance_to_text, validate_instance
from patforge.registry import Pattern, Registry
from patforge.units import ANSWERS_DIR, EXAMPLE_FILES, Unit, answers_path
from patforge.workspace import Workspace

EXAMPLES_INDEX = "examples.id.yaml"
REPO_ANSWERS = f"{ANSWERS_DIR}/repo.yml"
#: Where the repository-level unit puts the executor result schema (tests validate against it).
RESULT_SCHEMA = "schema/pattern_execution_result.v1.json"


def answers_for(p: Pattern, kind: str) -> str:
    return answers_path(p.name, kind)


def _base(registry: Registry, p: Pattern, kind: str) -> dict[str, Any]:
    return {"answers_file": answers_for(p, kind), "name": p.name, "pattern_id": p.pattern_id,
            "doc_id": registry.doc_id_for(p)}


def _intent_line(p: Pattern) -> str:
    intent = p.spec.data.get("intent") if p.spec else None
    return first_line(intent) or f"Execute {p.name} pattern instances."


def example_dir(p: Pattern) -> str:
    return p.example_dir or p.default_example_dir()


def test_file(p: Pattern) -> str:
    tp = p.test_path
    if tp and not any(c in tp for c in "*?[") and PurePosixPath(tp).name.startswith(f"test_{p.name}_"):
        return tp
    return p.default_test_path()


def _json_file_doc_id(ws: Workspace, rel: str) -> str | None:
    try:
        data = json.loads(ws.read_text(rel) or "")
    except (ValueError, UnicodeDecodeError):
        return None
    return data.get("doc_id") if isinstance(data, dict) else None


def hand_written_examples(ws: Workspace, p: Pattern) -> list[str]:
    """Example JSON files present without an embedded doc_id and not managed by patforge."""
    folder = ws.abspath(example_dir(p))
    if not folder.is_dir() or ws.exists(answers_for(p, "examples")):
        return []
    names = sorted(f.name for f in folder.iterdir() if f.is_file() and f.suffix == ".json")
    return [n for n in names if _json_file_doc_id(ws, f"{example_dir(p)}/{n}") is None]


# -- units per kind --------------------------------------------------------------

def sidecar_unit(registry: Registry, p: Pattern, ws: Workspace) -> Unit:
    examples = hand_written_examples(ws, p)
    index = f"{example_dir(p)}/{EXAMPLES_INDEX}" if examples else ""
    answers = {**_base(registry, p, "sidecar"), "schema_path": p.schema_path, "spec_path": p.spec_path,
               "sidecar_path": p.sidecar_path(), "examples_index_path": index, "example_files": examples}
    return Unit("sidecar", p.name, 1, answers, [p.sidecar_path(), *([index] if index else [])])


def compiled_schema(registry: Registry, p: Pattern, diags: DiagnosticList) -> dict[str, Any] | None:
    """Compile once per pattern and run (the schema and examples units both need it);
    diagnostics are reported the first time only."""
    cache = p.__dict__.setdefault("_compiled", {})
    if "schema" in cache:
        return cache["schema"]
    cache["schema"] = _compile(registry, p, diags)
    return cache["schema"]


def _compile(registry: Registry, p: Pattern, diags: DiagnosticList) -> dict[str, Any] | None:
    if p.spec is None:
        diags.add(error(f"{p.name}: no parseable spec, so no schema can be compiled",
                        path=p.spec_path, hint="fix the spec (errors above), then render again",
                        pattern=p.name, code="no-spec"))
        return None
    pattern = doc_id_instance_pattern(registry.config.doc_id_rule)
    k = ckey("schema", p.spec.text, p.spec_path, p.name, p.pattern_id, registry.doc_id_for(p), pattern)
    hit = registry.cache.get(k) if registry.cache else None
    if hit is not None:
        diags.extend(diag_from_dict(d) for d in hit["diagnostics"])
        return hit["schema"]
    def compile_with(doc: Any) -> Any:
        return compile_schema(p.spec.data, name=p.name, pattern_id=p.pattern_id,
                              doc_id=registry.doc_id_for(p), doc_id_pattern=pattern,
                              doc=doc, spec_path=p.spec_path)

    # Node positions only locate diagnostics: parse them (again) only for a spec that has some.
    result = compile_with(None)
    if result.diagnostics:
        result = compile_with(p.spec.doc)
        p.spec.drop_positions()
    diags.extend(result.diagnostics)
    schema = result.schema if result.ok else None
    if registry.cache:
        registry.cache.put(k, {"schema": schema, "diagnostics": [d.to_dict() for d in result.diagnostics]})
    return schema


def cached_instances(registry: Registry, schema: dict[str, Any], doc_id: str,
                     pattern_id: str) -> dict[str, dict[str, Any]]:
    k = ckey("instances", schema, doc_id, pattern_id)
    hit = registry.cache.get(k) if registry.cache else None
    if hit is None:
        hit = generate_instances(schema, doc_id=doc_id, pattern_id=pattern_id)
        if registry.cache:
            registry.cache.put(k, hit)
    return hit


def schema_unit(registry: Registry, p: Pattern, ws: Workspace, phase: int,
                diags: DiagnosticList) -> Unit | None:
    schema = compiled_schema(registry, p, diags)
    if schema is None:
        return None
    answers = {**_base(registry, p, "schema"), "schema_path": p.schema_path,
               "schema_json": schema_to_text(schema)}
    return Unit("schema", p.name, phase, answers, [p.schema_path])


def _schema_for_examples(registry: Registry, p: Pattern, ws: Workspace,
                         diags: DiagnosticList) -> dict[str, Any] | None:
    """The schema examples must satisfy: the one on disk if a person wrote it."""
    if ws.exists(p.schema_path) and not ws.exists(answers_for(p, "schema")):
        try:
            return json.loads(ws.read_text(p.schema_path) or "")
        except ValueError as exc:
            diags.add(error(f"hand-written schema is not valid JSON: {exc}", path=p.schema_path,
                            pattern=p.name, hint="fix the JSON syntax"))
            return None
    return compiled_schema(registry, p, diags)  # cached: diagnostics are reported once


def examples_unit(registry: Registry, p: Pattern, ws: Workspace, phase: int,
                  diags: DiagnosticList) -> Unit | None:
    schema = _schema_for_examples(registry, p, ws, diags)
    if schema is None:
        return None
    instances = cached_instances(registry, schema, registry.doc_id_for(p), p.pattern_id)
    folder = example_dir(p)
    answers = {**_base(registry, p, "examples"), "example_dir": folder, "schema_path": p.schema_path,
               "minimal_path": f"{folder}/instance_minimal.json",
               "full_path": f"{folder}/instance_full.json",
               "test_path": f"{folder}/instance_test.json",
               "instance_minimal": instance_to_text(instances["instance_minimal"]),
               "instance_full": instance_to_text(instances["instance_full"]),
               "instance_test": instance_to_text(instances["instance_test"])}
    unit = Unit("examples", p.name, phase, answers, [f"{folder}/{f}" for f in EXAMPLE_FILES])
    if p.example_dir is None:
        unit.registry_fields.append(("example_dir", folder))
    return unit


def _rel(from_file: str, to_file: str) -> str:
    return posixpath.relpath(to_file, posixpath.dirname(from_file))


def _input_names(p: Pattern) -> list[dict[str, Any]]:
    inputs = p.spec.data.get("inputs") if p.spec else None
    if not isinstance(inputs, dict) or inputs.get("placeholder") is True:
        return []
    out = []
    for k, v in inputs.items():
        req = isinstance(v, dict) and v.get("required") is True
        out.append({"name": str(k), "required": req})
    return out


def executor_unit(registry: Registry, p: Pattern, ws: Workspace, phase: int,
                  diags: DiagnosticList) -> Unit | None:
    if p.executor_language is None:
        diags.add(error(f"{p.name}: executor_path {p.executor_path} has no known language",
                        path=registry.path, pattern=p.name,
                        hint="executor_path must end in .ps1 (PowerShell) or .py (Python)"))
        return None
    folder = example_dir(p)
    answers = {**_base(registry, p, "executor"), "language": p.executor_language,
               "version": p.version, "category": p.category, "description": _intent_line(p),
               "executor_path": p.executor_path, "schema_path": p.schema_path,
               "spec_path": p.spec_path,
               "schema_relpath": _rel(p.executor_path, p.schema_path),
               "example_relpath": _rel(p.executor_path, f"{folder}/instance_minimal.json"),
               "inputs": _input_names(p),
               # one of the two is empty: Copier skips a file whose name renders empty
               "ps1_path": p.executor_path if p.executor_language == "powershell" else "",
               "py_path": p.executor_path if p.executor_language == "python" else ""}
    return Unit("executor", p.name, phase, answers, [p.executor_path])


def tests_unit(registry: Registry, p: Pattern, ws: Workspace, phase: int,
               diags: DiagnosticList) -> Unit | None:
    if p.executor_language is None:
        return None  # reported by the executor unit
    target = test_file(p)
    folder = example_dir(p)
    # The executor is patforge's scaffold unless a person wrote it (present, never rendered):
    # only the scaffold's behaviour (exit 2 on invalid input, 3 = not implemented) is tested.
    scaffold = not (ws.exists(p.executor_path) and not ws.exists(answers_for(p, "executor")))
    answers = {**_base(registry, p, "tests"), "language": p.executor_language, "test_path": target,
               "executor_generated": scaffold,
               "executor_relpath": _rel(target, p.executor_path),
               "schema_relpath": _rel(target, p.schema_path),
               "example_dir_relpath": _rel(target, folder),
               "result_schema_relpath": _rel(target, RESULT_SCHEMA),
               "executor_path": p.executor_path, "schema_path": p.schema_path, "example_dir": folder,
               "description": _intent_line(p), "version": p.version,
               "ps1_path": target if p.executor_language == "powershell" else "",
               "py_path": target if p.executor_language == "python" else ""}
    unit = Unit("tests", p.name, phase, answers, [target])
    if p.test_path is None:
        unit.registry_fields.append(("test_path", target))
    return unit


_BUILDERS = {"schema": schema_unit, "examples": examples_unit, "executor": executor_unit,
             "tests": tests_unit}


def build_unit(kind: str, registry: Registry, p: Pattern, ws: Workspace, phase: int,
               diags: DiagnosticList) -> Unit | None:
    return _BUILDERS[kind](registry, p, ws, phase, diags)


REPO_FILES = (
    *(f"schema/{n}" for n in domain_schemas.DOMAIN_SCHEMA_FILES),
    "tests/patterns/__init__.py",
    "tests/patterns/test_pattern_registry.py",
    "tests/patterns/test_doc_id_compliance.py",
    "scripts/PATTERN_DIR_CHECK.ps1",
    "scripts/validate_doc_id_consistency.ps1",
)


def repo_unit(registry: Registry, patterns: list[Pattern], ws: Workspace) -> Unit:
    answers = {"answers_file": REPO_ANSWERS, "registry_path": registry.path,
               "doc_id_rule": registry.config.doc_id_rule,
               "domain_schemas": {n: domain_schemas.domain_schema_text(n)
                                  for n in domain_schemas.DOMAIN_SCHEMA_FILES}}
    return Unit("repo", "(repository)", 4, answers, list(REPO_FILES))


# -- validation of staged output -------------------------------------------------

def validate_unit(unit: Unit, files: dict[str, bytes], ws: Workspace) -> list[Diagnostic]:
    """Checks beyond syntax: examples satisfy the pattern's schema."""
    problems: list[Diagnostic] = []
    if unit.kind == "examples":
        problems += _validate_examples(unit, files, ws)
    if unit.kind == "schema":
        try:
            import jsonschema

            staged = json.loads(files[unit.files[0]])
            if staged == json.loads(unit.answers["schema_json"]):
                return problems  # what compile_schema metaschema-checked already: once is enough
            jsonschema.Draft7Validator.check_schema(staged)
        except Exception as exc:  # noqa: BLE001 - any failure is a validation failure
            problems.append(error(f"schema does not pass the draft-07 metaschema: {exc}",
                                  path=unit.files[0], pattern=unit.pattern, code="schema-invalid"))
    return problems


def _validate_examples(unit: Unit, files: dict[str, bytes], ws: Workspace) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    schema_rel = unit.answers.get("schema_path")
    if not schema_rel:
        return out
    text = ws.read_text(schema_rel)
    if text is None:
        return out  # schema not rendered (its own failure is reported); check will flag it
    try:
        schema = json.loads(text)
    except ValueError:
        return out
    for rel in unit.files:
        if rel not in files:
            continue
        try:
            instance = json.loads(files[rel])
        except ValueError:
            continue  # reported by the syntax check
        for msg in validate_instance(schema, instance):
            out.append(error(f"example does not validate against {schema_rel}: {msg}", path=rel,
                             pattern=unit.pattern, code="example-invalid",
                             hint="adjust the spec's constraints or examples so a valid value exists"))
    return out


def check_hand_written_examples(registry: Registry, p: Pattern, ws: Workspace) -> list[Diagnostic]:
    """Hand-written examples are never changed, but they are still checked."""
    out: list[Diagnostic] = []
    folder = ws.abspath(example_dir(p))
    if not folder.is_dir() or ws.exists(answers_for(p, "examples")) or not ws.exists(p.schema_path):
        return out
    try:
        schema = json.loads(ws.read_text(p.schema_path) or "")
    except ValueError:
        return out
    for f in sorted(folder.glob("*.json")):
        rel = f"{example_dir(p)}/{f.name}"
        try:
            instance = json.loads(f.read_text(encoding="utf-8"))
        except ValueError as exc:
            out.append(warning(f"hand-written example is not valid JSON: {exc}", path=rel, pattern=p.name))
            continue
        for msg in validate_instance(schema, instance):
            out.append(warning(f"hand-written example does not validate against {p.schema_path}: {msg}",
                               path=rel, pattern=p.name, code="example-invalid",
                               hint="fix the example or the schema (patforge never edits them)"))
    return out
