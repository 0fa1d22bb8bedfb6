"""``patforge init`` and ``new`` on a brand-new repository (issue 23, "A brand-new repository").

A team without a registry runs ``init``, then ``new``, ``render`` and ``check``: the
first pattern is compliant at once. ``init`` never overwrites a file; on a repository
that already has a registry it adds only what is missing, and says which.
"""

from __future__ import annotations

import os
import site
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, git, tree_snapshot

INIT_FILES = {
    "patterns/registry/PATTERN_INDEX.yaml",
    "patforge.toml",
    ".pre-commit-config.yaml",
    ".github/workflows/patforge.yml",
    ".gitattributes",
}


@pytest.fixture
def empty_repo(tmp_path: Path) -> Path:
    repo = tmp_path / "team"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    return repo


def test_init_writes_the_skeleton(empty_repo, cli):
    r = cli("init", "--repo", str(empty_repo))
    assert r.code == 0, r
    for rel in INIT_FILES:
        assert (empty_repo / rel).is_file(), rel
        assert f"added {rel}" in r.out, r.out
    for sub in ("specs", "schemas", "executors", "examples", "tests"):
        assert (empty_repo / "patterns" / sub).is_dir(), sub
    registry = yaml.safe_load((empty_repo / "patterns/registry/PATTERN_INDEX.yaml").read_text())
    assert registry == {"patterns": []}
    toml = tomllib.loads((empty_repo / "patforge.toml").read_text())
    assert toml["patforge"]["doc_id_rule"] == "DOC-<REST>"
    attrs = (empty_repo / ".gitattributes").read_text()
    for line in ("*.sh   text eol=lf", "*.py   text eol=lf", "*.ps1  text eol=crlf"):
        assert line in attrs
    hooks = yaml.safe_load((empty_repo / ".pre-commit-config.yaml").read_text())
    hook = hooks["repos"][0]["hooks"][0]
    assert hook["id"] == "patforge-check" and hook["entry"] == "patforge check"


def test_init_workflow_runs_check_uploads_sarif_and_annotates(empty_repo, cli):
    assert cli("init", "--repo", str(empty_repo)).code == 0
    wf = yaml.safe_load((empty_repo / ".github/workflows/patforge.yml").read_text())
    steps = [s for job in wf["jobs"].values() for s in job["steps"]]
    runs = "\n".join(s.get("run", "") for s in steps)
    assert "patforge check --format github" in runs
    assert "patforge check --format sarif --output" in runs
    upload = [s for s in steps if str(s.get("uses", "")).startswith("github/codeql-action/upload-sarif@")]
    assert upload and upload[0]["if"] == "always()"
    assert wf["permissions"]["security-events"] == "write"
    assert True in wf or "on" in wf  # YAML 1.1 reads the bare key `on` as True
    triggers = wf.get("on", wf.get(True))
    assert "pull_request" in triggers


def test_init_never_overwrites_and_says_what_it_kept(empty_repo, cli):
    (empty_repo / ".gitattributes").write_bytes(b"*.bin binary\n")
    (empty_repo / "patforge.toml").write_bytes(b'[patforge]\ndoc_id_rule = "DOC-PAT-<REST>"\n')
    r = cli("init", "--repo", str(empty_repo))
    assert r.code == 0, r
    assert (empty_repo / ".gitattributes").read_bytes() == b"*.bin binary\n"
    assert (empty_repo / "patforge.toml").read_bytes() == b'[patforge]\ndoc_id_rule = "DOC-PAT-<REST>"\n'
    # a kept .gitattributes that lacks the line-ending rules is named with them
    assert ("kept .gitattributes (it exists); it lacks `*.sh text eol=lf`, `*.py text eol=lf`, "
            "`*.ps1 text eol=crlf`, `*.json text`, `*.yaml text`, which docs/windows.md advises: add them by hand"
            in r.out), r.out
    assert "kept patforge.toml (it exists)\n" in r.out
    again = tree_snapshot(empty_repo)
    r2 = cli("init", "--repo", str(empty_repo))
    assert r2.code == 0 and "added" not in r2.out, r2
    assert tree_snapshot(empty_repo) == again
    (empty_repo / ".gitattributes").write_bytes((ROOT / "driver/patforge/data/init/.gitattributes.jinja").read_bytes())
    r3 = cli("init", "--repo", str(empty_repo))
    assert "kept .gitattributes (it exists)\n" in r3.out  # it has them all: nothing to advise


def test_init_on_a_repository_with_a_registry_adds_only_what_is_missing(demo_repo, cli):
    before = tree_snapshot(demo_repo)
    dry = cli("init", "--repo", str(demo_repo), "--dry-run")
    assert dry.code == 0, dry
    assert tree_snapshot(demo_repo) == before
    assert "would add patforge.toml" in dry.out
    assert "kept patterns/registry/PATTERN_INDEX.yaml (it exists)" in dry.out
    r = cli("init", "--repo", str(demo_repo))
    assert r.code == 0, r
    after = tree_snapshot(demo_repo)
    added = sorted(set(after) - set(before))
    assert all(before[k] == after[k] for k in before)  # nothing existing changed
    assert added and all(f"added {rel}" in r.out for rel in added)
    # with a registry present, the doc_id rule written is the one its doc_ids follow
    toml = tomllib.loads((demo_repo / "patforge.toml").read_text())
    assert toml["patforge"]["doc_id_rule"]


def test_init_does_not_add_a_second_registry_beside_one_named_in_another_case(empty_repo, cli):
    reg = empty_repo / "patterns/registry/pattern_index.yaml"
    reg.parent.mkdir(parents=True)
    reg.write_text("patterns: []\n")
    r = cli("init", "--repo", str(empty_repo))
    assert r.code == 0, r
    assert sorted(p.name for p in reg.parent.iterdir()) == ["pattern_index.yaml"]
    assert ("not added patterns/registry/PATTERN_INDEX.yaml: patterns/registry/pattern_index.yaml is there "
            "instead: patforge reads patterns/registry/PATTERN_INDEX.yaml; rename it, or set "
            'registry = "patterns/registry/pattern_index.yaml" in patforge.toml') in r.out


def test_init_refuses_a_path_outside_the_repository(tmp_path, cli):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / ".github").symlink_to(outside, target_is_directory=True)
    r = cli("init", "--repo", str(repo))
    assert r.code == 2, r
    assert not any(outside.iterdir())
    assert "Traceback" not in r.text


@pytest.mark.parametrize("text", ["patterns: []\n", "patterns:\n", "# our patterns\npatterns: [] # none yet\n",
                                  "patterns: [ ]\r\n", "version: 1\npatterns:\nowner: team\n"])
def test_new_on_an_empty_registry_is_compliant_at_once(empty_repo, cli, text):
    reg = empty_repo / "patterns/registry/PATTERN_INDEX.yaml"
    reg.parent.mkdir(parents=True)
    reg.write_bytes(text.encode())
    r = cli("new", "first_pattern", "--category", "x", "--repo", str(empty_repo))
    assert r.code == 0, r
    data = yaml.safe_load(reg.read_text())
    assert [e["name"] for e in data["patterns"]] == ["first_pattern"]
    for line in text.splitlines():
        if line.startswith("#") or line.startswith("owner") or line.startswith("version"):
            assert line in reg.read_text()
    c = cli("check", "--repo", str(empty_repo))
    assert c.code == 0, c


def test_new_without_a_registry_says_to_run_init(empty_repo, cli):
    r = cli("new", "first_pattern", "--category", "x", "--repo", str(empty_repo))
    assert r.code == 2, r
    assert "patforge init" in r.err
    assert r.err.count("file does not exist") <= 1, r.err
    assert not (empty_repo / "patterns").exists()


def test_init_new_render_check_in_process(empty_repo, cli):
    assert cli("init", "--repo", str(empty_repo)).code == 0
    assert cli("render", "--repo", str(empty_repo)).code == 0
    assert cli("check", "--repo", str(empty_repo)).code == 0
    r = cli("new", "first_pattern", "--category", "x", "--repo", str(empty_repo))
    assert r.code == 0, r
    r = cli("render", "--repo", str(empty_repo))
    assert r.code == 0, r
    c = cli("check", "--repo", str(empty_repo))
    assert c.code == 0, c


@pytest.mark.slow
def test_init_new_render_check_from_a_wheel_in_a_fresh_venv(tmp_path):
    """Done when (issue 23): in an empty git repository, init && new && render && check
    exits 0 with patforge installed from its wheel into a fresh venv (no source tree)."""
    dist = tmp_path / "dist"
    res = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                          "-w", str(dist), str(ROOT)], capture_output=True, text=True)
    if res.returncode != 0:  # hatchling not importable here: let pip build in isolation
        res = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist),
                              str(ROOT)], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    wheel = next(dist.glob("patforge-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "patforge/docs/registry.md" in names and "patforge/docs/spec-dialect.md" in names
    assert {"patforge/data/init/copier.yml", "patforge/data/init/.github/workflows/patforge.yml.jinja",
            "patforge/data/init/.gitattributes.jinja", "patforge/data/init/patterns/specs/.gitkeep"} <= set(names)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    py = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    # patforge's dependencies come from the test environment (a .pth line puts its
    # site-packages after the venv's own; its .pth files, such as an editable install
    # of patforge, are not processed): no network, and patforge only from the wheel.
    venv_site = subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip()
    Path(venv_site, "_test_env_deps.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    # --ignore-installed: the test environment's own patforge (a regular install in CI,
    # seen through the .pth line) must not make pip skip the wheel as "already satisfied"
    res = subprocess.run([str(py), "-m", "pip", "install", "--no-deps", "--no-index", "--ignore-installed", "-q",
                          str(wheel)],
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    exe = venv / ("Scripts/patforge.exe" if os.name == "nt" else "bin/patforge")
    repo = tmp_path / "team"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    where = subprocess.run([str(py), "-c", "import patforge; print(patforge.__file__)"], cwd=repo, env=env,
                           capture_output=True, text=True).stdout
    assert where.startswith(str(venv)), where
    script = f'"{exe}" init && "{exe}" new first_pattern --category x && "{exe}" render && "{exe}" check'
    res = subprocess.run(script, shell=True, cwd=repo, env=env, capture_output=True, text=True)
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-3000:]
    # the doc pointer the scaffolded spec names resolves from the wheel alone
    spec = (repo / "patterns/specs/first_pattern.pattern.yaml").read_text()
    assert "patforge docs spec-dialect" in spec
    page = subprocess.run([str(exe), "docs", "spec-dialect"], cwd=repo, env=env, capture_output=True, text=True)
    assert page.returncode == 0 and page.stdout.startswith("# "), page.stderr
