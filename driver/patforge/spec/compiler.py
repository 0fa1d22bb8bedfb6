"""Compile a pattern spec's ``inputs`` / ``outputs`` dialect into a JSON Schema
(draft-07) for the pattern's *instances*.

Why a compiler and not a template: specs in the wild are written by hand in a
loose dialect (``docs``: spec-dialect.md); every choice the translation makes
must be explainable and every key it cannot translate must be reported, never
dropped silently. The module is pure: it reads a mapping (and, optionally, the
``YamlDocument`` it came from for line numbers) and returns a schema plus
diagnostics. It writes nothing.

Choices, documented once here:

* Top-level key order is fixed (``$schema``, ``$id``, ``title``, ``description``,
  ``doc_id``, ``type``, ``required``, ``properties``, ``additionalProperties``);
  :func:`schema_to_text` keeps insertion order so the output diffs cleanly.
* Inside each property the keys follow :data:`PROPERTY_KEY_ORDER`, whatever the
  order in the spec.
* The instance envelope is closed (``additionalProperties: false``) so a typo in
  ``inputs`` / ``outputs`` at the top level is caught. ``inputs``, ``outputs``
  and every nested object stay *open* (no ``additionalProperties``): specs
  rarely list every field an executor tolerates, and a closed schema would
  reject instances that real executors accept. Objects without ``properties``
  admit anything.
* A field without ``type`` gets ``object`` when it has ``properties`` and
  ``array`` when it has ``items``; otherwise it has no ``type``.
* ``example: x`` becomes ``examples: [x]``; with ``examples`` too, ``example``
  comes first.
* Keys the compiler does not know are reported as warnings and left out of the
  schema (carrying them as ``x-<key>`` would make the schema look as though
  they were enforced).
* Contradictions (``min > max``, a default outside the enum, an invalid regex,
  ...) are errors: a schema no instance can satisfy is worse than none.
* ``inputs`` may also be written JSON-Schema style (``type: object`` plus a
  ``properties`` mapping); it is then read as one object field.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any, Mapping

from patforge.spec.inputshapes import normalize_block, required_flag
from patforge.diagnostics import Diagnostic, DiagnosticList, Severity
from patforge.spec.dialect import (FIELD_KEYS, PROPERTY_KEY_ORDER, TYPE_ALIASES, TYPE_NAMES, FieldCompiler, KeyPath, _dotted,
                              _kind)
from patforge.validation.metaschema import schema_problem

__all__ = ["COMPILER_VERSION", "CompiledSchema", "FIELD_KEYS", "PROPERTY_KEY_ORDER", "TYPE_ALIASES", "TYPE_NAMES",
           "compile_schema", "first_line", "schema_to_text", "spec_digest", "title_case"]
from patforge.repository.yamlsrc import YamlDocument
from patforge.validation.messages import shown

DRAFT_07 = "http://json-schema.org/draft-07/schema#"
DEFAULT_DOC_ID_PATTERN = r"^DOC-[A-Z0-9-]+$"


@dataclass
class CompiledSchema:
    """The result of :func:`compile_schema`: always a schema, plus what went wrong."""

    schema: dict[str, Any]
    diagnostics: list[Diagnostic] = field(default_factory=list)
    placeholder: bool = False  # the spec does not define its inputs yet

    @property
    def ok(self) -> bool:
        """True when no diagnostic is an error (warnings do not block)."""
        return not any(d.severity is Severity.ERROR for d in self.diagnostics)

    @property
    def errors(self) -> list[Diagnostic]:
        return DiagnosticList(self.diagnostics).errors

    @property
    def warnings(self) -> list[Diagnostic]:
        return DiagnosticList(self.diagnostics).warnings


def title_case(name: str) -> str:
    """``atomic_create`` -> ``Atomic Create``."""
    return " ".join(w[:1].upper() + w[1:] for w in re.split(r"[_\-\s]+", name) if w)


#: Recorded in the schema kind's answers files (with the spec's hash): what re-derives a
#: schema. Bump it when the output for the same spec changes (tests/golden shows it).
COMPILER_VERSION = "1"


def spec_digest(spec: Any) -> str:
    """SHA-256 of what the compiler reads from a spec (its intent, inputs and outputs; the
    ids come from the registry): equal digests, equal schemas for the same compiler. Other
    spec edits, such as Phase 1 adding ``doc_id``/``role``, leave it unchanged."""
    read = {k: spec.get(k) for k in ("intent", "inputs", "outputs")} if isinstance(spec, Mapping) else spec
    text = json.dumps(read, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def schema_to_text(schema: dict[str, Any]) -> str:
    """Serialise deterministically, keeping the key order the compiler built."""
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def compile_schema(spec: Mapping[str, Any], *, name: str, pattern_id: str, doc_id: str,
                   doc_id_pattern: str = DEFAULT_DOC_ID_PATTERN,
                   doc: YamlDocument | None = None,
                   spec_path: str | None = None) -> CompiledSchema:
    """Compile ``spec`` (a parsed ``<name>.pattern.yaml``) into an instance schema.

    ``doc`` supplies line/column for diagnostics; ``spec_path`` (or ``doc.path``)
    names the file in them.
    """
    c = _Compiler(name=name, doc=doc, path=spec_path or (doc.path if doc else None))
    if not isinstance(spec, Mapping):
        c.error(f"the spec must be a mapping, found {_kind(spec)}", (),
                hint="start the file with top-level keys such as pattern_id, name and inputs",
                code="spec-shape")
        spec = {}
    c.check_ids(spec, pattern_id=pattern_id, doc_id=doc_id, doc_id_pattern=doc_id_pattern)

    inputs, placeholder = c.block(spec, "inputs")
    outputs, _ = c.block(spec, "outputs")
    description = _description(spec.get("intent"), name)
    if placeholder:
        description += (" The inputs are not defined yet (the spec has no machine-readable inputs): "
                        "any inputs object is accepted.")
    schema: dict[str, Any] = {
        "$schema": DRAFT_07,
        "$id": f"{name}.schema.json",
        "title": f"{title_case(name)} Pattern Instance",
        "description": description,
        "doc_id": doc_id,
        "type": "object",
        "required": ["doc_id", "pattern_id", "inputs"],
        "properties": {
            "doc_id": {"type": "string", "pattern": doc_id_pattern},
            "pattern_id": {"const": pattern_id},
            "inputs": inputs,
            "outputs": outputs,
            "metadata": {"type": "object"},
        },
        "additionalProperties": False,
    }
    result = CompiledSchema(schema=schema, diagnostics=c.diagnostics, placeholder=placeholder)
    if result.ok:
        problem = schema_problem(schema)
        if problem:  # a compiler bug, but say so plainly
            c.error(f"internal: the compiled schema is not valid draft-07 ({problem})", (),
                    hint="report this spec to the patforge maintainers", code="schema-internal")
    return result


def first_line(intent: Any) -> str | None:
    """The first non-empty line of a spec's ``intent`` (its one-sentence summary)."""
    if isinstance(intent, str):
        for line in intent.splitlines():
            if line.strip():
                return line.strip()
    return None


def _description(intent: Any, name: str) -> str:
    return first_line(intent) or f"Schema for {name} pattern instances"


class _Compiler(FieldCompiler):
    """Walks the dialect, building schema fragments and collecting diagnostics."""

    def check_ids(self, spec: Mapping[str, Any], *, pattern_id: str, doc_id: str,
                  doc_id_pattern: str) -> None:
        try:
            ok = re.search(doc_id_pattern, doc_id) is not None
        except re.error as exc:
            self.error(f"the doc_id pattern {shown(doc_id_pattern)} is not a valid regex ({exc})", (),
                       hint="fix the doc_id pattern in the patforge configuration",
                       code="spec-doc-id")
            return
        if not ok:
            self.error(f"doc_id {shown(doc_id)} does not match {doc_id_pattern}",
                       ("doc_id",) if "doc_id" in spec else (),
                       hint=f"use a doc_id that matches {doc_id_pattern}, e.g. DOC-{title_case(self.name).upper().replace(' ', '-')}-001",
                       code="spec-doc-id")
        spec_pid = spec.get("pattern_id")
        if spec_pid is not None and spec_pid != pattern_id:
            self.warn(f"the spec says pattern_id {shown(spec_pid)} but the schema is compiled for {shown(pattern_id)}",
                      ("pattern_id",),
                      hint="make the spec's pattern_id and the registry entry's agree",
                      code="spec-pattern-id-mismatch")

    def block(self, spec: Mapping[str, Any], key: str) -> tuple[dict[str, Any], bool]:
        """Compile ``inputs`` or ``outputs``; return (schema, is_placeholder)."""
        value = spec.get(key)
        kp: KeyPath = (key,)
        label = key.capitalize()
        placeholder_schema = {
            "type": "object",
            "description": (f"{label} are not defined yet for {self.name} (placeholder in the spec); "
                            "any object is accepted."),
        }
        if value is None or (isinstance(value, Mapping) and not value):
            return placeholder_schema, True
        norm = normalize_block(value, kp, self._report)  # the other shapes (inputshapes.py)
        if norm is not None:
            value = norm.fields
            self.aliases.update(norm.aliases)
            if not value:
                return placeholder_schema, True
        if not isinstance(value, Mapping):
            self.warn(f"{key} is {_kind(value)}, not field descriptions, so it is read as a placeholder "
                      f"(any {key} object is accepted)",
                      kp, hint=f"write {key} as `field_name: {{type: string, ...}}` entries, "
                               f"or `{key}: {{placeholder: true}}` while undecided",
                      code="spec-shape")
            return placeholder_schema, True
        if "placeholder" in value and value["placeholder"] is True:
            others = [str(k) for k in value if k != "placeholder"]
            if others:
                self.warn(f"{key} says `placeholder: true`, so its other keys are ignored: "
                          f"{', '.join(others)}", kp + ("placeholder",),
                          hint=f"remove `placeholder: true` once {key} are defined so these fields are compiled",
                          code="spec-placeholder-extra")
            return placeholder_schema, True
        fields = {k: v for k, v in value.items() if not (k == "placeholder" and isinstance(v, bool))}
        if not fields:
            return placeholder_schema, True

        out: dict[str, Any] = {"type": "object",
                               "description": f"{label} of the {self.name} pattern."}
        if value.get("type") == "object" and isinstance(value.get("properties"), Mapping):
            compiled = self.field(value, kp)  # JSON-Schema-style block
            if isinstance(compiled.get("description"), str):
                out["description"] = compiled["description"]
            for k in ("properties", "required"):
                if k in compiled:
                    out[k] = compiled[k]
            return out, False
        props, required = self.fields(fields, kp)
        out["properties"] = props
        if required:
            out["required"] = required
        return out, False

    # -- fields --------------------------------------------------------------
    def fields(self, mapping: Mapping[Any, Any], kp: KeyPath) -> tuple[dict[str, Any], list[str]]:
        """Compile a mapping of field name -> description; collect ``required: true``."""
        props: dict[str, Any] = {}
        required: list[str] = []
        for key, raw in mapping.items():
            name = key if isinstance(key, str) else str(key)
            if not isinstance(key, str):
                self.warn(f"field name {shown(key)} in {_dotted(kp)} is not a string; used {shown(name)}",
                          kp + (key,), hint=f"quote the field name: '{name}':", code="spec-field-name")
            props[name] = self.field(raw, kp + (key,))
            if isinstance(raw, Mapping) and required_flag(raw.get("required")) is True:
                required.append(name)
        return props, required
