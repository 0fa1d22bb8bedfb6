"""Where the Copier templates come from, and what answers files record about it.

By default the template collection is the git bundle shipped inside the package
(``patforge/data/templates.bundle``: a template-only history with one tag per
template version, built by ``scripts/build_template_bundle.py``). patforge copies it
into the rendered repository as ``.patforge/templates.bundle`` and records that
relative path as ``_src_path``: the repository then carries every template version
it was rendered from, so ``copier update -a .patforge/answers/<name>/<kind>.yml``
works by hand, offline, on any machine, from the repository root. ``--template SRC``
(a git repository path or URL) is recorded as given (local paths made absolute).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from patforge.changes import FileChange
from patforge.errors import GitError, TemplateError
from patforge.gitutil import list_tags, run_git, version_key

REPO_BUNDLE = ".patforge/templates.bundle"
_URL_RE = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|git@|gh:|gl:)", re.I)


@dataclass(frozen=True)
class TemplateSource:
    location: str  # what Copier clones: an absolute path or a URL
    record: str  # what answers files record as _src_path
    ref: str  # the tag rendered, e.g. "v1.0.0"
    tags: tuple[str, ...]  # every version tag, oldest first


def shipped_bundle() -> Path:
    return Path(str(resources.files("patforge") / "data" / "templates.bundle"))


def _bundle_tags(path: Path) -> set[str]:
    res = run_git(None, "bundle", "list-heads", str(path), check=False)
    return {line.split("refs/tags/", 1)[1] for line in res.stdout.splitlines() if "refs/tags/" in line}


def repo_bundle_change(repo: Path) -> FileChange | None:
    """Copy the shipped bundle into the repository when it lacks it or is older.

    Never replaces a bundle that has a version the shipped one lacks (a newer or
    custom patforge wrote it)."""
    shipped = shipped_bundle()
    target = repo / REPO_BUNDLE
    new = shipped.read_bytes()
    if target.is_file():
        old = target.read_bytes()
        if old == new:
            return None
        have, ship = _bundle_tags(target), _bundle_tags(shipped)
        if not ship > have:
            return None
        return FileChange(REPO_BUNDLE, old, new, "template history")
    return FileChange(REPO_BUNDLE, None, new, "template history")


def recorded_source(repo: Path) -> str | None:
    """The template source the repository's units record, when it is not the shipped
    bundle (after ``patforge update --template SRC``, later renders keep using SRC)."""
    from patforge.layout import ANSWERS_DIR

    root = repo / ANSWERS_DIR
    if not root.is_dir():
        return None
    found: dict[str, int] = {}
    for path in root.glob("*/*.yml"):
        try:
            with path.open("rb") as fh:
                head = fh.read(400).decode("utf-8", "replace")
        except OSError:
            continue
        m = re.search(r"^_src_path: (.+)$", head, re.M)
        if m:
            found[m.group(1).strip().strip("'\"")] = found.get(m.group(1).strip().strip("'\""), 0) + 1
    others = {k: v for k, v in found.items() if k != REPO_BUNDLE}
    return max(others, key=others.get) if others else None


def resolve_source(repo: Path, template: str | None = None, ref: str | None = None,
                   configured: str | None = None) -> TemplateSource:
    """Find the template collection and the version to render; fail with a clear why.

    Order: ``--template``; ``template`` in patforge.toml; the source the repository's
    answers files record; the bundle shipped with patforge."""
    template = template or configured or recorded_source(repo)
    if template is None:
        in_repo = repo / REPO_BUNDLE
        shipped = shipped_bundle()
        use = in_repo if in_repo.is_file() and _bundle_tags(in_repo) >= _bundle_tags(shipped) else shipped
        location, record = str(use.resolve()), REPO_BUNDLE
    elif _URL_RE.match(template):
        location = record = template
    else:
        path = Path(template).expanduser()
        if not path.exists():
            raise TemplateError(f"template source {template} does not exist",
                                hint="pass --template with a git repository of the template collection "
                                     "(a folder with copier.yml and templates/) or a git URL")
        location = record = path.resolve().as_posix()
        if path.is_dir() and not (path / "copier.yml").is_file() and not (path / ".git").exists():
            raise TemplateError(f"{template} is not a template collection (no copier.yml)",
                                hint="point --template at the folder that holds copier.yml and templates/")
    try:
        tags = list_tags(location)
    except GitError as exc:
        raise TemplateError(f"template source {template or location} is not a git repository: {exc.message}",
                            hint="Copier can only update from a versioned template: make it a git "
                                 "repository and tag a release (git tag v1.0.0)") from None
    if not tags:
        raise TemplateError(f"template source {template or location} has no version tags",
                            hint="tag a release in the template repository: git tag v1.0.0")
    if ref is None:
        ref = max(tags, key=version_key)
    elif ref not in tags:
        res = run_git(None, "ls-remote", location, ref, check=False)
        if not res.stdout.strip():
            raise TemplateError(f"template source has no version {ref!r}",
                                hint=f"known versions: {', '.join(tags)}")
    return TemplateSource(location=location, record=record, ref=ref, tags=tuple(tags))
