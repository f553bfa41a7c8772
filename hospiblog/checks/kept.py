"""Each post's findings kept between runs (``.hospiblog-cache/checks.pack``), so that the rules run again over the
posts that changed only.

A post's findings are a function of the post and of the :class:`CheckContext`. The post is its
``Post.fingerprint`` (its file's bytes, path and parse settings, and the parsing code). Of the context,
:func:`context_digest` hashes everything a rule can see: the code, site.toml as loaded, today's date, the build's
options, the rules' levels, the theme's image settings, every image file looked up (size, pixels, readable, GPS), the
files that did not parse and, for every post in order, its path and :func:`shared_fingerprint`: what a rule may read
of it while it looks at another post. While the digest is the stored one, a post whose fingerprint is the stored one
gets its stored findings and any other post is checked again; when it changes (a post added or removed, a field
another post's rules read edited, an image replaced, the next day, another level), every post is checked again.
Simple, and safe: the common edits, an article's text, its title (when its slug is written), summary, tags or
author, keep the digest.

What the rules read of another post (``rules.py``): ``broken-link`` the target's ``draft``, ``consent`` and
``date``, and the paths of every post (for "did you mean"); ``duplicate-url`` the other posts' URLs (their
``category``, ``slug``, ``lang``) and ``draft``; the translation rules the posts' ``translation_key`` and ``lang``,
in the posts' order. Front matter only, never a body, its outline, links or images, and of the front matter only
:data:`SHARED_FIELDS`: the shared fingerprint hashes those (tests/test_checks_kept.py records every attribute a
rule reads of another post and of its front matter). A rule that comes to read more of another post must add it
to :data:`SHARED_FIELDS`.

The file is one pickle with a checksum, read and written whole (a site's findings are small: 1.5 MB for 10,000 posts); a
missing, damaged or other version's file is an empty store, and failing to write it is not an error.
"""

from __future__ import annotations

import hashlib
import pickle
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..cache import read_checked, write_checked
from ..errors import SourceLocation
from ..model import Post
from ..state import code_fingerprint
from .context import CheckContext
from .finding import Finding, Level

CHECKS_FILE = "checks.pack"
"""The store's file name in ``.hospiblog-cache/``."""
_MAGIC = b"hospiblog-checks-1\n"
Row = tuple[str, Level, str, str | None, int | None]
"""A post's finding as stored: message, level, rule, hint, line (its file is the post's)."""
Entry = tuple[str, str, tuple[Row, ...]]
"""What is kept of a post: its fingerprint, its shared fingerprint, its findings."""


SHARED_FIELDS = ("draft", "consent", "date", "category", "slug", "lang", "translation_key")
"""The front matter a rule reads of a post while it looks at another one (module docstring): whether a linked
article is online in time (draft, consent, date), the posts' URLs (category, slug, lang) and translations (lang,
translation_key)."""


def shared_fingerprint(post: Post) -> str:
    """Hash of what a rule may read of ``post`` while it looks at another post: its :data:`SHARED_FIELDS`.

    ``repr`` of these values (strings, dates, a frozen dataclass) is exact and the same in every process; it costs a
    few µs a post, which :class:`KeptFindings` pays for new or edited posts only.
    """
    shared = tuple(getattr(post.meta, name) for name in SHARED_FIELDS)
    return hashlib.blake2b(repr(shared).encode(), digest_size=16).hexdigest()


def context_digest(context: CheckContext, levels: dict[str, Level | None], posts: Sequence[Post],
                   shared: Sequence[str]) -> str:
    """Hash of everything the rules see besides the post they look at; ``shared`` is :func:`shared_fingerprint`
    of each of ``posts``, in order (translations list the posts in that order)."""
    hasher = hashlib.blake2b(digest_size=16)
    images = list(context.images.items())
    for part in (_MAGIC.decode(), code_fingerprint(), sys.version, repr(context.config), context.config.fingerprint,
                 context.today.isoformat(), repr((context.preview, context.drafts)), repr(sorted(levels.items())),
                 repr(context.image_settings), repr(images), repr(sorted(context.unparsed))):
        hasher.update(part.encode() + b"\0")
    hasher.update("\0".join(f"{post.relative}\0{fingerprint}" for post, fingerprint in zip(posts, shared,
                                                                                            strict=True)).encode())
    return hasher.hexdigest()


class KeptFindings:
    """The findings of the last run by post, read from ``path`` (an empty store when it cannot be read)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.digest = ""
        """The context digest the stored findings were made under."""
        self.entries: dict[str, Entry] = {}
        """By post path (``posts/news/x.md``)."""
        self._code = code_fingerprint()
        stored = _read(path)
        if stored.get("code") == self._code:  # another version's shared fingerprints may mean other things
            self.digest = str(stored.get("digest", ""))
            entries = stored.get("posts")
            self.entries = entries if isinstance(entries, dict) else {}

    def shared_fingerprints(self, posts: Sequence[Post]) -> list[str]:
        """:func:`shared_fingerprint` of each post, the stored one for a post whose fingerprint is unchanged."""
        shared: list[str] = []
        for post in posts:
            entry = self.entries.get(post.relative)
            if entry is not None and post.fingerprint and entry[0] == post.fingerprint:
                shared.append(entry[1])
            else:
                shared.append(shared_fingerprint(post))
        return shared

    def rows(self, post: Post, digest: str) -> tuple[Row, ...] | None:
        """The post's stored findings when they were made under ``digest`` for the same post, else None."""
        entry = self.entries.get(post.relative)
        if digest != self.digest or entry is None or not post.fingerprint or entry[0] != post.fingerprint:
            return None
        return entry[2]

    def save(self, digest: str, entries: dict[str, Entry]) -> None:
        """Replaces the store by ``entries`` made under ``digest``, when they differ from what it holds."""
        if digest == self.digest and entries == self.entries:
            return
        data = pickle.dumps({"code": self._code, "digest": digest, "posts": entries}, protocol=pickle.HIGHEST_PROTOCOL)
        write_checked(self.path, _MAGIC, data)
        self.digest, self.entries = digest, entries


def as_rows(post: Post, findings: Sequence[Finding]) -> tuple[Row, ...] | None:
    """The post's findings as stored, or None if one is not at a line of the post's own file (not kept then)."""
    rows: list[Row] = []
    for finding in findings:
        location = finding.location
        if location is None or location.path != post.source_path or finding.rule is None:
            return None
        rows.append((finding.message, finding.level, finding.rule, finding.hint, location.line))
    return tuple(rows)


def from_rows(post: Post, rows: tuple[Row, ...]) -> list[Finding]:
    """The post's findings again, from :func:`as_rows`."""
    if not rows:  # most posts
        return []
    return [Finding(message, level=level, rule=rule, hint=hint, location=SourceLocation(post.source_path, line))
            for message, level, rule, hint, line in rows]


def _read(path: Path) -> dict[str, Any]:
    """The stored dictionary; empty when the file is missing, of another format, or fails its checksum."""
    data = read_checked(path, _MAGIC)
    if data is None:
        return {}
    try:
        stored = pickle.loads(data)
    except Exception:  # written by a version whose classes are gone: an empty store
        return {}
    return stored if isinstance(stored, dict) else {}
