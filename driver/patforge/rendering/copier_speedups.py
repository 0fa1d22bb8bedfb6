"""Costs Copier pays per rendered file or run that patforge's own runs avoid.

They apply only inside patforge's process, while it renders or updates: the
templates and answers files are unchanged, and ``copier copy`` / ``copier update``
run by hand behave exactly as before (only slower).

1. **Compiling each templated string again** (``compile_strings_once``).
   Copier renders every file *name* through ``Environment.from_string``, once per
   file and per ``{% yield %}`` value, and Jinja2 caches only templates loaded by
   name, never strings. A batch of 150 units therefore compiled the same handful
   of name templates (``{% yield u from units %}{{ u.schema_path }}{% endyield %}``)
   ~500 times: 34 % of Copier's time at 300 patterns (docs/performance.md).

   Copier offers no safe hook for this: a Jinja extension in ``_jinja_extensions``
   is an *unsafe* feature (``copier copy --trust``), which would make every user of
   the templates trust them to apply them by hand. So patforge caches compiled
   strings in its own process only, while it renders (``copier_run``) or updates;
   the templates and answers files do not change, and ``copier copy`` /
   ``copier update`` run by hand behave exactly as before, only without the cache.

   A cached template behaves like a fresh one: ``Environment.preprocess`` runs on
   every call, as compiling would, because extensions keep per-render state there
   (Copier's ``YieldExtension`` resets its yield context in ``preprocess``).

2. **A git process per file** (``no_git_index_sync``). Copier runs
   ``git config core.fileMode`` once per rendered file to keep a destination
   repository's index in step with executable bits. The call changes nothing when
   the destination is not a git repository (a staging folder never is) or when
   ``core.fileMode`` is true, but each git process costs ~6 ms. ``update``
   renders inside a git worktree: there the call is skipped only after checking
   once that ``core.fileMode`` is not false (Windows' default), where it matters.

3. **Pure-Python YAML for answers files** (``fast_answers_loading``, update only).

4. **Pure-Python YAML for writing answers files** (``fast_nice_yaml``). Every unit's
   answers file is written by ``to_nice_yaml`` (templates/_lib/answers.jinja), which
   dumps with PyYAML's pure-Python emitter: 25 % of an update's time at 1,000
   patterns (each Copier update renders every unit three times). libyaml's emitter
   (``CDumper``: the same representer and resolver, the C emitter) writes the same
   bytes for the data answers files hold, 6x faster. They differ on some text
   (characters outside the Basic Multilingual Plane, empty or very long keys: found
   by fuzzing), so the C emitter is used only for data whose keys are short
   identifiers and whose strings are printable ASCII; anything else is dumped
   exactly as before. tests/test_copier_speedups.py fuzzes the two against each other.

5. **A clone of the template per run** (``shared_clones``). Copier clones the
   template for every ``run_copy`` (``git clone``, ``checkout``, ``submodule update``:
   three git processes, ~40 files written and removed again). A render's template
   source and version are fixed for the whole run, so each process clones each
   (location, version) once, into the run's temporary folder, and Copier renders
   every later batch from that clone; ``forget_clones`` removes them when the run's
   pool stops. Copier still reads the clone's commit and index itself (``_commit``).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any, Iterator
from weakref import WeakKeyDictionary
import yaml

from patforge.vcs.git import run_git

#: Distinct strings kept per environment (a template has a few dozen; a bound keeps
#: a pathological one from holding memory).
MAX_PER_ENVIRONMENT = 1024


@contextlib.contextmanager
def compile_strings_once() -> Iterator[None]:
    """While active, ``from_string`` on Copier's environment returns the template it
    compiled before for the same source (same environment, no extra globals)."""
    try:
        # why: start-up time: loaded only when compile_strings_once() runs, not when the module is imported
        from copier._jinja_ext import SandboxedEnvironment
    except ImportError:  # another Copier layout: render uncached
        yield
        return
    if "from_string" in SandboxedEnvironment.__dict__:  # already active (nested use)
        yield
        return
    inherited = SandboxedEnvironment.from_string
    caches: WeakKeyDictionary[Any, dict[str, Any]] = WeakKeyDictionary()

    def from_string(self: Any, source: Any, globals: Any = None, template_class: Any = None) -> Any:
        if globals is not None or template_class is not None or not isinstance(source, str):
            return inherited(self, source, globals, template_class)
        cache = caches.setdefault(self, {})
        template = cache.get(source)
        if template is None:
            template = inherited(self, source)
            if len(cache) < MAX_PER_ENVIRONMENT:
                cache[source] = template
        else:
            self.preprocess(source)  # the extensions' per-compile hooks, as compiling would
        return template

    SandboxedEnvironment.from_string = from_string  # type: ignore[method-assign]
    try:
        yield
    finally:
        del SandboxedEnvironment.from_string  # back to the inherited method


def git_index_sync_needed(dst: Path | None) -> bool:
    """Whether Copier's per-file index sync can change anything in ``dst``: only in a
    git repository whose ``core.fileMode`` is false. Asked once per run."""
    if dst is None:
        return False

    res = run_git(dst, "config", "--type=bool", "--get", "core.fileMode", check=False)
    return res.returncode == 0 and res.stdout.strip() == "false"


@contextlib.contextmanager
def no_git_index_sync(dst: Path | None = None) -> Iterator[None]:
    """Skip Copier's per-file ``git config core.fileMode`` call while rendering into
    ``dst`` (None: a staging folder outside any repository), unless it is needed."""
    # why: start-up time: loaded only when no_git_index_sync() runs, not when the module is imported
    from copier import _main

    worker = getattr(_main, "Worker", None)
    original = getattr(worker, "_sync_git_index_executable_bit", None)
    if original is None or git_index_sync_needed(dst):  # another Copier version, or needed
        yield
        return
    worker._sync_git_index_executable_bit = lambda self, *args, **kwargs: None
    try:
        yield
    finally:
        worker._sync_git_index_executable_bit = original


@contextlib.contextmanager
def fast_answers_loading() -> Iterator[None]:
    """Copier reads answers files with PyYAML's pure-Python ``safe_load``; an update
    batch's answers file holds 200 units, read on each of the update's three renders
    (15 % of an update's time at 300 patterns). libyaml's ``CSafeLoader`` builds the
    same objects with the same safe constructors, ~10x faster. A missing file keeps
    Copier's own handling (and warning)."""

    loader = getattr(yaml, "CSafeLoader", None)
    try:
        # why: start-up time: loaded only when fast_answers_loading() runs, not when the module is imported
        from copier import _main, _subproject, _user_data
    except ImportError:
        loader = None
    original = getattr(_user_data, "load_answersfile_data", None) if loader else None
    if original is None:
        yield
        return

    def load(dst_path: Any, answers_file: Any = ".copier-answers.yml", *, warn_on_missing: bool = False) -> Any:
        try:
            data = Path(dst_path, answers_file).read_bytes()
        except (FileNotFoundError, IsADirectoryError):
            return original(dst_path, answers_file, warn_on_missing=warn_on_missing)
        return yaml.load(data, Loader=loader)

    sites = [m for m in (_main, _subproject) if getattr(m, "load_answersfile_data", None) is original]
    for m in sites:
        m.load_answersfile_data = load
    try:
        yield
    finally:
        for m in sites:
            m.load_answersfile_data = original


_IDENT_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")


def _c_emitter_safe(data: Any) -> bool:
    """Whether libyaml's emitter writes ``data`` byte for byte as PyYAML's does: keys
    short identifiers, strings printable ASCII, other scalars ints, floats, bools, None."""
    stack = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for k, v in node.items():
                if not isinstance(k, str) or not 0 < len(k) <= 64 or not _IDENT_CHARS.issuperset(k):
                    return False
                stack.append(v)
        elif isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, str):
            if not node.isascii() or not node.isprintable():
                return False
        elif not (node is None or isinstance(node, (bool, int, float))):
            return False
    return True


def nice_yaml(data: Any, indent: int = 4, *args: Any, **kw: Any) -> str:
    """``to_nice_yaml`` (Copier's filter, jinja2_ansible_filters), through libyaml's
    emitter when that writes the same bytes."""

    dumper = getattr(yaml, "CDumper", None)
    if dumper is None or args or kw or not _c_emitter_safe(data):
        return _python_nice_yaml()(data, indent, *args, **kw)
    return yaml.dump(data, Dumper=dumper, indent=indent, allow_unicode=True, default_flow_style=False)


@contextlib.contextmanager
def fast_nice_yaml() -> Iterator[None]:
    """While active, Copier's ``to_nice_yaml`` filter is ``nice_yaml``."""
    try:
        # why: start-up time: loaded only when fast_nice_yaml() runs, not when the module is imported
        from jinja2_ansible_filters import core_filters
    except ImportError:  # another Copier: its own filter stays
        yield
        return
    original = _python_nice_yaml()
    if core_filters.to_nice_yaml is nice_yaml:  # nested use
        yield
        return
    core_filters.to_nice_yaml = nice_yaml
    try:
        yield
    finally:
        core_filters.to_nice_yaml = original



_PYTHON_NICE_YAML: list[Any] = []


def _python_nice_yaml() -> Any:
    """jinja2_ansible_filters' own ``to_nice_yaml`` (taken before any patch)."""
    if not _PYTHON_NICE_YAML:
        # why: start-up time: loaded only when _python_nice_yaml() runs, not when the module is imported
        from jinja2_ansible_filters import core_filters

        _PYTHON_NICE_YAML.append(core_filters.to_nice_yaml)  # first asked before any patch
    return _PYTHON_NICE_YAML[0]


#: (template location, version) -> this process's clone of it, while a run renders
_CLONES: dict[tuple[str, str], str] = {}
#: The folder (under the run's temporary folder) that holds a process's clones.
CLONES_DIR = "clones"


@contextlib.contextmanager
def shared_clones(folder: str | None) -> Iterator[None]:
    """While active, Copier's clone of a git template is made once per process and
    (location, version) under ``folder``/clones and reused by every later run."""
    try:
        # why: start-up time: loaded only when shared_clones() runs, not when the module is imported
        import copier._template as copier_template
    except ImportError:  # another Copier layout: a clone per run, as before
        yield
        return
    real = getattr(copier_template, "clone", None)
    if folder is None or real is None or getattr(real, "_patforge_shared", False):
        yield
        return

    def clone(url: str, ref: str = "HEAD", location: str | None = None) -> str:
        hit = _CLONES.get((url, ref))
        if hit is not None and os.path.isdir(hit):
            return hit  # Copier removes only the empty folder it made for `location`
        home = os.path.join(folder, CLONES_DIR)
        os.makedirs(home, exist_ok=True)
        # Copier's prefix: error messages name the template as "<template>" (describe_error)
        prefix = getattr(copier_template, "CLONE_PREFIX", "copier._vcs.clone.")
        made = real(url, ref, location=tempfile.mkdtemp(prefix=prefix, dir=home))
        _CLONES[(url, ref)] = made
        return made

    clone._patforge_shared = True  # type: ignore[attr-defined]
    copier_template.clone = clone
    try:
        yield
    finally:
        copier_template.clone = real


def forget_clones(folders: set[str]) -> None:
    """Remove the clones kept under ``folders`` (the pool's workers have stopped) and
    forget this process's: the next run clones the template as it is then."""
    _CLONES.clear()
    for folder in folders:
        shutil.rmtree(os.path.join(folder, CLONES_DIR), ignore_errors=True)
