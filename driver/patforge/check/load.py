"""Build the :class:`~patforge.check.model.RepoModel` of one repository: read once, judge many."""

from __future__ import annotations

from pathlib import Path

from patforge.config import load_config
from patforge.errors import RegistryError
from patforge.registry import load_registry
from patforge.repofiles import RepoFiles

from patforge.check.judges import ARTIFACTS
from patforge.check.model import RepoModel, Suite, build_items, load_baseline


def load_model(repo: Path) -> RepoModel:
    """The repository as check sees it. A registry that is missing or not valid YAML is
    kept as ``registry_problem`` (a -010 FAIL); an unreadable one raises ``RegistryError``."""
    config = load_config(repo)
    files = RepoFiles(repo)  # lenient and cached: one bad file is a finding, never a crash
    registry, problem = None, None
    try:
        registry = load_registry(repo, config)
    except RegistryError as exc:
        d = exc.diagnostics[0] if exc.diagnostics else None
        if d is None or d.code in ("file-unreadable",):
            raise
        problem = d
    model = RepoModel(repo, config, files, registry, problem)
    if registry is not None:
        files.seed_yaml(registry.path, registry.doc)
    build_items(model)
    for judge in ARTIFACTS:
        if judge.prepare is not None:
            judge.prepare(model)
    for item in model.items:
        if item.pattern is not None:
            model.suites[item.label] = Suite(item.pattern, {j.kind: j.locate(model, item.pattern) for j in ARTIFACTS})
    load_baseline(model)
    return model
