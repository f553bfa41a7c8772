"""A finding of the content checks, and the ways to print a list of them."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Literal

from ..errors import HospiblogError, SourceLocation

Level = Literal["error", "warning"]
ERROR: Level = "error"
WARNING: Level = "warning"


class Finding(HospiblogError):
    """A problem found by a check rule: an error stops the build, a warning is counted.

    It is a :class:`HospiblogError`, so a build can put error findings into ``BuildFailed``
    and warning findings into its report, and the CLI prints both the usual way:
    ``path:line: warning: message [rule-id]``.
    """

    def __init__(
        self,
        message: str,
        *,
        level: Level,
        rule: str,
        location: SourceLocation,
        hint: str | None = None,
    ) -> None:
        super().__init__(message, location=location, hint=hint, rule=rule)
        self.level: Level = level

    def __reduce__(self) -> tuple[object, ...]:
        # The base class would rebuild a finding without its level (parallel checks, pickled caches).
        return (_rebuild_finding, (self.message, self.level, self.rule, self.location, self.hint))

    @property
    def sort_key(self) -> tuple[str, int, str, str]:
        """Findings are listed by file, then line, then rule."""
        location = self.location
        path = str(location.path) if location else ""
        line = (location.line or 0) if location else 0
        return (path, line, self.rule or "", self.message)

    def as_dict(self, base: Path | None = None) -> dict[str, object]:
        """The finding as plain data (``--format json``)."""
        location = self.location
        return {
            "path": _display_path(location.path, base) if location else None,
            "line": location.line if location else None,
            "level": self.level,
            "rule": self.rule,
            "message": self.message,
            "hint": self.hint,
        }


def _rebuild_finding(message: str, level: Level, rule: str, location: SourceLocation,
                     hint: str | None) -> Finding:
    return Finding(message, level=level, rule=rule, location=location, hint=hint)


def _display_path(path: Path, base: Path | None) -> str:
    if base is not None and path.is_relative_to(base):
        path = path.relative_to(base)
    return path.as_posix()


def errors_of(findings: Iterable[Finding]) -> list[Finding]:
    """The findings that stop a build."""
    return [finding for finding in findings if finding.level == ERROR]


def warnings_of(findings: Iterable[Finding]) -> list[Finding]:
    """The findings that are only counted."""
    return [finding for finding in findings if finding.level == WARNING]


def format_findings_json(findings: Sequence[Finding], base: Path | None = None) -> str:
    """A JSON list of ``{path, line, level, rule, message, hint}``; paths relative to ``base`` when inside it."""
    return json.dumps([finding.as_dict(base) for finding in findings], ensure_ascii=False, indent=2)


def format_findings_text(findings: Sequence[Finding], base: Path | None = None) -> str:
    """The compiler-style text of every finding, one after the other."""
    return "\n".join(finding.format(base) for finding in findings)


def summary_line(findings: Sequence[Finding]) -> str:
    """``2 errors, 3 warnings``."""
    errors, warnings = len(errors_of(findings)), len(warnings_of(findings))
    return f"{_count(errors, 'error')}, {_count(warnings, 'warning')}"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
