"""`patforge update --templates-only`: the template history reaches the repository
before a by-hand `copier update -a` (docs/templates.md)."""

from __future__ import annotations

import json
import subprocess

from conftest import git
from patforge.rendering.template_source import REPO_BUNDLE, shipped_bundle


def tags(bundle) -> set[str]:
    out = subprocess.run(["git", "bundle", "list-heads", str(bundle)], capture_output=True, text=True).stdout
    return {l.split("refs/tags/")[1] for l in out.splitlines() if "refs/tags/" in l}


def test_templates_only_copies_the_shipped_versions_and_nothing_else(cli, demo_repo):
    (demo_repo / "notes.txt").write_text("uncommitted work\n", encoding="utf-8")  # a dirty tree is fine
    dry = cli("update", "--repo", str(demo_repo), "--templates-only", "--dry-run")
    versions = ", ".join(sorted(tags(shipped_bundle())))
    assert dry.code == 0 and f"templates: would copy this patforge's template history into {REPO_BUNDLE} " \
        f"(versions {versions}); nothing written" in dry.out, dry
    assert "units updated" not in dry.out and not (demo_repo / REPO_BUNDLE).exists()
    res = cli("update", "--repo", str(demo_repo), "--templates-only")
    assert res.code == 0, res
    assert f"templates: copied this patforge's template history into {REPO_BUNDLE} (versions {versions}); " \
        "no rendered file was touched" in res.out
    assert "next: `copier update -a .patforge/answers/<pattern>/<kind>.yml` by hand" in res.out
    assert (demo_repo / REPO_BUNDLE).read_bytes() == shipped_bundle().read_bytes()
    assert tags(demo_repo / REPO_BUNDLE) == tags(shipped_bundle()) != set()
    changed = {l[3:] for l in git(demo_repo, "status", "--porcelain", "--untracked-files=all").splitlines()}
    assert changed == {"notes.txt", REPO_BUNDLE}
    res = cli("update", "--repo", str(demo_repo), "--templates-only")
    assert res.code == 0 and "history into" not in res.out
    assert f"templates: {REPO_BUNDLE} already holds every version this patforge ships ({versions}); " \
        "nothing copied" in res.out
    data = json.loads(cli("update", "--repo", str(demo_repo), "--templates-only", "--json").out)
    assert data["templates"]["action"] == "already-current" and data["changed_files"] == []
    res = cli("rollback", "--repo", str(demo_repo))  # undoable like any update
    assert res.code == 0 and not (demo_repo / REPO_BUNDLE).exists()


def test_templates_only_never_replaces_a_bundle_with_more_versions(cli, demo_repo, tmp_path):
    # a bundle with a version this patforge does not ship (a newer patforge wrote it)
    work = tmp_path / "t"
    git(tmp_path, "clone", "-q", str(shipped_bundle()), str(work))
    git(work, "tag", "v99.0.0")
    (demo_repo / ".patforge").mkdir()
    git(work, "bundle", "create", str(demo_repo / REPO_BUNDLE), "--all")
    before = (demo_repo / REPO_BUNDLE).read_bytes()
    res = cli("update", "--repo", str(demo_repo), "--templates-only")
    assert res.code == 0 and (demo_repo / REPO_BUNDLE).read_bytes() == before
    assert f"templates: {REPO_BUNDLE} kept as it is: it holds version(s) this patforge does not ship (v99.0.0)" \
        in res.out
