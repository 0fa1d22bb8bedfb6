"""Running Copier: one ``run_copy`` renders a whole batch of units of one kind.

Copier's fixed cost per run (a clone of the template, ~13 git calls, Jinja set-up)
is ~110 ms, while each file costs ~2 ms; so patforge renders many patterns per run
through the templates' ``{% yield %}`` tags, into a *staging* folder outside any git
repository (which also skips Copier's per-file git index calls), validates what
was staged, and only then lands files in the repository. docs/design.md has the
measurements behind this.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
import warnings
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator
import threading
import time
import multiprocessing

from patforge.repository.layout import LAST_RUN_ANSWERS
from patforge.rendering.template_source import TemplateSource


@dataclass
class RenderJob:
    kind: str
    units: list[dict[str, Any]]
    source: TemplateSource
    #: The run's temporary folder (state.run_temp_dir): Copier's clones and copies and
    #: the staging folder go there, where the next run sweeps what a killed one left.
    tmp: str | None = None


@dataclass
class RenderResult:
    kind: str
    files: dict[str, bytes] = field(default_factory=dict)  # repo-relative path -> bytes
    error: str | None = None


def _copier_run(job: RenderJob, staging: Path) -> None:
    # why: start-up time: loaded only when _copier_run() runs, not when the module is imported
    from copier import run_copy  # imported lazily: it is slow to import

    # why: start-up time: loaded only when _copier_run() runs, not when the module is imported
    from patforge.rendering.copier_speedups import (compile_strings_once, fast_nice_yaml, no_git_index_sync,
                                                    shared_clones)

    with warnings.catch_warnings(), no_git_index_sync(), compile_strings_once(), fast_nice_yaml(), \
            shared_clones(job.tmp):
        warnings.simplefilter("ignore")
        run_copy(
            job.source.location,
            staging,
            data={"artifact": job.kind, "units": job.units, "src_record": job.source.record},
            vcs_ref=job.source.ref,
            defaults=True,
            overwrite=True,
            quiet=True,
            unsafe=False,
            skip_tasks=True,
        )


_TMP_PATH = re.compile(r"/[^\s'\"]*copier\._vcs\.clone\.[^/\s'\"]+")


def describe_error(job: RenderJob, exc: BaseException) -> str:
    """A message without temp-folder names, so equal failures compare equal."""
    if isinstance(exc, FileNotFoundError) and f"templates/{job.kind}" in str(exc):
        return (f"the template collection {job.source.record} @ {job.source.ref} has no "
                f"templates/{job.kind}/ folder")
    return _TMP_PATH.sub("<template>", f"{type(exc).__name__}: {exc}")


def render_job(job: RenderJob) -> RenderResult:
    """Render one batch into a private staging folder and read the files back."""
    result = RenderResult(kind=job.kind)
    if job.tmp is not None:
        _TMP_FOLDERS.add(job.tmp)  # in a pool worker too: harmless, the parent records it as well
    with temp_folder(job.tmp):
        return _render_job(job, result)


@contextlib.contextmanager
def temp_folder(folder: str | None) -> Iterator[None]:
    """While a job runs, ``tempfile`` (Copier's clones and copies) and git use ``folder``."""
    if folder is None or not os.path.isdir(folder):
        yield
        return
    saved_dir, saved_env = tempfile.tempdir, {k: os.environ.get(k) for k in ("TMPDIR", "TEMP", "TMP")}
    tempfile.tempdir = folder
    os.environ.update({k: folder for k in saved_env})
    try:
        yield
    finally:
        tempfile.tempdir = saved_dir
        for k, v in saved_env.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _render_job(job: RenderJob, result: RenderResult) -> RenderResult:
    staging = Path(tempfile.mkdtemp(prefix="patforge-stage-"))
    try:
        try:
            _copier_run(job, staging)
        except Exception as exc:  # Copier raises many types; each becomes a message
            result.error = describe_error(job, exc)
            return result
        for dirpath, dirs, files in os.walk(staging):
            for fname in sorted(files) + sorted(dirs):
                abs_p = Path(dirpath) / fname
                rel = abs_p.relative_to(staging).as_posix()
                if abs_p.is_symlink():
                    # A template with _preserve_symlinks can stage a link (to /etc/passwd,
                    # to ~/.ssh): reading through it would put an outside file in the
                    # repository or on the screen. patforge's templates make none.
                    result.error = (f"the template collection {job.source.record} @ {job.source.ref} "
                                    f"produced a symbolic link, {rel}; patforge renders regular files only")
                    result.files.clear()
                    return result
                if fname not in files or rel == LAST_RUN_ANSWERS:
                    continue  # a folder, or the batch's own answers file (per-unit ones are the record)
                result.files[rel] = abs_p.read_bytes()
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return result


_POOL: tuple[int, ProcessPoolExecutor] | None = None


def _pool(workers: int) -> ProcessPoolExecutor:
    """One pool per run, reused by every phase and kind: starting workers and importing
    Copier in each costs about a second."""
    global _POOL
    if _POOL is None or _POOL[0] != workers:
        shutdown_pool()
        _POOL = (workers, ProcessPoolExecutor(max_workers=workers, initializer=_exit_with_parent,
                                              mp_context=_start_context()))
    return _POOL[1]


def _start_context() -> Any:
    """Workers start from a clean interpreter ("spawn", as on Windows, where it is the
    only method), not as forks of the run: a fork of a 10,000-pattern render's parent
    (900 MB of registry, answers and compile cache) copied most of it into each worker
    as Python touched the shared pages (1.7 GB PSS for the tree). Not "forkserver": its
    server outlives a run killed with SIGKILL (seen in tests/test_kill_safety.py), and a
    spawned worker's parent is the run itself, which ``_exit_with_parent`` watches."""

    return multiprocessing.get_context("spawn")


#: A folder where each pool worker records its pid (a file named by it), so that tests
#: and monitoring can tell whether a killed run left a worker behind, on any OS.
WORKER_PID_DIR = "PATFORGE_WORKER_PID_DIR"


def _exit_with_parent() -> None:
    """Pool workers end when the run that started them is killed (SIGKILL leaves no
    chance to shut the pool down), so a killed render leaves no process behind. A
    spawned worker's parent is the run."""

    parent = os.getppid()
    if parent == 1:  # the run is already gone
        os._exit(1)

    pid_dir = os.environ.get(WORKER_PID_DIR)
    if pid_dir:
        Path(pid_dir).mkdir(parents=True, exist_ok=True)
        (Path(pid_dir) / str(os.getpid())).touch()

    def watch() -> None:
        while True:
            time.sleep(0.5)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


#: The temporary folders jobs of this run rendered in: their template clones are
#: removed when the pool stops (copier_speedups.shared_clones).
_TMP_FOLDERS: set[str] = set()


def shutdown_pool() -> None:
    global _POOL
    if _POOL is not None:
        _POOL[1].shutdown(wait=True, cancel_futures=True)
        _POOL = None
    if _TMP_FOLDERS:
        # why: start-up time: loaded only when shutdown_pool() runs, not when the module is imported
        from patforge.rendering.copier_speedups import forget_clones

        forget_clones(_TMP_FOLDERS)
        _TMP_FOLDERS.clear()


def render_jobs(jobs: list[RenderJob], workers: int = 1) -> list[RenderResult]:
    """Render every job, in a process pool when there is more than one job and worker."""
    if workers <= 1 or len(jobs) <= 1:
        return [render_job(j) for j in jobs]
    _TMP_FOLDERS.update(j.tmp for j in jobs if j.tmp is not None)
    return list(_pool(workers).map(render_job, jobs))


def iter_render_jobs(jobs: list[RenderJob], workers: int = 1) -> Iterator[RenderResult]:
    """Like ``render_jobs``, but yields each result (in order) as soon as it is ready, so
    the caller validates and lands one batch while the workers render the next."""
    if workers <= 1 or len(jobs) <= 1:
        for j in jobs:
            yield render_job(j)
        return
    _TMP_FOLDERS.update(j.tmp for j in jobs if j.tmp is not None)
    yield from _pool(workers).map(render_job, jobs)


def chunk_sizes(n: int, batch_size: int, workers: int) -> int:
    """Units per Copier run: at most ``batch_size``, and a multiple of ``workers`` runs
    so that every worker has the same share."""
    if n == 0:
        return 1
    runs = -(-n // batch_size)
    runs = -(-runs // workers) * workers if workers > 1 and n >= workers else runs
    return max(1, -(-n // runs))
