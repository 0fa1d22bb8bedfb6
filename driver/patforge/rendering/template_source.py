"""Where the Copier templates come from, and what answers files record about it.

By default the template collection is the git bundle shipped inside the package
(``patforge/data/templates.bundle``: a template-only history with one tag per
template version, built by ``scripts/build_template_bundle.py``). patforge copies it
into the rendered repository as ``.patforge/templates.bundle`` and records that
relative path as ``_src_path``: the repository then carries every template version
it was rendered from, so ``copier update -a .patforge/answers/<name>/<kind>.yml``
works by hand, offline, on any machine, from the repository root. ``--template SRC``
(a git repository path or URL) is recorded as given (local paths made absolute).

What a cloned repository says about its template is not trusted: its answers
files' ``_src_path`` and its ``.patforge/templates.bundle`` could point at any
template, whose text becomes executor code. A source is used only when it is the
shipped bundle (or an in-repository bundle whose every tag is a commit the shipped
one has), or the user named it with ``--template`` or in ``patforge.toml``.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from patforge.rendering import source_index
from patforge.transaction.state import state_dir
from patforge.transaction.changes import FileChange
from patforge.errors import GitError, TemplateError
from patforge.vcs.git import list_tags, run_git, version_key
from patforge.validation.messages import shown
from patforge.repository.layout import ANSWERS_DIR, REPO_BUNDLE
_URL_RE = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|git@|gh:|gl:)", re.I)


@dataclass(frozen=True)
class TemplateSource:
    location: str  # what Copier clones: an absolute path or a URL
    record: str  # what answers files record as _src_path
    ref: str  # the tag rendered, e.g. "v1.0.0"
    tags: tuple[str, ...]  # every version tag, oldest first
    notes: tuple[str, ...] = ()  # warnings for the report (e.g. answers files that disagree)


def shipped_bundle() -> Path:
    return Path(str(resources.files("patforge") / "data" / "templates.bundle"))


def shipped_template_version() -> str:
    """The newest template version (tag) in the shipped bundle."""
    try:
        tags = _bundle_tags(shipped_bundle())
    except GitError:
        return "unknown (git is needed to read the template bundle)"
    return max(tags, key=version_key) if tags else "none (the template bundle has no version tag)"


def _bundle_heads(path: Path) -> dict[str, str]:
    """tag -> commit of every tag in a git bundle."""
    res = run_git(None, "bundle", "list-heads", str(path), check=False)
    out: dict[str, str] = {}
    for line in res.stdout.splitlines():
        sha, _, ref = line.partition(" ")
        if ref.startswith("refs/tags/"):
            out[ref[len("refs/tags/"):]] = sha
    return out


def _bundle_tags(path: Path) -> set[str]:
    return set(_bundle_heads(path))


def bundle_tags(path: Path) -> set[str]:
    """The template versions (tags) a git bundle holds."""
    return _bundle_tags(path)


def bundle_is_known(path: Path) -> bool:
    """True when every tag of the bundle at ``path`` is the same commit in the shipped
    bundle: its history is one patforge shipped, so it holds no foreign template."""
    heads, shipped = _bundle_heads(path), _bundle_heads(shipped_bundle())
    return bool(heads) and all(shipped.get(tag) == sha for tag, sha in heads.items())


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


def recorded_sources(repo: Path, *, index: bool = False) -> dict[str, list[str]]:
    """Every template source the repository's answers files record: source -> files.
    ``index``: take a file's source from the state folder's index when its stat is
    unchanged (``source_index``), and keep the index up to date."""

    root = repo / ANSWERS_DIR
    if not root.is_dir():
        return {}
    known = None
    if index:
        state = state_dir(repo)
        known = source_index.load(state)
    found: dict[str, list[str]] = {}
    entries: dict[str, list[object]] = {}
    for rel, path in _answers_files(root):
        src, hit = None, False
        if index:
            try:
                st = os.stat(path)
            except OSError:
                continue
            if known is not None:
                hit, src = known.known(rel, st)
        if not hit:
            src = source_index.head_source(path, os.path.basename(path))
        if index:
            entries[rel] = [st.st_size, st.st_mtime_ns, src]
        if src is not None:
            found.setdefault(src, []).append(rel)
    if index and (known is None or known.files.keys() != entries.keys()
                  or any(known.files[rel] != e for rel, e in entries.items())):
        source_index.save(state, entries)
    return found


def _answers_files(root: Path) -> list[tuple[str, str]]:
    """(repository path, path) of every ``<answers>/*/*.yml``, in the order of
    ``sorted(root.glob("*/*.yml"))`` (names starting with a dot are not matched)."""
    out: list[tuple[tuple[str, str], str, str]] = []
    with os.scandir(root) as folders:
        for d in folders:
            if d.name.startswith(".") or not d.is_dir():
                continue
            try:
                with os.scandir(d.path) as files:
                    for f in files:
                        if f.name.endswith(".yml") and not f.name.startswith("."):
                            out.append(((os.path.normcase(d.name), os.path.normcase(f.name)),
                                        f"{ANSWERS_DIR}/{d.name}/{f.name}", f.path))
            except OSError:
                continue
    out.sort(key=lambda t: t[0])
    return [(rel, path) for _, rel, path in out]


def _describe(sources: dict[str, list[str]]) -> str:
    return "; ".join(f"{src} ({len(files)} file(s), e.g. {files[0]})" for src, files in sorted(sources.items()))


def _untrusted_source(sources: dict[str, list[str]]) -> TemplateError:
    first = sorted(sources)[0]
    several = len(sources) > 1
    return TemplateError(
        ("the answers files record template sources that disagree and that patforge does not know: "
         if several else "the answers files record a template source patforge does not know: ")
        + _describe(sources) + ". It is neither the bundle shipped with patforge nor named with "
        "--template or in patforge.toml, and its text would become your executors' code",
        hint=f"if you trust it, confirm it: pass --template {first} or set template = \"{first}\" under "
             "[patforge] in patforge.toml; otherwise restore the answers files from a trusted copy")


def resolve_source(repo: Path, template: str | None = None, ref: str | None = None,
                   configured: str | None = None, *, index: bool = False) -> TemplateSource:
    """Find the template collection and the version to render; fail with a clear why.

    Order: ``--template``; ``template`` in patforge.toml (a relative path is relative to
    the repository); the bundle shipped with patforge. What the repository's own files
    name (answers files' ``_src_path``, ``.patforge/templates.bundle``) is used only
    when it is the shipped history or matches what the user named; anything else is
    refused until the user confirms it. ``index``: answers files whose stat is unchanged
    are not read again (``recorded_sources``)."""
    recorded = recorded_sources(repo, index=index)
    notes: list[str] = []
    if template is None and configured and not _URL_RE.match(configured) \
            and not Path(configured).expanduser().is_absolute():
        configured = str(repo / configured)
    explicit = template or configured
    in_repo = repo / REPO_BUNDLE
    trusted_bundle = explicit is not None and not _URL_RE.match(explicit) and in_repo.is_file() and (
        Path(explicit) == Path(REPO_BUNDLE) or Path(explicit).expanduser().resolve() == in_repo.resolve())
    others = {src: files for src, files in recorded.items() if src != REPO_BUNDLE}
    if trusted_bundle:  # the user confirmed the in-repository bundle by naming it
        location, record = str(in_repo.resolve()), REPO_BUNDLE
        if others:
            notes.append("answers files record other template sources, which this run replaces with "
                         f"{REPO_BUNDLE}: {_describe(others)}")
        explicit = None
    elif explicit is None:
        if others:
            raise _untrusted_source(others)
        if in_repo.is_file() and not bundle_is_known(in_repo):
            raise TemplateError(
                f"{REPO_BUNDLE} holds template versions the bundle shipped with this patforge does not "
                "know (a newer patforge wrote it, or it was changed)",
                hint=f"if you trust it, confirm it: pass --template {REPO_BUNDLE} (or set it in "
                     "patforge.toml); or upgrade patforge; or delete it to use the shipped templates")
        location, record = str(shipped_bundle().resolve()), REPO_BUNDLE
    elif explicit is not None:
        named = {explicit}
        if not _URL_RE.match(explicit):
            named.add(Path(explicit).expanduser().resolve().as_posix())
        strangers = {src: files for src, files in others.items() if src not in named}
        if strangers:
            notes.append("answers files record other template sources, which this run replaces with "
                         f"{explicit}: {_describe(strangers)}")
    if len(recorded) > 1 and not notes:
        notes.append(f"answers files disagree on the template source: {_describe(recorded)}")
    template = explicit
    if template is None:
        pass  # the shipped or the confirmed in-repository bundle, chosen above
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
            raise TemplateError(f"template source has no version {shown(ref)}",
                                hint=f"known versions: {', '.join(tags)}")
    return TemplateSource(location=location, record=record, ref=ref, tags=tuple(tags), notes=tuple(notes))
