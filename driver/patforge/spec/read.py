"""Reading a pattern spec the way users write it.

Three shapes are read:

* plain YAML (``<name>.pattern.yaml``);
* YAML front matter + Markdown (``---\\n<yaml>\\n---\\n# Title ...``), under a
  ``.pattern.yaml`` or ``.md`` name: the front matter is the spec, the body is the
  user's text and is never parsed, changed or advised away;
* Markdown without front matter (``.md``): no machine-readable inputs, so the spec
  is read as a placeholder (an empty mapping) and the caller says so once.

Why not python-frontmatter: it returns the metadata as a plain dict, with no line
or column for any key, and re-serialises the file on write. patforge needs the
position of every key (diagnostics say file:line, and doc_id insertion is a pure
splice into the front matter at a computed offset) and must keep the body byte
for byte. So the split is done here, and the front matter is parsed by
``yamlsrc`` *in place*: the text handed to the YAML parser is the file's own
prefix up to the closing ``---``, so every line number is the file's line number,
and ``YamlDocument.tail`` carries the rest (closing marker + body) so an edit
writes the whole file back unchanged around the insertion.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from patforge.diagnostics import Diagnostic, warning
from patforge.repository.yamlsrc import YamlDocument, load_yaml_text, read_yaml_source
from patforge.repository.edits import EditError, Insertion, yaml_scalar

#: The front matter opens with ``---`` on the first line that is not blank or a
#: YAML comment, and closes with the next line that is exactly ``---`` or ``...``.
_OPEN = re.compile(r"^---[ \t]*$")
_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*$")
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\n|\r|$)")

PLAIN, FRONT_MATTER, MARKDOWN = "yaml", "front-matter", "markdown"


@dataclass(frozen=True)
class SpecSplit:
    """Where the machine-readable part of a spec file ends."""

    form: str  # PLAIN, FRONT_MATTER or MARKDOWN
    yaml_text: str  # what the YAML parser reads (a prefix of the file; "" for MARKDOWN)
    tail: str  # everything after it, kept byte for byte


def _lines(text: str) -> list[str]:
    out = [m.group() for m in _LINE.finditer(text)]
    if out and out[-1] == "":
        out.pop()
    return out


def split_spec_text(text: str, path: str) -> SpecSplit:
    """Split ``text`` (no BOM) into the YAML the spec is and the rest.

    A ``.md`` file is Markdown unless it opens with front matter. A YAML file whose
    first document is closed by a ``---`` / ``...`` line followed by more text is
    front matter + body too (the body may be Markdown or more YAML documents: it is
    kept, never parsed)."""
    lines = _lines(text)
    is_md = path.lower().endswith((".md", ".markdown"))
    first = next((i for i, ln in enumerate(lines)
                  if ln.strip() and not ln.lstrip().startswith("#")), None)
    # In Markdown a leading "# Title" is a heading, not a comment: only line 1 may open.
    if is_md:
        first = 0 if lines and _OPEN.match(lines[0].rstrip("\r\n")) else None
    if first is not None and _OPEN.match(lines[first].rstrip("\r\n")):
        for j in range(first + 1, len(lines)):
            if _CLOSE.match(lines[j].rstrip("\r\n")):
                head = "".join(lines[:j])
                return SpecSplit(FRONT_MATTER, head, text[len(head):])
    if is_md:
        return SpecSplit(MARKDOWN, "", text)
    return SpecSplit(PLAIN, text, "")


def load_spec_text(text: str, path: str, *, has_bom: bool = False, positions: bool = True) -> YamlDocument:
    """Parse a spec's text in any of the three forms (``YamlLoadError`` if unusable);
    ``positions=False``: node positions on first use (yamlsrc)."""
    if text.startswith("\ufeff"):
        text, has_bom = text[1:], True
    split = split_spec_text(text, path)
    if split.form == MARKDOWN:
        return YamlDocument(path=path, text="", data={}, has_bom=has_bom, tail=split.tail,
                            form=MARKDOWN)
    if split.form == FRONT_MATTER and not split.yaml_text.strip(" \t\r\n-"):
        # "---\n---\n# Title": empty front matter, the same as none
        return YamlDocument(path=path, text=split.yaml_text, data={}, has_bom=has_bom,
                            tail=split.tail, form=FRONT_MATTER)
    doc = load_yaml_text(split.yaml_text, path, has_bom=has_bom, positions=positions)
    doc.tail, doc.form = split.tail, split.form
    if split.form == FRONT_MATTER and doc.data is None:
        doc.data = {}
    return doc


def load_spec_file(abs_path: Path, rel_path: str, *, positions: bool = True) -> YamlDocument:
    """Read and parse a spec file; every failure is a ``YamlLoadError``."""
    text, bom = read_yaml_source(abs_path, rel_path)  # one home for read/size/encoding errors
    return load_spec_text(text, rel_path, has_bom=bom, positions=positions)


def form_note(doc: YamlDocument, pattern: str) -> Diagnostic | None:
    """The one message a Markdown spec without front matter gets."""
    if doc.form != MARKDOWN:
        return None
    return warning(f"spec of {pattern} is Markdown without YAML front matter, so it defines no "
                   "machine-readable inputs; the pattern is rendered as a placeholder (any inputs "
                   "object is accepted)", path=doc.path, line=1, column=1,
                   hint="add front matter (`---` / `inputs:` ... / `---`) at the top of the file to "
                        "define the inputs; the Markdown below it stays as it is",
                   code="spec-markdown-only", pattern=pattern)


def insert_front_matter(doc: YamlDocument, fields: list[tuple[str, str]]) -> Insertion:
    """Keys for a spec whose front matter is empty or absent, by pure insertion: into the
    empty block, or as a new block at the top of a Markdown file (its text stays below)."""
    nl = doc.newline
    body = "".join(f"{k}: {yaml_scalar(v)}{nl}" for k, v in fields)
    if doc.form == MARKDOWN:
        return Insertion(0, f"---{nl}{body}---{nl}")
    if doc.form == FRONT_MATTER:
        text = doc.text
        if text and not text.endswith(("\n", "\r")):
            body = nl + body
        return Insertion(len(text), body)
    raise EditError("the spec has no keys")


__all__ = ["FRONT_MATTER", "MARKDOWN", "PLAIN", "SpecSplit", "form_note", "load_spec_file",
           "insert_front_matter", "load_spec_text", "split_spec_text"]
