"""Build the :class:`~patforge.check.model.RepoModel` of one repository: read once, judge many."""

from __future__ import annotations

from pathlib import Path

from patforge import kinds
from patforge.docids.existing import reuse_existing_ids
from patforge.repository.config import load_config
from patforge.errors import RegistryError, UsageError
from patforge.repository.registry import load_registry, load_spec
from patforge.repository.files import RepoFiles

from patforge.check.incremental import Selection, repo_relative, select_entries, staged_deletions
from patforge.check.model import RepoModel, build_items, load_baseline


def load_model(repo: Path, changed: tuple[str, ...] = (), staged: bool = False) -> RepoModel:
    """The repository as check sees it. A registry that is missing or not valid YAML is
    kept as ``registry_problem`` (a -010 FAIL); an unreadable one raises ``RegistryError``.
    With ``changed`` files (``check FILE...``), only the patterns they belong to are read
    past their registry entry (specs parsed, artifacts located). ``staged`` (pre-commit):
    the files deleted in git's index count as changed too, and no file at all selects
    no pattern (instead of every one)."""
    config = load_config(repo)
    if staged:
        changed = tuple(changed) + tuple(str(Path(repo).resolve() / rel) for rel in staged_deletions(Path(repo)))
    incremental = bool(changed) or staged
    files = RepoFiles(repo)  # lenient and cached: one bad file is a finding, never a crash
    registry, problem = None, None
    rel: list[str] = []
    if incremental:
        rel, outside = repo_relative(repo, [Path(f) for f in changed])
        if outside:
            raise UsageError(f"not in the repository {repo}: {', '.join(outside)}",
                             hint="pass files inside --repo (pre-commit passes them relative to the repository)")
    found: list[Selection] = []

    def focus(entries: list) -> set[int] | None:
        """check FILE...: the changed files' entries; only they (and what may clash with them) are validated."""
        found.append(select_entries(repo, config.registry, entries, rel))
        return found[-1].indexes

    try:
        registry = load_registry(repo, config, load_specs=not incremental, positions=False,  # lines when asked
                                 focus=focus if incremental else None)
        if not incremental:
            reuse_existing_ids(registry)
    except RegistryError as exc:
        d = exc.diagnostics[0] if exc.diagnostics else None
        if d is None or d.code in ("file-unreadable",):
            raise
        problem = d
    selection = None
    if incremental:
        if registry is not None:
            selection = found[-1]
            for p in registry.patterns:
                if selection.indexes is None or p.index in selection.indexes:
                    load_spec(registry, p)
    # the doc_id rule may be inferred from the registry (docids/existing.py)
    model = RepoModel(repo, registry.config if registry else config, files, registry, problem,
                      kinds.checked(), kinds.per_pattern())
    model.selection = selection
    if registry is not None:
        files.seed_yaml(registry.path, registry.doc)
    build_items(model)
    if selection is not None and selection.indexes is not None:
        model.selected = {it.label for it in model.items if it.index in selection.indexes}
    for judge in model.judges:
        if judge.prepare is not None:
            judge.prepare(model)
    # Each entry's artifacts are located when it is judged (RepoModel.suite_for), and
    # released after: memory does not grow with the repository.
    load_baseline(model)
    return model
