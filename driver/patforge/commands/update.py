"""``patforge update``: Copier's 3-way update for every managed unit.

Copier refuses to update a dirty tree, and after one update it refuses the next
until the first is committed; and patforge must never commit on the user's
branch. So the updates run in a temporary ``git worktree`` holding HEAD's version
of only the files the update reads (``vcs/worktree.py``, ``rendering/update_scope.py``):
there each batch of units (one kind, one old template version) is updated by one
``run_update`` over a temporary batch answers file (``rendering/update_batch.py``),
and committed on the detached worktree. Units whose kind's template did not change
are only restamped, in memory. The total result is then applied to the user's
working tree as uncommitted changes, for review, and the worktree is removed. Hand edits survive
through Copier's 3-way merge; overlapping edits become inline conflict markers
(or ``.rej`` files) that are listed file by file.
"""

from __future__ import annotations

import dataclasses

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

from patforge.exitcodes import ExitOnFailure
from patforge import kinds
from patforge.rendering.answercheck import check_units
from patforge.rendering.answers import AnswersError, Recorded, answers_files, parse_answers, restamp
from patforge.repository.bounded import ContentError, read_regular
from patforge.transaction.changes import FileChange
from patforge.rendering.output_hashes import hashes_path, manifest_text, matches, parse_manifest, sha256_bytes
from patforge.diagnostics import DiagnosticList, error, warning
from patforge.errors import ConcurrentChangeError, GitError, UsageError
from patforge.vcs.git import is_git_repo, no_auto_gc, require_clean, run_git, version_key
from patforge.transaction.journal import Journal
from patforge.transaction.lock import RepoLock
from patforge.rendering.copier_runner import temp_folder
from patforge.transaction.state import run_temp_dir, state_dir
from patforge.repository.layout import REPO_BUNDLE
from patforge.rendering.template_source import TemplateSource, repo_bundle_change, resolve_source
from patforge.kinds.base import sha256_text
from patforge.rendering.update_batch import update_in_scope
from patforge.rendering.update_scope import Scope
from patforge.vcs.worktree import BaseTree, add_worktree, commit_all, remove_worktrees, worktree_path
from patforge.repository.paths import PathProblem, resolve_inside
from patforge.transaction.state_shape import BadShape, rel_path
from patforge.repository.config import load_config
from patforge.reports.json_header import report_header

if TYPE_CHECKING:
    from patforge.rendering.bundle_refresh import TemplatesOutcome


@dataclass
class UpdateOptions:
    template: str | None = None
    to: str | None = None
    registry: bool = False  # also update units whose registry/spec data changed
    conflict: str = "inline"
    only: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    dry_run: bool = False
    templates_only: bool = False  # only refresh .patforge/templates.bundle (for a by-hand copier update)
    # Units per Copier update. Each batch costs three template clones, two commits and
    # Copier's own diff, each over the worktree (the batches' files, not the repository).
    batch_size: int = 1000
    # ... and the text it hands Copier (answers and derived output, which Copier holds
    # several copies of while it renders the batch three times): bounds its memory.
    batch_bytes: int = 16 << 20


@dataclass
class ManagedUnit:
    answers_file: str
    kind: str
    pattern: str
    commit: str
    src: str  # the _src_path it recorded
    answers: dict[str, Any]
    new_answers: dict[str, Any] | None = None
    derived: dict[str, str] | None = None  # the derived output as the old version rendered it
    new_derived: dict[str, str] | None = None  # the derived output as the registry gives it now

    @classmethod
    def from_record(cls, rec: Recorded) -> "ManagedUnit":
        return cls(rec.path, rec.kind, rec.pattern, rec.commit, rec.src, rec.unit)

    def old_data(self) -> dict[str, Any]:
        """The unit as Copier renders the old version: with the derived output it wrote."""
        return {**self.answers, "derived": self.derived} if self.derived else self.answers

    def new_data(self) -> dict[str, Any]:
        answers = self.new_answers or self.answers
        derived = self.new_derived if self.new_answers else self.derived
        return {**answers, "derived": derived} if derived else answers


@dataclass
class UpdateReport(ExitOnFailure):
    repo: Path
    target: str = ""
    updated: list[str] = field(default_factory=list)  # answers files updated
    skipped: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)  # files with conflicts
    changes: list[str] = field(default_factory=list)  # files changed in the working tree
    diff: str = ""
    diagnostics: DiagnosticList = field(default_factory=DiagnosticList)
    dry_run: bool = False
    #: --templates-only: what happened to the repository's template history
    templates: "TemplatesOutcome | None" = None

    @property
    def failed(self) -> bool:
        return bool(self.conflicts) or bool(self.diagnostics.errors)

    def to_dict(self) -> dict[str, Any]:
        """The ``--json`` report (docs/update-report.schema.json)."""

        return {**report_header("update"), "repo": str(self.repo), "target": self.target, "dry_run": self.dry_run,
                "updated_units": self.updated, "skipped_units": self.skipped,
                "changed_files": self.changes, "conflicts": self.conflicts, "ok": not self.failed,
                "diagnostics": [d.to_dict() for d in self.diagnostics],
                "templates": None if self.templates is None else dataclasses.asdict(self.templates)}


def read_managed_units(repo: Path) -> list[ManagedUnit]:
    out: list[ManagedUnit] = []
    for rel in answers_files(repo):
        try:
            rec = parse_answers(_bounded_bytes(repo, rel), rel)
            if not rec.kind or not rec.unit:
                raise AnswersError("no artifact or units")
        except (AnswersError, OSError) as exc:
            raise UsageError(f"{rel} is not a patforge answers file: {exc}",
                             hint="restore it from git (git checkout -- <file>) or delete the unit's files") from None
            raise UsageError(f"{rel} is not a patforge answers file",
                             hint="restore it from git (git checkout -- <file>) or delete the unit's files")
        out.append(ManagedUnit.from_record(rec))
    return out


def _checked_units(repo: Path, units: list[ManagedUnit], diags: DiagnosticList, registry: bool
                   ) -> list[ManagedUnit]:
    """The units Copier may see: recorded answers that match the unit's layout
    (answercheck.py). With ``registry``, each keeps its answers (and derived output)
    recomputed from the registry as it is now."""
    kept = []
    for mu, unit in check_units(repo, units, diags, registry_data=registry):
        if registry:
            mu.new_answers, mu.new_derived = unit.answers, unit.derived or None
        kept.append(mu)
    return kept


def _old_derived(repo: Path, units: list[ManagedUnit], diags: DiagnosticList) -> None:
    """The derived output each unit's old render wrote, for Copier's 3-way update: the
    committed file, which is exactly it when its hash is the one recorded. A file edited
    by hand since cannot be told apart from its original (only the hash is recorded):
    its edits are the base of the merge, so a change of the derived output replaces
    them; say so."""
    for mu in units:
        hashes = mu.answers.get("derived_sha256")
        if not isinstance(hashes, dict):
            continue
        mu.derived = {}
        for rel, digest in hashes.items():
            try:
                rel_path(rel, mu.answers_file)  # a recorded path: never one outside the repository
            except BadShape as exc:
                raise UsageError(f"{exc}", hint=f"restore {mu.answers_file} from git") from None
            path = repo / rel
            text = _bounded_bytes(repo, rel).decode("utf-8") if path.is_file() else ""
            if sha256_text(text) != digest:
                diags.add(warning(f"{rel} changed since patforge rendered it; the update starts from it as it is",
                                  path=rel, pattern=mu.pattern,
                                  hint="review its diff: hand edits to generated output are not merged"))
            mu.derived[rel] = text


def update(repo: Path, options: UpdateOptions) -> UpdateReport:
    repo = Path(repo).resolve()
    if options.conflict not in ("inline", "rej"):
        raise UsageError("--conflict takes inline or rej")
    if not repo.is_dir():
        raise UsageError(f"repository folder {repo} does not exist")
    if not is_git_repo(repo):
        raise GitError(f"{repo} is not a git repository, so it cannot be updated",
                       hint="Copier's update is a 3-way merge against git history: run `git init`, "
                            "commit the repository, then update (render works without git)")
    # Copier's temporary clones and copies go under the state folder, swept if killed
    with RepoLock(repo, "update"), temp_folder(str(run_temp_dir(repo))):
        report = UpdateReport(repo=repo, dry_run=options.dry_run)
        # A killed update may have left its worktree behind, whatever state it reached.
        remove_worktrees(repo, state_dir(repo) / "worktrees")
        journal = Journal.for_repo(repo)
        replayed = journal.recover()
        if journal.set_aside:
            report.diagnostics.add(warning(journal.set_aside, code="journal-set-aside",
                                           hint="inspect it if you expected an interrupted run to be "
                                                "completed; otherwise delete it"))
        if replayed:
            # An update was killed while writing its result: it is now complete.
            report.changes = replayed
            report.diagnostics.add(warning(
                f"completed an interrupted update: {len(replayed)} file(s) written from the journal",
                hint="review with git diff; run patforge update again after committing"))
            return report
        if options.templates_only:
            # why: start-up time: loaded only when this function runs, not when the module is imported
            from patforge.rendering.bundle_refresh import refresh_bundle

            return refresh_bundle(repo, options, report)
        require_clean(repo, "patforge update")
        if options.dry_run:
            return _update(repo, options, report)
        # why: start-up time: loaded only when update() runs, not when the module is imported
        from patforge.transaction.rollback import recording

        with recording(repo, "update"):  # `patforge rollback` can undo it
            return _update(repo, options, report)


def _update(repo: Path, options: UpdateOptions, report: UpdateReport) -> UpdateReport:

    source = resolve_source(repo, options.template, options.to, load_config(repo).template)
    for note in source.notes:
        report.diagnostics.add(warning(note, code="template-source"))
    report.target = source.ref
    units = read_managed_units(repo)
    if options.only:
        units = [u for u in units if u.pattern in options.only]
    if options.kinds:
        units = [u for u in units if u.kind in options.kinds]
    units = _checked_units(repo, units, report.diagnostics, options.registry)
    todo: list[ManagedUnit] = []
    for mu in units:
        older = mu.commit != source.ref and version_key(mu.commit) < version_key(source.ref)
        changed = mu.new_answers is not None and mu.new_answers != mu.answers
        if mu.commit not in source.tags and older:
            report.diagnostics.add(error(
                f"{mu.answers_file} was rendered from template {mu.commit}, which {source.record} does not have",
                hint="pass --template with the template repository that has that tag"))
            continue
        if older or changed:
            todo.append(mu)
        else:
            report.skipped.append(mu.answers_file)
    bundle = repo_bundle_change(repo) if source.record == REPO_BUNDLE else None
    if not todo and bundle is None:
        return report
    with no_auto_gc():
        _run_in_worktree(repo, source, todo, bundle, options, report)
    return report


def _run_in_worktree(repo: Path, source: TemplateSource, todo: list[ManagedUnit],
                     bundle: FileChange | None, options: UpdateOptions, report: UpdateReport) -> None:
    # The worktree lives in patforge's state folder: a killed update's leftovers are
    # found and removed by the next run (remove_worktrees). It holds only the files
    # the update reads and writes (update_scope.py), not a checkout of the repository.
    tmp = state_dir(repo) / "worktrees"
    remove_worktrees(repo, tmp)
    tmp.mkdir(parents=True, exist_ok=True)
    wt = worktree_path(tmp)
    base = BaseTree.read(repo, run_git(repo, "rev-parse", "HEAD").stdout.strip())
    groups: dict[tuple[str, str, str], list[ManagedUnit]] = {}
    unchanged = _kinds_unchanged(source, {mu.commit for mu in todo})
    restamped = []
    for mu in todo:
        data_changed = mu.new_answers is not None and mu.new_answers != mu.answers
        if mu.kind in unchanged.get(mu.commit, set()) and not data_changed:
            # The template of this kind is byte-identical in both versions, so Copier's
            # 3-way update could only change the answers file's version stamp: do that.
            restamped.append(mu)
        else:
            groups.setdefault((mu.kind, mu.commit, mu.src), []).append(mu)
    copier_updated = [mu for members in groups.values() for mu in members]
    # Output hashes before the update, for the units Copier updates (a restamped
    # unit's files cannot change: its template is byte-identical). The tree is clean:
    # the base's files are the repository's.
    pristine = {mu.answers_file: _pristine_files(repo, mu, base) for mu in copier_updated}
    scope = Scope(base.entries)
    # A restamped answers file is edited in memory: it needs no worktree.
    stamps = [_restamped(repo, mu, source) for mu in restamped]
    held = base.meta_files() | ({REPO_BUNDLE} & scope.all)
    for mu in copier_updated:
        # The recorded output hashes name every file the old render wrote; without them,
        # every file and folder the answers name.
        recorded = pristine[mu.answers_file]
        held |= scope.guess(mu.answers_file, [] if recorded else [mu.answers, mu.new_answers or {}],
                            recorded[0] if recorded else ())
    start, first = base.tree_of(held, "patforge: the files this update reads"), len(held)
    add_worktree(repo, wt, start)
    try:
        if bundle is not None:
            (wt / REPO_BUNDLE).parent.mkdir(parents=True, exist_ok=True)
            (wt / REPO_BUNDLE).write_bytes(bundle.after)
            commit_all(wt, "patforge: template history")
        _old_derived(repo, copier_updated, report.diagnostics)
        report.updated += [mu.answers_file for mu in restamped]
        for (kind, old, _src), members in sorted(groups.items()):
            for batch in _batches(members, options.batch_size, options.batch_bytes):
                conflicts = update_in_scope(wt, base, held, source, kind, old, batch, options.conflict,
                                            options.registry)
                report.conflicts += [rel for rel in conflicts if rel not in report.conflicts]
                report.updated += [mu.answers_file for mu in batch]
        if _rehash(wt, copier_updated, pristine):
            commit_all(wt, "patforge: output hashes")
        # The result against the base's version of every file the worktree held.
        before = start if len(held) == first else base.tree_of(held, "patforge: the files this update read")
        writes: list[tuple[str, bytes | None]] = [(c.path, c.after) for c in stamps if c.changed]
        fields = [f for f in run_git(wt, "diff", "--name-status", "--no-renames", "-z", before, "HEAD").stdout.split("\0") if f]
        for status, rel in zip(fields[0::2], fields[1::2]):
            writes.append((rel, None if status == "D" else (wt / rel).read_bytes()))
        writes.sort(key=lambda w: w[0])
        report.changes = [rel for rel, _ in writes]
        if options.dry_run:  # shown only then
            report.diff = run_git(wt, "diff", before, "HEAD", "--", ".", f":(exclude){REPO_BUNDLE}").stdout + \
                "".join(c.diff() for c in stamps if c.changed)
        if writes and not options.dry_run:
            # The tree was clean (= HEAD, the worktree's base) when the update was planned;
            # a file another program changed since is refused by name, nothing lands.
            _refuse_concurrent_changes(repo, {rel for rel, _ in writes})
            # One journaled transaction: killed half-way, the next run completes it.
            Journal.for_repo(repo).apply(writes)
    finally:
        run_git(repo, "worktree", "remove", "--force", str(wt), check=False)
        run_git(repo, "worktree", "prune", check=False)
        shutil.rmtree(tmp, ignore_errors=True)


def _batches(members: list[ManagedUnit], most: int, budget: int) -> Iterator[list[ManagedUnit]]:
    """``members`` in order, in batches of at most ``most`` units and about ``budget``
    bytes of answers and derived text (a unit alone may exceed it)."""
    batch: list[ManagedUnit] = []
    size = 0
    for mu in members:
        weight = 1024 + sum(len(t) for d in (mu.derived, mu.new_derived) if d for t in d.values())
        if batch and (len(batch) >= most or size + weight > budget):
            yield batch
            batch, size = [], 0
        batch.append(mu)
        size += weight
    if batch:
        yield batch


def _pristine_files(repo: Path, mu: ManagedUnit, base: BaseTree) -> tuple[dict[str, str], set[str]] | None:
    """(recorded output hashes, the files of the base that still match them) before the
    update; None when the unit has no hashes (rendered by an older patforge)."""
    rel_hashes = hashes_path(mu.answers_file)
    path = repo / rel_hashes
    try:  # bounded; every listed path a normalised repository path (outputs.parse_manifest)
        recorded = parse_manifest(read_regular(path, rel_hashes).decode("utf-8")
                                  if rel_hashes in base.entries and path.is_file() else None, rel_hashes)
    except (ContentError, UnicodeDecodeError) as exc:
        raise UsageError(f"{exc.message if isinstance(exc, ContentError) else rel_hashes + ': not UTF-8'}",
                         hint=f"restore it from git (git checkout -- {rel_hashes}) or delete it") from None
    if recorded is None:
        return None
    same = {rel for rel, digest in recorded.items()
            if rel in base.entries and (repo / rel).is_file() and matches(_bounded_bytes(repo, rel), digest)}
    return recorded, same


def _bounded_bytes(root: Path, rel: str) -> bytes:
    """A repository file's bytes through the reading layer (regular, inside, bounded)."""
    try:
        return read_regular(resolve_inside(root, rel), rel)
    except PathProblem as exc:
        raise UsageError(str(exc), hint=exc.hint) from None
    except ContentError as exc:
        raise UsageError(exc.message, hint=exc.hint) from None


def _rehash(wt: Path, todo: list[ManagedUnit], pristine: dict) -> bool:
    """Record the new output hashes: a file that matched its hash before the update is
    now the new version's pristine render; a file with hand edits keeps its old hash
    (it still holds the edits, so status keeps calling it modified)."""
    wrote = False
    for mu in todo:
        before = pristine.get(mu.answers_file)
        if before is None:
            continue
        recorded, same = before
        new = {rel: (sha256_bytes((wt / rel).read_bytes()) if rel in same and (wt / rel).is_file() else digest)
               for rel, digest in recorded.items()}
        if new != recorded:
            (wt / hashes_path(mu.answers_file)).write_text(manifest_text(new), encoding="utf-8", newline="\n")
            wrote = True
    return wrote


def _kinds_unchanged(source: TemplateSource, olds: set[str]) -> dict[str, set[str]]:
    """For each old version: the artifact kinds whose template (its folder, the shared
    macros, copier.yml) is identical in the target version."""
    out: dict[str, set[str]] = {}
    tmp = Path(tempfile.mkdtemp(prefix="patforge-tpl-"))
    try:
        clone = tmp / "t"
        if run_git(None, "clone", "-q", "--bare", source.location, str(clone), check=False).returncode != 0:
            return out
        for old in olds:
            res = run_git(clone, "diff", "--name-only", old, source.ref, check=False)
            if res.returncode != 0:
                continue
            changed = [l for l in res.stdout.splitlines() if l]
            if any(c == "copier.yml" or c.startswith("templates/_lib/") for c in changed):
                out[old] = set()
                continue
            out[old] = {k for k in kinds.names() if not any(c.startswith(f"templates/{k}/") for c in changed)}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return out


def _restamped(repo: Path, mu: ManagedUnit, source: TemplateSource) -> FileChange:
    """The unit's answers file with the target's version stamp (the tree is clean: its
    bytes are the base's)."""
    before = _bounded_bytes(repo, mu.answers_file)
    after = restamp(before.decode("utf-8"), source.ref, source.record).encode("utf-8")
    return FileChange(mu.answers_file, before, after)


def _refuse_concurrent_changes(repo: Path, paths: set[str]) -> None:
    out = run_git(repo, "status", "--porcelain", "-z", "--untracked-files=all").stdout
    changed = sorted({entry[3:] for entry in out.split("\0") if len(entry) > 3} & paths)
    if changed:
        raise ConcurrentChangeError(
            f"{', '.join(changed)} changed on disk while patforge was updating (another program wrote "
            f"{'it' if len(changed) == 1 else 'them'})",
            hint="nothing was written; commit or undo that change, then run patforge update again")
