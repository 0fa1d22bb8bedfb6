"""docs/cli.md lists every command and every --format (issue 23, "Conventions users
expect"); what each command's options are is in its --help, which tests/test_help.py
checks."""

from __future__ import annotations

import re

import click

from conftest import ROOT


def _doc() -> str:
    return (ROOT / "docs/cli.md").read_text(encoding="utf-8")


def test_every_command_has_a_row():
    from patforge.cli import cli as group

    rows = set(re.findall(r"^\| `patforge ([a-z]+)", _doc(), re.M))
    assert rows == set(group.commands)


def test_every_format_and_choice_is_listed():
    from patforge.cli import cli as group

    doc = _doc()
    for name, command in group.commands.items():
        for param in command.params:
            if isinstance(param.type, click.Choice):
                for choice in param.type.choices:
                    assert f"`{choice}`" in doc or re.search(rf"[|`\s]{re.escape(choice)}[|`\\]", doc), \
                        (name, param.name, choice)
    for reporter in __import__("patforge.check.reporters", fromlist=["REPORTERS"]).REPORTERS:
        assert f"`{reporter}`" in doc, reporter


def test_every_long_option_is_in_the_command_row():
    from patforge.cli import cli as group

    doc = _doc()
    common = {"--repo", "--quiet", "--no-color", "--help", "--verbose"}
    for name, command in group.commands.items():
        row = next(line for line in doc.splitlines() if line.startswith(f"| `patforge {name}"))
        for param in command.params:
            longs = [o for o in param.opts if o.startswith("--")]
            if longs and not set(longs) & common:
                assert any(o in row for o in longs), (name, longs)
