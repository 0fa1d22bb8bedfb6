"""The reference pages patforge's messages point to, from any install.

Messages and scaffolded files name pages as ``docs/<page>.md``; a wheel carries them
as package data (``patforge/docs/``, pyproject.toml force-include), a source checkout
has them in ``docs/``. ``patforge docs PAGE`` prints one, so a pointer resolves for a
user who installed the wheel and has no checkout (no URL: it works offline and always
matches the installed version).
"""

from __future__ import annotations

from pathlib import Path

from patforge.errors import UsageError

_PACKAGE = Path(__file__).resolve().parents[1]  # the patforge package, not commands/


def docs_dir() -> Path:
    """``patforge/docs`` in a wheel; ``<checkout>/docs`` when run from source."""
    shipped = _PACKAGE / "docs"
    return shipped if shipped.is_dir() else _PACKAGE.parents[1] / "docs"


def pages() -> list[str]:
    folder = docs_dir()
    return sorted(p.stem for p in folder.glob("*.md")) if folder.is_dir() else []


def page_path(name: str) -> Path:
    """The file of page ``name`` (``registry``, ``docs/registry.md`` and ``registry.md`` alike)."""
    stem = Path(name.replace("\\", "/")).name
    stem = stem[:-3] if stem.endswith(".md") else stem
    available = pages()
    if stem not in available:
        raise UsageError(f"no documentation page named {name}",
                         hint=f"pages: {', '.join(available) or 'none (this install ships no docs)'}")
    return docs_dir() / f"{stem}.md"
