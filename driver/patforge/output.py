"""Printing results for people (text) and machines (JSON), in one place."""

from __future__ import annotations

import json
import sys
from typing import Any, Iterable, TextIO

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


def print_diagnostics(diags: Iterable[Diagnostic], *, err: bool = True, min_severity: str = "warning") -> None:
    order = {"error": 0, "warning": 1, "info": 2}
    # the same finding reached twice (e.g. a spec read by two phases) is shown once
    shown = list(dict.fromkeys(d for d in diags if order[d.severity.value] <= order[min_severity]))
    if shown:
        click.echo(format_diagnostics(shown, color=(sys.stderr.isatty() if err else sys.stdout.isatty())),
                   err=err)


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
