"""Errors that carry a place in a file and a way to fix the problem.

Every error an editor or a publisher can cause is a :class:`HospiblogError`.
The CLI prints them compiler-style (``path:line: error: message``) and never
shows a traceback unless ``--debug`` is given.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class SourceLocation:
    """A place in a source file: the path and, where known, the 1-based line."""

    path: Path
    line: int | None = None

    def display(self, base: Path | None = None) -> str:
        """``path:line`` with the path relative to ``base`` when it lies inside it."""
        path = self.path
        if base is not None:
            with contextlib.suppress(ValueError):
                path = path.relative_to(base)
        return f"{path}:{self.line}" if self.line else str(path)


class HospiblogError(Exception):
    """A problem the user can fix; the message says what is wrong and the hint how to fix it."""

    level = "error"

    def __init__(
        self,
        message: str,
        *,
        location: SourceLocation | None = None,
        hint: str | None = None,
        rule: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.location = location
        self.hint = hint
        self.rule = rule

    def __reduce__(self) -> tuple[object, ...]:
        # Errors cross process boundaries (parallel parsing) with their location and hint.
        return (_rebuild, (type(self), self.message, self.location, self.hint, self.rule))

    def format(self, base: Path | None = None) -> str:
        """The compiler-style text of the error, with its hint on a second line."""
        where = f"{self.location.display(base)}: " if self.location else ""
        rule = f" [{self.rule}]" if self.rule else ""
        text = f"{where}{self.level}: {self.message}{rule}"
        if self.hint:
            text += f"\n    how to fix: {self.hint}"
        return text

    def __str__(self) -> str:
        return self.format()


class ConfigError(HospiblogError):
    """site.toml is missing, malformed or has a wrong key or value."""


class ContentError(HospiblogError):
    """A post cannot be read, or its front matter or Markdown is wrong."""


class TemplateError(HospiblogError):
    """A theme template has a syntax error or uses an undefined variable."""


class OutputError(HospiblogError):
    """The output folder cannot be used or written."""


class BuildWarning(HospiblogError):
    """Something worth fixing that does not stop the build."""

    level = "warning"


class BuildFailed(HospiblogError):
    """Several problems found in one build, reported together."""

    def __init__(self, errors: list[HospiblogError]) -> None:
        count = len(errors)
        super().__init__(f"{count} problem{'s' if count != 1 else ''} found")
        self.errors = errors

    def __reduce__(self) -> tuple[object, ...]:
        return (BuildFailed, (self.errors,))

    def format(self, base: Path | None = None) -> str:
        return "\n".join(error.format(base) for error in self.errors)


def _rebuild(
    cls: type[HospiblogError],
    message: str,
    location: SourceLocation | None,
    hint: str | None,
    rule: str | None,
) -> HospiblogError:
    return cls(message, location=location, hint=hint, rule=rule)


def flatten(errors: list[HospiblogError]) -> list[HospiblogError]:
    """Every single error, with the ones grouped in :class:`BuildFailed` taken out of their group."""
    flat: list[HospiblogError] = []
    for error in errors:
        flat.extend(flatten(error.errors) if isinstance(error, BuildFailed) else [error])
    return flat
