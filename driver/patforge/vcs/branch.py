"""The plan's git workflow, opt-in: ``render --branch NAME [--commit] [--message MSG]``.

The plan renders on a feature branch and commits there ("Checkpoint Git State: all
changes in feature branch"; "git commit -m 'feat: auto-generate pattern framework
files'"). patforge never does this unless asked:

1. refuse unless the working tree is clean (the commit must hold only the render);
2. refuse if NAME exists; create NAME from HEAD and switch to it;
3. render there (the same ``render`` as always);
4. with ``--commit`` and a run without failures: ``git add -A`` and ONE commit, the
   default message the plan's, with a body counting the files per phase and kind.

The original branch gets no commit and no change. Afterwards you are *on NAME*, as
in the plan's workflow (``git switch -`` goes back). On failure nothing is committed
and you stay on NAME with whatever the run wrote, for inspection; its name is printed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from patforge.errors import GitError, PatforgeError, UsageError
from patforge.vcs.git import is_git_repo, require_clean, run_git
from patforge.validation.messages import shown

if TYPE_CHECKING:
    from patforge.commands.render import RenderOptions, RenderReport

DEFAULT_MESSAGE = "feat: auto-generate pattern framework files"


@dataclass
class BranchResult:
    branch: str
    started_from: str  # the original branch name (or the commit, when HEAD was detached)
    base: str  # the commit NAME was created from
    report: "RenderReport"
    commit: str | None = None  # the new commit, when one was made
    notes: list[str] = field(default_factory=list)


def commit_body(report: "RenderReport") -> str:
    """Counts per phase and kind of what the run generated or edited."""
    # why: start-up time: loaded only when commit_body() runs, not when the module is imported
    from patforge.rendering.report import GENERATED, PHASE_TITLES, UPDATED

    lines = []
    for (phase, kind), counts in report.counts().items():
        parts = [f"{counts[s]} {s}" for s in (GENERATED, UPDATED) if counts.get(s)]
        if parts:
            lines.append(f"- phase {phase} ({PHASE_TITLES[phase]}), {kind}: {', '.join(parts)}")
    source = f" from templates {report.template.record} @ {report.template.ref}" if report.template else ""
    return "\n".join([f"Rendered by `patforge render`{source}.", "", *lines, "",
                      f"{len(report.changes)} file(s) written."])


def _current(repo: Path) -> str:
    res = run_git(repo, "symbolic-ref", "-q", "--short", "HEAD", check=False)
    return res.stdout.strip() or run_git(repo, "rev-parse", "HEAD").stdout.strip()


def start_branch(repo: Path, name: str) -> tuple[str, str]:
    """Check the tree and the name, create NAME from HEAD and switch to it.
    Returns (where we started, base commit)."""
    if not is_git_repo(repo):
        raise GitError(f"{repo} is not a git repository, so --branch cannot create a branch",
                       hint="run `git init` and commit first, or render without --branch")
    if run_git(repo, "check-ref-format", "--branch", name, check=False).returncode != 0:
        raise UsageError(f"--branch: {shown(name)} is not a valid git branch name",
                         hint="use letters, digits, '-', '_', '/' (e.g. feat/pattern-files)")
    if run_git(repo, "rev-parse", "-q", "--verify", "HEAD", check=False).returncode != 0:
        raise GitError("the repository has no commit yet, so there is nothing to branch from",
                       hint="commit the repository first")
    if run_git(repo, "rev-parse", "-q", "--verify", f"refs/heads/{name}", check=False).returncode == 0:
        raise UsageError(f"--branch: a branch named {name} already exists",
                         hint="pick a new name, or delete the old branch (git branch -D " + name + ")")
    require_clean(repo, "render --branch")
    started = _current(repo)
    base = run_git(repo, "rev-parse", "HEAD").stdout.strip()
    run_git(repo, "switch", "-q", "-c", name)
    return started, base


def commit_all(repo: Path, message: str, body: str) -> str | None:
    """Stage everything and make one commit; None when there is nothing to commit."""
    run_git(repo, "add", "-A")
    if run_git(repo, "diff", "--cached", "--quiet", check=False).returncode == 0:
        return None
    res = run_git(repo, "commit", "-q", "-m", message, "-m", body, check=False)
    if res.returncode != 0:
        raise GitError(f"git commit failed: {(res.stderr or res.stdout).strip()}",
                       hint="fix what git says (e.g. set user.name and user.email, or a failing hook), "
                            "then commit by hand: the rendered files are staged")
    return run_git(repo, "rev-parse", "HEAD").stdout.strip()


def render_on_branch(repo: Path, options: "RenderOptions", name: str, *, commit: bool,
                     message: str | None) -> BranchResult:
    # why: start-up time: loaded only when render_on_branch() runs, not when the module is imported
    from patforge.commands.render import render

    if options.dry_run:
        raise UsageError("--branch cannot be combined with --dry-run (a dry run writes nothing to commit)",
                         hint="preview with --dry-run first, then run with --branch")
    repo = Path(repo).resolve()
    started, base = start_branch(repo, name)
    left = (f"nothing committed; you are on branch {name} (made from {started} for this run) with what "
            f"the run wrote, for inspection. Go back with `git switch {started}`; drop it with "
            f"`git switch -f {started} && git branch -D {name}`")
    try:
        report = render(repo, options)
    except PatforgeError as exc:
        exc.hint = f"{exc.hint}. " if exc.hint else ""
        exc.hint += left
        raise
    result = BranchResult(name, started, base, report)
    if report.failed:
        result.notes.append(left)
    elif commit:
        result.commit = commit_all(repo, message or DEFAULT_MESSAGE, commit_body(report))
        if result.commit is None:
            result.notes.append(f"nothing to commit: the render changed nothing; you are on branch {name}, "
                                f"which is {started} unchanged")
    return result
