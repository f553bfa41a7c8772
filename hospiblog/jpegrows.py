"""A JPEG cut into its rows of blocks, so that a card encodes only the rows its title covers.

The plain-colour share cards of a category differ only in the band their title and details cover: the rest (the
colour, the labels, the footer and logo) is the same frame. Encoding the whole card is half of its cost
(benchmarks/README.md), and most of that is spent on rows every card of the category shares.

Baseline JPEG (ITU-T T.81) codes an image's blocks left to right, top to bottom; with a restart interval, the
coder starts afresh (DC predictions reset, the bit buffer padded to a byte and a ``RSTn`` marker written, n from 0
to 7 in turn) after each interval, so each interval's bytes depend on its blocks alone. With one interval per row of
blocks (Pillow's ``restart_marker_rows=1``, 4:4:4 chroma so a row is 8 pixels high) and the same tables (quality
and the standard Huffman tables, no optimisation), a row coded in a small image of a few rows is byte for byte the
row of the whole image. :func:`splice` then builds a card from its frame's rows and its band's: the same bytes as
encoding the whole card in one go (tests/test_cards.py checks it), for the price of the band.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from PIL import Image

ROW = 8
"""Pixels in a row of blocks: 4:4:4 chroma, so a block of each component per 8×8 pixels."""

_RESTART = re.compile(rb"\xff[\xd0-\xd7]")
"""A restart marker. Inside coded data a 0xFF byte is always followed by 0x00 (T.81, F.1.2.3): none is missed."""

_SOS, _EOI = 0xDA, b"\xff\xd9"


@dataclass(frozen=True)
class Rows:
    """A baseline JPEG as its header (every marker segment up to the start of scan) and its coded rows."""

    header: bytes
    rows: tuple[bytes, ...]


def encode(image: Image.Image, quality: int) -> bytes:
    """Baseline JPEG of an RGB image, without metadata: 4:4:4 chroma, standard Huffman tables, a restart marker
    after each row of blocks."""
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality, optimize=False, progressive=False, subsampling=0,
               restart_marker_rows=1)
    return buffer.getvalue()


def rows(data: bytes, height: int) -> Rows | None:
    """``data`` (from :func:`encode`, ``height`` pixels high) cut into its rows; None when it is not one coded row
    per restart interval (a Pillow before 10.2 does not know ``restart_marker_rows`` and writes no restart marker:
    tried with 10.0.0, 10.1.0 and 10.2.0; pyproject asks for 10.2, this keeps an older one working)."""
    at = 2  # after SOI
    while at + 4 <= len(data) and data[at] == 0xFF:
        marker, length = data[at + 1], int.from_bytes(data[at + 2:at + 4], "big")
        at += 2 + length
        if marker == _SOS:
            break
    else:
        return None
    if not data.endswith(_EOI):
        return None
    coded = tuple(_RESTART.split(data[at:-2]))
    if len(coded) != -(-height // ROW):
        return None
    return Rows(data[:at], coded)


def splice(frame: Rows, band: Rows, first: int) -> bytes:
    """The JPEG of ``frame`` whose rows from ``first`` on are replaced by those of ``band`` (a JPEG of the same
    width, quality and tables), with the restart markers numbered again."""
    last = first + len(band.rows)
    if first < 0 or last > len(frame.rows):
        raise ValueError(f"rows {first}–{last} are outside an image of {len(frame.rows)} rows")
    coded = (*frame.rows[:first], *band.rows, *frame.rows[last:])
    parts = [frame.header, coded[0]]
    for number, row in enumerate(coded[1:]):
        parts.append(bytes((0xFF, 0xD0 + number % 8)))
        parts.append(row)
    parts.append(_EOI)
    return b"".join(parts)
