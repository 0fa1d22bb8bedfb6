"""What a render run is asked to do (``RenderOptions``): kept apart from the render
itself (``commands/render.py``) so that the command line and the no-op fast path
(``noop.py``) read it without importing the pipeline, the kinds and Copier's
neighbours (a no-op render must cost about 1 % of a full one)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from patforge.rendering.report import PHASES


@dataclass
class RenderOptions:
    phases: tuple[int, ...] = PHASES
    only: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    template: str | None = None
    vcs_ref: str | None = None
    jobs: int = 0
    batch_size: int = 0
    dry_run: bool = False
    all_or_nothing: bool = False  # the whole run is one transaction
    keep_diffs: bool = False  # keep every change's bytes so callers can show diffs
    progress: Callable[[str, int, int], None] | None = None  # (label, done, total)
    exclude: tuple[str, ...] = ()  # patterns left out (e.g. check --fix holds a conflicting one)
    create_mapping: bool = True  # write doc_id_mapping.json when missing (check --fix only syncs one)
    # render --failed: only these (phase, kind, pattern) units (failed_units.py); None: all
    unit_filter: frozenset[tuple[int, str, str]] | None = None
