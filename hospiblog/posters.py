"""Video posters drawn at build time: what a page shows in a video's place when the editor gave no image.

A poster is 1280×720, the player's shape: the post's category colour (darkened until white text reaches WCAG AA
contrast, as on share cards), the host's name in a pill and the video's title, drawn with the theme's card fonts
(``cards/card.toml``) and the title fitting of :mod:`hospiblog.cards`. The lower third stays empty: the page's
« Lire la vidéo » button sits there.

Like a share card, a poster is an output the plan names (:class:`PlannedPoster`), keyed by everything that affects
its pixels (:func:`poster_key`), kept in ``.hospiblog-cache/posters/`` and drawn only when missing. Its file name
holds a hash of what it shows (title, host, colour), so the digest of a page, which covers its post and site.toml,
covers the poster's address; the poster's own job digest is its key.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from . import state
from .cards import (
    LAYOUT_ENGINE,
    CardSettings,
    card_store,
    clean_text,
    encode_jpeg,
    fit_title,
    parse_color,
    readable_background,
    settings_digest,
)
from .config import SiteConfig
from .model import Post, Video
from .urls import safe_relative
from .videos import HOSTS

POSTER_SIZE = (1280, 720)
POSTERS_FOLDER = "videos"
"""Folder of the drawn posters in the output."""
MARGIN = 88
LABEL_TOP = 72
LABEL_SIZE = 30
TITLE_TOP = 168
TITLE_BOTTOM = 468
"""The title stays above the lower third, where the page puts its button."""
TITLE_SIZES = (68, 36)
MAX_BYTES = 200_000


@dataclass(frozen=True)
class PosterSpec:
    """Everything a drawn poster shows."""

    title: str
    host: str
    """The host's name as readers know it: YouTube, Vimeo."""
    color: str
    """The post's category colour, ``#rrggbb``."""


@dataclass(frozen=True)
class PlannedPoster:
    """A poster the build publishes: its output path, what it shows and its cache key."""

    output: str
    spec: PosterSpec
    key: str


@dataclass(frozen=True)
class VideoPosters:
    """The posters of this build: the drawing settings, the posters to publish and where drawn ones are kept."""

    settings: CardSettings
    planned: tuple[PlannedPoster, ...]
    cache_dir: Path | None


def poster_spec(video: Video, color: str) -> PosterSpec:
    """What the poster of a video without the editor's image shows."""
    return PosterSpec(video.title, HOSTS[video.host].name, color)


def poster_output(video: Video, spec: PosterSpec) -> str:
    """Output path of a drawn poster: ``videos/youtube-AbCdEfGhIjK-1a2b3c4d.jpg``."""
    shown = hashlib.blake2b(f"{spec.title}\0{spec.host}\0{spec.color}".encode(), digest_size=4).hexdigest()
    return safe_relative(f"{POSTERS_FOLDER}/{video.host}-{video.video_id}-{shown}.jpg")


def poster_url(video: Video, color: str) -> str:
    """The URL path of the poster a page shows for a video: the editor's image, else the one drawn for it."""
    if video.poster:
        return video.poster
    return "/" + poster_output(video, poster_spec(video, color))


def plan_posters(posts: Iterable[Post], config: SiteConfig, settings: CardSettings) -> list[PlannedPoster]:
    """The posters to draw for the videos of ``posts`` that have no image of the editor's, each once."""
    planned: dict[str, PlannedPoster] = {}
    for post in posts:
        color = config.categories[post.meta.category].color
        for video in post.videos:
            if video.poster:
                continue
            spec = poster_spec(video, color)
            output = poster_output(video, spec)
            planned.setdefault(output, PlannedPoster(output, spec, poster_key(spec, settings)))
    return list(planned.values())


@functools.cache
def code_fingerprint() -> str:
    """Hash of this module: new drawing code never reuses an old poster (the card code is in the settings')."""
    return state.code_fingerprint("posters.py")


def poster_key(spec: PosterSpec, settings: CardSettings) -> str:
    """Hash of everything that affects a poster's pixels."""
    text = f"{settings_digest(settings)}\0{code_fingerprint()}\0{spec.title}\0{spec.host}\0{spec.color}"
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def poster_bytes(spec: PosterSpec, settings: CardSettings, cache_dir: Path | None) -> bytes:
    """A poster's bytes: from the cache when valid, else drawn now (and stored)."""
    if cache_dir is None:
        return draw_poster(spec, settings)
    return card_store(cache_dir).get_or_make(poster_key(spec, settings), lambda: draw_poster(spec, settings))


@functools.lru_cache(maxsize=32)
def _font(path: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size, layout_engine=LAYOUT_ENGINE)


def draw_poster(spec: PosterSpec, settings: CardSettings) -> bytes:
    """The poster as JPEG bytes; the same spec and settings always give the same bytes."""
    text_color = parse_color(settings.text_color)
    color = readable_background(parse_color(spec.color), text_color)
    image = _background(color)
    draw = ImageDraw.Draw(image)
    _draw_label(draw, spec.host, settings, color, text_color)
    width = POSTER_SIZE[0] - 2 * MARGIN
    fit = fit_title(clean_text(spec.title), settings.title_font, width, TITLE_BOTTOM - TITLE_TOP,
                    largest=TITLE_SIZES[0], smallest=TITLE_SIZES[1], line_spacing=settings.line_spacing)
    font = _font(str(settings.title_font), fit.size)
    for number, line in enumerate(fit.lines):
        left = MARGIN - min(0, int(font.getbbox(line, anchor="la")[0]))
        draw.text((left, TITLE_TOP + number * fit.line_height), line, font=font, fill=text_color, anchor="la")
    return encode_jpeg(image, settings, max_bytes=MAX_BYTES)


def _background(color: tuple[int, int, int]) -> Image.Image:
    """The colour, darkening towards the bottom (darker keeps the contrast of white text)."""
    darker = tuple(round(channel * 0.72) for channel in color)
    top = Image.new("RGB", POSTER_SIZE, color)
    bottom = Image.new("RGB", POSTER_SIZE, darker)  # type: ignore[arg-type]
    mask = Image.linear_gradient("L").resize(POSTER_SIZE)
    return Image.composite(bottom, top, mask)


def _draw_label(draw: ImageDraw.ImageDraw, host: str, settings: CardSettings, color: tuple[int, int, int],
                text_color: tuple[int, int, int]) -> None:
    """The host's name in a pill of the text colour, written in the poster's colour (the same AA pair)."""
    font = _font(str(settings.title_font), LABEL_SIZE)
    pad_x, pad_y = round(LABEL_SIZE * 0.7), round(LABEL_SIZE * 0.3)
    ascent, descent = font.getmetrics()
    right = MARGIN + round(font.getlength(host)) + 2 * pad_x
    bottom = LABEL_TOP + ascent + descent + 2 * pad_y
    draw.rounded_rectangle((MARGIN, LABEL_TOP, right, bottom), radius=(bottom - LABEL_TOP) // 2, fill=text_color)
    draw.text((MARGIN + pad_x, LABEL_TOP + pad_y), host, font=font, fill=color, anchor="la")
