"""Showing diffs to people: a ``git diff --stat``-like summary first, then the diff,
coloured (click styles: ``click.echo`` drops them off a terminal, with NO_COLOR or
--no-color, see ``output.py``)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import click

from patforge.reports.escaping import visible

_HUNK = re.compile(r"^@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@")


@dataclass
class FileStat:
    path: str
    added: int = 0
    removed: int = 0
    binary: bool = False


def diff_stats(diff: str) -> list[FileStat]:
    """Per-file added/removed line counts of a unified diff (one file or many, with or
    without ``diff --git`` headers). Hunk headers give the line counts, so a removed
    line that reads ``-- x`` is never taken for a ``---`` file header."""
    stats: list[FileStat] = []
    old_path = None
    left = right = 0  # lines still to read in the current hunk
    for line in diff.splitlines():
        if left or right:
            tag = line[:1]
            if tag == "-":
                stats[-1].removed += 1
                left -= 1
            elif tag == "+":
                stats[-1].added += 1
                right -= 1
            elif tag == "\\":
                continue  # "\ No newline at end of file"
            else:
                left, right = max(left - 1, 0), max(right - 1, 0)
            continue
        if line.startswith("--- "):
            old_path = line[4:].strip()
        elif line.startswith("+++ "):
            new = line[4:].strip()
            path = old_path if new == "/dev/null" else new
            stats.append(FileStat(_strip_prefix(path or new)))
        elif line.startswith("@@") and stats:
            m = _HUNK.match(line)
            if m:
                left = int(m[1]) if m[1] is not None else 1
                right = int(m[2]) if m[2] is not None else 1
        elif line.startswith("Binary files ") or line.startswith("--- binary: "):
            stats.append(FileStat(line.split(": ", 1)[-1] if line.startswith("--- binary") else line,
                                  binary=True))
    return stats


def _strip_prefix(path: str) -> str:
    return path[2:] if path.startswith(("a/", "b/")) else path


def change_stats(changes) -> list[FileStat]:
    """One FileStat per ``FileChange`` (the template bundle counts as binary)."""
    out = []
    for change in changes:
        if change.path.endswith(".bundle"):
            out.append(FileStat(change.path, binary=True))
        else:
            out.append((diff_stats(change.diff()) or [FileStat(change.path)])[0])
    return out


def stat_block(stats: list[FileStat], width: int = 40, style=click.style) -> str:
    """``path | N ++--`` per file and a total line, like ``git diff --stat``."""
    if not stats:
        return ""
    name_w = min(max(len(s.path) for s in stats), 70)
    most = max((s.added + s.removed for s in stats), default=0) or 1
    lines = []
    for s in stats:
        path = visible(s.path)
        name = path if len(path) <= name_w else "..." + path[-(name_w - 3):]
        if s.binary:
            lines.append(f" {name:<{name_w}} | Bin")
            continue
        n = s.added + s.removed
        scale = min(1.0, width / most)
        plus = "+" * max(int(s.added * scale), 1 if s.added else 0)
        minus = "-" * max(int(s.removed * scale), 1 if s.removed else 0)
        lines.append(f" {name:<{name_w}} | {n:>5} " + style(plus, fg="green") + style(minus, fg="red"))
    added, removed = sum(s.added for s in stats), sum(s.removed for s in stats)
    lines.append(f" {len(stats)} file(s) changed, {added} insertion(s)(+), {removed} deletion(s)(-)")
    return "\n".join(lines)


def colorize(diff: str, style=click.style) -> str:
    """Colour a unified diff the way git does on a terminal."""
    out = []
    for line in diff.splitlines():
        line = visible(line)  # file content: an ESC or a form feed in it is shown, not run
        if line.startswith(("+++ ", "--- ", "diff --git")):
            out.append(style(line, bold=True))
        elif line.startswith("@@"):
            out.append(style(line, fg="cyan"))
        elif line.startswith("+"):
            out.append(style(line, fg="green"))
        elif line.startswith("-"):
            out.append(style(line, fg="red"))
        else:
            out.append(line)
    return "\n".join(out)
