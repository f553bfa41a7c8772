"""Local images in a rendered body: the ones written as raw HTML, and their sizes.

Markdown's images (``![…](/images/x.jpg)``) are marked while Markdown renders (:mod:`.markdown`). An editor may
also write ``<img src="images/x.jpg" alt="…">`` in an article: :func:`adopt_raw_images` gives those the same
treatment once the body is sanitised, so they are checked (a missing file is an error naming its line), sized and
loaded lazily like the others. Both functions read the sanitiser's output, in which every attribute is written
``name="value"`` and no ``<`` or ``>`` is left unescaped outside a tag; an article published without the sanitiser
(``allow_raw_html``) is not adopted.
"""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Mapping
from urllib.parse import urlsplit

_IMG = re.compile(r"<img\b[^>]*>")
_ATTRIBUTE = re.compile(r'\s([^\s"\'>/=]+)(?:="([^"]*)")?')
_LAZY = {"loading": "lazy", "decoding": "async"}


def local_path(src: str) -> str | None:
    """The URL path of an image on this site, rooted (``images/x.jpg`` → ``/images/x.jpg``); None for an image
    elsewhere (a scheme or a host) or an empty one."""
    parts = urlsplit(src)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    return "/" + posixpath.normpath(parts.path).lstrip("/")


def _attributes(tag: str) -> dict[str, re.Match[str]]:
    return {match.group(1).lower(): match for match in _ATTRIBUTE.finditer(tag, 4, len(tag) - 1)}


def adopt_raw_images(body: str) -> tuple[str, list[str]]:
    """The sanitised body with every local ``<img>`` rooted and loaded lazily, and the local images it shows.

    Markdown's images are rooted and marked already: their tags come back unchanged. A query or fragment the
    editor wrote after the file's path stays in the page.
    """
    found: list[str] = []

    def adopt(match: re.Match[str]) -> str:
        tag = match.group(0)
        attributes = _attributes(tag)
        src = attributes.get("src")
        written = html.unescape(src.group(2) or "") if src else ""
        path = local_path(written)
        if src is None or path is None:
            return tag
        found.append(path)
        parts = urlsplit(written)
        rooted = path + (f"?{parts.query}" if parts.query else "") + (f"#{parts.fragment}" if parts.fragment else "")
        if rooted != written:
            tag = tag[: src.start(2)] + html.escape(rooted) + tag[src.end(2):]
        missing = "".join(f' {name}="{value}"' for name, value in _LAZY.items() if name not in attributes)
        end = len(tag) - (2 if tag.endswith("/>") else 1)
        return tag[:end].rstrip() + missing + tag[end:]

    return _IMG.sub(adopt, body), found


def size_images(body: str, sizes: Mapping[str, tuple[int, int]]) -> str:
    """Gives each ``<img>`` of a local image its width and height (read from the file at assemble), so the page
    does not jump as it loads; an image whose size the editor wrote keeps it."""
    def size(match: re.Match[str]) -> str:
        tag = match.group(0)
        attributes = _attributes(tag)
        src = attributes.get("src")
        if src is None or "width" in attributes or "height" in attributes:
            return tag
        path = local_path(html.unescape(src.group(2) or ""))
        width, height = sizes.get(path, (0, 0)) if path else (0, 0)
        if not width:
            return tag
        return f'{tag[: src.end()]} width="{width}" height="{height}"{tag[src.end():]}'

    return _IMG.sub(size, body)
