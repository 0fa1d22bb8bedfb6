"""Printing results for people (text) and machines (JSON), in one place."""

from __future__ import annotations

import contextlib
import functools
import io
import json
import os
import sys
from pathlib import Path
from typing import Any, Callable, Iterable, TextIO

import click

from patforge.diagnostics import Diagnostic, Severity


def echo_json(data: Any, stream: TextIO | None = None) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str), file=stream)


def format_diagnostics(diags: Iterable[Diagnostic], *, color: bool = False) -> str:
    lines = []
    for d in diags:
        text = d.format()
        if color:
            fg = {"error": "red", "warning": "yellow"}.get(d.severity.value)
            head, _, rest = text.partition("\n")
            text = click.style(head, fg=fg) + (("\n" + rest) if rest else "")
        lines.append(text)
    return "\n".join(lines)


def color_wanted(no_color_flag: bool = False) -> bool | None:
    """False when colour is switched off (--no-color, or NO_COLOR set to anything but
    the empty string: https://no-color.org); None lets Click decide, which means colour
    only when the stream is a terminal. Click itself knows no NO_COLOR: before this,
    NO_COLOR=1 on a terminal still got escape codes."""
    if no_color_flag or os.environ.get("NO_COLOR", ""):
        return False
    return None


#: What -q means, in every command (docs/cli.md says the same; tests/test_quiet.py holds it).
QUIET_HELP = ("Nothing on stdout but the output asked for (--json, a --format report, example's instance, "
              "diff's diff, docs' page); warnings, errors and failures still go to stderr.")


def _asks_for_machine_output(kwargs: dict[str, Any]) -> bool:
    """--json, or check's --format json|junit|sarif on stdout: kept by --quiet."""
    return bool(kwargs.get("as_json")) or (kwargs.get("fmt") not in (None, "text") and not kwargs.get("output"))


def repo_option(f: Callable[..., Any]) -> Callable[..., Any]:
    """``--repo DIR``: every command's repository option, one help text."""
    return click.option("--repo", "repo", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
                        show_default=True, help="The pattern repository (the folder that holds patterns/).")(f)


def output_options(f: Callable[..., Any] | None = None, *, own_quiet: bool = False) -> Any:
    """-q/--quiet and --no-color for a command, applied in one place.

    --quiet (``QUIET_HELP``): nothing on stdout but the output you asked for (--json,
    --format); warnings, errors and failures still go to stderr, and the exit code tells
    the result.
    --no-color / NO_COLOR: no escape codes anywhere (every line goes through click.echo,
    which strips them when the context says colour is off).

    ``own_quiet``: the command applies --quiet itself (its stdout is the output asked for,
    or it moves a problem line to stderr) and receives ``quiet`` as an argument instead
    of having stdout swallowed."""
    if f is None:
        return functools.partial(output_options, own_quiet=own_quiet)

    @click.option("--quiet", "-q", "quiet", is_flag=True, help=QUIET_HELP)
    @click.option("--no-color", "no_color", is_flag=True,
                  help="No colour (also when NO_COLOR is set). Default: colour only on a terminal.")
    @functools.wraps(f)
    def wrapper(*args: Any, quiet: bool, no_color: bool, **kwargs: Any) -> Any:
        ctx = click.get_current_context()
        ctx.meta["patforge.quiet"] = quiet
        color = color_wanted(no_color)
        if color is not None:
            ctx.color = color
        if own_quiet:
            return f(*args, quiet=quiet, **kwargs)
        if quiet and not _asks_for_machine_output(kwargs):
            with contextlib.redirect_stdout(io.StringIO()):
                return f(*args, **kwargs)
        return f(*args, **kwargs)

    return wrapper


def print_diagnostics(diags: Iterable[Diagnostic], *, err: bool = True, min_severity: str = "warning",
                      color: bool | None = None) -> None:
    """``color`` None: the current command's setting (--no-color, NO_COLOR), else a terminal."""
    order = {"error": 0, "warning": 1, "info": 2}
    # the same finding reached twice (e.g. a spec read by two phases) is shown once
    shown = list(dict.fromkeys(d for d in diags if order[d.severity.value] <= order[min_severity]))
    if shown:
        click.echo(format_diagnostics(shown, color=True), err=err, color=color)


def table(rows: list[list[str]], headers: list[str]) -> str:
    widths = [max(len(str(x)) for x in col) for col in zip(headers, *rows)]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    out = [fmt.format(*headers), fmt.format(*("-" * w for w in widths))]
    out += [fmt.format(*map(str, r)) for r in rows]
    return "\n".join(line.rstrip() for line in out)


def count_errors(diags: Iterable[Diagnostic]) -> tuple[int, int]:
    items = list(diags)
    return (sum(d.severity is Severity.ERROR for d in items),
            sum(d.severity is Severity.WARNING for d in items))
