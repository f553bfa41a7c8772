"""The fingerprint cache: parsed posts kept on disk, keyed by a hash of all their inputs.

A missing, partial or corrupt entry is treated as absent and rebuilt; the cache can
always be deleted.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

CACHE_DIR_NAME = ".hospiblog-cache"


def write_atomically(path: Path, data: bytes | Callable[[IO[bytes]], object]) -> None:
    """Replaces ``path`` by ``data`` in one step: a reader, or a crash, sees the old file or the new one.

    ``data`` is the bytes, or a function that writes them to the file it is given (a large value is then
    streamed instead of being held in memory whole).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}.", suffix=".part",
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


class FingerprintCache:
    """Values by key, kept in one pickled pack file (``<namespace>.pack``) read at the first ``get``.

    One file rather than one per entry: a build that finds its 1,000 posts unchanged opens one file instead
    of 1,000, and a cold build writes one. ``save`` rewrites the pack only when something was added or
    dropped; it keeps only the keys the current sources need, so the pack does not grow with every edit.
    An unreadable pack is an empty cache.
    """

    def __init__(self, root: Path, namespace: str) -> None:
        self.path = root / f"{namespace}.pack"
        self._entries: dict[str, Any] | None = None
        self._dirty = False

    def _loaded(self) -> dict[str, Any]:
        if self._entries is None:
            self._entries = _read_pack(self.path)
        return self._entries

    def get(self, key: str) -> Any | None:
        """The stored value, or None when absent."""
        return self._loaded().get(key)

    def put(self, key: str, value: Any) -> None:
        """Stores a value in memory until :meth:`save`."""
        self._loaded()[key] = value
        self._dirty = True

    def save(self, keep: set[str]) -> None:
        """Writes the pack with the entries of ``keep`` when it changed; a failure to store is not an error."""
        entries = self._loaded()
        if not self._dirty and keep.issuperset(entries):
            self._entries = None
            return
        kept = {key: value for key, value in entries.items() if key in keep}
        with contextlib.suppress(OSError):
            write_atomically(self.path, lambda file: pickle.dump(kept, file, protocol=pickle.HIGHEST_PROTOCOL))
        # The values now live in the build's own structures: keeping them here too would hold every parsed
        # post twice over at the build's peak. A later get() reads the pack again.
        self._entries = None
        self._dirty = False


def _read_pack(path: Path) -> dict[str, Any]:
    try:
        with open(path, "rb") as file:
            entries = pickle.load(file)
    except Exception:  # missing, partial, corrupt or written by another version: an empty cache
        return {}
    return entries if isinstance(entries, dict) else {}


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

    def read(self, key: str) -> bytes | None:
        """The stored bytes, or None when absent, partial or damaged (the checksum is verified)."""
        try:
            raw = self.path(key).read_bytes()
        except OSError:
            return None
        header = len(self.magic) + 16
        if not raw.startswith(self.magic) or len(raw) <= header:
            return None
        data = raw[header:]
        return data if hashlib.blake2b(data, digest_size=16).digest() == raw[len(self.magic):header] else None

    def store(self, key: str, data: bytes) -> None:
        """Stores the bytes atomically."""
        with contextlib.suppress(OSError):
            checksum = hashlib.blake2b(data, digest_size=16).digest()
            write_atomically(self.path(key), self.magic + checksum + data)

    def get_or_make(self, key: str, make: Callable[[], bytes]) -> bytes:
        """The stored bytes when valid, else ``make()``'s, stored for next time."""
        data = self.read(key)
        if data is None:
            data = make()
            self.store(key, data)
        return data
