"""The kinds interface: a new kind is one module plus one template folder, and no
other module names a kind (they iterate ``kinds.KINDS``). The toy kind below (a
module written by the test, with a template folder and a check rule of its own) goes
through render, status, update, new and check."""

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
"""Kind ``toy``: one text file per pattern, next to its spec; check warns when it lacks
the pattern's doc_id (rule PATFORGE-TOY-NOTE)."""

from dataclasses import dataclass

from patforge.check.judging import bad
from patforge.check.rules import SHOULD, Rule
from patforge.kinds.base import PATTERN, BuildContext, Kind, Unit
from patforge.kinds.judge import ArtifactJudge


@dataclass
class NotePart:
    path: str
    text: str | None


def locate(model, p):
    path = KIND.layout(model.registry, p)["note"]
    return NotePart(path, model.files.text(path))


def judge(model, item, s):
    part = s.part("toy")
    doc_id = model.expected(item)[0]
    if part.text is None:
        yield bad("PATFORGE-TOY-NOTE", item, f"no note at {part.path}", path=part.path,
                  hint="`patforge render --kind toy` writes it")
    elif doc_id and doc_id not in part.text:
        yield bad("PATFORGE-TOY-NOTE", item, f"the note lacks {doc_id}", path=part.path, hint="add it")


RULES = (Rule("PATFORGE-TOY-NOTE", SHOULD, "each pattern's note names its doc_id", "pattern", "toy", "patforge"),)
JUDGE = ArtifactJudge(kind="toy", path_field="", locate=locate, judge=judge, sources=lambda model, item, s: [],
                      subject=lambda model, item, s: s.part("toy").path if s else model.reg_path, rules=RULES)


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


KIND = ToyKind("toy", PATTERN, "a one-line note per pattern", check=JUDGE)
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


def _toy_v2(tpl: Path) -> None:
    """A second template version that changes the toy's note."""
    note = tpl / "templates/toy" / next(iter(TOY_TEMPLATES))
    note.write_text("note v2 for {{ u.name }} ({{ u.doc_id }})\n", encoding="utf-8")
    git(tpl, "commit", "-q", "-am", "toy v2")
    git(tpl, "tag", "v1.1.0")


@pytest.mark.slow
def test_a_toy_kind_goes_through_status_update_new_and_check(toy, demo_repo):
    from patforge.check import CheckOptions, run_check
    from patforge.commands.new import create_pattern
    from patforge.commands.render import RenderOptions, render
    from patforge.commands.status import StatusOptions, collect_status
    from patforge.commands.update import UpdateOptions, update
    from conftest import commit_all

    kind, tpl = toy
    # check: its rule is in the table; before render every note is missing (a WARN each)
    before = run_check(demo_repo, CheckOptions(rules=("TOY-NOTE",)))
    assert [s.id for s in before.rules] == ["PATFORGE-TOY-NOTE"] and before.rules[0].status == "WARN"
    assert {r.primary.message.startswith("no note at ") for r in before.records} == {True}
    # status: every toy unit is missing, then current once rendered
    st = collect_status(demo_repo, StatusOptions(kinds=("toy",), template=str(tpl)))
    assert {u.kind for u in st.units} == {"toy"} and {u.state.state for u in st.units} == {"missing"}
    assert not render(demo_repo, RenderOptions(template=str(tpl), kinds=("toy",))).failed
    commit_all(demo_repo, "toy notes")
    st = collect_status(demo_repo, StatusOptions(kinds=("toy",), template=str(tpl)))
    assert len(st.units) == 24 and {u.state.state for u in st.units} == {"current"}
    after = run_check(demo_repo, CheckOptions(rules=("TOY-NOTE",)))
    assert after.rules[0].status == "PASS" and after.exit_code == 0
    # update: a new template version reaches every note
    note = demo_repo / "patterns/notes/self_heal.txt"
    _toy_v2(tpl)
    st = collect_status(demo_repo, StatusOptions(kinds=("toy",), template=str(tpl)))
    assert {u.state.state for u in st.units} == {"outdated"}
    up = update(demo_repo, UpdateOptions(template=str(tpl), kinds=("toy",)))
    assert not up.diagnostics.errors and not up.conflicts, [d.message for d in up.diagnostics.errors]
    assert note.read_text(encoding="utf-8") == "note v2 for self_heal (DOC-SELF-HEAL-001)\n"
    assert len(up.updated) == 24
    commit_all(demo_repo, "updated")
    # check: a note that lost its doc_id is the toy rule's WARN
    note.write_text("a note\n", encoding="utf-8")
    broken = run_check(demo_repo, CheckOptions(rules=("TOY-NOTE",)))
    (rec,) = [r for r in broken.records if r.status == "WARN"]
    assert rec.pattern == "self_heal" and rec.primary.path == "patterns/notes/self_heal.txt"
    note.write_text("note v2 for self_heal (DOC-SELF-HEAL-001)\n", encoding="utf-8")
    # new: a new pattern gets its note with the rest of its suite
    made = create_pattern(demo_repo, "toy_pattern", "demo", template=str(tpl))
    assert not made.render.failed, [d.message for d in made.render.diagnostics.errors]
    new_note = demo_repo / "patterns/notes/toy_pattern.txt"
    assert new_note.read_text(encoding="utf-8").startswith("note v2 for toy_pattern (")


def test_every_kind_implements_the_interface():
    assert kinds.names() == ("sidecar", "schema", "examples", "executor", "tests", "repo")
    assert [k.name for k in kinds.KINDS if not k.rendered] == ["spec"]  # checked, never rendered
    for kind in kinds.KINDS:
        assert kind.scope in kinds.SCOPES and kind.summary
        if kind.rendered:
            assert (ROOT / "templates" / kind.name).is_dir(), kind.name
            assert type(kind).build is not kinds.Kind.build, kind.name
        else:
            assert not (ROOT / "templates" / kind.name).exists(), kind.name
        if kind.check is not None:
            assert kind.check.kind == kind.name and kind.check.rules


PACKAGE = ROOT / "driver/patforge"

#: Where a kind's name is a word in its own right, not the kind: (module, word) -> what it is.
#: The guard fails on an entry that no longer occurs, so the list cannot go stale.
OWN_WORDS = {
    ("check/rules.py", "repo"): "a rule scope (judged once per repository)",
    ("check/evaluate.py", "repo"): "a rule scope",
    ("check/reporters/junit.py", "tests"): "the JUnit XML attribute",
    ("docids/edits.py", "spec"): "the spec's required role value (role: spec, PAT-CHECK-001-021)",
    ("examplegen/instances.py", "schema"): "the generator's blocker: the schema as a whole",
    ("examplegen/instances.py", "examples"): "the JSON Schema keyword",
    ("completion.py", "repo"): "the --repo option's parameter name",
    ("examplegen/leafvalues.py", "repo"): "a word in a field name",
    ("examplegen/schemawalk.py", "examples"): "the JSON Schema keyword",
    ("examplegen/walkshapes.py", "examples"): "the JSON Schema keyword",
    ("examplegen/walktypes.py", "examples"): "the JSON Schema keyword",
    ("spec/dialect.py", "examples"): "the spec dialect's (and JSON Schema's) keyword",
    ("spec/vocabulary.py", "examples"): "the spec dialect's (and JSON Schema's) keyword",
    ("spec/inputshapes.py", "examples"): "the JSON Schema keyword",
    ("spec/domain_schemas.py", "schema"): "patforge's data folder of shipped schemas",
    ("kinds/repo.py", "schema"): "the repository folder of its shipped schemas",
    ("repository/layout.py", "examples"): "a pattern root's sub-folder",
    ("repository/layout.py", "tests"): "a pattern root's sub-folder",
}


def _named_kinds(rel: str) -> set[str]:
    tree = ast.parse((PACKAGE / rel).read_text(encoding="utf-8"))
    docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                  if isinstance(n, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and n.body
                  and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
    # a dict key or a CLI option name is a word in its own right ("repo": --repo), never a kind
    keys = {id(k) for n in ast.walk(tree) if isinstance(n, ast.Dict) for k in n.keys if k is not None}
    options = {id(a) for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
               and n.func.attr in ("option", "argument") for a in n.args}
    every = {k.name for k in kinds.KINDS}
    return {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant)
            and id(n) not in docstrings | keys | options and n.value in every}


MODULES = sorted(p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("module", MODULES)
def test_no_module_names_a_kind_but_its_own(module):
    """A kind's name is a literal only in its own module (``kinds/<name>.py``)."""
    own = {module.removeprefix("kinds/").removesuffix(".py")} if module.startswith("kinds/") else set()
    named = _named_kinds(module) - own
    allowed = {w for (m, w) in OWN_WORDS if m == module}
    assert named <= allowed, f"{module} names kind(s) {sorted(named - allowed)}: ask kinds.KINDS instead"
    assert allowed <= named, f"OWN_WORDS lists {sorted(allowed - named)} for {module}, which no longer has it"


def test_the_guard_scans_every_layer():
    for folder in ("check", "check/judges", "check/reporters", "commands", "rendering", "docids", "kinds"):
        assert any(m.startswith(folder + "/") for m in MODULES), folder
    assert {"cli.py", "rendering/unitstate.py", "commands/status.py"} <= set(MODULES)


@pytest.mark.parametrize("command", ["render", "update", "status"])
def test_kind_help_comes_from_the_kinds(command):
    res = subprocess.run([sys.executable, "-m", "patforge", command, "--help"], capture_output=True, text=True)
    assert res.returncode == 0
    flat = " ".join(res.stdout.split())
    assert "Only these artifact kinds: " + ", ".join(kinds.names()) in flat


def test_the_design_docs_page_kind_is_real_code(tmp_path):
    """docs/design.md's "Adding a kind" module, as printed, is a kind render lists and
    check judges with its own rule."""
    import re

    from patforge.check import CheckOptions, run_check
    from compliant_repo import ALPHA, DOC, build_repo

    repo = build_repo(tmp_path / "repo")
    doc = (ROOT / "docs/design.md").read_text(encoding="utf-8")
    walk = doc[doc.index("### Adding a kind"):]
    code = textwrap.dedent(re.search(r"```python\n(.*?)```", walk, re.S).group(1))
    namespace: dict = {}
    exec(compile(code, "docs/design.md (kinds/page.py)", "exec"), namespace)
    kind = namespace["KIND"]
    kinds.register(kind)
    try:
        assert "page" in kinds.names() and kinds.judge_of("page") is kind.check
        page = repo / f"docs/patterns/{ALPHA}.md"
        page.parent.mkdir(parents=True)
        page.write_text(f"# {ALPHA}\n\ndoc_id: {DOC[ALPHA]}\n", encoding="utf-8")
        result = run_check(repo, CheckOptions(rules=("PATFORGE-PAGE",)))
        assert [s.id for s in result.rules] == ["PATFORGE-PAGE"] and result.rules[0].status == "WARN"
        by = {r.pattern: r for r in result.records}
        assert by[ALPHA].status == "PASS" and len(by) == 3
        assert {r.primary.message for r in by.values() if r.status == "WARN"} == {
            f"docs/patterns/{name}.md lacks {DOC[name]}" for name in by if name != ALPHA}
    finally:
        kinds.unregister("page")
