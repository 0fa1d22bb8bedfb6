"""The kinds interface: a new kind is one module plus one template folder, and the
commands never name a kind (they iterate ``kinds.KINDS``)."""

from __future__ import annotations

import ast
import importlib.util
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

from conftest import ROOT
from patforge import kinds

TOY_MODULE = '''
"""Kind ``toy``: one text file per pattern, next to its spec."""

from patforge.kinds.base import PATTERN, BuildContext, Kind, Unit


class ToyKind(Kind):
    def layout(self, registry, p):
        return {"note": f"{p.root}/notes/{p.name}.txt"}

    def build(self, ctx: BuildContext, p):
        path = self.layout(ctx.registry, p)["note"]
        answers = {"answers_file": self.answers_file(p), "name": p.name,
                   "doc_id": ctx.registry.doc_id_for(p), "note_path": path}
        return Unit(self.name, p.name, ctx.phase, answers, [path])

    def validate(self, unit, staged, files):
        from patforge.diagnostics import error

        text = staged[unit.files[0]].decode()
        return [] if unit.answers["doc_id"] in text else [error("the note lacks its doc_id")]


KIND = ToyKind("toy", PATTERN, "a one-line note per pattern")
'''

TOY_TEMPLATES = {
    "{% yield u from units %}{{ u.note_path }}{% endyield %}.jinja": "note for {{ u.name }} ({{ u.doc_id }})\n",
    "{% yield u from units %}{{ u.answers_file }}{% endyield %}.jinja": '{% include "templates/_lib/answers.jinja" %}\n',
}


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t.invalid", "-c", "commit.gpgsign=false",
                    "-c", "tag.gpgsign=false", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture
def toy(tmp_path):
    """The toy kind: its module (imported from tmp) and the template collection with
    its folder added, as a tagged git repository."""
    mod_path = tmp_path / "toy_kind.py"
    mod_path.write_text(textwrap.dedent(TOY_MODULE), encoding="utf-8")
    spec = importlib.util.spec_from_file_location("toy_kind", mod_path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)

    tpl = tmp_path / "templates-src"
    tpl.mkdir()
    shutil.copy2(ROOT / "copier.yml", tpl / "copier.yml")
    shutil.copytree(ROOT / "templates", tpl / "templates", ignore=shutil.ignore_patterns("__pycache__"))
    folder = tpl / "templates" / "toy"
    folder.mkdir()
    for name, text in TOY_TEMPLATES.items():
        (folder / name).write_text(text, encoding="utf-8")
    git(tpl, "init", "-q", "-b", "main")
    git(tpl, "add", "-A")
    git(tpl, "commit", "-q", "-m", "templates with a toy kind")
    git(tpl, "tag", "v1.0.0")

    kinds.register(module.KIND)
    try:
        yield module.KIND, tpl
    finally:
        kinds.unregister("toy")


@pytest.mark.slow
def test_a_toy_kind_renders_end_to_end(toy, demo_repo):
    from patforge.commands.render import RenderOptions, render

    kind, tpl = toy
    assert "toy" in kinds.names() and kinds.by_name("toy") is kind
    report = render(demo_repo, RenderOptions(template=str(tpl), kinds=("toy",)))
    assert not report.failed, [d.message for d in report.diagnostics.errors]
    generated = [o for o in report.outcomes if o.kind == "toy" and o.status == "generated"]
    assert len(generated) == 24 and {o.phase for o in generated} == {2, 3}
    note = demo_repo / "patterns/notes/self_heal.txt"
    assert note.read_text(encoding="utf-8") == "note for self_heal (DOC-SELF-HEAL-001)\n"
    answers = yaml.safe_load((demo_repo / ".patforge/answers/self_heal/toy.yml").read_text(encoding="utf-8"))
    assert answers["artifact"] == "toy" and answers["units"][0]["note_path"] == "patterns/notes/self_heal.txt"
    assert not [o for o in report.outcomes if o.kind != "toy" and o.status == "generated"]  # --kind toy only

    again = render(demo_repo, RenderOptions(template=str(tpl), kinds=("toy",)))
    assert not again.changes and {o.status for o in again.outcomes if o.kind == "toy"} == {"current"}


def test_a_registered_kind_joins_every_listing(toy):
    from patforge.errors import UsageError
    from patforge.commands.render import RenderOptions, Renderer

    kind, _tpl = toy
    assert kind in kinds.in_scope(kinds.PATTERN) and kinds.KINDS[-1] is kind
    with pytest.raises(ValueError):
        kinds.register(kind)
    with pytest.raises(UsageError) as exc:
        Renderer(ROOT / "driver/patforge/data/demo", RenderOptions(kinds=("nope",)))
    assert "toy" in exc.value.hint


def test_every_kind_implements_the_interface():
    assert kinds.names() == ("sidecar", "schema", "examples", "executor", "tests", "repo")
    for kind in kinds.KINDS:
        assert kind.scope in kinds.SCOPES and kind.summary
        assert (ROOT / "templates" / kind.name).is_dir(), kind.name
        assert type(kind).build is not kinds.Kind.build, kind.name


#: Modules that must work for any kind: they may not name one.
KIND_BLIND = ("commands/render.py", "rendering/pipeline.py", "commands/update.py", "commands/new.py", "cli.py",
              "docids/edits.py", "rendering/report.py",
              "reports/render_text.py", "rendering/copier_runner.py", "rendering/answers.py", "rendering/noop.py",
              "rendering/manifest.py")


@pytest.mark.parametrize("module", KIND_BLIND)
def test_commands_never_name_a_kind(module):
    tree = ast.parse((ROOT / "driver/patforge" / module).read_text(encoding="utf-8"))
    docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                  if isinstance(n, (ast.Module, ast.FunctionDef, ast.ClassDef)) and n.body
                  and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
    # "repo" is also a word in its own right: as a dict key or a CLI option name it names no kind
    keys = {id(k) for n in ast.walk(tree) if isinstance(n, ast.Dict) for k in n.keys if k is not None}
    options = {id(a) for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
               and n.func.attr in ("option", "argument") for a in n.args}
    named = sorted({n.value for n in ast.walk(tree) if isinstance(n, ast.Constant)
                    and id(n) not in docstrings | keys | options and n.value in kinds.names()})
    assert named == [], f"{module} names kind(s) {named}: ask kinds.KINDS instead"


def test_kind_help_comes_from_the_kinds():
    res = subprocess.run([sys.executable, "-m", "patforge", "render", "--help"], capture_output=True, text=True)
    assert res.returncode == 0
    flat = " ".join(res.stdout.split())
    assert "Only these artifact kinds: " + ", ".join(kinds.names()) in flat
