"""Metadata removed from image files without touching their pixels: the container's blocks are filtered.

What a phone or a camera writes besides the picture (EXIF: the GPS position, the camera and its serial
number, the date, the owner; XMP; IPTC; comments; embedded thumbnails and secondary images) goes; what
display needs stays: the ICC colour profile, transparency, gamma and colour information, animation.
Each function raises ValueError on a file it cannot follow; the caller then encodes the pixels again.
"""

from __future__ import annotations

import struct

_JPEG_KEPT_APPS = {0xE0: b"JFIF\0", 0xE2: b"ICC_PROFILE\0", 0xEE: b"Adobe"}
"""APPn segments kept, by the identifier they start with: JFIF (without thumbnail), the ICC profile, and
Adobe's colour transform (needed to decode CMYK and YCCK files)."""
_PNG_KEPT = {b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"iCCP", b"sBIT", b"cICP",
             b"mDCV", b"cLLI", b"acTL", b"fcTL", b"fdAT"}
"""PNG chunks kept: the image, transparency, colour and animation. Text (tEXt, zTXt, iTXt: XMP too), eXIf,
tIME and private chunks go."""
_GIF_KEPT_APPLICATIONS = (b"NETSCAPE2.0", b"ANIMEXTS1.0", b"ICCRGBG1012")
"""GIF application extensions kept: looping and the colour profile (XMP and others go)."""


def strip_jpeg(data: bytes) -> bytes:
    """A JPEG with only the segments decoding needs, up to the end of the image (trailers such as a phone's
    secondary images after it go too)."""
    if not data.startswith(b"\xff\xd8"):
        raise ValueError("not a JPEG file")
    kept = bytearray(b"\xff\xd8")
    position = 2
    while True:
        marker, position = _jpeg_marker(data, position)
        if marker == 0xD9:
            return bytes(kept + b"\xff\xd9")
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            kept += bytes((0xFF, marker))  # standalone markers carry no length
            continue
        end = position + int.from_bytes(data[position:position + 2], "big")
        if end > len(data) or end < position + 2:
            raise ValueError("truncated JPEG segment")
        if _keep_jpeg_segment(marker, data[position + 2:end]):
            kept += data[position - 2:end]
        position = end
        if marker == 0xDA:  # start of scan: the entropy-coded data runs to the next real marker
            scan_end = _scan_end(data, position)
            kept += data[position:scan_end]
            position = scan_end


def _jpeg_marker(data: bytes, position: int) -> tuple[int, int]:
    """The marker at ``position`` (after any fill bytes) and the position after it."""
    if position >= len(data) or data[position] != 0xFF:
        raise ValueError("no JPEG marker where one was expected")
    while position < len(data) and data[position] == 0xFF:
        position += 1
    if position >= len(data):
        raise ValueError("truncated JPEG")
    return data[position], position + 1


def _keep_jpeg_segment(marker: int, payload: bytes) -> bool:
    if marker == 0xFE:
        return False  # a comment
    if not 0xE0 <= marker <= 0xEF:
        return True  # tables, frame and scan headers
    identifier = _JPEG_KEPT_APPS.get(marker)
    if identifier is None or not payload.startswith(identifier):
        return False
    return marker != 0xE0 or payload[12:14] in (b"", b"\0\0")  # a JFIF thumbnail goes with its segment


def _scan_end(data: bytes, position: int) -> int:
    """Where the entropy-coded data starting at ``position`` ends: at the next marker that is neither a stuffed
    0xFF nor a restart marker."""
    while True:
        position = data.find(b"\xff", position)
        if position < 0 or position + 1 >= len(data):
            raise ValueError("truncated JPEG scan")
        following = data[position + 1]
        if following == 0 or 0xD0 <= following <= 0xD7:
            position += 2
        elif following == 0xFF:
            position += 1
        else:
            return position


def strip_png(data: bytes) -> bytes:
    """A PNG with only the chunks display needs."""
    signature = b"\x89PNG\r\n\x1a\n"
    if not data.startswith(signature):
        raise ValueError("not a PNG file")
    kept = bytearray(signature)
    position = len(signature)
    while position + 8 <= len(data):
        length = int.from_bytes(data[position:position + 4], "big")
        kind = data[position + 4:position + 8]
        end = position + 12 + length
        if end > len(data):
            raise ValueError("truncated PNG chunk")
        if kind in _PNG_KEPT:
            kept += data[position:end]
        if kind == b"IEND":
            return bytes(kept)
        position = end
    raise ValueError("PNG without IEND")


def strip_webp(data: bytes) -> bytes:
    """A WebP without its EXIF and XMP chunks (and their flags in the extended header)."""
    if data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        raise ValueError("not a WebP file")
    chunks = bytearray()
    position = 12
    end_of_file = min(len(data), 8 + int.from_bytes(data[4:8], "little"))
    while position + 8 <= end_of_file:
        kind = data[position:position + 4]
        size = int.from_bytes(data[position + 4:position + 8], "little")
        end = position + 8 + size + (size % 2)
        if position + 8 + size > end_of_file:
            raise ValueError("truncated WebP chunk")
        chunk = bytearray(data[position:min(end, end_of_file)])
        if kind == b"VP8X":
            chunk[8] &= ~(0x08 | 0x04) & 0xFF  # no EXIF, no XMP
        if kind not in (b"EXIF", b"XMP "):
            chunks += chunk + (b"\0" if len(chunk) % 2 else b"")
        position = end
    return b"RIFF" + struct.pack("<I", 4 + len(chunks)) + b"WEBP" + bytes(chunks)


def strip_gif(data: bytes) -> bytes:
    """A GIF without comments and without application extensions other than looping and colour (XMP goes)."""
    if data[:6] not in (b"GIF87a", b"GIF89a") or len(data) < 13:
        raise ValueError("not a GIF file")
    position = 13 + _gif_table(data[10])
    kept = bytearray(data[:position])
    while position < len(data):
        introducer = data[position]
        if introducer == 0x3B:
            return bytes(kept + b"\x3b")
        if introducer == 0x2C:
            start = position
            position = _gif_blocks(data, position + 10 + _gif_table(data[position + 9]) + 1)
            kept += data[start:position]
        elif introducer == 0x21:
            start = position
            position = _gif_blocks(data, position + 2)
            if _keep_gif_extension(data[start + 1], data[start + 2:position]):
                kept += data[start:position]
        else:
            raise ValueError("unknown GIF block")
    raise ValueError("GIF without trailer")


def _gif_table(packed: int) -> int:
    """Size in bytes of the colour table a packed field announces."""
    return 3 * 2 ** ((packed & 0x07) + 1) if packed & 0x80 else 0


def _gif_blocks(data: bytes, position: int) -> int:
    """The position after the data sub-blocks starting at ``position`` (and their terminator)."""
    while True:
        if position >= len(data):
            raise ValueError("truncated GIF")
        size = data[position]
        position += 1 + size
        if size == 0:
            return position


def _keep_gif_extension(label: int, blocks: bytes) -> bool:
    if label == 0xFE:
        return False  # a comment
    if label == 0xFF:
        return blocks[1:12] in _GIF_KEPT_APPLICATIONS
    return True  # graphic control (timing, transparency) and plain text


STRIPPERS = {"jpeg": strip_jpeg, "png": strip_png, "webp": strip_webp, "gif": strip_gif}
"""The lossless cleaner of each kind of file that has one."""
