"""--version, exit codes in every --help, the docs table, shell completion."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from patforge.cli import cli as root_command
from patforge.exitcodes import EXIT_CODES, markdown_table

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_version_prints_the_shipped_template_version(cli):
    res = cli("--version")
    assert res.code == 0
    assert re.search(r"^patforge, version \d+\.\d+\.\d+", res.out, re.M)
    assert re.search(r"^templates, version v\d+\.\d+\.\d+ ", res.out, re.M), res.out


def test_every_command_help_lists_its_exit_codes(cli):
    assert set(EXIT_CODES) == set(root_command.commands)
    for name in root_command.commands:
        res = cli(name, "--help")
        assert res.code == 0
        block = res.out[res.out.index("Exit codes:"):]
        for code, meaning in EXIT_CODES[name]:
            assert re.search(rf"^\s+{code}\s+{re.escape(meaning[:30])}", block, re.M), (name, code)
        assert "130" in block


def test_docs_exit_code_table_is_the_code_table():
    text = (DOCS / "cli.md").read_text("utf-8")
    start = text.index("<!-- exit-codes")
    body = text[text.index("\n", start) + 1:text.index("<!-- /exit-codes -->")].strip()
    assert body == markdown_table()


def test_bash_completion_script_completes_commands():
    env = {**os.environ, "_PATFORGE_COMPLETE": "bash_source"}
    script = subprocess.run([sys.executable, "-m", "patforge"], env=env, capture_output=True, text=True)
    assert "_patforge_completion" in script.stdout
    # what bash asks while completing `patforge ro<TAB>`
    env = {**os.environ, "_PATFORGE_COMPLETE": "bash_complete", "COMP_WORDS": "patforge ro", "COMP_CWORD": "1"}
    res = subprocess.run([sys.executable, "-m", "patforge"], env=env, capture_output=True, text=True)
    assert "rollback" in res.stdout
