"""Artifact kinds: one module per kind, one small interface, listed in ``KINDS``.

A *kind* is one sort of artifact patforge renders (a schema sidecar, a schema, the
examples, an executor, its tests, the repository-level files). Each kind lives in one
module here plus one Copier template folder, ``templates/<name>/``. Everything else
(render, update, new, check, the CLI) iterates ``KINDS`` and never names a kind.

The interface (``patforge.kinds.base.Kind``; subclass it, override what applies)::

    Kind(name, scope, summary)     # the instance: KIND = SchemaKind("schema", PATTERN, "...")
    name: str                      # "schema"; also the template folder and --kind value
    scope: str                     # IDS (phase 1) | PATTERN (phases 2/3) | REPOSITORY (phase 4)
    summary: str                   # one line for --kind help and docs

    layout(registry, p) -> dict[str, str]        # role -> path of its files, from the entry
    answers_file(p | None) -> str                # .patforge/answers/<name>/<kind>.yml
    managed(files, p | None) -> bool             # rendered by patforge (answers file exists)
    phase(p | None) -> int                       # 1, 2 (core), 3 (migrated) or 4
    build(ctx: BuildContext, p | None) -> Unit | None    # its answers and files
    validate(unit, staged: dict[str, bytes], files) -> list[Diagnostic]   # beyond syntax
    doc_link_targets(files, p) -> list[str]      # hand-written files Phase 1 gives a DOC_LINK
    judge(check, item) -> list[Finding]          # check hook (rules still in check/ return [])

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

from patforge.kinds.base import IDS, PATTERN, REPOSITORY, SCOPES, BuildContext, Kind, Reader, Unit
from patforge.kinds import examples, executor, repo, schema, sidecar, tests

#: Every kind, in render order (within a scope, a kind's units land before the next kind's).
KINDS: list[Kind] = [sidecar.KIND, schema.KIND, examples.KIND, executor.KIND, tests.KIND, repo.KIND]


def names() -> tuple[str, ...]:
    return tuple(k.name for k in KINDS)


def by_name(name: str) -> Kind:
    for kind in KINDS:
        if kind.name == name:
            return kind
    raise KeyError(name)


def in_scope(scope: str) -> list[Kind]:
    return [k for k in KINDS if k.scope == scope]


def register(kind: Kind) -> None:
    """Add a kind (after the built-in ones of its scope); a name is registered once."""
    if kind.name in names():
        raise ValueError(f"kind {kind.name!r} is already registered")
    KINDS.append(kind)


def unregister(name: str) -> None:
    KINDS[:] = [k for k in KINDS if k.name != name]


__all__ = ["BuildContext", "IDS", "KINDS", "Kind", "PATTERN", "REPOSITORY", "Reader", "SCOPES", "Unit",
           "by_name", "in_scope", "names", "register", "unregister"]
