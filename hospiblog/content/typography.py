"""French typography as a Markdown extension.

French puts a narrow no-break space (U+202F) before ``; : ! ?`` and inside
``« »``, and writes its apostrophe as U+2019 (``l’hôpital``). Editors type
ordinary spaces or none, and the keyboard's straight ``'``; this sets both
right in text only, never inside code, URLs, attributes or times such as ``14:30``.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree

from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from ..typography import APOSTROPHE, NARROW_NBSP, french_apostrophes, french_spacing, french_typography

__all__ = ["APOSTROPHE", "NARROW_NBSP", "FrenchTypographyExtension", "french_apostrophes", "french_spacing",
           "french_typography"]

_SKIPPED_TAGS = frozenset({"code", "pre", "kbd", "samp", "script", "style", "math"})


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
