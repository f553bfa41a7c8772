"""How a front-matter value an editor wrote is named in a message: cut short, and described by its kind."""

from __future__ import annotations

from datetime import date
from typing import Any

YEARS = (1900, 2999)
"""The years a front-matter date may have: outside, it is a typing mistake (and date arithmetic near 9999
overflows)."""


def short(value: Any) -> str:
    """A value as the editor wrote it, cut short (an alias bomb can be megabytes)."""
    if isinstance(value, date):
        return f"{value.isoformat()} (dates go from {YEARS[0]} to {YEARS[1]})"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…"


def describe(value: Any) -> str:
    """What kind of value it is, for "must be text, not …"."""
    if isinstance(value, dict):
        return "a group of fields"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, str):
        return f"the text {short(value)}"
    return f"{type(value).__name__} {value!r}"[:80]
