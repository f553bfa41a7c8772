"""French typography as a Markdown extension.

French puts a narrow no-break space (U+202F) before ``; : ! ?`` and inside
``« »``. Editors type ordinary spaces or none; this adds the right one in text
only, never inside code, URLs or times such as ``14:30``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

NARROW_NBSP = "\u202f"
_BEFORE_PUNCTUATION = re.compile(r"(?:(?<=[^\s\u202f\u00a0(\[;:!?«])|^)[ \u00a0]?([;:!?])(?=\s|$|[»)\]\"'.,;:!?…])")
_AFTER_OPENING = re.compile(r"«[ \u00a0]?")
_BEFORE_CLOSING = re.compile(r"[ \u00a0]?»")
_SKIPPED_TAGS = frozenset({"code", "pre", "kbd", "samp", "script", "style", "math"})


def french_spacing(text: str) -> str:
    """Puts narrow no-break spaces where French typography wants them."""
    if not any(mark in text for mark in ";:!?«»"):
        return text
    text = _BEFORE_PUNCTUATION.sub(NARROW_NBSP + r"\1", text)
    text = _AFTER_OPENING.sub("«" + NARROW_NBSP, text)
    return _BEFORE_CLOSING.sub(NARROW_NBSP + "»", text)


class FrenchTypographyProcessor(Treeprocessor):
    """Applies :func:`french_spacing` to the text of every element but code and URLs."""

    def run(self, root: etree.Element) -> None:
        self._walk(root)

    def _walk(self, element: etree.Element) -> None:
        for child in element:
            if child.tail:
                child.tail = french_spacing(child.tail)
            if child.tag in _SKIPPED_TAGS or _is_autolink(child):
                continue
            if child.text and not _is_atomic(child.text):
                child.text = french_spacing(child.text)
            self._walk(child)


def _is_atomic(text: str) -> bool:
    return type(text).__name__ == "AtomicString"


def _is_autolink(element: etree.Element) -> bool:
    return element.tag == "a" and (element.text or "") == element.get("href", "")


class FrenchTypographyExtension(Extension):
    """Registers the typography processor after inline parsing and before the TOC."""

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (python-markdown's API name)
        md.treeprocessors.register(FrenchTypographyProcessor(md), "french_typography", 15)
