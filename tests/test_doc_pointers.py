"""Every pointer to documentation that patforge prints or writes resolves (issue 23),
also for a user who installed the wheel: the pages ship as package data and
``patforge docs PAGE`` prints them (tests/test_init.py checks the wheel)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import ROOT

PACKAGE = ROOT / "driver" / "patforge"
#: What patforge prints or writes: its code (messages, hints, scaffolds), the init
#: template, the artifact templates, the hook manifest.
SOURCES = [*PACKAGE.rglob("*.py"), *(p for p in (PACKAGE / "data" / "init").rglob("*") if p.is_file()),
           *(p for p in (ROOT / "templates").rglob("*") if p.is_file()), ROOT / ".pre-commit-hooks.yaml"]
DOC_PATH = re.compile(r"docs/([A-Za-z0-9_.-]+\.(?:md|json|png))")
DOC_SECTION = re.compile(r'docs/([A-Za-z0-9_.-]+\.md), "([^"]+)"')
DOCS_COMMAND = re.compile(r"patforge docs ([a-z][a-z0-9-]*)")


def _texts():
    for path in SOURCES:
        try:
            yield path, path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue


def test_every_doc_path_named_in_messages_and_templates_exists():
    named = {}
    for path, text in _texts():
        for m in DOC_PATH.finditer(text):
            named.setdefault(m.group(1), path.relative_to(ROOT).as_posix())
    assert {"registry.md", "spec-dialect.md"} <= set(named)
    missing = {name: where for name, where in named.items() if not (ROOT / "docs" / name).is_file()}
    assert not missing, f"pointers to pages that do not exist: {missing}"


def test_every_named_section_exists():
    for path, text in _texts():
        for m in DOC_SECTION.finditer(text):
            page = (ROOT / "docs" / m.group(1)).read_text(encoding="utf-8")
            assert re.search(rf"^#+ .*{re.escape(m.group(2))}", page, re.M | re.I), (path, m.group(0))


def test_every_patforge_docs_command_named_resolves(cli):
    from patforge.commands.docs import pages

    named = {m.group(1) for _, text in _texts() for m in DOCS_COMMAND.finditer(text)} - {"page", "name"}
    assert {"registry", "spec-dialect"} <= named
    assert named <= set(pages()), named - set(pages())
    for name in sorted(named):
        r = cli("docs", name)
        assert r.code == 0 and r.out == (ROOT / "docs" / f"{name}.md").read_text(encoding="utf-8"), name


def test_docs_lists_pages_and_refuses_an_unknown_one(cli):
    r = cli("docs")
    assert r.code == 0 and "  registry\n" in r.out and "  spec-dialect\n" in r.out
    r = cli("docs", "nope")
    assert r.code == 2 and "no documentation page named nope" in r.err and "registry" in r.err
    r = cli("docs", "docs/registry.md", "--path")
    # the checkout's page when run from source, the copy shipped in the package when installed
    shown = Path(r.out.strip())
    assert r.code == 0 and shown.name == "registry.md" and shown.is_file()
    assert shown.read_bytes() == (ROOT / "docs" / "registry.md").read_bytes()


def test_the_scaffolded_spec_points_to_a_page_that_resolves(tmp_path, cli):
    from patforge.commands.new import SPEC_SKELETON

    assert "docs/spec-dialect.md" in SPEC_SKELETON and "`patforge docs spec-dialect`" in SPEC_SKELETON


@pytest.mark.parametrize("text", ["{}\n", "patterns: 3\n"])
def test_a_bad_registry_points_to_the_registry_page(tmp_path, cli, text):
    reg = tmp_path / "patterns/registry/PATTERN_INDEX.yaml"
    reg.parent.mkdir(parents=True)
    reg.write_text(text)
    r = cli("render", "--repo", str(tmp_path))
    assert r.code == 2 and "patforge docs registry" in r.err, r
