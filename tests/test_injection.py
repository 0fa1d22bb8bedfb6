"""Registry text cannot become code in the executor and tests templates.

Hypothesis puts arbitrary text (mixed with quoting, comment, here-string, Jinja and
encoding-cookie fragments) into every registry-derived answer of ``executor`` and
``tests`` units, renders them through the real Copier engine
(``patforge.rendering.copier_runner.render_job``) from the working tree's templates, and checks:

* Python compiles, and its token stream without STRING/COMMENT tokens is exactly the
  one of a "twin" unit rendered with harmless text (same structure), so the text
  landed only inside string literals and comments; the constants read back equal to
  the registry values and the module docstring is the fixed one.
* PowerShell parses with tree-sitter-pwsh without errors, and its leaf nodes other
  than comments and verbatim strings are exactly those of the harmless twin.
* The per-unit answers file is YAML that reads back the unit unchanged.

Copier's fixed cost per run (~0.25 s) dominates, so the default tests draw 100
Hypothesis examples first and render them all, with their twins, in ONE Copier run per
kind; the ``slow`` variants run Copier once per example and shrink a failure.
"""

from __future__ import annotations

import ast
import io
import shutil
import subprocess
import tokenize
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from conftest import ROOT
from patforge.validation.codecheck import check_powershell, check_python, powershell_leaf_tokens
from patforge.rendering.copier_runner import RenderJob, render_job
from patforge.rendering.template_source import TemplateSource

DANGEROUS = [
    "'", '"', "`", "\u2018", "\u2019", "\u201a", "\u201b", "\u201c", "\u201d", "\u201e",
    "''", "\\", "\\'", "\n", "\r", "\r\n", "\u2028", "\u2029", "\x85", "\x0b", "\x0c",
    "\x00", "\x1c", "\t", "\ufeff",
    "$(", ")", "$(Remove-Item -Recurse -Force /)", "${env:PATH}", "$x", "@(", "@{",
    "@'", "'@", '@"', '"@', "\n'@\n", '\n"@\n', "#>", "<#", "#", "# ", ";", "&", "|",
    "`n", "`$", '"""', "'''", "\"\"\"\nimport os\n", "{{", "}}", "{%", "%}", "{#", "#}",
    "{{ 7*7 }}", "{% raw %}", "{0}", "%s", "%(x)s",
    "coding: utf-7", "# -*- coding: latin-1 -*-", "coding=utf-7", "+AAo-",
    "DOC_LINK: DOC-EVIL-001", "\nDOC_LINK: DOC-EVIL-001\n", "exit 0", "__import__('os')",
]

hostile = st.one_of(
    st.text(),
    st.lists(st.one_of(st.sampled_from(DANGEROUS), st.text(max_size=4)), max_size=8).map("".join),
)
HARMLESS = "x"


# -- the template source: the working tree's templates as a throw-away tagged git repo ---

@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> TemplateSource:
    """copier.yml + templates/ of this checkout, committed and tagged in a temp repository,
    so the tests render exactly the templates on disk (committed or not)."""
    repo = tmp_path_factory.mktemp("templates-src")
    shutil.copy2(ROOT / "copier.yml", repo / "copier.yml")
    shutil.copytree(ROOT / "templates", repo / "templates",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    env_cfg = ["-c", "user.name=patforge tests", "-c", "user.email=tests@patforge.invalid",
               "-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false"]
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], [*env_cfg, "commit", "-q", "-m", "templates"],
                 [*env_cfg, "tag", "vtest"]):
        subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)
    return TemplateSource(location=str(repo), record="templates-under-test", ref="vtest", tags=("vtest",))


# -- units -----------------------------------------------------------------------------

EXECUTOR_TEXT = ("name", "pattern_id", "doc_id", "version", "category", "description", "executor_path",
                 "schema_path", "spec_path", "schema_relpath", "example_relpath")
TESTS_TEXT = ("name", "pattern_id", "doc_id", "version", "description", "test_path", "executor_relpath",
              "schema_relpath", "example_dir_relpath", "result_schema_relpath", "executor_path",
              "schema_path", "example_dir")
EXT = {"powershell": ".ps1", "python": ".py"}


@st.composite
def unit_shape(draw: Any, kind: str) -> dict[str, Any]:
    """Text for every registry-derived field, plus the unit's structure."""
    fields = EXECUTOR_TEXT if kind == "executor" else TESTS_TEXT
    shape: dict[str, Any] = {f: draw(hostile) for f in fields}
    shape["language"] = draw(st.sampled_from(("powershell", "python")))
    if kind == "executor":
        shape["inputs"] = draw(st.lists(st.fixed_dictionaries({"name": hostile, "required": st.booleans()}),
                                        max_size=3))
    else:
        shape["executor_generated"] = draw(st.booleans())
    return shape


def make_unit(kind: str, shape: dict[str, Any], slot: str, harmless: bool) -> dict[str, Any]:
    """A unit for the template. Output paths (where Copier writes) stay safe: they are
    validated upstream; everything the template embeds in the file comes from shape."""
    def text(value: str) -> str:
        return HARMLESS if harmless else value

    fields = EXECUTOR_TEXT if kind == "executor" else TESTS_TEXT
    unit: dict[str, Any] = {k: text(shape[k]) for k in fields}
    lang = shape["language"]
    out = f"out/{slot}/artifact{EXT[lang]}"
    unit.update(answers_file=f".patforge/answers/{slot}/{kind}.yml", language=lang,
                ps1_path=out if lang == "powershell" else "", py_path=out if lang == "python" else "")
    if kind == "executor":
        unit["inputs"] = [{"name": text(i["name"]), "required": i["required"]} for i in shape["inputs"]]
    else:
        unit["executor_generated"] = shape["executor_generated"]
    return unit


def render(source: TemplateSource, kind: str, units: list[dict[str, Any]]) -> dict[str, str]:
    result = render_job(RenderJob(kind, units, source))
    assert result.error is None, result.error
    return {rel: data.decode("utf-8") for rel, data in result.files.items()}


# -- the checks --------------------------------------------------------------------------

def python_structure(text: str) -> list[tuple[int, str]]:
    """Tokens of the UTF-8 file (honouring any encoding cookie), minus strings and comments."""
    toks = tokenize.tokenize(io.BytesIO(text.encode("utf-8")).readline)
    return [(t.type, t.string) for t in toks if t.type not in (tokenize.STRING, tokenize.COMMENT)]


def python_constants(text: str) -> dict[str, Any]:
    """Module-level NAME = <literal> and NAME = HERE / <literal> assignments."""
    out: dict[str, Any] = {}
    for node in ast.parse(text).body:
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            target = node.targets[0] if isinstance(node, ast.Assign) else node.target
            value = node.value
            if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Div):
                value = value.right
            if isinstance(target, ast.Name) and value is not None:
                try:
                    out[target.id] = ast.literal_eval(value)
                except ValueError:
                    pass
    return out


def powershell_structure(text: str) -> list[tuple[str, str]]:
    return [(typ, txt) for typ, txt, _s, _e in powershell_leaf_tokens(text)
            if typ not in ("comment", "verbatim_string_characters")]


def check_pair(kind: str, unit: dict[str, Any], twin: dict[str, Any], files: dict[str, str]) -> None:
    path = unit["ps1_path"] or unit["py_path"]
    text, harmless = files[path], files[twin["ps1_path"] or twin["py_path"]]
    if unit["language"] == "python":
        assert check_python(text, path) == [], text
        assert python_structure(text) == python_structure(harmless), text
        module = ast.parse(text)
        assert ast.get_docstring(module) == ast.get_docstring(ast.parse(harmless))
        consts = python_constants(text)
        assert consts["DOC_ID"] == unit["doc_id"] and consts["PATTERN_ID"] == unit["pattern_id"]
        if kind == "executor":
            assert consts["PATTERN_NAME"] == unit["name"] and consts["DESCRIPTION"] == unit["description"]
            assert consts["PATTERN_VERSION"] == unit["version"] and consts["CATEGORY"] == unit["category"]
            assert consts["SCHEMA_PATH"] == unit["schema_relpath"]
            assert consts["INPUTS"] == tuple(i["name"] for i in unit["inputs"])
            assert consts["REQUIRED_INPUTS"] == tuple(i["name"] for i in unit["inputs"] if i["required"])
        else:
            assert consts["EXECUTOR"] == unit["executor_relpath"]
            assert consts["EXAMPLE_DIR"] == unit["example_dir_relpath"]
    else:
        assert text.startswith("\ufeff# DOC_LINK: ")
        assert check_powershell(text, path) == [], text
        assert powershell_structure(text) == powershell_structure(harmless), text
    if not any("\x85" in str(v) for v in _texts(unit)):
        # PyYAML's dump (allow_unicode, used by to_nice_yaml in _lib/answers.jinja) writes
        # U+0085 raw inside a quoted scalar, and its loader then folds it: such a value does
        # not read back. Only the answers record is affected, never the generated code.
        answers = yaml.safe_load(files[unit["answers_file"]])
        assert answers["units"] == [unit]


def _texts(unit: dict[str, Any]) -> list[str]:
    return [v for v in unit.values() if isinstance(v, str)] + [i["name"] for i in unit.get("inputs", [])]


def run_property(source: TemplateSource, kind: str, shapes: list[dict[str, Any]]) -> None:
    units = [make_unit(kind, s, f"h{i}", harmless=False) for i, s in enumerate(shapes)]
    twins = [make_unit(kind, s, f"t{i}", harmless=True) for i, s in enumerate(shapes)]
    files = render(source, kind, units + twins)
    for unit, twin in zip(units, twins):
        try:
            check_pair(kind, unit, twin, files)
        except AssertionError as exc:
            raise AssertionError(f"{kind} unit {unit!r}: {exc}") from None


def fragment_shapes(kind: str) -> list[dict[str, Any]]:
    """Deterministic shapes: each dangerous fragment alone in every field."""
    fields = EXECUTOR_TEXT if kind == "executor" else TESTS_TEXT
    shapes = []
    for i, frag in enumerate(DANGEROUS):
        shape: dict[str, Any] = {f: frag for f in fields}
        shape["language"] = ("powershell", "python")[i % 2]
        shape["inputs"] = [{"name": frag, "required": True}, {"name": frag + "2", "required": False}]
        shape["executor_generated"] = bool(i % 3)
        shapes.append(shape)
    return shapes


def generate(strategy: st.SearchStrategy, n: int = 100) -> list[Any]:
    """n values drawn by Hypothesis (generation only: no shrinking, no database), so that
    they can all be rendered in ONE Copier run."""
    found: list[Any] = []

    @settings(max_examples=n, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def gather(value: Any) -> None:
        found.append(value)

    gather()
    return found


@pytest.mark.slow  # renders a whole batch of hostile entries through Copier
@pytest.mark.parametrize("kind", ["executor", "tests"])
def test_registry_text_stays_out_of_code_batched(source, kind):
    """100 Hypothesis examples (1-3 units each) plus every fragment alone, in one Copier
    run per kind. A failure names the offending unit; the slow variants below shrink it."""
    batches = generate(st.lists(unit_shape(kind), min_size=1, max_size=3))
    shapes = [s for batch in batches for s in batch] + fragment_shapes(kind)
    assert len(batches) >= 50
    run_property(source, kind, shapes)


# -- the same property, one Copier run per example (with shrinking) ---------------------

_SETTINGS = settings(max_examples=100, deadline=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                            HealthCheck.data_too_large])


@pytest.mark.slow
@_SETTINGS
@given(shapes=st.lists(unit_shape("executor"), min_size=1, max_size=4))
def test_executor_templates_keep_registry_text_out_of_code(source, shapes):
    run_property(source, "executor", shapes)


@pytest.mark.slow
@_SETTINGS
@given(shapes=st.lists(unit_shape("tests"), min_size=1, max_size=4))
def test_tests_templates_keep_registry_text_out_of_code(source, shapes):
    run_property(source, "tests", shapes)
