"""Where each artifact of a pattern says its doc_id, read once per file.

Conventions (the same ones ``render`` writes; the paths come from ``patforge.layout``):

* registry entry: its ``doc_id`` field;
* spec: its top-level ``doc_id``;
* schema: an embedded top-level ``"doc_id"``; a sidecar ``<schema minus .json>.id.yaml``
  with ``schema_path`` and ``doc_id``; or a central index
  ``<registry folder>/SCHEMA_INDEX.yaml`` (optional), either
  ``schemas: [{schema_path: ..., doc_id: ...}, ...]`` or ``schemas: {<schema_path>: <doc_id>}``;
* executor and test files: a ``DOC_LINK: <doc_id>`` header comment
  (``patforge.doclink.find_doc_link``), in the comment syntax of the file's language;
* example ``.json`` files in example_dir: an embedded top-level ``doc_id``, or the
  folder's ``examples.id.yaml`` (top-level ``doc_id`` plus ``examples:``, a list of file
  names; an item may also be a mapping ``{file: <name>, doc_id: <id>}``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from patforge.diagnostics import Diagnostic
from patforge.doclink import DocLink, doc_link_language, find_doc_link  # noqa: F401 (check uses it from here)
from patforge.layout import EXAMPLES_INDEX, schema_index_path, sidecar_path
from patforge.repofiles import RepoFiles
from patforge.yamlsrc import YamlDocument

Files = RepoFiles  # the shared reading layer (patforge.repofiles); the old name stays for check


# -- doc_id sources ----------------------------------------------------------------

@dataclass(frozen=True)
class DocIdSource:
    """One artifact's claim about the suite's doc_id (``doc_id`` None: it makes none)."""

    kind: str  # registry, spec, schema, schema sidecar, schema index, executor, test, example
    path: str
    doc_id: str | None
    line: int | None = None
    via: str | None = None  # for an example linked by its folder's index: the index's path
    via_line: int | None = None

    def where(self) -> tuple[str, int | None]:
        """The file and line that state the doc_id (the index, for an indexed example)."""
        return (self.via, self.via_line) if self.via else (self.path, self.line)

    def describe(self) -> str:
        """Short name for messages (the finding's location gives the full path)."""
        if self.kind == "registry entry":
            return "the registry entry"
        via = f" (via {PurePosixPath(self.via).name})" if self.via else ""
        return f"{self.kind} {PurePosixPath(self.path).name}{via}"


_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\]]', re.S)


def json_key_line(text: str, key: str) -> int | None:
    """1-based line of ``key`` as a key of the top-level JSON object (for messages)."""
    depth, target = 0, json.dumps(key)
    for m in _TOKEN.finditer(text):
        tok = m.group()
        if tok in "{[":
            depth += 1
        elif tok in "}]":
            depth -= 1
        elif depth == 1 and tok == target and text[m.end():].lstrip()[:1] == ":":
            return text.count("\n", 0, m.start()) + 1
    return None


def yaml_line(doc: YamlDocument, *keypath: Any) -> int | None:
    mark = doc.mark(*keypath)
    return mark.line if mark else None


def embedded_json_doc_id(files: Files, rel: str, kind: str) -> DocIdSource | None:
    """The top-level ``doc_id`` of a JSON file, None if the file is not a JSON object.
    A present but non-string doc_id is reported as its JSON text (it will not match)."""
    data, err = files.json(rel)
    if err is not None or not isinstance(data, dict):
        return None
    if data.get("doc_id") in (None, ""):
        return DocIdSource(kind, rel, None)
    value = data["doc_id"]
    text = files.text(rel) or ""
    return DocIdSource(kind, rel, _as_id(value), json_key_line(text, "doc_id"))


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
        return DocIdSource("schema sidecar", self.path, _as_id(self.doc_id), yaml_line(self.doc, "doc_id"))


def _as_id(value: Any) -> str:
    """A doc_id as text; a number or list keeps its type in view, so it never passes for
    a well-formed doc_id (a doc_id is a string)."""
    return value if isinstance(value, str) else f"{value!r} ({type(value).__name__}, not a string)"


def read_sidecar(files: Files, schema_path: str) -> Sidecar | None:
    rel = sidecar_path(schema_path)
    if not files.is_file(rel):
        return None
    doc = files.yaml(rel)
    if isinstance(doc, Diagnostic):
        return Sidecar(rel, None, doc)
    if not isinstance(doc.data, dict):
        return Sidecar(rel, None, "the sidecar is not a YAML mapping")
    return Sidecar(rel, doc, None, doc.data.get("schema_path"), doc.data.get("doc_id"))


@dataclass
class SchemaIndex:
    path: str
    entries: dict[str, tuple[str, int | None]]  # schema_path -> (doc_id, line)
    problem: Diagnostic | str | None = None


def read_schema_index(files: Files, registry_path: str) -> SchemaIndex | None:
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
            entries[str(k).replace("\\", "/")] = (_as_id(v), yaml_line(doc, "schemas", k))
    elif isinstance(data, list):
        for i, item in enumerate(data):
            if isinstance(item, dict) and item.get("schema_path") and "doc_id" in item:
                entries[str(item["schema_path"]).replace("\\", "/")] = (
                    _as_id(item["doc_id"]), yaml_line(doc, "schemas", i, "doc_id"))
    else:
        return SchemaIndex(rel, {}, "it has no 'schemas:' list or mapping")
    return SchemaIndex(rel, entries)


def doc_link(files: Files, rel: str) -> DocLink | None:
    text = files.text(rel)
    return None if text is None else find_doc_link(text)


# -- comment syntax per language (PAT-CHECK-001-041 / -061) -------------------------

#: extension -> (line comment prefixes, (block opener, block closer) pairs)
COMMENT_SYNTAX: dict[str, tuple[tuple[str, ...], tuple[tuple[str, str], ...]]] = {
    ".ps1": (("#",), (("<#", "#>"),)),
    ".psm1": (("#",), (("<#", "#>"),)),
    ".psd1": (("#",), (("<#", "#>"),)),
    ".py": (("#",), (('"""', '"""'), ("'''", "'''"))),
    ".sh": (("#",), ()), ".bash": (("#",), ()), ".rb": (("#",), ()),
    ".yaml": (("#",), ()), ".yml": (("#",), ()), ".toml": (("#",), ()),
    ".js": (("//",), (("/*", "*/"),)), ".mjs": (("//",), (("/*", "*/"),)),
    ".ts": (("//",), (("/*", "*/"),)), ".go": (("//",), (("/*", "*/"),)),
    ".cs": (("//",), (("/*", "*/"),)), ".java": (("//",), (("/*", "*/"),)),
    ".rs": (("//",), (("/*", "*/"),)), ".c": (("//",), (("/*", "*/"),)),
    ".sql": (("--",), (("/*", "*/"),)), ".lua": (("--",), (("--[[", "]]"),)),
    ".bat": (("REM", "::"), ()), ".cmd": (("REM", "::"), ()),
}
LANGUAGE_NAMES = {".ps1": "PowerShell", ".psm1": "PowerShell", ".psd1": "PowerShell", ".py": "Python",
                  ".js": "JavaScript", ".ts": "TypeScript", ".sql": "SQL", ".lua": "Lua", ".sh": "shell"}


def comment_problem(text: str, link: DocLink, ext: str) -> str | None:
    """Why the DOC_LINK line is not a comment in the file's language (None: it is, or
    the language is unknown)."""
    syntax = COMMENT_SYNTAX.get(ext.lower())
    if syntax is None:
        return None
    line_prefixes, blocks = syntax
    lines = text.splitlines()
    line = lines[link.line - 1].strip()
    if line.startswith("\ufeff"):
        line = line[1:]
    head = line.split("DOC_LINK", 1)[0].strip()
    if any(head.startswith(p) for p in line_prefixes) or any(head.startswith(o) for o, _ in blocks):
        return None
    if head in ("", "*"):
        # a bare line: fine inside an open block comment / docstring
        before = "\n".join(lines[: link.line - 1])
        for opener, closer in blocks:
            if opener == closer:
                if before.count(opener) % 2 == 1:
                    return None
            else:
                o, c = before.rfind(opener), before.rfind(closer)
                if o != -1 and o > c:
                    return None
    lang = LANGUAGE_NAMES.get(ext.lower(), ext)
    shown = " or ".join([*line_prefixes, *(f"{o} ... {c}" for o, c in blocks)])
    what = f"'{head}'" if head else "no comment marker"
    return f"the DOC_LINK line uses {what}, which is not a {lang} comment (use {shown})"


# -- examples ------------------------------------------------------------------------

@dataclass
class ExamplesIndex:
    path: str
    doc: YamlDocument | None
    problem: Diagnostic | str | None
    doc_id: Any = None
    listed: dict[str, tuple[Any, int | None]] | None = None  # file name -> (doc_id or None, line)


def read_examples_index(files: Files, folder: str) -> ExamplesIndex | None:
    rel = f"{folder}/{EXAMPLES_INDEX}"
    if not files.is_file(rel):
        return None
    doc = files.yaml(rel)
    if isinstance(doc, Diagnostic):
        return ExamplesIndex(rel, None, doc)
    if not isinstance(doc.data, dict) or not isinstance(doc.data.get("examples"), list):
        return ExamplesIndex(rel, None, "it is not a mapping with an 'examples:' list")
    listed: dict[str, tuple[Any, int | None]] = {}
    for i, item in enumerate(doc.data["examples"]):
        if isinstance(item, str):
            listed[item] = (None, yaml_line(doc, "examples", i))
        elif isinstance(item, dict):
            name = item.get("file") or item.get("name") or item.get("path")
            if isinstance(name, str):
                listed[PurePosixPath(name).name] = (item.get("doc_id"), yaml_line(doc, "examples", i))
    return ExamplesIndex(rel, doc, None, doc.data.get("doc_id"), listed)


def example_source(files: Files, rel: str, index: ExamplesIndex | None) -> list[DocIdSource]:
    """Every doc_id claim about one example: embedded, and/or by the folder's index.
    An example that makes no claim at all yields one source with doc_id None."""
    out: list[DocIdSource] = []
    embedded = embedded_json_doc_id(files, rel, "example")
    if embedded is not None and embedded.doc_id is not None:
        out.append(embedded)
    name = PurePosixPath(rel).name
    if index is not None and index.listed is not None and name in index.listed:
        own, line = index.listed[name]
        value = own if own is not None else index.doc_id
        if value is not None:
            if own is None:
                line = yaml_line(index.doc, "doc_id") if index.doc else line
            out.append(DocIdSource("example", rel, _as_id(value), None, via=index.path, via_line=line))
    if not out:
        out.append(DocIdSource("example", rel, None))
    return out
