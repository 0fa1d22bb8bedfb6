"""Kind ``spec``: the patterns' specs, which people write. Checked, never rendered.

Check judges them (PAT-CHECK-001-020..-023 and PATFORGE-SPEC-SCHEMA; was
``check/judges/spec.py``); render reads them (``patforge.spec``) but has no template for
them, so the kind's scope is ``CHECKED``: render, update, new and status skip it, and
``--kind`` does not offer it. A spec's top-level doc_id is a claim render reuses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterator

from patforge.spec.place import move_back_hint
from patforge.validation.bounded_schema import validator_for
from patforge.validation.refs import validator as offline_validator
from patforge.check.judging import MAX_PER_FILE, bad, compare, first_key_line, fix_hint, judge_named_file, skip
from patforge.check.model import Item, RepoModel, Suite
from patforge.check.resolve import DocIdSource, claimed_id, yaml_line
from patforge.check.rules import Finding, MUST, Rule, SHOULD, SKIP, SPEC_PATFORGE, WARN
from patforge.diagnostics import Diagnostic
from patforge.docids.claims import IdClaim
from patforge.kinds.base import CHECKED, Kind
from patforge.kinds.judge import ArtifactJudge
from patforge.repository.registry import Pattern, Registry
from patforge.repository.yamlsrc import YamlDocument
from patforge.validation.fastvalid import FastValidator
from patforge.validation.messages import readable_message, shown
from patforge.validation.metaschema import schema_problem

NAME = "spec"  # the subject of its rules and its column in the check report
DOMAIN_SPEC_SCHEMA = "schema/pattern_spec.v1.json"
_SPEC_SCHEMA_RULE = "PATFORGE-SPEC-SCHEMA"
_DRIVE = re.compile(r"^[A-Za-z]:")


@dataclass
class SpecPart:
    doc: YamlDocument | None = None
    problem: Diagnostic | str | None = None  # why the spec cannot be read


@dataclass
class SpecShared:
    validator: Any = None  # the repository's spec schema, when usable
    fast: FastValidator | None = None  # the same, for verdicts (fastvalid.py)
    note: Finding | None = None  # why specs are not validated against it


def locate(model: RepoModel, p: Pattern) -> SpecPart:
    f = model.files
    part = SpecPart()
    if p.spec is not None:
        if p.spec.path == p.spec_path:  # not when read where it was found: spec_path is judged as it is
            f.seed_yaml(p.spec_path, p.spec.doc)
        part.doc = p.spec.doc
    elif f.is_file(p.spec_path):
        doc = f.yaml(p.spec_path)
        if isinstance(doc, Diagnostic):
            part.problem = doc
        elif not isinstance(doc.data, dict):
            part.problem = "the spec is not a YAML mapping"
        else:
            part.doc = doc
    return part


def sources(model: RepoModel, item: Item, s: Suite) -> list[DocIdSource]:
    doc = s.part(NAME).doc
    if doc is None:
        return []
    return [DocIdSource("spec", s.p.spec_file, claimed_id(doc.data.get("doc_id")), yaml_line(doc, "doc_id"))]


def prepare(model: RepoModel) -> None:
    """The repository's own spec schema, when it has one (read once)."""
    shared = model.shared[NAME] = SpecShared()
    rel = DOMAIN_SPEC_SCHEMA
    if not model.files.is_file(rel):
        shared.note = Finding(_SPEC_SCHEMA_RULE, SKIP, None, None, rel, None,
                              f"not judged: the repository has no {rel}")
        return
    data, err = model.files.json(rel)
    prob = err or (None if isinstance(data, dict) else "not a JSON object")
    if prob is None:
        prob = schema_problem(data)
    if prob:
        shared.note = Finding(_SPEC_SCHEMA_RULE, WARN, None, None, rel, None,
                              f"{rel} is not a usable JSON Schema ({prob}); specs are not validated",
                              "restore it (`patforge render` writes it in phase 4)")
        return
    cls = validator_for(data)  # bounded regexes; an unknown $schema URI: draft-07
    shared.validator = offline_validator(data, cls)  # offline: no $ref is fetched (refs.py)
    shared.fast = FastValidator(data, cls)


def judge_repo(model: RepoModel) -> Iterator[Finding]:
    note = model.shared[NAME].note
    if note is not None:
        yield note


def not_judged(model: RepoModel) -> tuple[str, ...]:
    return () if model.shared[NAME].validator is not None else (_SPEC_SCHEMA_RULE,)


def judge(model: RepoModel, item: Item, s: Suite) -> Iterator[Finding]:
    p = s.p
    rel = p.spec_path
    f = model.files
    exists = f.is_file(rel)
    moved = next((d for d in item.diags if d.code == "spec-moved"), None)  # candidates (specplace.py)
    found = model.registry.spec_found.get(p.name) if model.registry is not None else None
    yield from judge_named_file(model, item, "PAT-CHECK-001-020", field="spec_path", noun="spec",
                                filename=f"{p.name}.pattern.yaml",
                                missing_hint=f"found at {found}: {move_back_hint(rel, found, p.name)}" if found
                                else (moved.message.split(": ", 1)[-1] + "; " + moved.hint) if moved
                                else "create the spec or correct spec_path")
    # -021
    rule = "PAT-CHECK-001-021"
    part: SpecPart = s.part(NAME)
    doc = part.doc
    if not exists:
        yield skip(rule, item, "the spec does not exist (PAT-CHECK-001-020)", path=rel)
    elif doc is None:
        prob = part.problem
        if isinstance(prob, Diagnostic):
            yield bad(rule, item, f"the spec cannot be read: {prob.message}", path=rel, line=prob.line,
                      hint=prob.hint)
        else:
            yield bad(rule, item, f"the spec cannot be read: {prob}", path=rel, line=1,
                      hint="a spec is a YAML mapping starting with pattern_id:")
    else:
        data = doc.data
        missing = [k for k in ("doc_id", "pattern_id", "name", "version", "role", "schema_ref", "executor_ref")
                   if data.get(k) in (None, "")]
        if missing:
            fixable = [k for k in missing if k in ("doc_id", "role", "schema_ref", "executor_ref")]
            manual = [k for k in missing if k not in fixable]
            hints = []
            if fixable:
                hints.append(fix_hint(f"inserts {', '.join(fixable)} next to doc_id (role: spec, the entry's "
                                       "schema_path and executor_path)"))
            if manual:
                hints.append(f"add {', '.join(manual)} by hand")
            yield bad(rule, item, f"the spec lacks top-level {', '.join(missing)}", path=rel,
                      line=first_key_line(doc), hint="; ".join(hints))
        role = data.get("role")
        if role not in (None, "") and role != "spec":
            yield bad(rule, item, f"the spec's role is {shown(role)}; a spec file's role is 'spec'", path=rel,
                      line=yaml_line(doc, "role"), hint="set role: spec by hand")
    # -022
    rule = "PAT-CHECK-001-022"
    if doc is None:
        yield skip(rule, item, "no readable spec", path=rel)
    else:
        value = claimed_id(doc.data.get("doc_id"))
        if value is None:
            yield skip(rule, item, "the spec has no doc_id (PAT-CHECK-001-021)", path=rel)
        else:
            yield from compare(model, rule, item, DocIdSource("spec", rel, value, yaml_line(doc, "doc_id")))
    # -023
    rule = "PAT-CHECK-001-023"
    if doc is None:
        yield skip(rule, item, "no readable spec", path=rel)
    else:
        for key, want in (("schema_ref", p.schema_path), ("executor_ref", p.executor_path)):
            v = doc.data.get(key)
            if isinstance(v, str) and (v.startswith(("/", "\\", "~")) or _DRIVE.match(v)):
                yield bad(rule, item, f"{key} is an absolute path ({v}); it only works on one machine",
                          path=rel, line=yaml_line(doc, key),
                          hint=f"use the repository-relative path: {key}: {want}")
    # domain schema
    rule = _SPEC_SCHEMA_RULE
    validator = model.shared[NAME].validator
    if validator is not None:
        if doc is None:
            yield skip(rule, item, "no readable spec", path=rel)
        else:
            instance = _jsonable(doc.data)
            fast = model.shared[NAME].fast
            errors = [] if fast is not None and fast.is_valid(instance) else \
                sorted(validator.iter_errors(instance), key=lambda e: list(e.path))
            for err in errors[:MAX_PER_FILE]:
                kp = list(err.absolute_path)
                line = None
                while line is None and kp:
                    line = yaml_line(doc, *kp)
                    kp.pop()
                where = "/".join(map(str, err.absolute_path)) or "(top level)"
                yield bad(rule, item, f"{where}: {readable_message(err)} (against {DOMAIN_SPEC_SCHEMA})", path=rel,
                          line=line or first_key_line(doc),
                          hint="a person decides: correct the spec, or the repository's copy of the spec schema")
            if len(errors) > MAX_PER_FILE:
                yield bad(rule, item, f"... and {len(errors) - MAX_PER_FILE} more problem(s) against "
                          f"{DOMAIN_SPEC_SCHEMA}", path=rel)


def _jsonable(value: Any) -> Any:
    """YAML dates and other scalars as JSON would see them (strings)."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


#: The rule-table rows this kind owns (were rows of check/rules.py).
RULES: tuple[Rule, ...] = (
    Rule("PAT-CHECK-001-020", MUST, "spec_path exists, is under specs/ and is named <name>.pattern.yaml",
         "pattern", NAME),
    Rule("PAT-CHECK-001-021", MUST, "the spec has top-level doc_id, pattern_id, name, version, role: spec, "
         "schema_ref, executor_ref", "pattern", NAME),
    Rule("PAT-CHECK-001-022", MUST, "the spec's doc_id equals the registry's and is well-formed", "pattern", NAME),
    Rule("PAT-CHECK-001-023", SHOULD, "no absolute file-system paths in schema_ref / executor_ref", "pattern",
         NAME),
    Rule("PATFORGE-SPEC-SCHEMA", SHOULD, "the spec validates against the repository's schema/pattern_spec.v1.json "
         "(judged only when the repository has that file)", "pattern", NAME, SPEC_PATFORGE),
)

JUDGE = ArtifactJudge(
    rules=RULES,
    kind=NAME, path_field="spec_path", locate=locate, judge=judge, sources=sources,
    prepare=prepare, judge_repo=judge_repo, not_judged=not_judged,
    link_hints={"spec": fix_hint("inserts the registry's doc_id into the spec")})


class SpecKind(Kind):
    """Checked, never rendered: a spec is what a person writes."""

    def layout(self, registry: Registry, p: Pattern) -> dict[str, str]:
        return {"spec": p.spec_path}

    def claims(self, registry: Registry, p: Pattern) -> list[IdClaim]:
        # its line is looked up only for a conflict (docids/existing.py): specs keep no positions
        if p.spec is not None and isinstance(p.spec.data.get("doc_id"), str):
            return [IdClaim(NAME, p.spec_file, None, p.spec.data["doc_id"])]
        return []


KIND = SpecKind(NAME, CHECKED, "the pattern's spec (hand-written; checked, never rendered)", check=JUDGE)
