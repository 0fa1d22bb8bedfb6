"""Recorded answers are checked against the unit's layout before Copier sees them.

An answers file (``.patforge/answers/<pattern>/<kind>.yml``) is repository content: a
pull request can change it. Copier renders a unit's files at the paths its answers
name, and ``copier update`` deletes what the old answers' render had and the new
one lacks -- so an answers file that says ``py_path: NOTES.py`` makes an update
render the executor over NOTES.py, then delete it. ``update`` and ``diff`` therefore
build each unit again from the registry with its kind (the layout patforge would use
today) and refuse a unit whose recorded answers name any *written* path differently:
a file the unit writes, a folder it writes into, the file-name slot of a language
it does not use, the output hashes' keys, or its own answers file. Paths the unit
only refers to (the executor's ``spec_path``) may differ: that is the registry data
``update --registry`` brings.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, Protocol, TypeVar

from patforge import kinds
from patforge.diagnostics import DiagnosticList, error, warning
from patforge.kinds.base import Unit
from patforge.transaction.workspace import Workspace

#: What to do about a refused unit (shown with every refusal).
LAYOUT_HINT = ("restore the answers file from git (git checkout -- <file>); if the registry moved this "
               "pattern's files on purpose, run `patforge render`, which renders the unit at its new paths")


class Recorded(Protocol):
    """What update and diff know of one managed unit (``update.ManagedUnit``)."""

    answers_file: str
    kind: str
    pattern: str
    answers: dict[str, Any]


def is_path_key(key: str) -> bool:
    return key == "answers_file" or key.endswith(("_path", "_dir"))


def _written(value: Any, files: list[str]) -> bool:
    """Whether a path value of the rebuilt unit is one it writes (or an unused slot)."""
    if value in (None, ""):
        return True  # an empty slot (py_path of a PowerShell executor): never a file
    return isinstance(value, str) and (value in files or any(f.startswith(value + "/") for f in files))


def layout_problem(rec: Recorded, unit: Unit) -> str | None:
    """Why ``rec``'s answers do not match the unit its kind builds today, or None."""
    answers = rec.answers
    if answers.get("answers_file") != rec.answers_file:
        return (f"{rec.answers_file} records answers_file {_show(answers.get('answers_file'))}, "
                "not its own path")
    if str(answers.get("name", unit.pattern)) != unit.pattern and unit.pattern != "(repository)":
        return f"{rec.answers_file} records name {_show(answers.get('name'))}, not {unit.pattern}"
    expected = unit.answers
    for key in sorted(k for k in set(answers) | set(expected) if is_path_key(k)):
        want, got = expected.get(key) or None, answers.get(key) or None  # "" and absent: no file
        if got != want and _written(want, unit.files):
            wants = "no file there" if want is None else _show(want)
            return (f"{rec.answers_file} records {key} {_show(got)}, but the {rec.kind} kind writes "
                    f"{wants} for {rec.pattern}")
    recorded_hashes = answers.get("derived_sha256")
    if recorded_hashes is not None:
        keys = sorted(recorded_hashes) if isinstance(recorded_hashes, dict) else None
        want_keys = sorted(unit.derived)  # the files whose hashes are recorded (Unit.derived_sha256)
        if keys != want_keys:
            return (f"{rec.answers_file} records output hashes for {_show(keys)}, but the {rec.kind} kind "
                    f"computes {_show(want_keys)} for {rec.pattern}")
    return None


def _show(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, str):
        return f'"{value}"' if value else '""'
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "no file"
    return str(value)


def rebuild(repo: Path, units: Iterable[Recorded], diags: DiagnosticList, *, layout_only: bool = False
            ) -> tuple[dict[str, Unit | None], list[Any]]:
    """Each unit as its kind builds it from the registry now (None: it cannot be built,
    e.g. the pattern left the registry; a warning says so), and the registry's own
    diagnostics. ``layout_only``: paths only, the derived output named but not computed
    (``Kind.layout_unit``: no schema compiled, no instance generated)."""
    # why: start-up time: the registry is read only when answers are rebuilt
    from patforge.docids.existing import reuse_existing_ids
    from patforge.repository.registry import load_registry

    registry = load_registry(repo)
    reuse_existing_ids(registry)  # doc_ids the repository already gives win over minting, as render
    ws = Workspace(repo, dry_run=True)
    out: dict[str, Unit | None] = {}
    for rec in units:
        out[rec.answers_file] = None
        try:
            kind = kinds.by_name(rec.kind)
        except KeyError:
            diags.add(warning(f"{rec.answers_file}: kind {rec.kind} is not known to this patforge; left as it is",
                              path=rec.answers_file))
            continue
        p = None
        if kind.scope != kinds.REPOSITORY:
            p = registry.by_name(rec.pattern)
            if p is None:
                diags.add(warning(f"{rec.answers_file}: pattern {rec.pattern} is no longer usable in the "
                                  "registry; its files are left as they are", pattern=rec.pattern,
                                  path=rec.answers_file))
                continue
        ctx = kinds.BuildContext(registry, ws, diags, 0, registry.patterns)
        out[rec.answers_file] = kind.layout_unit(ctx, p) if layout_only else kind.build(ctx, p)
    return out, registry.diagnostics


R = TypeVar("R", bound=Recorded)


def check_units(repo: Path, units: list[R], diags: DiagnosticList, *, registry_data: bool = False
                ) -> list[tuple[R, Unit]]:
    """The units whose recorded answers match their layout, each with the unit built
    today; every other unit gets an error (tampered layout) or a warning (it cannot be
    built, so it cannot be checked) and is left alone. ``registry_data``: the caller
    uses the rebuilt answers (``update --registry``), so the registry's and the build's
    diagnostics are the caller's too; otherwise they only explain a unit left alone, and
    the units are built for their layout only (nothing compiled or generated: the paths
    are what is judged)."""
    scratch = diags if registry_data else DiagnosticList()
    built, registry_diags = rebuild(repo, units, scratch, layout_only=not registry_data)
    if registry_data:
        diags.extend(registry_diags)
    kept: list[tuple[R, Unit]] = []
    for rec in units:
        unit = built.get(rec.answers_file)
        if unit is None:
            if not registry_data:
                why = next((d.message for d in scratch if d.pattern == rec.pattern or d.path == rec.answers_file),
                           "it cannot be built from the registry")
                diags.add(warning(f"{rec.answers_file}: left as it is: its answers cannot be checked against "
                                  f"its layout ({why})", path=rec.answers_file, pattern=rec.pattern))
            continue
        problem = layout_problem(rec, unit)
        if problem:
            diags.add(error(problem, path=rec.answers_file, pattern=rec.pattern, code="answers-layout",
                            hint=LAYOUT_HINT))
            continue
        kept.append((rec, unit))
    return kept
