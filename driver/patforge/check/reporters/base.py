"""The interface every check report format implements (was the top of
``check/reporters/__init__.py``): :class:`Reporter`, ``@register`` and what several
formats say the same way. The format modules import this, never the package, so
that the package can import them without a cycle.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import click

from patforge.check.rules import FAIL, RULES_BY_ID, WARN

if TYPE_CHECKING:
    from patforge.check.result import CheckResult, Record


class Reporter:
    """One report format."""

    name: ClassVar[str]  # the --format value

    def __init__(self, detail: str = "summary") -> None:
        self.detail = detail  # summary | verbose | quiet: how much a human-readable format says

    def render(self, result: CheckResult) -> str:
        """The whole report as text (what --output writes)."""
        raise NotImplementedError

    def show(self, result: CheckResult) -> None:
        """The report on the terminal."""
        click.echo(self.render(result), nl=False)


REPORTERS: dict[str, Reporter] = {}


def register(cls: type[Reporter]) -> type[Reporter]:
    """Class decorator: make ``cls`` the reporter of ``--format cls.name``."""
    REPORTERS[cls.name] = cls()
    return cls


# -- what several formats say the same way ---------------------------------------------------

def record_name(r: Record) -> str:
    """A record's subject: its pattern, ``(root <root>)`` or ``(repository)``."""
    if r.pattern is not None:
        return r.pattern
    return f"(root {r.root})" if RULES_BY_ID[r.rule].scope == "root" else "(repository)"


def problem_lines(r: Record, indent: str = "", *, status: bool = True) -> list[str]:
    """Every FAIL/WARN finding of a record (``status``: prefixed by it) with its location,
    then what to do."""
    lines = []
    for f in r.findings:
        if f.status not in (FAIL, WARN):
            continue
        loc = f.location()
        lines.append(f"{indent}{f.status + ' ' if status else ''}{loc + ': ' if loc else ''}{f.message}")
        if f.hint:
            lines.append(f"{indent}  what to do: {f.hint}")
    return lines
