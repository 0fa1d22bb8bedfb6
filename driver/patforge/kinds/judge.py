"""A kind's check part: what ``patforge check`` judges of it (was ``check/judges/interface.py``).

A kind module (``kinds/<kind>.py``) builds one :class:`ArtifactJudge` and hands it to its
``Kind`` as ``check=``. Evaluation, the registry-entry rules, the cross-artifact doc_id
rules and the report's record locations iterate ``kinds.checked()`` and never name a
kind; the kind's rules themselves (IDs, levels, titles) are its judge's ``rules``, rows
whose ``subject`` is the kind's name (``patforge.kinds`` adds them to the rule table).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Collection, Iterable

from patforge.repository.layout import KIND_DIRS
from patforge.repository.registry import Pattern

if TYPE_CHECKING:
    from patforge.check.model import Item, RepoModel, Suite
    from patforge.check.resolve import DocIdSource
    from patforge.check.rules import Finding, Rule


@dataclass(frozen=True)
class ArtifactJudge:
    kind: str  # the kind's name: the Rule.subject of the rules this judge yields
    path_field: str  # the registry field that records where the artifact is ("": none records it)
    #: read the kind's files once; the result is ``suite.part(kind)``
    locate: Callable[[RepoModel, Pattern], Any]
    #: every FAIL/WARN/SKIP of the kind's pattern rules (evaluation adds the PASSes)
    judge: Callable[[RepoModel, Item, Suite], Iterable[Finding]]
    #: the doc_id claims of the kind's files (PAT-CHECK-001-070/-071, ID-SYS-101)
    sources: Callable[[RepoModel, Item, Suite], list[DocIdSource]]
    #: the path a passing record of the kind's rules points at (None: the path ``path_field`` records)
    subject: Callable[[RepoModel, Item, Suite | None], str] | None = None
    #: how to link an artifact that claims no doc_id, per DocIdSource.kind ({ref}: the suite's doc_id)
    link_hints: dict[str, str] = field(default_factory=dict)
    #: read once for the whole repository, before any locate (store it in ``model.shared[kind]``)
    prepare: Callable[[RepoModel], None] | None = None
    #: findings about the repository or a root rather than one pattern
    judge_repo: Callable[[RepoModel], Iterable[Finding]] | None = None
    #: rule IDs this kind does not judge in this repository (no PASS, no SKIP)
    not_judged: Callable[[RepoModel], Collection[str]] | None = None
    #: what render creates when ``path_field`` is missing ("test file"); "" if render never creates it
    rendered: str = ""
    #: what the recorded path must be when ``rendered`` ("a directory")
    path_is: str = ""
    #: where the artifact already is when ``path_field`` is missing (None: nowhere conventional)
    found_at: Callable[[RepoModel, Pattern], str | None] | None = None
    #: ``--fix``: the path to record in ``path_field`` when the entry lacks it (None: nothing to record)
    fix_path: Callable[[RepoModel, Pattern, Suite], str | None] | None = None
    #: ``--fix``: files that get a DOC_LINK header beyond what render's phase 1 inserts
    fix_links: Callable[[RepoModel, Pattern, Suite], list[str]] | None = None
    #: the kind's rows of the rule table (``Rule.subject`` = ``kind``)
    rules: tuple[Rule, ...] = ()
    #: PAT-CHECK-001-013 beyond "under <root>/<folder>/": the recorded (normalized) path exists, ...
    judge_path: Callable[[RepoModel, Item, str, int | None], Iterable[Finding]] | None = None

    @property
    def folder(self) -> str:
        """The sub-folder of a pattern root that holds the artifact (``patforge.repository.layout``)."""
        return KIND_DIRS.get(self.path_field, "")

    def subject_path(self, model: RepoModel, item: Item, s: Suite | None) -> str:
        return self.subject(model, item, s) if self.subject else item.pattern.paths[self.path_field]
