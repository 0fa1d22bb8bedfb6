"""Pure insertions into files people wrote by hand.

Every edit patforge makes to a registry, a spec or an existing executor only *adds*
text: it computes an offset from the YAML parser's line numbers and splices new
lines in, so every other byte (comments, banners, quoting, key order, CRLF line
endings, a BOM) stays identical and ``git diff`` shows only added lines.
docs/design.md records why this beats a ruamel.yaml round trip (measured there).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from patforge.repository.yamlsrc import YamlDocument
from patforge.validation.messages import shown

_PLAIN_SAFE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_./-]*$")
_YAML_AMBIGUOUS = re.compile(
    r"^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|"
    r"null|Null|NULL|~|[-+]?[0-9][0-9_.:eE+-]*|\.(?:inf|Inf|INF|nan|NaN|NAN))$")


class EditError(ValueError):
    """The file's shape does not allow a pure insertion here."""


@dataclass(frozen=True)
class Insertion:
    offset: int  # character offset into the document text (BOM excluded)
    text: str


def yaml_scalar(value: str) -> str:
    """A YAML scalar that reads back as exactly ``value`` (plain when unambiguous)."""
    if _PLAIN_SAFE.match(value) and not _YAML_AMBIGUOUS.match(value):
        return value
    # A JSON string is a YAML double-quoted scalar; characters YAML would fold as
    # line breaks (NEL, LS, PS) or refuses (non-printables, BOM) become \u escapes.
    return "".join(c if _yaml_printable(c) else f"\\u{ord(c):04x}"
                   for c in json.dumps(value, ensure_ascii=False))


def _yaml_printable(c: str) -> bool:
    o = ord(c)
    return (0x20 <= o <= 0x7E or 0xA0 <= o <= 0xD7FF or 0xE000 <= o <= 0xFFFD and o != 0xFEFF
            or o >= 0x10000)


def apply_insertions(text: str, insertions: list[Insertion]) -> str:
    for ins in sorted(insertions, key=lambda i: i.offset, reverse=True):
        text = text[:ins.offset] + ins.text + text[ins.offset:]
    return text


_STARTS_CACHE: dict[int, tuple[str, list[int]]] = {}


def line_starts(text: str) -> list[int]:
    """Offsets of the first character of each line (1-based line n -> starts[n-1]).
    Cached for the last texts seen: one registry edit inserts into hundreds of entries."""
    hit = _STARTS_CACHE.get(id(text))
    if hit is not None and hit[0] is text:
        return hit[1]
    starts = _line_starts(text)
    if len(_STARTS_CACHE) > 8:
        _STARTS_CACHE.clear()
    _STARTS_CACHE[id(text)] = (text, starts)
    return starts


def _line_starts(text: str) -> list[int]:
    starts = [0]
    for m in re.finditer(r"\r\n|\n|\r", text):
        starts.append(m.end())
    return starts


def _line_text(text: str, starts: list[int], line: int) -> str:
    begin = starts[line - 1]
    end = starts[line] if line < len(starts) else len(text)
    return text[begin:end].rstrip("\r\n")


def _offset(text: str, starts: list[int], line: int, column: int) -> int:
    return starts[line - 1] + column - 1


def _after_line(text: str, starts: list[int], line: int, newline: str) -> tuple[int, str]:
    """Offset just past ``line``'s line break, and a prefix needed if the file ends
    without a final newline on that line."""
    if line < len(starts):
        return starts[line], ""
    return len(text), newline


def _block_indent(text: str, starts: list[int], line: int, column: int) -> str:
    prefix = _line_text(text, starts, line)[: column - 1]
    if prefix.strip(" -") != "":
        raise EditError(f"line {line} is not a block mapping entry; cannot insert a key next to it")
    return " " * len(prefix)


def _is_flow(doc: YamlDocument, keypath: tuple) -> bool:
    mark = doc.node_mark(*keypath)
    if mark is None:
        return False
    starts = line_starts(doc.text)
    return doc.text[_offset(doc.text, starts, mark.line, mark.column):][:1] == "{"


def insert_keys_after(doc: YamlDocument, mapping: tuple, after_key: str,
                      fields: list[tuple[str, str]]) -> Insertion:
    """Insert ``key: value`` lines right after the entry ``after_key`` of the mapping at
    ``mapping`` (a key path), with the same indentation."""
    text, starts, nl = doc.text, line_starts(doc.text), doc.newline
    key_mark = doc.key_mark(*mapping, after_key)
    end_mark = doc.node_end_marks.get((*mapping, after_key))
    if key_mark is None or end_mark is None:
        raise EditError(f"no {shown(after_key)} key to insert after")
    if _is_flow(doc, mapping):
        offset = _offset(text, starts, end_mark.line, end_mark.column)
        return Insertion(offset, "".join(f", {k}: {yaml_scalar(v)}" for k, v in fields))
    indent = _block_indent(text, starts, key_mark.line, key_mark.column)
    # A block scalar's end mark sits at the start of the following line.
    end_line = end_mark.line if end_mark.column > 1 or end_mark.line == key_mark.line else end_mark.line - 1
    offset, lead = _after_line(text, starts, end_line, nl)
    body = "".join(f"{indent}{k}: {yaml_scalar(v)}{nl}" for k, v in fields)
    if lead:  # file had no final newline: keep it that way
        body = lead + body[: -len(nl)]
    return Insertion(offset, body)


def insert_keys_before(doc: YamlDocument, mapping: tuple, before_key: str,
                       fields: list[tuple[str, str]]) -> Insertion:
    """Insert ``key: value`` lines immediately above the entry ``before_key``."""
    text, starts, nl = doc.text, line_starts(doc.text), doc.newline
    key_mark = doc.key_mark(*mapping, before_key)
    if key_mark is None:
        raise EditError(f"no {shown(before_key)} key to insert before")
    if _is_flow(doc, mapping):
        offset = _offset(text, starts, key_mark.line, key_mark.column)
        return Insertion(offset, "".join(f"{k}: {yaml_scalar(v)}, " for k, v in fields))
    prefix = _line_text(text, starts, key_mark.line)[: key_mark.column - 1]
    if prefix.strip(" ") != "":
        # "- pattern_id: ..." as the first key of a sequence item: insert after instead.
        raise EditError(f"{shown(before_key)} opens a sequence item; insert after it")
    offset = starts[key_mark.line - 1]
    return Insertion(offset, "".join(f"{prefix}{k}: {yaml_scalar(v)}{nl}" for k, v in fields))


def first_key(doc: YamlDocument, mapping: tuple = ()) -> str | None:
    data = doc.data
    for k in mapping:
        data = data[k]
    return next(iter(data), None) if isinstance(data, dict) else None


def render_bytes(doc: YamlDocument, new_text: str) -> bytes:
    return (b"\xef\xbb\xbf" if doc.has_bom else b"") + (new_text + doc.tail).encode("utf-8")
