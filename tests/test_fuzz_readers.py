"""Fuzzing the readers of untrusted text: the registry, specs and answers files.

Every input ends in a clean result or a clear ``PatforgeError`` (never another
exception, never a hang, never a memory blow-up). The CPU-time and memory bounds
asserted per example are safety nets against hangs and exponential blow-ups (an
alias bomb took minutes and gigabytes before issue 13), not speed claims: a correct
reader is orders of magnitude below them (docs/reliability.md). The time bound counts
this process's CPU seconds, not wall time, so other work on a loaded machine cannot
make it fail.
"""

from __future__ import annotations

import shutil
import tempfile
import time
import tracemalloc
from contextlib import contextmanager
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

from patforge.errors import PatforgeError
from patforge.repository.registry import load_registry, load_spec
from patforge.commands.update import read_managed_units
from patforge.repository.yamlsrc import YamlLoadError, load_yaml_bytes

REG = "patterns/registry/PATTERN_INDEX.yaml"
# CPU seconds per example: a hang guard, far above what any reader needs (milliseconds),
# far below what the pre-issue-13 alias bomb took (minutes).
CPU_SECONDS = 20.0
BYTES = 200 * 1024 * 1024

FUZZ = settings(max_examples=60, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@contextmanager
def bounded():
    """Assert the block stays under CPU_SECONDS of this process's CPU time (wall time would
    count other processes' load) and BYTES of Python heap."""
    tracemalloc.start()
    t0 = time.process_time()
    try:
        yield
    finally:
        used = time.process_time() - t0
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert used < CPU_SECONDS, f"took {used:.2f} CPU seconds"
    assert peak < BYTES, f"peak {peak / 1048576:.0f} MB"


# -- YAML structures: anchors, aliases, tags, deep nesting, huge scalars --------------------------

TAGGED = ["!!binary aGVsbG8=", "!!binary '%%%'", "!!timestamp 2024-13-45", "!!timestamp 2024-01-02",
          "!!int 0x1F", "!!int nope", "!!float .nan", "!!float x", "!!bool maybe", "!!null ~",
          "!!python/object:os.system x", "!!python/name:os.system ''", "!foo bar", "!!set {a, b}",
          "!!omap [a: 1]", "!!str 12", "!!map {a: 1}", "!!seq [1]", "1e999", "-.inf", "0o777", "2024-01-02"]
PLAIN = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)


@st.composite
def yaml_text(draw) -> str:
    """Flow-style YAML with anchors defined before their aliases (and some that are not)."""
    anchors: list[str] = []

    def node(depth: int) -> str:
        choice = draw(st.integers(0, 9 if depth < 6 else 4))
        if choice == 0:
            return repr(draw(PLAIN)).replace("\\'", "''")  # a quoted scalar
        if choice == 1:
            return draw(st.sampled_from(TAGGED))
        if choice == 2:
            return ("*" + draw(st.sampled_from(anchors))) if anchors and draw(st.booleans()) else "*undefined"
        if choice == 3:
            return "x" * draw(st.sampled_from([0, 1, 1000, 200_000]))  # huge scalars
        if choice == 4:
            n = draw(st.integers(0, 400))  # deep nesting
            return "[" * n + "1" + "]" * n
        if choice in (5, 6):
            body = ", ".join(node(depth + 1) for _ in range(draw(st.integers(0, 4))))
            text = f"[{body}]"
        else:
            keys = draw(st.lists(st.sampled_from(["name", "pattern_id", "spec_path", "units", "_commit",
                                                  "patterns", "inputs", "type", "<<", "k"]), max_size=4))
            text = "{" + ", ".join(f"{k}: {node(depth + 1)}" for k in keys) + "}"
        if draw(st.booleans()):
            name = f"a{len(anchors)}"
            anchors.append(name)
            return f"&{name} {text}"
        return text

    top = [f"{k}: {node(0)}" for k in draw(st.lists(st.sampled_from(["version", "patterns", "units",
                                                                        "_commit", "x"]), unique=True,
                                                       max_size=4))]
    # alias bombs: a chain of anchors, each repeating the previous one
    depth, fan = draw(st.integers(0, 12)), draw(st.integers(2, 12))
    if depth:
        top.append("b0: &b0 [x]")
        top += [f"b{i}: &b{i} [" + ", ".join([f"*b{i - 1}"] * fan) + "]" for i in range(1, depth + 1)]
    return "\n".join(top) + "\n"


ENTRY_KEYS = ["pattern_id", "name", "spec_path", "schema_path", "executor_path", "test_path",
              "example_dir", "doc_id", "version", "status"]


@st.composite
def registry_text(draw) -> str:
    """A registry whose entries have the real keys, with hostile values."""
    value = st.one_of(
        st.sampled_from(["PAT-A-001", "alpha", "patterns/specs/a.pattern.yaml", "../x", "/etc/passwd",
                         ".git/x", "C:\\x", "'a\\nb'", "\"\\0\"", "CON", "a" * 300, "[1, 2]", "{a: 1}",
                         "*e0", "!!binary aGk=", "2024-01-02", "~", "''", "patterns/executors/A.py",
                         "patterns/executors/a.py", "patterns/schemas/a.schema.json"]),
        PLAIN.map(lambda s: repr(s).replace("\\'", "''")))
    entries = []
    for i in range(draw(st.integers(0, 6))):
        keys = draw(st.lists(st.sampled_from(ENTRY_KEYS), max_size=len(ENTRY_KEYS), unique=True))
        anchor = f"&e{i} " if draw(st.booleans()) else ""
        entries.append("  - " + anchor + "{" + ", ".join(f"{k}: {draw(value)}" for k in keys) + "}")
    return "version: '1.0'\npatterns:\n" + "\n".join(entries) + "\n" if entries else "patterns: []\n"


# -- the readers --------------------------------------------------------------------------------

def fresh_repo() -> Path:
    repo = Path(tempfile.mkdtemp(prefix="patforge-fuzz-"))
    for d in ("registry", "specs", "schemas", "executors", "examples", "tests"):
        (repo / "patterns" / d).mkdir(parents=True)
    return repo


def read_registry(raw: bytes) -> None:
    repo = fresh_repo()
    try:
        (repo / REG).write_bytes(raw)
        with bounded():
            try:
                registry = load_registry(repo)
            except PatforgeError as exc:
                assert exc.message
                return
            for d in registry.diagnostics:
                assert d.message and d.path
    finally:
        shutil.rmtree(repo, ignore_errors=True)


def read_spec(raw: bytes) -> None:
    repo = fresh_repo()
    try:
        (repo / REG).write_text("patterns:\n  - {pattern_id: PAT-ALPHA-001, name: alpha, "
                                "spec_path: patterns/specs/alpha.pattern.yaml, "
                                "schema_path: patterns/schemas/alpha.schema.json, "
                                "executor_path: patterns/executors/alpha.py}\n")
        (repo / "patterns/specs/alpha.pattern.yaml").write_bytes(raw)
        registry = load_registry(repo, load_specs=False)
        with bounded():
            load_spec(registry, registry.patterns[0])
            # the spec's consumer: compiling it into a JSON Schema
            from patforge.diagnostics import DiagnosticList
            from patforge.kinds import BuildContext
            from patforge.kinds.schema import compiled_schema
            from patforge.transaction.workspace import Workspace

            p = registry.patterns[0]
            compiled_schema(BuildContext(registry, Workspace(repo, dry_run=True), DiagnosticList(), 2, [p]), p)
        for d in registry.diagnostics:
            assert d.message
    finally:
        shutil.rmtree(repo, ignore_errors=True)


def read_answers(raw: bytes) -> None:
    repo = fresh_repo()
    try:
        (repo / ".patforge/answers/alpha").mkdir(parents=True)
        (repo / ".patforge/answers/alpha/executor.yml").write_bytes(raw)
        with bounded():
            try:
                load_yaml_bytes(raw, "answers.yml")
            except YamlLoadError as exc:
                assert exc.diagnostic.message
            try:
                read_managed_units(repo)
            except PatforgeError as exc:
                assert exc.message
    finally:
        shutil.rmtree(repo, ignore_errors=True)


@FUZZ
@given(st.binary(max_size=4096))
def test_registry_reader_on_arbitrary_bytes(raw):
    read_registry(raw)


@FUZZ
@given(yaml_text())
def test_registry_reader_on_hostile_yaml(text):
    read_registry(text.encode("utf-8", "surrogatepass"))


@FUZZ
@given(registry_text())
def test_registry_reader_on_hostile_entries(text):
    read_registry(text.encode("utf-8", "surrogatepass"))


@FUZZ
@given(st.one_of(st.binary(max_size=4096), yaml_text().map(lambda t: t.encode("utf-8", "surrogatepass"))))
def test_spec_reader(raw):
    read_spec(raw)


@FUZZ
@given(st.one_of(st.binary(max_size=4096), yaml_text().map(lambda t: t.encode("utf-8", "surrogatepass"))))
def test_answers_reader(raw):
    read_answers(raw)
