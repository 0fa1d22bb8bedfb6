"""The units the last render left failed, for ``render --failed`` (the plan's
"Re-run Failed Phase").

Every render that writes (not a dry run) records, in the state folder, the
(phase, kind, pattern) of each unit whose outcome was ``failed``, plus how many
errors were not tied to a unit (an unusable registry entry, a bad template source).
``render --failed`` renders exactly those units again and records its own result,
so a unit that now succeeds drops out of the list.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from dataclasses import replace

from patforge.transaction.atomic import atomic_write
from patforge.transaction.state import state_dir
from patforge.rendering.report import FAILED, PHASES
from patforge.errors import UsageError

if TYPE_CHECKING:
    from patforge.commands.render import RenderOptions, RenderReport

FILE = "failed-units.json"

UnitKey = tuple[int, str, str]  # (phase, kind, pattern)


@dataclass
class FailedRecord:
    units: list[UnitKey] = field(default_factory=list)
    other_errors: int = 0  # errors of the last run that no unit owns

    @property
    def patterns(self) -> set[str]:
        return {pattern for _phase, _kind, pattern in self.units}


def save(repo: Path, report: "RenderReport") -> None:
    units = sorted({(o.phase, o.kind, o.pattern) for o in report.outcomes if o.status == FAILED})
    owned = {o.pattern for o in report.outcomes if o.status == FAILED}
    other = sum(1 for d in report.diagnostics.errors if d.pattern not in owned)
    data = {"units": [list(u) for u in units], "other_errors": other}
    atomic_write(state_dir(repo) / FILE, json.dumps(data, indent=1).encode("utf-8"), durable=False)


def rerun_options(repo: Path, options: "RenderOptions") -> tuple["RenderOptions | None", FailedRecord]:
    """``options`` narrowed to the last render's failed units (and Phase 1, whose
    insertions those patterns may still lack); None when nothing failed."""

    if options.phases != PHASES or options.only or options.kinds:
        raise UsageError("--failed picks the units itself: it cannot be combined with --phase, --only or --kind")
    record = load(repo)
    if record is None:
        raise UsageError("no render has recorded its failed units in this repository yet",
                         hint="run patforge render; --failed then re-runs what failed in it")
    if not record.units:
        return None, record
    phases = tuple(sorted({1, *(phase for phase, _k, _n in record.units)}))
    return replace(options, phases=phases, unit_filter=frozenset(record.units)), record


def load(repo: Path) -> FailedRecord | None:
    """The last render's record; None when no render has recorded one."""
    # why: start-up time: loaded only when this function runs, not when the module is imported
    from patforge.repository.bounded import ContentError, read_json
    from patforge.errors import RepositoryError
    from patforge.transaction.state_shape import BadShape, listing, mapping, text, whole

    path = state_dir(repo) / FILE
    if not os.path.lexists(path):
        return None
    try:
        data = mapping(read_json(path, str(path)), FILE)
        units = []
        for i, unit in enumerate(listing(data["units"], "units")):
            phase, kind, name = listing(unit, f"units[{i}]")
            units.append((whole(phase, f"units[{i}]"), text(kind, f"units[{i}]"), text(name, f"units[{i}]")))
        return FailedRecord(units, whole(data.get("other_errors", 0), "other_errors"))
    except ContentError as exc:
        why = exc.message
    except (BadShape, KeyError, ValueError) as exc:  # ValueError: a unit that is not three values
        why = f"{path}: not the record patforge writes ({exc})"
    raise RepositoryError(f"the failed-units record is damaged: {why}",
                          hint="run patforge render (without --failed): it records the failed units again")
