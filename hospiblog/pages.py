"""Rendered pages kept between builds: a build into a new output folder (a CI job, a fresh clone with the cache
restored) copies the bytes of every page whose inputs did not change instead of rendering it again.

A page's job digest holds every input of its bytes (the writer's manifest already trusts it to leave a file
alone), so the bytes rendered for an output with a digest, by the same code, are those a new render would give.
The store keeps them in ``.hospiblog-cache/pages/``:

- *segments* (``<pid>-<token>.seg``): rendered bytes, appended by the process that rendered them, each render
  worker to a segment of its own (unbuffered writes: a worker the pool stops loses nothing it wrote);
- an *index* (``index``): for each page the key ``blake2b(output, digest)`` and where its bytes lie (segment,
  offset, length, CRC-32). It is read in the build's process before the workers are forked, which inherit it.

A read checks the length and the checksum, so a damaged, cut or missing segment is a page rendered again, never a
wrong page. The index names the code that wrote it (:func:`hospiblog.state.code_fingerprint` and the versions of
the libraries that shape the site's bytes, :func:`hospiblog.state.libraries`); other code starts an empty store. A
save keeps the entries of the pages the build planned, deletes the segments that no entry names any more (a page
rendered again leaves its old bytes dead) and, when the dead bytes pass the live ones or the live pages lie in more
than :data:`MAX_SEGMENTS` segments, copies the live pages into one new segment.

Only a large render uses the store (:func:`wanted`): a build into a folder that does not exist yet, or one that
renders at least :data:`LARGE_RENDER` pages (a theme changed). A one-post edit neither reads nor writes it: its
pages changed, and the next build into a new folder renders them again. Serve, building in place into a
temporary folder, and a build without cache have no store.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import secrets
import zlib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .cache import process_running, write_atomically

if TYPE_CHECKING:
    from .plan import RenderJob

STORE_MAGIC = b"hospiblog pages 1\n"
"""The first bytes of the index: a file of another kind or format version reads as an empty store."""
KINDS = frozenset({"page", "feed", "calendar", "meta"})
"""The jobs whose bytes are kept: those made by a template or a generator. Static files and images are copies of a
file already (their job reads it), so keeping them again would cost the disk and save nothing."""
LARGE_RENDER = 400
"""A build that renders this many pages or more (into an existing folder) reads and writes the store."""
SLACK = 16 * 1024 * 1024
"""Dead bytes allowed beyond the live ones before a save copies the live pages into one segment."""
MAX_SEGMENTS = 32
"""Segments the live pages may lie in before a save copies them into one (each CI run that renders a few pages
adds one; a worker holds a descriptor for each segment it reads)."""

Entry = tuple[str, int, int, int]
"""Where a page's bytes lie: segment name, offset, length, CRC-32."""


def wanted(pending: int, folder_exists: bool) -> bool:
    """True when a render of ``pending`` pages should use the store (see the module's docstring)."""
    return pending > 0 and (not folder_exists or pending >= LARGE_RENDER)


def _key(job: RenderJob) -> bytes:
    return hashlib.blake2b(f"{job.output}\0{job.digest}".encode(), digest_size=16).digest()


class PageStore:
    """The rendered pages of ``folder``, written by the code ``code()`` names (asked once, by :meth:`open`: a build
    that never opens the store never reads the libraries' versions). Nothing is read before :meth:`open`."""

    def __init__(self, folder: Path, code: Callable[[], str]) -> None:
        self.folder = folder
        self._code = code
        self.code = ""
        self.entries: dict[bytes, Entry] = {}
        """The index as read, with the pages kept since."""
        self._writer: tuple[int, int, str] | None = None
        """This process's segment: its pid, descriptor and name (a forked worker opens its own)."""
        self._offset = 0
        self._readers: dict[str, tuple[int, int]] = {}
        """Descriptors of the segments read, by name, each with the pid that opened it."""
        self._names: dict[str, str] = {}
        """One string per segment name in the index (thousands of entries name one segment)."""

    def open(self) -> None:
        """Reads the index; a missing, damaged or other code's index is an empty store."""
        self.code = self.code or self._code()
        self.entries = {}
        with contextlib.suppress(OSError, ValueError, EOFError, pickle.UnpicklingError, TypeError, KeyError,
                                 AttributeError, IndexError):
            data = (self.folder / "index").read_bytes()
            if data.startswith(STORE_MAGIC):
                stored: dict[str, Any] = pickle.loads(data[len(STORE_MAGIC):])
                if stored["code"] == self.code:
                    self.entries = {key: (self._name(entry[0]), *entry[1:]) for key, entry in stored["entries"].items()}

    def _name(self, segment: str) -> str:
        return self._names.setdefault(segment, segment)

    def get(self, job: RenderJob) -> bytes | None:
        """The bytes kept for this job's output and digest, checked; None when absent or damaged."""
        if job.kind not in KINDS:
            return None
        entry = self.entries.get(_key(job))
        return self._read(entry) if entry is not None else None

    def _read(self, entry: Entry) -> bytes | None:
        """The bytes at ``entry`` when they are all there with their checksum; None otherwise."""
        segment, offset, length, crc = entry
        try:
            data = os.pread(self._reader(segment), length, offset)
        except OSError:
            return None
        return data if len(data) == length and zlib.crc32(data) == crc else None

    def _reader(self, segment: str) -> int:
        known = self._readers.get(segment)
        if known is None or known[0] != os.getpid():  # a forked worker opens its own (no shared file offset)
            known = (os.getpid(), os.open(self.folder / segment, os.O_RDONLY | os.O_CLOEXEC))
            self._readers[segment] = known
        return known[1]

    def put(self, job: RenderJob, data: bytes) -> tuple[bytes, Entry] | None:
        """Appends a rendered job's bytes to this process's segment; returns the index entry for :meth:`add` in
        the build's process (None when the job is not kept or the disk refuses)."""
        if job.kind not in KINDS:
            return None
        try:
            descriptor, name = self._segment()
            written = os.pwrite(descriptor, data, self._offset)
        except OSError:
            return None
        if written != len(data):
            return None
        entry = (name, self._offset, len(data), zlib.crc32(data))
        self._offset += len(data)
        return _key(job), entry

    def _segment(self) -> tuple[int, str]:
        if self._writer is None or self._writer[0] != os.getpid():
            self.folder.mkdir(parents=True, exist_ok=True)
            name = f"{os.getpid()}-{secrets.token_hex(4)}.seg"
            descriptor = os.open(self.folder / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
            self._writer, self._offset = (os.getpid(), descriptor, name), 0
        return self._writer[1], self._writer[2]

    def add(self, kept: tuple[bytes, Entry]) -> None:
        """Records in the index a page kept by :meth:`put`, in this process or a worker."""
        key, (segment, offset, length, crc) = kept
        self.entries[key] = (self._name(segment), offset, length, crc)

    def save(self, jobs: Iterable[RenderJob]) -> None:
        """Writes the index of the pages of ``jobs`` (the build's plan) that the store holds, deletes the segments
        it no longer names, and compacts (see the module's docstring). A failure to store is not an error."""
        self.close()
        planned = {_key(job) for job in jobs if job.kind in KINDS}
        self.entries = {key: entry for key, entry in self.entries.items() if key in planned}
        try:
            sizes = {path.name: path.stat().st_size for path in self.folder.glob("*.seg")}
            live: dict[str, int] = {}
            for segment, _offset, length, _crc in self.entries.values():
                live[segment] = live.get(segment, 0) + length
            spread = len(live) > MAX_SEGMENTS
            if spread or sum(size for name, size in sizes.items() if name in live) > 2 * sum(live.values()) + SLACK:
                self._compact()
                live = {entry[0]: 1 for entry in self.entries.values()}
            payload = pickle.dumps({"code": self.code, "entries": self.entries}, protocol=pickle.HIGHEST_PROTOCOL)
            write_atomically(self.folder / "index", STORE_MAGIC + payload)
            for name in sizes.keys() - live.keys():
                if not process_running(name.partition("-")[0]):  # another build may still be writing its own
                    with contextlib.suppress(FileNotFoundError):
                        os.unlink(self.folder / name)
        except OSError:
            pass  # the index as it was still names only pages whose bytes were checked when written
        finally:
            self.close()

    def _compact(self) -> None:
        """Copies every live page into one new segment (a damaged one is dropped: rendered again next time)."""
        moved: dict[bytes, Entry] = {}
        descriptor, name = self._segment()
        for key, entry in self.entries.items():
            data = self._read(entry)
            if data is not None and os.pwrite(descriptor, data, self._offset) == len(data):
                moved[key] = (name, self._offset, len(data), entry[3])
                self._offset += len(data)
        self.close()
        self.entries = moved

    def close(self) -> None:
        """Closes the descriptors this process opened (a forked worker's go with it); the writer calls it when a
        build fails before :meth:`save`."""
        pid = os.getpid()
        if self._writer is not None and self._writer[0] == pid:
            os.close(self._writer[1])
        self._writer = None
        for owner, descriptor in self._readers.values():
            if owner == pid:
                os.close(descriptor)
        self._readers = {}
