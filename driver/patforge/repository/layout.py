"""Where things live in a pattern repository: every path convention, in one place.

render writes to these places, check looks for artifacts there, update and new use
them; nothing else spells a path formula. Artifact kinds (``patforge.kinds``) derive
their files from a registry entry with these functions. Paths are repository-relative
and POSIX-style (``/``), also on Windows.
"""

from __future__ import annotations

from pathlib import PurePosixPath

# -- patforge's own files ---------------------------------------------------------

#: Answers files: one per (pattern, kind), plus the repository-level ones.
ANSWERS_DIR = ".patforge/answers"
#: The template versions a repository has rendered from (a git bundle patforge keeps).
REPO_BUNDLE = ".patforge/templates.bundle"
#: Folders no walk of the repository descends into (tools' caches, git, patforge's state).
SKIPPED_DIRS = frozenset({".git", ".patforge", ".pytest_cache", ".venv", "__pycache__", "node_modules"})
#: The temporary batch answers file ``patforge update`` hands to ``copier update``.
BATCH_ANSWERS = f"{ANSWERS_DIR}/_batch-update.yml"
#: What Copier itself writes for a whole batch run (patforge drops it).
LAST_RUN_ANSWERS = f"{ANSWERS_DIR}/last-run.yml"


def answers_path(name: str, kind: str) -> str:
    """The answers file of one (pattern, kind) unit."""
    return f"{ANSWERS_DIR}/{name}/{kind}.yml"


def repository_answers_path(kind: str) -> str:
    """The answers file of a repository-level unit (one per repository)."""
    return f"{ANSWERS_DIR}/{kind}.yml"


# -- pattern roots ----------------------------------------------------------------

#: The sub-layout every pattern root shares (PAT-CHECK-001-002).
ROOT_SUBDIRS = ("registry", "specs", "schemas", "executors", "examples", "tests")
#: Registry path field -> the root sub-folder it belongs in.
KIND_DIRS = {"spec_path": "specs", "schema_path": "schemas", "executor_path": "executors",
             "test_path": "tests", "example_dir": "examples"}
#: The registry's path fields, in their order (each records where one artifact is).
PATH_FIELDS = tuple(KIND_DIRS)
#: The path fields every entry needs (the others are derived by convention when absent).
REQUIRED_PATH_FIELDS = PATH_FIELDS[:3]
#: What an executor's file name adds to the pattern name: ``<name>_executor<ext>``.
EXECUTOR_SUFFIX = "_executor"
#: Executor file extension -> language.
EXECUTOR_LANGUAGES = {".ps1": "powershell", ".py": "python"}
LANGUAGE_EXTENSIONS = {"powershell": ".ps1", "python": ".py"}


def infer_root(path: str) -> str | None:
    """``patterns/legacy_atoms/converted/specs/x.yaml`` -> ``patterns/legacy_atoms/converted``."""
    parts = path.split("/")
    for i in range(len(parts) - 1, 0, -1):
        if parts[i] in ROOT_SUBDIRS:
            return "/".join(parts[:i])
    return None


def executor_language(executor_path: str) -> str | None:
    return EXECUTOR_LANGUAGES.get(PurePosixPath(executor_path).suffix.lower())


# -- per-pattern conventions ------------------------------------------------------

#: The doc_id index render writes beside hand-written examples.
EXAMPLES_INDEX = "examples.id.yaml"
#: The example instances render generates, in this order.
EXAMPLE_FILES = ("instance_minimal.json", "instance_full.json", "instance_test.json")
#: The optional central schema doc_id index, beside the registry.
SCHEMA_INDEX_NAME = "SCHEMA_INDEX.yaml"
#: Where the repository-level unit puts the executor result schema (tests validate against it).
RESULT_SCHEMA = "schema/pattern_execution_result.v1.json"


def sidecar_path(schema_path: str) -> str:
    """The schema's doc_id sidecar: ``<schema minus .json>.id.yaml``."""
    return (schema_path[:-5] if schema_path.endswith(".json") else schema_path) + ".id.yaml"


def default_example_dir(root: str, name: str) -> str:
    return f"{root}/examples/{name}"


def executor_file_name(name: str, ext: str) -> str:
    """``<name>_executor<ext>`` (``ext`` with its dot)."""
    return f"{name}{EXECUTOR_SUFFIX}{ext}"


def default_test_path(root: str, name: str, language: str | None) -> str:
    ext = ".ps1" if language == "powershell" else ".py"
    return f"{root}/{KIND_DIRS['test_path']}/test_{executor_file_name(name, ext)}"


def schema_index_path(registry_path: str) -> str:
    return str(PurePosixPath(registry_path).parent / SCHEMA_INDEX_NAME)


def new_pattern_paths(root: str, name: str, language: str) -> dict[str, str]:
    """The registry path fields ``patforge new`` writes for a pattern under ``root``."""
    ext = LANGUAGE_EXTENSIONS[language]
    return {
        "spec_path": f"{root}/specs/{name}.pattern.yaml",
        "schema_path": f"{root}/schemas/{name}.schema.json",
        "executor_path": f"{root}/{KIND_DIRS['executor_path']}/{executor_file_name(name, ext)}",
        "test_path": default_test_path(root, name, language),
        "example_dir": default_example_dir(root, name),
    }


def example_dir(p) -> str:
    """A pattern's example folder: its registry's ``example_dir``, else the default."""
    return p.example_dir or default_example_dir(p.root, p.name)


def test_file(p) -> str:
    """The one test file render writes for a pattern: a concrete ``test_path`` named
    ``test_<name>_...`` (not a glob), else the default."""
    tp = p.test_path
    if tp and not any(c in tp for c in "*?[") and PurePosixPath(tp).name.startswith(f"test_{p.name}_"):
        return tp
    return default_test_path(p.root, p.name, p.executor_language)


def write_targets(p) -> list[tuple[str, str]]:
    """(what, path) of every file or folder patforge may write for pattern ``p``: its
    registry path fields and the derived files that fill in for the others. The
    registry checks each before any command writes (symlinks out of the repository,
    collisions between entries, lengths)."""
    out = [(f, p.paths[f]) for f in REQUIRED_PATH_FIELDS]
    out.append(("sidecar of schema_path", sidecar_path(p.schema_path)))
    test = test_file(p)
    out.append(("test_path" if test == p.test_path else "test_path (default)", test))
    out.append(("example_dir", example_dir(p)))
    out.append(("answers folder", f"{ANSWERS_DIR}/{p.name}"))
    return out
