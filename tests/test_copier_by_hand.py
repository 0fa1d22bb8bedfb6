"""docs/templates.md, "Applying a template by hand": plain ``copier copy`` and
``copier update -a`` work for every kind, without patforge.

``copier copy`` with a unit taken from an answers file (plus, for kinds with derived
output, that output) writes exactly the bytes ``patforge render`` wrote; ``copier
update -a`` on one unit's answers file brings a new template version in and never
empties or changes derived output (a schema, the examples)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import commit_all, git
from patforge import kinds
from patforge.repository.layout import answers_path, repository_answers_path

pytestmark = pytest.mark.slow


def copier(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "copier", *args], cwd=cwd, capture_output=True, text=True)


@pytest.fixture
def rendered(rendered_demo):
    return rendered_demo  # conftest.py


def one_answers_file(repo: Path, kind: kinds.Kind) -> str:
    rel = repository_answers_path(kind.name) if kind.scope == kinds.REPOSITORY else answers_path("self_heal", kind.name)
    assert (repo / rel).is_file(), rel
    return rel


def by_hand_units(repo: Path, answers_rel: str) -> dict:
    """The data file a person writes: the recorded unit, plus its derived output (the
    files whose hashes the unit records)."""
    unit = yaml.safe_load((repo / answers_rel).read_text(encoding="utf-8"))["units"][0]
    derived = {rel: (repo / rel).read_text(encoding="utf-8") for rel in unit.get("derived_sha256", {})}
    return {"units": [{**unit, "derived": derived} if derived else unit]}


@pytest.mark.parametrize("kind_name", kinds.names())
def test_copier_copy_by_hand_writes_what_render_wrote(rendered, tmp_path, kind_name):
    kind = kinds.by_name(kind_name)
    answers_rel = one_answers_file(rendered, kind)
    out = tmp_path / "by-hand"
    (out / ".patforge").mkdir(parents=True)
    shutil.copy2(rendered / ".patforge/templates.bundle", out / ".patforge/templates.bundle")
    data = tmp_path / f"units-{kind_name}.yml"
    data.write_text(yaml.safe_dump(by_hand_units(rendered, answers_rel), allow_unicode=True), encoding="utf-8")
    # the command of docs/templates.md, run from the repository root
    res = copier("copy", "--defaults", "-d", f"artifact={kind_name}",
                 "--data-file", str(data), ".patforge/templates.bundle", ".", cwd=out)
    assert res.returncode == 0, res.stderr
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*")
                     if p.is_file() and p.name not in ("templates.bundle", "last-run.yml"))
    assert answers_rel in written and len(written) >= 2, written
    for rel in written:
        assert (out / rel).read_bytes() == (rendered / rel).read_bytes(), f"{kind_name}: {rel} differs"


def test_copier_update_by_hand_for_every_kind(rendered, tmp_path):
    tpl = tmp_path / "tpl"
    git(tmp_path, "clone", "-q", str(rendered / ".patforge/templates.bundle"), str(tpl))
    macros = tpl / "templates/_lib/escape.jinja"  # every kind includes it: every kind's template changes
    macros.write_text(macros.read_text(encoding="utf-8") + "{# template revision 1.1 #}\n", encoding="utf-8")
    commit_all(tpl, "v1.1.0")
    git(tpl, "tag", "v1.1.0")
    picked = [one_answers_file(rendered, k) for k in kinds.rendered()]  # (spec: checked, never rendered)
    for rel in picked:
        path = rendered / rel
        path.write_text(path.read_text(encoding="utf-8").replace(
            "_src_path: .patforge/templates.bundle", f"_src_path: {tpl.as_posix()}"), encoding="utf-8")
    commit_all(rendered, "point one unit of each kind at the new template")
    before = {p.relative_to(rendered).as_posix(): p.read_bytes() for p in rendered.rglob("*")
              if p.is_file() and ".git" not in p.parts and ".patforge" not in p.parts}
    for rel in picked:
        res = copier("update", "--defaults", "-a", rel, cwd=rendered)
        assert res.returncode == 0, (rel, res.stderr)
        assert "_commit: v1.1.0" in (rendered / rel).read_text(encoding="utf-8"), rel
        commit_all(rendered, f"updated {rel}")
    after = {p.relative_to(rendered).as_posix(): p.read_bytes() for p in rendered.rglob("*")
             if p.is_file() and ".git" not in p.parts and ".patforge" not in p.parts}
    # The template change is a comment: no artifact changes, and no derived output is lost.
    assert after == before
