"""The fingerprint cache: parsed posts kept on disk, keyed by a hash of all their inputs.

A missing, partial or corrupt entry is treated as absent and rebuilt; the cache can
always be deleted.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import tempfile
from pathlib import Path
from typing import Any

CACHE_DIR_NAME = ".hospiblog-cache"


def write_atomically(path: Path, data: bytes) -> None:
    """Replaces ``path`` by ``data`` in one step: a reader, or a crash, sees the old file or the new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}.", suffix=".part",
                                     delete=False) as file:
        try:
            file.write(data)
        except OSError:
            os.unlink(file.name)
            raise
    os.replace(file.name, path)


class FingerprintCache:
    """Pickled values in files named by their key, in two-letter buckets."""

    def __init__(self, root: Path, namespace: str) -> None:
        self.root = root / namespace

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.pickle"

    def get(self, key: str) -> Any | None:
        """The stored value, or None when absent or unreadable."""
        try:
            with open(self._path(key), "rb") as file:
                return pickle.load(file)
        except FileNotFoundError:
            return None
        except Exception:
            return None

    def put(self, key: str, value: Any) -> None:
        """Stores a value atomically; a failure to store is not an error."""
        with contextlib.suppress(OSError):
            write_atomically(self._path(key), pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
