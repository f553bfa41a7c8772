"""Removes the TrueType hinting of a font: how the default theme's card fonts were made from Debian's Noto Sans.

    python3 -m pip install fonttools
    python3 scripts/unhint_font.py SOURCE.ttf TARGET.ttf

FreeType runs a hinted glyph's program each time it loads the glyph at a size, and Pillow keeps no glyph; without
the programs FreeType fits the glyphs with its own auto-hinter (its default for such a font), which costs less: a
share card's title line took 0.68 ms to render with the hinted Noto Sans Bold and 0.35 ms without (874 lines
of the benchmark corpus, themes/default/cards/README.md). At the sizes cards are drawn (22 to 78 px, antialiased)
the glyphs look the same. The outlines, metrics, kerning and shaping tables are kept; what goes is the hinting
programs (``fpgm``, ``prep``, each glyph's instructions), their data (``cvt``), the tables computed from them
(``hdmx``, ``LTSH``, ``VDMX``) and the digital signature (``DSIG``), which no longer matches. fontTools is needed only
to run this script, not by hospiblog.
"""

from __future__ import annotations

import sys

HINTING_TABLES = ("fpgm", "prep", "cvt ", "hdmx", "LTSH", "VDMX", "DSIG")


def unhint(source: str, target: str) -> None:
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.tables import ttProgram

    font = TTFont(source, recalcTimestamp=False)  # the same bytes at each run
    for tag in HINTING_TABLES:
        if tag in font:
            del font[tag]
    glyphs = font["glyf"]
    for name in font.getGlyphOrder():
        glyph = glyphs[name]
        glyph.expand(glyphs)
        if hasattr(glyph, "program"):
            glyph.program = ttProgram.Program()
            glyph.program.fromBytecode(b"")
    maxp = font["maxp"]
    for field in ("maxFunctionDefs", "maxInstructionDefs", "maxStackElements", "maxSizeOfInstructions",
                  "maxTwilightPoints", "maxStorage"):
        setattr(maxp, field, 0)
    maxp.maxZones = 1
    font.save(target)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: python3 scripts/unhint_font.py SOURCE.ttf TARGET.ttf")
    unhint(sys.argv[1], sys.argv[2])
