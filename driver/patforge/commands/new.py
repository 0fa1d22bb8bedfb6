"""``patforge new``: scaffold one pattern — registry entry, spec skeleton, whole suite.

The entry is appended to the registry with ``id_edits.new_entry_insertion`` (a pure
insertion, like every Phase 1 edit) and already carries its doc_id and paths; the spec
is a fixed skeleton with its ID fields (it is the user's from the first second, so it
is not a Copier template). The suite is every per-pattern kind of ``kinds.KINDS``,
rendered through the same pipeline as ``patforge render``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from patforge.exitcodes import ExitOnFailure
from patforge.docids import mapping as docmap
from patforge import kinds
from patforge.transaction.changes import FileChange
from patforge.repository.config import load_config
from patforge.docids.rule import derive_doc_id, is_valid_doc_id
from patforge.repository.edits import apply_insertions, render_bytes, yaml_scalar
from patforge.errors import UsageError
from patforge.docids.edits import first_entry_text, new_entry_insertion
from patforge.repository.layout import new_pattern_paths
from patforge.transaction.lock import RepoLock
from patforge.repository.paths import PathProblem, name_problem, normalize_repo_path
from patforge.rendering.pipeline import RenderSession
from patforge.repository.registry import load_registry, load_spec
from patforge.rendering.report import RenderReport
from patforge.transaction.workspace import Workspace
from patforge.repository.yamlevents import appended, item_signature, scan_list
from patforge.repository.yamlsrc import YamlDocument, load_yaml_data, load_yaml_text
from patforge.validation.messages import shown
from patforge.reports.json_header import report_header

SPEC_SKELETON = """\
# {name}.pattern.yaml: the specification of pattern {pattern_id}.
# Scaffolded by `patforge new`. Fill in every TODO, then run `patforge render` and
# `patforge update --registry` to refresh the schema and examples from the inputs.
doc_id: {doc_id}
role: spec
schema_ref: {schema_path}
executor_ref: {executor_path}
pattern_id: {pattern_id}
name: {name}
version: "0.1.0"
category: {category}
status: draft
metadata:
  author: TODO
  tags: []
intent: |
  TODO: one sentence saying what {name} does.
applicability:
  when_to_use:
    - TODO
  when_not_to_use:
    - TODO
  constraints: []
# Inputs in the patforge dialect: docs/spec-dialect.md (`patforge docs spec-dialect`
# prints it from any install). Replace the placeholder
# with fields, for example:
#   project_root:
#     type: string
#     required: true
#     description: Root folder of the project
#     example: 'C:\\Projects\\MyApp'
inputs:
  placeholder: true  # TO BE DEFINED
outputs:
  placeholder: true  # TO BE DEFINED
execution_steps:
  - step_id: S1_TODO
    description: TODO
    actions: []
"""


@dataclass
class NewReport(ExitOnFailure):
    name: str
    pattern_id: str
    doc_id: str
    changes: list[FileChange] = field(default_factory=list)
    render: RenderReport | None = None

    @property
    def failed(self) -> bool:
        return self.render is not None and self.render.failed

    def to_dict(self) -> dict[str, Any]:
        """The ``--json`` report (docs/new-report.schema.json)."""

        return {**report_header("new"), "ok": not self.failed, "name": self.name, "pattern_id": self.pattern_id,
                "doc_id": self.doc_id, "changes": [c.path for c in self.changes],
                "render": self.render.to_dict() if self.render else None}


def next_pattern_id(name: str, existing: set[str]) -> str:
    stem = "PAT-" + re.sub(r"_+", "-", name.upper()).strip("-")
    numbers = [int(m.group(1)) for pid in existing if (m := re.fullmatch(re.escape(stem) + r"-(\d+)", pid))]
    return f"{stem}-{(max(numbers) + 1 if numbers else 1):03d}"


def create_pattern(repo: Path, name: str, category: str, executor: str = "ps1", *,
                   root: str | None = None, template: str | None = None,
                   dry_run: bool = False) -> NewReport:
    repo = Path(repo).resolve()
    config = load_config(repo)
    why = name_problem(name)
    if why is not None or not config.name_regex.fullmatch(name):
        raise UsageError(f"name {shown(name)} is not a safe identifier: it {why or 'does not match ' + config.name_pattern}",
                         hint=f"use lowercase letters, digits and underscores ({config.name_pattern})")
    if executor not in ("ps1", "py"):
        raise UsageError("--executor takes ps1 or py")
    if not category.strip() or any(c in category for c in "\r\n"):
        raise UsageError("--category must be one line of text")
    # Only the raw entries are needed here (names and ids taken, the roots): none is
    # validated or looked up on disk, so `new` costs the same in any registry size.
    registry = load_registry(repo, load_specs=False, only=frozenset({name}), positions=False)
    taken = {e.get("name") for e in registry.entries if isinstance(e, dict)}
    if name in taken:
        raise UsageError(f"a pattern named {shown(name)} is already in {registry.path}",
                         hint="choose another name, or edit the existing entry")
    pids = {str(e.get("pattern_id")) for e in registry.entries if isinstance(e, dict)}
    pattern_id = next_pattern_id(name, pids)
    doc_id = derive_doc_id(pattern_id, config.doc_id_rule)
    doc_ids = {e.get("doc_id") for e in registry.entries if isinstance(e, dict)}
    if not is_valid_doc_id(doc_id) or doc_id in doc_ids:
        raise UsageError(f"cannot mint a free doc_id for {name} ({doc_id} is taken or malformed)",
                         hint="check doc_id_rule in patforge.toml")
    base = (root or (registry.roots[0] if registry.roots else "patterns")).strip("/")
    try:
        base = normalize_repo_path(base)
    except PathProblem as exc:
        raise UsageError(f"--root: {exc}", hint=exc.hint) from None
    paths = new_pattern_paths(base, name, "powershell" if executor == "ps1" else "python")
    ws = Workspace(repo, dry_run=dry_run)
    for rel in paths.values():
        if ws.exists(rel) or ws.abspath(rel).is_dir() and rel != paths["example_dir"]:
            raise UsageError(f"{rel} already exists", hint="remove it or pick another name")
    fields = [("pattern_id", pattern_id), ("doc_id", doc_id), ("name", name), ("version", '"0.1.0"'),
              ("status", "draft"), ("category", yaml_scalar(category)),
              *[(k, yaml_scalar(v)) for k, v in paths.items()]]
    text = ws.read_text(registry.path) or ""
    # the registry as loaded above, unless it changed since (then parse what is there now)
    doc = registry.doc if registry.doc.text == text.lstrip("\ufeff") else \
        load_yaml_text(text, registry.path, positions=False)
    if registry.entries:
        new_text, new_doc = append_entry(text, doc, fields)
    else:  # the first pattern (after `patforge init`, or a hand-made `patterns: []`)
        new_text = first_entry_text(text, doc, fields)
        # the edit must leave valid YAML; positions only if a diagnostic needs one
        new_doc = load_yaml_text(new_text, registry.path, has_bom=doc.has_bom, positions=False)
    report = NewReport(name=name, pattern_id=pattern_id, doc_id=doc_id)
    ws.stage(registry.path, render_bytes(doc, new_text), "new entry")
    spec = SPEC_SKELETON.format(name=name, pattern_id=pattern_id, doc_id=doc_id,
                                category=yaml_scalar(category), schema_path=yaml_scalar(paths["schema_path"]),
                                executor_path=yaml_scalar(paths["executor_path"]))
    spec = spec.replace("\n", doc.newline) if doc.newline != "\n" else spec
    ws.stage(paths["spec_path"], spec.encode("utf-8"), "spec skeleton")
    if dry_run:
        report.changes += ws.land([registry.path, paths["spec_path"]])
        return report
    # why: start-up time: loaded only when create_pattern() runs, not when the module is imported
    from patforge.transaction.rollback import recording

    with recording(repo, "new"):  # one record for the entry, the spec and the suite: rollback undoes all
        with RepoLock(repo, "new"):
            # A killed run's journal is completed first: landing would otherwise replace it.
            ws.journal.recover()
            report.changes += ws.land([registry.path, paths["spec_path"]])
        # The render works on the registry just written and parsed (new_doc), not a third parse.
        report.render = render_suite(repo, name, template, doc=new_doc)
    return report


def append_entry(text: str, doc: YamlDocument, fields: list[tuple[str, str]]) -> tuple[str, YamlDocument]:
    """The registry ``text`` with the new entry after the last one, and that text parsed.

    The entry goes where the registry's positions say (``new_entry_insertion``); the
    positions of the two keys it needs, and the proof that the edited text reads as the
    old data plus the entry, come from libyaml's event stream (``yamlevents``): the
    full position walk and a second parse of the whole registry cost seconds at
    10,000 patterns. A registry the scan does not cover (an anchor, a flow list)
    is placed and parsed in full, as before."""
    before = scan_list(doc.text, "patterns")
    insertion = new_entry_insertion(text, doc, fields,
                                    marks=(before.first_key, before.last_key) if before else None)
    new_text = apply_insertions(text, [insertion])
    if before is not None:
        snippet = insertion.text.lstrip("\r\n")
        item = item_signature(snippet)
        after = scan_list(new_text.lstrip("\ufeff"), "patterns") if item is not None else None
        if after is not None and item is not None and appended(before, item, after):
            # every other event is unchanged: the old data plus the entry the snippet holds
            entry = load_yaml_data(snippet, doc.path)[0]
            data = {**doc.data, "patterns": [*doc.data["patterns"], entry]}
            return new_text, YamlDocument(path=doc.path, text=new_text.lstrip("\ufeff"), data=data,
                                          has_bom=doc.has_bom)
    # the edit must leave valid YAML; positions only if a diagnostic needs one
    return new_text, load_yaml_text(new_text, doc.path, has_bom=doc.has_bom, positions=False)


def render_suite(repo: Path, name: str, template: str | None, *,
                 doc: YamlDocument | None = None) -> RenderReport:
    """Render every per-pattern kind for the pattern ``name`` (the registry's new entry);
    ``doc``: the registry as just written and parsed."""
    registry = load_registry(repo, load_specs=False, doc=doc, only=frozenset({name}))
    p = registry.by_name(name)
    report = RenderReport(repo=registry.repo, dry_run=False)
    if p is None:  # the entry was just written; a problem with it is in the diagnostics
        report.diagnostics.extend(registry.diagnostics)
        return report
    load_spec(registry, p)
    report.diagnostics.extend(registry.diagnostics)
    report.mapping = [{"pattern_id": p.pattern_id, "name": p.name, "doc_id": registry.doc_id_for(p),
                       "source": "registry"}]
    ws = Workspace(registry.repo)
    session = RenderSession(registry, ws, report, template=template, vcs_ref=None, jobs=0, batch_size=0)
    session.index_sources = True  # the trust check reads only the answers files changed since last time
    with session.open("new", cache=False):
        _ = session.source  # fail on a bad template source before writing anything
        # the five Copier runs share one template clone (copier_speedups.shared_clones)
        for scope in (kinds.IDS, kinds.PATTERN):
            for kind in kinds.in_scope(scope):
                session.process(kind.phase(p), session.build(kind, [p]))
        docmap.render_step(ws, registry, report, [p], create=False)  # an existing mapping gets the new key
        registry.cache.save(prune=False)
    return report
