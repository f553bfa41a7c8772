"""What a build reports, and the runner that times its stages."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from .errors import HospiblogError
from .progress import SILENT, Progress
from .writer import WriteReport

T = TypeVar("T")
WARNINGS_PER_RULE = 3
"""A build prints at most this many warnings of one rule; ``hospiblog check`` prints them all."""


@dataclass
class BuildReport:
    """What a build made, and how long each stage took."""

    output_dir: Path
    posts: int = 0
    pages: int = 0
    feeds: int = 0
    parsed: int = 0
    """Posts parsed now (the others came from the cache)."""
    write: WriteReport = field(default_factory=WriteReport)
    stages: dict[str, float] = field(default_factory=dict)
    warnings: list[HospiblogError] = field(default_factory=list)
    next_change: str = ""
    """When the site will next change by itself (a scheduled post, a consent that ends), described; empty if
    nothing is due."""

    @property
    def seconds(self) -> float:
        return sum(self.stages.values())

    def summary(self, base: Path | None = None) -> str:
        """The one line the CLI prints."""
        output = self.output_dir
        if base is not None and output.is_relative_to(base):
            output = output.relative_to(base)
        written = len(self.write.written) + len(self.write.removed)
        count = len(self.warnings)
        warnings = f", {count} warning{'s' if count > 1 else ''}" if count else ""
        later = f"; {self.next_change}" if self.next_change else ""
        index = f" (search index {self.stages['index']:.1f} s)" if "index" in self.stages else ""
        return (f"Built {self.posts} posts, {self.pages} pages, {self.feeds} feeds in {self.seconds:.1f} s{index} "
                f"→ {output}/ ({written} files changed, {self.write.unchanged} unchanged{warnings}){later}")


class Stages:
    """Runs the stages of a command, records each one's duration in its report and tells ``progress`` which one
    runs (the stages that count their items tell it themselves)."""

    def __init__(self, report: BuildReport, progress: Progress = SILENT) -> None:
        self.report = report
        self.progress = progress

    def run(self, name: str, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        self.progress.stage(name)
        start = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            self.report.stages[name] = time.perf_counter() - start

    def carve(self, name: str, parts: Mapping[str, float]) -> None:
        """Records parts of stage ``name``'s time (timed inside it) as stages of their own, after it."""
        for part, seconds in parts.items():
            self.report.stages[name] -= seconds
            self.report.stages[part] = seconds


def format_warnings(warnings: Sequence[HospiblogError], base: Path | None = None,
                    per_rule: int = WARNINGS_PER_RULE) -> str:
    """The warnings of a build, at most ``per_rule`` of each rule, then how many more and where to see them all.

    A site imported from elsewhere can have hundreds of warnings: grouped, its summary and its errors stay
    readable. Every warning is counted.
    """
    shown: list[str] = []
    counts = Counter(warning.rule or "" for warning in warnings)
    seen: Counter[str] = Counter()
    for warning in warnings:
        rule = warning.rule or ""
        seen[rule] += 1
        if seen[rule] <= per_rule:
            shown.append(warning.format(base))
        elif seen[rule] == counts[rule]:
            more = counts[rule] - per_rule
            label = f" [{rule}]" if rule else ""
            shown.append(f"… and {more} more{label}: run `hospiblog check` for all")
    return "\n".join(shown)
