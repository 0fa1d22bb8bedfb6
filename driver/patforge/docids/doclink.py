"""``DOC_LINK: <doc_id>`` header comments in executors and tests: find them in any
language's comment syntax, and insert one without touching anything else."""

from __future__ import annotations

import re
from dataclasses import dataclass

#: A DOC_LINK inside a comment: ``#``, ``//``, ``--``, ``;`` line comments, or a line of a
#: ``<# ... #>`` / ``/* ... */`` / docstring block.
_DOC_LINK_RE = re.compile(r"^\s*(?:#|//|--|;|<#|/\*|\*|\"\"\"|''')?\s*DOC_LINK:\s*(\S+?)\s*(?:#>|\*/)?\s*$")
_HEADER_SCAN_LINES = 60

_PY_CODING = re.compile(r"^[ \t\f]*#.*?coding[:=][ \t]*[-\w.]+")


@dataclass(frozen=True)
class DocLink:
    doc_id: str
    line: int  # 1-based


def find_doc_link(text: str) -> DocLink | None:
    """The first DOC_LINK in the file's first lines (it is a header). A leading UTF-8
    BOM (generated .ps1 files carry one for Windows PowerShell 5.1) is ignored."""
    text = text.removeprefix("\ufeff")
    for i, line in enumerate(text.splitlines()[:_HEADER_SCAN_LINES], start=1):
        m = _DOC_LINK_RE.match(line)
        if m:
            return DocLink(m.group(1), i)
    return None


def header_lines(doc_id: str, name: str, pattern_id: str) -> list[str]:
    # name and pattern_id are validated identifiers (registry.py), safe in a comment.
    return [f"# DOC_LINK: {doc_id}", f"# Pattern: {name} ({pattern_id})"]


def insertion_line(lines: list[str], language: str) -> int:
    """Index (0-based) of the line before which the header goes: after a shebang,
    ``#Requires`` lines (PowerShell) or an encoding declaration (Python)."""
    i = 0
    if lines and lines[0].startswith("#!"):
        i = 1
    if language == "powershell":
        while i < len(lines) and lines[i].lstrip().lower().startswith("#requires"):
            i += 1
    elif language == "python":
        if i < len(lines) and i < 2 and _PY_CODING.match(lines[i]):
            i += 1
    return i


_DOC_ID_LINE = re.compile(r"^\s*(?:#|//|--|;)\s*DOC_ID:\s*(\S+?)\s*$")


def _doc_id_header_line(lines: list[str], doc_id: str) -> int | None:
    """Index of a ``# DOC_ID: <doc_id>`` line comment among the header lines."""
    for i, line in enumerate(lines[:_HEADER_SCAN_LINES]):
        m = _DOC_ID_LINE.match(line.rstrip("\r\n"))
        if m and m.group(1) == doc_id:
            return i
    return None


def insert_doc_link(text: str, language: str, doc_id: str, name: str, pattern_id: str) -> str | None:
    """Text with the header inserted, or None when the file already has a DOC_LINK."""
    if find_doc_link(text) is not None:
        return None
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    body = text[len(bom):]
    nl = "\r\n" if "\r\n" in body else "\n"
    lines = body.splitlines(keepends=True)
    at = insertion_line([ln.rstrip("\r\n") for ln in lines], language)
    header = "".join(line + nl for line in header_lines(doc_id, name, pattern_id))
    same = _doc_id_header_line(lines, doc_id)
    if same is not None:  # "# DOC_ID: X" already names it: the DOC_LINK goes right under it
        at, comment = same + 1, re.match(r"^\s*(?:#|//|--|;)", lines[same]).group()
        header = f"{comment} DOC_LINK: {doc_id}{nl}"
    if at > 0 and not lines[at - 1].endswith(("\n", "\r")):
        lines[at - 1] += nl
    return bom + "".join(lines[:at]) + header + "".join(lines[at:])


def doc_link_language(ext: str) -> str | None:
    """The ``patforge.docids.doclink`` language whose ``#`` header suits this extension."""
    return {".ps1": "powershell", ".psm1": "powershell", ".py": "python"}.get(ext.lower())
