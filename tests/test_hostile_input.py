"""Hostile and broken input: each case asserts the message, the exit code, and that
nothing changed on disk. ``CASES`` below is the list for people too: one line per case
with its id, the command, the exit code and the words the message must hold
(``pytest tests/test_hostile_input.py --collect-only -q`` prints the ids)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

from conftest import commit_all, git, tree_snapshot
from hostile_repo import GOOD_ENTRY, GOOD_SPEC, REG, SPEC, build, reg_with


@dataclass
class Case:
    id: str
    setup: Callable[[Path], Path]
    args: tuple[str, ...]
    code: int
    message: str  # must appear in the output


def _dup(field: str, value: str) -> Callable[[Path], Path]:
    def setup(tmp: Path) -> Path:
        second = GOOD_ENTRY.replace("alpha", "beta").replace("ALPHA", "BETA")
        if field == "pattern_id":
            second = second.replace("PAT-BETA-001", value)
        elif field == "name":
            # both entries match their own spec: which one the name means is ambiguous
            second = second.replace("name: beta", f"name: {value}")
            repo = build(tmp, reg_with(GOOD_ENTRY + second))
            (repo / "patterns/specs/beta.pattern.yaml").write_text(GOOD_SPEC.replace("ALPHA", "BETA"))
            return repo
        else:
            first = GOOD_ENTRY.replace("    name:", f"    doc_id: {value}\n    name:")
            return build(tmp, reg_with(first + second.replace("    name:", f"    doc_id: {value}\n    name:")))
        return build(tmp, reg_with(GOOD_ENTRY + second))
    return setup


def _name(bad: str) -> Callable[[Path], Path]:
    return lambda tmp: build(tmp, reg_with(GOOD_ENTRY.replace("name: alpha", f"name: {bad}")))


def _path(bad: str) -> Callable[[Path], Path]:
    return lambda tmp: build(tmp, reg_with(GOOD_ENTRY.replace("patterns/specs/alpha.pattern.yaml", bad)))


def _path_field(field: str, value: str) -> Callable[[Path], Path]:
    original = next(l.split(": ", 1)[1] for l in GOOD_ENTRY.splitlines() if l.strip().startswith(f"{field}:"))
    return lambda tmp: build(tmp, reg_with(GOOD_ENTRY.replace(original, value)))


def _symlinked(tmp: Path) -> Path:
    repo = build(tmp)
    outside = tmp / "outside"
    outside.mkdir()
    (repo / "patterns" / "schemas").rmdir()
    (repo / "patterns" / "schemas").symlink_to(outside, target_is_directory=True)
    return repo


def _spec_folder(tmp: Path) -> Path:
    repo = build(tmp, spec=None)
    (repo / SPEC).mkdir()
    return repo


def _no_tags(tmp: Path) -> Path:
    tpl = tmp / "tpl"
    tpl.mkdir()
    (tpl / "copier.yml").write_text("artifact: {type: str}\n")
    git(tpl, "init", "-q")
    commit_all(tpl, "untagged")
    return build(tmp)


def _dirty(tmp: Path) -> Path:
    repo = build(tmp)
    git(repo, "init", "-q")
    commit_all(repo)
    (repo / "patterns/specs/alpha.pattern.yaml").write_text(GOOD_SPEC + "# local edit\n")
    return repo


def _big(tmp: Path) -> Path:
    return build(tmp, reg_with(GOOD_ENTRY) + "# " + "x" * (50 * 1024 * 1024) + "\n")


def _broken_toml(tmp: Path) -> Path:
    repo = build(tmp)
    (repo / "patforge.toml").write_text("[patforge\nregistry = 1\n")
    return repo


def _permissive(bad_name: str, pattern: str = "^[\\s\\S]+$") -> Callable[[Path], Path]:
    """A name that only a permissive name_pattern in patforge.toml lets through."""
    def setup(tmp: Path) -> Path:
        repo = build(tmp, reg_with(GOOD_ENTRY.replace("name: alpha", f"name: {bad_name}")))
        (repo / "patforge.toml").write_text(f"[patforge]\nname_pattern = '{pattern}'\n")
        return repo
    return setup


def _field(field: str, value: str) -> Callable[[Path], Path]:
    """GOOD_ENTRY with one path field replaced (or added)."""
    def setup(tmp: Path) -> Path:
        lines = [l for l in GOOD_ENTRY.splitlines() if not l.strip().startswith(f"{field}:")]
        return build(tmp, reg_with("\n".join(lines) + f"\n    {field}: {value}\n"))
    return setup


BETA_ENTRY = GOOD_ENTRY.replace("alpha", "beta").replace("ALPHA", "BETA")
BETA_SPEC = GOOD_SPEC.replace("alpha", "beta").replace("ALPHA", "BETA")


def _two(beta: str) -> Callable[[Path], Path]:
    """alpha and a second entry (beta) that may collide with it."""
    def setup(tmp: Path) -> Path:
        repo = build(tmp, reg_with(GOOD_ENTRY + beta))
        (repo / "patterns/specs/beta.pattern.yaml").write_text(BETA_SPEC)
        return repo
    return setup


def _config(text: str) -> Callable[[Path], Path]:
    def setup(tmp: Path) -> Path:
        repo = build(tmp)
        (repo / "patforge.toml").write_text(text)
        return repo
    return setup


LONG = "a" * 300
# a ~1 KB "billion laughs": each anchor a list of ten aliases to the previous one
BOMB = "lol0: &a0 [x]\n" + "".join(f"lol{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]\n" for i in range(1, 10))
SCHEMA_ONLY = ("render", "--phase", "2", "--kind", "schema")
CASES = [
    Case("yaml-invalid-escape", lambda t: build(t, reg_with(GOOD_ENTRY + '    notes: "C:\\Tools"\n')),
         ("render",), 2, "unknown escape '\\T'"),
    Case("yaml-tab-indent", lambda t: build(t, reg_with(GOOD_ENTRY + "\tnotes: x\n")), ("render",), 2,
         "tab character"),
    Case("yaml-unclosed-quote", lambda t: build(t, reg_with(GOOD_ENTRY + '    notes: "open\n')), ("render",), 2,
         "quoted string is not closed"),
    Case("yaml-duplicate-key", lambda t: build(t, reg_with(GOOD_ENTRY + "    name: again\n")), ("render",), 2,
         'duplicate key "name"'),
    Case("yaml-not-utf8", lambda t: build(t, reg_with(GOOD_ENTRY).encode() + b"    notes: caf\xe9\n"),
         ("render",), 2, "not valid UTF-8"),
    Case("yaml-utf16", lambda t: build(t, reg_with(GOOD_ENTRY).encode("utf-16")), ("render",), 2, "UTF-16"),
    Case("yaml-empty", lambda t: build(t, ""), ("render",), 2, "file is empty"),
    Case("yaml-only-comments", lambda t: build(t, "# nothing\n"), ("render",), 2, "only comments"),
    Case("yaml-50mb", _big, ("render",), 2, "over the 10 MiB limit"),
    Case("yaml-not-a-mapping", lambda t: build(t, "- a\n- b\n"), ("render",), 2, "'patterns:' list"),
    Case("yaml-several-documents", lambda t: build(t, reg_with(GOOD_ENTRY) + "---\nb: 1\n"), ("render",), 2,
         "several YAML documents"),
    Case("spec-invalid-escape", lambda t: build(t, spec=GOOD_SPEC + 'src: "D:\\Tools"\n'), SCHEMA_ONLY, 1,
         "unknown escape '\\T'"),
    Case("duplicate-pattern-id", _dup("pattern_id", "PAT-ALPHA-001"), ("render",), 1, "duplicate pattern_id"),
    Case("duplicate-name", _dup("name", "alpha"), ("render",), 1, "duplicate name alpha"),
    Case("duplicate-doc-id", _dup("doc_id", "DOC-SAME-001"), ("render",), 1, "duplicate doc_id"),
    Case("name-dotdot", _name("../evil"), ("render",), 1, "not a safe identifier"),
    Case("name-slash", _name("a/b"), ("render",), 1, "not a safe identifier"),
    Case("name-backslash", _name("'a\\b'"), ("render",), 1, "not a safe identifier"),
    Case("name-drive", _name("'C:x'"), ("render",), 1, "not a safe identifier"),
    Case("name-space", _name("'has space'"), ("render",), 1, "not a safe identifier"),
    Case("name-lookalike", _name("\u0430lpha"), ("render",), 1, "not a safe identifier"),
    Case("name-con", _name("con"), ("render",), 1, "reserved Windows device name"),
    Case("name-nul", _name("nul"), ("render",), 1, "reserved Windows device name"),
    Case("path-absolute", _path("/etc/alpha.pattern.yaml"), ("render",), 1, "is absolute"),
    Case("path-drive", _path("'C:\\specs\\alpha.pattern.yaml'"), ("render",), 1, "is absolute"),
    Case("path-escapes", _path("patterns/../../alpha.pattern.yaml"), ("render",), 1, "leaves the repository"),
    Case("path-reserved", _path("patterns/specs/NUL.yaml"), ("render",), 1, "reserved Windows device name"),
    Case("path-symlink-outside", _symlinked, ("render",), 1, "through a symlink"),
    Case("spec-missing", lambda t: build(t, spec=None), SCHEMA_ONLY, 1, "file does not exist"),
    Case("spec-is-a-folder", _spec_folder, SCHEMA_ONLY, 1, "found a directory"),
    Case("spec-unknown-type", lambda t: build(t, spec=GOOD_SPEC.replace("type: string", "type: strnig")),
         SCHEMA_ONLY, 1, "strnig"),
    Case("spec-min-over-max", lambda t: build(t, spec=GOOD_SPEC + "  n:\n    type: integer\n    min: 5\n    max: 1\n"),
         SCHEMA_ONLY, 1, "min"),
    Case("spec-default-outside-enum",
         lambda t: build(t, spec=GOOD_SPEC + "  m:\n    type: string\n    enum: [a, b]\n    default: c\n"),
         SCHEMA_ONLY, 1, "enum"),
    Case("spec-mismatch", lambda t: build(t, spec=GOOD_SPEC.replace("PAT-ALPHA-001", "PAT-OTHER-001")),
         SCHEMA_ONLY, 1, "PAT-OTHER-001"),
    Case("template-missing", build, ("render", "--template", "/no/such/templates"), 2, "does not exist"),
    Case("template-no-tags", _no_tags, ("render", "--template", "{tmp}/tpl"), 2, "no version tags"),
    Case("update-not-git", build, ("update",), 2, "not a git repository"),
    Case("update-dirty-tree", _dirty, ("update",), 2, "clean git working tree"),
    Case("config-broken-toml", _broken_toml, ("render",), 2, "patforge.toml is not valid TOML"),
    Case("only-unknown-pattern", build, ("render", "--only", "nosuch"), 2, "no usable pattern named nosuch"),
    Case("bad-phase", build, ("render", "--phase", "7"), 2, "7"),
    # -- issue 13, defect 1: alias bombs and other hostile YAML, in every YAML file
    Case("yaml-alias-bomb-registry", lambda t: build(t, reg_with(GOOD_ENTRY) + BOMB), ("render",), 2,
         "aliases expand"),
    Case("yaml-alias-bomb-registry-check", lambda t: build(t, reg_with(GOOD_ENTRY) + BOMB), ("check",), 1,
         "aliases expand"),
    Case("yaml-alias-bomb-registry-doctor", lambda t: build(t, reg_with(GOOD_ENTRY) + BOMB), ("doctor",), 1,
         "aliases expand"),
    Case("yaml-alias-bomb-spec", lambda t: build(t, spec=GOOD_SPEC + BOMB), SCHEMA_ONLY, 1, "aliases expand"),
    Case("yaml-recursive-alias", lambda t: build(t, reg_with(GOOD_ENTRY.replace("  - pattern_id", "  - &e\n    pattern_id")
                                                            + "    notes: *e\n")), ("render",), 2, "recursive"),
    Case("yaml-python-tag", lambda t: build(t, reg_with(GOOD_ENTRY + "    notes: !!python/object/apply:os.system [id]\n")),
         ("render",), 2, "could not determine a constructor"),
    Case("yaml-bad-timestamp", lambda t: build(t, reg_with(GOOD_ENTRY + "    notes: !!timestamp 2024-13-45\n")),
         ("render",), 2, "month must be in 1..12"),
    Case("yaml-deep-nesting", lambda t: build(t, reg_with(GOOD_ENTRY + "    notes: " + "[" * 5000 + "]" * 5000 + "\n")),
         ("render",), 2, "nesting depth"),
    Case("yaml-unhashable-key", lambda t: build(t, reg_with(GOOD_ENTRY + "    notes: {[1]: 2}\n")), ("render",), 2,
         "unhashable key"),
    Case("name-binary-tag", _name("!!binary aGk="), ("render",), 1, "not a safe identifier"),
    Case("path-is-a-list", _path("[a, b]"), ("render",), 1, "path is a list, not text"),
    # -- issue 13, defect 6: registry paths into .git/ or .patforge/, in every command
    Case("example-dir-in-git-objects", _field("example_dir", ".git/objects"), ("render",), 1,
         "goes into .git/"),
    Case("executor-in-git", _path_field("executor_path", ".git/x_executor.ps1"), ("render",), 1,
         "goes into .git/"),
    Case("schema-in-dot-patforge", _path_field("schema_path", ".patforge/answers/x.schema.json"), ("render",), 1,
         "goes into .patforge/"),
    Case("test-path-in-git-uppercase", _field("test_path", ".GIT/hooks/pre-commit"), ("render",), 1,
         "goes into .GIT/"),
    Case("example-dir-in-git-check", _field("example_dir", ".git/objects"), ("check",), 1, "goes into .git/"),
    Case("example-dir-in-git-doctor", _field("example_dir", ".git/objects"), ("doctor",), 1, "goes into .git/"),
    Case("example-dir-in-git-fix", _field("example_dir", ".git/objects"), ("check", "--fix"), 1,
         "goes into .git/"),
    Case("config-registry-in-git", _config("[patforge]\nregistry = '.git/config'\n"), ("render",), 2,
         "goes into .git/"),
    Case("config-root-in-patforge", _config("[patforge]\nroots = ['.patforge/x']\n"), ("check",), 2,
         "goes into .patforge/"),
    Case("new-root-in-git", build, ("new", "gamma", "-c", "demo", "--root", ".git/p"), 2, "goes into .git/"),
    # -- defect 7: lengths and control characters, checked before any write
    Case("name-300-characters", _name(LONG), ("render",), 1, "300 characters long"),
    Case("path-component-300-characters", _path_field("executor_path", f"patterns/executors/{LONG}.py"),
         ("render",), 1, "303 characters long"),
    Case("path-component-300-bytes", _path_field("executor_path", "patterns/executors/" + "\u00e9" * 140 + ".py"),
         ("render",), 1, "characters long"),
    Case("name-newline-permissive", _permissive('"al\\npha"'), ("render",), 1, "control character"),
    Case("name-nul-permissive", _permissive('"al\\0pha"'), ("render",), 1, "control character"),
    Case("name-tab-permissive", _permissive('"al\\tpha"'), ("render",), 1, "control character"),
    Case("name-slash-permissive", _permissive("al/pha"), ("render",), 1, "path separator"),
    Case("name-dotdot-permissive", _permissive("'..'"), ("render",), 1, "path separator"),
    Case("name-newline-check", _permissive('"al\\npha"'), ("check",), 1, "control character"),
    Case("new-name-newline", _config("[patforge]\nname_pattern = '^[\\s\\S]+$'\n"),
         ("new", "ga\nmma", "-c", "demo"), 2, "control character"),
    # -- defect 3: two entries, one output (compared case-folded), refused before any write
    Case("executor-path-shared", _two(BETA_ENTRY.replace("beta_executor.py", "alpha_executor.py")), ("render",), 1,
         "are the same path"),
    Case("executor-path-case-only", _two(BETA_ENTRY.replace("beta_executor.py", "Alpha_Executor.py")),
         ("render",), 1, "differ only by letter case"),
    Case("schema-is-other-executor",
         _two(BETA_ENTRY.replace("patterns/schemas/beta.schema.json", "patterns/executors/alpha_executor.py")),
         ("render",), 1, "executor_path"),
    Case("schema-equals-own-executor", _path_field("schema_path", "patterns/executors/alpha_executor.py"),
         ("render",), 1, "its own"),
    Case("example-dir-shared", _two(BETA_ENTRY + "    example_dir: patterns/examples/alpha\n"), ("render",), 1,
         "path-collision"),
    Case("name-case-only", _two(BETA_ENTRY.replace("name: beta", "name: Alpha")),
         ("render",), 1, "duplicate name"),
    Case("executor-shared-check", _two(BETA_ENTRY.replace("beta_executor.py", "alpha_executor.py")), ("check",), 1,
         "are the same path"),
    Case("missing-registry", lambda t: build(t, spec=None) and (t / "repo" / REG).unlink() or t / "repo",
         ("render",), 2, "file does not exist"),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_hostile_input(tmp_path, cli, case):
    repo = case.setup(tmp_path)
    # tmp_path holds the repository and its siblings (a template, an "outside" folder):
    # nothing in the repository changes and nothing is written next to it
    before = tree_snapshot(tmp_path)
    args = [a.replace("{tmp}", str(tmp_path)) for a in case.args]
    r = cli(*args, "--repo", str(repo))
    assert r.code == case.code, r
    assert case.message in r.text, r
    after = tree_snapshot(tmp_path)
    assert after == before, f"files changed: {sorted(k for k in set(after) | set(before) if after.get(k) != before.get(k))}"


def test_corpus_is_large_enough():
    # docs/reliability.md counts 80 input cases; with test_hostile_state.py's 41 state
    # cases the corpus holds over 100 (each file holds its own part to its count)
    assert len(CASES) >= 80 and len({c.id for c in CASES}) == len(CASES)


def test_bom_is_accepted_and_kept(tmp_path, cli):
    repo = build(tmp_path, b"\xef\xbb\xbf" + reg_with(GOOD_ENTRY).encode())
    r = cli("render", "--repo", str(repo), "--phase", "1")
    assert r.code == 0, r
    raw = (repo / REG).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfversion") and b"doc_id: DOC-ALPHA-001" in raw


def test_broken_spec_among_good_ones_still_renders_the_rest(tmp_path, cli):
    second = GOOD_ENTRY.replace("alpha", "beta").replace("ALPHA", "BETA")
    repo = build(tmp_path, reg_with(GOOD_ENTRY + second), spec=GOOD_SPEC + 'src: "D:\\Tools"\n')
    (repo / "patterns/specs/beta.pattern.yaml").write_text(GOOD_SPEC.replace("alpha", "beta").replace("ALPHA", "BETA"))
    r = cli("render", "--repo", str(repo))
    assert r.code == 1
    assert (repo / "patterns/schemas/beta.schema.json").is_file()
    assert not (repo / "patterns/schemas/alpha.schema.json").exists()
    assert "alpha.pattern.yaml:10:9" in r.err
