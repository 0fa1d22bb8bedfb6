"""Every command's exit codes, in one place: the --help epilogs and the table in
docs/cli.md come from here (tests/test_help.py keeps the doc in step)."""

from __future__ import annotations

#: Shared by every command.
COMMON = ((130, "interrupted (Ctrl-C)"),)

EXIT_CODES: dict[str, tuple[tuple[int, str], ...]] = {
    "init": ((0, "the missing files added (or, with --dry-run, listed); existing files kept"),
             (2, "could not run: no such folder, a path that leads outside the repository, bad patforge.toml, "
                 "repository busy")),
    "render": ((0, "every unit rendered, current, or (--dry-run) planned"),
               (1, "some unit failed (the others landed; `render --failed` re-runs them)"),
               (2, "could not run: bad options, no usable registry, bad template source, dirty tree or "
                   "existing branch for --branch, repository busy")),
    "update": ((0, "updated, or nothing to update"),
               (1, "conflicts (listed) or errors; the rest is in the working tree"),
               (2, "could not run: not a git repository, dirty tree, unknown template version, busy")),
    "check": ((0, "compliant"),
              (1, "non-compliant: a MUST rule fails (with --strict: any rule)"),
              (2, "could not run: bad options, no repository, unreadable registry")),
    "new": ((0, "pattern created and rendered"),
            (1, "created, but a unit of its suite failed"),
            (2, "could not run: bad name, name or file taken, no usable registry")),
    "rollback": ((0, "the last run's files restored (or, with --dry-run, listed)"),
                 (1, "refused: files the run wrote changed since (listed); nothing changed"),
                 (2, "could not run: no run to roll back, repository busy")),
    "doctor": ((0, "no check failed (warnings allowed)"),
               (1, "a check failed"),
               (2, "could not run")),
    "status": ((0, "every unit is current or hand-written"),
               (1, "something lags: outdated, stale, missing, modified or blocked units (listed)"),
               (2, "could not run: no usable registry, bad template source")),
    "diff": ((0, "the diffs were shown (or there were none)"),
             (2, "could not run, or a recorded render failed (named)")),
    "docs": ((0, "the page (or the list of pages) was printed"),
             (2, "no page by that name (the pages are listed)")),
    "example": ((0, "a valid instance was printed"),
                (1, "no valid instance found: the keyword that rejected the candidates, its pointer and what was tried are named"),
                (2, "could not run: the file cannot be read, is not JSON or not a draft-07 schema")),
    "demo": ((0, "every step succeeded and the demo is compliant"),
             (1, "a step failed"),
             (2, "could not run: the folder exists and is not empty (use --force)")),
}


def epilog(command: str) -> str:
    """The --help epilog; ``\\b`` keeps Click from rewrapping the lines."""
    rows = [*EXIT_CODES[command], *COMMON]
    return "\b\nExit codes:\n" + "\n".join(f"  {code:<4}{meaning}" for code, meaning in rows)


def markdown_table() -> str:
    lines = ["| command | exit code | meaning |", "|---|---|---|"]
    for command, rows in EXIT_CODES.items():
        for code, meaning in rows:
            lines.append(f"| `{command}` | {code} | {meaning} |")
    lines.append(f"| every command | {COMMON[0][0]} | {COMMON[0][1]} |")
    return "\n".join(lines)


class ExitOnFailure:
    """Mixin for a command's report: its exit code is 1 when it ``failed``, else 0
    (the report defines ``failed``; the CLI exits with ``exit_code``)."""

    failed: bool

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0
