"""Responsive images: which files the build publishes for each image, their URLs, and the ``srcset`` pages give.

Every raster image under ``static/`` (or a theme's) is published *cleaned*: its metadata removed, its
orientation applied (:mod:`hospiblog.imaging` does the pixels). An image the pages show (a post's hero, an
image of its body, an author's portrait) is also published in a few widths, never wider than the original,
in modern formats (AVIF where Pillow can write it, WebP) and in its own format; pages offer them with
``<picture>``, ``srcset`` and ``sizes``. A HEIC or HEIF photo (a phone's) is published as JPEG.

The widths, formats, qualities and ``sizes`` come from the theme's ``images.toml``. This module decides
names and keys only: it needs no Pillow, so a build that finds nothing changed never loads it (it reads the
settings, which are part of the build's inputs).
"""

from __future__ import annotations

import hashlib
import posixpath
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from .errors import ConfigError, SourceLocation
from .theme import key_line, read_toml

if TYPE_CHECKING:
    from .config import SiteConfig
    from .model import Site
    from .theme import Asset

SETTINGS_FILE = "images.toml"
"""The responsive-image settings in each theme folder (most specific theme first; keys of a child override)."""
KINDS = {".jpg": "jpeg", ".jpeg": "jpeg", ".png": "png", ".webp": "webp", ".gif": "gif", ".avif": "avif",
         ".heic": "heic", ".heif": "heic"}
"""Raster files the build cleans, by suffix; others (SVG, ICO) are published as they are."""
PUBLISHED_FORMAT = {"jpeg": "jpeg", "png": "png", "webp": "webp", "gif": "gif", "avif": "avif", "heic": "jpeg"}
"""The format a source is published in: browsers other than Safari cannot show HEIC."""
MEDIA_TYPES = {"jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp", "avif": "image/avif",
               "gif": "image/gif"}
EXTENSIONS = {"jpeg": ".jpg", "png": ".png", "webp": ".webp", "avif": ".avif", "gif": ".gif"}
MODERN_FORMATS = ("avif", "webp")
"""The formats a theme may offer before the original's."""
WITHOUT_VARIANTS = frozenset({"gif"})
"""Published cleaned but in no other width or format (a GIF may be animated)."""
ARTICLE, PORTRAIT = "article", "portrait"
"""The two uses that decide which widths an image is published in."""
SIZES_NAMES = ("hero", "body", "card")
"""The ``sizes`` attributes a theme gives (the templates write portraits' own, from their fixed width)."""


@dataclass(frozen=True)
class ImageSettings:
    """The theme's responsive images, from ``images.toml`` along the theme chain."""

    widths: tuple[int, ...] = (480, 800, 1200, 1600)
    """Widths in pixels of the images of articles (heroes, bodies, listings); never wider than the original."""
    portrait_widths: tuple[int, ...] = (160, 320)
    """Widths of authors' portraits (shown at 72 to 160 CSS pixels)."""
    formats: tuple[str, ...] = MODERN_FORMATS
    """Modern formats offered first, in this order; the original's format always follows. AVIF is left out
    where the installed Pillow cannot write it."""
    jpeg_quality: int = 85
    webp_quality: int = 80
    avif_quality: int = 60
    too_wide: float = 2.0
    """``check`` warns about an image wider than this many times the largest width it is published in."""
    sizes: tuple[tuple[str, str], ...] = (
        ("hero", "(min-width: 42rem) 40rem, calc(100vw - 2rem)"),
        ("body", "(min-width: 42rem) 40rem, calc(100vw - 2rem)"),
        ("card", "(min-width: 72rem) 22.5rem, (min-width: 64rem) calc((100vw - 4.5rem) / 3), "
                 "(min-width: 40rem) calc((100vw - 3.25rem) / 2), calc(100vw - 2rem)"),
    )
    """The ``sizes`` attribute of each kind of image: how wide the theme's CSS shows it."""

    def sizes_of(self, name: str) -> str:
        """The ``sizes`` attribute of ``hero``, ``body`` or ``card``."""
        return dict(self.sizes)[name]

    def widths_for(self, use: str) -> tuple[int, ...]:
        """The widths an image is published in for ``article`` or ``portrait``."""
        return self.portrait_widths if use == PORTRAIT else self.widths


_TYPES: dict[str, type] = {"widths": list, "portrait_widths": list, "formats": list, "jpeg_quality": int,
                           "webp_quality": int, "avif_quality": int, "too_wide": float, "sizes": dict}


def load_image_settings(theme_folders: Sequence[Path]) -> ImageSettings:
    """Reads ``images.toml`` along the theme chain (most specific folder first); a child's keys override."""
    merged: dict[str, Any] = {}
    sizes = dict(ImageSettings.sizes)
    for folder in reversed(theme_folders):
        file = folder / SETTINGS_FILE
        if file.is_file():
            data = _checked(file, read_toml(file))
            sizes.update(data.pop("sizes", {}))
            merged.update(data)
    values: dict[str, Any] = {key: tuple(value) if isinstance(value, list) else value for key, value in merged.items()}
    settings = ImageSettings(**values, sizes=tuple(sizes.items()))
    _validate(settings, next((folder / SETTINGS_FILE for folder in theme_folders
                              if (folder / SETTINGS_FILE).is_file()), None))
    return settings


def _checked(file: Path, data: dict[str, Any]) -> dict[str, Any]:
    for key, value in data.items():
        expected = _TYPES.get(key)
        if expected is None:
            raise ConfigError(f"unknown key '{key}' in {SETTINGS_FILE}",
                              location=SourceLocation(file, key_line(file, key)),
                              hint=f"valid keys: {', '.join(sorted(_TYPES))}")
        numeric = expected is float and isinstance(value, int)
        if isinstance(value, bool) or not (isinstance(value, expected) or numeric):
            raise ConfigError(f"'{key}' must be {_TYPE_NAMES[expected]}, not {value!r}",
                              location=SourceLocation(file, key_line(file, key)))
    problem = _item_problem(data)
    if problem is not None:
        key, message = problem
        raise ConfigError(f"invalid {SETTINGS_FILE}: {message}", location=SourceLocation(file, key_line(file, key)))
    return {key: float(value) if _TYPES[key] is float else value for key, value in data.items()}


_TYPE_NAMES = {list: "a list", int: "a whole number", float: "a number", dict: "a table"}


def _item_problem(data: Mapping[str, Any]) -> tuple[str, str] | None:
    """The first list or table item of the wrong kind, with the key written on its line."""
    for key in ("widths", "portrait_widths"):
        if any(isinstance(width, bool) or not isinstance(width, int) or not 16 <= width <= 8192
               for width in data.get(key, ())):
            return key, f"{key} must list widths in pixels between 16 and 8192"
    if any(name not in MODERN_FORMATS for name in data.get("formats", ())):
        return "formats", f"formats may list {' and '.join(MODERN_FORMATS)} only (the original's format always follows)"
    for name, value in data.get("sizes", {}).items():
        if name not in SIZES_NAMES or not isinstance(value, str) or not value.strip():
            return name, f"[sizes] gives a text for {', '.join(SIZES_NAMES)}, not {name} = {value!r}"
    return None


def _validate(settings: ImageSettings, file: Path | None) -> None:
    problems = [f"{name} must be between 1 and 100" for name in ("jpeg_quality", "webp_quality", "avif_quality")
                if not 1 <= getattr(settings, name) <= 100]
    if not settings.widths or not settings.portrait_widths:
        problems.append("widths and portrait_widths must each list at least one width")
    if settings.too_wide < 1:
        problems.append("too_wide must be at least 1")
    if problems:
        raise ConfigError(f"invalid {SETTINGS_FILE}: {problems[0]}", location=SourceLocation(file) if file else None)


def settings_digest(settings: ImageSettings) -> str:
    """Hash of the settings: pages show the variants' URLs and ``sizes``, so it joins every page's digest."""
    return hashlib.blake2b(repr(settings).encode(), digest_size=16).hexdigest()


# ---------------------------------------------------------------- names


def image_kind(path: str) -> str | None:
    """``jpeg``, ``png``, ``webp``, ``gif``, ``avif`` or ``heic`` for a raster file the build cleans, else None."""
    return KINDS.get(posixpath.splitext(path)[1].lower())


def published_path(path: str) -> str:
    """Where a static image is published: a HEIC or HEIF photo becomes a JPEG beside it (``x.heic`` → ``x.jpg``);
    every other file keeps its path. Works on URL paths (``/images/x.heic``) and output paths alike."""
    if image_kind(path) != "heic":
        return path
    return str(PurePosixPath(path).with_suffix(".jpg"))


# ---------------------------------------------------------------- the plan


@dataclass(frozen=True)
class Variant:
    """One published file made from a source image."""

    output: str
    """Path inside the output folder."""
    format: str
    width: int
    """0 for the cleaned original (its own size)."""
    height: int
    key: str
    """Cache key: the source's bytes, the format and size, the quality, the encoders and this code."""


@dataclass(frozen=True)
class SourceImage:
    """A raster file of ``static/`` (or a theme's) and everything the build publishes from it."""

    source: Path
    kind: str
    original: Variant
    """The cleaned original, at the published path (``images/x.jpg``; a HEIC's JPEG)."""
    variants: tuple[Variant, ...] = ()
    """Other widths and formats, for the images pages show."""
    size: tuple[int, int] = (0, 0)
    """Width and height as shown (orientation applied); (0, 0) when no page shows it."""
    widths: tuple[int, ...] = ()
    """The widths it is offered in (:func:`candidate_widths`), its own included when it is the largest."""

    @property
    def files(self) -> tuple[Variant, ...]:
        return (self.original, *self.variants)


@dataclass(frozen=True)
class ImageSource:
    """A ``<source>`` of a ``<picture>``: one modern format's candidates."""

    type: str
    srcset: str


@dataclass(frozen=True)
class ResponsiveImage:
    """What markup needs to offer an image in every published width and format."""

    url: str
    """URL path of the cleaned original (the ``src``)."""
    width: int
    height: int
    srcset: str
    """Candidates in the original's format: ``/images/x-480.<hash>.jpg 480w, …``."""
    sources: tuple[ImageSource, ...]
    """Modern formats, best first: ``<source>`` elements before the ``<img>``."""


@dataclass(frozen=True)
class ImagePlan:
    """Every image file a build publishes, and how pages offer the images they show."""

    settings: ImageSettings
    images: tuple[SourceImage, ...]
    responsive: Mapping[str, ResponsiveImage]
    """By the published URL path (``/images/x.jpg`` for ``x.heic``)."""
    replaced: frozenset[str]
    """Output paths of the static files this plan publishes itself (cleaned), instead of copying them."""
    encoder: str = ""
    """The fingerprint of the code and encoders that make the files: the variants' names hold it."""
    formats: tuple[str, ...] = ()
    """The modern formats offered (those of the settings the installed Pillow can write)."""

    def digest(self) -> str:
        """What every page showing an image depends on besides the image itself: the settings, and the encoders
        and formats, which name the variants and choose the ``<source>`` elements (a Pillow or pillow-heif upgrade
        renames every variant: a page kept from before would show files no longer published)."""
        return f"{settings_digest(self.settings)}|{self.encoder}|{','.join(self.formats)}"

    def get(self, url_path: str) -> ResponsiveImage | None:
        """The responsive image published at ``url_path``, or for the source written there (``x.heic``)."""
        return self.responsive.get(published_path(url_path))


def image_uses(site: Site, config: SiteConfig) -> dict[str, str]:
    """The URL path of every image pages show, with its use: ``article`` (a published post's hero or body image)
    or ``portrait`` (an author's). An image used both ways is published in the widths of both."""
    uses: dict[str, str] = {}
    for author in config.authors.values():
        if author.portrait:
            uses["/" + author.portrait.lstrip("/")] = PORTRAIT
    for post in site.posts:
        paths = [path for path, _line in post.local_images] + ([post.meta.image] if post.meta.image else [])
        for path in paths:
            url = "/" + path.lstrip("/")
            uses[url] = "both" if uses.get(url) == PORTRAIT else ARTICLE
    return uses


def plan_images(assets: Mapping[str, Asset], uses: Mapping[str, str], sizes: Mapping[str, tuple[int, int]],
                settings: ImageSettings, *, formats: Iterable[str], encoder: str) -> ImagePlan:
    """Every cleaned original and variant to publish.

    ``assets`` are the theme's and the site's static files by logical path; ``uses`` and ``sizes`` (as shown,
    by URL path) say which images pages show and how large they are; ``formats`` are the modern formats the
    installed Pillow can write and ``encoder`` a fingerprint of the code and encoders that make the files.
    """
    offered = tuple(name for name in settings.formats if name in set(formats))
    images: list[SourceImage] = []
    taken = set(assets)
    for logical, asset in assets.items():
        kind = image_kind(logical)
        if kind is None:
            continue
        output = _published_output(logical, asset, taken)
        url = "/" + logical
        size = sizes.get(url, (0, 0)) if url in uses else (0, 0)
        widths = _wanted_widths(settings, uses.get(url, ""))
        images.append(_source_image(asset, kind, output, size, widths, offered, settings, encoder))
    responsive = {"/" + image.original.output: _responsive(image) for image in images if image.variants}
    return ImagePlan(settings, tuple(images), responsive, frozenset(asset.output for logical, asset in assets.items()
                                                                      if image_kind(logical) is not None),
                     encoder, offered)


def _published_output(logical: str, asset: Asset, taken: set[str]) -> str:
    output = published_path(asset.output)
    if output != asset.output and output in taken:
        raise ConfigError(f"{logical} and {output} would both be published at /{output}",
                          location=SourceLocation(asset.source),
                          hint=f"rename one of them: a HEIC photo is published as JPEG beside it ({output})")
    return output


def _wanted_widths(settings: ImageSettings, use: str) -> tuple[int, ...]:
    if use == "both":
        return tuple(sorted({*settings.widths, *settings.portrait_widths}))
    return settings.widths_for(use) if use else ()


def candidate_widths(width: int, wanted: Iterable[int]) -> tuple[int, ...]:
    """The widths an image ``width`` pixels wide is published in: the wanted ones narrower than it, and the
    largest wanted one, or its own width when it is narrower (never enlarged)."""
    wanted = tuple(wanted)
    if not wanted or width <= 0:
        return ()
    return tuple(sorted({w for w in wanted if w < width} | {min(width, max(wanted))}))


def _source_image(asset: Asset, kind: str, output: str, size: tuple[int, int], widths: tuple[int, ...],
                  offered: tuple[str, ...], settings: ImageSettings, encoder: str) -> SourceImage:
    published = PUBLISHED_FORMAT[kind]
    quality = _quality(settings, published) if kind in ("heic", "avif") else 0
    original = Variant(output, published, 0, 0, variant_key(encoder, asset.digest, "original", published, 0, quality))
    if kind in WITHOUT_VARIANTS or not widths or size[0] <= 0:
        return SourceImage(asset.source, kind, original)
    variants: list[Variant] = []
    candidates = candidate_widths(size[0], widths)
    for width in candidates:
        height = max(1, round(size[1] * width / size[0]))
        for name in (*[name for name in offered if name != published], published):
            if name == published and width == size[0]:
                continue  # the cleaned original is this candidate
            key = variant_key(encoder, asset.digest, "variant", name, width, _quality(settings, name))
            variants.append(Variant(_variant_output(output, width, key, name), name, width, height, key))
    return SourceImage(asset.source, kind, original, tuple(variants), size, candidates)


def _quality(settings: ImageSettings, name: str) -> int:
    return {"jpeg": settings.jpeg_quality, "webp": settings.webp_quality, "avif": settings.avif_quality}.get(name, 0)


def variant_key(encoder: str, source_digest: str, role: str, name: str, width: int, quality: int) -> str:
    """Hash of everything a published image file's bytes depend on."""
    return hashlib.blake2b(f"{encoder}|{source_digest}|{role}|{name}|{width}|{quality}".encode(),
                           digest_size=16).hexdigest()


def _variant_output(original: str, width: int, key: str, name: str) -> str:
    """``images/x-800.1a2b3c4d5e.webp``: the content hash lets servers keep it forever."""
    folder, file = posixpath.split(original)
    stem = PurePosixPath(file).stem
    return posixpath.join(folder, f"{stem}-{width}.{key[:10]}{EXTENSIONS[name]}")


def _responsive(image: SourceImage) -> ResponsiveImage:
    url = "/" + image.original.output
    width, height = image.size
    by_format: dict[str, list[tuple[int, str]]] = {}
    for variant in image.variants:
        by_format.setdefault(variant.format, []).append((variant.width, "/" + variant.output))
    published = image.original.format
    if width in image.widths:
        by_format.setdefault(published, []).append((width, url))
    sources = tuple(ImageSource(MEDIA_TYPES[name], _srcset(candidates))
                    for name, candidates in by_format.items() if name != published)
    return ResponsiveImage(url, width, height, _srcset(by_format.get(published, [])), sources)


def _srcset(candidates: Iterable[tuple[int, str]]) -> str:
    return ", ".join(f"{url} {width}w" for width, url in sorted(candidates))


__all__ = [
    "SETTINGS_FILE", "ImagePlan", "ImageSettings", "ImageSource", "ResponsiveImage", "SourceImage", "Variant",
    "candidate_widths", "image_kind", "image_uses", "load_image_settings", "plan_images", "published_path",
    "settings_digest", "variant_key",
]
