"""Diagnostics: every problem patforge reports names a file, a position and a fix."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, Iterable

from patforge.reports.escaping import visible


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class Diagnostic:
    """One finding. ``path`` is repository-relative with forward slashes;
    ``line`` and ``column`` are 1-based (None when unknown)."""

    severity: Severity
    message: str
    path: str | None = None
    line: int | None = None
    column: int | None = None
    hint: str | None = None
    code: str | None = None
    pattern: str | None = None  # pattern name this concerns, when there is one

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def location(self) -> str:
        if not self.path:
            return ""
        loc = visible(self.path)
        if self.line is not None:
            loc += f":{self.line}"
            if self.column is not None:
                loc += f":{self.column}"
        return loc

    def format(self) -> str:
        loc = self.location()
        text = f"{loc}: " if loc else ""
        # Values are escaped (escaping.visible): the one line break is the hint's.
        text += f"{self.severity.value}: {visible(self.message)}"
        if self.code:
            text += f" [{visible(self.code)}]"
        if self.hint:
            text += f"\n    fix: {visible(self.hint)}"
        return text

    def to_dict(self) -> dict[str, Any]:
        return {
            "severity": self.severity.value,
            "code": self.code,
            "message": self.message,
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "hint": self.hint,
            "pattern": self.pattern,
        }


def error(message: str, **kw: Any) -> Diagnostic:
    return Diagnostic(Severity.ERROR, message, **kw)


def warning(message: str, **kw: Any) -> Diagnostic:
    return Diagnostic(Severity.WARNING, message, **kw)


def info(message: str, **kw: Any) -> Diagnostic:
    return Diagnostic(Severity.INFO, message, **kw)


def diag_from_dict(d: dict[str, Any]) -> Diagnostic:
    """The diagnostic ``d`` records; ``ValueError``/``TypeError``/``KeyError`` when ``d``
    is not what ``Diagnostic.to_dict`` writes (a damaged cache or manifest)."""
    if not isinstance(d, dict) or not isinstance(d.get("message"), str):
        raise TypeError("not a diagnostic")
    for name in ("path", "hint", "code", "pattern"):
        if d.get(name) is not None and not isinstance(d[name], str):
            raise TypeError(f"diagnostic {name}: not text")
    for name in ("line", "column"):
        if d.get(name) is not None and (isinstance(d[name], bool) or not isinstance(d[name], int)):
            raise TypeError(f"diagnostic {name}: not a whole number")
    return Diagnostic(Severity(d["severity"]), d["message"], d.get("path"), d.get("line"), d.get("column"),
                      d.get("hint"), d.get("code"), d.get("pattern"))


@dataclass
class DiagnosticList:
    """An ordered, append-only collection with helpers for summaries."""

    items: list[Diagnostic] = field(default_factory=list)

    def add(self, diag: Diagnostic) -> None:
        self.items.append(diag)

    def extend(self, diags: Iterable[Diagnostic]) -> None:
        self.items.extend(diags)

    def unique(self) -> list[Diagnostic]:
        """Each distinct finding once, in first-seen order."""
        return list(dict.fromkeys(self.items))

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity is Severity.WARNING]

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)
