"""Registry entries that cannot all be worked on (was part of ``repository/registry.py``):
two entries (or two fields of one) that would write the same file, and entries that
share a pattern_id, name or doc_id. Both are named in one diagnostic; the loader leaves
them out.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from patforge.diagnostics import DiagnosticList
from patforge.repository.entrypaths import matching_entry
from patforge.repository.layout import write_targets
from patforge.repository.yamlsrc import YamlDocument

if TYPE_CHECKING:
    from patforge.repository.registry import Pattern


def find_collisions(doc: YamlDocument, patterns: list[Pattern], diags: DiagnosticList) -> set[int]:
    """Two entries (or two fields of one entry) that would write the same file, compared
    case-folded (Windows and macOS file systems ignore case), or a file where another
    entry needs a folder. Both entries are named in one message and neither is worked on."""
    bad: set[int] = set()
    owners: dict[str, tuple[Pattern, str, str]] = {}
    folders: dict[str, tuple[Pattern, str, str]] = {}
    for p in patterns:
        for f, rel in write_targets(p):
            if f == "answers folder":
                continue  # names are compared case-folded with the duplicates
            key = rel.casefold()
            other = owners.get(key) or folders.get(key)
            if other is not None and not (other[0] is p and other[1] == f):
                _report_collision(doc, diags, (p, f, rel), other)
                bad.update({p.index, other[0].index})
                continue
            owners[key] = (p, f, rel)
            parts = key.split("/")
            for n in range(1, len(parts)):
                folders.setdefault("/".join(parts[:n]), (p, f, rel))
    # a file that another entry needs as a folder (or the reverse)
    for key, (p, f, rel) in owners.items():
        other = folders.get(key)
        if other is not None and other[0] is not p and (p.index not in bad or other[0].index not in bad):
            _report_collision(doc, diags, (p, f, rel), other)
            bad.update({p.index, other[0].index})
    return bad


def _report_collision(doc: YamlDocument, diags: DiagnosticList, this: tuple[Pattern, str, str],
                      other: tuple[Pattern, str, str]) -> None:
    (p, f, rel), (q, g, orel) = this, other
    mq = doc.mark("patterns", q.index)
    how = ("the same path" if rel == orel else
           "the same file on Windows and macOS (the paths differ only by letter case)"
           if rel.casefold() == orel.casefold() else "a path inside the other")
    whose = "its own" if p is q else f"{q.name}'s (entry #{q.index + 1}, line {mq.line if mq else '?'})"
    diags.add(doc.diag(
        f"{f} of {p.name} (entry #{p.index + 1}) and {whose} {g} are {how}: {rel} / {orel}",
        "patterns", p.index, f if f in p.entry else "name",
        hint="give each artifact its own path; patforge works on neither entry until then",
        code="path-collision", pattern=p.name))


def find_duplicates(doc: YamlDocument, entries: list[Any], diags: DiagnosticList, repo: Path,
                     losers: dict[int, int]) -> set[int]:
    """Duplicate pattern_id / name / doc_id: name both entries; neither is worked on --
    except entries sharing only a name where exactly one matches the spec (same
    pattern_id or doc_id): that one is worked on, the other is left untouched."""
    bad: set[int] = set()
    groups: dict[Any, list[int]] = {}
    for i, entry in enumerate(entries):
        if isinstance(entry, dict) and isinstance(entry.get("name"), str):
            groups.setdefault(entry["name"], []).append(i)
    for name, idx in groups.items():
        if len(idx) < 2:
            continue
        winner = matching_entry(repo, entries, idx)
        if winner is None:
            continue
        wm = doc.mark("patterns", winner)
        for i in idx:
            if i == winner:
                continue
            losers[i] = winner
            diags.add(doc.diag(
                f"duplicate name {name!r}: entry #{winner + 1} (line {wm.line if wm else '?'}) matches the "
                f"spec (same pattern_id/doc_id), entry #{i + 1} does not; #{winner + 1} is rendered, "
                f"#{i + 1} is left untouched", "patterns", i, "name",
                hint=f"remove entry #{i + 1} (or give it its own name and spec)",
                code="duplicate-name-resolved", pattern=name))
            bad.add(i)
    for key in ("pattern_id", "name", "doc_id"):
        first: dict[Any, int] = {}
        for i, entry in enumerate(entries):
            if not isinstance(entry, dict) or entry.get(key) in (None, ""):
                continue
            value = entry[key]
            try:
                hash(value)
            except TypeError:
                continue
            if i in losers:
                continue  # left untouched, reported above
            if key == "name" and isinstance(value, str):
                value = value.casefold()  # names become folder names: Alpha and alpha collide
            if value in first:
                j = first[value]
                mj = doc.mark("patterns", j, key)
                names = [entries[k].get("name") if isinstance(entries[k].get("name"), str) else "?" for k in (j, i)]
                diags.add(doc.diag(
                    f"duplicate {key} {value!r}: entries #{j + 1} (line {mj.line if mj else '?'}, {names[0]}) "
                    f"and #{i + 1} ({names[1]})", "patterns", i, key,
                    hint=f"give each entry its own {key}; patforge skips both until then",
                    code=f"duplicate-{key.replace('_', '-')}", pattern=str(value)))
                bad.update({i, j})
            else:
                first[value] = i
    return bad
