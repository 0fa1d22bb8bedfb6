"""``patforge demo``: the bundled example registry, rendered and checked end to end."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

import click

from patforge.errors import UsageError
from patforge.vcs.git import run_git
from patforge.check import CheckOptions, run_check
from patforge.check.reporters import print_text_report


def demo_source() -> Path:
    return Path(str(resources.files("patforge") / "data" / "demo"))


def copy_demo(directory: Path, *, force: bool = False, git: bool = True) -> Path:
    """Copy the demo registry into ``directory`` and commit it as the starting point."""
    directory = directory.resolve()
    if directory.exists() and any(directory.iterdir()):
        if not force:
            raise UsageError(f"{directory} already exists and is not empty",
                             hint="pass another folder, or --force to replace it")
        shutil.rmtree(directory)
    shutil.copytree(demo_source(), directory, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("__pycache__"))
    if git:
        run_git(directory, "init", "-q", "-b", "main")
        run_git(directory, "add", "-A")
        run_git(directory, "-c", "user.name=patforge demo", "-c", "user.email=demo@patforge.invalid",
                "commit", "-q", "-m", "demo: the starting point (24 patterns, no doc_ids)")
    return directory


def _step(title: str) -> None:
    click.echo(click.style(f"\n==> {title}", bold=True))


#: The demo's last words: three commands that each show something on the demo
#: repository as it is when the demo ends (tests/test_demo.py runs them).
NEXT_STEPS = (
    ("patforge check --rule 031", "the one SHOULD warning left, and what to do about it"),
    ('patforge new file_sync --category "file ops" --dry-run',
     "what a new pattern gets (registry entry and spec), as a diff; drop --dry-run to write it"),
    ("patforge rollback --dry-run -v", "every file the demo's render wrote (all four phases), which "
                                       "`patforge rollback` would undo (the plan's Restore from Backup)"),
)


def run_demo(directory: Path, *, force: bool = False, copy_only: bool = False) -> int:
    # why: start-up time: loaded only when run_demo() runs, not when the module is imported
    from patforge.commands.render import RenderOptions, render
    from patforge.rendering.report import PHASE_TITLES, PHASES
    from patforge.reports.render_text import print_render_report

    repo = copy_demo(directory, force=force)
    click.echo(f"demo repository: {repo} (a git repository with the plan's starting point)")
    if copy_only:
        click.echo(f"nothing rendered yet. Next: cd {repo} && patforge render --phase 1 --dry-run")
        return 0
    # why: start-up time: loaded only when the demo renders
    from patforge.transaction.rollback import recording

    status = 0
    written: set[str] = set()  # distinct paths: phases 2 and 3 edit the registry again
    said: set[str] = set()  # the demo is one run: each note (the doc_id rule...) is said once
    # One rollback record for the whole demo, so the ending's `patforge rollback` undoes
    # everything the demo wrote (each phase's render joins this record).
    with recording(repo, "demo"):
        for phase in PHASES:
            _step(f"patforge render --phase {phase}   ({PHASE_TITLES[phase]})")
            report = render(repo, RenderOptions(phases=(phase,)))
            _say_once(report.notes, said)
            print_render_report(report)
            status |= int(report.failed)
            written |= {c.path for c in report.changes}
        _step("patforge render   (again: a second run writes nothing)")
        report = render(repo, RenderOptions())
        _say_once(report.notes, said)
        print_render_report(report)
        status |= int(report.failed or not report.wrote_nothing)
    _step("patforge check")
    result = run_check(repo, CheckOptions())
    _say_once(result.notes, said)
    print_text_report(result)
    status |= int(result.exit_code != 0)
    print_ending(repo, len(written))
    return status


def _say_once(notes: list[str], said: set[str]) -> None:
    """Drop from ``notes`` (in place) what an earlier step of the demo already said."""
    notes[:] = [n for n in notes if n not in said]
    said.update(notes)


def print_ending(repo: Path, written: int) -> None:
    _step("done")
    click.echo(f"patforge wrote {written} file(s) in {repo}. They are NOT committed: review them with "
               "`git status` and `git diff`, then commit them yourself (or undo all of them with "
               "`patforge rollback`).")
    click.echo(f"\nNext, try these in the demo repository (cd {repo}):")
    width = max(len(cmd) for cmd, _ in NEXT_STEPS)
    for i, (cmd, what) in enumerate(NEXT_STEPS, 1):
        click.echo(f"  {i}. {cmd:<{width}}   # {what}")
