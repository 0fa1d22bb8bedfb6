"""Docs that run: every shell command in README.md and docs/*.md that is meant to be
run is executed here, in order, on a fresh folder per document.

The rules (the docs follow them; ``test_every_bash_block_is_run_or_says_why`` holds
them to it):

* A fenced block tagged ``bash`` is meant to be run, top to bottom, in one bash
  session per document (so ``cd`` carries over to the document's next block), with
  ``set -e``: every command must exit 0 (also the left side of a ``&&``). Each document starts in an empty temporary
  folder and makes the repository it needs itself (``patforge demo ...``).
* A ``bash`` block whose first line is ``# not run: <why>`` is not run; the reason is
  required. Blocks tagged ``console``, ``text``, ``powershell``, ``yaml``, ``toml`` (or
  anything but ``bash``) are never run: PowerShell is not installed here.
* Install steps are replaced by the test environment, which already has this checkout
  installed (``pip install -e .[test]``): ``python3 -m pip install .`` (with or without
  extras) becomes ``true``; nothing else is changed. ``patforge``, ``python3`` and
  ``copier`` are the test environment's (its scripts folder is first on PATH).
* In the README's tour every command must also *show* something (non-empty output).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^```(\S*)[^\n]*\n(.*?)^```\s*$", re.M | re.S)
INSTALL = re.compile(r"""\bpython3? -m pip install (?:\.|"\.\[[a-z,]+\]"|'\.\[[a-z,]+\]')(?=\s|$)""")
MARK = "@@patforge-docs-cmd"


def bash_blocks(doc: Path) -> list[tuple[int, str]]:
    """(line number, body) of every ```bash block."""
    text = doc.read_text("utf-8")
    return [(text.count("\n", 0, m.start()) + 1, m[2]) for m in FENCE.finditer(text) if m[1] == "bash"]


def commands(body: str) -> list[str]:
    """The block's commands: one per line (backslash continues a line), comments and
    blank lines dropped."""
    out: list[str] = []
    pending = ""
    for line in body.splitlines():
        if pending:
            line, pending = pending + line, ""
        if line.endswith("\\"):
            pending = line[:-1] + " "
            continue
        if line.strip() and not line.lstrip().startswith("#"):
            out.append(line)
    return out


def runnable(doc: Path) -> list[str]:
    cmds: list[str] = []
    for _line, body in bash_blocks(doc):
        if body.lstrip().startswith("# not run:"):
            continue
        cmds += [INSTALL.sub("true", c) for c in commands(body)]
    return cmds


def run_commands(cmds: list[str], cwd: Path) -> list[tuple[str, str]]:
    """Run the commands in one bash session; return (command, its output) per command.
    Fails with the failing command and its output."""
    # `set -e` ignores a failure on the left of `&&`; `{ ...; } || exit` does not.
    script = "set -e\n" + "".join(f"printf '\\n{MARK} {i}\\n'\n{{ {c}\n}} || exit $?\n"
                                   for i, c in enumerate(cmds))
    bindir = str(Path(sys.executable).parent)
    env = {**os.environ, "PATH": bindir + os.pathsep + os.environ.get("PATH", ""), "NO_COLOR": "1",
           "PYTHONDONTWRITEBYTECODE": "1", "COLUMNS": "120"}
    res = subprocess.run(["bash", "-c", script], cwd=cwd, env=env, capture_output=True, text=True,
                         encoding="utf-8", errors="replace")
    # stderr is interleaved per command by merging on the markers of stdout only
    parts = re.split(rf"\n{MARK} (\d+)\n", "\n" + res.stdout)
    outputs = {int(parts[i]): parts[i + 1] for i in range(1, len(parts), 2)}
    if res.returncode != 0:
        last = max(outputs) if outputs else 0
        pytest.fail(f"command {last + 1} of {len(cmds)} exited {res.returncode}:\n  {cmds[last]}\n"
                    f"--- stdout (tail)\n{outputs.get(last, '')[-3000:]}\n--- stderr (tail)\n{res.stderr[-3000:]}")
    return [(c, outputs.get(i, "")) for i, c in enumerate(cmds)]


def test_every_bash_block_is_run_or_says_why():
    total = 0
    for doc in DOCS:
        for line, body in bash_blocks(doc):
            first = body.lstrip().splitlines()[0] if body.strip() else ""
            if first.startswith("# not run:"):
                assert len(first) > len("# not run:") + 5, f"{doc.name}:{line}: say why it is not run"
            else:
                total += len(commands(body))
    assert total >= 30  # the README tour, cli.md, plan.md, templates.md


def test_install_steps_are_the_only_rewrite():
    assert INSTALL.sub("true", "python3 -m pip install . && python3 -m patforge demo --force") == \
        "true && python3 -m patforge demo --force"
    assert INSTALL.sub("true", 'python3 -m pip install ".[test]" && x') == "true && x"
    assert INSTALL.sub("true", "python3 -m pip install matplotlib") == "python3 -m pip install matplotlib"


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("bash") is None, reason="the documented commands are bash")
@pytest.mark.parametrize("doc", [d for d in DOCS if runnable(d)], ids=lambda d: d.name)
def test_documented_commands_run(doc, tmp_path):
    results = run_commands(runnable(doc), tmp_path)
    if doc.name == "README.md":
        tour = commands(next(body for _l, body in bash_blocks(doc) if "patforge demo --copy-only tour" in body))
        shown = {c: out for c, out in results}
        silent = [c for c in tour if not shown[c].strip()]
        assert not silent, f"README tour commands that show nothing: {silent}"
        assert not any("nothing to do" in shown[c] for c in tour), "a tour command has nothing to do"
