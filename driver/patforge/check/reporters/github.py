"""``check --format github``: GitHub Actions workflow commands.

One command per FAIL/WARN finding, so each shows up as an annotation on the file and
line in the pull request view:

    ::error file=patterns/executors/x_executor.ps1,line=1,title=PAT-CHECK-001-041::x: ...

FAIL is ``::error`` (a MUST rule, or any rule under ``--strict``: it fails the job),
WARN is ``::warning`` (a SHOULD rule). A finding without a file has no ``file=``
property (GitHub then shows it on the run only). The last line is a plain summary
(verdict and counts), which the log shows as text.

Escaping follows the Actions toolkit (``@actions/core`` ``command.ts``): in the message
``%``, ``\\r`` and ``\\n`` become ``%25``, ``%0D`` and ``%0A``; in property values also
``:`` and ``,`` become ``%3A`` and ``%2C``. Nothing else is escaped, so a message keeps
its spaces and quotes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from patforge.reports.escaping import visible, visible_or_none

from patforge.check.reporters.base import Reporter, register
from patforge.check.rules import FAIL, WARN

if TYPE_CHECKING:
    from patforge.check.result import CheckResult

_DATA_ESCAPES = (("%", "%25"), ("\r", "%0D"), ("\n", "%0A"))
_PROPERTY_ESCAPES = (*_DATA_ESCAPES, (":", "%3A"), (",", "%2C"))


def escape_data(text: str) -> str:
    for raw, escaped in _DATA_ESCAPES:  # "%" first, so the escapes themselves stay intact
        text = text.replace(raw, escaped)
    return text


def escape_property(text: str) -> str:
    for raw, escaped in _PROPERTY_ESCAPES:
        text = text.replace(raw, escaped)
    return text


def workflow_command(command: str, message: str, **properties: str | int | None) -> str:
    """``::command k=v,k=v::message`` with GitHub's escaping; ``None`` properties are left out."""
    props = ",".join(f"{k}={escape_property(str(v))}" for k, v in properties.items() if v is not None)
    return f"::{command}{' ' + props if props else ''}::{escape_data(message)}"


def github_report(result: CheckResult) -> str:
    lines: list[str] = []
    errors = warnings = 0
    for record in result.records:
        for f in record.findings:
            if f.status not in (FAIL, WARN):
                continue
            # Each value shown escaped (escaping.visible) before the toolkit's escaping:
            # a name with a newline or an ESC is one visible value, never a command.
            who = visible(f.pattern or (f"root {f.root}" if f.root else "repository"))
            message = f"{who}: {visible(f.message)}" + (f"\nWhat to do: {visible(f.hint)}" if f.hint else "")
            command = "error" if f.status == FAIL else "warning"
            errors += f.status == FAIL
            warnings += f.status == WARN
            lines.append(workflow_command(command, message, file=visible_or_none(f.path),
                                          line=f.line if f.path else None, title=visible(f.rule)))
    lines.append(f"patforge check: {result.verdict}: {errors} error(s), {warnings} warning(s) "
                 f"in {result.patterns} pattern(s)")
    incremental = getattr(result, "incremental", None)
    for rel in getattr(incremental, "unmatched", None) or ():
        # a named file no entry owns: said, escaped, never as a raw line of its own
        lines.insert(-1, workflow_command("notice", f"not checked (no registry entry owns it): {visible(rel)}"))
    return "\n".join(lines) + "\n"


@register
class GithubReporter(Reporter):
    name = "github"

    def render(self, result: CheckResult) -> str:
        return github_report(result)
