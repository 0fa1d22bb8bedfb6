"""The shipped template history: current, versioned, usable from a wheel."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, commit_all, git


def test_bundle_matches_the_templates_in_the_tree():
    res = subprocess.run([sys.executable, str(ROOT / "scripts/build_template_bundle.py"), "--check"],
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stdout + res.stderr


def test_bundle_has_the_current_version_tag():
    from patforge.vcs.git import list_tags
    from patforge.rendering.template_source import shipped_bundle

    version = (ROOT / "templates/VERSION").read_text().strip()
    assert f"v{version}" in list_tags(str(shipped_bundle()))


def test_sidecar_by_hand_with_plain_copier(tmp_path):
    """docs/templates.md: a kind applied by hand with `copier copy`."""
    from patforge.rendering.template_source import shipped_bundle

    dst = tmp_path / "repo"
    dst.mkdir()
    units = ('[{"answers_file": ".patforge/answers/demo/sidecar.yml", "name": "demo", '
             '"pattern_id": "PAT-DEMO-001", "doc_id": "DOC-DEMO-001", '
             '"schema_path": "patterns/schemas/demo.schema.json", "spec_path": "patterns/specs/demo.pattern.yaml", '
             '"sidecar_path": "patterns/schemas/demo.schema.id.yaml", "examples_index_path": "", "example_files": []}]')
    res = subprocess.run([sys.executable, "-m", "copier", "copy", "--defaults", "-d", "artifact=sidecar",
                          "-d", f"units={units}", str(shipped_bundle()), str(dst)], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    side = yaml.safe_load((dst / "patterns/schemas/demo.schema.id.yaml").read_text())
    assert side["doc_id"] == "DOC-DEMO-001" and side["role"] == "schema"
    answers = yaml.safe_load((dst / ".patforge/answers/demo/sidecar.yml").read_text())
    assert answers["artifact"] == "sidecar" and answers["units"][0]["name"] == "demo"


@pytest.mark.slow
def test_pip_installed_wheel_renders_and_updates(tmp_path):
    """A non-editable install (the wheel alone, no source tree) can render the demo and
    update it after a template change: the templates and their history ship inside."""
    dist = tmp_path / "dist"
    res = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(ROOT)],
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    wheel = next(dist.glob("patforge-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "patforge/data/templates.bundle" in names
    assert "patforge/_template/copier.yml" in names
    assert any(n.startswith("patforge/data/demo/patterns/registry/") for n in names)
    site = tmp_path / "site"
    res = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site),
                          str(wheel)], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    env = {**os.environ, "PYTHONPATH": str(site)}
    work = tmp_path / "work"
    work.mkdir()

    def pf(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "patforge", *args], cwd=work, env=env,
                              capture_output=True, text=True)

    where = subprocess.run([sys.executable, "-c", "import patforge; print(patforge.__file__)"], cwd=work,
                           env=env, capture_output=True, text=True).stdout
    assert where.startswith(str(site)), where
    res = pf("demo", "demo")
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-3000:]
    repo = work / "demo"
    commit_all(repo, "rendered")
    # a new template version, made from the repository's own template history
    tpl = tmp_path / "tpl"
    git(tmp_path, "clone", "-q", str(repo / ".patforge/templates.bundle"), str(tpl))
    sidecar = next((tpl / "templates/sidecar").glob("*sidecar_path*"))
    sidecar.write_text(sidecar.read_text() + "# revised template\n")
    commit_all(tpl, "revise")
    git(tpl, "tag", "v50.0.0")
    res = pf("update", "--repo", str(repo), "--template", str(tpl))
    assert res.returncode == 0, res.stdout + res.stderr
    assert (repo / "patterns/schemas/batch_create.schema.id.yaml").read_text().endswith("# revised template\n")
