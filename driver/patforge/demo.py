"""``patforge demo``: the bundled example registry, rendered and checked end to end."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

import click

from patforge.errors import UsageError
from patforge.gitutil import run_git


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


def run_demo(directory: Path, *, force: bool = False) -> int:
    from patforge.render import RenderOptions, render
    from patforge.reporting import print_render_report

    repo = copy_demo(directory, force=force)
    click.echo(f"demo repository: {repo} (a git repository with the plan's starting point)")
    status = 0
    for phase in (1, 2, 3, 4):
        from patforge.render_report import PHASE_TITLES

        _step(f"patforge render --phase {phase}   ({PHASE_TITLES[phase]})")
        report = render(repo, RenderOptions(phases=(phase,)))
        print_render_report(report)
        status |= int(report.failed)
    _step("patforge render   (again: a second run writes nothing)")
    report = render(repo, RenderOptions())
    print_render_report(report)
    status |= int(report.failed or not report.wrote_nothing)
    try:
        from patforge.check import CheckOptions, run_check
        from patforge.check.reporters import print_text_report
    except ImportError:  # the checker is not part of this build
        return status
    _step("patforge check")
    result = run_check(repo, CheckOptions())
    print_text_report(result)
    status |= int(result.exit_code != 0)
    click.echo(f"\nExplore it: cd {repo} && git status && patforge check")
    return status
