"""The check report in every format, behind one interface: a :class:`Reporter` per format.

Adding a format is one module here with one ``Reporter`` subclass decorated with
``@register`` (its ``name`` is the ``--format`` value), imported at the end of this
file. ``format_report(result, fmt)`` is the report as text; ``show_report`` puts it on
the terminal.

* ``text``: one line per rule (status, ID, level, counts, title), under it every
  FAIL/WARN record's findings with location and what to do; totals; the verdict.
* ``json``: ``CheckResult.to_dict()``; the shape is docs/check-report.schema.json.
* ``junit``: one ``<testsuite>`` per rule, one ``<testcase>`` per (rule, pattern)
  record (classname = rule ID; name = pattern, ``(root <root>)`` or ``(repository)``).
  FAIL is a ``<failure type="MUST|SHOULD">``; WARN is ``<skipped type="warning"
  message="WARN: ...">`` (CI shows it without failing the build) with the details in
  ``<system-out>``; SKIP (not judged) is ``<skipped type="not-judged">``; PASS is an
  empty testcase. Under ``--strict`` warnings are FAIL, so they become failures.
* ``sarif``: SARIF 2.1.0, one run; ``tool.driver.rules`` lists every rule judged
  (id, short description, default level error for MUST / warning for SHOULD); one
  result per FAIL/WARN finding (level error/warning) with its file and line, relative
  to ``originalUriBaseIds.REPOROOT`` (the repository).
* ``github``: GitHub Actions workflow commands (``github.py``).
* ``html``: one self-contained page, the patterns × artifacts matrix (``html.py``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import click

from patforge.check.rules import FAIL, RULES_BY_ID, WARN
from patforge.validation.messages import shown

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


def reporter(fmt: str, detail: str = "summary") -> Reporter:
    try:
        return type(REPORTERS[fmt])(detail)
    except KeyError:
        raise ValueError(f"unknown report format {shown(fmt)}; expected one of {', '.join(REPORTERS)}") from None


def format_report(result: CheckResult, fmt: str, detail: str = "summary") -> str:
    return reporter(fmt, detail).render(result)


def show_report(result: CheckResult, fmt: str, detail: str = "summary") -> None:
    reporter(fmt, detail).show(result)


def print_text_report(result: CheckResult, detail: str = "summary") -> None:
    """The text report on the terminal (colored when it is one)."""
    show_report(result, "text", detail)


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


# The built-in formats register themselves on import (order: the --format choices).
from patforge.check.reporters import text, json_report, junit, sarif, github, html  # noqa: E402,F401
