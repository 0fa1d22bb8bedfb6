"""``patforge update --templates-only``: copy this patforge's template history into the
repository (``.patforge/templates.bundle``) and say what happened to it, before a
by-hand ``copier update -a`` (docs/templates.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from patforge.errors import UsageError
from patforge.vcs.git import version_key
from patforge.transaction.journal import Journal
from patforge.rendering.template_source import (REPO_BUNDLE, bundle_tags, repo_bundle_change, shipped_bundle,
                                  shipped_template_version)

if TYPE_CHECKING:
    from patforge.commands.update import UpdateOptions, UpdateReport


@dataclass
class TemplatesOutcome:
    """What ``--templates-only`` did with ``.patforge/templates.bundle``."""

    action: str  # copied | would-copy | already-current | kept
    versions: list[str]  # the template versions the repository's bundle holds afterwards (or would)
    shipped: list[str]  # the versions this patforge ships
    extra: list[str] = field(default_factory=list)  # kept: versions the repository has and patforge lacks

    def sentence(self) -> str:
        have = ", ".join(self.versions) or "none"
        return {
            "copied": f"templates: copied this patforge's template history into {REPO_BUNDLE} (versions {have}); "
                      "no rendered file was touched",
            "would-copy": f"templates: would copy this patforge's template history into {REPO_BUNDLE} (versions "
                          f"{have}); nothing written",
            "already-current": f"templates: {REPO_BUNDLE} already holds every version this patforge ships "
                               f"({have}); nothing copied",
            "kept": f"templates: {REPO_BUNDLE} kept as it is: it holds version(s) this patforge does not ship "
                    f"({', '.join(self.extra)}); upgrade patforge, or pass --template {REPO_BUNDLE} to use it",
        }[self.action]


def _ordered(tags: set[str]) -> list[str]:
    return sorted(tags, key=version_key)


def refresh_bundle(repo: Path, options: UpdateOptions, report: UpdateReport) -> UpdateReport:
    """Copy this patforge's template versions into ``.patforge/templates.bundle`` and
    nothing else, so that ``copier update -a <answers file>`` by hand sees the new tag.
    A bundle with a version this patforge lacks is never replaced."""
    if options.template:
        raise UsageError("--templates-only refreshes the shipped template history; with --template SRC, "
                         "Copier reads SRC's tags directly", hint="drop --template")
    report.target = shipped_template_version()
    shipped = bundle_tags(shipped_bundle())
    target = repo / REPO_BUNDLE
    have = bundle_tags(target) if target.is_file() else set()
    change = repo_bundle_change(repo)
    if change is None:
        extra = have - shipped
        report.templates = TemplatesOutcome("kept" if extra else "already-current", _ordered(have), _ordered(shipped),
                                            _ordered(extra))
        if not options.dry_run:
            # why: start-up time: loaded only when this function runs, not when the module is imported
            from patforge.transaction.rollback import note_noop

            note_noop(repo, "update --templates-only")  # rollback says this run wrote nothing
        return report
    report.changes = [REPO_BUNDLE]
    report.templates = TemplatesOutcome("would-copy" if options.dry_run else "copied", _ordered(shipped),
                                        _ordered(shipped))
    if not options.dry_run:
        # why: start-up time: loaded only when this function runs, not when the module is imported
        from patforge.transaction.rollback import recording

        with recording(repo, "update"):
            Journal.for_repo(repo).apply([(REPO_BUNDLE, change.after)])
    return report
