"""Local images in a rendered body: the ones written as raw HTML, and their sizes.

Markdown's images (``![…](/images/x.jpg)``) are marked while Markdown renders (:mod:`.markdown`). An editor may
also write ``<img src="images/x.jpg" alt="…">`` in an article: :func:`adopt_raw_images` gives those the same
treatment once the body is sanitised, so they are checked (a missing file is an error naming its line), sized and
loaded lazily like the others. The body is the sanitiser's output, whose attributes are always double-quoted.
"""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Mapping
from urllib.parse import urlsplit

_IMG = re.compile(r"<img\b(?:[^>\"']|\"[^\"]*\"|'[^']*')*>", re.IGNORECASE)
_SRC = re.compile(r'\ssrc="([^"]*)"')
_SIZED = re.compile(r"\s(?:width|height)=", re.IGNORECASE)
_LAZY = ' loading="lazy" decoding="async"'


def local_path(src: str) -> str | None:
    """The URL path of an image on this site, rooted (``images/x.jpg`` → ``/images/x.jpg``); None for an image
    elsewhere (a scheme or a host) or an empty one."""
    parts = urlsplit(src)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    return "/" + posixpath.normpath(parts.path).lstrip("/")


def adopt_raw_images(body: str) -> tuple[str, list[str]]:
    """The body with every local ``<img>`` rooted and loaded lazily, and the local images it shows, in order.

    Markdown's images are rooted and marked already: their tags come back unchanged.
    """
    found: list[str] = []

    def adopt(match: re.Match[str]) -> str:
        tag = match.group(0)
        src = _SRC.search(tag)
        path = local_path(html.unescape(src.group(1))) if src else None
        if src is None or path is None:
            return tag
        found.append(path)
        if html.unescape(src.group(1)) != path:
            tag = tag[: src.start(1)] + html.escape(path) + tag[src.end(1):]
        if " loading=" not in tag:
            end = len(tag) - (2 if tag.endswith("/>") else 1)
            tag = tag[:end].rstrip() + _LAZY + tag[end:]
        return tag

    return _IMG.sub(adopt, body), found


def size_images(body: str, sizes: Mapping[str, tuple[int, int]]) -> str:
    """Gives each ``<img>`` of a local image its width and height (read from the file at assemble), so the page
    does not jump as it loads; an image whose size the editor wrote keeps it."""
    def size(match: re.Match[str]) -> str:
        tag = match.group(0)
        src = _SRC.search(tag)
        if src is None or _SIZED.search(tag):
            return tag
        width, height = sizes.get(html.unescape(src.group(1)), (0, 0))
        if not width:
            return tag
        return f'{tag[: src.end()]} width="{width}" height="{height}"{tag[src.end():]}'

    return _IMG.sub(size, body)
