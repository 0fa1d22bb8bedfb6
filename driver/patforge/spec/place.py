"""Where a pattern's spec is, when the registry does not say it right (issue 22).

* ``spec_path`` names a file that does not exist, and exactly one file is found by its
  file name or by the pattern_id it names (``entrypaths.SpecFinder``): the spec is read
  there and the suite rendered; one note per run says where each was found, and
  ``patforge doctor --fix`` moves it back (``git mv``) when spec_path is the compliant
  place (check's PAT-CHECK-001-020 keeps failing until then: spec_path is the
  registry's word, and it is never rewritten behind the user's back).
* No ``spec_path`` at all: the one spec naming the entry's pattern_id is used, with a
  note; render records the path by pure insertion.

Several candidates, or none: an error naming them; a person chooses.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from patforge.diagnostics import Diagnostic, error
from patforge.repository.entrypaths import SpecFinder, compliant_spec_path

if TYPE_CHECKING:
    from patforge.repository.registry import Pattern, Registry

_SHOWN = 6


def finder_for(registry: "Registry") -> SpecFinder:
    """The registry's spec finder (built once, on first use)."""
    found = registry.__dict__.get("_spec_finder")
    if found is None:
        found = registry.__dict__["_spec_finder"] = SpecFinder.for_repo(registry.repo, registry.roots)
    return found


def spec_elsewhere(registry: "Registry", pat: "Pattern") -> tuple[str | None, Diagnostic | None]:
    """(the one file the missing spec is, None) or (None, the error naming the candidates
    -- None when there are none)."""
    found = finder_for(registry).moved(pat.spec_path, pat.name, pat.pattern_id)
    if len(found) == 1:
        return found[0], None
    if not found:
        return None, None
    m = registry.doc.mark("patterns", pat.index, "spec_path")
    return None, error(f"spec_path {pat.spec_path} does not exist; found {len(found)} candidates: "
                       f"{', '.join(found)}", path=registry.path, line=m.line if m else None,
                       code="spec-moved", pattern=pat.name, hint="set spec_path to the right one by hand")


def move_back_hint(spec_path: str, found: str, name: str) -> str:
    """The one fix for a spec read where it is."""
    if compliant_spec_path(spec_path, name):
        return f"`patforge doctor --fix` moves it back: git mv {found} {spec_path}"
    return f"`patforge doctor --fix` repoints spec_path to {found}"


def found_note(registry: "Registry") -> str | None:
    """One note for every spec read where it is (render, check, status say it once)."""
    found: dict[str, str] = registry.__dict__.get("spec_found") or {}
    if not found:
        return None
    names = sorted(found)
    shown = ", ".join(f"{n} ({found[n]})" for n in names[:_SHOWN])
    more = f" and {len(names) - _SHOWN} more" if len(names) > _SHOWN else ""
    return (f"{len(names)} spec(s) are not at their spec_path and are read where it is: {shown}{more}; "
            "`patforge doctor --fix` moves them back (git mv)")


def unregistered_spec(finder: SpecFinder, entry: dict[str, Any], taken: set[str]) -> list[str]:
    """Specs naming the pattern_id of an entry that has no spec_path (none any entry names)."""
    pid = entry.get("pattern_id")
    return finder.unregistered(pid, taken) if isinstance(pid, str) and pid else []


def unregistered_note(patterns: list["Pattern"]) -> str | None:
    """One note for every entry without spec_path that uses the one spec naming its pattern_id."""
    chosen = [p for p in patterns if "spec_path" in p.derived]
    if not chosen:
        return None
    shown = ", ".join(f"{p.name} ({p.derived['spec_path']})" for p in chosen[:_SHOWN])
    more = f" and {len(chosen) - _SHOWN} more" if len(chosen) > _SHOWN else ""
    return (f"{len(chosen)} registry entries without spec_path use the one spec naming their pattern_id: {shown}{more}; "
            "render records spec_path")


__all__ = ["finder_for", "found_note", "move_back_hint", "spec_elsewhere", "unregistered_note",
           "unregistered_spec"]
