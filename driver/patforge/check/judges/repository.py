"""The repository and its roots: PAT-CHECK-001-001, -002, -010, -080..-082, and
PATFORGE-DOC-ID-MAPPING (``docmap.py``).

Also where a passing record of a repository- or root-scope rule points.
"""

from __future__ import annotations

from typing import Iterator

from patforge.repository.layout import ROOT_SUBDIRS

from patforge.check.orphans import check_orphans
from patforge.check.judges import docmap
from patforge.check.judging import bad
from patforge.check.model import RepoModel
from patforge.check.rules import Finding, Rule


def judge_repository(model: RepoModel) -> Iterator[Finding]:
    yield from _layout(model)
    yield from _registry_file(model)
    for root in model.roots:
        yield from check_orphans(model, root)
    yield from docmap.judge_doc_id_mapping(model)


def repo_subject(model: RepoModel, rule: Rule) -> tuple[str | None, str] | None:
    """(root, path) a passing record of a repository rule points at; None: not judged here."""
    if rule.id == "PAT-CHECK-001-001":
        return "patterns", "patterns"
    if rule.id == "PAT-CHECK-001-010":
        return model.primary_root, model.reg_path
    if rule.id == docmap.RULE:
        return docmap.subject(model)
    if rule.holds_by:  # -080..-082: this command and its report
        return None, model.reg_path
    return None


def root_subject(model: RepoModel, rule: Rule, root: str) -> str:
    """The path a passing record of a root rule points at: the root, or the kind's folder in it."""
    judge = model.judge_of(rule.subject)
    return f"{root}/{judge.folder}" if judge else root


def _layout(model: RepoModel) -> Iterator[Finding]:
    if not model.files.is_dir("patterns"):
        yield bad("PAT-CHECK-001-001", None, "there is no patterns/ folder at the repository root",
                  path="patterns", root="patterns",
                  hint="create patterns/ with registry/ specs/ schemas/ executors/ examples/ tests/ "
                       "(or pass --repo with the folder that holds it)")
    for root in model.roots:
        wanted = [d for d in ROOT_SUBDIRS if d != "registry" or root == model.primary_root]
        missing = [d for d in wanted if not model.files.is_dir(f"{root}/{d}")]
        if missing:
            extra = "" if root == model.primary_root else \
                " (registry/ is not required in an extra root: the registry lives in " \
                f"{model.primary_root}/registry/)"
            yield bad("PAT-CHECK-001-002", None,
                      f"pattern root {root}/ lacks {', '.join(d + '/' for d in missing)}{extra}",
                      path=root, root=root,
                      hint=f"create {', '.join(f'{root}/{d}/' for d in missing)} (add a .gitkeep: git "
                           "does not keep empty folders); `patforge render` creates the ones it fills")


def _registry_file(model: RepoModel) -> Iterator[Finding]:
    d = model.registry_problem
    if d is not None:
        yield bad("PAT-CHECK-001-010", None, f"the registry cannot be used: {d.message}", path=d.path or model.reg_path,
                  line=d.line, root=model.primary_root, hint=d.hint)
