"""Every file a test cites exists: the paths in the docstrings and comments of tests/*.py,
and the test files README.md and docs/*.md name, so that a reader who follows a
citation finds the file (a rename that forgets one fails here).

A citation is a path under one of this repository's top-level folders with a file
extension (``docs/reliability.md``, ``tests/test_journal.py``) or a bare test file name
(``test_journal.py``, meaning tests/test_journal.py). Placeholders (``test_<name>.py``)
and globs are not citations. Paths of a *generated* pattern repository that happen to
share a folder name with this one are listed in GENERATED with the reason.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from pathlib import Path

from conftest import ROOT

TOP = ("tests", "docs", "driver", "templates", "bench", "scripts", ".ci")
PATH = re.compile(r"(?<![\w/.<-])((?:" + "|".join(re.escape(t) for t in TOP) + r")/[\w./-]*\.\w+)(?![\w<*{])")
BARE = re.compile(r"(?<![\w/.<-])(test_\w+\.py)(?![\w<*{])")

# Files patforge writes into a pattern repository (not files of this one).
GENERATED = {
    "scripts/generate_all_pattern_files.ps1": "the plan's master script, rendered by the repo template",
    "scripts/generate_all_pattern_files.sh": "its POSIX twin, rendered by the repo template",
    "scripts/PATTERN_DIR_CHECK.ps1": "a plan script the repo template renders",
    "scripts/validate_doc_id_consistency.ps1": "a plan script the repo template renders",
}


def comments_and_docstrings(path: Path) -> list[tuple[int, str]]:
    """The comments and docstrings of a Python file, with their line numbers."""
    src = path.read_text(encoding="utf-8")
    out = [(tok.start[0], tok.string) for tok in tokenize.generate_tokens(io.StringIO(src).readline)
           if tok.type == tokenize.COMMENT]
    for node in ast.walk(ast.parse(src)):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            doc = ast.get_docstring(node, clean=False)
            if doc:
                out.append((node.body[0].lineno, doc))
    return out


def missing(text: str, *, only_tests: bool = False) -> list[str]:
    cited = [p for p in PATH.findall(text) if not only_tests or p.startswith("tests/")]
    gone = [p for p in cited if p not in GENERATED and not (ROOT / p).exists()]
    gone += [f"{name} (tests/{name})" for name in BARE.findall(text) if not (ROOT / "tests" / name).exists()]
    return gone


def test_every_path_cited_in_a_test_exists():
    problems = [f"tests/{f.name}:{line}: {p}" for f in sorted((ROOT / "tests").glob("*.py"))
                for line, text in comments_and_docstrings(f) for p in missing(text)]
    assert problems == [], "cited but not there (fix the citation or the name):\n" + "\n".join(problems)


def test_every_test_file_the_docs_cite_exists():
    docs = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")), ROOT / "tests" / "README.md"]
    problems = [f"{d.relative_to(ROOT).as_posix()}: {p}" for d in docs if d.is_file()
                for p in missing(d.read_text(encoding="utf-8"), only_tests=True)]
    assert problems == [], "cited but not there:\n" + "\n".join(problems)


def test_the_citation_finder_finds_citations():
    """The patterns above are what the two tests rely on: a wrong one would pass everything."""
    assert missing("see tests/no_such_file.md and test_nothing_here.py") == [
        "tests/no_such_file.md", "test_nothing_here.py (tests/test_nothing_here.py)"]
    assert missing("docs/reliability.md, tests/test_journal.py, test_journal.py") == []
    assert missing("tests/test_<name>_executor.ps1, tests/test_*.py, test_{kind}.py") == []
    assert missing("scripts/generate_all_pattern_files.ps1") == []
