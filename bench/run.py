#!/usr/bin/env python3
"""Benchmark patforge on a synthetic repository, side by side with Copier and bare Jinja2.

    python bench/run.py --patterns 300 [--repeat 3] [--out bench/results/300.json]

In ONE run on one machine it measures, each operation as a fresh subprocess
``python -m patforge ...`` (wall time and peak memory):

* ``cold``    ``patforge render`` on a fresh copy of the generated repository;
* ``noop``    ``patforge render`` again after committing the cold render; the
              working tree must stay clean (``git status --porcelain`` empty);
* ``check``   ``patforge check`` (null when the command does not exist);
* ``check1``  ``patforge check FILE``: one pattern's spec changed (a comment line
              added), checked incrementally the way pre-commit calls it (null while
              ``check`` takes no file arguments);
* ``update``  ``patforge update --template T`` where T is a clone of the
              repository's ``.patforge/templates.bundle`` whose executor
              templates got one added comment line, committed and tagged v99.0.0;
* ``status``  ``patforge status`` and then ``patforge check`` on a fresh ``git clone``
              of the rendered repository (no compile cache, no state: a CI runner);
* ``new``     ``patforge new bench_new_pattern -c bench`` in the large repository;

After the no-op, one spec gets an edit that keeps its size and its mtime, and
``render`` runs again: its report must differ from the no-op's (the edit noticed).

and, in this process, per artifact (one (pattern, kind) unit):

* the Copier baseline: one ``copier.run_copy`` per unit, with exactly the data
  patforge's engine passes (``artifact``, ``units: [answers]``, ``src_record``),
  into an empty folder, on a sample of ~30 units;
* the floor: the same template files rendered with a bare ``jinja2.Environment``
  (FileSystemLoader on the collection root, a ``to_nice_yaml`` equivalent) and
  written to disk.

Peak memory: each operation runs under a bare launcher interpreter that reaps
it with ``os.wait4``; that rusage's ``ru_maxrss`` is the largest resident set of
the patforge process and every descendant it waited for (Linux). The launcher
exists because a child forked straight from this harness inherits the harness's
RSS high-water mark, and because ``RUSAGE_CHILDREN`` deltas cannot express a
maximum that goes down. A sampler also sums the PSS of the whole process tree
every 0.2 s (a process pool's workers run at the same time, so the sum is what
the machine must hold; PSS, not RSS, so pages the forked workers share with the
parent are counted once).

The harness needs only the standard library, PyYAML, Jinja2, Copier and patforge.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import genrepo  # noqa: E402
from targets import growth, targets  # noqa: E402

GIT_ENV = dict(genrepo.GIT_ENV)
KINDS_PER_PATTERN = ("sidecar", "schema", "examples", "executor", "tests")
NEW_NAME = "bench_new_pattern"
OPS = ("cold", "noop", "check", "check1", "status", "update", "new")
#: Not run by default: ``ids`` = ``render --phase 1 --kind schema`` (the registry and
#: spec edits of Phase 1 without any Copier run), to see how the edits scale.
EXTRA_OPS = ("ids",)
#: Figures recorded on the way: check on the fresh clone (beside status), and the
#: render after the size-and-mtime-keeping spec edit.
HELPER_OPS = ("checkfresh", "noopedit")
SCHEMA_VERSION = 1


# -- small helpers ---------------------------------------------------------------

def git(repo: Path, *args: str, check: bool = True) -> str:
    res = subprocess.run(["git", "-c", "gc.auto=0", *args], cwd=repo, env={**os.environ, **GIT_ENV},
                         capture_output=True, text=True)
    if check and res.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)} in {repo} failed: {res.stderr.strip()}")
    return res.stdout


def median(values: list[float]) -> float | None:
    values = [v for v in values if v is not None]
    if not values:
        return None
    m = statistics.median(values)
    return int(m) if isinstance(m, float) and m.is_integer() and all(isinstance(v, int) for v in values) else m


def ratio(a: float | None, b: float | None) -> float | None:
    if a is None or b is None or b == 0:
        return None
    return a / b


def _tool_version(cmd: list[str]) -> str | None:
    try:
        return subprocess.run(cmd, capture_output=True, text=True).stdout.strip() or None
    except OSError:
        return None


def loadavg() -> float | None:
    """1-minute load average: other work on the machine inflates wall times."""
    try:
        return float(Path("/proc/loadavg").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def machine_info() -> dict[str, Any]:
    import copier  # noqa: F401
    import jinja2
    from importlib.metadata import version

    mem_total = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_total = round(int(line.split()[1]) / 1024)
    except OSError:
        pass
    cpu_model = None
    try:
        cpu_model = next((ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                          if ln.startswith("model name")), None)
    except OSError:
        pass
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    dirty = subprocess.run(["git", "status", "--porcelain", "--", "driver/patforge", "templates", "copier.yml"],
                           cwd=ROOT, capture_output=True, text=True)
    return {
        "cpu_count": os.cpu_count(),
        "loadavg_1min_at_start": loadavg(),
        "cpu_model": cpu_model,
        "memory_mb": mem_total,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "copier": version("copier"),
        "jinja2": jinja2.__version__,
        "git": _tool_version(["git", "--version"]),
        "patforge": version("patforge"),
        "patforge_commit": head.stdout.strip() or None,
        "patforge_tree_dirty": bool(dirty.stdout.strip()),
        "templates_version": (ROOT / "templates" / "VERSION").read_text().strip()
        if (ROOT / "templates" / "VERSION").is_file() else None,
    }


# -- a frozen copy of the driver -------------------------------------------------
# Other people edit driver/ while benchmarks run, and every operation is a fresh
# `python -m patforge`: without a snapshot, one run could time two versions.

_SNAPSHOT: Path | None = None


def snapshot_driver(dest: Path) -> dict[str, Any]:
    """Copy driver/patforge (with its template bundle) to ``dest`` and use that copy
    for every operation and baseline of this run; return its identity."""
    import hashlib

    global _SNAPSHOT
    src = ROOT / "driver" / "patforge"
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(src, dest / "patforge", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    digest = hashlib.sha256()
    for f in sorted((dest / "patforge").rglob("*")):
        if f.is_file():
            digest.update(f.relative_to(dest).as_posix().encode() + b"\0" + f.read_bytes())
    # Byte-compile it, as an installed package is: otherwise, with PYTHONDONTWRITEBYTECODE
    # set, every operation would compile patforge's modules again (~0.2 s).
    import compileall

    compileall.compile_dir(str(dest / "patforge"), quiet=1)
    _SNAPSHOT = dest
    sys.path.insert(0, str(dest))
    os.environ["PYTHONPATH"] = str(dest) + (os.pathsep + os.environ["PYTHONPATH"]
                                            if os.environ.get("PYTHONPATH") else "")
    return {"driver_snapshot_sha256": digest.hexdigest()}


# -- running one operation as a measured subprocess ------------------------------

_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


class TreeRss(threading.Thread):
    """Samples the summed memory of a process and all its descendants (Linux /proc).

    Each process counts its PSS (``/proc/PID/smaps_rollup``): pool workers are forked
    from the parent and share its pages copy-on-write, and summing RSS would count
    those pages once per process. Falls back to RSS where PSS cannot be read."""

    metric = "pss"

    def __init__(self, root_pid: int, interval: float = 0.2, include_root: bool = True) -> None:
        super().__init__(daemon=True)
        self.root = root_pid
        self.include_root = include_root
        self.interval = interval
        self.peak = 0
        self._halt = threading.Event()

    def sample(self) -> int:
        children: dict[int, list[int]] = {}
        rss: dict[int, int] = {}
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                with open(f"/proc/{entry.name}/stat", "rb") as fh:
                    data = fh.read().decode("ascii", "replace")
            except OSError:
                continue
            rest = data[data.rfind(")") + 2:].split()
            pid, ppid = int(entry.name), int(rest[1])
            children.setdefault(ppid, []).append(pid)
            rss[pid] = int(rest[21]) * _PAGE
        total = 0
        todo = [self.root] if self.include_root else list(children.get(self.root, []))
        while todo:
            pid = todo.pop()
            total += self._pss(pid, rss.get(pid, 0))
            todo += children.get(pid, [])
        return total

    @staticmethod
    def _pss(pid: int, fallback: int) -> int:
        try:
            with open(f"/proc/{pid}/smaps_rollup", "rb") as fh:
                for line in fh:
                    if line.startswith(b"Pss:"):
                        return int(line.split()[1]) * 1024
        except (OSError, ValueError, IndexError):
            pass
        return fallback

    def run(self) -> None:
        while not self._halt.is_set():
            try:
                self.peak = max(self.peak, self.sample())
            except Exception:  # noqa: BLE001 - never let the sampler break a run
                pass
            self._halt.wait(self.interval)

    def stop(self) -> int:
        self._halt.set()
        self.join()
        return self.peak


# A tiny launcher between the harness and the measured command. Linux carries the
# RSS high-water mark of the process that forks into the child's rusage (fork copies
# the harness's memory map, exec records its peak), so a child forked from this
# harness (Copier and patforge imported, 60+ MB) would never report less than the
# harness. The launcher is a bare interpreter; it reaps the command with wait4 and
# hands over that one child's rusage.
_LAUNCHER = """
import json, os, subprocess, sys
p = subprocess.Popen(sys.argv[2:])
_, status, ru = os.wait4(p.pid, 0)
with open(sys.argv[1], "w") as fh:
    json.dump({"maxrss_kb": ru.ru_maxrss, "utime": ru.ru_utime, "stime": ru.ru_stime}, fh)
sys.exit(os.waitstatus_to_exitcode(status))
"""


def run_op(name: str, args: list[str], cwd: Path, logdir: Path,
           timeout: float | None = None) -> dict[str, Any]:
    """Run ``python -m patforge ARGS``; wall time, exit code, peak memory, stdout.
    With ``timeout``, the operation is killed after that many seconds and recorded
    as ``timed_out`` (its time is then a lower bound)."""
    logdir.mkdir(parents=True, exist_ok=True)
    out_path, err_path = logdir / f"{name}.stdout", logdir / f"{name}.stderr"
    usage_path = logdir / f"{name}.rusage.json"
    cmd = [sys.executable, "-S", "-c", _LAUNCHER, str(usage_path),
           sys.executable, "-m", "patforge", *args]
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                start_new_session=True)
        sampler = TreeRss(proc.pid, include_root=False)
        sampler.start()
        timed_out = False
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            os.killpg(proc.pid, 9)  # the launcher's own session: only what this run started
            proc.wait()
        seconds = time.perf_counter() - t0
        tree_peak = sampler.stop()
    usage = (json.loads(usage_path.read_text()) if usage_path.is_file()
             else {"maxrss_kb": 0, "utime": 0.0, "stime": 0.0})
    return {
        "seconds": seconds,
        "timed_out": timed_out,
        "loadavg_1min_after": loadavg(),
        "exit_code": proc.returncode,
        "max_rss_mb": round(usage["maxrss_kb"] / 1024, 1),  # kilobytes on Linux
        "tree_rss_peak_mb": round(tree_peak / 2**20, 1) if tree_peak else None,
        "tree_metric": TreeRss.metric,
        "user_cpu_s": round(usage["utime"], 3),
        "sys_cpu_s": round(usage["stime"], 3),
        "command": "python -m patforge " + " ".join(args),
        "stdout": out_path.read_text(encoding="utf-8", errors="replace"),
        "stderr_tail": err_path.read_text(encoding="utf-8", errors="replace")[-2000:],
    }


def _json_or_none(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None


def _render_counts(report: Any) -> dict[str, Any]:
    """Units generated / failed / up to date per kind, from ``render --json``."""
    out: dict[str, Any] = {"generated": 0, "failed": 0, "up_to_date": 0, "edited": 0,
                           "files_written": None, "generated_by_kind": {}, "failed_by_kind": {}}
    if not isinstance(report, dict):
        return out
    for row in report.get("summary", []):
        kind = row["kind"]
        out["generated"] += row.get("generated", 0)
        out["failed"] += row.get("failed", 0)
        out["up_to_date"] += row.get("up-to-date", 0)
        out["edited"] += row.get("edited", 0)
        if row.get("generated"):
            out["generated_by_kind"][kind] = out["generated_by_kind"].get(kind, 0) + row["generated"]
        if row.get("failed"):
            out["failed_by_kind"][kind] = out["failed_by_kind"].get(kind, 0) + row["failed"]
    out["files_written"] = len(report.get("changes", []))
    failures = [o for o in report.get("outcomes", []) if o.get("status") == "failed"]
    out["first_failures"] = sorted({f"{o['kind']}: {o['message'][:200]}" for o in failures})[:5]
    return out


def noticed_content_edit(repo: Path, work: Path, logs: Path, noop_stdout: str,
                         timeout: float | None) -> bool | None:
    """Edit one spec so that its size and its mtime stay the same (one letter of a
    description changes), render, and tell whether the report differs from the
    no-op's: a no-op path that trusted size and mtime would replay the same report.
    The edit is undone afterwards (the file and whatever the render wrote)."""
    reg = (repo / genrepo.REGISTRY).read_text(encoding="utf-8")
    for rel in re.findall(r"^\s*spec_path:\s*(\S+)", reg, re.M):
        spec = repo / rel
        text = spec.read_text(encoding="utf-8")
        m = re.search(r"description: (\w)", text)
        if m:
            break
    else:
        return None
    st = spec.stat()
    # patforge's record of the last full render: put back afterwards, so the operations
    # timed after this probe find the repository and its state as the no-op left them
    from patforge.rendering.manifest import manifest_path
    from patforge.transaction.state import state_location

    manifest = manifest_path(state_location(repo))
    saved = manifest.read_bytes() if manifest.is_file() else None
    letter = "Q" if m.group(1) != "Q" else "R"
    spec.write_text(text[:m.start(1)] + letter + text[m.end(1):], encoding="utf-8")
    os.utime(spec, ns=(st.st_atime_ns, st.st_mtime_ns))
    again = run_op("noopedit", ["render", "--repo", str(repo), "--json"], work, logs, timeout)
    git(repo, "checkout", "-q", "--", ".")
    git(repo, "clean", "-q", "-fd")
    if saved is not None:
        manifest.write_bytes(saved)
    if again["exit_code"] not in (0, 1) or again["timed_out"]:
        return None
    return _json_or_none(again["stdout"]) != _json_or_none(noop_stdout)


def _strip(result: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in result.items() if k != "stdout"}


def check_available() -> bool:
    res = subprocess.run([sys.executable, "-m", "patforge", "check", "--help"], capture_output=True)
    return res.returncode == 0


def incremental_check_available() -> bool:
    """``patforge check FILE...`` (issue 15): the usage line takes file arguments."""
    res = subprocess.run([sys.executable, "-m", "patforge", "check", "--help"], capture_output=True,
                         text=True)
    usage = next((ln for ln in res.stdout.splitlines() if ln.startswith("Usage:")), "")
    return res.returncode == 0 and re.search(r"\[(FILE|PATH)S?\]|(FILE|PATH)S?\.\.\.", usage) is not None


def one_changed_spec(repo: Path) -> str:
    """Change one pattern's spec (a comment line: every rule still holds) and return its
    repository-relative path: the input of the incremental check."""
    reg = (repo / genrepo.REGISTRY).read_text(encoding="utf-8")
    m = re.search(r"^\s*spec_path:\s*(\S+)", reg, re.M)
    assert m, "the registry names no spec"
    rel = m.group(1)
    spec = repo / rel
    spec.write_text(spec.read_text(encoding="utf-8") + "# bench: one changed pattern\n", encoding="utf-8")
    return rel


# -- the template change for `update` --------------------------------------------

def make_changed_templates(bundle: Path, dest: Path) -> dict[str, Any]:
    """Clone the repository's template bundle, add a comment line to every executor
    template, commit and tag v99.0.0. Returns what was edited."""
    if dest.exists():
        shutil.rmtree(dest)
    subprocess.run(["git", "clone", "-q", str(bundle), str(dest)], check=True, capture_output=True,
                   env={**os.environ, **GIT_ENV})
    tags = git(dest, "tag", "--list").split()
    newest = max(tags, key=lambda t: tuple(int(x) for x in re.findall(r"\d+", t)[:3]) or (0,))
    git(dest, "checkout", "-q", "-B", "bench", newest)
    folder = dest / "templates" / "executor"
    edited = []
    if folder.is_dir():
        for p in sorted(folder.rglob("*")):
            if not p.is_file() or p.name.startswith(".") or "answers" in p.name:
                continue  # the executor files only: not the unit's answers file
            text = p.read_text(encoding="utf-8")
            nl = "\r\n" if "\r\n" in text else "\n"
            if not text.endswith(("\n", "\r")):
                text += nl
            text += f"# bench: template change v99.0.0{nl}"  # a comment in both PowerShell and Python
            p.write_text(text, encoding="utf-8", newline="")
            edited.append(p.relative_to(dest).as_posix())
    if edited:
        git(dest, "add", "-A")
        git(dest, "commit", "-q", "-m", "bench: add a comment line to every executor template")
        git(dest, "tag", "v99.0.0")
    return {"base_tag": newest, "edited_templates": edited}


# -- one repetition: the five operations on a fresh copy -------------------------

def one_repetition(base: Path, work: Path, ops: tuple[str, ...], has_check: bool,
                   timeout: float | None = None, has_check1: bool = False) -> dict[str, Any]:
    repo = work / "repo"
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    shutil.copytree(base, repo, symlinks=True)
    logs = work / "logs"
    res: dict[str, Any] = {}

    if "ids" in ops:
        ids_repo = work / "ids-repo"
        shutil.copytree(base, ids_repo, symlinks=True)
        ids = run_op("ids", ["render", "--repo", str(ids_repo), "--phase", "1", "--kind", "schema",
                             "--json"], work, logs, timeout)
        ids["counts"] = _render_counts(_json_or_none(ids["stdout"]))
        res["ids"] = _strip(ids)
        shutil.rmtree(ids_repo, ignore_errors=True)

    if "cold" not in ops:
        # Only check makes sense on the unrendered repository.
        if "check" in ops and has_check:
            chk = run_op("check", ["check", "--repo", str(repo)], work, logs, timeout)
            chk["unrendered_repository"] = True
            res["check"] = _strip(chk)
        return res

    cold = run_op("cold", ["render", "--repo", str(repo), "--json"], work, logs, timeout)
    cold["counts"] = _render_counts(_json_or_none(cold["stdout"]))
    res["cold"] = _strip(cold)
    if cold["timed_out"]:
        return res  # nothing else is meaningful on a half-rendered repository
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--allow-empty", "-m", "bench: cold render")

    if "noop" in ops:
        noop = run_op("noop", ["render", "--repo", str(repo), "--json"], work, logs, timeout)
        noop["counts"] = _render_counts(_json_or_none(noop["stdout"]))
        dirty = git(repo, "status", "--porcelain").splitlines()
        noop["wrote_nothing"] = not dirty
        noop["dirty_paths"] = dirty[:20]
        if dirty:
            git(repo, "add", "-A")
            git(repo, "commit", "-q", "-m", "bench: what the no-op rerun wrote")
        noop["noticed_content_edit"] = noticed_content_edit(repo, work, logs, noop["stdout"], timeout)
        res["noop"] = _strip(noop)

    if "check" in ops:
        if has_check:
            chk = run_op("check", ["check", "--repo", str(repo)], work, logs, timeout)
            chk["dirty_after"] = bool(git(repo, "status", "--porcelain").strip())
            res["check"] = _strip(chk)
        else:
            res["check"] = None

    if "check1" in ops:
        if has_check1:
            rel = one_changed_spec(repo)
            # pre-commit runs at the repository root and passes root-relative names
            c1 = run_op("check1", ["check", rel], repo, logs, timeout)
            c1["changed_file"] = rel
            res["check1"] = _strip(c1)
            git(repo, "checkout", "-q", "--", rel)
        else:
            res["check1"] = {"skipped": "`patforge check FILE...` does not exist yet (issue 15)"}

    if "status" in ops and has_check:
        fresh = work / "fresh-clone"
        git(work, "clone", "-q", str(repo), str(fresh))
        st = run_op("status", ["status", "--repo", str(fresh), "--json"], work, logs, timeout)
        res["status"] = _strip(st)
        ck = run_op("checkfresh", ["check", "--repo", str(fresh)], work, logs, timeout)
        res["checkfresh"] = _strip(ck)
        shutil.rmtree(fresh, ignore_errors=True)

    if "update" in ops:
        bundle = repo / ".patforge" / "templates.bundle"
        if not bundle.is_file():
            res["update"] = {"skipped": "the cold render wrote no .patforge/templates.bundle"}
        else:
            change = make_changed_templates(bundle, work / "templates-v99")
            if not change["edited_templates"]:
                res["update"] = {"skipped": f"no templates/executor/ in the bundle at {change['base_tag']}",
                                 **change}
            else:
                upd = run_op("update", ["update", "--repo", str(repo), "--template",
                                        str(work / "templates-v99"), "--json"], work, logs, timeout)
                report = _json_or_none(upd["stdout"]) or {}
                changed = report.get("changed_files", [])
                upd.update(change)
                upd["units_updated"] = len(report.get("updated_units", []))
                upd["files_changed"] = len(changed)
                upd["executors_changed"] = sum(1 for f in changed if "/executors/" in f)
                upd["conflicts"] = len(report.get("conflicts", []))
                upd["ok"] = report.get("ok")
                res["update"] = _strip(upd)
                if git(repo, "status", "--porcelain").strip():
                    git(repo, "add", "-A")
                    git(repo, "commit", "-q", "-m", "bench: update to v99.0.0")

    if "new" in ops:
        # After `update --template T` the answers files record T: `new` must be told to
        # trust it too (patforge refuses a template source the user did not name).
        trusted = ["--template", str(work / "templates-v99")] if res.get("update", {}).get("ok") else []
        new = run_op("new", ["new", NEW_NAME, "-c", "bench", "--repo", str(repo), "--json", *trusted],
                     work, logs, timeout)
        report = _json_or_none(new["stdout"]) or {}
        new["counts"] = _render_counts(report.get("render"))
        res["new"] = _strip(new)
    return res


# -- baselines: Copier per artifact, and bare Jinja2 -----------------------------

def build_units(repo: Path, n_patterns: int | None) -> tuple[Any, list[tuple[str, str, dict]]]:
    """(template source, [(kind, pattern, unit data)]) for evenly spaced patterns, all
    five per-pattern kinds, computed by patforge's own kinds (patforge.kinds)."""
    from patforge import kinds
    from patforge.diagnostics import DiagnosticList
    from patforge.docids.existing import reuse_existing_ids
    from patforge.repository.registry import load_registry
    from patforge.rendering.template_source import resolve_source
    from patforge.transaction.workspace import Workspace

    registry = load_registry(repo)
    reuse_existing_ids(registry)  # as render and check do: doc_ids already present win
    source = resolve_source(repo, None, None, registry.config.template)
    ws = Workspace(repo, dry_run=True)
    pats = registry.patterns
    if n_patterns is not None and n_patterns < len(pats):
        step = len(pats) / n_patterns
        pats = [pats[int(i * step)] for i in range(n_patterns)]
    units = []
    for p in pats:
        diags = DiagnosticList()
        for name in KINDS_PER_PATTERN:
            kind = kinds.by_name(name)
            unit = kind.build(kinds.BuildContext(registry, ws, diags, kind.phase(p)), p)
            if unit is not None:
                units.append((name, p.name, unit.copier_data()))
    return source, units


def copier_baseline(source: Any, units: list[tuple[str, str, dict]], tmp: Path) -> dict[str, Any]:
    """One in-process run_copy per unit, as a per-artifact driver would do it."""
    from copier import run_copy

    def one(kind: str, answers: dict, dst: Path) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            run_copy(source.location, dst,
                     data={"artifact": kind, "units": [answers], "src_record": source.record},
                     vcs_ref=source.ref, defaults=True, overwrite=True, quiet=True, unsafe=False,
                     skip_tasks=True)

    # Warm-up (imports, first clone) is not counted.
    try:
        one(units[0][0], units[0][2], tmp / "warmup")
    except Exception:  # noqa: BLE001
        pass
    per_kind: dict[str, list[float]] = {}
    errors: dict[str, str] = {}
    for i, (kind, _name, answers) in enumerate(units):
        t0 = time.perf_counter()
        try:
            one(kind, answers, tmp / f"u{i}")
        except Exception as exc:  # noqa: BLE001 - record, go on
            errors.setdefault(kind, f"{type(exc).__name__}: {str(exc)[:200]}")
            continue
        per_kind.setdefault(kind, []).append(time.perf_counter() - t0)
    all_t = [t for ts in per_kind.values() for t in ts]
    return {
        "units_sampled": len(units),
        "units_rendered": len(all_t),
        "seconds_per_artifact": statistics.mean(all_t) if all_t else None,
        "median_seconds_per_artifact": median(all_t),
        "seconds_per_artifact_by_kind": {k: statistics.mean(v) for k, v in sorted(per_kind.items())},
        "errors_by_kind": errors,
        "method": "copier.run_copy in-process, one per (pattern, kind) unit, into an empty folder",
    }


_YIELD = re.compile(r"\{%-?\s*yield\s+(\w+)\s+from\s+(\w+)\s*-?%\}(.*?)\{%-?\s*endyield\s*-?%\}", re.S)


def _to_nice_yaml(value: Any, indent: int = 4, **kw: Any) -> str:
    import yaml

    return yaml.safe_dump(value, indent=indent, allow_unicode=True, default_flow_style=False, **kw)


def floor_baseline(source: Any, units: list[tuple[str, str, dict]], tmp: Path) -> dict[str, Any]:
    """The same template files rendered with a bare jinja2.Environment and written to disk."""
    import jinja2
    import yaml

    coll = tmp / "collection"
    subprocess.run(["git", "clone", "-q", source.location, str(coll)], check=True, capture_output=True)
    git(coll, "checkout", "-q", source.ref)
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(coll)), keep_trailing_newline=True,
                             autoescape=False, undefined=jinja2.Undefined)
    env.filters.update({
        "to_nice_yaml": _to_nice_yaml,
        "to_yaml": lambda v, **kw: yaml.safe_dump(v, allow_unicode=True, **kw),
        "to_json": lambda v, **kw: json.dumps(v, **kw),
        "to_nice_json": lambda v, indent=4, **kw: json.dumps(v, indent=indent, sort_keys=True, **kw),
    })
    # Compile each kind's file list once: (name template, content template, loop var).
    compiled: dict[str, list[tuple[Any, Any, str | None]]] = {}
    errors: dict[str, str] = {}
    for kind in sorted({k for k, _, _ in units}):
        folder = coll / "templates" / kind
        if not folder.is_dir():
            errors[kind] = f"no templates/{kind}/ at {source.ref}"
            continue
        entries = []
        for p in sorted(folder.rglob("*")):
            if not p.is_file() or p.name.startswith("~") or p.suffix in (".pyc", ".pyo"):
                continue
            rel = p.relative_to(folder).as_posix()
            var = None
            m = _YIELD.search(rel)
            if m:
                var = m.group(1)
                rel = rel[:m.start()] + m.group(3) + rel[m.end():]
            is_tpl = rel.endswith(".jinja")
            name_t = env.from_string(rel[:-len(".jinja")] if is_tpl else rel)
            content_t = env.get_template(p.relative_to(coll).as_posix()) if is_tpl else p.read_bytes()
            entries.append((name_t, content_t, var))
        compiled[kind] = entries
    out_root = tmp / "floor-out"
    per_kind: dict[str, list[float]] = {}
    for i, (kind, _name, answers) in enumerate(units):
        if kind not in compiled:
            continue
        dst = out_root / f"u{i}"
        ctx = {"artifact": kind, "units": [answers], "src_record": source.record,
               "_copier_answers": {"_commit": source.ref, "_src_path": source.location,
                                   "artifact": kind, "units": [answers]},
               "_copier_conf": {"answers_file": ".patforge/answers/last-run.yml",
                                "src_path": source.location, "vcs_ref": source.ref,
                                "dst_path": str(dst)}}
        t0 = time.perf_counter()
        try:
            for name_t, content_t, var in compiled[kind]:
                c = {**ctx, var: answers} if var else ctx
                rel = name_t.render(c)
                if not rel or any(not part for part in rel.split("/")) or rel.endswith("/"):
                    continue  # Copier skips a file whose name renders empty
                data = content_t.render(c).encode("utf-8") if not isinstance(content_t, bytes) else content_t
                target = dst / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
        except Exception as exc:  # noqa: BLE001
            errors.setdefault(kind, f"{type(exc).__name__}: {str(exc)[:200]}")
            continue
        per_kind.setdefault(kind, []).append(time.perf_counter() - t0)
    all_t = [t for ts in per_kind.values() for t in ts]
    return {
        "units": len(units),
        "units_rendered": len(all_t),
        "seconds_per_artifact": statistics.mean(all_t) if all_t else None,
        "seconds_per_artifact_by_kind": {k: statistics.mean(v) for k, v in sorted(per_kind.items())},
        "errors_by_kind": errors,
        "method": "jinja2.Environment(FileSystemLoader(collection root)), templates compiled once, "
                  "render + write per unit",
    }


# -- the whole run ---------------------------------------------------------------

def summarize(runs: list[dict[str, Any]], n: int, copier_b: dict | None, floor_b: dict | None,
              gen_seconds: float) -> dict[str, Any]:
    def col(op: str, key: str = "seconds") -> list[Any]:
        # a command that failed measured nothing: it is in failed_ops, not in the figures
        return [r[op][key] for r in runs if r.get(op) and key in r[op] and not r[op].get("exit_code")]

    def med(op: str, key: str = "seconds") -> float | None:
        return median(col(op, key))

    def peak(op: str) -> float | None:
        vals = col(op, "max_rss_mb")
        return max(vals) if vals else None

    def tree(op: str) -> float | None:
        vals = [v for v in col(op, "tree_rss_peak_mb") if v is not None]
        return max(vals) if vals else None

    colds = [r["cold"] for r in runs if r.get("cold")]
    cold_units = median([c["counts"]["generated"] for c in colds])
    cold_failed = median([c["counts"]["failed"] for c in colds])
    cold = med("cold")
    timed_out = sorted({op for r in runs for op, v in r.items() if isinstance(v, dict) and v.get("timed_out")})
    per_artifact = ratio(cold, cold_units) if cold_units else None
    upd_units = median(col("update", "units_updated"))
    s = {
        "patterns": n,
        "generate_seconds": gen_seconds,
        "cold_render_s": cold,
        "cold_units_generated": cold_units,
        "cold_units_failed": cold_failed,
        "cold_files_written": median([c["counts"]["files_written"] for c in colds]),
        "timed_out_ops": timed_out,
        "failed_ops": sorted({op for r in runs for op, v in r.items() if isinstance(v, dict) and v.get("exit_code")}),
        "ids_phase1_edits_s": med("ids"),
        "noop_rerun_s": med("noop"),
        "noop_wrote_nothing": all(r["noop"]["wrote_nothing"] for r in runs if r.get("noop")) if
        any(r.get("noop") for r in runs) else None,
        "check_s": med("check"),
        "check_one_s": med("check1"),
        "update_s": med("update"),
        "update_units": upd_units,
        "update_executors_changed": median(col("update", "executors_changed")),
        "update_conflicts": median(col("update", "conflicts")),
        "new_s": med("new"),
        "status_fresh_s": med("status"),
        "check_fresh_s": med("checkfresh"),
        "noop_noticed_content_edit": (all(r["noop"].get("noticed_content_edit") for r in runs if r.get("noop"))
                                      if any(r.get("noop", {}).get("noticed_content_edit") is not None
                                             for r in runs) else None),
        "patforge_s_per_artifact": per_artifact,
        "copier_s_per_artifact": copier_b.get("seconds_per_artifact") if copier_b else None,
        "floor_s_per_artifact": floor_b.get("seconds_per_artifact") if floor_b else None,
        "peak_rss_mb": {op: peak(op) for op in OPS + EXTRA_OPS + HELPER_OPS},
        "peak_tree_rss_mb": {op: tree(op) for op in OPS + EXTRA_OPS + HELPER_OPS},
        "peak_tree_pss_mb_all_ops": max((v for v in (tree(op) for op in OPS + EXTRA_OPS + HELPER_OPS) if v),
                                        default=None),
        "runs_per_op": {op: len(col(op)) for op in OPS + EXTRA_OPS + HELPER_OPS},
    }
    s["ratios"] = {
        "copier_over_patforge_per_artifact": ratio(s["copier_s_per_artifact"], per_artifact),
        "patforge_over_floor_per_artifact": ratio(per_artifact, s["floor_s_per_artifact"]),
        "copier_over_floor_per_artifact": ratio(s["copier_s_per_artifact"], s["floor_s_per_artifact"]),
        "noop_over_cold": ratio(s["noop_rerun_s"], cold),
        "check_over_cold": ratio(s["check_s"], cold),
        "check_one_over_check": ratio(s["check_one_s"], s["check_s"]),
        "update_over_cold": ratio(s["update_s"], cold),
        "status_over_check_fresh": ratio(s["status_fresh_s"], s["check_fresh_s"]),
        "status_fresh_over_check": ratio(s["status_fresh_s"], s["check_s"]),
        "floor_s_whole_repo": (s["floor_s_per_artifact"] * cold_units
                               if s["floor_s_per_artifact"] and cold_units else None),
        "update_s_per_unit": ratio(s["update_s"], upd_units),
        "update_s_per_pattern": ratio(s["update_s"], n),
        "cold_s_per_pattern": ratio(cold, n),
    }
    return s


def fmt_s(v: float | None, digits: int = 2) -> str:
    if v is None:
        return "n/a"
    if v < 0.01:
        return f"{v * 1000:.2f} ms"
    return f"{v:.{digits}f} s"


def fmt_x(v: float | None) -> str:
    return "n/a" if v is None else f"{v:.2f}x" if v < 100 else f"{v:.0f}x"


def print_table(s: dict[str, Any], tg: list[dict[str, Any]]) -> None:
    r = s["ratios"]
    rows = [
        ("cold render", fmt_s(s["cold_render_s"]), s["peak_rss_mb"]["cold"], s["peak_tree_rss_mb"]["cold"],
         f"{s['cold_units_generated']} units, {s['cold_units_failed']} failed"),
        ("no-op rerun", fmt_s(s["noop_rerun_s"]), s["peak_rss_mb"]["noop"], s["peak_tree_rss_mb"]["noop"],
         f"wrote nothing: {s['noop_wrote_nothing']}"),
        ("check", fmt_s(s["check_s"]), s["peak_rss_mb"]["check"], s["peak_tree_rss_mb"]["check"], ""),
        ("check FILE", fmt_s(s["check_one_s"]), s["peak_rss_mb"]["check1"], s["peak_tree_rss_mb"]["check1"],
         "one changed spec" if s["check_one_s"] is not None else "n/a (not yet)"),
        ("update (v99)", fmt_s(s["update_s"]), s["peak_rss_mb"]["update"], s["peak_tree_rss_mb"]["update"],
         f"{s['update_units']} units, {s['update_executors_changed']} executors changed"),
        ("new", fmt_s(s["new_s"]), s["peak_rss_mb"]["new"], s["peak_tree_rss_mb"]["new"], ""),
        ("status fresh", fmt_s(s["status_fresh_s"]), s["peak_rss_mb"]["status"], s["peak_tree_rss_mb"]["status"],
         "a fresh git clone: no compile cache"),
        ("check fresh", fmt_s(s["check_fresh_s"]), s["peak_rss_mb"]["checkfresh"],
         s["peak_tree_rss_mb"]["checkfresh"], "the same clone, after status"),
    ]
    if s.get("ids_phase1_edits_s") is not None:
        rows.insert(0, ("phase-1 edits", fmt_s(s["ids_phase1_edits_s"]), s["peak_rss_mb"]["ids"],
                        s["peak_tree_rss_mb"]["ids"], "render --phase 1 --kind schema (no Copier)"))
    if s.get("timed_out_ops"):
        rows.append(("TIMED OUT", "", None, None, ", ".join(s["timed_out_ops"]) + " (times are lower bounds)"))
    print(f"\n== patforge, {s['patterns']} patterns (median of {max(s['runs_per_op'].values())} run(s)) ==")
    print(f"{'operation':<14}{'time':>12}{'max RSS MB':>12}{'tree PSS MB':>13}  notes")
    for name, t, m, tr, note in rows:
        print(f"{name:<14}{t:>12}{m if m is not None else 'n/a':>12}{tr if tr is not None else 'n/a':>13}  {note}")
    print("\n== per artifact ((pattern, kind) unit) ==")
    print(f"{'patforge (cold / units)':<30}{fmt_s(s['patforge_s_per_artifact']):>12}")
    print(f"{'Copier, one run_copy each':<30}{fmt_s(s['copier_s_per_artifact']):>12}")
    print(f"{'floor (bare Jinja2 + write)':<30}{fmt_s(s['floor_s_per_artifact']):>12}")
    print("\n== ratios ==")
    print(f"Copier / patforge per artifact : {fmt_x(r['copier_over_patforge_per_artifact'])} (patforge cheaper by)")
    print(f"patforge / floor per artifact  : {fmt_x(r['patforge_over_floor_per_artifact'])}")
    pct = lambda v: "n/a" if v is None else f"{100 * v:.1f} %"  # noqa: E731
    print(f"no-op / cold                   : {pct(r['noop_over_cold'])}")
    print(f"check / cold                   : {pct(r['check_over_cold'])}")
    print(f"check FILE / check             : {pct(r['check_one_over_check'])}")
    print(f"update / cold                  : {fmt_x(r['update_over_cold'])}")
    print(f"update per unit                : {fmt_s(r['update_s_per_unit'], 3)}")
    print(f"status / check (fresh clone)   : {fmt_x(r['status_over_check_fresh'])}")
    g = s.get("growth")
    if g:
        print(f"\n== growth {g['from_patterns']:,} -> {g['to_patterns']:,} patterns (1.00 = linear; "
              f"same driver as the reference: {g.get('same_driver')}) ==")
        for op, v in g["of_linear"].items():
            print(f"  {op:<22} {'n/a' if v is None else f'{v:.2f}'}")
        for op, v in g["absolute"].items():
            print(f"  {op + ' (absolute)':<22} {'n/a' if v is None else f'{v:.2f}x'}")
    print("\n== targets ==")
    for x in tg:
        mark = {True: "met", False: "NOT MET", None: "n/a"}[x["met"]]
        val = x["value"]
        val = f"{val:.3g}" if isinstance(val, float) else val
        print(f"  [{mark:>7}] {x['target']}: {val} (limit {x['limit']}) {x['note']}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--patterns", "-n", type=int, required=True)
    ap.add_argument("--repeat", type=int, default=None,
                    help="runs per operation (median); default 3 for N <= 1000, else 1")
    ap.add_argument("--out", type=Path, default=None, help="JSON results (default bench/results/N.json)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--ops", default=",".join(OPS),
                    help=f"operations to time, comma-separated from {','.join(OPS + EXTRA_OPS)}; "
                         "noop, update and new need cold; without cold, check runs on the "
                         "unrendered repository")
    ap.add_argument("--op-timeout", type=float, default=None,
                    help="kill an operation after this many seconds (recorded as timed_out)")
    ap.add_argument("--sample", type=int, default=30, help="units in the Copier baseline sample")
    ap.add_argument("--floor-patterns", type=int, default=200,
                    help="patterns whose units the floor renders (5 units each)")
    ap.add_argument("--no-baselines", action="store_true", help="skip the Copier and Jinja2 baselines")
    ap.add_argument("--budget", type=float, default=540.0,
                    help="stop repeating once another repetition would exceed this many seconds")
    ap.add_argument("--workdir", type=Path, default=None, help="scratch folder (default: a temp dir)")
    ap.add_argument("--keep", action="store_true", help="keep the scratch folder")
    ap.add_argument("--compare", type=Path, default=None,
                    help="a result file of another size: report each figure's growth relative to "
                         "linear (default for N > 1000: bench/results/1000.json, if present)")
    ap.add_argument("--no-snapshot", action="store_true",
                    help="run the live driver/ instead of a frozen copy taken at the start")
    args = ap.parse_args(argv)

    n = args.patterns
    repeat = args.repeat or (3 if n <= 1000 else 1)
    ops = tuple(o for o in args.ops.split(",") if o)
    bad = set(ops) - set(OPS + EXTRA_OPS)
    if bad:
        ap.error(f"unknown ops: {', '.join(sorted(bad))}")
    out = args.out or HERE / "results" / f"{n}.json"
    work = args.workdir or Path(tempfile.mkdtemp(prefix=f"patforge-bench-{n}-"))
    work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    try:
        info = machine_info()
        if not args.no_snapshot:
            info.update(snapshot_driver(work / "driver-snapshot"))
        info["driver"] = "snapshot" if not args.no_snapshot else "live"
        print(f"machine: {info['cpu_count']} CPU, python {info['python']}, copier {info['copier']}, "
              f"{info['git']}", flush=True)
        t0 = time.perf_counter()
        base = genrepo.generate(work / "base", n, args.seed)
        gen_seconds = time.perf_counter() - t0
        print(f"generated {n} patterns in {gen_seconds:.2f} s", flush=True)

        copier_b = floor_b = None
        if not args.no_baselines:
            per_pattern = len(KINDS_PER_PATTERN)
            source, sample = build_units(base, max(1, min(n, -(-args.sample // per_pattern))))
            print(f"Copier baseline: {len(sample)} units, one run_copy each ...", flush=True)
            copier_b = copier_baseline(source, sample, work / "copier")
            _, floor_units = build_units(base, min(n, args.floor_patterns))
            print(f"floor: {len(floor_units)} units with bare Jinja2 ...", flush=True)
            floor_b = floor_baseline(source, floor_units, work / "floor")
            floor_sample = floor_baseline(source, sample, work / "floor-sample")
            floor_b["sample_seconds_per_artifact"] = floor_sample["seconds_per_artifact"]
            shutil.rmtree(work / "copier", ignore_errors=True)

        has_check = check_available()
        has_check1 = incremental_check_available()
        runs: list[dict[str, Any]] = []
        for i in range(repeat):
            t_rep = time.perf_counter()
            print(f"repetition {i + 1}/{repeat}: {', '.join(ops)}",
                  flush=True)
            runs.append(one_repetition(base, work / f"rep{i}", ops, has_check, args.op_timeout, has_check1))
            for op in EXTRA_OPS + OPS + HELPER_OPS:
                r = runs[-1].get(op)
                if isinstance(r, dict) and "seconds" in r:
                    print(f"  {op:<7} {r['seconds']:8.2f} s  exit {r['exit_code']}"
                          f"{'  TIMED OUT' if r.get('timed_out') else ''}  "
                          f"max RSS {r['max_rss_mb']} MB  tree {r['tree_rss_peak_mb']} MB", flush=True)
                elif isinstance(r, dict) and "skipped" in r:
                    print(f"  {op:<7} skipped: {r['skipped']}", flush=True)
            if not args.keep:
                shutil.rmtree(work / f"rep{i}", ignore_errors=True)
            spent = time.perf_counter() - started
            if i + 1 < repeat and spent + (time.perf_counter() - t_rep) > args.budget:
                print(f"  stopping after {i + 1} repetition(s): another would exceed --budget "
                      f"{args.budget:.0f} s", flush=True)
                break

        s = summarize(runs, n, copier_b, floor_b, gen_seconds)
        ref_path = args.compare or (HERE / "results" / "1000.json" if n > 1000 else None)
        ref = None
        if ref_path is not None and ref_path.is_file():
            data = json.loads(ref_path.read_text(encoding="utf-8"))
            ref = {**data["summary"], "commit": data["machine"].get("patforge_commit"),
                   "driver_snapshot_sha256": data["machine"].get("driver_snapshot_sha256")}
        grown = growth(s, ref)
        if grown is not None:
            grown["reference_file"] = str(ref_path)
            grown["same_driver"] = ref.get("driver_snapshot_sha256") == info.get("driver_snapshot_sha256")
        s["growth"] = grown
        tg = targets(s, grown)
        result = {
            "schema_version": SCHEMA_VERSION,
            "patterns": n,
            "seed": args.seed,
            "repeat_requested": repeat,
            "ops": list(ops),
            "check_command_available": has_check,
            "incremental_check_available": has_check1,
            "machine": info,
            "summary": s,
            "targets": tg,
            "copier_baseline": copier_b,
            "floor": floor_b,
            "runs": runs,
            "total_seconds": time.perf_counter() - started,
            "date_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(result, indent=2, default=str) + "\n", encoding="utf-8")
        print_table(s, tg)
        print(f"\nwrote {out} ({result['total_seconds']:.0f} s in all)")
        return 1 if s["noop_wrote_nothing"] is False else 0
    finally:
        if not args.keep and args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
