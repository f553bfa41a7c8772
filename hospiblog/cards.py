"""Share cards: the images networks show beside a shared article, drawn with Pillow at build time.

Three sizes per post (names used in file names and ``card.toml``):

- ``og``: 1200×630, the ``og:image`` read by Facebook, LinkedIn, X and WhatsApp; kept under 300 KB
  because WhatsApp shows no preview for a bigger image;
- ``square``: 1080×1080, Instagram's feed;
- ``story``: 1080×1920, Instagram and Facebook stories (the apps' bars cover the top and bottom).

A build publishes the ``og`` card of each post and the site's card (:data:`PUBLISHED_SIZES`): pages name no
other. The square and story cards are for the social kit: ``hospiblog social`` draws those it needs into the
same cache and writes them into the kit's folder, never into the site's output, so a build's output does not
depend on whether the kit was made before it.

A card is the category colour (or the post's image, cover-cropped and darkened so white text keeps a
WCAG AA contrast), the category label (and the campaign's, in its own colour, for a post of a campaign), the
title wrapped and shrunk until it fits its box, and the hospital's name and logo. The look comes from the
theme's ``cards/card.toml``, not from this code.

Cards are pure functions of a :class:`CardSpec` and :class:`CardSettings`; :func:`card_key` hashes
everything that affects the pixels (including the bytes of the font, logo and image files), and
:func:`draw_cards` keeps drawn cards in an on-disk cache under that key and spreads cache misses over
a process pool. The same inputs give the same bytes, serially or in parallel. What a card shows besides its
title (colour, labels, footer and logo) is drawn and encoded once per process for the plain-colour cards of a
category, and a plain card encodes only the rows its text covers (:func:`draw_card`, :mod:`hospiblog.jpegrows`);
benchmarks/README.md gives Pillow's time per step.
"""

from __future__ import annotations

import functools
import hashlib
import io
import math
import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

import PIL
from PIL import Image, ImageDraw, ImageFont, ImageOps, UnidentifiedImageError, features

from . import collector, events, jpegrows, state
from .cache import BlobStore
from .colors import AA_CONTRAST, contrast_ratio, parse_color, readable_background
from .colors import mix as _mix
from .config import SiteConfig
from .errors import ConfigError, ContentError, SourceLocation
from .imaging import clean_file, draft_upright, open_image
from .model import Post
from .progress import SILENT, Progress, counted
from .responsive import published_path
from .seo import ShareImage, media_type
from .theme import key_line, read_toml
from .urls import absolute, safe_relative

CARD_SIZES = ("og", "square", "story")
"""Card sizes in the order they are drawn; ``og`` is the Open Graph image."""
PUBLISHED_SIZES = ("og",)
"""The sizes a build publishes: the only card pages name (``og:image``, ``twitter:image``, JSON-LD). The others
serve the social kit, which draws them when it is made (a square card for JSON-LD's 1:1 image would cost a build
more than its og card: benchmarks/README.md)."""
CARDS_FOLDER = "cards"
"""Folder of the settings and fonts in each theme, and of the drawn cards in the output."""
SETTINGS_FILE = "card.toml"
SITE_CARD_OUTPUT = "cards/site-og.jpg"
"""The site-wide card, for the home page and every page that is not an article."""
PARALLEL_THRESHOLD = 16
"""Below this many cards to draw, a process pool costs more than it saves."""
RASTER_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp", ".gif", ".avif", ".heic", ".heif")
"""Images Pillow can draw (HEIC through pillow-heif); an SVG logo is left off the cards."""
LAYOUT_ENGINE = ImageFont.Layout.RAQM if features.check_feature("raqm") else ImageFont.Layout.BASIC
"""Raqm (HarfBuzz) shapes text properly and measures it ~15× faster; part of every card key."""
_CACHE_MAGIC = b"HBCARD1\n"
_BREAKING_SPACES = re.compile(r"[ \t\r\n\f\v\u2028\u2029\u0085\u200b]+")
StaticLookup = Callable[[str], Path | None]
Box = tuple[int, int, int, int]
"""left, top, right, bottom in pixels (right and bottom excluded)."""


@dataclass(frozen=True)
class SizeSettings:
    """The geometry of one card size, from ``[sizes.<name>]`` in ``card.toml``."""

    name: str
    width: int
    height: int
    margin: int = 72
    """Left and right margin."""
    top: int = 60
    """Space above the label (stories keep the apps' top bar free)."""
    bottom: int = 52
    """Space below the footer."""
    gap: int = 28
    """Space between the label, the title and the footer."""
    title_max: int = 78
    """Largest title font size tried."""
    title_min: int = 36
    """Smallest title font size; a title that does not fit even so is cut with an ellipsis."""
    title_align: str = "center"
    """Where the title sits in its box: top, center or bottom."""
    label_size: int = 26
    organization_size: int = 26
    details_size: int = 30
    """Font size of the lines under an event's title (its date and place)."""
    logo_size: int = 60
    accent_bar: int = 0
    """Height of a category-colour strip along the bottom of photo cards; 0 for none."""
    max_kb: int = 0
    """Largest file in kilobytes (1000 bytes); the JPEG quality is lowered to stay under it. 0: no limit."""


@dataclass(frozen=True)
class CardSettings:
    """The look of the cards, from the theme chain's ``cards/card.toml``."""

    title_font: Path
    """Font of the title and the label."""
    text_font: Path
    """Font of the hospital's name."""
    sizes: tuple[SizeSettings, ...]
    text_color: str = "#ffffff"
    line_spacing: float = 1.12
    label_style: str = "pill"
    """``pill`` (category colour on a white rounded box) or ``plain`` (white capitals)."""
    logo_background: str = "#ffffff"
    """Rounded box behind the logo; empty for none."""
    site_color: str = "#35506b"
    """Background of the site-wide card."""
    overlay_color: str = "#000000"
    """Layer over a photo; ``category`` for the card's colour."""
    overlay_opacity: float = 0.56
    """Raised automatically to what AA contrast for ``text_color`` needs."""
    jpeg_quality: int = 85
    jpeg_min_quality: int = 60

    def size(self, name: str) -> SizeSettings:
        """The settings of a size by name."""
        for size in self.sizes:
            if size.name == name:
                return size
        raise ConfigError(f"no card size named '{name}' in {SETTINGS_FILE}",
                          hint=f"define [sizes.{name}] with width and height")


@dataclass(frozen=True)
class CardSpec:
    """Everything one card shows."""

    title: str
    label: str
    """The category's name; empty for no label."""
    color: str
    """Background colour, ``#rrggbb`` (darkened if white text would not be readable on it)."""
    organization: str
    logo: Path | None = None
    """A raster logo file (PNG…), or None."""
    background: Path | None = None
    """The post's image, drawn cover-cropped under a dark layer, or None for a plain colour."""
    size: str = "og"
    campaign: str = ""
    """The label of the post's campaign; empty for none."""
    campaign_color: str = "#35506b"
    """The campaign's colour, ``#rrggbb``: its label is drawn in white on it."""
    details: tuple[str, ...] = ()
    """Lines under the title: an event's date and place (``jeudi 8 avril 2027, 18:30 – 20:00``)."""


@dataclass(frozen=True)
class CardLayout:
    """Where everything goes on a card; what tests look at instead of pixels."""

    width: int
    height: int
    title_box: Box
    title_size: int
    title_lines: tuple[str, ...]
    line_origins: tuple[tuple[int, int], ...]
    line_boxes: tuple[Box, ...]
    """Ink box of each title line as drawn."""
    truncated: bool
    """The title did not fit even at ``title_min`` and was cut with an ellipsis."""
    label_box: Box | None
    label_text: str
    footer_box: Box
    organization_text: str
    campaign_box: Box | None = None
    """The campaign's label: beside the category's when both fit on one row, else below it."""
    campaign_text: str = ""
    detail_lines: tuple[str, ...] = ()
    """The details as drawn: each wrapped on at most two lines (cut with … beyond)."""
    detail_origins: tuple[tuple[int, int], ...] = ()
    detail_boxes: tuple[Box, ...] = ()
    """Ink box of each detail line as drawn."""


@dataclass(frozen=True)
class PlannedCard:
    """A card the build publishes: its output path, what it shows and its cache key."""

    output: str
    spec: CardSpec
    key: str


# ---------------------------------------------------------------- settings


_SETTINGS_TYPES: dict[str, type] = {"text_color": str, "line_spacing": float, "label_style": str,
                                    "logo_background": str, "site_color": str, "overlay_color": str,
                                    "overlay_opacity": float, "jpeg_quality": int, "jpeg_min_quality": int,
                                    "title_font": str, "text_font": str}
_SIZE_TYPES: dict[str, type] = {f.name: (int if f.type in ("int", int) else str)
                                for f in fields(SizeSettings) if f.name != "name"}


def load_card_settings(theme_folders: Sequence[Path]) -> CardSettings:
    """Reads ``cards/card.toml`` along the theme chain (most specific folder first); keys of a child override."""
    chain = [folder / CARDS_FOLDER for folder in theme_folders]
    merged: dict[str, Any] = {}
    sizes: dict[str, dict[str, Any]] = {}
    for folder in reversed(chain):
        file = folder / SETTINGS_FILE
        if file.is_file():
            data = read_toml(file)
            for name, table in data.pop("sizes", {}).items():
                sizes.setdefault(name, {}).update(_checked(file, table, _SIZE_TYPES, f"sizes.{name}."))
            merged.update(_checked(file, data, _SETTINGS_TYPES, ""))
    if "title_font" not in merged or "text_font" not in merged:
        raise ConfigError(f"no {SETTINGS_FILE} names title_font and text_font in the theme chain",
                          hint="reinstall hospiblog, or add them to your theme's cards/card.toml")
    size_settings = tuple(SizeSettings(name=name, **values) for name, values in sizes.items())
    settings = CardSettings(
        title_font=_find_font(chain, merged.pop("title_font")),
        text_font=_find_font(chain, merged.pop("text_font")),
        sizes=size_settings,
        **merged,
    )
    _validate(settings, chain)
    return settings


def _checked(file: Path, table: Any, types: dict[str, type], prefix: str) -> dict[str, Any]:
    if not isinstance(table, dict):
        raise ConfigError(f"'{prefix.rstrip('.')}' must be a table", location=SourceLocation(file))
    for key, value in table.items():
        expected = types.get(key)
        if expected is None:
            raise ConfigError(f"unknown key '{prefix}{key}' in {SETTINGS_FILE}",
                              location=SourceLocation(file, key_line(file, key)),
                              hint=f"valid keys: {', '.join(sorted(types))}")
        valid = isinstance(value, expected) and not isinstance(value, bool)
        if expected is float and isinstance(value, int) and not isinstance(value, bool):
            valid = True
        if not valid:
            raise ConfigError(f"'{prefix}{key}' must be {expected.__name__}, not {value!r}",
                              location=SourceLocation(file, key_line(file, key)))
    return {key: (float(value) if types[key] is float else value) for key, value in table.items()}


def _find_font(chain: Sequence[Path], name: str) -> Path:
    for folder in chain:
        if (folder / name).is_file():
            return folder / name
    raise ConfigError(f"card font '{name}' not found in any theme's {CARDS_FOLDER}/ folder",
                      hint=f"put the .ttf file beside {SETTINGS_FILE} or fix its name")


def _validate(settings: CardSettings, chain: Sequence[Path]) -> None:
    where = SourceLocation(next((folder / SETTINGS_FILE for folder in chain
                                 if (folder / SETTINGS_FILE).is_file()), chain[0] / SETTINGS_FILE))
    for name in CARD_SIZES:
        settings.size(name)
    problems = [f"sizes.{size.name}: title_min must be between 8 and title_max"
                for size in settings.sizes if not 8 <= size.title_min <= size.title_max]
    problems += [f"sizes.{size.name}: title_align must be top, center or bottom"
                 for size in settings.sizes if size.title_align not in ("top", "center", "bottom")]
    colours = {"text_color": settings.text_color, "site_color": settings.site_color,
               "logo_background": settings.logo_background or "#ffffff",
               "overlay_color": "#000000" if settings.overlay_color == "category" else settings.overlay_color}
    problems += [f"{key} must be a colour written #rrggbb, not \"{value}\""
                 for key, value in colours.items() if not re.fullmatch(r"#[0-9a-fA-F]{6}", value)]
    if not 0 <= settings.overlay_opacity <= 1:
        problems.append("overlay_opacity must be between 0 and 1")
    if settings.label_style not in ("pill", "plain"):
        problems.append("label_style must be \"pill\" or \"plain\"")
    if not 1 <= settings.jpeg_min_quality <= settings.jpeg_quality <= 95:
        problems.append("jpeg_min_quality and jpeg_quality must satisfy 1 ≤ min ≤ quality ≤ 95")
    if problems:
        raise ConfigError(f"invalid {SETTINGS_FILE}: {problems[0]}", location=where)


# ---------------------------------------------------------------- colours and contrast


@functools.lru_cache(maxsize=64)
def minimum_overlay(overlay: tuple[int, int, int], text: tuple[int, int, int]) -> float:
    """Smallest opacity of ``overlay`` that keeps AA contrast for ``text`` over any pixel, white included."""
    for step in range(0, 201):
        opacity = step / 200
        # The worst case under light text is a white pixel; JPEG rounding is covered by a small margin.
        if contrast_ratio(_mix((255, 255, 255), overlay, opacity), text) >= AA_CONTRAST + 0.1:
            return opacity
    return 1.0


# ---------------------------------------------------------------- text layout


def _font(path: str, size: int) -> ImageFont.FreeTypeFont:
    """The font at a size, loaded once per process and version of its file: serve's process outlives an edit of it,
    and what is measured with a font is kept per font object (:func:`_ink`, :func:`_edges`)."""
    try:
        stat = os.stat(path)
    except OSError:
        return _font_of(path, size, (0, 0))  # truetype says what is wrong
    return _font_of(path, size, (stat.st_mtime_ns, stat.st_size))


@functools.lru_cache(maxsize=256)
def _font_of(path: str, size: int, version: tuple[int, int]) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size, layout_engine=LAYOUT_ENGINE)


@functools.lru_cache(maxsize=1024)
def _ink(font: ImageFont.FreeTypeFont, text: str) -> tuple[float, float, float, float]:
    """The ink box of ``text`` from its top-left origin (anchor ``la``), measured once: fitting, placing and drawing
    a line ask for it several times (its left and right do not depend on the vertical anchor). The box of the mask
    the line is drawn with (:func:`_line_mask`), which is ``getbbox``'s: Pillow computes both the same way."""
    if not text:
        left, top, right, bottom = font.getbbox(text, anchor="la")
        return left, top, right, bottom
    mask, (left, top) = _line_mask(font, text)
    width, height = mask.size
    return left, top, left + width, top + height


@functools.lru_cache(maxsize=16)
def _line_mask(font: ImageFont.FreeTypeFont, text: str) -> tuple[Any, tuple[int, int]]:
    """``text`` rendered as ``ImageDraw.text`` renders it from a whole-pixel origin with anchor ``la``: its mask
    (Pillow's core image) and the mask's offset from the origin. A line is rendered once to be measured and drawn:
    ``getbbox`` then ``text`` lay it out and load its glyphs twice (0.44 ms a share card, measured)."""
    return font.getmask2(text, "L", anchor="la")


@functools.lru_cache(maxsize=8192)
def _edges(font: ImageFont.FreeTypeFont, character: str) -> tuple[float, float, float]:
    """How far a glyph's ink reaches beyond its advance, on the left and on the right, and its advance."""
    left, _, right, _ = font.getbbox(character, anchor="ls")
    advance = font.getlength(character)
    return max(0.0, -left), max(0.0, right - advance), advance


def clean_text(text: str) -> str:
    """NFC text on one line; only ordinary spaces remain breakable (U+202F and U+00A0 keep « x » and x ? together)."""
    return _BREAKING_SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


@functools.lru_cache(maxsize=4096)
def _ink_width(font: ImageFont.FreeTypeFont, text: str) -> int:
    """Width of the ink of a line: its advance plus the overhang of its first and last glyphs.

    Measuring advances is cheap where ``getbbox`` renders the glyphs; lines are checked exactly after wrapping. Kept
    per font: wrapping measures again the words :func:`_wider_than` measured (a line's first, a word cut).
    """
    if not text:
        return 0
    return math.ceil(font.getlength(text) + _edges(font, text[0])[0] + _edges(font, text[-1])[1])


SHAPING_SLACK = 0.5
"""Ems per character by which a word shaped whole is taken to be at most wider than its characters' advances each
shaped alone (kerning and contextual forms move a glyph by a fraction of that): :func:`_wider_than`'s bound."""


def _wider_than(font: ImageFont.FreeTypeFont, word: str, width: int) -> bool:
    """True when the ink of ``word`` is wider than ``width``. Measured (HarfBuzz shapes it: about 40 µs) only when
    a bound does not settle it: its characters' advances, kept per font, plus :data:`SHAPING_SLACK` per character
    and its edges. At the largest og size a word of up to about 12 characters is settled by the bound, so a card's
    fit measures few words but the ones it wraps. A character without advance of its own (a combining mark, which
    may take one after its base) leaves the bound unsure: such a word is measured."""
    if not word:
        return False
    advances = [_edges(font, character)[2] for character in word]
    if not all(advances):
        return _ink_width(font, word) > width
    bound = (sum(advances) + SHAPING_SLACK * font.size * len(word)
             + _edges(font, word[0])[0] + _edges(font, word[-1])[1])
    return bound > width and _ink_width(font, word) > width


def _exact_ink_width(font: ImageFont.FreeTypeFont, text: str) -> int:
    left, _, right, _ = _ink(font, text)
    return math.ceil(right - min(0, left))


def _split_word(word: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """A word wider than the box: cut after hyphens where possible, else between characters."""
    pieces: list[str] = []
    current = ""
    for part in re.findall(r"[^-]+-?|-", word):
        if _ink_width(font, current + part) <= width:
            current += part
            continue
        if current:
            pieces.append(current)
        current = ""
        for character in part:
            if current and _ink_width(font, current + character) > width:
                pieces.append(current)
                current = ""
            current += character
    return [*pieces, current] if current else pieces


def wrap_text(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """Greedy wrapping on ordinary spaces so every line's ink is at most ``width`` wide."""
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        if not word:
            continue
        candidate = f"{current} {word}" if current else word
        if _ink_width(font, candidate) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        pieces = _split_word(word, font, width) or [word]
        lines.extend(pieces[:-1])
        current = pieces[-1]
    return [*lines, current] if current else lines


def _ellipsize(text: str, font: ImageFont.FreeTypeFont, width: int) -> str:
    """``text`` cut at a word (or a character) and ended with … so its ink fits ``width``."""
    if _ink_width(font, text) <= width:
        return text
    words = text.split(" ")
    while len(words) > 1:
        words.pop()
        candidate = " ".join(words).rstrip(" ,;:\u202f\u00a0–-") + "…"
        if _ink_width(font, candidate) <= width:
            return candidate
    characters = words[0] if words else ""
    while characters and _ink_width(font, characters + "…") > width:
        characters = characters[:-1]
    return characters + "…"


@dataclass(frozen=True)
class _TitleFit:
    size: int
    lines: tuple[str, ...]
    line_height: int
    block_height: int
    truncated: bool


def _block_height(font: ImageFont.FreeTypeFont, lines: int, line_height: int) -> int:
    ascent, descent = font.getmetrics()
    return (lines - 1) * line_height + ascent + descent


def fit_title(title: str, font_path: Path, width: int, height: int, *, largest: int, smallest: int,
              line_spacing: float) -> _TitleFit:
    """The largest font size (in steps of 2) at which the wrapped title fits the box; cut with … at the smallest."""
    for size in range(largest, smallest - 1, -2):
        fit = _try_size(title, font_path, size, width, height, line_spacing)
        if fit is not None:
            return fit
    return _truncated(title, font_path, smallest, width, height, line_spacing)


def _try_size(title: str, font_path: Path, size: int, width: int, height: int,
              line_spacing: float) -> _TitleFit | None:
    font = _font(str(font_path), size)
    line_height = round(size * line_spacing)
    if _block_height(font, math.ceil(font.getlength(title) / width), line_height) > height:
        return None  # even perfectly filled lines would not fit: no need to wrap
    if any(_wider_than(font, word, width) for word in set(title.split(" "))):
        return None  # a smaller size that keeps every word whole reads better than a word cut in two
    lines = _wrap_exactly(title, font, width)
    block = _block_height(font, max(1, len(lines)), line_height)
    return _TitleFit(size, tuple(lines), line_height, block, False) if block <= height else None


def _wrap_exactly(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """:func:`wrap_text`, then each line's real ink checked, narrowing the measure where a glyph overhangs."""
    measure = width
    while True:
        lines = wrap_text(text, font, measure)
        excess = max((_exact_ink_width(font, line) - width for line in lines), default=0)
        if excess <= 0 or measure <= 1:
            return lines
        measure -= excess


def _truncated(title: str, font_path: Path, size: int, width: int, height: int, line_spacing: float) -> _TitleFit:
    font = _font(str(font_path), size)
    line_height = round(size * line_spacing)
    ascent, descent = font.getmetrics()
    room = max(1, (height - ascent - descent) // line_height + 1)
    # No glyph is narrower than a quarter of the size, so nothing past this many characters can show.
    lines = _wrap_exactly(title[: (room + 1) * (4 * width // size + 1)], font, width)
    kept = lines[:room]
    if len(lines) > room:
        kept[-1] = _ellipsize(kept[-1] + " " + lines[room], font, width)
        while _exact_ink_width(font, kept[-1]) > width and len(kept[-1]) > 1:
            kept[-1] = kept[-1][:-2].rstrip() + "…"
    return _TitleFit(size, tuple(kept), line_height, _block_height(font, len(kept), line_height), True)


@dataclass(frozen=True)
class _Frame:
    """What a card shows around its title: the labels and the footer (their places do not depend on the title)."""

    label_box: Box | None
    label_text: str
    campaign_box: Box | None
    campaign_text: str
    footer_box: Box
    organization_text: str


def _frame_layout(spec: CardSpec, settings: CardSettings, size: SizeSettings) -> _Frame:
    """Where the labels and footer go: the same for the cards of a category (and campaign), measured once per
    process for each (0.13 ms a card)."""
    return _frame_layout_of(replace(spec, title="", color="", background=None, campaign_color="", details=()),
                            settings, size, _fonts(settings))


def _fonts(settings: CardSettings) -> str:
    """The digests of the settings' fonts: the frames a process keeps are kept by them too (serve's process
    outlives an edit of a font, and a card drawn with the old one would be stored under the new one's key)."""
    return file_digest(settings.title_font) + file_digest(settings.text_font)


@functools.lru_cache(maxsize=64)
def _frame_layout_of(spec: CardSpec, settings: CardSettings, size: SizeSettings, fonts: str) -> _Frame:
    left, right = size.margin, size.width - size.margin
    label_box, label_text = _label_layout(spec.label, settings, size, left, right)
    campaign_box, campaign_text = _campaign_layout(spec, settings, size, label_box, (left, right))
    footer_top = size.height - size.bottom - _footer_height(spec, settings, size)
    organization = _ellipsize(clean_text(spec.organization), _font(str(settings.text_font), size.organization_size),
                              right - _organization_left(spec, size))
    return _Frame(label_box, label_text, campaign_box, campaign_text,
                  (left, footer_top, right, size.height - size.bottom), organization)


def layout_card(spec: CardSpec, settings: CardSettings) -> CardLayout:
    """Positions of the label, title lines and footer of a card; every ink box lies inside the card."""
    size = settings.size(spec.size)
    left, right = size.margin, size.width - size.margin
    frame = _frame_layout(spec, settings, size)
    label_box, campaign_box, footer_top = frame.label_box, frame.campaign_box, frame.footer_box[1]
    labels_bottom = max((box[3] for box in (label_box, campaign_box) if box is not None), default=None)
    title_top = (labels_bottom + size.gap) if labels_bottom is not None else size.top
    details_font = _font(str(settings.text_font), size.details_size)
    details = _detail_lines(spec.details, details_font, right - left)
    details_height = _details_height(details, details_font, size)
    title_box = (left, title_top, right, footer_top - size.gap - details_height)
    fit = fit_title(clean_text(spec.title), settings.title_font, right - left, title_box[3] - title_box[1],
                    largest=size.title_max, smallest=size.title_min, line_spacing=settings.line_spacing)
    if details:
        # The title and its details are one block, placed where the title alone would be.
        block = _aligned_top(size, (left, title_top, right, footer_top - size.gap), fit.block_height + details_height)
        origins, boxes = _place_lines(fit, settings, size, (left, block, right, block + fit.block_height))
    else:
        origins, boxes = _place_lines(fit, settings, size, title_box)
    detail_origins, detail_boxes = _place_details(details, details_font, size, left,
                                                  origins[0][1] + fit.block_height if origins else title_top)
    return CardLayout(size.width, size.height, title_box, fit.size, fit.lines, origins, boxes, fit.truncated,
                      label_box, frame.label_text, frame.footer_box, frame.organization_text, campaign_box,
                      frame.campaign_text, details, detail_origins, detail_boxes)


def _detail_lines(details: Sequence[str], font: ImageFont.FreeTypeFont, width: int) -> tuple[str, ...]:
    """Each detail wrapped to the width on at most two lines, the second cut with … when it is still too long."""
    lines: list[str] = []
    for detail in details:
        wrapped = _wrap_exactly(clean_text(detail), font, width) if detail.strip() else []
        if len(wrapped) > 2:
            wrapped = [wrapped[0], _ellipsize(" ".join(wrapped[1:]), font, width)]
        lines += wrapped
    return tuple(lines)


def _details_height(details: tuple[str, ...], font: ImageFont.FreeTypeFont, size: SizeSettings) -> int:
    """The room the detail lines take under the title, the space between them and the title included."""
    if not details:
        return 0
    ascent, descent = font.getmetrics()
    return size.gap // 2 + (len(details) - 1) * round(size.details_size * 1.3) + ascent + descent


def _aligned_top(size: SizeSettings, box: Box, height: int) -> int:
    room = box[3] - box[1]
    offset = {"top": 0, "center": (room - height) // 2, "bottom": room - height}[size.title_align]
    return box[1] + max(0, offset)


def _place_details(details: tuple[str, ...], font: ImageFont.FreeTypeFont, size: SizeSettings, left: int,
                   title_bottom: int) -> tuple[tuple[tuple[int, int], ...], tuple[Box, ...]]:
    origins: list[tuple[int, int]] = []
    boxes: list[Box] = []
    for number, line in enumerate(details):
        ink = _ink(font, line)
        origin = (left - min(0, int(ink[0])), title_bottom + size.gap // 2 + number * round(size.details_size * 1.3))
        origins.append(origin)
        boxes.append((origin[0] + int(ink[0]), origin[1] + int(ink[1]), origin[0] + int(ink[2]),
                      origin[1] + int(ink[3])))
    return tuple(origins), tuple(boxes)


def _label_layout(label: str, settings: CardSettings, size: SizeSettings, left: int, right: int,
                  top: int | None = None) -> tuple[Box | None, str]:
    """A label's box at ``top`` (the size's top by default), its text cut with … to fit between left and right."""
    text = clean_text(label)
    if not text:
        return None, ""
    if settings.label_style == "plain":
        text = text.upper()
    font = _font(str(settings.title_font), size.label_size)
    pad_x, pad_y = _label_padding(settings, size)
    text = _ellipsize(text, font, right - left - 2 * pad_x)
    ascent, descent = font.getmetrics()
    top = size.top if top is None else top
    box = (left, top, left + _ink_width(font, text) + 2 * pad_x, top + ascent + descent + 2 * pad_y)
    return box, text


def _campaign_layout(spec: CardSpec, settings: CardSettings, size: SizeSettings, label_box: Box | None,
                     span: tuple[int, int]) -> tuple[Box | None, str]:
    """The campaign's label after the category's on its row when it fits whole, else on the next row."""
    left, right = span
    if label_box is None:
        return _label_layout(spec.campaign, settings, size, left, right)
    beside = label_box[2] + round(size.label_size * 0.6)
    box, text = _label_layout(spec.campaign, settings, size, beside, right, top=label_box[1])
    whole = clean_text(spec.campaign)
    if box is None or text == (whole.upper() if settings.label_style == "plain" else whole):
        return box, text
    return _label_layout(spec.campaign, settings, size, left, right, top=label_box[3] + round(size.label_size * 0.5))


def _label_padding(settings: CardSettings, size: SizeSettings) -> tuple[int, int]:
    if settings.label_style == "plain":
        return 0, 0
    return round(size.label_size * 0.7), round(size.label_size * 0.3)


def _footer_height(spec: CardSpec, settings: CardSettings, size: SizeSettings) -> int:
    ascent, descent = _font(str(settings.text_font), size.organization_size).getmetrics()
    return max(size.logo_size if spec.logo else 0, ascent + descent)


def _organization_left(spec: CardSpec, size: SizeSettings) -> int:
    return size.margin + (size.logo_size + round(size.logo_size * 0.3) if spec.logo else 0)


def _place_lines(fit: _TitleFit, settings: CardSettings, size: SizeSettings,
                 box: Box) -> tuple[tuple[tuple[int, int], ...], tuple[Box, ...]]:
    room = box[3] - box[1]
    offset = {"top": 0, "center": (room - fit.block_height) // 2, "bottom": room - fit.block_height}
    top = box[1] + max(0, offset[size.title_align])
    font = _font(str(settings.title_font), fit.size)
    origins: list[tuple[int, int]] = []
    boxes: list[Box] = []
    for number, line in enumerate(fit.lines):
        ink = _ink(font, line)
        origin = (box[0] - min(0, int(ink[0])), top + number * fit.line_height)
        origins.append(origin)
        boxes.append((origin[0] + int(ink[0]), origin[1] + int(ink[1]), origin[0] + int(ink[2]),
                       origin[1] + int(ink[3])))
    return tuple(origins), tuple(boxes)


# ---------------------------------------------------------------- drawing

FRAME_CACHE_SIZE = 16
"""Plain-colour frames a process keeps (:func:`_plain_frame`): one per category, campaign and size drawn; an og
frame takes 2.3 MB, a story's 6.2 MB."""


def draw_card(spec: CardSpec, settings: CardSettings) -> bytes:
    """The card as JPEG bytes; the same spec, settings and files always give the same bytes.

    The frame (background, labels, footer) is drawn first, and only once per process for the plain-colour cards of
    a category (:func:`_plain_frame`), then the title and details: they never overlap the frame (the layout keeps
    a gap between them), so the pixels are those of drawing everything in the order it is read. A plain-colour
    card encodes only the rows its title and details cover, spliced into its frame's (:func:`_plain_card`).
    """
    layout = layout_card(spec, settings)
    size = settings.size(spec.size)
    text_color = parse_color(settings.text_color)
    if spec.background is None:
        spliced = _plain_card(spec, layout, settings, size, text_color)
        if spliced is not None and (not size.max_kb or len(spliced) <= size.max_kb * 1000):
            return spliced
    image = _framed(spec, layout, settings, size, text_color)
    _draw_text(image, layout, settings, size, text_color)
    return encode_jpeg(image, settings, max_bytes=size.max_kb * 1000)


def _draw_text(image: Image.Image, layout: CardLayout, settings: CardSettings, size: SizeSettings,
               text_color: tuple[int, int, int], top: int = 0) -> None:
    """The title and details drawn on ``image``, whose first row is the card's row ``top``."""
    draw = ImageDraw.Draw(image)
    ink = draw.draw.draw_ink(text_color)
    title_font = _font(str(settings.title_font), layout.title_size)
    for line, (x, y) in zip(layout.title_lines, layout.line_origins, strict=True):
        _draw_line(draw, (x, y - top), line, title_font, ink)
    details_font = _font(str(settings.text_font), size.details_size)
    for line, (x, y) in zip(layout.detail_lines, layout.detail_origins, strict=True):
        _draw_line(draw, (x, y - top), line, details_font, ink)


def _draw_line(draw: ImageDraw.ImageDraw, origin: tuple[int, int], text: str, font: ImageFont.FreeTypeFont,
               ink: int) -> None:
    """One line drawn as ``draw.text(origin, text, font=font, fill=…, anchor="la")`` draws it (the same mask, given
    to the same ``draw_bitmap``; tests/test_cards.py compares the pixels), with the mask its measure rendered."""
    if not text:
        return
    mask, (left, top) = _line_mask(font, text)
    draw.draw.draw_bitmap((origin[0] + left, origin[1] + top), mask, ink)


def _plain_card(spec: CardSpec, layout: CardLayout, settings: CardSettings, size: SizeSettings,
                text_color: tuple[int, int, int]) -> bytes | None:
    """A plain-colour card as its frame's JPEG with the rows of blocks its text covers encoded again
    (:mod:`hospiblog.jpegrows`): the bytes of encoding the whole card with restart markers, in about a third of
    the time (benchmarks/README.md). None when this Pillow writes no restart markers."""
    frame_spec = replace(spec, title="", details=())
    files = _frame_files(spec, settings)
    frame_rows = _plain_frame_rows(frame_spec, settings, files)
    boxes = (*layout.line_boxes, *layout.detail_boxes)
    if frame_rows is None or not boxes:
        return None
    first = max(0, min(box[1] for box in boxes) - 1) // jpegrows.ROW
    end = min(layout.height, -(-(max(box[3] for box in boxes) + 1) // jpegrows.ROW) * jpegrows.ROW)
    top = first * jpegrows.ROW
    if end <= top:  # a theme's sizes put the text below the card: nothing of it shows
        return None
    band = _plain_frame(frame_spec, settings, files).crop((0, top, layout.width, end))
    _draw_text(band, layout, settings, size, text_color, top)
    band_rows = jpegrows.rows(jpegrows.encode(band, settings.jpeg_quality), band.height)
    return jpegrows.splice(frame_rows, band_rows, first) if band_rows is not None else None


@functools.lru_cache(maxsize=FRAME_CACHE_SIZE)
def _plain_frame_rows(spec: CardSpec, settings: CardSettings, files: str) -> jpegrows.Rows | None:
    """The rows of the JPEG of :func:`_plain_frame`, encoded once per process and frame."""
    frame = _plain_frame(spec, settings, files)
    return jpegrows.rows(jpegrows.encode(frame, settings.jpeg_quality), frame.height)


def _framed(spec: CardSpec, layout: CardLayout, settings: CardSettings, size: SizeSettings,
            text_color: tuple[int, int, int]) -> Image.Image:
    """A new image of the card's frame, ready for its title."""
    if spec.background is None:
        frame_spec = replace(spec, title="", details=())
        return _plain_frame(frame_spec, settings, _frame_files(spec, settings)).copy()
    color = _card_color(spec.color, settings.text_color)
    image = _background(spec, settings, size, color, text_color)
    frame = _Frame(layout.label_box, layout.label_text, layout.campaign_box, layout.campaign_text,
                   layout.footer_box, layout.organization_text)
    _draw_frame(image, spec, frame, settings, size, text_color)
    return image


def _frame_files(spec: CardSpec, settings: CardSettings) -> str:
    return file_digest(spec.logo) + _fonts(settings)


@functools.lru_cache(maxsize=FRAME_CACHE_SIZE)
def _plain_frame(spec: CardSpec, settings: CardSettings, files: str) -> Image.Image:
    """The frame of the plain-colour cards that share ``spec`` but for the title (the caller copies it; it is never
    changed). ``files``: the digests of the logo and fonts (:func:`_frame_files`): serve's process outlives an edit
    of them."""
    size = settings.size(spec.size)
    text_color = parse_color(settings.text_color)
    image = _background(spec, settings, size, _card_color(spec.color, settings.text_color), text_color)
    _draw_frame(image, spec, _frame_layout(spec, settings, size), settings, size, text_color)
    return image


@functools.lru_cache(maxsize=64)
def _card_color(color: str, text_color: str) -> tuple[int, int, int]:
    """The card's colour, darkened where ``text_color`` would not be readable on it."""
    return readable_background(parse_color(color), parse_color(text_color))


def _draw_frame(image: Image.Image, spec: CardSpec, frame: _Frame, settings: CardSettings, size: SizeSettings,
                text_color: tuple[int, int, int]) -> None:
    color = _card_color(spec.color, settings.text_color)
    _draw_label(image, frame, settings, size, color, text_color)
    _draw_campaign(image, spec, frame, settings, size, text_color)
    _draw_footer(image, spec, frame, settings, size, text_color)


def _background(spec: CardSpec, settings: CardSettings, size: SizeSettings, color: tuple[int, int, int],
                text_color: tuple[int, int, int]) -> Image.Image:
    if spec.background is None:
        return Image.new("RGB", (size.width, size.height), color)
    photo = _open_image(spec.background, (size.width, size.height))
    ImageOps.exif_transpose(photo, in_place=True)
    photo.info = {}
    if photo.mode in ("RGBA", "LA", "P"):
        base = Image.new("RGBA", photo.size, (*color, 255))
        photo = Image.alpha_composite(base, photo.convert("RGBA"))
    # Bicubic is plenty under a dark overlay, and twice as fast as Lanczos on these sizes.
    photo = ImageOps.fit(photo if photo.mode == "RGB" else photo.convert("RGB"), (size.width, size.height),
                        Image.Resampling.BICUBIC)
    overlay_rgb = color if settings.overlay_color == "category" else parse_color(settings.overlay_color)
    opacity = max(settings.overlay_opacity, minimum_overlay(overlay_rgb, text_color))
    image = Image.blend(photo, Image.new("RGB", photo.size, overlay_rgb), opacity)
    if size.accent_bar:
        ImageDraw.Draw(image).rectangle((0, size.height - size.accent_bar, size.width, size.height), fill=color)
    return image


_ORIENTING = ("exif", "xmp", "XML:com.adobe.xmp", "transparency")
"""What of an image's metadata a card keeps until it is upright: where Pillow's ``getexif`` finds the orientation
(EXIF, else XMP), and a palette's transparency."""


def _open_image(path: Path, cover: tuple[int, int] | None = None) -> Image.Image:
    """The image's pixels, without what the file says besides them: a card never carries the photo's metadata.

    ``cover``: the size the pixels will be cropped and reduced to; a JPEG at least twice as large is decoded at
    1/2, 1/4 or 1/8 scale, still covering it (libjpeg's scaled decoding: a 4000×3000 photo for an og card in a
    quarter of the time, benchmarks/README.md)."""
    try:
        with open_image(path) as opened:
            if cover is not None:
                draft_upright(opened, cover)
            opened.load()
            pixels = opened.copy()
            # EXIF and XMP kept only until exif_transpose has read the orientation (the one getexif gave above)
            pixels.info = {key: value for key, value in opened.info.items() if key in _ORIENTING}
            return pixels
    except (OSError, UnidentifiedImageError) as error:
        raise ContentError(f"cannot read the image {path.name} for a share card: {error}",
                           location=SourceLocation(path),
                           hint="save it again as JPEG or PNG") from error


@functools.lru_cache(maxsize=64)
def _rounded_mask(width: int, height: int, radius: int) -> Image.Image:
    """An anti-aliased rounded rectangle (drawn 4× larger, then reduced); shared, never modified."""
    scale = 4
    mask = Image.new("L", (width * scale, height * scale), 0)
    ImageDraw.Draw(mask).rounded_rectangle((0, 0, width * scale - 1, height * scale - 1),
                                           radius=radius * scale, fill=255)
    return mask.resize((width, height), Image.Resampling.LANCZOS)


def _draw_label(image: Image.Image, frame: _Frame, settings: CardSettings, size: SizeSettings,
                color: tuple[int, int, int], text_color: tuple[int, int, int]) -> None:
    if frame.label_box is None:
        return
    left, top, right, bottom = frame.label_box
    fill = text_color
    if settings.label_style == "pill":
        # The pill is the text colour and the label the card colour: the same AA pair, inverted.
        mask = _rounded_mask(right - left, bottom - top, (bottom - top) // 2)
        image.paste(text_color, (left, top, right, bottom), mask)
        fill = color
    _draw_label_text(image, frame.label_box, frame.label_text, settings, size, fill)


def _draw_campaign(image: Image.Image, spec: CardSpec, frame: _Frame, settings: CardSettings,
                   size: SizeSettings, text_color: tuple[int, int, int]) -> None:
    """The campaign's label: a pill of the campaign's colour ringed with the text colour, so it stands apart
    from the card's colour or photo; its text is the text colour (white on the campaign's colour: AA)."""
    if frame.campaign_box is None:
        return
    left, top, right, bottom = frame.campaign_box
    if settings.label_style == "pill":
        ring = max(2, round(size.label_size * 0.12))
        radius = (bottom - top) // 2
        image.paste(text_color, (left, top, right, bottom), _rounded_mask(right - left, bottom - top, radius))
        inner = (left + ring, top + ring, right - ring, bottom - ring)
        campaign_color = _card_color(spec.campaign_color, settings.text_color)
        image.paste(campaign_color, inner, _rounded_mask(inner[2] - inner[0], inner[3] - inner[1], radius - ring))
    _draw_label_text(image, frame.campaign_box, frame.campaign_text, settings, size, text_color)


def _draw_label_text(image: Image.Image, box: Box, text: str, settings: CardSettings, size: SizeSettings,
                     fill: tuple[int, int, int]) -> None:
    font = _font(str(settings.title_font), size.label_size)
    pad_x, pad_y = _label_padding(settings, size)
    x = box[0] + pad_x - min(0, int(_ink(font, text)[0]))
    ImageDraw.Draw(image).text((x, box[1] + pad_y), text, font=font, fill=fill, anchor="la")


def _draw_footer(image: Image.Image, spec: CardSpec, frame: _Frame, settings: CardSettings,
                 size: SizeSettings, text_color: tuple[int, int, int]) -> None:
    left, top, _, bottom = frame.footer_box
    middle = (top + bottom) // 2
    if spec.logo is not None:
        _paste_logo(image, spec.logo, settings, (left, middle - size.logo_size // 2), size.logo_size)
    font = _font(str(settings.text_font), size.organization_size)
    ImageDraw.Draw(image).text((_organization_left(spec, size), middle), frame.organization_text,
                               font=font, fill=text_color, anchor="lm")


def _paste_logo(image: Image.Image, path: Path, settings: CardSettings, where: tuple[int, int], box: int) -> None:
    inset = round(box * 0.12) if settings.logo_background else 0
    if settings.logo_background:
        image.paste(parse_color(settings.logo_background), (*where, where[0] + box, where[1] + box),
                    _rounded_mask(box, box, round(box * 0.22)))
    logo = _logo(path, file_digest(path), box - 2 * inset)
    x = where[0] + (box - logo.width) // 2
    y = where[1] + (box - logo.height) // 2
    image.paste(logo, (x, y), logo)


@functools.lru_cache(maxsize=8)
def _logo(path: Path, digest: str, side: int) -> Image.Image:
    """The logo reduced to fit a ``side``-pixel square, decoded once per file's bytes (``digest``); never changed."""
    return ImageOps.contain(_open_image(path).convert("RGBA"), (side, side), Image.Resampling.LANCZOS)


def encode_jpeg(image: Image.Image, settings: CardSettings, *, max_bytes: int = 0) -> bytes:
    """Baseline JPEG without metadata; quality lowered in steps of 5 (then chroma halved) to fit ``max_bytes``."""
    data = b""
    for subsampling in (0, 2):  # 4:4:4 keeps text edges on colour clean; 4:2:0 only as a last resort
        for quality in range(settings.jpeg_quality, settings.jpeg_min_quality - 1, -5):
            data = _jpeg(image, quality, subsampling)
            if not max_bytes or len(data) <= max_bytes:
                return data
    return data


def _jpeg(image: Image.Image, quality: int, subsampling: int) -> bytes:
    buffer = io.BytesIO()
    pixels = image
    if image.mode != "RGB" or image.info:  # a copy; Pillow would write a source's comment again
        pixels = image.convert("RGB")
        pixels.info = {}
    pixels.save(buffer, "JPEG", quality=quality, optimize=True, progressive=False, subsampling=subsampling)
    return buffer.getvalue()


def fit_jpeg(data: bytes, max_bytes: int) -> bytes:
    """An image file's bytes as they are when small enough, else re-encoded (then reduced) as JPEG under ``max_bytes``.

    For the social kit: an editor's ``share_image`` may be a large PNG, and WhatsApp wants under 300 KB.
    """
    if len(data) <= max_bytes:
        return data
    with Image.open(io.BytesIO(data)) as opened:
        image = ImageOps.exif_transpose(opened).convert("RGB")
    while True:
        for quality in (85, 75, 65):
            encoded = _jpeg(image, quality, 2)
            if len(encoded) <= max_bytes or min(image.size) < 64:
                return encoded
        image = image.resize((image.width * 3 // 4, image.height * 3 // 4), Image.Resampling.LANCZOS)


# ---------------------------------------------------------------- keys and cache


@functools.cache
def code_fingerprint() -> str:
    """Hash of this module and of Pillow's version: new drawing code never reuses an old card."""
    own = state.code_fingerprint("cards.py", "colors.py", "jpegrows.py")
    return hashlib.blake2b(f"{own}|{PIL.__version__}|{LAYOUT_ENGINE}|{features.version('raqm')}".encode(),
                           digest_size=8).hexdigest()


@functools.lru_cache(maxsize=4096)
def _file_digest_cached(path: str, mtime_ns: int, size: int) -> str:
    return hashlib.blake2b(Path(path).read_bytes(), digest_size=16).hexdigest()


def file_digest(path: Path | None) -> str:
    """Hash of a file's bytes ("" for none); memoised per (path, mtime, size) so a build reads each file once."""
    if path is None:
        return ""
    try:
        stat = path.stat()
    except OSError:
        return "missing"
    return _file_digest_cached(str(path), stat.st_mtime_ns, stat.st_size)


def settings_digest(settings: CardSettings) -> str:
    """Hash of the card settings, the fonts' bytes and the drawing code (not of the folders they sit in).

    Pages show the cards' sizes in their meta tags: add this to the digest of every page.
    """
    return _settings_digest(settings, file_digest(settings.title_font), file_digest(settings.text_font))


@functools.lru_cache(maxsize=16)
def _settings_digest(settings: CardSettings, title_font: str, text_font: str) -> str:
    """:func:`settings_digest` of the fonts' digests, once per build: every card's key holds it (the repr of the
    settings took 0.11 s for the 2,002 keys of a 1,000-post build)."""
    portable = replace(settings, title_font=Path(title_font), text_font=Path(text_font))
    return hashlib.blake2b(f"{code_fingerprint()}|{portable!r}".encode(), digest_size=16).hexdigest()


def card_key(spec: CardSpec, settings: CardSettings) -> str:
    """Hash of everything that affects a card's pixels: spec, settings, code, and the bytes of its files."""
    return _card_key(spec, settings_digest(settings), file_digest)


def _card_key(spec: CardSpec, settings_key: str, digest: Callable[[Path | None], str]) -> str:
    parts = (settings_key, spec.title, spec.label, spec.color, spec.organization,
             spec.size, digest(spec.logo), digest(spec.background), spec.campaign, spec.campaign_color,
             "\x1f".join(spec.details))
    hasher = hashlib.blake2b(digest_size=16)
    for part in parts:
        hasher.update(part.encode() + b"\0")
    return hasher.hexdigest()


def card_store(cache_dir: Path) -> BlobStore:
    """Where drawn cards (and video posters) are kept, by key."""
    return BlobStore(cache_dir, magic=_CACHE_MAGIC, suffix=".card")


def read_cached_card(cache_dir: Path, key: str) -> bytes | None:
    """A card from the cache, or None when absent, partial or damaged (its checksum is verified)."""
    return card_store(cache_dir).read(key)


def store_card(cache_dir: Path, key: str, data: bytes) -> None:
    """Stores a card atomically; failing to store is not an error (the cache can always be deleted)."""
    card_store(cache_dir).store(key, data)


def draw_cards(specs: Iterable[CardSpec], settings: CardSettings, cache_dir: Path | None,
               workers: int | None = None) -> dict[str, bytes]:
    """Every card's bytes by :func:`card_key`: from the cache where valid, drawn (in parallel when many) otherwise."""
    by_key = {card_key(spec, settings): spec for spec in specs}
    found = {key: read_cached_card(cache_dir, key) if cache_dir else None for key in by_key}
    missing = [key for key, data in found.items() if data is None]
    for key, data in zip(missing, _draw_many([by_key[key] for key in missing], settings, workers), strict=True):
        found[key] = data
        if cache_dir:
            store_card(cache_dir, key, data)
    return {key: data for key, data in found.items() if data is not None}


def warm_card_cache(specs: Iterable[CardSpec] | Mapping[str, CardSpec], settings: CardSettings, cache_dir: Path,
                    workers: int | None = None, *, progress: Progress = SILENT) -> int:
    """Draws the cards not yet in the cache (only checking that their file exists); returns how many were drawn.
    ``specs`` may be given by their :func:`card_key` (the build's planned cards have theirs).

    Lets the build spread the work over the cores before the writer asks for the bytes of the few
    cards whose output changed with :func:`card_bytes`. ``progress`` counts the cards drawn.
    """
    by_key = dict(specs) if isinstance(specs, Mapping) else {card_key(spec, settings): spec for spec in specs}
    missing = card_store(cache_dir).missing(by_key)
    if missing:
        progress.expect(len(missing))
    drawn = counted(_draw_many([by_key[key] for key in missing], settings, workers), progress)
    for key, data in zip(missing, drawn, strict=True):
        store_card(cache_dir, key, data)
    return len(missing)


def card_bytes(spec: CardSpec, settings: CardSettings, cache_dir: Path | None) -> bytes:
    """One card's bytes: from the cache when valid, else drawn now (and stored)."""
    if cache_dir is None:
        return draw_card(spec, settings)
    return card_store(cache_dir).get_or_make(card_key(spec, settings), lambda: draw_card(spec, settings))


def _draw_many(specs: list[CardSpec], settings: CardSettings, workers: int | None) -> Iterator[bytes]:
    """The cards' bytes in order, each as soon as it is drawn."""
    count = workers if workers is not None else (os.cpu_count() or 1)
    if count <= 1 or len(specs) <= PARALLEL_THRESHOLD:
        yield from (draw_card(spec, settings) for spec in specs)
        return
    from concurrent.futures import ProcessPoolExecutor  # imported where needed: most builds draw no card

    with ProcessPoolExecutor(max_workers=min(count, len(specs)), initializer=collector.worker_started) as pool:
        yield from pool.map(draw_card, specs, [settings] * len(specs), chunksize=max(1, len(specs) // (count * 4)))


# ---------------------------------------------------------------- the site's cards


def card_output_path(category_slug: str, post_slug: str, size_name: str, prefix: str = "") -> str:
    """Output path of a post's card: ``cards/<category>/<slug>-og.jpg`` (``-square``, ``-story``); a post in
    another language than the site's default one under its prefix (``cards/de/<category>/…``)."""
    return safe_relative("/".join(filter(None, (CARDS_FOLDER, prefix, category_slug, f"{post_slug}-{size_name}.jpg"))))


def site_card_output(prefix: str = "") -> str:
    """Output path of the site's card in the language of ``prefix``: ``cards/site-og.jpg``, ``cards/de/site-og.jpg``."""
    return SITE_CARD_OUTPUT if not prefix else f"{CARDS_FOLDER}/{prefix}/{SITE_CARD_OUTPUT.rsplit('/', 1)[1]}"


def card_alt(title: str, label: str, organization: str, campaign: str = "", details: Sequence[str] = ()) -> str:
    """Alternative text of a card: the text it shows."""
    return " – ".join(part for part in (clean_text(title), *details, label, campaign, organization) if part)


def _raster(lookup: StaticLookup, path: str) -> Path | None:
    if not path or not path.lower().endswith(RASTER_SUFFIXES):
        return None
    return lookup("/" + path.lstrip("/"))


def post_card_specs(post: Post, config: SiteConfig, *, static_lookup: StaticLookup,
                    sizes: Sequence[str] = CARD_SIZES) -> dict[str, CardSpec]:
    """A post's cards by size name; without ``og`` when the post gives its own ``share_image``."""
    meta = post.meta
    category = config.categories[meta.category]
    campaign = config.campaigns.get(meta.campaign or "")
    shown: dict[str, Any] = {"campaign": campaign.label, "campaign_color": campaign.color} if campaign else {}
    logo, background = _raster(static_lookup, config.organization.logo), _raster(static_lookup, meta.image or "")
    details = events.details(meta, config)
    # Made whole for each size (dataclasses.replace took a third of planning 10,000 posts' cards).
    return {size: CardSpec(title=meta.title, label=category.label, color=category.color,
                           organization=config.organization.name, logo=logo, background=background, size=size,
                           details=details, **shown)
            for size in sizes if not (size == "og" and meta.share_image)}


def site_card_spec(config: SiteConfig, settings: CardSettings, *, static_lookup: StaticLookup) -> CardSpec:
    """The site-wide card: the blog's title on the theme's site colour."""
    return CardSpec(title=config.title, label="", color=settings.site_color, organization=config.organization.name,
                    logo=_raster(static_lookup, config.organization.logo), size="og")


def plan_cards(posts: Iterable[Post], config: SiteConfig, settings: CardSettings, *,
               static_lookup: StaticLookup, sizes: Sequence[str] = PUBLISHED_SIZES) -> list[PlannedCard]:
    """Every card the site publishes: one per size of ``sizes`` and post (no ``og`` with a ``share_image``) and
    the site card, in each language of the site."""
    planned = []
    settings_key = settings_digest(settings)
    digest = functools.cache(file_digest)  # the logo's and each image's bytes hashed once in this plan
    for language in config.site_languages:  # the site card in each language, with its title
        edition = config.edition(language)
        spec = site_card_spec(edition, settings, static_lookup=static_lookup)
        planned.append(PlannedCard(site_card_output(edition.prefix), spec, _card_key(spec, settings_key, digest)))
    for post in posts:
        edition = config.edition_for(post.meta.lang)  # its category label in its language
        slug = edition.categories[post.meta.category].slug
        for size, spec in post_card_specs(post, edition, static_lookup=static_lookup, sizes=sizes).items():
            planned.append(PlannedCard(card_output_path(slug, post.meta.slug, size, edition.prefix), spec,
                                       _card_key(spec, settings_key, digest)))
    return planned


def post_share_images(post: Post, config: SiteConfig, settings: CardSettings, *,
                      image_sizes: Mapping[str, tuple[int, int]],
                      sizes: Sequence[str] = PUBLISHED_SIZES) -> tuple[ShareImage, ...]:
    """Images for a post's meta tags and JSON-LD: the og card (or ``share_image``) first, then the square card
    when ``sizes``, the sizes the build publishes (as given to :func:`plan_cards`), hold it."""
    meta = post.meta
    category = config.categories[meta.category]
    campaign = config.campaigns.get(meta.campaign or "")
    alt = card_alt(meta.title, category.label, config.organization.name, campaign.label if campaign else "",
                   events.details(meta, config))
    images: list[ShareImage] = []
    if meta.share_image:
        source = "/" + meta.share_image.lstrip("/")
        url = published_path(source)  # a HEIC photo is published as JPEG
        width, height = image_sizes.get(source, (0, 0))
        images.append(ShareImage(absolute(config.base_url, url), width, height, meta.image_alt or alt,
                                 media_type(url)))
    for size in ("og", "square"):
        if size not in sizes or (size == "og" and meta.share_image):
            continue
        geometry = settings.size(size)
        output = card_output_path(category.slug, meta.slug, size, config.prefix)
        images.append(ShareImage(absolute(config.base_url, output), geometry.width, geometry.height, alt))
    return tuple(images)


def site_share_image(config: SiteConfig, settings: CardSettings) -> ShareImage:
    """The site card as an image for meta tags."""
    geometry = settings.size("og")
    return ShareImage(absolute(config.base_url, site_card_output(config.prefix)), geometry.width, geometry.height,
                      card_alt(config.title, "", config.organization.name))


def post_card_images(post: Post, config: SiteConfig, settings: CardSettings, *, static_lookup: StaticLookup,
                     cache_dir: Path | None) -> dict[str, bytes]:
    """A post's images for the social kit by size name: ``og`` (its ``share_image`` file when given), square, story."""
    images = {size: card_bytes(spec, settings, cache_dir)
              for size, spec in post_card_specs(post, config, static_lookup=static_lookup).items()}
    if post.meta.share_image:
        path = static_lookup("/" + post.meta.share_image.lstrip("/"))
        if path is None:
            raise ContentError(f"share_image not found: {post.meta.share_image}",
                               location=SourceLocation(post.source_path, post.meta.line_of("share_image")),
                               hint="put the image under static/ and write its path from there")
        images["og"] = clean_file(path)  # as the site publishes it: without metadata
    return {size: images[size] for size in CARD_SIZES if size in images}


__all__ = [
    "AA_CONTRAST",
    "CARD_SIZES",
    "PUBLISHED_SIZES",
    "SITE_CARD_OUTPUT",
    "CardLayout",
    "CardSettings",
    "CardSpec",
    "PlannedCard",
    "SizeSettings",
    "card_alt",
    "card_bytes",
    "card_key",
    "card_output_path",
    "card_store",
    "contrast_ratio",
    "draw_card",
    "draw_cards",
    "encode_jpeg",
    "fit_jpeg",
    "layout_card",
    "load_card_settings",
    "parse_color",
    "plan_cards",
    "post_card_images",
    "post_card_specs",
    "post_share_images",
    "read_cached_card",
    "readable_background",
    "settings_digest",
    "site_card_output",
    "site_card_spec",
    "site_share_image",
    "store_card",
    "warm_card_cache",
]
