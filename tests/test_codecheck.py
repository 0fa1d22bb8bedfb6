"""patforge.validation.codecheck: syntax checks for rendered Python, PowerShell, JSON and YAML."""

from __future__ import annotations

import pytest

from patforge.validation import codecheck
from patforge.validation.codecheck import (
    check_json,
    check_powershell,
    check_python,
    check_text,
    check_yaml,
    powershell_leaf_tokens,
)
from patforge.diagnostics import Severity


def where(diags):
    return [(d.line, d.column) for d in diags]


def assert_well_formed(diags, path, code):
    assert diags, "expected a diagnostic"
    for d in diags:
        assert d.path == path and d.code == code and d.hint and d.message


# ------------------------------------------------------------------------- Python

PY_GOOD = [
    "def f(x):\n    return x\n",
    "# coding: utf-8\nVALUE = 'caf\u00e9 \U0001F600'\n",
    "\ufeffx = 1\n",
    "",
]


@pytest.mark.parametrize("text", PY_GOOD)
def test_python_good(text):
    assert check_python(text, "pkg/a.py") == []


@pytest.mark.parametrize(
    "text, line, column, fragment",
    [
        ("x = (1,\n", 1, 5, "'(' was never closed"),
        ("def f(:\n    pass\n", 1, 7, "invalid syntax"),
        ("x = 1\n  y = 2\n", 2, 2, "unexpected indent"),
        ("if True:\npass\n", 2, 1, "expected an indented block"),
        ("s = \"\u00e9\" + ) \n", 1, 11, "unmatched ')'"),  # columns count characters
        ("a = 1\nb = [1,\n2\nc = 3\n", 2, 5, "'[' was never closed"),
        ("return 1\n", 1, 1, "'return' outside function"),  # compile(), not just ast.parse
        ("a = 1\nb\x00 = 2\n", 2, 2, "NUL"),
    ],
)
def test_python_bad(text, line, column, fragment):
    diags = check_python(text, "pkg/a.py")
    assert len(diags) == 1
    assert_well_formed(diags, "pkg/a.py", "python-syntax")
    assert where(diags) == [(line, column)]
    assert fragment in diags[0].message
    assert diags[0].is_error


def test_python_is_checked_as_utf8_file_with_cookie():
    # compile() of a str ignores the cookie; the file on disk would not load.
    diags = check_python("# coding: bogus\nx = 1\n", "a.py")
    assert diags and "unknown encoding" in diags[0].message
    # A lone surrogate cannot be written as UTF-8 at all.
    diags = check_python("x = '\ud800'\n", "a.py")
    assert where(diags) == [(1, 6)] and "surrogate" in diags[0].message


# --------------------------------------------------------------------- PowerShell

PS_GOOD = """\
param(
    [string]$Name = 'world'
)
function Say {
    param([string]$M)
    Write-Host $M
}
<#
.SYNOPSIS
    Block comment.
#>
$h = @{ a = 1; b = "x$Name" }
$t = @'
verbatim $x
'@
Say -M $t
& git log 2>&1 | Out-Null
"""


def test_powershell_good():
    assert check_powershell(PS_GOOD, "exec/a.ps1") == []


@pytest.mark.parametrize(
    "text, expected, fragment",
    [
        ("if ($x) {\n", [(1, 10)], "missing `}`"),
        ("Write-Host 'ok'\n$a = @(1, 2\n", [(2, 1)], "$a = @(1, 2"),
        ("Write-Host 'ok'\nfunction {\n}\n", [(2, 1)], "function"),
        ("$x = 'abc\n", [(1, 1)], "$x = 'abc"),
        ("\u00e9; $x = @(1,2\n", [(1, 4)], "$x = @(1,2"),  # character column, not byte
        ("foreach ($i in ) { }\n", [(1, 15)], "missing `command_name`"),
    ],
)
def test_powershell_bad(text, expected, fragment):
    diags = check_powershell(text, "exec/a.ps1")
    assert_well_formed(diags, "exec/a.ps1", "powershell-syntax")
    assert where(diags) == expected
    assert fragment in diags[0].message
    assert all(d.severity is Severity.ERROR for d in diags)


def test_powershell_bom_is_accepted():
    # Files written as UTF-8 with BOM (what Windows PowerShell 5.1 needs to read
    # non-ASCII text as UTF-8) parse clean.
    assert check_powershell("\ufeff# caf\u00e9\n$V = 'caf\u00e9'\n", "a.ps1") == []


def test_powershell_one_line_function_is_rejected_by_tree_sitter_pwsh():
    """Valid PowerShell that tree-sitter-pwsh 0.38.1 rejects: a statement after
    param(...) on the same line. Hand-edited files are therefore checked with
    severity=WARNING; templates must put a line break after param(...)."""
    one_line = "function Say { param([string]$M) Write-Host $M }\n"
    diags = check_powershell(one_line, "a.ps1")
    assert where(diags) == [(1, 16)]
    assert "param([string]$M) Write-Host" in diags[0].message
    assert "param(...)" in diags[0].hint

    warned = check_powershell(one_line, "a.ps1", severity=Severity.WARNING)
    assert warned and all(d.severity is Severity.WARNING and not d.is_error for d in warned)
    assert check_powershell(one_line, "a.ps1", severity="warning") == warned

    # What the grammar does accept:
    for ok in (
        "function Say { param([string]$M)\n Write-Host $M }\n",
        "function Say { param([string]$M); Write-Host $M }\n",
        "function Say($M) { Write-Host $M }\n",
        "git log --format=oneline 2>&1\n",  # --flag=value and 2>&1 are fine in this grammar
    ):
        assert check_powershell(ok, "a.ps1") == [], ok
    # ...and still rejects when the statement follows on the same line, even if
    # the param block starts on its own line.
    assert check_powershell("function Say {\n param([string]$M) Write-Host $M }\n", "a.ps1")


def test_tree_sitter_pwsh_quirks_curly_quotes_and_line_separators():
    """Recorded grammar behaviour the escaping macros rely on or guard against."""
    # Curly single quotes are NOT quote characters to the grammar (they are to
    # PowerShell): a curly-quoted word is a command name, and a curly quote
    # inside '...' is an ordinary character.
    types = [t for t, *_ in powershell_leaf_tokens("$V = \u2019a\u2019\n")]
    assert "verbatim_string_characters" not in types and "command_name" in types
    leaves = powershell_leaf_tokens("$V = 'a\u2019b'\n")
    assert leaves[-1][:2] == ("verbatim_string_characters", "'a\u2019b'")
    # Only CR and LF end a line comment; VT, FF, NEL, U+2028/2029 do not.
    for sep in ("\v", "\f", "\x85", "\u2028", "\u2029", "\x1c"):
        leaves = powershell_leaf_tokens(f"# a{sep}$x = 1\n")
        assert [t for t, *_ in leaves] == ["comment"], repr(sep)
    for sep in ("\r", "\n", "\r\n"):
        leaves = powershell_leaf_tokens(f"# a{sep}Remove-Item x\n")
        assert leaves[0][:2] == ("comment", "# a") and len(leaves) > 1, repr(sep)
    # NUL breaks both comments and verbatim strings (so the macros drop it).
    assert check_powershell("# a\x00b\n", "a.ps1")
    assert check_powershell("$V = 'a\x00b'\n", "a.ps1")
    # "#>" inside a line comment is harmless; inside a block comment it ends it.
    assert check_powershell("# a #> b\n", "a.ps1") == []
    assert [t for t, *_ in powershell_leaf_tokens("<# a #> b\n")] == ["comment", "command_name"]


def test_powershell_leaf_tokens_bytes():
    leaves = powershell_leaf_tokens("# \u00e9\n$V = 'x'\n")
    assert leaves == [
        ("comment", "# \u00e9", 0, 4),  # byte offsets: é is two bytes
        ("variable", "$V", 5, 7),
        ("=", "=", 8, 9),
        ("verbatim_string_characters", "'x'", 10, 13),
    ]


def test_powershell_parser_is_cached():
    assert codecheck._powershell_parser() is codecheck._powershell_parser()


# --------------------------------------------------------------------------- JSON


@pytest.mark.parametrize("text", ['{"a": [1, 2.5, null, true, "x"]}\n', '{"NaN": "Infinity"}', "[]"])
def test_json_good(text):
    assert check_json(text, "a.json") == []


@pytest.mark.parametrize(
    "text, line, column, fragment",
    [
        ('{"a": 1,}', 1, 9, "Expecting property name"),
        ('{\n  "a": 1\n  "b": 2\n}\n', 3, 3, "Expecting ',' delimiter"),
        ('{"a": "\u00e9" x}', 1, 11, "Expecting ',' delimiter"),
        ('{"a": NaN}', 1, 7, "NaN is not allowed"),
        ('{"s": "NaN",\n "b": [1, -Infinity]}', 2, 11, "-Infinity is not allowed"),
        ("", 1, 1, "Expecting value"),
        ("\ufeff{}", 1, 1, "BOM"),
    ],
)
def test_json_bad(text, line, column, fragment):
    diags = check_json(text, "a.json")
    assert len(diags) == 1
    assert_well_formed(diags, "a.json", "json-syntax")
    assert where(diags) == [(line, column)]
    assert fragment in diags[0].message


# --------------------------------------------------------------------------- YAML


@pytest.mark.parametrize("text", ["a: 1\nb: [x, y]\n---\nc: d\n", "", "k: \"\\u2028 \U0001F600\"\n"])
def test_yaml_good(text):
    assert check_yaml(text, "a.yaml") == []


@pytest.mark.parametrize(
    "text, line, column, fragment",
    [
        ("a: 1\n  b: 2\n", 2, 4, "mapping values are not allowed"),
        ("a: b: c\n", 1, 5, "mapping values are not allowed"),
        ("k: [1,\n", 2, 1, "expected the node content"),
        ('a: "unterminated\n', 2, 1, "unexpected end of stream"),
        ("- a\nb: 1\n", 2, 1, "expected <block end>"),
        ("a: x\nk: \x01\n", 2, 4, "U+0001 is not allowed raw"),
        ("a: !!python/object/apply:os.system [ls]\n", 1, 4, "could not determine a constructor"),
    ],
)
def test_yaml_bad(text, line, column, fragment):
    diags = check_yaml(text, "cfg/a.yml")
    assert len(diags) == 1
    assert_well_formed(diags, "cfg/a.yml", "yaml-syntax")
    assert where(diags) == [(line, column)]
    assert fragment in diags[0].message


# ----------------------------------------------------------------------- dispatch


@pytest.mark.parametrize(
    "path, code",
    [
        ("a.py", "python-syntax"),
        ("a.ps1", "powershell-syntax"),
        ("Mod.PSM1", "powershell-syntax"),
        ("Mod.psd1", "powershell-syntax"),
        ("a.json", "json-syntax"),
        ("a.yaml", "yaml-syntax"),
        ("a.YML", "yaml-syntax"),
    ],
)
def test_check_text_dispatch(path, code):
    bad = "{[(\n  : '\n"
    diags = check_text(path, bad)
    assert diags and {d.code for d in diags} == {code}


@pytest.mark.parametrize("path", ["README.md", "a.txt", "Makefile", "a.py.jinja"])
def test_check_text_other_files(path):
    assert check_text(path, "{[(\n  : '\n") == []
