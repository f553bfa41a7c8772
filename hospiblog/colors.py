"""Colours and their WCAG 2.x contrast, for the share cards and for site.toml's checks (no Pillow here)."""

from __future__ import annotations

AA_CONTRAST = 4.5
"""WCAG 2.x level AA for normal text."""


def parse_color(color: str) -> tuple[int, int, int]:
    """``#rrggbb`` to an RGB triple."""
    value = color.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def relative_luminance(rgb: tuple[int, int, int]) -> float:
    """WCAG 2.x relative luminance of an sRGB colour."""
    def linear(channel: int) -> float:
        value = channel / 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4
    red, green, blue = (linear(channel) for channel in rgb)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: tuple[int, int, int], second: tuple[int, int, int]) -> float:
    """WCAG contrast ratio between two colours, from 1 to 21."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def mix(color: tuple[int, int, int], other: tuple[int, int, int], amount: float) -> tuple[int, int, int]:
    """``color`` moved ``amount`` (0 to 1) of the way to ``other``."""
    red, green, blue = (round(a * (1 - amount) + b * amount) for a, b in zip(color, other, strict=True))
    return red, green, blue


def readable_background(color: tuple[int, int, int], text: tuple[int, int, int]) -> tuple[int, int, int]:
    """``color``, darkened just enough for ``text`` on it to reach AA contrast (light text assumed)."""
    for step in range(0, 101, 2):
        candidate = mix(color, (0, 0, 0), step / 100)
        if contrast_ratio(candidate, text) >= AA_CONTRAST:
            return candidate
    return 0, 0, 0


def hex_color(rgb: tuple[int, int, int]) -> str:
    """An RGB triple as ``#rrggbb``."""
    return "#{:02x}{:02x}{:02x}".format(*rgb)
