"""Local images in a rendered body: the ones written as raw HTML, their sizes, and their published widths and formats.

Markdown's images (``![…](/images/x.jpg)``) are marked while Markdown renders (:mod:`.markdown`). An editor may
also write ``<img src="images/x.jpg" alt="…">`` in an article: :func:`adopt_raw_images` gives those the same
treatment once the body is sanitised, so they are checked (a missing file is an error naming its line), sized and
loaded lazily like the others. Both functions read the sanitiser's output, in which every attribute is written
``name="value"`` and no ``<`` or ``>`` is left unescaped outside a tag; an article published without the sanitiser
(``allow_raw_html``) is not adopted.

:func:`size_images` runs when the site is assembled (feeds show the body it gives); :func:`responsive_images`
when a page is rendered, since the files an image is published in depend on the theme, not on the article.
"""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from ..responsive import published_path
from ..urls import split_url

if TYPE_CHECKING:
    from ..responsive import ResponsiveImage

_IMG = re.compile(r"<img\b[^>]*>")
_IMG_UTF8 = re.compile(_IMG.pattern.encode())
_ATTRIBUTE = re.compile(r'\s([^\s"\'>/=]+)(?:="([^"]*)")?')
_LAZY = {"loading": "lazy", "decoding": "async"}


def local_path(src: str) -> str | None:
    """The URL path of an image on this site, rooted (``images/x.jpg`` → ``/images/x.jpg``); None for an image
    elsewhere (a scheme or a host) or an empty one."""
    parts = split_url(src)
    if parts is None or parts.scheme or parts.netloc or not parts.path:
        return None
    return "/" + posixpath.normpath(parts.path).lstrip("/")


def _attributes(tag: str) -> dict[str, re.Match[str]]:
    return {match.group(1).lower(): match for match in _ATTRIBUTE.finditer(tag, 4, len(tag) - 1)}


def _source(attributes: dict[str, re.Match[str]]) -> tuple[re.Match[str] | None, str | None]:
    """A tag's ``src`` attribute and the URL path of the local image it names (None for none or one elsewhere)."""
    src = attributes.get("src")
    return src, local_path(html.unescape(src.group(2) or "")) if src is not None else None


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
        parts = urlsplit(written)  # local_path could read it
        rooted = path + (f"?{parts.query}" if parts.query else "") + (f"#{parts.fragment}" if parts.fragment else "")
        if rooted != written:
            tag = tag[: src.start(2)] + html.escape(rooted) + tag[src.end(2):]
        missing = "".join(f' {name}="{value}"' for name, value in _LAZY.items() if name not in attributes)
        end = len(tag) - (2 if tag.endswith("/>") else 1)
        return tag[:end].rstrip() + missing + tag[end:]

    return _IMG.sub(adopt, body), found


def image_paths(body: bytes) -> list[str]:
    """The URL path of each local image a body (as UTF-8) shows in an ``<img>``: what :func:`size_images` looks up."""
    paths = []
    for match in _IMG_UTF8.finditer(body):
        _src, path = _source(_attributes(match.group(0).decode()))
        if path is not None:
            paths.append(path)
    return paths


def size_images(body: bytes, sizes: Mapping[str, tuple[int, int]]) -> bytes:
    """Gives each ``<img>`` of a local image its width and height (read from the file at assemble), so the page
    does not jump as it loads; an image whose size the editor wrote keeps it. A HEIC photo's ``src`` becomes the
    JPEG the build publishes instead.

    On a body kept as UTF-8 (``Post.html_utf8``), decoding only its ``<img>`` tags: a tag's ``<`` and ``>`` are never
    part of a multi-byte character, so each tag decodes alone."""
    return _IMG_UTF8.sub(lambda match: _sized(match.group(0).decode(), sizes).encode(), body)


def _sized(tag: str, sizes: Mapping[str, tuple[int, int]]) -> str:
    attributes = _attributes(tag)
    src, path = _source(attributes)
    if src is None or path is None:
        return tag
    if published_path(path) != path:
        written = html.unescape(src.group(2) or "")
        tag = tag[: src.start(2)] + html.escape(published_path(urlsplit(written).path)) + tag[src.end(2):]
        src = _attributes(tag)["src"]
    width, height = sizes.get(path, (0, 0))
    if not width or "width" in attributes or "height" in attributes:
        return tag
    return f'{tag[: src.end()]} width="{width}" height="{height}"{tag[src.end():]}'


def responsive_images(body: str, lookup: Callable[[str], ResponsiveImage | None], sizes: str, *,
                      eager_first: bool = False) -> str:
    """Offers each local image of a body in the widths and formats the build published: a ``<picture>`` with a
    ``<source>`` per modern format, and ``srcset`` and ``sizes`` on the ``<img>``. ``sizes`` is the theme's for
    images of the text; an image whose width the editor wrote gets that width instead. With ``eager_first``
    (a page without a hero image) the first image is not loaded lazily: it may be the largest thing on screen."""
    seen = 0

    def offer(match: re.Match[str]) -> str:
        nonlocal seen
        seen += 1
        tag = match.group(0)
        attributes = _attributes(tag)
        lazy = attributes.get("loading")
        if seen == 1 and eager_first and lazy is not None and lazy.group(2) == "lazy":
            tag = tag[: lazy.start()] + tag[lazy.end():]
            attributes = _attributes(tag)
        src, path = _source(attributes)
        image = lookup(path) if path else None
        if src is None or image is None or "srcset" in attributes:
            return tag
        chosen = html.escape(_written_sizes(attributes, image) or sizes)
        candidates = f' srcset="{html.escape(image.srcset)}" sizes="{chosen}"' if image.srcset else ""
        tag = tag[: src.end()] + candidates + tag[src.end():]
        sources = "".join(f'<source type="{source.type}" srcset="{html.escape(source.srcset)}" sizes="{chosen}">'
                          for source in image.sources)
        return f"<picture>{sources}{tag}</picture>" if sources else tag

    return _IMG.sub(offer, body)


def _written_sizes(attributes: Mapping[str, re.Match[str]], image: ResponsiveImage) -> str | None:
    """``300px`` for an image the editor gave a width of 300 (other than its own)."""
    width = attributes.get("width")
    value = (width.group(2) or "").strip() if width is not None else ""
    return f"{int(value)}px" if value.isdigit() and int(value) != image.width else None
