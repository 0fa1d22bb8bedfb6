"""Kind ``repo``: the repository-level files (Phase 4, one unit per repository).

The domain schemas (``schema/*.v1.json``, shipped in ``patforge/data/schema``) are
derived output: the answers file records their hashes, not their text. The registry
and compliance tests and the scripts (the PowerShell checks, the plan's master script
and its POSIX twin) are plain templates over the registry path and the doc_id rule.
"""

from __future__ import annotations

from patforge.spec import domain_schemas
from patforge.kinds.base import REPOSITORY, BuildContext, Kind, Unit
from patforge.repository.registry import Pattern

SCHEMA_DIR = "schema"
FILES = (
    *(f"{SCHEMA_DIR}/{n}" for n in domain_schemas.DOMAIN_SCHEMA_FILES),
    "tests/patterns/__init__.py",
    "tests/patterns/test_pattern_registry.py",
    "tests/patterns/test_doc_id_compliance.py",
    "scripts/PATTERN_DIR_CHECK.ps1",
    "scripts/validate_doc_id_consistency.ps1",
    "scripts/generate_all_pattern_files.ps1",  # the plan's master script, and its POSIX twin
    "scripts/generate_all_pattern_files.sh",
)


class RepoKind(Kind):
    """One unit per repository, built once from the whole registry."""

    def build(self, ctx: BuildContext, p: Pattern | None) -> Unit | None:
        answers = {"answers_file": self.answers_file(None), "registry_path": ctx.registry.path,
                   "doc_id_rule": ctx.registry.config.doc_id_rule}
        derived = {f"{SCHEMA_DIR}/{n}": domain_schemas.domain_schema_text(n)
                   for n in domain_schemas.DOMAIN_SCHEMA_FILES}
        return Unit(self.name, "(repository)", self.phase(None), answers, list(FILES), derived=derived)


KIND = RepoKind("repo", REPOSITORY,
                "repository-level files: domain schemas, registry/compliance tests, PowerShell checks")
