"""The fingerprint cache: parsed posts kept on disk, keyed by a hash of all their inputs.

A missing, partial or corrupt entry is treated as absent and rebuilt; the cache can
always be deleted.
"""

from __future__ import annotations

import contextlib
import copyreg
import functools
import hashlib
import io
import itertools
import os
import pickle
import struct
import tempfile
import time
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, TypeVar

from . import collector

V = TypeVar("V")

CACHE_DIR_NAME = ".hospiblog-cache"


def write_atomically(path: Path, data: bytes | Callable[[IO[bytes]], object]) -> None:
    """Replaces ``path`` by ``data`` in one step: a reader, or a crash, sees the old file or the new one.

    ``data`` is the bytes, or a function that writes them to the file it is given (a large value is then
    streamed instead of being held in memory whole).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}.{os.getpid()}-", suffix=PART_SUFFIX,
                                     delete=False) as file:
        try:
            if isinstance(data, bytes):
                file.write(data)
            else:
                data(file)
        except BaseException:
            os.unlink(file.name)
            raise
    os.replace(file.name, path)


PART_SUFFIX = ".part"
"""What ends the name of a file :func:`write_atomically` is writing: ``.<name>.<pid>-<random>.part``."""
ORPHAN_AGE = 3600.0
"""Seconds since its last write after which a ``.part`` file whose process is not running here is an orphan: a
build writing it from another PID namespace (a container sharing the cache) or another machine (a network disk)
names a process this one cannot see, and it writes a pack in seconds."""


def remove_orphans(folder: Path) -> int:
    """Removes the ``.part`` files of :func:`write_atomically` in ``folder`` untouched for :data:`ORPHAN_AGE` whose
    process is not running (or that name none: an older hospiblog's). A build killed while it wrote (SIGKILL, the
    machine stopped) leaves one, as large as the file it replaced (the parsed posts' pack: 60 MB at 10,000 posts),
    and each such build would leave another. Returns how many were removed."""
    removed = 0
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    now = time.time()
    for entry in entries:
        if not (entry.name.startswith(".") and entry.name.endswith(PART_SUFFIX)):
            continue
        pid = entry.name[:-len(PART_SUFFIX)].rpartition(".")[2].partition("-")[0]
        with contextlib.suppress(OSError):
            if now - entry.stat(follow_symlinks=False).st_mtime < ORPHAN_AGE or _running(pid):
                continue
            os.unlink(entry.path)
            removed += 1
    return removed


def _running(pid: str) -> bool:
    """True when ``pid`` (as written in a file's name) is this process or another that is running."""
    return _pid(pid) == os.getpid() or process_running(pid)


def _pid(text: str) -> int | None:
    """The process number ``text`` writes in ASCII digits, when it can be one (None for "²" or 20 digits)."""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 9 else None


def process_running(pid: str) -> bool:
    """True for another process that is still running (``pid`` as written in a file's name)."""
    number = _pid(pid)
    if number is None or number == os.getpid():
        return False
    try:
        os.kill(number, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # someone else's process
    return True


PACK_MAGIC = b"hospiblog pack 3\n"
"""The first bytes of a pack: a file of another kind or format version reads as an empty cache."""
PACK_SLICE = 512
"""Entries per pickle of a pack. A pickle remembers every object it has written, to write a shared one once: one
pickle of 10,000 posts held 27 MiB of such records at the top of a cold build's memory (measured); a slice's are
let go when the next one starts."""
LOG_MAGIC = b"hospiblog log 2\n"
"""The first bytes of a log, likewise."""
_RECORD = struct.Struct("<QI")
"""The header of a log record: the length of its pickle and the pickle's CRC-32."""
COMPACT_FRACTION = 8
"""A save rewrites the pack when the log's entries and the pack's dead ones exceed 1/8 of the entries kept."""


@dataclass
class _Stored:
    """What the pack and the log hold, as last read or written: the keys only, so that a save can append without
    reading the files again (serve saves at its start and at its stop)."""

    pack_keys: set[str]
    log_keys: set[str]
    log_entries: int
    """Entries in the log's records (a key appended twice counts twice)."""
    log_end: int
    """Where the log's last whole record ends (0: no log); a save appends only if the log still ends there."""


class FingerprintCache:
    """Values by key, kept in a pickled pack (``<namespace>.pack``) and a log of the entries added since
    (``<namespace>.log``), both read at the first ``get``.

    A key names its value (a hash of every input of it), so a stored value never changes and an entry of the
    log is right whatever pack it lies beside. One pack rather than one file per entry: a build that finds its
    10,000 posts unchanged opens two files instead of 10,000. A save appends what it adds to the log as one
    record (length, CRC-32, pickle), so a one-post edit writes one post, not the whole pack again; a record cut
    short by a crash or damaged fails its checksum and ends the log there. The pack is only ever replaced whole.

    Compaction: a save rewrites the pack with the entries of ``keep`` only and removes the log when the log's
    entries and the pack's dead ones (keys not in ``keep``) would exceed ``1/COMPACT_FRACTION`` of the entries
    kept, or when the log no longer ends where it was read (a torn record, another process's write). So the
    files hold at most an eighth more entries than the sources need, and a cold build writes one pack. An
    unreadable pack or log is an empty one.
    """

    def __init__(self, root: Path, namespace: str) -> None:
        self.path = root / f"{namespace}.pack"
        self.log_path = root / f"{namespace}.log"
        self._entries: dict[str, Any] | None = None
        """The values of the pack and the log; None until read, and again after a save."""
        self._added: dict[str, Any] = {}
        """Values put since the last save and not in the files."""
        self._stored: _Stored | None = None

    def _loaded(self) -> dict[str, Any]:
        if self._entries is None:
            # The collector paused while the posts are unpickled: its passes over the heap as the objects of 10,000
            # posts pile up were a third of the read, though they form no cycles.
            with collector.paused(freeze=False):
                entries = _read_pack(self.path)
                logged, log_end, log_entries = _read_log(self.log_path)
            self._stored = _Stored(set(entries), set(logged), log_entries, log_end)
            entries.update(logged)
            self._entries = entries
        return self._entries

    def _has(self, key: str) -> bool:
        stored = self._stored
        return stored is not None and (key in stored.pack_keys or key in stored.log_keys)

    def get(self, key: str) -> Any | None:
        """The stored value, or None when absent."""
        if key in self._added:
            return self._added[key]
        return self._loaded().get(key)

    def put(self, key: str, value: Any) -> None:
        """Stores a value in memory until :meth:`save`; a key the files hold already is left as it is (its value
        is the same)."""
        if not self._has(key):
            self._added[key] = value

    def save(self, keep: set[str]) -> None:
        """Appends the added entries of ``keep`` to the log, or rewrites the pack (above); a failure to store is
        not an error."""
        if self._stored is None:
            self._loaded()
        stored = self._stored
        assert stored is not None
        added = {key: value for key, value in self._added.items() if key in keep and not self._has(key)}
        waste = stored.log_entries + len(added) + len(stored.pack_keys - keep)
        if waste * COMPACT_FRACTION > len(keep) or (added and not self._append(added)):
            self._compact(keep, added)
        # The values now live in the build's own structures: keeping them here too would hold every parsed
        # post twice over at the build's peak. A later get() reads the files again; the keys are kept.
        self._entries = None
        self._added = {}

    def _append(self, added: dict[str, Any]) -> bool:
        """Appends one record of ``added`` to the log if the log still ends where it was read; False if not."""
        stored = self._stored
        assert stored is not None
        payload = _dumps(added)
        record = _RECORD.pack(len(payload), zlib.crc32(payload)) + payload
        try:
            # Unbuffered: the record in one write. Private like the pack (tempfile's mode).
            with open(self.log_path, "ab", buffering=0, opener=_private) as file:
                end = os.fstat(file.fileno()).st_size
                data = record if end else LOG_MAGIC + record
                if end != stored.log_end or file.write(data) != len(data):
                    return False
        except OSError:
            return False
        stored.log_keys.update(added)
        stored.log_entries += len(added)
        stored.log_end = end + len(data)
        return True

    def _compact(self, keep: set[str], added: dict[str, Any]) -> None:
        """Writes a pack of the entries of ``keep`` and removes the log."""
        kept = {key: value for key, value in self._loaded().items() if key in keep}
        kept.update(added)
        try:
            write_atomically(self.path, lambda file: _dump_pack(file, kept))
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.log_path)  # a crash before this leaves entries the new pack has: merely dead
        except OSError:
            self._stored = None  # what the files hold is unknown: read again before the next save
            return
        self._stored = _Stored(set(kept), set(), 0, 0)


def _private(path: str, flags: int) -> int:
    return os.open(path, flags, 0o600)


_PATH = type(Path())


@functools.lru_cache(maxsize=256)
def _folder(text: str) -> Path:
    return Path(text)


def _child_path(folder: str, name: str) -> Path:
    """A path made from its folder, kept, and its name: how the cache pickles paths. pathlib pickles a path as
    its parts, each parsed again when read (10,000 posts' ``source_path``: a tenth of reading the pack)."""
    return _folder(folder) / name


def _reduce_path(path: Path) -> tuple[Any, tuple[str, str]]:
    return _child_path, os.path.split(str(path))


def _pickler(file: IO[bytes]) -> pickle.Pickler:
    pickler = pickle.Pickler(file, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = {**copyreg.dispatch_table, _PATH: _reduce_path}
    return pickler


def _dumps(entries: dict[str, Any]) -> bytes:
    buffer = io.BytesIO()
    _pickler(buffer).dump(entries)
    return buffer.getvalue()


def slices(entries: Mapping[str, V], size: int) -> Iterator[dict[str, V]]:
    """``entries`` in order, as dicts of at most ``size`` of them: what a large file written a part at a time (the
    pack, the writer's manifest) holds at once."""
    items = iter(entries.items())
    while chunk := dict(itertools.islice(items, size)):
        yield chunk


def _dump_pack(file: IO[bytes], entries: dict[str, Any]) -> None:
    """The magic, then the entries as pickles of :data:`PACK_SLICE` each, streamed: the pack is never held in
    memory whole."""
    file.write(PACK_MAGIC)
    for chunk in slices(entries, PACK_SLICE):
        _pickler(file).dump(chunk)


def _read_pack(path: Path) -> dict[str, Any]:
    entries: dict[str, Any] = {}
    try:
        with open(path, "rb") as file:
            if file.read(len(PACK_MAGIC)) != PACK_MAGIC:
                return {}
            while file.peek(1):
                chunk = pickle.load(file)
                if not isinstance(chunk, dict):
                    return {}
                entries.update(chunk)
    except Exception:  # missing, partial, corrupt or written by another version: an empty cache
        return {}
    return entries


def _read_log(path: Path) -> tuple[dict[str, Any], int, int]:
    """The entries of the log's whole records, where the last of them ends, and how many entries they hold. The
    first record that is cut short, fails its checksum or does not unpickle to a dict ends the log."""
    try:
        data = path.read_bytes()
    except OSError:
        return {}, 0, 0
    if not data.startswith(LOG_MAGIC):
        return {}, 0, 0
    entries: dict[str, Any] = {}
    count, end = 0, len(LOG_MAGIC)
    view = memoryview(data)
    while end + _RECORD.size <= len(data):
        length, checksum = _RECORD.unpack_from(data, end)
        payload = view[end + _RECORD.size:end + _RECORD.size + length]
        if len(payload) < length or zlib.crc32(payload) != checksum:
            break
        try:
            batch = pickle.loads(payload)
        except Exception:
            break
        if not isinstance(batch, dict):
            break
        entries.update(batch)
        count += len(batch)
        end += _RECORD.size + length
    return entries, end, count


def read_checked(path: Path, magic: bytes) -> bytes | None:
    """The data of a file :func:`write_checked` wrote with the same ``magic`` (which may end with a key); None when
    the file is missing, of another kind or version, partial or damaged (its checksum is verified)."""
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    header = len(magic) + 16
    if not raw.startswith(magic) or len(raw) <= header:
        return None
    data = raw[header:]
    return data if hashlib.blake2b(data, digest_size=16).digest() == raw[len(magic):header] else None


def write_checked(path: Path, magic: bytes, data: bytes) -> None:
    """Writes ``magic``, a checksum of ``data`` and ``data``, atomically; failing to store is not an error (a cache
    can always be made again)."""
    with contextlib.suppress(OSError):
        write_atomically(path, magic + hashlib.blake2b(data, digest_size=16).digest() + data)


class BlobStore:
    """Made files (share cards, image variants) by key, each in its own file under ``folder`` with a checksum, so
    that a partial or damaged file reads as absent; failing to store is not an error (the cache can always be
    deleted)."""

    def __init__(self, folder: Path, *, magic: bytes, suffix: str) -> None:
        self.folder = folder
        self.magic = magic
        """The first bytes of every file: a file of another kind or version reads as absent."""
        self.suffix = suffix

    def path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}{self.suffix}"

    def missing(self, keys: Iterable[str]) -> list[str]:
        """The keys that have no stored file (only its presence is checked: a damaged file is found when read);
        by plain paths, which cost a tenth of ``Path`` objects for the 10,000 cards of a build after one edit."""
        folder = os.fspath(self.folder)
        return [key for key in keys if not os.path.isfile(os.path.join(folder, key[:2], key + self.suffix))]

    def read(self, key: str) -> bytes | None:
        """The stored bytes, or None when absent, partial or damaged (the checksum is verified)."""
        return read_checked(self.path(key), self.magic)

    def store(self, key: str, data: bytes) -> None:
        """Stores the bytes atomically."""
        write_checked(self.path(key), self.magic, data)

    def get_or_make(self, key: str, make: Callable[[], bytes]) -> bytes:
        """The stored bytes when valid, else ``make()``'s, stored for next time."""
        data = self.read(key)
        if data is None:
            data = make()
            self.store(key, data)
        return data
