"""Python's cyclic garbage collector during a build.

A build's main process makes a few hundred thousand objects that live until it ends (the parsed posts read from
the pack, the site, the plan's jobs) and hold no reference cycles. The collector does not know that: each time
enough objects have been made it walks the younger ones, and every so often all of them, to find cycles that are
not there. At 10,000 posts that was about a third of the main process's CPU in a build after one edit (2.4 s of
CPU instead of 3.8 s with it paused, benchmarks/README.md). So a build holds the collector off (:func:`paused`);
objects still go as soon as nothing refers to them.

Worker processes forked during a build inherit a paused collector: each pool starts its workers with
:func:`worker_started`, which turns it back on there (rendering and parsing make short-lived cycles, and a worker
lives as long as its pool), with what it inherited frozen out of its sight (a pass would touch, and so copy, every
page of the parent's memory it shares).

:func:`trim` gives the C heap's free pages back to the system once a build has dropped what it no longer needs, and
after each derived job the writer stages.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import functools
import gc
from collections.abc import Callable, Iterator


@contextlib.contextmanager
def paused(*, freeze: bool = True) -> Iterator[None]:
    """The collector held off in this process for the duration, then as it was; with ``freeze``, what was made
    meanwhile is frozen out of its sight.

    Frozen, because the first pass after a long pause would walk every object made during it: 0.7 s at 10,000 posts,
    for no cycle found. A command ends with the build; serve, which lives on, collects once after each full rebuild
    (:func:`hospiblog.serve.settle_memory`), when the page has reloaded. A process that runs many builds without
    collecting keeps the few cycles each leaves (the test suite's 94 tests of four files peaked at 243 MB instead
    of 229 MB). A short pause (reading the posts' pack) need not freeze.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if freeze:
            gc.freeze()
        if enabled:
            gc.enable()


def worker_started() -> None:
    """A pool's initializer: the collector on in the worker, blind to what the worker inherited."""
    gc.freeze()
    gc.enable()


def trim() -> None:
    """Gives the memory the C heap holds free back to the system (glibc's ``malloc_trim``; nothing elsewhere).

    Freed objects leave their pages to the process, which reuses them but keeps them counted: after a build drops
    the posts as parsed (their resolved versions stay), 42 MiB of a 10,000-post build's 256 MiB were free pages
    (measured; trimming took 9 ms), and every later stage, and every worker forked, started from the larger figure.
    """
    release = _malloc_trim()
    if release is not None:
        release(0)


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    name = ctypes.util.find_library("c")
    try:
        function: Callable[[int], int] = ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError, TypeError):  # not glibc (macOS, musl without it): nothing to trim
        return None
    return function
