"""Phase 1's text edits: doc_ids and paths into the registry and specs, DOC_LINK headers.

Every edit is a pure insertion (``patforge.repository.edits``: no byte of the user's file is
removed or rewritten), staged in a ``Workspace`` and landed at once. ``render`` (Phase
1, and recording paths after Phases 2/3), ``check --fix`` and anything else that
repairs the ID system call this one API:

* ``IdEditor.registry_doc_ids(patterns)``: ``doc_id`` into entries that lack one;
* ``IdEditor.spec_fields(patterns)``: ``doc_id``/``role``/``schema_ref``/``executor_ref``
  into specs;
* ``IdEditor.doc_links(patterns)``: ``DOC_LINK`` headers into the hand-written files
  each kind names (``Kind.doc_link_targets``), ``IdEditor.doc_link(p, rel)`` for one file;
* ``IdEditor.edit_registry(fields, after=..., reason=...)``: any fields into entries;
* ``new_entry_insertion(text, doc, fields)``: a whole new entry after the last one
  (``patforge new``), in the registry's own indentation style.

Results go into the ``RenderReport`` the editor was given (outcomes, changes, diagnostics).
"""

from __future__ import annotations

import re

from pathlib import PurePosixPath

from patforge import kinds
from patforge.docids.doclink import doc_link_language, insert_doc_link
from patforge.repository.edits import (EditError, Insertion, apply_insertions, insert_keys_after, insert_keys_before,
                            line_starts, render_bytes)
from patforge.errors import UsageError
from patforge.repository.registry import Pattern, Registry
from patforge.rendering.report import FAILED, UPDATED, RenderReport
from patforge.transaction.workspace import Workspace
from patforge.spec.read import insert_front_matter, load_spec_text
from patforge.repository.yamlsrc import load_yaml_text

#: Where path fields go in an entry: after the first of these it has.
PATH_ANCHORS = ("executor_path", "schema_path", "spec_path")
#: Edited specs landed per transaction (``IdEditor.spec_fields``): the journal holds
#: their bytes, a few MB.
SPEC_BATCH = 500


class IdEditor:
    def __init__(self, ws: Workspace, registry: Registry, report: RenderReport) -> None:
        self.ws = ws
        self.registry = registry
        self.report = report

    def _land(self, rel: str, data: bytes, reason: str) -> None:
        self.ws.stage(rel, data, reason)
        self.report.changes += self.ws.land([rel])

    # -- the registry ------------------------------------------------------------------
    def registry_doc_ids(self, patterns: list[Pattern]) -> None:
        lacking = [p for p in patterns if p.doc_id is None]
        if not lacking:
            return
        edited = self.edit_registry({p.name: [("doc_id", self.registry.doc_id_for(p))] for p in lacking},
                                    after="pattern_id", reason="doc_id")
        for p in lacking:
            ok = p.name in edited
            self.report.outcome(1, "registry", p.name, UPDATED if ok else FAILED, [self.registry.path],
                                f"doc_id {self.registry.doc_id_for(p)}" if ok else "could not insert doc_id")

    def edit_registry(self, fields: dict[str, list[tuple[str, str]]], *, after: str | tuple[str, ...] = PATH_ANCHORS,
                      reason: str) -> set[str]:
        """Insert fields into registry entries by name (fields an entry has are left
        alone); returns the names edited."""
        rel = self.registry.path
        text = self.ws.read_text(rel)
        assert text is not None
        doc = load_yaml_text(text, rel)
        insertions, done = [], set()
        left = self.registry.duplicate_names  # an entry that shares its name is never edited
        index = {e.get("name"): i for i, e in enumerate(doc.data["patterns"])
                 if isinstance(e, dict) and i not in left}
        anchors = (after,) if isinstance(after, str) else after
        for name, kv in fields.items():
            i = index.get(name)
            entry = doc.data["patterns"][i] if i is not None else None
            if entry is None:
                continue
            kv = [(k, v) for k, v in kv if k not in entry]
            if not kv:
                continue
            anchor = next((a for a in anchors if a in entry), None)
            try:
                if anchor is None:
                    raise EditError(f"entry has none of {', '.join(anchors)}")
                insertions.append(insert_keys_after(doc, ("patterns", i), anchor, kv))
                done.add(name)
            except EditError as exc:
                self.report.diagnostics.add(doc.diag(f"cannot edit entry {name}: {exc}", "patterns", i,
                                                     hint="add the fields by hand", pattern=name))
        if insertions:
            self._land(rel, render_bytes(doc, apply_insertions(doc.text, insertions)), reason)
        return done

    # -- specs -------------------------------------------------------------------------
    def spec_fields(self, patterns: list[Pattern]) -> None:
        """The fields each spec lacks. The edited specs land together, ``SPEC_BATCH`` at a
        time, as one journaled transaction each: a transaction per spec cost three
        fsyncs (the journal, its folder, the rollback record), 3,000 for 1,000 specs."""
        staged: list[str] = []
        for p in patterns:
            if len(staged) >= SPEC_BATCH:
                self.report.changes += self.ws.land(staged)
                staged = []
            if p.spec is None:
                continue  # unparseable or missing: already reported
            rel = p.spec.path  # spec_path, or where the spec was found (specplace.py)
            in_overlay = rel in self.ws.overlay
            doc = load_spec_text(self.ws.read_text(rel), rel) if in_overlay else None
            data = doc.data if doc is not None else p.spec.data
            wanted = [*_identity(p, data), ("doc_id", self.registry.doc_id_for(p)), ("role", "spec"),
                      ("schema_ref", p.schema_path), ("executor_ref", p.executor_path)]
            missing = [(k, v) for k, v in wanted if k not in data]
            if not missing:
                continue
            # The file is unchanged since load: its node positions are (re)parsed only now.
            doc = doc or p.spec.doc
            data = doc.data
            try:
                if not data:  # Markdown without front matter, or empty front matter
                    ins = insert_front_matter(doc, missing)
                elif "doc_id" in data:
                    ins = insert_keys_after(doc, (), "doc_id", missing)
                else:
                    anchor = "pattern_id" if "pattern_id" in data else next(iter(data), None)
                    if anchor is None:
                        raise EditError("the spec has no keys")
                    ins = insert_keys_before(doc, (), anchor, missing)
            except EditError as exc:
                self.report.diagnostics.add(doc.diag(f"cannot insert {', '.join(k for k, _ in missing)}: {exc}",
                                                     hint="add them by hand", pattern=p.name))
                self.report.outcome(1, _spec_kind(), p.name, FAILED, [rel], str(exc))
                continue
            self.ws.stage(rel, render_bytes(doc, apply_insertions(doc.text, [ins])), "doc_id")
            staged.append(rel)
            p.spec.drop_positions()
            self.report.outcome(1, _spec_kind(), p.name, UPDATED, [rel],
                                "added " + ", ".join(k for k, _ in missing))
        if staged:
            self.report.changes += self.ws.land(staged)

    # -- DOC_LINK headers --------------------------------------------------------------
    def doc_links(self, patterns: list[Pattern]) -> None:
        """A DOC_LINK header in every hand-written file a kind names for Phase 1."""
        for kind in kinds.KINDS:
            for p in patterns:
                for rel in kind.doc_link_targets(self.ws, p):
                    if self.doc_link(p, rel):
                        self.report.outcome(1, kind.name, p.name, UPDATED, [rel], "added DOC_LINK header")

    def doc_link(self, p: Pattern, rel: str) -> bool:
        """Insert a DOC_LINK header into one ``.py``/``.ps1`` file; False when the file is
        missing, of another language, or already has one."""
        language = doc_link_language(PurePosixPath(rel).suffix)
        text = self.ws.read_text(rel)
        if language is None or text is None:
            return False
        new = insert_doc_link(text, language, self.registry.doc_id_for(p), p.name, p.pattern_id)
        if new is None:
            return False
        self._land(rel, new.encode("utf-8"), "DOC_LINK")
        return True


def _identity(p: Pattern, data: dict) -> list[tuple[str, str]]:
    """pattern_id / name / version a spec lacks, from its registry entry (PAT-CHECK-001-021).
    ``id:`` is read as the pattern_id: when it names another one, no pattern_id is added."""
    out = []
    if "pattern_id" not in data and data.get("id", p.pattern_id) == p.pattern_id:
        out.append(("pattern_id", p.pattern_id))
    if "name" not in data:
        out.append(("name", p.name))
    version = p.entry.get("version")
    if "version" not in data and isinstance(version, (str, int, float)) and not isinstance(version, bool):
        out.append(("version", str(version)))
    return out


# -- a new entry (patforge new) ----------------------------------------------------------

def new_entry_insertion(text: str, doc, fields: list[tuple[str, str]], marks=None) -> Insertion:
    """Append an entry after the last one, in the registry's own indentation style.
    ``marks``: (the first entry's first key, the last entry's last key) when the caller
    has them (``yamlevents.scan_list``); else they come from the document's positions."""
    entries = doc.data["patterns"]
    nl = doc.newline
    starts = line_starts(text)
    if not entries:
        raise UsageError("the registry's patterns: list is empty",
                         hint="patforge new writes the first entry itself (first_entry_text)")
    last = len(entries) - 1
    if marks is not None:
        first_key, last_key = marks
    else:
        first_key = doc.key_mark("patterns", 0, next(iter(entries[0])))
        if first_key is None or doc.node_mark("patterns", 0) is None:
            raise UsageError("cannot find where registry entries start")
        last_key = doc.key_mark("patterns", last, list(entries[last])[-1]) \
            if isinstance(entries[last], dict) else None
        if last_key is None:
            raise UsageError("the last registry entry is not a mapping")
    line = text[starts[first_key.line - 1]:].split("\n", 1)[0]
    dash_col = line.index("-") if line.lstrip().startswith("-") else first_key.column - 3
    dash = " " * dash_col + "- "
    indent = " " * (first_key.column - 1)
    # The entry ends at its last line indented deeper than its dash (YAML end marks
    # run on over trailing comments, which belong to whatever follows).
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


_EMPTY_PATTERNS = re.compile(r"^(?P<key>patterns[ \t]*:)(?P<value>[ \t]*(?:\[[ \t]*\])?)"
                             r"(?P<comment>[ \t]*#[^\r\n]*)?[ \t]*$")


def first_entry_text(text: str, doc, fields: list[tuple[str, str]]) -> str:
    """The registry text with its first entry, when ``patterns:`` is empty (``patterns: []``
    or a bare ``patterns:``): the entry goes right under the key in block style. The one
    byte-level change besides the added lines is dropping an empty ``[]`` (there is
    nothing in it to keep); a trailing comment on that line stays."""
    nl = doc.newline
    mark = doc.key_mark("patterns")
    lines = text.splitlines(keepends=True)
    line = lines[mark.line - 1] if mark is not None and mark.line <= len(lines) else ""
    body = line.rstrip("\r\n")
    m = _EMPTY_PATTERNS.match(body)
    if m is None:
        raise UsageError(f"{doc.path}: cannot add the first entry after line {mark.line if mark else '?'} "
                         f"({body.strip()})",
                         hint="write the list as `patterns: []` or a bare `patterns:` line, then run again")
    entry = "".join(("  - " if i == 0 else "    ") + f"{k}: {v}{nl}" for i, (k, v) in enumerate(fields))
    new_line = m.group("key") + (m.group("comment") or "") + nl
    return "".join(lines[:mark.line - 1]) + new_line + entry + "".join(lines[mark.line:])


def _spec_kind() -> str:
    """The kind whose files ``spec_path`` records: Phase 1's spec edits are reported under it."""
    judge = kinds.judge_for_field("spec_path")
    return judge.kind if judge is not None else "spec_path"
