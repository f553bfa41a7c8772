"""French typography as a Markdown extension.

French puts a narrow no-break space (U+202F) before ``; : ! ?`` and inside
``« »``, and writes its apostrophe as U+2019 (``l’hôpital``). Editors type
ordinary spaces or none, and the keyboard's straight ``'``; this sets both
right in text only, never inside code, URLs, attributes or times such as ``14:30``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

NARROW_NBSP = "\u202f"
APOSTROPHE = "\u2019"
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


def french_apostrophes(text: str) -> str:
    """Writes every straight ``'`` as the typographic apostrophe U+2019: ``l'hôpital`` → ``l’hôpital``.

    French quotes with « », so its ``'`` is an elision (l', d', qu', aujourd'hui): every one becomes
    U+2019, and no pair is guessed into ‘ ’ quotation marks.
    """
    return text.replace("'", APOSTROPHE)


def french_typography(text: str) -> str:
    """Spaces, then apostrophes: spacing reads a straight ``'`` after ``?`` as a closing mark."""
    return french_apostrophes(french_spacing(text))


class FrenchTypographyProcessor(Treeprocessor):
    """Applies :func:`french_typography` to the text of every element but code and URLs.

    Only text and tails change: attribute values (an image's alt, a link's title or href) stay as written.
    """

    def run(self, root: etree.Element) -> None:
        self._walk(root)

    def _walk(self, element: etree.Element) -> None:
        for child in element:
            if child.tail:
                child.tail = french_typography(child.tail)
            if child.tag in _SKIPPED_TAGS or _is_autolink(child):
                continue
            if child.text and not _is_atomic(child.text):
                child.text = french_typography(child.text)
            self._walk(child)


def _is_atomic(text: str) -> bool:
    return type(text).__name__ == "AtomicString"


def _is_autolink(element: etree.Element) -> bool:
    return element.tag == "a" and (element.text or "") == element.get("href", "")


class FrenchTypographyExtension(Extension):
    """Registers the typography processor after inline parsing and before the TOC."""

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (python-markdown's API name)
        md.treeprocessors.register(FrenchTypographyProcessor(md), "french_typography", 15)
