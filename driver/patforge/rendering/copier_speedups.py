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

5. **A clone of the template per run** (``shared_template_clone``). Each
   ``run_copy`` clones the template (a git bundle: ~6 git processes, a checkout and
   its removal) and checks twice that the source is a bundle (a ``git init`` and a
   ``git bundle verify`` each). ``patforge new`` makes five runs, one per kind, of
   the same template version: ~0.3 s of a 2 s command. While the context is active,
   each (source, version) is cloned once and every run reads that clone; Copier only
   reads its template folder, so the runs see the same files as five clones.
"""

from __future__ import annotations

import contextlib
import shutil
import sys
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


@contextlib.contextmanager
def shared_template_clone(folder: str | None = None) -> Iterator[None]:
    """While active, Copier's runs in this process clone each (template, version) once,
    into a folder under ``folder`` (the run's temporary folder) removed at the end."""
    try:
        # why: start-up time: loaded only when shared_template_clone() runs, not when the module is imported
        from copier import _template
    except ImportError:  # another Copier layout: a clone per run
        yield
        return
    original_clone, original_repo = getattr(_template, "clone", None), getattr(_template, "get_repo", None)
    if original_clone is None or original_repo is None or getattr(original_clone, "shared", False):
        yield  # another Copier layout, or already active (nested use)
        return
    keep = tempfile.mkdtemp(prefix="patforge-template-", dir=folder)
    clones: dict[tuple[str, str], str] = {}
    repos: dict[str, Any] = {}

    def clone(url: str, ref: str = "HEAD", location: str | None = None) -> str:
        # Copier's own empty ``location`` stays empty and is removed by Copier.
        if (url, ref) not in clones:
            target = Path(keep) / str(len(clones))
            target.mkdir()
            clones[(url, ref)] = original_clone(url, ref, location=str(target))
        return clones[(url, ref)]

    def get_repo(url: str) -> Any:  # the same answer for the same source: asked twice per run
        if url not in repos:
            repos[url] = original_repo(url)
        return repos[url]

    clone.shared = True  # type: ignore[attr-defined]
    _template.clone, _template.get_repo = clone, get_repo
    try:
        yield
    finally:
        _template.clone, _template.get_repo = original_clone, original_repo
        _remove(keep)


def _remove(folder: str) -> None:
    """Remove a clone as Copier does (git's read-only pack files included, on Windows);
    anything left is swept with the run's temporary folder (state.run_temp_dir)."""
    try:
        # why: start-up time: loaded only when _remove() runs, not when the module is imported
        from copier._tools import handle_remove_readonly
    except ImportError:
        shutil.rmtree(folder, ignore_errors=True)
        return
    try:
        if sys.version_info >= (3, 12):
            shutil.rmtree(folder, onexc=handle_remove_readonly)
        else:
            shutil.rmtree(folder, onerror=handle_remove_readonly)
    except OSError:
        pass
