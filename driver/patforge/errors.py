"""The small hierarchy of errors patforge raises; the CLI turns them into messages
and exit codes in one place (``cli.main``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from patforge.diagnostics import Diagnostic


class PatforgeError(Exception):
    """Base class. ``exit_code`` is what the CLI exits with."""

    exit_code = 2

    def __init__(self, message: str, *, hint: str | None = None,
                 diagnostics: list[Diagnostic] | None = None, listing: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.diagnostics = list(diagnostics or [])
        #: the message lists items, one per "\n    " (each printed on its own line,
        #: escaped); any other line break in a message is a value's, shown escaped
        self.listing = listing


class UsageError(PatforgeError):
    """Bad options or arguments."""


class RepositoryError(PatforgeError):
    """The target repository is missing, unreadable, or not laid out as expected."""


class RegistryError(PatforgeError):
    """The registry cannot be loaded at all (its diagnostics say where)."""


class UnsafePathError(PatforgeError):
    """A path from the registry would read or write outside the repository."""


class WriteError(PatforgeError):
    """The disk refused a write (full, read-only, permissions)."""


class ConcurrentChangeError(PatforgeError):
    """A file changed on disk between planning a change and landing it."""


class TemplateError(PatforgeError):
    """The Copier template source is missing, has no tags, or failed to render."""


class GitError(PatforgeError):
    """git is missing, or the repository is not in a state the command can work on."""


class DirtyTreeError(GitError):
    """The working tree has uncommitted changes."""


class LockedError(PatforgeError):
    """Another patforge run holds the repository lock."""


class PartialFailure(PatforgeError):
    """Some units failed; the others landed. Exit code 1."""

    exit_code = 1


class NoInstanceError(PatforgeError):
    """No instance was found (or none exists, when proved); ``keyword`` at ``pointer`` is what
    rejected the candidates tried. Exit 1."""

    exit_code = 1

    def __init__(self, message: str, *, keyword: str, pointer: str, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.keyword = keyword
        self.pointer = pointer


class SchemaFileError(PatforgeError):
    """A schema file cannot be read, is not JSON, or is not a draft-07 schema."""


class RegexError(PatforgeError):
    """A regular expression from the repository is not valid, or ran past its bound
    (patforge.validation.regexes); the message names the pattern, the caller adds the file."""
