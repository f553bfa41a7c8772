"""The fingerprint cache: parsed posts kept on disk, keyed by a hash of all their inputs.

A missing, partial or corrupt entry is treated as absent and rebuilt; the cache can
always be deleted.
"""

from __future__ import annotations

import os
import pickle
import tempfile
from pathlib import Path
from typing import Any

CACHE_DIR_NAME = ".hospiblog-cache"


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
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=path.parent, delete=False, suffix=".part") as file:
                pickle.dump(value, file, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(file.name, path)
        except OSError:
            return
