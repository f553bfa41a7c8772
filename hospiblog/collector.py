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
after each derived job the writer stages; :func:`one_heap` keeps that heap in one arena for the whole command.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import functools
import gc
import os
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

    Freed objects leave their pages to the process, which reuses them but keeps them counted: after a build dropped
    the posts as parsed (when it still held resolved copies of them), 42 MiB of a 10,000-post build's 256 MiB were
    free pages (measured; trimming took 9 ms), and every later stage, and every worker forked, started from the
    larger figure.
    """
    release = _libc("malloc_trim")
    if release is not None:
        release(0)


_M_ARENA_MAX = -8
"""glibc's ``mallopt`` parameter for how many arenas the C heap may have (``malloc.h``)."""


def one_heap() -> None:
    """Keeps the C heap in a single arena (glibc's ``mallopt(M_ARENA_MAX, 1)``; nothing elsewhere): called as a
    command starts, before any thread.

    glibc gives threads arenas of their own, and a page freed in one arena serves only that arena's later
    allocations. A build's threads (the search index's parts, staging files) allocate large buffers (an index
    part's answer, a page's bytes) that other threads free: at 10,000 posts, the main process of a cold build
    peaked at 292 MiB with the default arenas and 278 MiB with one (measured, the same 41.8 s of wall time).
    Python's small objects come from its own allocator, under the GIL, so one arena costs no contention there.
    A ``MALLOC_ARENA_MAX`` set in the environment is the user's choice, and glibc's to apply: it is left alone.
    """
    function = _libc("mallopt")
    if function is not None and "MALLOC_ARENA_MAX" not in os.environ:
        function(_M_ARENA_MAX, 1)


@functools.cache
def _libc(name: str) -> Callable[..., int] | None:
    """A function of glibc's; None elsewhere (macOS, musl without it)."""
    try:
        function: Callable[..., int] = getattr(ctypes.CDLL(ctypes.util.find_library("c")), name)
    except (OSError, AttributeError, TypeError):
        return None
    return function
