"""``patforge new``: scaffold one pattern — registry entry, spec skeleton, whole suite."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from patforge.changes import FileChange
from patforge.config import load_config
from patforge.docids import derive_doc_id, is_valid_doc_id
from patforge.edits import Insertion, apply_insertions, line_starts, render_bytes, yaml_scalar
from patforge.errors import UsageError
from patforge.paths import is_windows_reserved
from patforge.registry import load_registry
from patforge.render import RenderOptions, RenderReport, Renderer
from patforge.workspace import Workspace
from patforge.yamlsrc import load_yaml_text

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
# Inputs in the patforge dialect (docs/spec-dialect.md). Replace the placeholder
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
class NewReport:
    name: str
    pattern_id: str
    doc_id: str
    changes: list[FileChange] = field(default_factory=list)
    render: RenderReport | None = None

    @property
    def failed(self) -> bool:
        return self.render is not None and self.render.failed


def next_pattern_id(name: str, existing: set[str]) -> str:
    stem = "PAT-" + re.sub(r"_+", "-", name.upper()).strip("-")
    numbers = [int(m.group(1)) for pid in existing if (m := re.fullmatch(re.escape(stem) + r"-(\d+)", pid))]
    return f"{stem}-{(max(numbers) + 1 if numbers else 1):03d}"


def _entry_insertion(text: str, doc, fields: list[tuple[str, str]]) -> Insertion:
    """Append an entry after the last one, in the registry's own indentation style."""
    entries = doc.data["patterns"]
    nl = doc.newline
    starts = line_starts(text)
    if not entries:
        raise UsageError("the registry's patterns: list is empty or written inline ([])",
                         hint="add the first entry by hand in block style (- pattern_id: ...)")
    last = len(entries) - 1
    first_key = doc.key_mark("patterns", 0, next(iter(entries[0])))
    item_mark = doc.node_mark("patterns", 0)
    if first_key is None or item_mark is None:
        raise UsageError("cannot find where registry entries start")
    line = text[starts[first_key.line - 1]:].split("\n", 1)[0]
    dash_col = line.index("-") if line.lstrip().startswith("-") else first_key.column - 3
    dash = " " * dash_col + "- "
    indent = " " * (first_key.column - 1)
    # The entry ends at its last line indented deeper than its dash (YAML end marks
    # run on over trailing comments, which belong to whatever follows).
    last_key = doc.key_mark("patterns", last, list(entries[last])[-1]) if isinstance(entries[last], dict) else None
    if last_key is None:
        raise UsageError("the last registry entry is not a mapping")
    lines = text.splitlines(keepends=True)
    end_line = last_key.line  # 1-based
    for i in range(last_key.line, len(lines)):
        stripped = lines[i].strip()
        width = len(lines[i]) - len(lines[i].lstrip(" "))
        if not stripped:
            continue  # a blank line may sit inside a block scalar; look further
        if width > dash_col:
            end_line = i + 1
        else:
            break
    offset = starts[end_line] if end_line < len(starts) else len(text)
    lead = "" if offset < len(text) or text.endswith(("\n", "\r")) else nl
    body = lead + nl
    for i, (k, v) in enumerate(fields):
        body += (dash if i == 0 else indent) + f"{k}: {v}{nl}"
    return Insertion(offset, body)


def create_pattern(repo: Path, name: str, category: str, executor: str = "ps1", *,
                   root: str | None = None, template: str | None = None,
                   dry_run: bool = False) -> NewReport:
    repo = Path(repo).resolve()
    config = load_config(repo)
    if not config.name_regex.fullmatch(name) or is_windows_reserved(name):
        raise UsageError(f"name {name!r} is not a safe identifier",
                         hint=f"use lowercase letters, digits and underscores ({config.name_pattern})")
    if executor not in ("ps1", "py"):
        raise UsageError("--executor takes ps1 or py")
    if not category.strip() or any(c in category for c in "\r\n"):
        raise UsageError("--category must be one line of text")
    registry = load_registry(repo, load_specs=False)
    taken = {e.get("name") for e in registry.entries if isinstance(e, dict)}
    if name in taken:
        raise UsageError(f"a pattern named {name!r} is already in {registry.path}",
                         hint="choose another name, or edit the existing entry")
    pids = {str(e.get("pattern_id")) for e in registry.entries if isinstance(e, dict)}
    pattern_id = next_pattern_id(name, pids)
    doc_id = derive_doc_id(pattern_id, config.doc_id_rule)
    doc_ids = {e.get("doc_id") for e in registry.entries if isinstance(e, dict)}
    if not is_valid_doc_id(doc_id) or doc_id in doc_ids:
        raise UsageError(f"cannot mint a free doc_id for {name} ({doc_id} is taken or malformed)",
                         hint="check doc_id_rule in patforge.toml")
    base = (root or (registry.roots[0] if registry.roots else "patterns")).strip("/")
    ext = ".ps1" if executor == "ps1" else ".py"
    paths = {
        "spec_path": f"{base}/specs/{name}.pattern.yaml",
        "schema_path": f"{base}/schemas/{name}.schema.json",
        "executor_path": f"{base}/executors/{name}_executor{ext}",
        "test_path": f"{base}/tests/test_{name}_executor{ext}",
        "example_dir": f"{base}/examples/{name}",
    }
    ws = Workspace(repo, dry_run=dry_run)
    for rel in paths.values():
        if ws.exists(rel) or ws.abspath(rel).is_dir() and rel != paths["example_dir"]:
            raise UsageError(f"{rel} already exists", hint="remove it or pick another name")
    fields = [("pattern_id", pattern_id), ("doc_id", doc_id), ("name", name), ("version", '"0.1.0"'),
              ("status", "draft"), ("category", yaml_scalar(category)),
              *[(k, yaml_scalar(v)) for k, v in paths.items()]]
    text = ws.read_text(registry.path) or ""
    doc = registry.doc if registry.doc.text == text.lstrip("\ufeff") else load_yaml_text(text, registry.path)
    new_text = apply_insertions(text, [_entry_insertion(text, doc, fields)])
    new_doc = load_yaml_text(new_text, registry.path)  # the edit must leave valid YAML
    report = NewReport(name=name, pattern_id=pattern_id, doc_id=doc_id)
    ws.stage(registry.path, render_bytes(doc, new_text), "new entry")
    spec = SPEC_SKELETON.format(name=name, pattern_id=pattern_id, doc_id=doc_id,
                                category=yaml_scalar(category), schema_path=yaml_scalar(paths["schema_path"]),
                                executor_path=yaml_scalar(paths["executor_path"]))
    spec = spec.replace("\n", doc.newline) if doc.newline != "\n" else spec
    ws.stage(paths["spec_path"], spec.encode("utf-8"), "spec skeleton")
    report.changes += ws.land([registry.path, paths["spec_path"]])
    if dry_run:
        return report
    # The render works on the registry just written and parsed (new_doc), not a third parse.
    written = load_registry(repo, config, load_specs=False, doc=new_doc)
    report.render = Renderer(repo, RenderOptions(only=(name,), template=template), registry=written).run()
    return report
