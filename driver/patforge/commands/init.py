"""``patforge init``: start a pattern repository (issue 23, "A brand-new repository").

The files come from a Copier template of plain files (``data/init/``, readable and
usable by hand with ``copier copy``): the ``patterns/`` skeleton, an empty registry
that ``new`` and ``render`` accept, ``patforge.toml`` stating the doc_id rule,
``.pre-commit-config.yaml``, a GitHub Actions workflow and ``.gitattributes``.

Copier renders the template into a temporary folder; patforge then adds each file
that does not exist yet, through the journal (atomic, kill-safe, recorded for
``rollback``), and keeps every file that does: init never overwrites. On a
repository that already has a registry it so adds only what is missing, and says so
file by file.
"""

from __future__ import annotations

import tempfile
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from patforge import __version__
from patforge.repository.config import CONFIG_FILE, DEFAULT_REGISTRY, load_config
from patforge.errors import RegistryError, RepositoryError, TemplateError
from patforge.transaction.lock import RepoLock
from patforge.transaction.workspace import Workspace

INIT_TEMPLATE = Path(__file__).resolve().parents[1] / "data" / "init"  # patforge/data, not commands/

#: Kept files whose lines matter to patforge: a kept one lacking some is named with them.
LINES_THAT_MATTER = {".gitattributes": "docs/windows.md"}


@dataclass
class InitReport:
    added: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    doc_id_rule: str = ""
    rule_source: str = "default"  # default | registry | patforge.toml
    dry_run: bool = False
    advice: dict[str, str] = field(default_factory=dict)  # kept file -> what to do about it


def _doc_id_rule(repo: Path) -> tuple[str, str]:
    """The rule to write: patforge.toml's, else the one the registry's doc_ids follow,
    else the default."""
    config = load_config(repo)
    if config.doc_id_rule_explicit:
        return config.doc_id_rule, CONFIG_FILE
    if not (repo / config.registry).is_file():
        return config.doc_id_rule, "default"
    # why: start-up time: the registry is read only when it exists
    from patforge.docids.existing import reuse_existing_ids
    from patforge.repository.registry import load_registry

    try:
        registry = load_registry(repo, config)
    except RegistryError:
        return config.doc_id_rule, "default"
    reuse_existing_ids(registry)  # infers the doc_id rule from the ids present (docids/existing.py)
    rule = registry.config.doc_id_rule
    return rule, "registry" if rule != config.doc_id_rule or registry.entries else "default"


def render_template(rule: str, dest: Path) -> dict[str, bytes]:
    """The template's files rendered by Copier into ``dest``: repository path -> bytes."""
    # why: start-up time: loaded only when this function runs, not when the module is imported
    from copier import run_copy  # slow to import

    if not (INIT_TEMPLATE / "copier.yml").is_file():
        raise TemplateError(f"the init template is missing from this patforge install ({INIT_TEMPLATE})",
                            hint="reinstall patforge")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        run_copy(str(INIT_TEMPLATE), dest, data={"doc_id_rule": rule, "patforge_version": __version__},
                 defaults=True, quiet=True, unsafe=False, skip_tasks=True)
    return {p.relative_to(dest).as_posix(): p.read_bytes() for p in sorted(dest.rglob("*")) if p.is_file()}


def init_repository(repo: Path, *, dry_run: bool = False) -> InitReport:
    repo = Path(repo)
    if not repo.is_dir():
        raise RepositoryError(f"repository folder {repo} does not exist",
                              hint="create it (and `git init` it) first, or pass --repo with an existing folder")
    repo = repo.resolve()
    config = load_config(repo)
    rule, source = _doc_id_rule(repo)
    report = InitReport(doc_id_rule=rule, rule_source=source, dry_run=dry_run)
    with tempfile.TemporaryDirectory(prefix="patforge-init-") as tmp:
        files = render_template(rule, Path(tmp) / "out")
    if config.registry != DEFAULT_REGISTRY:  # patforge.toml names another registry file
        files[config.registry] = files.pop(DEFAULT_REGISTRY)
    ws = Workspace(repo, dry_run=dry_run)
    for rel in sorted(files):
        if ws.exists(rel) or ws.abspath(rel).exists():
            report.kept.append(rel)
            if rel in LINES_THAT_MATTER:
                lacking = _lacking_lines(files[rel], ws.read_bytes(rel) or b"")
                if lacking:
                    report.advice[rel] = (f"kept {rel} (it exists); it lacks {', '.join(f'`{x}`' for x in lacking)}, "
                                          f"which {LINES_THAT_MATTER[rel]} advises: add them by hand")
        elif rel == config.registry and (other := _same_name_other_case(repo, rel)) is not None:
            # e.g. pattern_index.yaml: a second registry beside it would split the team's patterns
            report.kept.append(rel)
            report.advice[rel] = (f"not added {rel}: {other} is there instead: patforge reads {config.registry}; "
                                  f'rename it, or set registry = "{other}" in {CONFIG_FILE}')
        elif rel.endswith("/.gitkeep") and _has_files(ws.abspath(rel).parent):
            continue  # the folder exists with content: no placeholder needed
        else:
            ws.stage(rel, files[rel], "init")
            report.added.append(rel)
    if dry_run or not report.added:
        return report
    # why: start-up time: loaded only when this function runs, not when the module is imported
    from patforge.transaction.rollback import recording

    with recording(repo, "init"), RepoLock(repo, "init"):
        ws.journal.recover()
        ws.land(report.added)
    return report


def _same_name_other_case(repo: Path, rel: str) -> str | None:
    """A file beside ``rel`` whose name differs only in case (repository-relative), if any."""
    folder, _, name = rel.rpartition("/")
    path = repo / folder
    if not path.is_dir():
        return None
    for p in sorted(path.iterdir()):
        if p.name != name and p.name.lower() == name.lower() and p.is_file():
            return f"{folder}/{p.name}" if folder else p.name
    return None


def _lacking_lines(wanted: bytes, have: bytes) -> list[str]:
    """The rule lines of ``wanted`` (not comments) that ``have`` lacks, spaces ignored."""
    def rules(data: bytes) -> list[str]:
        text = data.decode("utf-8", "replace")
        return [" ".join(ln.split()) for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]

    present = set(rules(have))
    return [line for line in rules(wanted) if line not in present]


def _has_files(folder: Path) -> bool:
    return folder.is_dir() and any(folder.iterdir())


def report_lines(report: InitReport) -> list[str]:
    """What init did, file by file, and what to do next."""
    verb = "would add" if report.dry_run else "added"
    lines = [f"{verb} {rel}" for rel in report.added if not rel.endswith("/.gitkeep")]
    folders = sorted({rel.rsplit("/", 1)[0] + "/" for rel in report.added if rel.endswith("/.gitkeep")})
    if folders:
        lines.append(f"{verb} the folder(s) {', '.join(folders)} (each holds a .gitkeep so git keeps it)")
    for rel in report.kept:
        if rel.endswith("/.gitkeep"):
            continue
        lines.append(report.advice.get(rel, f"kept {rel} (it exists)"))
    source = {"default": "the default", "registry": "the rule the registry's doc_ids follow",
              CONFIG_FILE: f"already set in {CONFIG_FILE}"}[report.rule_source]
    lines.append(f"doc_id rule: {report.doc_id_rule} ({source})")
    if not report.added:
        lines.append("nothing to add: every file init writes exists")
    elif not report.dry_run:
        lines.append("next: patforge new NAME --category CATEGORY, then patforge render and patforge check; "
                     "commit, then `pre-commit install`")
    return lines
