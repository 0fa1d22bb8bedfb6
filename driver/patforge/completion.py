"""Shell completion values (Click's ``shell_complete`` callbacks): ``--kind`` values,
``--only`` pattern names, ``diff NAME``. Completion runs on every Tab press: these read
as little as possible and never raise (a broken repository completes nothing)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from click.shell_completion import CompletionItem


def _repo(ctx: Any) -> Path:
    repo = ctx.params.get("repo") if ctx is not None else None
    return Path(repo) if repo else Path(".")


def kinds(ctx: Any, param: Any, incomplete: str) -> list[CompletionItem]:
    # why: start-up time: loaded only when this function runs, not when the module is imported
    from patforge.kinds import names as kind_names

    return [CompletionItem(k) for k in kind_names() if k.startswith(incomplete)]


def registry_names(ctx: Any, param: Any, incomplete: str) -> list[CompletionItem]:
    """The registry's pattern names (``--only``)."""
    try:
        # why: start-up time: loaded only when this function runs, not when the module is imported
        from patforge.repository.config import load_config
        from patforge.repository.yamlsrc import load_yaml_file

        repo = _repo(ctx).resolve()
        config = load_config(repo)
        doc = load_yaml_file(repo / config.registry, config.registry, positions=False)
        entries = doc.data.get("patterns") if isinstance(doc.data, dict) else None
        names = {e["name"] for e in entries or [] if isinstance(e, dict) and isinstance(e.get("name"), str)}
    except Exception:  # completion must never print a traceback into the shell
        return []
    return [CompletionItem(n) for n in sorted(names) if n.startswith(incomplete)]


def managed_names(ctx: Any, param: Any, incomplete: str) -> list[CompletionItem]:
    """Patterns with rendered (managed) units: what ``diff NAME`` takes."""
    # why: start-up time: loaded only when this function runs, not when the module is imported
    from patforge.repository.layout import ANSWERS_DIR

    try:
        folder = _repo(ctx).resolve() / ANSWERS_DIR
        names = sorted(p.name for p in folder.iterdir() if p.is_dir() and any(p.glob("*.yml")))
    except OSError:
        return []
    return [CompletionItem(n) for n in names if n.startswith(incomplete)]
