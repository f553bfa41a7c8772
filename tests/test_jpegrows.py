"""A JPEG cut into rows of blocks and spliced (hospiblog/jpegrows.py): the bytes of one whole encoding."""

from __future__ import annotations

import io
import random

import pytest
from PIL import Image, ImageDraw

from hospiblog import jpegrows


def restart_markers_written() -> bool:
    """Whether this Pillow knows ``restart_marker_rows`` (an older one ignores it: cards are then encoded whole)."""
    return jpegrows.rows(jpegrows.encode(Image.new("RGB", (16, 16)), 85), 16) is not None


needs_restart_markers = pytest.mark.skipif(not restart_markers_written(),
                                           reason="this Pillow writes no restart markers")


def picture(width: int, height: int, seed: int) -> Image.Image:
    """Noise over a gradient: every block different, so a misplaced row changes the bytes."""
    rng = random.Random(seed)
    image = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    noise = Image.frombytes("RGB", (width, height), rng.randbytes(width * height * 3))
    return Image.blend(image, noise, 0.3)


@needs_restart_markers
@pytest.mark.parametrize(("height", "top", "bottom"), [(630, 96, 400), (630, 0, 8), (630, 600, 630), (64, 0, 64)])
def test_a_spliced_band_gives_the_bytes_of_encoding_the_whole_image(height: int, top: int, bottom: int) -> None:
    frame = picture(1200, height, 1)
    card = frame.copy()
    ImageDraw.Draw(card).rectangle((100, top, 900, bottom - 1), fill=(255, 255, 255))
    frame_rows = jpegrows.rows(jpegrows.encode(frame, 85), frame.height)
    band = card.crop((0, top, card.width, bottom))
    band_rows = jpegrows.rows(jpegrows.encode(band, 85), band.height)
    assert frame_rows is not None and band_rows is not None
    assert len(frame_rows.rows) == -(-height // jpegrows.ROW)  # the last row of 630 pixels is 6 high
    spliced = jpegrows.splice(frame_rows, band_rows, top // jpegrows.ROW)
    assert spliced == jpegrows.encode(card, 85)
    assert Image.open(io.BytesIO(spliced)).tobytes() == Image.open(io.BytesIO(jpegrows.encode(card, 85))).tobytes()


@needs_restart_markers
def test_a_band_of_other_tables_or_in_the_wrong_place_does_not_give_those_bytes() -> None:
    """The checks above can fail: the frame's rows at the wrong offset, or coded at another quality, differ."""
    frame = picture(640, 160, 2)
    card = frame.copy()
    ImageDraw.Draw(card).rectangle((0, 48, 639, 95), fill=(0, 0, 0))
    frame_rows = jpegrows.rows(jpegrows.encode(frame, 85), frame.height)
    assert frame_rows is not None
    whole = jpegrows.encode(card, 85)
    for quality, first in ((85, 5), (70, 6)):
        band_rows = jpegrows.rows(jpegrows.encode(card.crop((0, 48, 640, 96)), quality), 48)
        assert band_rows is not None
        assert jpegrows.splice(frame_rows, band_rows, first) != whole


def test_a_jpeg_without_restart_markers_is_not_cut() -> None:
    buffer = io.BytesIO()
    picture(320, 64, 3).save(buffer, "JPEG", quality=85)
    assert jpegrows.rows(buffer.getvalue(), 64) is None
    assert jpegrows.rows(b"\xff\xd8not a jpeg", 64) is None


@needs_restart_markers
def test_a_band_past_the_image_is_refused() -> None:
    frame_rows = jpegrows.rows(jpegrows.encode(picture(320, 64, 4), 85), 64)
    band_rows = jpegrows.rows(jpegrows.encode(picture(320, 16, 5), 85), 16)
    assert frame_rows is not None and band_rows is not None
    with pytest.raises(ValueError, match="outside"):
        jpegrows.splice(frame_rows, band_rows, 7)
