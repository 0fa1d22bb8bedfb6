"""The artifact-kind interface, the render unit, and what a kind builds from.

See the package docstring (``patforge.kinds``) for the contract; this module holds the
types so that kind modules and the pipeline can import them without a cycle.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from patforge.diagnostics import Diagnostic, DiagnosticList
from patforge.repository.layout import answers_path, repository_answers_path
from patforge.repository.registry import Pattern, Registry
from patforge.validation.messages import shown

if TYPE_CHECKING:
    from patforge.docids.claims import IdClaim
    from patforge.kinds.judge import ArtifactJudge

#: Kind scopes: when render builds a kind's units, and for what.
IDS = "ids"  # Phase 1, one unit per pattern (the ID system's files)
PATTERN = "pattern"  # Phases 2 (core) and 3 (migrated), one unit per pattern
REPOSITORY = "repository"  # Phase 4, one unit per repository
CHECKED = "checked"  # never rendered, only checked (the patterns' specs: people write them)
SCOPES = (IDS, PATTERN, REPOSITORY, CHECKED)
RENDERED = (IDS, PATTERN, REPOSITORY)  # the scopes render, update, new and status build units in


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

    def named_only(self, paths: list[str]) -> "Unit":
        """This unit with ``paths`` as its derived files, their content not computed
        (``Kind.layout_unit``): nothing is hashed or recorded for them."""
        self.derived = dict.fromkeys(paths, "")
        self.answers.pop("derived_sha256", None)
        return self

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

    #: the kind whose file the answers that are not registry fields come from: what
    #: ``status`` names when they changed ("stale: spec"); "" for the registry entry
    derived_from: str = ""

    def __init__(self, name: str, scope: str = PATTERN, summary: str = "",
                 check: ArtifactJudge | None = None) -> None:
        if scope not in SCOPES:
            raise ValueError(f"kind {name}: scope must be one of {', '.join(SCOPES)}")
        if check is not None and check.kind != name:
            raise ValueError(f"kind {name}: its check part judges {shown(check.kind)}")
        self.name = name  # the --kind value and the template folder, templates/<name>/
        self.scope = scope
        self.summary = summary  # one line: what the kind renders (CLI help, docs)
        #: what ``patforge check`` judges of this kind (its rules, files, doc_id claims);
        #: None: check has no rules about it
        self.check = check

    @property
    def rendered(self) -> bool:
        """Render, update, new and status build units of this kind (CHECKED: never)."""
        return self.scope in RENDERED

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

    def on_disk(self, registry: Registry, p: Pattern) -> bool:
        """``managed`` read straight from the repository (no run's reader at hand)."""
        return (registry.repo / self.answers_file(p)).is_file()

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

    def release(self, p: Pattern) -> None:
        """Forget what building ``p``'s unit kept in memory for later units of the same
        run (render calls it once the pattern's slice has landed: ``commands.render.slices``)."""

    def layout_unit(self, ctx: BuildContext, p: Pattern | None) -> Unit | None:
        """The unit ``build`` gives, for judging recorded answers against the layout
        (``rendering/answercheck.py``): the same answers and files, with the derived
        output named but not computed (``derived`` maps each of its files to "", and no
        ``derived_sha256`` is recorded). Kinds whose derived output is costly to compute
        (a compiled schema, generated instances) override it; the others build."""
        return self.build(ctx, p)

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

    # -- doc_ids -----------------------------------------------------------------------
    def claims(self, registry: Registry, p: Pattern) -> list[IdClaim]:
        """The doc_ids this kind's hand-written files claim for ``p`` (files patforge
        rendered are its own output, not a person's claim). Render reuses an agreeing
        claim instead of minting (``patforge.docids.existing``); check compares them
        through ``check.sources``."""
        return []

    def __repr__(self) -> str:
        return f"<kind {self.name}>"
