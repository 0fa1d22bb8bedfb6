"""The one classification of a render unit (pattern × kind): what it is and what render
would do with it. ``render`` acts on it (``Renderer.classify``) and ``status`` reports
it; there is no second copy of these rules.

States, checked in this order:

* ``hand-written``: no answers file, but its files exist: a person wrote them
  (render leaves them; check judges them);
* ``missing``: no answers file and no files (never rendered: render renders it), or
  managed and some of its files deleted (render restores them);
* ``blocked``: the answers file is not readable, or the unit cannot be built (no
  parseable spec, unknown executor language): the reason;
* ``outdated``: rendered from an older template version than the newest: which, and
  the newest (``patforge update``);
* ``stale``: same template version, but its inputs changed since it was rendered:
  which (registry entry, spec, schema, repository settings, patforge version)
  (``patforge update --registry``);
* ``modified``: its files differ from what patforge wrote (hand edits, found by the
  output hashes, ``outputs.py``); ``patforge diff`` shows them;
* ``current``: none of the above.

A unit whose files are missing *and* whose template or inputs moved is reported as
``outdated`` / ``stale`` (update comes first, as render has always done).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import yaml

from patforge import kinds
from patforge.rendering.answers import AnswersError, parse_answers, same_answers
from patforge.repository.bounded import ContentError
from patforge.rendering.output_hashes import hashes_path, modified_files, parse_manifest

CURRENT, OUTDATED, STALE, MISSING, MODIFIED, HAND_WRITTEN, BLOCKED = (
    "current", "outdated", "stale", "missing", "modified", "hand-written", "blocked")
STATES = (CURRENT, OUTDATED, STALE, MISSING, MODIFIED, HAND_WRITTEN, BLOCKED)
#: States that do not lag: `status` exits 0 when every unit is in one of these.
AT_REST = (CURRENT, HAND_WRITTEN)
# What render does with a unit in a state.
RENDER, RESTORE, LEAVE = "render", "restore", "leave"
#: A missing file of an outdated or stale unit: missing beats outdated, so render restores
#: it exactly as its answers file records it; the state stays outdated/stale.
RESTORE_OUTDATED = "restore-outdated"

_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
#: Answer keys that come from the registry entry; the rest come from the spec (or, for
#: examples, from the schema they must satisfy).
_ENTRY_KEYS = {"name", "pattern_id", "doc_id", "answers_file", "example_files"}


@dataclass
class UnitState:
    state: str
    detail: str = ""
    action: str = LEAVE  # what render does: render, restore, or leave it
    recorded: str | None = None  # the template version it was rendered from
    newest: str | None = None  # the template version render would use
    inputs: tuple[str, ...] = ()  # stale: which inputs changed
    files: tuple[str, ...] = ()  # missing / modified / hand-written: which files

    @property
    def lags(self) -> bool:
        return self.state not in AT_REST


def blocked(reason: str) -> UnitState:
    return UnitState(BLOCKED, reason)


def deleted_files(state: UnitState) -> tuple[str, ...]:
    """The files a rendered unit lost (render restores them): a managed unit's missing
    files, also when it is outdated or stale; none for a unit never rendered."""
    if state.state in (OUTDATED, STALE) or (state.state == MISSING and state.action == RESTORE):
        return state.files
    return ()


def hand_written(existing: list[str], ref: str | None) -> UnitState:
    return UnitState(HAND_WRITTEN, "exists and was not rendered by patforge: " + ", ".join(existing),
                     files=tuple(existing), newest=ref)


def _input_of(kind: str, key: str) -> str:
    if key in ("compiler", "generator"):
        return "patforge version"  # the schema compiler / instance generator changed
    k = kinds.by_name(kind) if kind in kinds.names() else None
    if k is not None and k.scope == kinds.REPOSITORY:
        return "repository settings"
    if key in _ENTRY_KEYS or key.endswith(("_path", "_dir", "_file", "_files")):
        return "registry entry"
    return k.derived_from if k is not None and k.derived_from else "registry entry"


def changed_inputs(kind: str, recorded: dict[str, Any], answers: dict[str, Any]) -> tuple[str, ...]:
    """Which inputs differ between the recorded answers and today's ('' when none)."""
    if same_answers(recorded, answers):
        return ()
    # why: start-up time: loaded only when changed_inputs() runs, not when the module is imported
    from patforge.rendering.copier_speedups import nice_yaml as to_nice_yaml  # what answers.jinja writes with

    # PyYAML does not round-trip every character (a raw U+0085 comes back as a space):
    # name the keys that differ from today's answers as they read back from a file.
    again = yaml.load(to_nice_yaml(answers), Loader=_FAST_LOADER)
    keys = sorted({k for k in set(recorded) | set(again) if recorded.get(k) != again.get(k)})
    return tuple(sorted({_input_of(kind, k) for k in keys}))


def classify_unit(unit: Any, files: Any, ref: str, *, edits: bool = False,
                  read_bytes: Callable[[str], bytes | None] | None = None) -> UnitState:
    """The state of ``unit`` (a ``units.Unit``) in the repository as ``files`` (a
    ``Workspace``) sees it, against template version ``ref``. ``edits``: also look for
    hand edits (reads every managed file; render does not need it)."""
    raw = files.read_bytes(unit.answers_file)
    if raw is None:
        existing = [f for f in unit.files if files.exists(f)]
        if existing:
            return hand_written(existing, ref)
        return UnitState(MISSING, "not rendered yet", RENDER, newest=ref, files=tuple(unit.files))
    try:  # the bounded loader (alias bombs, not UTF-8, wrong shape: answers.py)
        parsed = parse_answers(raw, unit.answers_file)
    except AnswersError as exc:
        return blocked(f"{exc}; the answers file is not usable: restore it from git (git checkout -- <file>)")
    recorded, recorded_unit = parsed.commit or None, parsed.unit
    missing = [f for f in unit.files if not files.exists(f)]
    # missing beats outdated: a deleted file is restored at the version it was rendered from
    lag = RESTORE_OUTDATED if missing else LEAVE
    restored = f"restored missing {', '.join(missing)} at {recorded}; " if missing else ""
    if recorded != ref:
        return UnitState(OUTDATED, f"{restored}rendered from template {recorded}, now {ref}: run `patforge update`",
                         lag, recorded=recorded, newest=ref, files=tuple(missing))
    inputs = changed_inputs(unit.kind, recorded_unit, unit.answers)
    if inputs:
        return UnitState(STALE, f"{restored}{', '.join(inputs)} changed since it was rendered: run "
                         "`patforge update --registry`", lag, recorded=recorded, newest=ref, inputs=inputs,
                         files=tuple(missing))
    if missing:
        return UnitState(MISSING, "missing: " + ", ".join(missing), RESTORE, recorded=recorded, newest=ref,
                         files=tuple(missing))
    if edits:
        return current_or_modified(unit.answers_file, files, recorded, ref, read_bytes or files.read_bytes)
    return UnitState(CURRENT, recorded=recorded, newest=ref)


def current_or_modified(answers_file: str, files: Any, recorded: str | None, ref: str | None,
                        read_bytes: Callable[[str], bytes | None], known: Callable[[str], str | None] | None = None
                        ) -> UnitState:
    """The state of a rendered unit that is neither outdated, stale nor missing: modified
    when a file differs from the output hashes next to its answers file, else current.
    ``known``: a file's SHA-256 without reading it, when known (``outputs.modified_files``).
    A damaged hashes list blocks the unit, naming the list (state is checked before use)."""
    hashes_rel = hashes_path(answers_file)
    try:
        hashes = parse_manifest(files.read_text(hashes_rel), hashes_rel)
    except (ContentError, UnicodeDecodeError) as exc:
        why = exc.message if isinstance(exc, ContentError) else f"{hashes_rel}: not UTF-8 text"
        return blocked(f"{why}: the output hashes are not usable; restore the file from git "
                       f"(git checkout -- {hashes_rel}) or delete it")
    if hashes is None:
        return UnitState(CURRENT, "no output hashes recorded (rendered by an older patforge): hand edits "
                         "cannot be told; `patforge diff` shows them", recorded=recorded, newest=ref)
    edited = modified_files(hashes, read_bytes, known)
    if edited:
        return UnitState(MODIFIED, "edited since it was rendered: " + ", ".join(edited)
                         + " (`patforge diff` shows how)", recorded=recorded, newest=ref, files=tuple(edited))
    return UnitState(CURRENT, recorded=recorded, newest=ref)
