"""The judges of ``patforge check``: one module per artifact kind, plus three that judge
what no single kind owns (registry entries, the suite's doc_id, the repository).

``ARTIFACTS`` lists the artifact judges (each module's ``JUDGE``, an
:class:`~patforge.check.judges.interface.ArtifactJudge`); everything else iterates it.
A new artifact kind adds its module here and its rules to ``check/rules.py``.
"""

from __future__ import annotations

from patforge.check.judges import examples, executor, schema, spec, tests
from patforge.check.judges.interface import ArtifactJudge

ARTIFACTS: tuple[ArtifactJudge, ...] = (spec.JUDGE, schema.JUDGE, executor.JUDGE, tests.JUDGE, examples.JUDGE)

__all__ = ["ARTIFACTS", "ArtifactJudge"]
