"""``patforge render`` as the command runs it (was the body of ``cli.render``): the option
rules, ``--failed`` (re-run the last render's failed units), ``--branch`` (render on a
new git branch, ``--commit``), then the render itself (``commands/render.py``).

Kept apart from ``commands/render.py`` because ``vcs/branch.py`` calls that module's
``render``: this one sits above both.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from patforge.errors import UsageError
from patforge.rendering import noop
from patforge.rendering.failed_units import FailedRecord, rerun_options
from patforge.rendering.options import RenderOptions
from patforge.rendering.report import RenderReport

if TYPE_CHECKING:
    from patforge.vcs.branch import BranchResult


@dataclass
class RenderRun:
    """What one ``patforge render`` did: its report, the branch it made, what --failed picked."""

    report: RenderReport | None  # None: --failed found nothing to re-run
    branch: "BranchResult | None" = None
    rerun: FailedRecord | None = None  # --failed: the last render's failed units

    @property
    def exit_code(self) -> int:
        if self.report is None:  # nothing re-run: fail only if the last render had errors no unit owns
            return 1 if self.rerun is not None and self.rerun.other_errors else 0
        return self.report.exit_code


def check_branch_options(branch: str | None, commit: bool, message: str | None) -> None:
    if (commit or message) and not branch:
        raise UsageError("--commit and --message need --branch NAME",
                         hint="patforge commits only on a branch it creates: add --branch NAME")
    if message and not commit:
        raise UsageError("--message needs --commit", hint="add --commit")


def run_render(repo: Path, options: RenderOptions, *, only_failed: bool = False, branch: str | None = None,
               commit: bool = False, message: str | None = None,
               announce: Callable[[FailedRecord], None] | None = None) -> RenderRun:
    """The render (on ``branch`` when given). ``only_failed``: only the last render's failed
    units (``announce`` is told which before the render starts; none: nothing runs)."""
    check_branch_options(branch, commit, message)
    rerun = None
    if only_failed:
        narrowed, rerun = rerun_options(repo, options)
        if narrowed is None:
            return RenderRun(None, None, rerun)
        options = narrowed
        if announce is not None:
            announce(rerun)
    if branch:
        # why: start-up time: loaded only for --branch, not when the module is imported
        from patforge.vcs.branch import render_on_branch

        result = render_on_branch(repo, options, branch, commit=commit, message=message)
        return RenderRun(result.report, result, rerun)
    # A no-op is answered before the render's modules (pipeline, kinds, Copier's
    # neighbours) are imported: they are most of a no-op's cost.
    report = noop.replay_run(repo, options)
    if report is None:
        # why: start-up time: loaded only when the render runs in full, not for a replayed no-op
        from patforge.commands.render import render

        report = render(repo, options, replay=False)
    return RenderRun(report, None, rerun)
