"""Finds the Markdown files under ``posts/``."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from ..config import SiteConfig
from ..errors import BuildFailed, ContentError, HospiblogError, SourceLocation
from ..model import SourceFile

MARKDOWN_SUFFIXES = (".md", ".markdown")
_EDITOR_LEFTOVERS = ("~", ".swp", ".swx", ".tmp", ".bak")


def is_post_file(name: str) -> bool:
    """True for Markdown files, false for hidden files and editors' temporary files."""
    if name.startswith((".", "#", "~$")) or name.endswith(_EDITOR_LEFTOVERS):
        return False
    return name.lower().endswith(MARKDOWN_SUFFIXES)


def fingerprint(data: bytes) -> str:
    """Content hash used as cache key and change detector."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


@dataclass(frozen=True)
class FoundFile:
    """A post file found by :func:`scan`, not read yet."""

    path: str
    is_link: bool
    signature: tuple[int, int, int, int]
    """``(size, mtime_ns, ctime_ns, inode)`` of the file (of its target for a link). Any write to a file
    changes its ctime, which no ordinary tool can set back: an equal signature means unchanged bytes."""


def scan(config: SiteConfig) -> list[FoundFile]:
    """Every post file under ``posts/`` with its stat signature, sorted by path, without reading them."""
    root = config.posts_dir
    if not root.is_dir():
        raise ContentError(
            "no posts/ folder",
            location=SourceLocation(root),
            hint="create posts/<category>/ and write articles there, e.g. with `hospiblog new`",
        )
    if root.is_symlink():
        _check_link(root, config)
    return sorted(_walk(str(root)), key=lambda found: found.path)


Known = dict[str, tuple[tuple[int, int, int, int], str]]
"""What the last build read: by path, the file's stat signature and the fingerprint of its bytes."""


def discover(config: SiteConfig, found: list[FoundFile] | None = None, *, known: Known | None = None,
             ) -> list[SourceFile]:
    """Every post file, sorted by path; symlinks leaving the site are refused.

    A file whose signature is the one in ``known`` is not read: it keeps its fingerprint and its bytes are
    read only if it must be parsed again (``SourceFile.data`` is None until then).
    """
    sources: list[SourceFile] = []
    errors: list[HospiblogError] = []
    for entry in scan(config) if found is None else found:
        try:
            remembered = known.get(entry.path) if known else None
            unchanged = remembered is not None and remembered[0] == entry.signature and entry.signature[0] >= 0
            sources.append(read_source(Path(entry.path), config, is_link=entry.is_link,
                                       known_fingerprint=remembered[1] if remembered and unchanged else None))
        except ContentError as error:
            errors.append(error)
    if errors:
        raise BuildFailed(errors)
    return sorted(sources, key=lambda source: source.relative)


def _walk(root: str) -> list[FoundFile]:
    """Post files under ``root``; linked folders are not entered."""
    found: list[FoundFile] = []
    folders = [root]
    while folders:
        with os.scandir(folders.pop()) as entries:
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                if entry.is_dir(follow_symlinks=False):
                    folders.append(entry.path)
                # A FIFO or device named *.md would block the read: only files (or links to them) are posts.
                elif is_post_file(entry.name) and (entry.is_symlink() or entry.is_file(follow_symlinks=False)):
                    found.append(FoundFile(entry.path, entry.is_symlink(), _signature(entry)))
    return found


def _signature(entry: os.DirEntry[str]) -> tuple[int, int, int, int]:
    try:
        stat = entry.stat()
    except OSError:  # a broken link: reading it reports the problem
        return (-1, -1, -1, -1)
    return (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)


def _check_link(path: Path, config: SiteConfig) -> None:
    try:
        resolved = path.resolve(strict=True)
    except (OSError, RuntimeError) as error:
        raise ContentError("this file is a broken link, or a link that loops", location=SourceLocation(path),
                           hint="replace the link by the article itself") from error
    if not resolved.is_file():
        raise ContentError("this link does not lead to an ordinary file", location=SourceLocation(path),
                           hint="replace the link by the article itself")
    if not resolved.is_relative_to(config.site_dir):
        raise ContentError(
            "this file is a link to a place outside the site folder",
            location=SourceLocation(path),
            hint="copy the article into posts/ instead of linking to it",
        )


def source_bytes(source: SourceFile) -> bytes:
    """The bytes of a source, read now if discovery did not need to."""
    if source.data is not None:
        return source.data
    data = _read_bytes(source.path)
    if fingerprint(data) != source.fingerprint:
        # Parsed under the old bytes' cache key, the new text could later be served for the old one.
        raise ContentError("this file changed while the site was being built", location=SourceLocation(source.path),
                           hint="build again once it is saved; if this repeats, delete the .hospiblog-cache folder")
    return data


def read_source(path: Path, config: SiteConfig, *, is_link: bool = True,
                known_fingerprint: str | None = None) -> SourceFile:
    """Reads one post file into a :class:`SourceFile`; a link must stay inside the site.

    With ``known_fingerprint`` (its bytes are known unchanged) the file is not read: ``data`` stays None.
    """
    relative_path = path.relative_to(config.site_dir)
    if is_link:
        _check_link(path, config)
    parts = relative_path.parts
    folder_category = parts[1] if len(parts) > 2 else None
    data = _read_bytes(path) if known_fingerprint is None else None
    return SourceFile(path=path, relative=relative_path.as_posix(), folder_category=folder_category,
                      data=data, fingerprint=fingerprint(data) if data is not None else str(known_fingerprint))


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise ContentError(f"this file cannot be read: {error.strerror}", location=SourceLocation(path),
                           hint="check that the file exists (not a broken link) and that you may read it") from error
