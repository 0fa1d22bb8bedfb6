"""``patforge diff``: the hand edits in managed files.

For each managed unit, its recorded answers are rendered with Copier at the template
version the unit recorded (``_commit``), into a temporary staging folder; each
rendered file is compared with the file on disk. What differs is what a person
changed since patforge wrote it: the part ``patforge update`` tries to keep, and
where an update can conflict. Nothing in the repository is written.

The template comes from the one template-source decision every rendering command
makes (``templatesrc.resolve_source``): what the answers files record (``_src_path``)
and ``.patforge/templates.bundle`` are used only when render would use them. The
answers are checked against each unit's layout first (``answercheck``), and a file
on disk is read only when it is inside the repository.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

from patforge.rendering.answercheck import check_units
from patforge.repository.bounded import ContentError, read_regular
from patforge.rendering.copier_runner import RenderJob, render_jobs
from patforge.diagnostics import DiagnosticList, Severity
from patforge.errors import UsageError
from patforge.repository.layout import ANSWERS_DIR
from patforge.repository.paths import PathProblem, resolve_inside
from patforge.transaction.state import run_temp_dir
from patforge.rendering.template_source import TemplateSource, resolve_source
from patforge import kinds
from patforge.kinds import BuildContext
from patforge.kinds.base import sha256_text


@dataclass
class FileDiff:
    path: str
    pattern: str
    kind: str
    version: str  # the template version rendered
    added: int
    removed: int
    text: str  # unified diff ('' when binary or equal)
    deleted: bool = False  # managed, but not on disk


@dataclass
class DiffReport:
    files: list[FileDiff] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    units: int = 0

    @property
    def exit_code(self) -> int:
        """0, or 2 when a unit could not be rendered to compare with (a diff is not a failure)."""
        return 2 if self.errors else 0


def _read_inside(repo: Path, rel: str) -> bytes | None:
    """The file's bytes when it is a regular file inside the repository, else None;
    ``PathProblem`` when a link takes it outside (never read, never shown),
    ``ContentError`` when it is not a regular file or past the size bound."""
    path = resolve_inside(repo, rel)
    return read_regular(path, rel) if path.is_file() else None


def unit_diffs(repo: Path, names: tuple[str, ...] = (), kind_names: tuple[str, ...] = (),
               template: str | None = None) -> DiffReport:
    """``template``: render the recorded versions from this collection (``--template``,
    as ``status`` takes it) instead of the source each answers file records."""
    # why: start-up time: loaded only when unit_diffs() runs, not when the module is imported
    from patforge.commands.update import read_managed_units

    repo = Path(repo).resolve()
    named = None
    if template is not None:
        named = resolve_source(repo, template)  # checked like render's: exists, is git, has tags
    bad = sorted(set(kind_names) - set(kinds.names()))
    if bad:
        raise UsageError(f"--kind: unknown kind(s) {', '.join(bad)}", hint=f"kinds are {', '.join(kinds.names())}")
    units = read_managed_units(repo)
    if names:
        unknown = sorted(set(names) - {u.pattern for u in units})
        if unknown:
            raise UsageError(f"no managed unit for {', '.join(unknown)}",
                             hint="names are the registry's `name:` fields of rendered patterns (`patforge status -v`)")
        units = [u for u in units if u.pattern in names]
    if kind_names:
        units = [u for u in units if u.kind in kind_names]
    # why: start-up time: loaded only when this function runs, not when the module is imported
    from patforge.repository.config import load_config

    # The template render would use, or a TemplateError saying why not (a swapped
    # bundle, an answers file naming another source): never what _src_path says.
    trusted = named or resolve_source(repo, None, None, load_config(repo).template)
    report = DiffReport(units=len(units))
    diags = DiagnosticList()
    units = [mu for mu, _unit in check_units(repo, units, diags)]
    report.errors += [d.message for d in diags if d.severity is Severity.ERROR]
    originals = _derived_originals(repo, units, report)
    groups: dict[tuple[str, str], list] = {}
    for mu in units:
        if mu.commit not in trusted.tags:
            report.errors.append(f"{mu.answers_file} was rendered from template version {mu.commit or '(none)'}, "
                                 f"which {trusted.record} does not have")
            continue
        groups.setdefault((mu.kind, mu.commit), []).append(mu)
    jobs, members = [], []
    for (kind, commit), group in sorted(groups.items()):
        source = TemplateSource(location=trusted.location, record=trusted.record, ref=commit, tags=(commit,))
        data = [{**mu.answers, "derived": originals[mu.answers_file]} if originals.get(mu.answers_file)
                else mu.answers for mu in group]
        jobs.append(RenderJob(kind, data, source, str(run_temp_dir(repo))))  # swept if killed
        members.append(group)
    for job, group, result in zip(jobs, members, render_jobs(jobs, 1)):
        if result.error:
            report.errors.append(f"{job.kind} @ {job.source.ref} from {job.source.record}: {result.error}")
            continue
        for rel, rendered in sorted(result.files.items()):
            if rel.startswith(ANSWERS_DIR + "/"):
                continue
            mu = next((m for m in group if rel in _unit_files(m)), group[0])
            try:
                on_disk = _read_inside(repo, rel)
            except (PathProblem, ContentError) as exc:
                report.errors.append(f"{rel}: not shown: {exc}")
                continue
            if on_disk is not None and _same_text(on_disk, rendered):
                continue
            report.files.append(_file_diff(rel, mu.pattern, job.kind, job.source.ref, rendered, on_disk))
    return report


def _derived_originals(repo: Path, units: list, report: DiffReport) -> dict[str, dict[str, str]]:
    """Output patforge computes in Python (a compiled schema, generated instances) is not
    stored, only its hash (``derived_sha256``). Its original is known when computing it
    again from today's inputs gives that hash; then the template renders it and the
    diff shows the edits. Otherwise (its inputs changed too) an edited file is named,
    without a diff."""
    # why: start-up time: loaded only when _derived_originals() runs, not when the module is imported
    from patforge.rendering.output_hashes import matches
    from patforge.commands.render import Renderer, RenderOptions

    wanted = [mu for mu in units if isinstance(mu.answers.get("derived_sha256"), dict)]
    out: dict[str, dict[str, str]] = {}
    if not wanted:
        return out
    renderer = Renderer(repo, RenderOptions(dry_run=True))
    by_name = {p.name: p for p in renderer.patterns}

    for mu in wanted:
        hashes = mu.answers["derived_sha256"]
        edited = []
        for rel, digest in hashes.items():
            try:
                data = _read_inside(repo, rel)
            except (PathProblem, ContentError):
                continue  # reported when the render is compared with it
            if data is not None and not matches(data, digest):
                edited.append(rel)
        if not edited:
            continue  # nothing to show: the template would render what is there
        p = by_name.get(mu.pattern)
        kind = kinds.by_name(mu.kind)
        unit = None
        if p is not None or kind.scope == kinds.REPOSITORY:
            unit = kind.build(BuildContext(renderer.registry, renderer.ws, DiagnosticList(), kind.phase(p),
                                           renderer.patterns), p)
        derived = unit.derived if unit is not None else {}
        if all(rel in derived and _sha(derived[rel]) == hashes[rel] for rel in hashes):
            out[mu.answers_file] = derived
            continue
        for rel in edited:
            report.files.append(FileDiff(rel, mu.pattern, mu.kind, mu.commit, 0, 0,
                                         f"--- {rel}: edited since patforge rendered it (it is computed output; "
                                         "only its hash is recorded and its inputs changed since, so the original "
                                         "cannot be shown)\n"))
    return out


def _sha(text: str) -> str:

    return sha256_text(text)


def _unit_files(mu) -> set[str]:
    """The paths a unit's answers name (its files are among them)."""
    return {v for v in mu.answers.values() if isinstance(v, str)}


def _same_text(a: bytes, b: bytes) -> bool:
    """Equal, or equal but for CRLF line endings (a Windows checkout with autocrlf)."""
    return a == b or a.replace(b"\r\n", b"\n") == b.replace(b"\r\n", b"\n")


def _lines(data: bytes) -> list[str] | None:
    """Lines with LF endings (CRLF read as LF: only content differences are edits)."""
    try:
        parts = data.decode("utf-8").replace("\r\n", "\n").split("\n")
    except UnicodeDecodeError:
        return None
    return [p + "\n" for p in parts[:-1]] + ([parts[-1]] if parts[-1] else [])


def _file_diff(rel: str, pattern: str, kind: str, version: str, rendered: bytes, on_disk: bytes | None) -> FileDiff:
    before = _lines(rendered)
    after = [] if on_disk is None else _lines(on_disk)
    if before is None or after is None:
        return FileDiff(rel, pattern, kind, version, 0, 0, f"Binary files differ: {rel}\n", on_disk is None)
    lines = list(difflib.unified_diff(before, after, f"a/{rel} (template {version})",
                                      "/dev/null" if on_disk is None else f"b/{rel} (on disk)"))
    text = "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)
    added = sum(1 for line in lines if line.startswith("+") and not line.startswith("+++"))
    removed = sum(1 for line in lines if line.startswith("-") and not line.startswith("---"))
    return FileDiff(rel, pattern, kind, version, added, removed, text, on_disk is None)
