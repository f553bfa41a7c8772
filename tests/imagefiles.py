"""Image files as phones and editors make them: every kind of metadata in every format the build publishes.

What a phone writes into a photo comes from the demo's own script (scripts/make_demo_images.py), so the tests
and the demo agree on it. :func:`metadata_left` reads a published file back with Pillow and lists what remains.
"""

from __future__ import annotations

import importlib.util
import io
import struct
import zlib
from functools import cache
from pathlib import Path
from types import ModuleType

from PIL import Image, ImageCms

REPO = Path(__file__).resolve().parent.parent
MARK = (220, 30, 40)
"""The colour of the top-left corner of every test picture, to see which way a published copy is turned."""


@cache
def demo_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_demo_images", REPO / "scripts" / "make_demo_images.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@cache
def srgb_profile() -> bytes:
    return bytes(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())


def picture(size: tuple[int, int], mode: str = "RGB") -> Image.Image:
    """A gradient with a red top-left corner (a quarter of each side), as shown."""
    width, height = size
    image = Image.linear_gradient("L").resize(size).convert(mode)
    image.paste((*MARK, 255)[: len(mode)] if mode != "L" else 80, (0, 0, width // 4, height // 4))
    return image


def phone_exif(orientation: int = 1, thumbnail: bytes | None = None) -> bytes:
    """EXIF as a phone writes it: position, camera, serial numbers, date, owner, and a thumbnail."""
    script = demo_script()
    exif = script.phone_exif(orientation, (46.80613, 7.15124), "F2LXTEST")
    data: bytes = exif.tobytes()
    if thumbnail is None:
        small = io.BytesIO()
        Image.new("RGB", (32, 24), (9, 9, 9)).save(small, "JPEG")
        thumbnail = small.getvalue()
    return bytes(script.with_thumbnail(data, thumbnail))


def phone_jpeg(size: tuple[int, int] = (1000, 750), *, orientation: int = 1, trailer: bool = True) -> bytes:
    """A JPEG with EXIF (GPS, camera, thumbnail), XMP, IPTC, a comment, a JFIF thumbnail, an ICC profile, and a
    second image after its end (as phones append depth maps or HDR gain maps)."""
    shown = picture(size)
    stored = {6: shown.transpose(Image.Transpose.ROTATE_90), 8: shown.transpose(Image.Transpose.ROTATE_270),
              3: shown.transpose(Image.Transpose.ROTATE_180)}.get(orientation, shown)
    buffer = io.BytesIO()
    stored.save(buffer, "JPEG", quality=90, exif=phone_exif(orientation), xmp=demo_script().XMP,
                comment="Envoyé depuis mon iPhone", icc_profile=srgb_profile())
    data = buffer.getvalue()
    jfif_with_thumbnail = b"\xff\xe0" + struct.pack(">H", 16 + 2 * 2 * 3) + b"JFIF\0\x01\x02\0\0\x01\0\x01\x02\x02" + \
        bytes(12)
    data = data[:2] + jfif_with_thumbnail + demo_script().iptc_segment("Marie Favre", "Val-Clair") + data[2:]
    if trailer:
        second = io.BytesIO()
        Image.new("L", (64, 48), 128).save(second, "JPEG", comment="depth map")
        data += second.getvalue()
    return data


def _png_chunk(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


def png_with_text(size: tuple[int, int] = (600, 400)) -> bytes:
    """A transparent PNG with an author, XMP (iTXt), EXIF (eXIf), a time, a private chunk and an ICC profile."""
    image = picture(size, "RGBA")
    image.putpixel((size[0] - 1, size[1] - 1), (0, 0, 0, 0))
    buffer = io.BytesIO()
    image.save(buffer, "PNG", icc_profile=srgb_profile())
    data = buffer.getvalue()
    extra = (_png_chunk(b"tEXt", b"Author\0Marie Favre")
             + _png_chunk(b"iTXt", b"XML:com.adobe.xmp\0\0\0\0\0" + demo_script().XMP)
             + _png_chunk(b"eXIf", phone_exif()[6:])
             + _png_chunk(b"tIME", struct.pack(">HBBBBB", 2026, 10, 3, 14, 22, 10))
             + _png_chunk(b"prVt", b"private"))
    end_of_header = 8 + 12 + 13
    return data[:end_of_header] + extra + data[end_of_header:]


def webp_with_metadata(size: tuple[int, int] = (600, 400)) -> bytes:
    buffer = io.BytesIO()
    picture(size).save(buffer, "WEBP", quality=90, exif=phone_exif(), xmp=demo_script().XMP,
                       icc_profile=srgb_profile())
    return buffer.getvalue()


def gif_with_comment(size: tuple[int, int] = (120, 80)) -> bytes:
    buffer = io.BytesIO()
    frames = [picture(size).convert("P"), picture(size).transpose(Image.Transpose.ROTATE_180).convert("P")]
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], comment=b"Marie Favre, Val-Clair",
                   loop=0, duration=200)
    return buffer.getvalue()


def heic_photo(size: tuple[int, int] = (1200, 900)) -> bytes:
    from pillow_heif import from_pillow

    buffer = io.BytesIO()
    from_pillow(picture(size)).save(buffer, quality=60, exif=phone_exif(), xmp=demo_script().XMP)
    return buffer.getvalue()


METADATA_KEYS = {"exif", "xmp", "XML:com.adobe.xmp", "comment", "photoshop", "Author", "Raw profile type exif",
                 "Raw profile type xmp", "iptc", "thumbnails"}


def metadata_left(data: bytes) -> list[str]:
    """What a published file still says besides its pixels (and its ICC profile): empty when it is clean."""
    image = Image.open(io.BytesIO(data))
    left = sorted(set(image.info) & METADATA_KEYS)
    if len(image.getexif()):
        left.append("EXIF tags")
    left += [marker for marker, _payload in getattr(image, "applist", []) if marker not in ("APP0", "APP2", "APP14")]
    if image.format == "JPEG" and data.count(b"\xff\xd8\xff") > 1:
        left.append("another image inside (a thumbnail, or one after the end)")
    if image.format == "JPEG" and image.info.get("jfif") and data.find(b"JFIF\0") >= 0:
        start = data.find(b"JFIF\0")
        if data[start + 12:start + 14] != b"\0\0":
            left.append("JFIF thumbnail")
    if image.format == "PNG":
        left += [kind for kind in (b"tEXt", b"iTXt", b"zTXt", b"eXIf", b"tIME", b"prVt") if kind in data]
    return [str(item) for item in left]
