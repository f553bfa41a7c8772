"""Metadata removed from image files block by block: what phones write goes, the pixels and colours stay."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from hospiblog.metadata import strip_gif, strip_jpeg, strip_png, strip_webp
from tests.imagefiles import (
    gif_with_comment,
    metadata_left,
    phone_jpeg,
    png_with_text,
    srgb_profile,
    webp_with_metadata,
)


def pixels(data: bytes) -> bytes:
    with Image.open(io.BytesIO(data)) as image:
        return image.convert("RGBA").tobytes()


@pytest.mark.parametrize(("make", "strip"), [
    (phone_jpeg, strip_jpeg),
    (png_with_text, strip_png),
    (webp_with_metadata, strip_webp),
])
def test_metadata_goes_and_pixels_and_colour_profile_stay(make: object, strip: object) -> None:
    source = make()  # type: ignore[operator]
    assert metadata_left(source)  # the fixture does carry it
    cleaned = strip(source)  # type: ignore[operator]
    assert metadata_left(cleaned) == []
    assert pixels(cleaned) == pixels(source)
    assert Image.open(io.BytesIO(cleaned)).info.get("icc_profile") == srgb_profile()
    assert b"Marie Favre" not in cleaned and b"F2LXTEST" not in cleaned and b"iPhone" not in cleaned


def test_a_jpeg_keeps_its_scans_and_loses_what_follows_its_end() -> None:
    image = Image.open(io.BytesIO(phone_jpeg(trailer=False))).convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", progressive=True, restart_marker_blocks=2, comment="note")  # scans, restart markers
    source = buffer.getvalue() + b"trailing data a phone appends"
    cleaned = strip_jpeg(source)
    assert cleaned.endswith(b"\xff\xd9") and b"trailing" not in cleaned and b"note" not in cleaned
    assert pixels(cleaned) == pixels(source)


def test_an_animated_gif_keeps_its_frames_and_loop_without_comment() -> None:
    source = gif_with_comment()
    cleaned = strip_gif(source)
    assert b"Marie Favre" not in cleaned and metadata_left(cleaned) == []
    with Image.open(io.BytesIO(cleaned)) as image:
        assert image.n_frames == 2 and image.info.get("loop") == 0


@pytest.mark.parametrize("strip", [strip_jpeg, strip_png, strip_webp, strip_gif])
@pytest.mark.parametrize("data", [b"", b"not an image at all", b"\xff\xd8\xff\xe1\xff\xff", b"\x89PNG\r\n\x1a\n\0\0",
                                  b"RIFF\xff\xff\xff\xffWEBPEXIF\xff\xff\xff\xff", b"GIF89a\x01\0\x01\0\x80\0\0"])
def test_a_file_that_cannot_be_followed_is_refused(strip: object, data: bytes) -> None:
    # The build then encodes the pixels again instead (or says the file cannot be read): never a half-clean file.
    with pytest.raises(ValueError):
        strip(data)  # type: ignore[operator]
