"""The judges of ``patforge check``: one module per artifact kind, plus three that judge
what no single kind owns (registry entries, the suite's doc_id, the repository).

``ARTIFACTS`` lists the artifact judges (each module's ``JUDGE``, an
:class:`~patforge.check.judges.interface.ArtifactJudge`); loading, evaluation, the entry
path rules, the suite's doc_id sources and ``--fix`` iterate it and never name a kind.

Two ways to add check rules for a new artifact kind (its rule rows go into
``check/rules.py`` either way, with ``subject`` = the kind's name):

* a render kind (``patforge.kinds``) overrides ``Kind.judge(model, item)`` in its own
  module: evaluation calls it for every readable entry;
* a kind that needs the full interface (its own files located once, doc_id sources,
  registry path field, ``--fix`` hooks) writes ``check/judges/<kind>.py`` with a
  ``JUDGE`` and lists it below (or calls ``register``).
"""

from __future__ import annotations

from patforge.check.judges import examples, executor, schema, spec, tests
from patforge.check.judges.interface import ArtifactJudge

#: Every artifact judge (order: how their findings and doc_id sources are gathered).
ARTIFACTS: list[ArtifactJudge] = [spec.JUDGE, schema.JUDGE, executor.JUDGE, tests.JUDGE, examples.JUDGE]


def by_kind(kind: str) -> ArtifactJudge | None:
    return next((j for j in ARTIFACTS if j.kind == kind), None)


def by_field(path_field: str) -> ArtifactJudge | None:
    return next((j for j in ARTIFACTS if j.path_field == path_field), None)


def register(judge: ArtifactJudge) -> None:
    """Add an artifact judge (a kind is judged once)."""
    if by_kind(judge.kind) is not None:
        raise ValueError(f"artifact kind {judge.kind!r} already has a judge")
    ARTIFACTS.append(judge)


def unregister(kind: str) -> None:
    ARTIFACTS[:] = [j for j in ARTIFACTS if j.kind != kind]


__all__ = ["ARTIFACTS", "ArtifactJudge", "by_field", "by_kind", "register", "unregister"]
