"""Answers files: what a rendered unit recorded, read in one place.

Each ``.patforge/answers/<pattern>/<kind>.yml`` (``layout.answers_path``) is written by
the template itself (``templates/_lib/answers.jinja``) and records ``_commit`` (the
template version), ``_src_path``, ``artifact`` (the kind) and ``units: [the unit's
answers]``. render reads it to decide whether a unit is up to date; update reads every
one to know what to update and from which version.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from patforge.repository.layout import ANSWERS_DIR, BATCH_ANSWERS
from patforge.repository.yamlsrc import YamlLoadError, load_yaml_bytes, load_yaml_data


class AnswersError(ValueError):
    """The file is not a patforge answers file."""


@dataclass
class Recorded:
    path: str  # repository-relative
    commit: str  # the template version it was rendered from
    src: str  # the _src_path it recorded
    kind: str
    unit: dict[str, Any]  # the unit's recorded answers

    @property
    def pattern(self) -> str:
        return str(self.unit.get("name", "(repository)"))


def load_yaml(text: str) -> Any:
    """Answers text through the one safe loader (``yamlsrc``: no Python tags, the alias
    bound); for patforge's own dumps, which are trusted to load."""
    return load_yaml_data(text, "<answers>")


def parse_answers(raw: bytes | str, rel: str) -> Recorded:
    """Parse one answers file; ``AnswersError`` (saying where and why) when it is not one:
    not UTF-8, not YAML, an alias bomb, not the shape the template writes."""
    try:
        data = load_yaml_bytes(raw, rel) if isinstance(raw, bytes) else load_yaml_data(raw, rel)
    except YamlLoadError as exc:
        d = exc.diagnostic
        raise AnswersError(f"{d.location()}: {d.message}") from None
    try:
        data = data or {}
        if not isinstance(data, dict):
            raise TypeError("it is not a mapping")
        unit = (data.get("units") or [{}])[0]
        if not isinstance(unit, dict):
            raise TypeError("units[0] is not a mapping")
        return Recorded(rel, str(data.get("_commit", "")), str(data.get("_src_path", "")),
                        str(data.get("artifact", "")), unit)
    except (IndexError, TypeError, AttributeError, KeyError) as exc:
        raise AnswersError(f"{rel} is not a patforge answers file ({exc})") from None


def answers_files(repo: Path) -> list[str]:
    """Every unit answers file in the repository (sorted; not update's batch file)."""
    root = repo / ANSWERS_DIR
    if not root.is_dir():
        return []
    rels = (p.relative_to(repo).as_posix() for p in sorted(root.rglob("*.yml")))
    return [rel for rel in rels if rel != BATCH_ANSWERS]


def same_answers(recorded: dict[str, Any], answers: dict[str, Any]) -> bool:
    """Whether a unit's answers equal what its answers file recorded. PyYAML does not
    round-trip every character (a raw U+0085 in a quoted scalar comes back as a
    space), so the comparison falls back to the same dump (Copier's ``to_nice_yaml``,
    as ``answers.jinja`` uses) and load."""
    if recorded == answers:
        return True
    # why: start-up time: loaded only when same_answers() runs, not when the module is imported
    from patforge.rendering.copier_speedups import nice_yaml as to_nice_yaml  # Copier's filter, same bytes

    return recorded == load_yaml(to_nice_yaml(answers))


def restamp(text: str, commit: str, src: str) -> str:
    """Rewrite the ``_commit`` and ``_src_path`` lines exactly as ``to_nice_yaml`` writes
    them; every other byte stays."""
    # why: start-up time: loaded only when restamp() runs, not when the module is imported
    from patforge.rendering.copier_speedups import nice_yaml as to_nice_yaml  # Copier's filter, same bytes

    lines = text.splitlines(keepends=True)
    stamps = {"_commit:": to_nice_yaml({"_commit": commit}), "_src_path:": to_nice_yaml({"_src_path": src})}
    for i, line in enumerate(lines):
        for prefix, new in stamps.items():
            if line.startswith(prefix):
                lines[i] = new if new.endswith("\n") else new + "\n"
    return "".join(lines)
