"""What every artifact kind shares when it says its doc_id: the claim, and DOC_LINK headers.

Each kind's own conventions (schema sidecar and index, examples index, ...) live in
its judge module under ``check/judges/``; this module holds what they share:

* :class:`DocIdSource`, one artifact's claim about the suite's doc_id;
* an embedded top-level ``"doc_id"`` in a JSON file;
* a ``DOC_LINK: <doc_id>`` header comment (``patforge.docids.doclink.find_doc_link``) and
  whether it is a comment in the file's language (executors and tests).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any, Callable

from patforge.docids.doclink import DocLink, find_doc_link
from patforge.repository.files import RepoFiles
from patforge.repository.yamlsrc import YamlDocument
from patforge.validation.messages import shown



def as_id(value: Any) -> str:
    """A doc_id as text; a number or list keeps its type in view, so it never passes for
    a well-formed doc_id (a doc_id is a string)."""
    return value if isinstance(value, str) else f"{shown(value)} ({_json_type(value)}, not a string)"


def _json_type(value: object) -> str:
    """The JSON/YAML name of a value's type (a person wrote YAML, not Python)."""
    if isinstance(value, bool):
        return "boolean"
    return {int: "number", float: "number", type(None): "null", dict: "mapping", list: "list"}.get(
        type(value), type(value).__name__)


def claimed_id(value: Any) -> str | None:
    """A doc_id field's value as :func:`as_id` shows it; None when the field is empty."""
    return None if value is None or value == "" else as_id(value)


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
    #: finds ``line`` when a finding needs it (the registry's: its positions cost a parse)
    line_of: Callable[[], int | None] | None = field(default=None, compare=False, repr=False)

    def where(self) -> tuple[str, int | None]:
        """The file and line that state the doc_id (the index, for an indexed example)."""
        if self.via:
            return self.via, self.via_line
        return self.path, self.line if self.line_of is None else self.line_of()

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


def yaml_line(doc: YamlDocument | None, *keypath: Any) -> int | None:
    if doc is None:
        return None
    mark = doc.mark(*keypath)
    return mark.line if mark else None


def embedded_json_doc_id(files: RepoFiles, rel: str, kind: str) -> DocIdSource | None:
    """The top-level ``doc_id`` of a JSON file, None if the file is not a JSON object.
    A present but non-string doc_id is reported as its JSON text (it will not match)."""
    data, err = files.json(rel)
    if err is not None or not isinstance(data, dict):
        return None
    if data.get("doc_id") in (None, ""):
        return DocIdSource(kind, rel, None)
    value = data["doc_id"]
    text = files.text(rel) or ""
    return DocIdSource(kind, rel, as_id(value), json_key_line(text, "doc_id"))


def doc_link(files: RepoFiles, rel: str) -> DocLink | None:
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
    listed = " or ".join([*line_prefixes, *(f"{o} ... {c}" for o, c in blocks)])
    what = f"'{head}'" if head else "no comment marker"
    return f"the DOC_LINK line uses {what}, which is not a {lang} comment (use {listed})"
