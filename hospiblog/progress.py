"""A build's progress: what the stages tell whoever watches them.

The stages only count, through a :class:`Progress` they are given (:data:`SILENT` by default, so
``hospiblog.build`` and the tests see nothing). Counting happens in the build's own process as results come
back from the pools: no watcher ever reaches a worker.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Final, Protocol, TypeVar

T = TypeVar("T")


class Progress(Protocol):
    """What a build tells whoever watches it. Called from the build's process only; every call must be cheap."""

    def stage(self, name: str) -> None:
        """Stage ``name`` begins; how many items it has is not known yet."""

    def expect(self, total: int) -> None:
        """The current stage has ``total`` items to do (posts to parse, images, cards, pages to render)."""

    def advance(self, count: int = 1) -> None:
        """``count`` more items of the current stage are done."""


class Silent:
    """The watcher of a build nobody watches: library calls, tests, serve, pipes, CI, ``--quiet``."""

    def stage(self, name: str) -> None:
        pass

    def expect(self, total: int) -> None:
        pass

    def advance(self, count: int = 1) -> None:
        pass


SILENT: Final = Silent()


def counted(results: Iterable[T], progress: Progress) -> Iterator[T]:
    """``results`` as they come (from a pool, in the build's process), each counted done when it arrives."""
    for result in results:
        progress.advance()
        yield result
