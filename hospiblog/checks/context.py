"""What every rule may look at: the site's posts, their images and their source lines.

Rules are pure functions of a post and this context. The little I/O the checks need
(image files, a post's source lines to place a finding) happens here, once per run.
The context is also what the build measured of the site: ``assemble_site`` takes the
posts' URLs and the images' sizes from it, so each image file is opened once per build.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from ..config import SiteConfig
from ..content.outline import outline_of
from ..errors import HospiblogError
from ..model import Outline, Post
from ..responsive import ImageSettings

StaticLookup = Callable[[str], Path | None]
"""Finds the file published at a URL path (``/images/x.jpg``), as ``Theme.static_file`` does."""
_FENCE = re.compile(r"^\s*(```|~~~)")
_ATX_HEADING = re.compile(r"^(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
_ATTRIBUTES = re.compile(r"\{:?[^}]*\}\s*$")
_NOT_WORD = re.compile(r"\W+")


@dataclass(frozen=True)
class Issue:
    """What a rule reports about a post; the runner adds the file, the rule id and the level."""

    message: str
    hint: str
    line: int | None = None
    at_most_warning: bool = False
    """Never more than a warning, whatever the rule's level (a preview shows the linked draft)."""


@dataclass(frozen=True)
class ImageFile:
    """A static file an article uses as an image."""

    path: Path
    size_bytes: int
    readable: bool
    """False when Pillow cannot read it (the build would not know its size)."""
    pixels: tuple[int, int] = (0, 0)
    """Width and height as shown (its EXIF orientation applied); (0, 0) for SVG or an unreadable file."""
    gps: bool = False
    """The file's EXIF holds a GPS position (the published copy does not: the build removes it)."""


@dataclass(frozen=True)
class CheckContext:
    """Everything the rules know besides the post they look at."""

    config: SiteConfig
    today: date
    posts: Mapping[str, Post]
    """Every parsed post, drafts and scheduled ones included, by relative path (``posts/news/x.md``)."""
    unparsed: frozenset[str]
    """Relative paths of the post files that failed to parse (they exist, but are not in ``posts``)."""
    images: Mapping[str, ImageFile | None]
    """Every image the posts and site.toml (logo, portraits) use, by URL path; None when no such file exists."""
    urls: Mapping[str, str]
    """The URL of each post, by relative path."""
    url_owners: Mapping[str, tuple[str, ...]]
    """Relative paths of the posts published at each URL."""
    preview: bool = False
    """A preview build (drafts or scheduled posts shown): links to them are fine."""
    drafts: bool = False
    """Drafts are built too (``--drafts``): a draft's problem that no build can get round stays an error."""
    image_settings: ImageSettings | None = None
    """The theme's responsive images (the widths it publishes); None when unknown (then image-too-wide is silent)."""
    translations: Mapping[str, Mapping[str, tuple[str, ...]]] = field(default_factory=dict)
    """The posts of each translation key (``translation_key:``), by language of the site."""

    @property
    def image_sizes(self) -> dict[str, tuple[int, int]]:
        """Width and height of each image that can be read, by URL path ((0, 0) for SVG): what the pages give.

        A missing or unreadable image has no size (its finding says so, unless ``missing-image`` is off).
        """
        return {url: found.pixels for url, found in self.images.items() if found is not None and found.readable}


def make_context(
    posts: Sequence[Post],
    config: SiteConfig,
    *,
    static_lookup: StaticLookup,
    today: date,
    unparsed: Iterable[HospiblogError] = (),
    preview: bool = False,
    drafts: bool = False,
    image_settings: ImageSettings | None = None,
) -> CheckContext:
    """Indexes the posts, gives each its URL and looks every image they and site.toml use up once."""
    wanted = {image_url_path(image) for post in posts for image, _line in referenced_images(post)}
    wanted.update(image_url_path(image) for _key, image in config_images(config))
    urls = _post_urls(posts, config)
    return CheckContext(
        config=config,
        today=today,
        posts={post.relative: post for post in posts},
        unparsed=frozenset(_relative_paths(unparsed, config.site_dir)),
        images={url: find_image(url, static_lookup) for url in sorted(wanted)},
        urls=urls,
        url_owners=_url_owners(urls),
        preview=preview,
        drafts=drafts,
        image_settings=image_settings,
        translations=_translations(posts, config),
    )


def _translations(posts: Sequence[Post], config: SiteConfig) -> dict[str, dict[str, tuple[str, ...]]]:
    found: dict[str, dict[str, tuple[str, ...]]] = {}
    for post in posts:
        if post.meta.translation_key:
            versions = found.setdefault(post.meta.translation_key, {})
            language = config.edition_of(post.meta.lang)
            versions[language] = (*versions.get(language, ()), post.relative)
    return found


def _relative_paths(errors: Iterable[HospiblogError], site_dir: Path) -> list[str]:
    paths = [error.location.path for error in errors if error.location is not None]
    return [path.relative_to(site_dir).as_posix() for path in paths if path.is_relative_to(site_dir)]


def _post_urls(posts: Sequence[Post], config: SiteConfig) -> dict[str, str]:
    categories = config.categories
    return {post.relative: config.post_url(post.meta.category, post.meta.slug, post.meta.lang)
            for post in posts if post.meta.category in categories}


def _url_owners(urls: Mapping[str, str]) -> dict[str, tuple[str, ...]]:
    owners: dict[str, list[str]] = defaultdict(list)
    for relative, url in urls.items():
        owners[url].append(relative)
    return {url: tuple(sorted(relatives)) for url, relatives in owners.items()}


def image_url_path(image: str) -> str:
    """The URL path an image is published at: front matter may leave the leading slash out."""
    return "/" + image.lstrip("/")


def referenced_images(post: Post) -> list[tuple[str, int]]:
    """Every local image of a post with its line: body images, then ``image`` and ``share_image``."""
    images = list(post.local_images)
    for key in ("image", "share_image"):
        value: str | None = getattr(post.meta, key)
        if value:
            images.append((value, post.meta.line_of(key) or 1))
    return images


def config_images(config: SiteConfig) -> list[tuple[tuple[str, ...], str]]:
    """The images site.toml names (the logo, the authors' portraits), each with its key path in site.toml."""
    wanted: list[tuple[tuple[str, ...], str]] = [(("organization", "logo"), config.organization.logo)]
    wanted += [(("authors", key, "portrait"), author.portrait) for key, author in config.authors.items()]
    return [(key_path, image) for key_path, image in wanted if image]


def find_image(url_path: str, lookup: StaticLookup) -> ImageFile | None:
    """The file behind an image URL, with its size and whether Pillow can read it."""
    path = lookup(url_path)
    if path is None:
        return None
    try:
        size = path.stat().st_size
    except OSError:
        return None
    if path.suffix.lower() == ".svg":
        return ImageFile(path=path, size_bytes=size, readable=True)  # published as is, its size not read
    try:
        with open_image(path) as image:  # opening reads the header only (and EXIF, which JPEG keeps in it)
            exif = image.getexif()
            width, height = image.size
            turned = exif.get(ORIENTATION, 1) in (5, 6, 7, 8)
            pixels = (height, width) if turned else (width, height)
            return ImageFile(path=path, size_bytes=size, readable=True, pixels=pixels, gps=_has_gps(exif))
    except (UnidentifiedImageError, OSError, HospiblogError):
        return ImageFile(path=path, size_bytes=size, readable=False)


ORIENTATION = 0x0112
GPS_INFO = 0x8825


def _has_gps(exif: Image.Exif) -> bool:
    """Whether EXIF holds a position: a latitude or longitude in its GPS directory."""
    try:
        position = exif.get_ifd(GPS_INFO)
    except (KeyError, ValueError, TypeError, OSError):
        return False
    return any(tag in position for tag in (1, 2, 3, 4))


def open_image(path: Path) -> Image.Image:
    """Opens an image file (a HEIC photo through pillow-heif, when it is installed)."""
    if path.suffix.lower() in (".heic", ".heif"):
        from ..imaging import open_image as open_heif

        return open_heif(path)
    return Image.open(path)


def source_lines(post: Post) -> tuple[str, ...]:
    """The lines of the post's file, to point a finding at the line that causes it."""
    return _read_lines(post.source_path, post.fingerprint)


@functools.lru_cache(maxsize=64)
def _read_lines(path: Path, fingerprint: str) -> tuple[str, ...]:
    # The fingerprint is part of the key so an edited file is read again (serve keeps the process alive).
    try:
        data = path.read_bytes()
    except OSError:
        return ()
    text = data.decode("utf-8-sig", errors="replace").replace("\r\n", "\n").replace("\r", "\n")
    return tuple(text.split("\n"))


def find_body_line(post: Post, matches: Callable[[str], bool]) -> int | None:
    """The first line of the post's body for which ``matches`` is true."""
    lines = source_lines(post)
    for number in range(post.body_line, len(lines) + 1):
        if matches(lines[number - 1]):
            return number
    return None


def body_outline(post: Post) -> Outline:
    """The headings and images of the post's rendered body: made by the parse, or here for a post made
    without it."""
    return post.outline if post.outline is not None else outline_of(post.parsed_html)


def source_headings(post: Post) -> list[tuple[int, str]]:
    """``(line, comparable text)`` of the ``#`` headings of the body, outside code blocks."""
    headings: list[tuple[int, str]] = []
    in_code = False
    lines = source_lines(post)
    for number in range(post.body_line, len(lines) + 1):
        line = lines[number - 1]
        if _FENCE.match(line):
            in_code = not in_code
            continue
        match = None if in_code else _ATX_HEADING.match(line)
        if match:
            headings.append((number, comparable(_ATTRIBUTES.sub("", match.group(2)))))
    return headings


def comparable(text: str) -> str:
    """Text reduced to lower-case letters and digits, so the source and its rendering compare equal.

    Typography (narrow no-break spaces, « » quotes) and Markdown marks differ between the two.
    """
    return _NOT_WORD.sub("", text).replace("_", "").lower()
