"""What keeps ``patforge render`` from producing a pattern's missing artifacts.

A finding whose fix is "run `patforge render`" is wrong advice when render cannot
produce that unit: the entry is unusable, the spec cannot be read, its inputs do not
compile, or the repository gives the pattern conflicting doc_ids. For those patterns
the hint names the blocker instead (in every report format), so the one fix a person
must make comes first.
"""

from __future__ import annotations

from dataclasses import replace

from patforge.repository.layout import example_dir
from patforge.spec.compiler import compile_schema
from patforge.docids.rule import instance_pattern_for, is_valid_doc_id, suggest_id
from patforge.repository.bounded import parse_json

from patforge.check.model import RepoModel
from patforge.check.rules import PASS, SKIP, Finding
from patforge.examplegen.instances import generate_instances
from patforge.validation.messages import exception_text

_RENDER = "patforge render"


def render_blockers(model: RepoModel, labels: set[str]) -> dict[str, str]:
    """label -> why render cannot produce that pattern's units (only ``labels`` asked)."""
    out: dict[str, str] = {}
    conflicts = getattr(model.registry, "id_conflicts", {}) if model.registry is not None else {}
    for item in model.items:
        if item.label not in labels:
            continue
        p = item.pattern
        if p is None:
            out[item.label] = f"the registry entry cannot be used: {item.why_not or 'see PATFORGE-REGISTRY'}"
            continue
        if p.name in conflicts:
            d = conflicts[p.name]
            out[item.label] = f"{d.message.split(': ', 1)[-1]} -- {d.hint}"
            continue
        if model.registry is not None and p.index in model.registry.duplicate_names:
            out[item.label] = "another entry with the same name matches the spec (remove this entry)"
            continue
        if p.doc_id is not None and not is_valid_doc_id(p.doc_id):
            better = suggest_id(p.doc_id)
            out[item.label] = (f"the registry's doc_id {p.doc_id} is malformed (ID-SYS-101) -- correct the registry's doc_id by hand"
                               + (f" to {better}" if better else ""))
            continue
        if model.files.is_file(p.schema_path):
            # a schema exists: render works from it, not from the spec -- unless no example
            # can be made from it
            why = _examples_blocked(model, p)
            if why:
                out[item.label] = why
            continue
        spec = p.spec
        if spec is None:
            moved = next((d for d in item.diags if d.code == "spec-moved"), None)
            own = next((d for d in item.diags if d.is_error and d.hint), None)
            out[item.label] = (moved.message.split(": ", 1)[-1] + f" -- {moved.hint}" if moved else
                               f"its spec cannot be read: {own.message} -- {own.hint}" if own else
                               f"its spec {p.spec_path} cannot be read (PAT-CHECK-001-020/-021)")
            continue
        doc_id = model.registry.doc_id_for(p) if model.registry is not None else None
        if doc_id is None:
            continue
        compiled = compile_schema(spec.data, name=p.name, pattern_id=p.pattern_id, doc_id=doc_id,
                                  doc_id_pattern=instance_pattern_for(model.config.doc_id_rule, doc_id),
                                  doc=spec.doc, spec_path=p.spec_path)
        if compiled.errors:
            e = compiled.errors[0]
            more = f" (and {len(compiled.errors) - 1} more)" if len(compiled.errors) > 1 else ""
            out[item.label] = f"its spec does not compile: {e.location()}: {e.message}{more} -- {e.hint}"
    return out


#: Findings that are the cause itself, never a consequence of another fix.
_CAUSES = ("PATFORGE-REGISTRY", "PAT-CHECK-001-010", "PAT-CHECK-001-012", "ID-SYS-101")


def whole_entry_blocked(model: RepoModel) -> set[str]:
    """Labels of entries render does not work on at all (unusable, a doc_id conflict, a
    duplicate left untouched): every finding about their files waits for that one fix."""
    reg = model.registry
    if reg is None:
        return set()
    return {it.label for it in model.items if it.pattern is None or it.pattern.name in reg.id_conflicts
            or it.index in reg.duplicate_names}


def without_render_advice(findings: list[Finding], blockers: dict[str, str],
                          entire: set[str] = frozenset()) -> list[Finding]:
    """Findings whose hint advises render for a blocked pattern get the blocker instead;
    for an entry render does not work on at all (``entire``), every consequential
    finding does (one fix per entry)."""
    out = []
    for f in findings:
        why = blockers.get(f.pattern) if f.pattern is not None else None
        if why and f.pattern in entire and f.status not in (PASS, SKIP) and f.rule not in _CAUSES \
                and not (f.hint or "").startswith("render cannot produce it"):
            f = replace(f, hint=f"render cannot produce it: {why}")
        if why and f.status not in (PASS, SKIP) and f.hint and _RENDER in f.hint:
            f = replace(f, hint=f"render cannot produce it: {why}")
        if why and f.status not in (PASS, SKIP) and _RENDER in f.message:
            f = replace(f, message=f.message.replace(f"run `{_RENDER}` to create and record it",
                                                     "render cannot produce it yet")
                        .replace(f"(run `{_RENDER}` to create and record it)", "(render is blocked)"))
        out.append(f)
    return out


def _examples_blocked(model: RepoModel, p) -> str | None:
    """Why no example instance can be generated from a hand-written schema (None: it can,
    or examples exist)."""
    folder = example_dir(p)
    if model.files.is_dir(folder) and any(n.endswith(".json") for n in model.files.list_files(folder)):
        return None
    try:
        schema = parse_json(model.files.read_bytes(p.schema_path) or b"", p.schema_path)
        doc_id = model.registry.doc_id_for(p) if model.registry is not None else "DOC-X"
        generate_instances(schema, doc_id=doc_id, pattern_id=p.pattern_id)
    except Exception as exc:  # noqa: BLE001 - whatever stops the generator stops render
        return (f"patforge could not generate example instances from {p.schema_path} "
                f"({exception_text(exc)}) -- write the examples by hand "
                f"in {folder}/, or simplify that schema construct")
    return None
