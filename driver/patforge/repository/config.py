"""Repository configuration: optional ``patforge.toml`` at the repository root.

A repository laid out like the ones in the wild needs no configuration at all: the
registry path is conventional and pattern roots are inferred from the registry's
paths. The file only exists to override those conventions.

    [patforge]
    registry = "patterns/registry/PATTERN_INDEX.yaml"
    doc_id_rule = "DOC-<REST>"        # or "DOC-PAT-<REST>"; <REST> = pattern_id minus "PAT-"
    name_pattern = "^[a-z0-9_]+$"
    roots = ["patterns", "patterns/legacy_atoms/converted"]   # extra roots are added to inferred ones
    batch_size = 100
    jobs = 2
    template = "https://example.com/our/pattern-templates.git"   # default: shipped templates
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from patforge.diagnostics import error
from patforge.repository.bounded import ContentError, read_regular
from patforge.docids.rule import DEFAULT_RULE
from patforge.errors import RegexError, RepositoryError
from patforge.repository.paths import PathProblem, normalize_repo_path
from patforge.validation.messages import shown
from patforge.validation.regexes import Regex, compile_regex

CONFIG_FILE = "patforge.toml"
DEFAULT_REGISTRY = "patterns/registry/PATTERN_INDEX.yaml"
DEFAULT_DOC_ID_RULE = DEFAULT_RULE  # docids/rule.py
DEFAULT_NAME_PATTERN = r"^[a-z0-9_]+$"

_KNOWN_KEYS = {"registry", "doc_id_rule", "name_pattern", "roots", "batch_size", "jobs", "template",
               "executor_language"}
EXECUTOR_LANGUAGES = ("powershell", "python")


@dataclass(frozen=True)
class Config:
    registry: str = DEFAULT_REGISTRY
    doc_id_rule: str = DEFAULT_DOC_ID_RULE
    name_pattern: str = DEFAULT_NAME_PATTERN
    roots: tuple[str, ...] = field(default_factory=tuple)
    batch_size: int = 100
    jobs: int = 0  # 0 = number of CPUs, at most 4
    template: str | None = None  # template collection (git path or URL)
    source: str | None = None  # the file it came from, for messages
    doc_id_rule_explicit: bool = False  # set in patforge.toml (else inferred from the registry)
    executor_language: str | None = None  # for entries without executor_path (else the majority)

    @property
    def name_regex(self) -> Regex:
        """The name pattern (Python syntax, from the repository's patforge.toml), bounded:
        ``fullmatch`` raises ``RegexError`` past its bound (patforge.validation.regexes)."""
        return compile_regex(self.name_pattern, "python")

    def effective_jobs(self) -> int:
        return self.jobs if self.jobs > 0 else max(1, min(4, os.cpu_count() or 1))


def load_config(repo: Path) -> Config:
    """Read ``patforge.toml`` if present; a broken file is an error, not a silent default."""
    path = repo / CONFIG_FILE
    if not os.path.lexists(path):
        return Config()
    try:
        data = tomllib.loads(read_regular(path, CONFIG_FILE, max_bytes=1 << 20).decode("utf-8"))
    except ContentError as exc:
        raise RepositoryError(exc.message, hint=exc.hint or f"fix or remove {CONFIG_FILE}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise RepositoryError(f"{CONFIG_FILE} is not valid TOML: {exc}",
                              hint=f"fix or remove {CONFIG_FILE}") from None
    section = data.get("patforge", data)
    if not isinstance(section, dict):
        raise RepositoryError(f"{CONFIG_FILE}: [patforge] must be a table")
    unknown = sorted(set(section) - _KNOWN_KEYS - {"patforge"})
    if unknown:
        raise RepositoryError(
            f"{CONFIG_FILE}: unknown setting(s) {', '.join(unknown)}",
            hint=f"known settings: {', '.join(sorted(_KNOWN_KEYS))}",
            diagnostics=[error(f"unknown setting {shown(k)}", path=CONFIG_FILE) for k in unknown])
    rule = str(section.get("doc_id_rule", DEFAULT_DOC_ID_RULE))
    if "<REST>" not in rule and "<PATTERN_ID>" not in rule:
        raise RepositoryError(f"{CONFIG_FILE}: doc_id_rule {shown(rule)} must contain <REST> or <PATTERN_ID>",
                              hint='e.g. doc_id_rule = "DOC-<REST>"')
    name_pattern = str(section.get("name_pattern", DEFAULT_NAME_PATTERN))
    try:
        compile_regex(name_pattern, "python")
    except RegexError as exc:
        raise RepositoryError(f"{CONFIG_FILE}: name_pattern is not a valid regex: {exc.message}") from None
    roots = section.get("roots", [])
    if not isinstance(roots, list) or not all(isinstance(r, str) for r in roots):
        raise RepositoryError(f"{CONFIG_FILE}: roots must be a list of folder paths")
    try:
        batch_size = int(section.get("batch_size", 100))
        jobs = int(section.get("jobs", 0))
    except (TypeError, ValueError):
        raise RepositoryError(f"{CONFIG_FILE}: batch_size and jobs must be whole numbers") from None
    language = section.get("executor_language")
    if language is not None and language not in EXECUTOR_LANGUAGES:
        raise RepositoryError(f"{CONFIG_FILE}: executor_language {shown(language)} is not one of "
                              f"{', '.join(EXECUTOR_LANGUAGES)}", hint='e.g. executor_language = "python"')

    try:
        registry = normalize_repo_path(str(section.get("registry", DEFAULT_REGISTRY)))
        roots = [normalize_repo_path(r) for r in roots]
    except PathProblem as exc:
        raise RepositoryError(f"{CONFIG_FILE}: {exc}", hint=exc.hint) from None
    return Config(
        executor_language=language,
        registry=registry,
        doc_id_rule=rule,
        name_pattern=name_pattern,
        roots=tuple(r.strip("/").replace("\\", "/") for r in roots),
        batch_size=max(1, batch_size),
        jobs=max(0, jobs),
        template=str(section["template"]) if section.get("template") else None,
        source=CONFIG_FILE,
        doc_id_rule_explicit="doc_id_rule" in section,
    )
