"""The escaping macros in templates/_lib/escape.jinja: user text can never inject code.

Templates are rendered the way Copier renders them: jinja2's SandboxedEnvironment,
autoescape off, keep_trailing_newline on, loader rooted at the template repository
root (so `{% import "templates/_lib/escape.jinja" as esc %}` resolves).
"""

from __future__ import annotations

import ast
import functools
import io
import json
import tokenize
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from jinja2 import FileSystemLoader
from jinja2.sandbox import SandboxedEnvironment

from patforge.validation.codecheck import (
    check_json,
    check_powershell,
    check_python,
    check_yaml,
    powershell_leaf_tokens,
)

ROOT = Path(__file__).resolve().parents[1]
MACROS = "templates/_lib/escape.jinja"
IMPORT = '{% import "templates/_lib/escape.jinja" as esc %}'

ENV = SandboxedEnvironment(
    loader=FileSystemLoader(str(ROOT)), autoescape=False, keep_trailing_newline=True
)


@functools.lru_cache(maxsize=None)
def _template(body: str):
    return ENV.from_string(IMPORT + body)


def render(body: str, v) -> str:
    return _template(body).render(v=v)


def macro(name: str, v) -> str:
    """Output of one macro, exactly (nothing around it)."""
    return render("{{ esc.%s(v) }}" % name, v)


# ------------------------------------------------------------------ reference specs

LINE_BREAKS = ["\r\n", "\r", "\n", "\v", "\f", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]
PS_QUOTES = "'\u2018\u2019\u201a\u201b"  # all single quotes to PowerShell


def one_line(v: str) -> str:
    v = v.replace("\x00", "")
    for br in LINE_BREAKS:
        v = v.replace(br, " ")
    return v


def expected_ps_comment(v: str) -> str:
    return one_line(v).replace("#>", "# >")


def expected_py_comment(v: str) -> str:
    return one_line(v).replace("coding:", "coding :").replace("coding=", "coding =")


def decode_ps_verbatim(literal: str) -> str:
    """Read a verbatim string the way PowerShell's tokenizer does: any of the five
    single-quote characters followed by any of them is one escaped quote (the
    second one is kept); a lone quote ends the string."""
    assert literal[0] == "'" and literal[-1] == "'", literal
    body, out, i = literal[1:-1], [], 0
    while i < len(body):
        ch = body[i]
        if ch in PS_QUOTES:
            assert i + 1 < len(body) and body[i + 1] in PS_QUOTES, (
                f"unescaped quote at {i} would end the string: {literal!r}"
            )
            out.append(body[i + 1])
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


# ------------------------------------------------------------------- nasty strings

NASTY = [
    "",
    "plain",
    "it's",
    "\u2018curly\u2019 \u201alow\u201b",
    "'\u2019\u2018\u201a\u201b'",
    "'",
    "''",
    '"double" \u201cquotes\u201d \u201e',
    "line1\nline2",
    "crlf\r\nline",
    "cr\ronly",
    "$(Remove-Item C:\\ -Recurse)",
    "'; Remove-Item C:\\ -Recurse; '",
    "\u2019; Remove-Item C:\\ -Recurse; #",
    "x\n$(Remove-Item C:\\ -Recurse)\n",
    "`$env:PATH` `n `r",
    "back`",
    "#> Remove-Item C:\\ -Recurse <#",
    "#\x00> sneaky",
    "'@\nRemove-Item C:\\\n@'",
    '"@\n"@',
    '"""',
    "'''",
    '"""\nimport os\n"""',
    "{{ x }}",
    "{% if %}",
    "{# c #}",
    "\\",
    "\\'",
    "trailing\\",
    "nul\x00byte",
    "\x00",
    "ls\u2028rm -rf /",
    "p\u2029q\x85r\vs\ft\x1cu\x1dv\x1ew",
    "emoji \U0001F600\U0001F4A9 and \u00e9",
    "\ufeffbom",
    "\u202eevil bidi\u202c",
    "\x7fdel\x1besc\x08bs\t\ttab",
    "coding: utf-7",
    "-*- coding: latin-1 -*-",
    "coding=utf-7 +AAo-import os",
    "key: value # comment",
    "- item",
    "null",
    "yes",
    "~",
    "&anchor *alias",
    "!!python/object/apply:os.system ['ls']",
    "---",
    "...",
    "%r %s %(x)s %%",
    "\ud7ff\ue000\ufffd",
]


@pytest.mark.parametrize("v", NASTY, ids=range(len(NASTY)))
def test_ps_str_unit(v):
    lit = macro("ps_str", v)
    assert decode_ps_verbatim(lit) == v.replace("\x00", "")
    src = f"$Value = {lit}\n"
    assert check_powershell(src, "t.ps1") == []
    leaves = powershell_leaf_tokens(src)
    assert [t for t, *_ in leaves] == ["variable", "=", "verbatim_string_characters"]
    assert leaves[-1][1] == lit


@pytest.mark.parametrize("v", NASTY, ids=range(len(NASTY)))
def test_ps_comment_unit(v):
    c = macro("ps_comment", v)
    assert c == expected_ps_comment(v)
    assert "#>" not in c and "\x00" not in c
    assert not any(br in c for br in LINE_BREAKS)
    src = f"# {c}\n$Value = 1\n"
    assert check_powershell(src, "t.ps1") == []
    assert powershell_leaf_tokens(src)[0][:2] == ("comment", f"# {c}")
    # also inside a block comment
    block = f"<#\n.SYNOPSIS\n{c}\n#>\n$Value = 1\n"
    assert check_powershell(block, "t.ps1") == []
    types = [t for t, *_ in powershell_leaf_tokens(block)]
    assert types == ["comment", "variable", "=", "decimal_integer_literal"]


@pytest.mark.parametrize("v", NASTY, ids=range(len(NASTY)))
def test_py_str_unit(v):
    lit = macro("py_str", v)
    assert lit == repr(v)
    assert "\n" not in lit and "\r" not in lit
    assert ast.literal_eval(lit) == v
    assert check_python(f"VALUE = {lit}\n", "t.py") == []


@pytest.mark.parametrize("v", NASTY, ids=range(len(NASTY)))
def test_py_comment_unit(v):
    c = macro("py_comment", v)
    assert c == expected_py_comment(v)
    src = f"# {c}\n# {c}\nVALUE = 1\n"  # lines 1-2: where encoding cookies live
    assert check_python(src, "t.py") == []
    toks = list(tokenize.tokenize(io.BytesIO(src.encode("utf-8")).readline))
    assert toks[0].string == "utf-8"
    assert [t.type for t in toks[1:]] == [
        tokenize.COMMENT, tokenize.NL, tokenize.COMMENT, tokenize.NL,
        tokenize.NAME, tokenize.OP, tokenize.NUMBER, tokenize.NEWLINE, tokenize.ENDMARKER,
    ]


@pytest.mark.parametrize("v", NASTY, ids=range(len(NASTY)))
def test_json_and_yaml_unit(v):
    j = macro("json_value", v)
    assert json.loads(j) == v
    assert j.isascii() and "\n" not in j
    doc = '{"k": %s}\n' % j
    assert check_json(doc, "t.json") == []
    y = macro("yaml_str", v)
    assert "\n" not in y and "\r" not in y
    for text in (f"k: {y}\n", f"- {y}\n", f"{{a: {y}, b: 1}}\n", f"{y}: 1\n"):
        assert check_yaml(text, "t.yaml") == [], text
    assert yaml.safe_load(f"k: {y}\n") == {"k": v}
    assert yaml.safe_load(f"- {y}\n- x\n") == [v, "x"]
    assert yaml.safe_load(f"{{a: {y}, b: 1}}\n") == {"a": v, "b": 1}


def test_exact_outputs():
    assert macro("ps_str", "it's") == "'it''s'"
    assert macro("ps_str", "\u2018\u2019\u201a\u201b") == "'\u2018\u2018\u2019\u2019\u201a\u201a\u201b\u201b'"
    assert macro("ps_str", "a\nb") == "'a\nb'"  # newline stays inside the literal
    assert macro("ps_str", "a\x00b") == "'ab'"  # NUL dropped
    assert macro("ps_str", "$(x) `n") == "'$(x) `n'"
    assert macro("ps_comment", "a\r\nb\nc") == "a b c"
    assert macro("ps_comment", "x #> y") == "x # > y"
    assert macro("ps_comment", "#\x00>") == "# >"
    assert macro("py_comment", "# -*- coding: utf-7 -*-") == "# -*- coding : utf-7 -*-"
    assert macro("py_comment", "a\u2028b") == "a b"
    assert macro("py_str", "a'b\"c") == repr("a'b\"c")
    assert macro("py_str", "\x00\u2028") == "'\\x00\\u2028'"
    assert macro("json_value", "<'&>") == '"\\u003c\\u0027\\u0026\\u003e"'
    assert macro("yaml_str", "\U0001F600") == '"\U0001F600"'
    assert macro("yaml_str", "a\u2028\"\\") == '"a\\u2028\\"\\\\"'


def test_non_string_values():
    assert macro("ps_str", None) == "'None'"
    assert macro("ps_str", 5) == "'5'"
    assert macro("py_str", 5) == "'5'"
    assert macro("py_str", ("a",)) == repr("('a',)")
    assert macro("yaml_str", True) == '"True"'
    assert json.loads(macro("json_value", {"b": [1, None, True], "a": "x"})) == {
        "a": "x", "b": [1, None, True]
    }


@pytest.mark.parametrize("name", ["ps_str", "ps_comment", "py_str", "py_comment", "json_value", "yaml_str"])
def test_no_stray_whitespace_and_plain_str(name):
    out = render("[{{ esc.%s(v) }}]\n" % name, "x")
    assert out.startswith("[") and out.endswith("]\n")
    inner = out[1:-2]
    assert inner == inner.strip() and inner
    # Called from Python, macros return plain str (no Markup) with autoescape off.
    module = ENV.get_template(MACROS).module
    result = getattr(module, name)("x")
    assert type(result) is str


def test_json_alone_is_not_enough_for_yaml():
    """Why yaml_str exists: JSON writes emoji as surrogate-pair escapes and PyYAML
    does not join them, so tojson text is not a faithful YAML scalar."""
    v = "\U0001F600"
    assert yaml.safe_load(macro("json_value", v)) != v
    assert yaml.safe_load(macro("yaml_str", v)) == v


def test_python_encoding_cookie_attack_is_neutralised():
    v = "coding: utf-7\n+AAo-import os; os.system('echo pwned')"
    src = render("# {{ esc.py_comment(v) }}\nVALUE = {{ esc.py_str(v) }}\n", v)
    assert check_python(src, "t.py") == []
    toks = list(tokenize.tokenize(io.BytesIO(src.encode("utf-8")).readline))
    assert toks[0].string == "utf-8"
    assert not any(t.type == tokenize.NAME and t.string in ("import", "os") for t in toks)
    # Without the macro the same text in line 1 switches the decoder to UTF-7.
    raw = "# " + v.replace("\n", " ") + "\nVALUE = 1\n"
    assert next(tokenize.tokenize(io.BytesIO(raw.encode()).readline)).string == "utf-7"


def test_macros_in_copiers_own_environment():
    """Copier renders with its SandboxedEnvironment subclass plus the ansible filters
    extension; the built-in filters the macros use must be the same there."""
    # copier (and its ansible filters) are patforge's own dependencies: never absent
    from copier._jinja_ext import SandboxedEnvironment as CopierEnv  # private: pinned by copier<10

    env = CopierEnv(
        loader=FileSystemLoader(str(ROOT)),
        extensions=["jinja2_ansible_filters.AnsibleCoreFiltersExtension"],
        keep_trailing_newline=True,
    )
    body = IMPORT + "{{ esc.ps_str(v) }}|{{ esc.ps_comment(v) }}|{{ esc.py_str(v) }}|" \
        "{{ esc.py_comment(v) }}|{{ esc.json_value(v) }}|{{ esc.yaml_str(v) }}"
    for v in NASTY:
        assert env.from_string(body).render(v=v) == ENV.from_string(body).render(v=v)


# -------------------------------------------------------------- property tests

DANGER = [
    "'", '"', "\u2018", "\u2019", "\u201a", "\u201b", "\u201c", "\u201d", "\u201e",
    "`", "$", "$(Remove-Item C:\\ -Recurse)", "${env:PATH}", "@(", "@{", ";", "|", "&",
    "#", "#>", "<#", "'@", '"@', "@'", '@"', '"""', "'''", "{{ x }}", "{% if %}", "{#",
    "\\", "\\'", "\x00", "\r", "\n", "\r\n", "\v", "\f", "\x1c", "\x1d", "\x1e", "\x85",
    "\u2028", "\u2029", "\ufeff", "\u202e", "\u200b", "\x7f", "\t", " ", "\U0001F600",
    "coding: utf-7", "coding=", "coding", ":", "=", "+AAo-", ": ", "- ", "? ", "null",
    "yes", "~", "*a", "!!python/object", "---", "...", "%", "%r", "%s",
]

texts = st.lists(
    st.one_of(
        st.text(alphabet=st.characters(exclude_categories=("Cs",))),
        st.sampled_from(DANGER),
    ),
    max_size=12,
).map("".join)

PROP = settings(max_examples=300, deadline=None)

PY_TEMPLATE = "# header {{ esc.py_comment(v) }}\nVALUE = {{ esc.py_str(v) }}\n"
PS_TEMPLATE = "# {{ esc.ps_comment(v) }}\n$Value = {{ esc.ps_str(v) }}\n"


@PROP
@given(texts)
def test_property_python(v):
    src = render(PY_TEMPLATE, v)
    assert check_python(src, "t.py") == []
    toks = list(tokenize.tokenize(io.BytesIO(src.encode("utf-8")).readline))
    # Fixed skeleton; v may only ever live inside the COMMENT and STRING tokens.
    assert [t.type for t in toks] == [
        tokenize.ENCODING, tokenize.COMMENT, tokenize.NL, tokenize.NAME, tokenize.OP,
        tokenize.STRING, tokenize.NEWLINE, tokenize.ENDMARKER,
    ]
    enc, comment, _, name, op, string, _, _ = toks
    assert enc.string == "utf-8"
    assert comment.string == "# header " + expected_py_comment(v)
    assert (name.string, op.string) == ("VALUE", "=")
    assert ast.literal_eval(string.string) == v
    namespace: dict = {}
    exec(compile(src.encode("utf-8"), "t.py", "exec", dont_inherit=True), namespace)
    assert namespace["VALUE"] == v


@PROP
@given(texts)
def test_property_powershell(v):
    src = render(PS_TEMPLATE, v)
    assert check_powershell(src, "t.ps1") == []
    comment = expected_ps_comment(v)
    line1 = f"# {comment}\n"
    prefix = line1 + "$Value = "
    assert src.startswith(prefix)
    literal = src[len(prefix):-1]
    c_start, c_end = 2, len(f"# {comment}".encode())
    s_start = len(prefix.encode())
    s_end = s_start + len(literal.encode())

    leaves = powershell_leaf_tokens(src)
    assert [t for t, *_ in leaves] == ["comment", "variable", "=", "verbatim_string_characters"]
    # Every leaf that touches v's bytes is the comment or the verbatim string, and
    # those two leaves cover exactly the comment line and the literal.
    touching = [
        (t, s, e) for t, _, s, e in leaves
        if (s < c_end and e > c_start) or (s < s_end and e > s_start)
    ]
    for t, _s, _e in touching:
        assert t in ("comment", "verbatim_string_characters"), (t, src)
    assert leaves[0][2:] == (0, c_end)
    assert leaves[-1][2:] == (s_start, s_end)
    assert leaves[0][1] == f"# {comment}"
    assert decode_ps_verbatim(leaves[-1][1]) == v.replace("\x00", "")


@PROP
@given(texts)
def test_property_json_yaml(v):
    j = render('{"k": {{ esc.json_value(v) }}}\n', v)
    assert check_json(j, "t.json") == []
    assert json.loads(j) == {"k": v}
    y = render("k: {{ esc.yaml_str(v) }}\nlist:\n  - {{ esc.yaml_str(v) }}\n", v)
    assert check_yaml(y, "t.yaml") == []
    assert yaml.safe_load(y) == {"k": v, "list": [v]}
