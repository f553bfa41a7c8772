"""The build's state on disk: one module knows every file a build keeps between runs and what invalidates it.

Everything lives under ``.hospiblog-cache/`` in the site folder (:func:`cache_root`). Each entry: its scope,
what it holds, and what makes it stale.

- ``posts.pack`` and ``posts.log`` (site): parsed posts by parse key (:mod:`hospiblog.cache`), the pack
  holding them as of its last rewrite and the log, appended to, the posts parsed since. Stale when the key
  changes: the file's bytes, its path, the parse settings, :func:`code_fingerprint` of ``content/`` and
  ``model.py``; the pack is rewritten with the live posts only when the log's and the dead entries pass an eighth
  of the live ones.
- ``related.pack`` (site, :class:`RelatedPosts`): the related posts of each post, by a digest of what they depend
  on (:func:`hospiblog.site.related_key`: the posts' order, categories and tags) and the code of ``site.py``. An
  edit of a body keeps the key; only the keys of the last build are kept.
- ``checks.pack`` (site, :mod:`hospiblog.checks.kept`): each post's findings of the content rules, with the digest
  of what the rules saw of the rest of the site. A post's are stale when its parse key changes; every post's when
  the digest does: the code, site.toml, the day, the build's options, the rules' levels, the image settings, an
  image file's size, pixels or GPS, a post added, removed or whose front matter changed, a file that does not parse.
- ``sources.json`` (site, :class:`Signatures`): each post file's stat signature and the fingerprint of its
  bytes. Stale on any write (the ctime changes).
- ``outputs/<o>.json`` (output folder): the writer's manifest, each published file's job digest and stat. A
  job whose digest changed, or a file changed by hand, is rendered again.
- ``outputs/<o>.snapshot.json`` (output folder, :class:`Snapshot`): the inputs key, ``valid_until``, counts
  and warnings of the last build. Stale when any input changes (:func:`inputs_key`) or ``valid_until`` comes.
- ``cards/`` (site): drawn share cards by card key (:mod:`hospiblog.cards`): title, image bytes, settings,
  :func:`code_fingerprint` of ``cards.py``.
- ``images/`` (site): published image files (cleaned originals, other widths and formats) by their key
  (:mod:`hospiblog.responsive`, :mod:`hospiblog.imaging`): the source's bytes, format, width, quality, the
  encoders' versions and the code of ``imaging.py`` and ``metadata.py``.
- ``search/`` (site): the last bundle of each part of the search index (:class:`hospiblog.search.KeptIndex`), with
  the digest of the indexer's settings, the code of ``search.py`` and each page's URL and indexed text: a build
  into a new output folder (CI) whose pages say what they said gets it without Pagefind. Replaced when its part is
  made again.
- ``jinja/`` (site): Jinja's compiled templates, checked by Jinja against each template's source.

Each file has its own lifetime and writer, which is why they are not one file: the pack is large and rewritten
only when dead entries pile up (a post parsed again goes to the log); the findings whenever a post was checked
again; the signatures change on a mere ``touch``; the manifest is written by the publication itself; the snapshot
only after a whole build succeeded.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .cache import CACHE_DIR_NAME, FingerprintCache, remove_orphans, write_atomically
from .config import SiteConfig
from .content.discover import FoundFile, Known
from .errors import BuildWarning, HospiblogError, SourceLocation
from .model import SourceFile

if TYPE_CHECKING:
    from .report import BuildReport

PACKAGE = Path(__file__).resolve().parent


def cache_root(config: SiteConfig) -> Path:
    """The folder of everything a build keeps between runs."""
    return config.site_dir / CACHE_DIR_NAME


def output_state_path(config: SiteConfig, output_dir: Path, suffix: str = ".json") -> Path:
    """Where the state of the builds into one output folder is kept (the manifest; ``.snapshot.json``)."""
    name = hashlib.blake2b(str(output_dir).encode(), digest_size=8).hexdigest()
    return cache_root(config) / "outputs" / f"{name}{suffix}"


@functools.cache
def code_fingerprint(*parts: str) -> str:
    """Hash of hospiblog's code under ``parts`` (a module file or a folder, relative to the package; the whole
    package when none is given) and of its version: new code never reuses what old code made."""
    from . import __version__

    hasher = hashlib.blake2b(__version__.encode(), digest_size=16)
    roots = [PACKAGE / part for part in parts] or [PACKAGE]
    for root in roots:
        files = [root] if root.is_file() else sorted(root.rglob("*.py"))
        for path in files:
            hasher.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0" + path.read_bytes())
    return hasher.hexdigest()


OUTPUT_LIBRARIES = ("Markdown", "PyYAML", "nh3", "lxml", "python-frontmatter", "Unidecode", "Jinja2", "MarkupSafe",
                    "Babel", "feedgen", "icalendar", "twitter-text-parser")
"""The distributions whose versions shape the site's bytes besides hospiblog's code: the parse (python-markdown,
PyYAML, nh3, lxml, python-frontmatter; Unidecode makes the slugs), the render (templates, dates, feeds, calendars)
and the share links (twitter-text counts a post's text for X). Pillow and its encoders are named by the image and
card settings, Pagefind by the index's."""


@functools.cache
def libraries() -> str:
    """The versions of :data:`OUTPUT_LIBRARIES` ("-" for one not installed), read once per process: the modules it
    has loaded are those installed when it started (a build reads them for its no-op check, its manifest and its
    page store; serve's process for every build it runs).

    A build whose libraries changed is not a no-op (:func:`inputs_key`), and the writer's manifest then trusts no
    digest (:class:`hospiblog.writer.Manifest`): every page is made again and rewritten where its bytes differ,
    never a site with some pages in one version's words (a date as Babel spells it) and the rest in another's."""
    return "|".join(f"{name} {installed(name)}" for name in OUTPUT_LIBRARIES)


def installed(distribution: str) -> str:
    """The installed version of ``distribution``: "-" when it is not installed, "?" when its metadata cannot be read
    (a stale ``.dist-info``), never a traceback."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(distribution) or "?"
    except PackageNotFoundError:
        return "-"
    except Exception:
        return "?"


def inputs_key(parts: Iterable[str], found: Sequence[FoundFile]) -> str:
    """Hash of every input of a build: the code and the libraries' versions, the options, the configuration, the
    theme (and card settings) given as ``parts``, and every post file's path and stat signature (size, mtime, ctime,
    inode: any write changes the ctime, so the bytes need not be read)."""
    hasher = hashlib.blake2b(digest_size=16)
    for part in (code_fingerprint(), libraries(), *parts):
        hasher.update(part.encode() + b"\0")
    for entry in found:
        hasher.update(f"{entry.path}\0{entry.signature}\0".encode())
    return hasher.hexdigest()


@dataclass
class Snapshot:
    """The inputs of the last successful build into an output folder, so an unchanged site is not rebuilt."""

    path: Path
    key: str = ""
    valid_until: datetime | None = None
    """The first moment the site changes by itself (a scheduled post due, a consent ended, a rule's date
    reached): until then, the same inputs give the same site."""
    counts: tuple[int, int, int] = (0, 0, 0)
    warnings: list[list[Any]] = field(default_factory=list)
    """The last build's warnings (message, path, line, rule, hint): an unchanged site still shows them."""
    upcoming: str = ""
    """The last build's ``BuildReport.next_change``."""

    @classmethod
    def load(cls, path: Path) -> Snapshot:
        try:
            data = json.loads(path.read_text("utf-8"))
            until = datetime.fromisoformat(data["next_change"]) if data["next_change"] else None
            counts = tuple(int(count) for count in data["counts"])
            return cls(path, str(data["key"]), until, (counts[0], counts[1], counts[2]), list(data["warnings"]),
                       str(data.get("upcoming", "")))
        except (OSError, ValueError, KeyError, TypeError, IndexError):
            return cls(path)

    def warning_list(self) -> list[HospiblogError]:
        return [BuildWarning(message, location=SourceLocation(Path(path), line) if path else None, rule=rule,
                             hint=hint) for message, path, line, rule, hint in self.warnings]

    def matches(self, key: str, now: datetime) -> bool:
        return bool(self.key) and self.key == key and (self.valid_until is None or now < self.valid_until)

    def restore(self, report: BuildReport) -> None:
        """Gives a build that found nothing to do the figures and warnings of the build it repeats."""
        report.posts, report.pages, report.feeds = self.counts
        report.warnings = self.warning_list()
        report.next_change = self.upcoming

    def record(self, key: str, valid_until: datetime | None, report: BuildReport) -> None:
        self.key, self.valid_until, self.upcoming = key, valid_until, report.next_change
        self.counts = (report.posts, report.pages, report.feeds)
        self.warnings = [[warning.message, str(warning.location.path) if warning.location else "",
                          warning.location.line if warning.location else None, warning.rule, warning.hint]
                         for warning in report.warnings]
        data = {"key": key, "next_change": valid_until.isoformat() if valid_until else "", "counts": self.counts,
                "warnings": self.warnings, "upcoming": self.upcoming}
        with contextlib.suppress(OSError):
            write_atomically(self.path, json.dumps(data).encode())


class Signatures:
    """The stat signature and fingerprint of every post file the last build read (``sources.json``), so a
    build reads only the files whose signature changed (the parse cache is keyed by fingerprints)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.known: Known = {}
        try:
            data = json.loads(path.read_text("utf-8"))
            self.known = {key: (tuple(value[0]), str(value[1])) for key, value in data.items()}  # type: ignore[misc]
        except (OSError, ValueError, TypeError, IndexError, AttributeError):
            self.known = {}

    @classmethod
    def of(cls, config: SiteConfig) -> Signatures:
        return cls(cache_root(config) / "sources.json")

    def save(self, found: Sequence[FoundFile], fingerprints: dict[str, str]) -> None:
        known: Known = {entry.path: (entry.signature, fingerprints[entry.path])
                        for entry in found if entry.path in fingerprints and entry.signature[0] >= 0}
        if known != self.known:
            with contextlib.suppress(OSError):
                write_atomically(self.path, json.dumps({key: [list(signature), fingerprint]
                                                        for key, (signature, fingerprint) in known.items()}).encode())


class RelatedPosts:
    """The related posts of the last build's editions (``related.pack``), by their key and the code that scored
    them (:class:`hospiblog.site.RelatedMemo`); :meth:`save` keeps those this build used."""

    def __init__(self, config: SiteConfig) -> None:
        self._pack = FingerprintCache(cache_root(config), "related")
        self._code = code_fingerprint("site.py")
        self._used: set[str] = set()

    def get(self, key: str) -> dict[str, tuple[str, ...]] | None:
        self._used.add(self._code + key)
        found = self._pack.get(self._code + key)
        return found if isinstance(found, dict) else None

    def put(self, key: str, value: dict[str, tuple[str, ...]]) -> None:
        self._used.add(self._code + key)
        self._pack.put(self._code + key, value)

    def save(self) -> None:
        self._pack.save(self._used)


@dataclass
class BuildState:
    """What a build into one output folder reads before it starts and records when it succeeded."""

    snapshot: Snapshot
    signatures: Signatures | None
    """None for a build without cache: it reads every file."""
    manifest_path: Path
    """The writer's manifest; ``os.devnull`` for a build without cache (nothing is remembered)."""

    @classmethod
    def open(cls, config: SiteConfig, output_dir: Path, *, use_cache: bool, served: bool = False) -> BuildState:
        """The state of builds into ``output_dir``. A build without cache remembers nothing; serve (``served``)
        keeps the source signatures but its output is a temporary folder: its manifest stays in memory. What a
        killed build left half-written in the cache's folders goes (:func:`hospiblog.cache.remove_orphans`)."""
        signatures = Signatures.of(config) if use_cache else None
        if use_cache:
            root = cache_root(config)
            for folder in (root, root / "outputs", root / "search", root / "pages"):
                remove_orphans(folder)
        if not use_cache or served:
            return cls(Snapshot(Path(os.devnull)), signatures, Path(os.devnull))
        return cls(Snapshot.load(output_state_path(config, output_dir, ".snapshot.json")), signatures,
                   output_state_path(config, output_dir))

    @property
    def known(self) -> Known | None:
        return self.signatures.known if self.signatures is not None else None

    def remember_sources(self, found: Sequence[FoundFile], sources: Sequence[SourceFile]) -> dict[str, str]:
        """Keeps the signature and fingerprint of each post file read; returns the fingerprints by path."""
        fingerprints = {str(source.path): source.fingerprint for source in sources}
        if self.signatures is not None:
            self.signatures.save(found, fingerprints)
        return fingerprints

    def record(self, key: str, valid_until: datetime | None, report: BuildReport) -> None:
        """After a successful build: what a no-op build of the same inputs repeats until ``valid_until``."""
        if self.snapshot.path != Path(os.devnull):
            self.snapshot.record(key, valid_until, report)
