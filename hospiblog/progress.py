"""A build's progress: what the stages tell, and the one line the CLI draws of it on a terminal.

The stages only count, through a :class:`Progress` they are given (:data:`SILENT` by default, so
``hospiblog.build`` and the tests see nothing). Counting happens in the build's own process as results come
back from the pools: no watcher ever reaches a worker. The CLI's watcher, :class:`TerminalLine`, draws with
rich, and only once a build has run for a while.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from typing import IO, TYPE_CHECKING, Final, Protocol, TypeVar

if TYPE_CHECKING:
    from rich.progress import Progress as RichProgress
    from rich.progress import TaskID

T = TypeVar("T")
DELAY_VARIABLE: Final = "HOSPIBLOG_PROGRESS_DELAY"
"""Seconds a build runs before its progress is shown (default 2; 0 shows it at once, as the tests do)."""
DEFAULT_DELAY: Final = 2.0
PUSH_INTERVAL: Final = 0.1
"""Seconds between two counts handed to the display: counting an item is then one addition and a clock read."""


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


def shows_progress(stream: IO[str], environ: Mapping[str, str], *, quiet: bool) -> bool:
    """True when a build's progress may be drawn on ``stream``: a terminal (not a dumb one), outside CI (``CI``
    set to anything), without ``--quiet``."""
    if quiet or environ.get("CI") or environ.get("TERM") == "dumb":
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        return False


def display_delay(environ: Mapping[str, str]) -> float:
    """Seconds before the progress line appears: ``HOSPIBLOG_PROGRESS_DELAY``, else :data:`DEFAULT_DELAY`."""
    try:
        return max(0.0, float(environ.get(DELAY_VARIABLE, DEFAULT_DELAY)))
    except ValueError:
        return DEFAULT_DELAY


@contextlib.contextmanager
def progress_display(stream: IO[str], *, quiet: bool,
                     environ: Mapping[str, str] | None = None) -> Iterator[Progress]:
    """The watcher of a command-line build: a line on ``stream`` when :func:`shows_progress`, else silence. The
    line is gone when the block ends, however it ends, so what is printed next starts on a clean line."""
    environ = os.environ if environ is None else environ
    if not shows_progress(stream, environ, quiet=quiet):
        yield SILENT
        return
    line = TerminalLine(stream, delay=display_delay(environ))
    try:
        yield line
    finally:
        line.close()


class TerminalLine:
    """A build's progress on one terminal line (stage, a bar, n/N, the time so far), drawn by rich once the build
    has run ``delay`` seconds, and removed when it ends.

    The build's thread only records the counts, and hands them to rich at most every :data:`PUSH_INTERVAL`;
    a timer thread starts the display, and rich's own thread redraws it (the bar of a stage that counts
    nothing moves, the clock runs).
    """

    def __init__(self, stream: IO[str], *, delay: float) -> None:
        self._started = time.monotonic()
        self._stage = ""
        self._total: int | None = None
        self._done = 0
        self._next_push = 0.0
        self._lock = threading.Lock()
        # Made (rich imported) here, in the build's thread: a module half imported by another thread when the
        # build forks its pools would stay locked in the children.
        self._waiting: _Display | None = _Display(stream, self._started)
        self._display: _Display | None = None
        self._timer = threading.Timer(delay, self._show)
        self._timer.daemon = True
        if delay <= 0:
            self._show()
        else:
            self._timer.start()

    def stage(self, name: str) -> None:
        self._stage, self._total, self._done = name, None, 0
        self._push()

    def expect(self, total: int) -> None:
        self._total = total
        self._push()

    def advance(self, count: int = 1) -> None:
        self._done += count
        if self._display is not None and time.monotonic() >= self._next_push:
            self._push()

    def close(self) -> None:
        """Stops the timer, and removes the line if it was drawn."""
        self._timer.cancel()
        with self._lock:
            shown, waiting = self._display, self._waiting
            self._display = self._waiting = None
        if shown is not None:
            shown.stop()
        if waiting is not None:
            waiting.discard()

    def _push(self) -> None:
        if self._display is None:
            return
        with self._lock:
            if self._display is not None:
                self._display.show(self._stage, self._total, self._done)
                self._next_push = time.monotonic() + PUSH_INTERVAL

    def _show(self) -> None:
        with self._lock:
            if self._waiting is None:  # closed already
                return
            self._waiting.start()
            self._display, self._waiting = self._waiting, None
        self._push()


class _Display:
    """rich's live progress, one task per stage shown."""

    def __init__(self, stream: IO[str], started: float) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, ProgressColumn, Task, TextColumn
        from rich.progress import Progress as RichProgress
        from rich.table import Column
        from rich.text import Text

        class Clock(ProgressColumn):
            """The build's time so far (rich's elapsed column counts from the stage's task)."""

            def render(self, task: Task) -> Text:
                return Text(f"{time.monotonic() - started:.0f} s", style="progress.elapsed")

        # A file of its own on a copy of the descriptor: a process forked while rich's thread writes would
        # otherwise inherit sys.stderr's lock held, and hang when it flushes sys.stderr at its exit.
        self._file = open(os.dup(stream.fileno()), "w", encoding=getattr(stream, "encoding", None) or "utf-8",  # noqa: SIM115
                          errors="replace")
        self._progress: RichProgress = RichProgress(
            TextColumn("{task.description}", table_column=Column(min_width=8)),  # the bar stays put: "assemble"
            BarColumn(), TextColumn("{task.fields[count]}"), Clock(),
            console=Console(file=self._file), transient=True, redirect_stdout=False, redirect_stderr=False)
        self._task: TaskID | None = None
        self._shown: tuple[str, int | None] | None = None

    def start(self) -> None:
        self._progress.start()

    def show(self, stage: str, total: int | None, done: int) -> None:
        count = f"{done}/{total}" if total is not None else ""
        if self._task is not None and self._shown == (stage, total):
            self._progress.update(self._task, completed=done, count=count)
            return
        if self._task is not None:  # a new stage, or its count now known: a new task (rich cannot unset a total)
            self._progress.remove_task(self._task)
        self._task = self._progress.add_task(stage, total=total, completed=done, count=count)
        self._shown = (stage, total)

    def stop(self) -> None:
        self._progress.stop()
        self._file.close()

    def discard(self) -> None:
        self._file.close()


def counted(results: Iterable[T], progress: Progress) -> Iterator[T]:
    """``results`` as they come (from a pool, in the build's process), each counted done when it arrives."""
    for result in results:
        progress.advance()
        yield result
