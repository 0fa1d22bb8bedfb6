"""Artifact kinds: one module per kind, one small interface, one list: ``KINDS``.

A *kind* is one sort of artifact a pattern suite has (its spec, a schema sidecar, a
schema, the examples, an executor, its tests, the repository-level files). Each kind
lives in one module here plus, when patforge renders it, one Copier template folder,
``templates/<name>/``. The module holds everything about the kind: what render builds
(``build``), what its files are (``layout``), which doc_ids they claim (``claims``) and
what ``patforge check`` judges of them (``check``: an ``ArtifactJudge`` with the kind's
rule-table rows). Everything else (render, update, new, status, check, the CLI)
iterates ``KINDS`` and never names a kind.

The interface (``patforge.kinds.base.Kind``; subclass it, override what applies)::

    Kind(name, scope, summary, check=None)   # KIND = SchemaKind(NAME, PATTERN, "...", check=JUDGE)
    name: str                      # also the template folder, the --kind value, its rules' subject
    scope: str                     # IDS (phase 1) | PATTERN (phases 2/3) | REPOSITORY (phase 4)
                                   # | CHECKED (never rendered: the specs people write)
    summary: str                   # one line for --kind help and docs
    check: ArtifactJudge | None    # what check judges (kinds/judge.py): rules, locate, judge, sources...

    layout(registry, p) -> dict[str, str]        # role -> path of its files, from the entry
    answers_file(p | None) -> str                # .patforge/answers/<name>/<kind>.yml
    managed(files, p | None) -> bool             # rendered by patforge (answers file exists)
    phase(p | None) -> int                       # 1, 2 (core), 3 (migrated) or 4
    build(ctx: BuildContext, p | None) -> Unit | None    # its answers and files
    validate(unit, staged: dict[str, bytes], files) -> list[Diagnostic]   # beyond syntax
    inputs(p) -> (files, folders)                # what else a unit reads (the no-op manifest)
    doc_link_targets(files, p) -> list[str]      # hand-written files Phase 1 gives a DOC_LINK
    claims(registry, p) -> list[IdClaim]         # doc_ids its hand-written files claim (reused)

``Unit`` (kind, pattern, phase, answers, files, registry_fields, derived): ``answers``
is what the answers file records (the template's inputs, plus hashes); ``derived`` is
output computed in Python (path -> text; a compiled schema, generated instances) that
the template writes verbatim and whose SHA-256 is recorded as ``derived_sha256``
instead of the text. ``BuildContext`` (registry, files, diagnostics, phase, patterns)
is what ``build`` reads. ``files`` is a ``patforge.repository.files.RepoFiles``-like reader.

Adding a kind: write ``kinds/<name>.py`` with a ``Kind`` subclass and its ``KIND =``
instance, add it to ``KINDS`` below (order matters within a scope: a kind whose
validation reads another kind's output comes after it, as examples after schema),
and add ``templates/<name>/`` (every file name a ``{% yield u from units %}`` tag,
plus ``{{ u.answers_file }}`` including ``templates/_lib/answers.jinja``).
docs/design.md walks through an example; tests/test_kinds.py adds a toy kind.
"""

from __future__ import annotations

from patforge.check.rules import add_rules, remove_rules
from patforge.kinds.base import (CHECKED, IDS, PATTERN, RENDERED, REPOSITORY, SCOPES, BuildContext, Kind, Reader,
                                 Unit)
from patforge.kinds.judge import ArtifactJudge
from patforge.kinds import examples, executor, repo, schema, sidecar, spec, tests

#: Every kind, in render order (within a scope, a kind's units land before the next kind's);
#: check locates and judges them in this order too.
KINDS: list[Kind] = [spec.KIND, sidecar.KIND, schema.KIND, examples.KIND, executor.KIND, tests.KIND, repo.KIND]
for _kind in KINDS:
    if _kind.check is not None:
        add_rules(_kind.check.rules)


def names() -> tuple[str, ...]:
    """The rendered kinds' names: the ``--kind`` values of render, update, diff and status."""
    return tuple(k.name for k in KINDS if k.rendered)


def rendered() -> list[Kind]:
    """The kinds render, update, new and status build units of."""
    return [k for k in KINDS if k.rendered]


def by_name(name: str) -> Kind:
    for kind in KINDS:
        if kind.name == name:
            return kind
    raise KeyError(name)


def checked() -> list[ArtifactJudge]:
    """Every kind's check part, in kind order (what check locates, judges and asks for doc_ids)."""
    return [k.check for k in KINDS if k.check is not None]


def judge_of(name: str) -> ArtifactJudge | None:
    """The check part of the kind called ``name`` (a rule's subject), if it has one."""
    return next((k.check for k in KINDS if k.name == name and k.check is not None), None)


def judge_for_field(path_field: str) -> ArtifactJudge | None:
    """The check part whose artifact the registry field ``path_field`` records."""
    return next((j for j in checked() if j.path_field == path_field), None)


def per_pattern() -> list[Kind]:
    """The kinds with files per pattern (every scope but REPOSITORY)."""
    return [k for k in KINDS if k.scope != REPOSITORY]


def in_scope(scope: str) -> list[Kind]:
    return [k for k in KINDS if k.scope == scope]


def register(kind: Kind) -> None:
    """Add a kind (after the built-in ones of its scope); a name is registered once."""
    if any(k.name == kind.name for k in KINDS):
        raise ValueError(f"kind {kind.name!r} is already registered")
    if kind.check is not None:
        add_rules(kind.check.rules)  # raises if a rule ID is taken: nothing registered then
    KINDS.append(kind)


def unregister(name: str) -> None:
    for kind in KINDS:
        if kind.name == name and kind.check is not None:
            remove_rules(kind.check.rules)
    KINDS[:] = [k for k in KINDS if k.name != name]


__all__ = ["ArtifactJudge", "BuildContext", "CHECKED", "IDS", "KINDS", "Kind", "PATTERN", "RENDERED", "REPOSITORY",
           "Reader", "SCOPES", "Unit", "by_name", "checked", "in_scope", "judge_of", "judge_for_field", "names",
           "per_pattern", "register", "rendered", "unregister"]
