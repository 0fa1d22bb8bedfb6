"""``doc_id_mapping.json``: the plan's step 1.1 output, ``{pattern_id: doc_id}``.

It lives next to the registry (``patterns/registry/doc_id_mapping.json``). Render
writes it in Phase 1; ``check`` (rule PATFORGE-DOC-ID-MAPPING) compares it with the
registry. A repository may already have one (the real-registries work reads doc_ids
from it): then it is an *input*, and render keeps it in sync by pure edits only —
missing keys are inserted as text, every existing byte stays, and a key whose value
disagrees with the registry is reported, never rewritten (the same rule as
``check --fix``: a wrong doc_id is a person's decision).

Only a flat JSON object of strings is edited; any other shape is left alone and
reported.
"""

from __future__ import annotations

import json
import posixpath
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from patforge.diagnostics import warning

from patforge.validation.messages import json_error_text, shown
from patforge.repository.bounded import ContentError, check_nesting

if TYPE_CHECKING:
    from patforge.repository.registry import Pattern, Registry
    from patforge.rendering.report import RenderReport
    from patforge.transaction.workspace import Workspace

MAPPING_NAME = "doc_id_mapping.json"


def mapping_path(registry_path: str) -> str:
    """The mapping file in the registry's folder (forward slashes, repository-relative)."""
    return posixpath.join(posixpath.dirname(registry_path), MAPPING_NAME)


def render_mapping(mapping: dict[str, str]) -> bytes:
    """The file patforge writes when there is none: sorted keys, 2-space indent, LF."""
    return (json.dumps(dict(sorted(mapping.items())), indent=2, ensure_ascii=False) + "\n").encode("utf-8")


@dataclass(frozen=True)
class Member:
    key: str
    value: object
    key_start: int  # character offset of the key's opening quote
    key_end: int  # just after the key's closing quote
    value_start: int
    value_end: int  # just after the value
    line: int  # 1-based line of the key


class MappingShapeError(ValueError):
    """The file is not one flat JSON object (``str(exc)`` says what it is instead)."""


def parse_members(text: str) -> list[Member]:
    """The top-level object's members with their positions; raises ``MappingShapeError``
    (not JSON, not an object) — values may be anything, callers judge them."""
    decoder = json.JSONDecoder()
    try:
        check_nesting(text.encode("utf-8", "surrogatepass"), "the file")
        json.loads(text)
    except ContentError as exc:
        raise MappingShapeError(exc.message.removeprefix("the file: ")) from None
    except (ValueError, RecursionError) as exc:
        raise MappingShapeError(f"not valid JSON: {json_error_text(exc)}") from None
    i = _skip_ws(text, 1 if text.startswith("\ufeff") else 0)
    if i >= len(text) or text[i] != "{":
        raise MappingShapeError("not a JSON object ({pattern_id: doc_id, ...})")
    members: list[Member] = []
    i = _skip_ws(text, i + 1)
    line, counted = 1, 0  # lines counted as the members go: once over the text, not once a member
    while text[i] != "}":
        key_start = i
        key, key_end = json.decoder.scanstring(text, i + 1)
        value_start = _skip_ws(text, _skip_ws(text, key_end) + 1)  # past ':'
        value, end = decoder.raw_decode(text, value_start)
        line += text.count("\n", counted, key_start)
        counted = key_start
        members.append(Member(key, value, key_start, key_end, value_start, end, line))
        i = _skip_ws(text, end)
        if text[i] == ",":
            i = _skip_ws(text, i + 1)
    return members


def _skip_ws(text: str, i: int) -> int:
    while i < len(text) and text[i] in " \t\r\n":
        i += 1
    return i


@dataclass
class MappingSync:
    """What render does to the file: ``data`` is the new content (None: leave as is)."""

    data: bytes | None = None
    added: list[str] = field(default_factory=list)
    disagree: list[tuple[str, object, str]] = field(default_factory=list)  # (pattern_id, file, registry)
    problem: str | None = None  # the file cannot be edited (shape, encoding)
    rows: bool = False  # another shape patforge reads doc_ids from (rows under a key): left as it is


def is_rows(members: list[Member]) -> bool:
    """Whether the object is not flat ``{pattern_id: doc_id}`` but rows under a key
    (``{"mappings": [{pattern_id, doc_id}, ...]}``): an input, read, never edited."""
    return any(not isinstance(m.value, str) for m in members)


def sync_mapping(existing: bytes | None, wanted: dict[str, str]) -> MappingSync:
    """Bring ``existing`` (None: no file) in line with ``wanted`` by inserting keys."""
    if existing is None:
        return MappingSync(render_mapping(wanted) if wanted else None, sorted(wanted))
    try:
        text = existing.decode("utf-8")
        members = parse_members(text)
    except UnicodeDecodeError:
        return MappingSync(problem="not UTF-8 text")
    except MappingShapeError as exc:
        return MappingSync(problem=str(exc))
    if is_rows(members):
        return MappingSync(rows=True)
    have = {m.key: m.value for m in members}
    sync = MappingSync(disagree=[(k, have[k], v) for k, v in sorted(wanted.items())
                                 if k in have and have[k] != v])
    missing = sorted(k for k in wanted if k not in have)
    if not missing:
        return sync
    if not members:  # "{}" or blank: nothing of the user's to keep but the braces
        sync.data, sync.added = render_mapping({k: wanted[k] for k in missing}), missing
        return sync
    sync.data = _insert(text, members, {k: wanted[k] for k in missing}).encode("utf-8")
    sync.added = missing
    return sync


def _insert(text: str, members: list[Member], new: dict[str, str]) -> str:
    """Insert ``new`` members as text: in key order when the file's keys are sorted
    (each before the first greater key), else -- and for keys greater than every
    key -- before the last member, so that no existing line changes (appending after
    the last member would add a comma to its line); the separator (newline and
    indent, or a space) is copied from the file."""
    first = members[0]
    if len(members) > 1:
        second = members[1]
        sep = text[_after_comma(text, first.value_end):second.key_start]
    else:
        brace = text.rfind("{", 0, first.key_start)
        sep = text[brace + 1:first.key_start] or " "
    colon = text[first.key_end:first.value_start]  # ": " or ":" as the file writes it

    def member(k: str) -> str:
        return json.dumps(k, ensure_ascii=False) + colon + json.dumps(new[k], ensure_ascii=False)

    keys = [m.key for m in members]
    ordered = keys == sorted(keys)
    inserts: dict[int, str] = {}  # offset -> text, applied from the end
    tail: list[str] = []
    for k in sorted(new):
        before = next((m for m in members if m.key > k), None) if ordered else None
        if before is None:
            tail.append(k)
        else:
            inserts[before.key_start] = inserts.get(before.key_start, "") + member(k) + "," + sep
    if tail:
        last = members[-1].key_start
        inserts[last] = inserts.get(last, "") + "".join(member(k) + "," + sep for k in tail)
    for offset in sorted(inserts, reverse=True):
        text = text[:offset] + inserts[offset] + text[offset:]
    return text


def _after_comma(text: str, i: int) -> int:
    i = _skip_ws(text, i)
    return i + 1 if i < len(text) and text[i] == "," else i


def render_step(ws: "Workspace", registry: "Registry", report: "RenderReport", patterns: list["Pattern"], *,
                create: bool = True) -> None:
    """Phase 1's step (also ``new``'s): write the mapping for ``patterns`` when missing
    (``create``), else insert their missing keys; landed through the workspace's
    journal like every other write."""
    # why: start-up time: loaded only when render_step() runs, not when the module is imported
    from patforge.rendering.report import FAILED, GENERATED, SKIPPED, UPDATED

    failed = {o.pattern for o in report.outcomes if o.kind == "registry" and o.status == FAILED}
    wanted = {p.pattern_id: registry.doc_id_for(p) for p in patterns if p.name not in failed}
    rel = mapping_path(registry.path)
    if not create and not ws.exists(rel):
        return
    sync = sync_mapping(ws.read_bytes(rel), wanted)
    for pid, have, want in sync.disagree:
        report.diagnostics.add(warning(
            f"{rel}: {pid} maps to {shown(have)}, the registry says {want}; left as it is",
            path=rel, code="doc-id-mapping",
            hint="correct the value (or the registry) by hand; `patforge check` reports it"))
    if sync.problem:
        report.diagnostics.add(warning(f"{rel} is {sync.problem}; not updated", path=rel, code="doc-id-mapping",
                                       hint="make it one JSON object {pattern_id: doc_id} or delete it "
                                            "(render writes it again)"))
        report.outcome(1, "mapping", "(repository)", FAILED, [rel], sync.problem)
        return
    if sync.data is None:
        if wanted:
            report.outcome(1, "mapping", "(repository)", SKIPPED, [rel])
        return
    new = ws.read_bytes(rel) is None
    ws.stage(rel, sync.data, "doc_id mapping")
    report.changes += ws.land([rel])
    report.outcome(1, "mapping", "(repository)", GENERATED if new else UPDATED, [rel],
                   f"{len(sync.added)} pattern_id(s) {'written' if new else 'added'}")
