"""The search index: Pagefind run over the article pages a build publishes, offline.

Pagefind (PyPI ``pagefind[bin]``: its binary comes in the wheel, nothing is downloaded at run time) reads the
HTML of each article page, keeps what the templates mark with ``data-pagefind-body`` (title, summary, body)
and their ``data-pagefind-filter`` (the category), stems words in the language of the page's ``<html lang>``
(an index per language), and makes a static bundle: ``pagefind.js``, WebAssembly, and the index in small files
that the search page fetches from the site itself.

The index is an output of the build like any page (:class:`hospiblog.plan.DerivedJob`): the writer asks for it
once the pages are rendered, giving the bytes each page is about to be published with (new ones from its
incoming folder, unchanged ones from the output folder), and publishes it with them, atomically. It is made
again only when the digest of the article pages changed.

Pagefind's own Python API (``pagefind.index``) waits 0.1 s for each answer of the Pagefind process and reads
answers into a 2 MiB buffer: 1,000 pages would take 100 s to add, and their index does not fit. This module
speaks the same protocol (``pagefind --service``: base64-encoded JSON messages ending with a comma, on stdin
and stdout) through plain pipes.
"""

from __future__ import annotations

import base64
import contextlib
import gzip
import hashlib
import io
import json
import math
import os
import pickle
import subprocess
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, ClassVar, cast

from .cache import read_checked, write_checked
from .config import SiteConfig
from .errors import ConfigError, HospiblogError, SourceLocation
from .urls import SEARCH_SHARDS_MAX

UNUSED_FILES = ("pagefind-ui.", "pagefind-modular-ui.", "pagefind-component-ui.", "pagefind-highlight.",
                "pagefind-worker.js")
"""Pagefind's ready-made interfaces, which the search page does not use (it has its own, over pagefind.js), and
its web worker: the page runs Pagefind in itself (``noWorker``), so that only its own policy needs WebAssembly."""
Reader = Callable[[str], bytes]
"""Gives the bytes of an output (by its path in the output folder) as the build is about to publish it."""


class SearchError(HospiblogError):
    """Pagefind failed to make the index."""


@dataclass(frozen=True)
class IndexedPage:
    """A page to index: where it is published, and its URL."""

    output: str
    url: str


SHARD_PAGES = 500
"""About how many articles one part of the index holds: an edit makes again only the part of its article (Pagefind
reads every page of a part again), and the search page merges the parts (a request per part and query)."""


def shard_count(pages: int) -> int:
    """Parts of the index for ``pages`` articles: a power of two (a page stays in its part while the site grows,
    until the count doubles), at most :data:`hospiblog.urls.SEARCH_SHARDS_MAX`."""
    wanted = min(math.ceil(pages / SHARD_PAGES), SEARCH_SHARDS_MAX)
    count = 1
    while count < wanted:
        count *= 2
    return count


def shards(pages: Sequence[IndexedPage]) -> list[tuple[int, tuple[IndexedPage, ...]]]:
    """The pages of each part of the index that has any, by part number, each page in the part its output path's
    hash names (stable: an article stays in its part whatever else changes)."""
    count = shard_count(len(pages))
    parts: list[list[IndexedPage]] = [[] for _ in range(count)]
    for page in pages:
        parts[int.from_bytes(hashlib.blake2b(page.output.encode(), digest_size=4).digest(), "big") % count].append(page)
    found = [(number, tuple(part)) for number, part in enumerate(parts) if part]
    return found or [(0, ())]


def pagefind_executable() -> Path | None:
    """The Pagefind binary: ``PAGEFIND_BINARY_PATH`` when set, else the one installed by ``pagefind[bin]``."""
    given = os.environ.get("PAGEFIND_BINARY_PATH")
    if given:
        return Path(given)
    try:
        from pagefind_bin import get_executable
    except ImportError:
        return None
    try:
        return Path(get_executable())
    except FileNotFoundError:
        return None


def indexer_fingerprint(config: SiteConfig) -> str:
    """What identifies the indexer (its binary's path, size and date): another Pagefind makes another index."""
    executable = require_pagefind(config)
    stat = executable.stat()
    return f"{executable}:{stat.st_size}:{stat.st_mtime_ns}"


def require_pagefind(config: SiteConfig) -> Path:
    """The Pagefind binary; a configuration error saying how to install it when it is missing."""
    executable = pagefind_executable()
    if executable is None or not executable.is_file():
        raise ConfigError("the search index needs Pagefind, which is not installed",
                          location=SourceLocation(config.source_path),
                          hint="install it with python3 -m pip install 'pagefind[bin]', or turn search off: "
                               "[search] enabled = false")
    return executable


@dataclass(frozen=True)
class KeptIndex:
    """Where the last bundle of one part of the index is kept between builds (``.hospiblog-cache/search/``), with
    the digest of what it was made from: the indexer's settings and each page's URL and indexed text. A build into
    a new output folder (CI's fresh checkout, a second folder) whose pages have the text they had gets the bundle
    back without running Pagefind, and so does a change of the theme that leaves the articles' text as it was (every
    page rendered again: 1,000 posts built in 1.41 s instead of 3.33 s). One file per part, replaced when the part
    is made again: a damaged or partial file reads as absent (a checksum), and failing to store it is not an
    error."""

    path: Path
    settings: str

    MAGIC: ClassVar[bytes] = b"hospiblog-index-1\n"

    def key(self, pages: Iterable[tuple[str, str]]) -> str:
        hasher = hashlib.blake2b(self.settings.encode(), digest_size=16)
        for url, text in pages:
            hasher.update(f"\0{url}\0{len(text)}\0".encode())
            hasher.update(text.encode())
        return hasher.hexdigest()

    def read(self, key: str) -> dict[str, bytes] | None:
        payload = read_checked(self.path, self.MAGIC + key.encode())
        if payload is None:
            return None
        try:
            bundle = pickle.loads(payload)
        except Exception:  # unreadable: absent, as any damaged cache entry
            return None
        return bundle if isinstance(bundle, dict) else None

    def store(self, key: str, bundle: dict[str, bytes]) -> None:
        write_checked(self.path, self.MAGIC + key.encode(), pickle.dumps(bundle, protocol=pickle.HIGHEST_PROTOCOL))


def kept_index_path(cache: Path, folder: str) -> Path:
    """Where the part of the index published in ``folder`` (``pagefind/``, ``pagefind-2/``…) is kept."""
    return cache / f"{folder.strip('/')}.bundle"


def remove_unplanned(cache: Path, folders: Iterable[str]) -> None:
    """Deletes the kept parts that no part of ``folders`` (this build's) would read: a site whose part count went
    down (from 16 parts to 8, or to one below 500 articles) would otherwise keep their few megabytes for ever."""
    planned = {kept_index_path(cache, folder).name for folder in folders}
    with contextlib.suppress(OSError):
        for entry in os.scandir(cache):
            if entry.name.endswith(".bundle") and entry.name not in planned:
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)


def make_index(executable: Path, pages: Iterable[IndexedPage], read: Reader,
               kept: KeptIndex | None = None) -> dict[str, bytes]:
    """The search bundle for ``pages`` (read through ``read``): its files by path inside the bundle's folder; from
    ``kept`` when it holds the bundle of the same pages' text."""
    pages = tuple(pages)

    def texts() -> Iterator[tuple[str, str]]:
        # Each page read when it is needed: only a few in memory at once (a part's texts are 14 MiB at 625 pages),
        # at the price of reading them twice when the part is made (0.03 s for 625 pages).
        return ((page.url, indexed_part(read(page.output).decode("utf-8"))) for page in pages)

    key = kept.key(texts()) if kept is not None else ""
    bundle = kept.read(key) if kept is not None else None
    if bundle is None:
        bundle = _made_index(executable, len(pages), texts())
        if kept is not None:
            kept.store(key, bundle)
    return bundle


def _made_index(executable: Path, count: int, pages: Iterator[tuple[str, str]]) -> dict[str, bytes]:
    """The bundle Pagefind makes of ``count`` pages, each given as its URL and its indexed text."""
    with _service(executable) as service:
        index = service.request({"type": "NewIndex", "config": None})["index_id"]
        service.request_all(count, ({"type": "AddFile", "index_id": index, "url": url, "file_path": None,
                                     "file_contents": text} for url, text in pages))
        files = service.request({"type": "GetFiles", "index_id": index})["files"]
    bundle = {file["path"]: base64.b64decode(file["content"]) for file in files
              if not file["path"].startswith(UNUSED_FILES)}
    try:
        return canonical_bundle(bundle)
    except (KeyError, ValueError, TypeError, IndexError, OSError) as error:
        raise SearchError(f"Pagefind made an index this version of hospiblog cannot read ({error!r})",
                          hint="install the Pagefind version hospiblog asks for: python3 -m pip install "
                               "'pagefind[bin]>=1.5.2,<1.6'") from error


BODY_MARK = " data-pagefind-body"
"""What marks the element Pagefind indexes (post.html's <article>): Pagefind reads nothing else of the page."""


def indexed_part(html: str) -> str:
    """The page as Pagefind needs it: its ``<html lang>`` and the element marked ``data-pagefind-body``, without the
    head, header, navigation and footer it would parse and leave out (the same index: tested; 40 % of the time
    Pagefind takes to read a page). A page without the mark is given whole."""
    mark = html.find(BODY_MARK)
    opening = html.find("<html")
    if mark < 0 or opening < 0:
        return html
    tag = html[html.rfind("<", 0, mark) + 1: mark].split(None, 1)[0]
    start, end = html.rfind("<" + tag, 0, mark), _closing(html, tag, mark)
    if end < 0:
        return html
    return f"<!doctype html>{html[opening: html.index('>', opening) + 1]}<body>{html[start:end]}</body></html>"


def _closing(html: str, tag: str, after: int) -> int:
    """Where the element of ``tag`` opened just before ``after`` ends (past its closing tag), counting the same
    elements nested in it; -1 when it is not closed."""
    depth, position = 0, after
    while True:
        opened, closed = html.find("<" + tag, position), html.find(f"</{tag}>", position)
        if closed < 0:
            return -1
        if 0 <= opened < closed and html[opened + len(tag) + 1: opened + len(tag) + 2] in (" ", ">", "\n"):
            depth, position = depth + 1, opened + 1
        elif depth:
            depth, position = depth - 1, closed + 1
        else:
            return closed + len(tag) + 3


def canonical_bundle(bundle: dict[str, bytes]) -> dict[str, bytes]:
    """The bundle with its filters in a fixed order: the same pages give the same bytes at every build.

    Pagefind 1.5 writes a filter's values, and so the filter file, its name, the language's metadata file that
    names it and ``pagefind-entry.json``, in the order of a Rust HashMap, which changes at each run (upstream:
    Pagefind issue #638). Here each filter's values and each language's list of filters are sorted, and the files
    renamed after their new content, as Pagefind names them (hashes of 7 and 10 hex digits).
    """
    files = dict(bundle)
    entry = json.loads(files["pagefind-entry.json"])
    for language in entry["languages"].values():
        meta = _decode_file(files.pop(f"pagefind.{language['hash']}.pf_meta"))
        prefix = language["hash"].split("_")[0]
        filters = sorted(meta[3])
        for pair in filters:
            values = _decode_file(files.pop(f"filter/{pair[1]}.pf_filter"))
            data = _encode_file([values[0], sorted([value, sorted(pages)] for value, pages in values[1])])
            pair[1] = _name(prefix, data, 7)
            files[f"filter/{pair[1]}.pf_filter"] = data
        meta[3] = filters
        data = _encode_file(meta)
        language["hash"] = _name(prefix, data, 10)
        files[f"pagefind.{language['hash']}.pf_meta"] = data
    entry["languages"] = dict(sorted(entry["languages"].items()))
    files["pagefind-entry.json"] = json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode()
    return files


_SIGNATURE = b"pagefind_dcd"
"""What each of Pagefind's data files starts with, once decompressed (then CBOR)."""


def _name(prefix: str, data: bytes, length: int) -> str:
    return f"{prefix}_{hashlib.blake2b(data, digest_size=8).hexdigest()[:length]}"


def _decode_file(data: bytes) -> Any:
    raw = gzip.decompress(data)
    if not raw.startswith(_SIGNATURE):
        raise ValueError("not a Pagefind data file")
    value, end = _cbor_decode(raw, len(_SIGNATURE))
    if end != len(raw):
        raise ValueError("trailing bytes")
    return value


def _encode_file(value: Any) -> bytes:
    return gzip.compress(_SIGNATURE + _cbor_encode(value), mtime=0)


def _cbor_decode(data: bytes, at: int) -> tuple[Any, int]:
    """The CBOR value at ``at`` and where it ends: the kinds Pagefind's metadata and filters use (integers, text,
    arrays); anything else is a ValueError, never a guess."""
    kind, extra = data[at] >> 5, data[at] & 31
    at += 1
    if extra < 24:
        number = extra
    elif extra <= 27:
        size = 1 << (extra - 24)
        number, at = int.from_bytes(data[at:at + size], "big"), at + size
    else:
        raise ValueError(f"CBOR length form {extra}")
    if kind == 0:
        return number, at
    if kind == 1:
        return -1 - number, at
    if kind == 3:
        return data[at:at + number].decode("utf-8"), at + number
    if kind == 4:
        items = []
        for _ in range(number):
            item, at = _cbor_decode(data, at)
            items.append(item)
        return items, at
    raise ValueError(f"CBOR major type {kind}")


def _cbor_encode(value: Any) -> bytes:
    if isinstance(value, bool) or not isinstance(value, (int, str, list)):
        raise TypeError(f"cannot write {type(value).__name__} as CBOR")
    if isinstance(value, int):
        return _cbor_head(0, value) if value >= 0 else _cbor_head(1, -1 - value)
    if isinstance(value, str):
        text = value.encode("utf-8")
        return _cbor_head(3, len(text)) + text
    return _cbor_head(4, len(value)) + b"".join(_cbor_encode(item) for item in value)


def _cbor_head(kind: int, number: int) -> bytes:
    if number < 24:
        return bytes([kind << 5 | number])
    for extra, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if number < 1 << (8 * size):
            return bytes([kind << 5 | extra]) + number.to_bytes(size, "big")
    raise ValueError("integer too large for CBOR")


class _Service:
    """A ``pagefind --service`` process, asked one thing at a time."""

    def __init__(self, process: subprocess.Popen[bytes], errors: IO[bytes]) -> None:
        self.process = process
        self.errors = errors
        self.last_id = 0

    def request(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Sends one message and returns the payload of its answer; SearchError when Pagefind reports one."""
        assert self.process.stdin is not None and self.process.stdout is not None
        try:
            self.process.stdin.write(self._message(payload))
            self.process.stdin.flush()
        except OSError as error:
            raise self.failure(f"Pagefind stopped answering ({error})") from error
        return self._answer()

    def request_all(self, count: int, payloads: Iterator[dict[str, Any]]) -> None:
        """Sends ``count`` messages without waiting for each answer (a thread makes and writes them while this one
        reads, so neither pipe fills up and only a few pages are in memory): Pagefind reads the next page while the
        answer to the last one comes back."""
        assert self.process.stdin is not None
        stdin, failed = self.process.stdin, []

        def write() -> None:
            while True:
                try:
                    payload = next(payloads, None)
                except Exception as error:  # a page that cannot be read: stop Pagefind, so the reader stops waiting
                    failed.append(error)
                    self.process.kill()
                    return
                try:
                    if payload is None:
                        stdin.flush()
                        return
                    stdin.write(self._message(payload))
                except OSError:
                    return  # Pagefind stopped: the reader below reports it

        writer = threading.Thread(target=write, name="pagefind-writer", daemon=True)
        writer.start()
        try:
            for _ in range(count):
                self._answer()
        except SearchError:
            self.process.kill()  # else the writer may wait for ever on a Pagefind that waits for its answers read
            writer.join()
            if failed:
                raise failed[0] from None
            raise
        writer.join()

    def _message(self, payload: dict[str, Any]) -> bytes:
        self.last_id += 1
        return base64.b64encode(json.dumps({"message_id": self.last_id, "payload": payload}).encode()) + b","

    def _answer(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        try:
            answer = json.loads(base64.b64decode(_read_message(self.process.stdout)))
        except (OSError, ValueError) as error:
            raise self.failure(f"Pagefind stopped answering ({error})") from error
        result: dict[str, Any] = answer.get("payload") or {}
        if result.get("type") == "Error":
            raise self.failure(f"Pagefind could not index the site: {result.get('message')}")
        return result

    def failure(self, message: str) -> SearchError:
        self.errors.seek(0)
        said = self.errors.read().decode("utf-8", "replace").strip()
        return SearchError(f"{message}{': ' + said[-500:] if said else ''}",
                           hint="build again; if it persists, reinstall Pagefind (python3 -m pip install --force-"
                                "reinstall 'pagefind[bin]') or turn search off: [search] enabled = false")


def _read_message(stream: IO[bytes]) -> bytes:
    """One message: the bytes up to the next comma (base64 never holds one)."""
    buffered = cast(io.BufferedReader, stream)
    parts: list[bytes] = []
    while True:
        chunk = buffered.peek(1 << 16)
        if not chunk:
            raise OSError("the Pagefind process ended")
        end = chunk.find(b",")
        if end >= 0:
            parts.append(buffered.read(end + 1)[:-1])
            return b"".join(parts)
        parts.append(buffered.read(len(chunk)))


@contextlib.contextmanager
def _service(executable: Path) -> Iterator[_Service]:
    with tempfile.TemporaryFile() as errors:
        try:
            process = subprocess.Popen([str(executable), "--service"], stdin=subprocess.PIPE,
                                       stdout=subprocess.PIPE, stderr=errors)
        except OSError as error:
            raise SearchError(f"Pagefind cannot be started: {error.strerror}",
                              hint="reinstall it: python3 -m pip install --force-reinstall 'pagefind[bin]'") from error
        try:
            yield _Service(process, errors)
        finally:
            if process.stdin is not None:
                with contextlib.suppress(OSError):  # a Pagefind that stopped: the error was reported already
                    process.stdin.close()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            if process.stdout is not None:
                process.stdout.close()
