"""The artifact-kind interface, the render unit, and what a kind builds from.

See the package docstring (``patforge.kinds``) for the contract; this module holds the
types so that kind modules and the pipeline can import them without a cycle.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any, Protocol

from patforge.diagnostics import Diagnostic, DiagnosticList
from patforge.repository.layout import answers_path, repository_answers_path
from patforge.repository.registry import Pattern, Registry

#: Kind scopes: when render builds a kind's units, and for what.
IDS = "ids"  # Phase 1, one unit per pattern (the ID system's files)
PATTERN = "pattern"  # Phases 2 (core) and 3 (migrated), one unit per pattern
REPOSITORY = "repository"  # Phase 4, one unit per repository
SCOPES = (IDS, PATTERN, REPOSITORY)


class Reader(Protocol):
    """What a kind reads the repository through (``RepoFiles`` / ``Workspace``)."""

    def exists(self, rel: str) -> bool: ...
    def read_text(self, rel: str) -> str | None: ...
    def is_dir(self, rel: str) -> bool: ...
    def list_files(self, folder: str) -> list[str]: ...


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class Unit:
    """One (pattern, kind) pair: what its template gets and which files it writes.

    ``answers`` is what the unit's answers file records: the template's inputs and,
    for computed output, hashes. ``derived`` holds output patforge computes in Python
    (a compiled schema, generated instances: repository-relative path -> text); the
    template writes it verbatim, and only its SHA-256 (``derived_sha256``) is recorded,
    so an answers file never stores an artifact a second time."""

    kind: str
    pattern: str  # pattern name ("(repository)" for a repository-level unit)
    phase: int
    answers: dict[str, Any]
    files: list[str]  # repository-relative paths the template writes (answers file excluded)
    registry_fields: list[tuple[str, str]] = field(default_factory=list)  # fields to record
    derived: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.derived:
            self.answers["derived_sha256"] = {rel: sha256_text(text) for rel, text in sorted(self.derived.items())}

    @property
    def answers_file(self) -> str:
        return self.answers["answers_file"]

    @property
    def key(self) -> tuple[str, str]:
        return (self.pattern, self.kind)

    def copier_data(self) -> dict[str, Any]:
        """The unit mapping handed to the template (answers plus derived output)."""
        return {**self.answers, "derived": self.derived} if self.derived else self.answers


@dataclass
class BuildContext:
    """What a kind builds its units from, for one run."""

    registry: Registry
    files: Reader  # the repository as the run sees it (planned changes included)
    diagnostics: DiagnosticList  # build problems go here (located, per pattern)
    phase: int = 0  # the phase the units belong to (0: not rendering, e.g. update)
    patterns: list[Pattern] = field(default_factory=list)  # the run's patterns (repository scope)


class Kind:
    """One artifact kind. Subclass it in one module of ``patforge.kinds``, create the
    instance with its name, scope and summary, and list it in ``KINDS`` (or ``register``
    it); its template is ``templates/<name>/``."""

    def __init__(self, name: str, scope: str = PATTERN, summary: str = "") -> None:
        if scope not in SCOPES:
            raise ValueError(f"kind {name}: scope must be one of {', '.join(SCOPES)}")
        self.name = name  # the --kind value and the template folder, templates/<name>/
        self.scope = scope
        self.summary = summary  # one line: what the kind renders (CLI help, docs)

    # -- layout ------------------------------------------------------------------------
    def layout(self, registry: Registry, p: Pattern) -> dict[str, str]:
        """Role -> repository-relative path of this kind's files for ``p`` (derived from
        the registry entry with ``patforge.repository.layout``); empty for repository scope."""
        return {}

    def answers_file(self, p: Pattern | None) -> str:
        return repository_answers_path(self.name) if p is None else answers_path(p.name, self.name)

    def managed(self, files: Reader, p: Pattern | None) -> bool:
        """True when patforge rendered this kind for ``p`` (its answers file exists)."""
        return files.exists(self.answers_file(p))

    def phase(self, p: Pattern | None) -> int:
        if self.scope == IDS:
            return 1
        if self.scope == REPOSITORY:
            return 4
        return 3 if p is not None and p.is_migrated else 2

    # -- rendering ---------------------------------------------------------------------
    def build(self, ctx: BuildContext, p: Pattern | None) -> Unit | None:
        """The unit for ``p`` (None for repository scope), or None when it cannot be built
        (the reason is added to ``ctx.diagnostics``)."""
        raise NotImplementedError

    def validate(self, unit: Unit, staged: dict[str, bytes], files: Reader) -> list[Diagnostic]:
        """Checks beyond syntax on the staged files (path -> bytes) before they land.
        Syntax (JSON/YAML parse, Python compiles, PowerShell parses) is checked for
        every kind by the pipeline."""
        return []

    def inputs(self, p: Pattern) -> tuple[list[str], list[str]]:
        """(files, folders) a unit of this kind reads to decide what to render, besides its
        own files and answers file: the no-op manifest stamps them (noop.py), so a change
        to any of them takes render down the full path."""
        return [], []

    def doc_link_targets(self, files: Reader, p: Pattern) -> list[str]:
        """Hand-written files of this kind that Phase 1 gives a ``DOC_LINK`` header."""
        return []

    # -- check -------------------------------------------------------------------------
    def judge(self, check: Any, item: Any) -> list[Any]:
        """Hook for ``patforge check``: findings for this kind's artifacts of one registry
        item (``check`` is the check run's context). The rules that still live in
        ``patforge.check`` are judged there; a kind that moves its rules here returns
        their findings."""
        return []

    def __repr__(self) -> str:
        return f"<kind {self.name}>"
