"""The pixels of published images: cleaned originals and variants, made with Pillow, cached and spread over the cores.

:mod:`hospiblog.responsive` decides which files a build publishes and their cache keys; this module makes them.
A source is read once for all its files: the cleaned original is its own bytes with the metadata blocks
filtered out (:mod:`hospiblog.metadata`, lossless), or, when its EXIF orientation must be applied or its
format has no such filter (HEIC, AVIF), its pixels encoded again: JPEG with the source's own quantisation
tables, PNG losslessly. Variants are resized with Lanczos (never enlarged) and encoded with the theme's
qualities; no file keeps the source's EXIF, XMP, IPTC or comment, and every one keeps its ICC profile.

Made files are kept in ``.hospiblog-cache/images/`` under their key (the source's bytes, the format, size
and quality, the encoders' versions and this code), so a source is decoded only when one of its files is
missing; :func:`warm_image_cache` makes the missing ones over the cores before the writer asks for them.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import os
from collections.abc import Iterable
from pathlib import Path

import PIL
from PIL import Image, ImageOps, JpegImagePlugin, UnidentifiedImageError, features

from . import collector, state
from .cache import BlobStore
from .errors import ContentError, SourceLocation
from .metadata import STRIPPERS
from .progress import SILENT, Progress, counted
from .responsive import PUBLISHED_FORMAT, ImagePlan, ImageSettings, SourceImage, Variant, image_kind

PARALLEL_THRESHOLD = 2
"""Below this many sources to read, a process pool costs more than it saves."""
ORIENTATION = 0x0112
WEBP_METHOD = 6
"""libwebp's slowest, smallest setting: at these sizes it costs little more than the default 4."""
AVIF_SPEED = 7
"""libavif's speed, 0 (slowest) to 10: about twice as fast as the default 6 for files of the same size and a
fraction of a decibel less (measured on the demo's images)."""
_CACHE_MAGIC = b"HBIMG1\n"
_HEIF_SUFFIXES = (".heic", ".heif")


@functools.cache
def heif_available() -> bool:
    """Registers pillow-heif's opener (once); False when it is not installed."""
    try:
        from pillow_heif import register_heif_opener
    except ImportError:
        return False
    register_heif_opener()
    return True


def open_image(path: Path) -> Image.Image:
    """Opens an image file lazily (HEIC and HEIF through pillow-heif); raises ContentError when it cannot."""
    if path.suffix.lower() in _HEIF_SUFFIXES and not heif_available():
        raise ContentError(f"cannot read the HEIC photo {path.name}: pillow-heif is not installed",
                           location=SourceLocation(path), hint="pip install pillow-heif, or save it as JPEG")
    try:
        return Image.open(path)
    except (OSError, UnidentifiedImageError) as error:
        raise ContentError(f"cannot read the image {path.name}: {error}", location=SourceLocation(path),
                           hint="save it again as JPEG, PNG or WebP, or remove it from static/") from error


@functools.cache
def encoder_fingerprint() -> str:
    """Hash of this code and of the encoders' versions: a new encoder never reuses an old file."""
    own = state.code_fingerprint("imaging.py", "metadata.py")  # the code that makes bytes; names are planned elsewhere
    versions = [PIL.__version__, *(str(features.version(name)) for name in ("jpg", "webp", "avif", "zlib"))]
    with contextlib.suppress(ImportError):
        import pillow_heif

        versions.append(pillow_heif.__version__)
    return hashlib.blake2b("|".join([own, *versions]).encode(), digest_size=16).hexdigest()


def available_formats() -> frozenset[str]:
    """The modern formats the installed Pillow can write."""
    return frozenset(name for name in ("avif", "webp") if features.check(name))


# ---------------------------------------------------------------- making the files


def make_files(image: SourceImage, settings: ImageSettings, wanted: Iterable[str] | None = None) -> dict[str, bytes]:
    """The bytes of the source's files whose key is in ``wanted`` (all when None), by key; the file is read and
    opened once for all of them.

    A file Pillow cannot read at all is published as it is, like any other static file (``missing-image``
    reports it when an article shows it); a HEIC photo that cannot be read raises ContentError.
    """
    keys = set(wanted) if wanted is not None else {variant.key for variant in image.files}
    variants = [variant for variant in image.variants if variant.key in keys]
    data = image.source.read_bytes()
    try:
        opened = _opened(image.source, data)
    except ContentError:
        if image.kind == "heic" or variants:
            raise
        return {image.original.key: data} if image.original.key in keys else {}
    made: dict[str, bytes] = {}
    with opened:
        if image.original.key in keys:
            made[image.original.key] = _clean(opened, data, image, settings)
        if variants:
            made.update(_make_variants(opened, variants, settings))
    return made


def clean_original(image: SourceImage, settings: ImageSettings) -> bytes:
    """The published original: without metadata, in the right orientation, in a format browsers show."""
    return make_files(image, settings, [image.original.key])[image.original.key]


def _clean(opened: Image.Image, data: bytes, image: SourceImage, settings: ImageSettings) -> bytes:
    orientation = opened.getexif().get(ORIENTATION, 1)
    strip = STRIPPERS.get(image.kind)
    if strip is not None and orientation == 1:
        with contextlib.suppress(ValueError):
            return strip(data)
    if image.kind == "avif" and not {"exif", "xmp"} & set(opened.info):
        return data  # nothing to remove: not encoded again
    return _encode_again(opened, image, settings)


def clean_file(path: Path, settings: ImageSettings | None = None) -> bytes:
    """Any image file as the site publishes it: without metadata (a HEIC photo as JPEG); other files as they are."""
    kind = image_kind(path.name)
    if kind is None:
        return path.read_bytes()
    published = PUBLISHED_FORMAT[kind]
    image = SourceImage(path, kind, Variant(path.name, published, 0, 0, ""))
    return clean_original(image, settings or ImageSettings())


def _opened(path: Path, data: bytes) -> Image.Image:
    if path.suffix.lower() in _HEIF_SUFFIXES and not heif_available():
        return open_image(path)  # raises, saying pillow-heif is missing
    try:
        return Image.open(io.BytesIO(data))
    except (OSError, UnidentifiedImageError) as error:
        raise ContentError(f"cannot read the image {path.name}: {error}", location=SourceLocation(path),
                           hint="save it again as JPEG, PNG or WebP, or remove it from static/") from error


def _encode_again(opened: Image.Image, image: SourceImage, settings: ImageSettings) -> bytes:
    """The pixels turned upright and encoded again in the published format, as close to the source as it goes."""
    options: dict[str, object] = {}
    if image.kind == "jpeg" and isinstance(opened, JpegImagePlugin.JpegImageFile):
        # The source's own tables: the same compression, not a second choice of quality.
        options = {"qtables": opened.quantization, "progressive": "progressive" in opened.info}
        sampling = JpegImagePlugin.get_sampling(opened)
        if sampling >= 0:
            options["subsampling"] = sampling
    picture, icc = _upright(opened)
    name = image.original.format
    if name == "webp":
        options = {"lossless": True}  # a WebP's EXIF orientation is rare: keep every pixel rather than guess
    return encode(picture, name, settings, icc, **options)


def draft_upright(opened: Image.Image, size: tuple[int, int]) -> None:
    """Lets libjpeg decode a JPEG at 1/2, 1/4 or 1/8 scale, still covering ``size`` once the picture is turned as
    its EXIF (or XMP) orientation asks: much faster for a big photo. Nothing for other formats, nor once the image
    was loaded."""
    if isinstance(opened, JpegImagePlugin.JpegImageFile):
        turned = opened.getexif().get(ORIENTATION, 1) in (5, 6, 7, 8)
        opened.draft(None, (size[1], size[0]) if turned else size)


def _make_variants(opened: Image.Image, variants: list[Variant], settings: ImageSettings) -> dict[str, bytes]:
    largest = max(variants, key=lambda variant: variant.width)
    draft_upright(opened, (largest.width, largest.height))
    picture, icc = _upright(opened)
    made: dict[str, bytes] = {}
    by_size: dict[tuple[int, int], list[Variant]] = {}
    for variant in variants:
        by_size.setdefault((variant.width, variant.height), []).append(variant)
    for size in sorted(by_size, reverse=True):
        resized = picture if picture.size == size else picture.resize(size, Image.Resampling.LANCZOS,
                                                                     reducing_gap=3.0)
        for variant in by_size[size]:
            made[variant.key] = encode(resized, variant.format, settings, icc)
    return made


def _upright(opened: Image.Image) -> tuple[Image.Image, bytes | None]:
    """The decoded pixels in the orientation EXIF asks for, in a mode every encoder takes, without metadata."""
    opened.load()
    icc = opened.info.get("icc_profile") or None
    picture = ImageOps.exif_transpose(opened) or opened
    picture = _usual_mode(picture)
    picture.info = {}  # what Pillow would otherwise write again (a JPEG's comment, a PNG's ICC…)
    return picture, icc


def _usual_mode(picture: Image.Image) -> Image.Image:
    if picture.mode in ("RGB", "RGBA", "L") and "transparency" not in picture.info:
        return picture
    if picture.mode in ("I;16", "I;16B", "I;16L", "I"):
        return picture.convert("I").point(lambda value: value * (1 / 257)).convert("L")
    if picture.mode in ("LA", "PA", "RGBa", "La") or "transparency" in picture.info:
        return picture.convert("RGBA")
    return picture.convert("RGB")


def encode(picture: Image.Image, name: str, settings: ImageSettings, icc: bytes | None, **options: object) -> bytes:
    """Encodes pixels (without metadata, with the ICC profile) as ``jpeg``, ``png``, ``webp``, ``avif`` or ``gif``."""
    buffer = io.BytesIO()
    extra: dict[str, object] = {"icc_profile": icc} if icc else {}
    if name == "jpeg":
        if picture.mode == "RGBA":
            picture = _on_white(picture)
        quality: dict[str, object] = {} if "qtables" in options else {"quality": settings.jpeg_quality,
                                                                        "progressive": True}
        picture.save(buffer, "JPEG", optimize=True, **quality, **extra, **options)
    elif name == "webp":
        picture = picture if picture.mode in ("RGB", "RGBA") else picture.convert("RGB")
        settings_options = {} if options.get("lossless") else {"quality": settings.webp_quality}
        picture.save(buffer, "WEBP", method=WEBP_METHOD, **settings_options, **extra, **options)
    elif name == "avif":
        picture = picture if picture.mode in ("RGB", "RGBA") else picture.convert("RGB")
        picture.save(buffer, "AVIF", quality=settings.avif_quality, speed=AVIF_SPEED, max_threads=1, **extra)
    elif name == "gif":
        picture.save(buffer, "GIF")  # only for a GIF its own filter could not follow: its first frame
    else:
        picture.save(buffer, "PNG", compress_level=9, **extra)
    return buffer.getvalue()


def _on_white(picture: Image.Image) -> Image.Image:
    flat = Image.new("RGB", picture.size, (255, 255, 255))
    flat.paste(picture, mask=picture.getchannel("A"))
    return flat


# ---------------------------------------------------------------- cache and cores


def _store(cache_dir: Path) -> BlobStore:
    return BlobStore(cache_dir, magic=_CACHE_MAGIC, suffix=".img")


def read_cached(cache_dir: Path, key: str) -> bytes | None:
    """A made file from the cache, or None when absent, partial or damaged (its checksum is verified)."""
    return _store(cache_dir).read(key)


def store(cache_dir: Path, key: str, data: bytes) -> None:
    """Stores a made file atomically; failing to store is not an error (the cache can always be deleted)."""
    _store(cache_dir).store(key, data)


def warm_image_cache(plan: ImagePlan, cache_dir: Path, *, workers: int | None = None,
                     progress: Progress = SILENT) -> int:
    """Makes the files not yet in the cache (only checking that their file exists), a source per task over the
    cores, largest sources first; returns how many files were made. ``progress`` counts the sources done."""
    store = _store(cache_dir)
    todo = [(image, tuple(store.missing(variant.key for variant in image.files))) for image in plan.images]
    todo = sorted(((image, keys) for image, keys in todo if keys), key=lambda item: -_file_size(item[0].source))
    if todo:
        progress.expect(len(todo))
    count = workers if workers is not None else (os.cpu_count() or 1)
    if count <= 1 or len(todo) < PARALLEL_THRESHOLD:
        return sum(counted((_make_and_store(image, plan.settings, keys, cache_dir) for image, keys in todo), progress))
    from concurrent.futures import ProcessPoolExecutor  # imported where needed: most builds make no image

    with ProcessPoolExecutor(max_workers=min(count, len(todo)), initializer=collector.worker_started) as pool:
        return sum(counted(pool.map(_make_and_store, [image for image, _keys in todo], [plan.settings] * len(todo),
                                    [keys for _image, keys in todo], [cache_dir] * len(todo)), progress))


def _file_size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _make_and_store(image: SourceImage, settings: ImageSettings, keys: tuple[str, ...], cache_dir: Path) -> int:
    made = make_files(image, settings, keys)
    for key, data in made.items():
        store(cache_dir, key, data)
    return len(made)


def image_bytes(image: SourceImage, variant: Variant, settings: ImageSettings, cache_dir: Path) -> bytes:
    """One published image file: from the cache when valid, else made now (and stored)."""
    return _store(cache_dir).get_or_make(variant.key, lambda: make_files(image, settings, [variant.key])[variant.key])


__all__ = ["available_formats", "clean_file", "clean_original", "encode", "encoder_fingerprint", "heif_available",
           "image_bytes", "make_files", "open_image", "read_cached", "store", "warm_image_cache"]
