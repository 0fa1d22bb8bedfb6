"""``patforge doctor``: check the environment and the inputs, and repair the YAML
mistake users make most: a Windows path inside a double-quoted string."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from patforge.exitcodes import ExitOnFailure
from patforge.transaction.changes import FileChange
from patforge.repository.config import load_config
from patforge.errors import PatforgeError
from patforge.vcs.git import git_available, is_git_repo, run_git, status_porcelain
from patforge.transaction.journal import JOURNAL, Journal
from patforge.transaction.lock import RepoLock
from patforge.transaction.state import state_dir
from patforge.spec.read import load_spec_text
from patforge.repository.yamlsrc import YamlLoadError, decode_yaml_bytes, load_yaml_text
from patforge.repository.registry import load_registry
from patforge.repository.entrypaths import apply_line_edit, compliant_spec_path, repoint_line
from patforge.repository.paths import PathProblem, check_write_target
from patforge.spec.place import finder_for
from patforge.reports.json_header import report_header

OK, WARN, FAIL = "ok", "warn", "fail"


@dataclass
class Check:
    name: str
    status: str
    message: str
    hint: str = ""


@dataclass
class DoctorReport(ExitOnFailure):
    checks: list[Check] = field(default_factory=list)
    repairs: list[FileChange] = field(default_factory=list)
    #: specs found elsewhere, moved back to their (compliant) spec_path: (from, to)
    moves: list[tuple[str, str]] = field(default_factory=list)
    applied: bool = False

    @property
    def failed(self) -> bool:
        return any(c.status == FAIL for c in self.checks)

    def add(self, name: str, status: str, message: str, hint: str = "") -> None:
        self.checks.append(Check(name, status, message, hint))

    def to_dict(self) -> dict:
        """The ``--json`` report (docs/doctor-report.schema.json)."""

        return {**report_header("doctor"), "ok": not self.failed, "applied": self.applied,
                "checks": [c.__dict__ for c in self.checks],
                "repairs": [{"path": r.path, "diff": r.diff()} for r in self.repairs],
                "moves": [{"from": a, "to": b} for a, b in self.moves]}


# -- the Windows-path repair ---------------------------------------------------------

def _literal(raw: str) -> str:
    """What the author meant by the inside of a double-quoted scalar holding a path:
    every backslash is literal, except the two escapes a path writer uses on purpose."""
    out, i = [], 0
    while i < len(raw):
        c = raw[i]
        if c == "\\" and i + 1 < len(raw) and raw[i + 1] in '\\"':
            out.append(raw[i + 1])
            i += 2
            continue
        out.append(c)
        i += 1
    return "".join(out)


def _quoted_span(line: str, col: int) -> tuple[int, int] | None:
    """(start, end) indexes of the double-quoted scalar that contains index ``col``."""
    i = 0
    while i < len(line):
        if line[i] == "#" and (i == 0 or line[i - 1] in " \t"):
            return None
        if line[i] == "'":
            j = line.find("'", i + 1)
            while j != -1 and j + 1 < len(line) and line[j + 1] == "'":
                j = line.find("'", j + 2)
            if j == -1:
                return None
            i = j + 1
            continue
        if line[i] == '"':
            j = i + 1
            while j < len(line) and line[j] != '"':
                j += 2 if line[j] == "\\" else 1
            if j >= len(line):
                return None  # the scalar goes on over several lines: leave it to a person
            if i < col <= j:
                return i, j
            i = j + 1
            continue
        i += 1
    return None


def repair_windows_paths(text: str, path: str, loader=load_yaml_text) -> tuple[str, list[str]]:
    """Rewrite each double-quoted scalar with an invalid escape as a single-quoted one
    holding the literal text. Returns the new text and what was changed; raises
    ``YamlLoadError`` if the file has another problem this cannot repair."""
    notes: list[str] = []
    last: YamlLoadError | None = None
    for _ in range(1000):
        try:
            loader(text, path)
            return text, notes
        except YamlLoadError as exc:
            last = exc  # `exc` itself is unbound once the except clause ends
            d = exc.diagnostic
            if "unknown escape" not in d.message or d.line is None or d.column is None:
                raise
            lines = text.splitlines(keepends=True)
            line = lines[d.line - 1]
            span = _quoted_span(line, d.column - 1)
            if span is None:
                raise
            start, end = span
            value = _literal(line[start + 1:end])
            single = "'" + value.replace("'", "''") + "'"
            lines[d.line - 1] = line[:start] + single + line[end + 1:]
            notes.append(f"{path}:{d.line}: {line[start:end + 1]} -> {single}")
            text = "".join(lines)
    assert last is not None
    raise YamlLoadError(last.diagnostic)  # pragma: no cover - 1000 scalars on one file


def _yaml_files(repo: Path, registry_rel: str, report: DoctorReport) -> list[str]:

    files = [registry_rel]
    try:
        reg = load_registry(repo, load_specs=False)
    except PatforgeError:
        return files
    # Entries patforge refuses to work on (unsafe paths, collisions, bad names): the
    # YAML may be fine, but every command skips them until they are fixed.
    problems = [d for d in reg.diagnostics.errors if d.code != "missing-field"]
    if problems:
        shown = "\n    ".join(d.format().replace("\n", "\n    ") for d in problems[:5])
        more = f"\n    ... and {len(problems) - 5} more" if len(problems) > 5 else ""
        report.add("registry", FAIL, f"{len(problems)} entry problem(s):\n    {shown}{more}",
                   "fix the entries named above; `patforge check` lists every problem")
    for p in reg.patterns:
        if (repo / p.spec_path).is_file():
            files.append(p.spec_path)
            continue
        found = finder_for(reg).moved(p.spec_path, p.name, p.pattern_id)  # read there by render
        files += found if len(found) == 1 else [p.spec_path]
    return files


def _spec_repoints(repo: Path, registry_rel: str, report: DoctorReport, fix: bool) -> None:
    """spec_path that does not exist, with exactly one spec found by its file name or
    pattern_id: moved back (``git mv``) when spec_path is the compliant place
    (PAT-CHECK-001-020), else spec_path is repointed with a one-line edit of the registry."""

    try:
        reg = load_registry(repo, load_specs=False)
    except PatforgeError:
        return
    if any(r.path == registry_rel for r in report.repairs):
        return  # the YAML repair goes first; run doctor again for the paths
    finder = finder_for(reg)
    raw = (repo / registry_rel).read_bytes()
    text, bom = decode_yaml_bytes(raw, registry_rel)
    notes = []
    for p in reg.patterns:
        if (repo / p.spec_path).is_file():
            continue
        found = finder.moved(p.spec_path, p.name, p.pattern_id)
        if len(found) == 1 and compliant_spec_path(p.spec_path, p.name) and not (repo / p.spec_path).exists():
            report.moves.append((found[0], p.spec_path))
            continue
        m = reg.doc.key_mark("patterns", p.index, "spec_path")
        edit = repoint_line(text, m.line, "spec_path", found[0]) if len(found) == 1 and m else None
        if edit is None:
            where = f"candidates: {', '.join(found)}" if found else "no file of that name under the pattern roots"
            report.add(f"spec:{p.name}", FAIL, f"spec_path {p.spec_path} does not exist ({where})",
                       "correct spec_path by hand")
            continue
        text = apply_line_edit(text, edit)
        notes.append(f"{p.name}: spec_path {p.spec_path} -> {found[0]}")
    if report.moves:
        shown = "; ".join(f"git mv {a} {b}" for a, b in report.moves)
        report.add("spec-moves", WARN if fix else FAIL, f"spec(s) found elsewhere, moved back to their spec_path: "
                   f"{shown}", "" if fix else "run `patforge doctor --fix` to move them")
    if notes:
        after = (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")
        report.repairs.append(FileChange(registry_rel, raw, after, "repoint spec_path"))
        report.add("spec-paths", WARN if fix else FAIL, "spec_path found elsewhere: " + "; ".join(notes),
                   "" if fix else "run `patforge doctor --fix` to apply the edit shown above")


def _move_specs(repo: Path, moves: list[tuple[str, str]], report: DoctorReport) -> None:
    """``git mv`` each spec back (a plain rename outside git or for an untracked file)."""
    tracked = git_available() and is_git_repo(repo)
    for src, dst in moves:
        try:
            check_write_target(repo, dst)  # never a write outside the repository
        except PathProblem as exc:
            report.add(f"spec:{dst}", FAIL, f"not moved: {dst}: {exc}", exc.hint or "move it by hand")
            continue
        (repo / dst).parent.mkdir(parents=True, exist_ok=True)
        if tracked and run_git(repo, "ls-files", "--error-unmatch", "--", src, check=False).returncode == 0:
            run_git(repo, "mv", "--", src, dst)
        else:
            (repo / src).rename(repo / dst)


def run_doctor(repo: Path, *, fix: bool = False, template: str | None = None) -> DoctorReport:
    report = DoctorReport()
    repo = Path(repo).resolve()
    v = sys.version_info
    report.add("python", OK if v >= (3, 11) else FAIL, f"Python {v.major}.{v.minor}.{v.micro}",
               "" if v >= (3, 11) else "install Python 3.11 or newer")
    if git_available():
        report.add("git", OK, run_git(None, "--version").stdout.strip())
    else:
        report.add("git", FAIL, "git is not on PATH", "install git; update and templates need it")
    try:
        # why: start-up time: loaded only when run_doctor() runs, not when the module is imported
        import copier  # noqa: F401
        from importlib.metadata import version

        report.add("copier", OK, f"copier {version('copier')}")
    except Exception as exc:  # noqa: BLE001
        report.add("copier", FAIL, f"copier cannot be imported: {exc}", "pip install patforge again")
    try:
        # why: start-up time: loaded only when run_doctor() runs, not when the module is imported
        from patforge.validation.codecheck import check_powershell

        check_powershell("Write-Host 'ok'\n", "probe.ps1")
        report.add("powershell-parser", OK, "tree-sitter-pwsh loads")
    except Exception as exc:  # noqa: BLE001
        report.add("powershell-parser", FAIL, f"tree-sitter-pwsh does not load: {exc}",
                   "pip install 'tree-sitter-pwsh==0.38.1'")
    if not repo.is_dir():
        report.add("repository", FAIL, f"{repo} does not exist", "pass --repo")
        return report
    if git_available() and is_git_repo(repo):
        dirty = status_porcelain(repo)
        report.add("repository", OK if not dirty else WARN,
                   "git repository, clean" if not dirty else f"git repository with {len(dirty)} uncommitted change(s)",
                   "" if not dirty else "commit or stash before `patforge update`")
    else:
        report.add("repository", WARN, "not a git repository",
                   "render and check work; update needs git (git init && git add -A && git commit)")
    if (state_dir(repo) / JOURNAL).is_file():
        report.add("journal", WARN, "an interrupted run left a journal",
                   "the next render/update completes it; run `patforge render` now")
    config = load_config(repo)
    try:
        # why: start-up time: loaded only when run_doctor() runs, not when the module is imported
        from patforge.rendering.template_source import resolve_source

        src = resolve_source(repo, template, None, config.template)
        report.add("templates", OK, f"{src.record}: versions {', '.join(src.tags)}")
    except PatforgeError as exc:
        report.add("templates", FAIL, exc.message, exc.hint or "")
    # inputs
    for rel in _yaml_files(repo, config.registry, report):
        loader = load_yaml_text if rel == config.registry else load_spec_text  # front matter, .md
        p = repo / rel
        if not p.is_file():
            if rel == config.registry:
                report.add(f"yaml:{rel}", FAIL, "file does not exist", "create it or fix the path in the registry")
            continue  # a spec: searched for below (spec paths)
        raw = p.read_bytes()
        try:
            text, bom = decode_yaml_bytes(raw, rel)
            loader(text, rel, has_bom=bom)
            continue
        except YamlLoadError as exc:
            d = exc.diagnostic
        try:
            fixed, notes = repair_windows_paths(text, rel, loader)
        except (YamlLoadError, UnboundLocalError):
            report.add(f"yaml:{rel}", FAIL, d.format(), d.hint or "")
            continue
        after = (b"\xef\xbb\xbf" if bom else b"") + fixed.encode("utf-8")
        change = FileChange(rel, raw, after, "single-quote Windows paths")
        report.repairs.append(change)
        report.add(f"yaml:{rel}", WARN if fix else FAIL,
                   f"{d.format()}\n    repair: " + "; ".join(n.split(": ", 1)[1] for n in notes),
                   "" if fix else "run `patforge doctor --fix` to apply the repair shown above")
    _spec_repoints(repo, config.registry, report, fix)
    if fix and (report.repairs or report.moves):
        with RepoLock(repo, "doctor"):
            journal = Journal.for_repo(repo)
            journal.recover()  # complete a killed run first: applying would replace its journal
            if report.repairs:
                journal.apply([(c.path, c.after) for c in report.repairs],
                              bases={c.path: c.before for c in report.repairs})
            _move_specs(repo, report.moves, report)
        report.applied = True
    return report
