"""The outline of a rendered body (headings and images) that the content rules look at."""

from __future__ import annotations

from typing import Any

import lxml.html

from ..model import Heading, Outline


def outline_of(html: str) -> Outline:
    """The headings and images of an article's rendered HTML, in order."""
    if "<h" not in html and "<img" not in html:
        return Outline((), ())
    root: Any = lxml.html.fragment_fromstring(html, create_parent="div")  # lxml is untyped
    headings = tuple(Heading(int(element.tag[1]), str(element.text_content()))
                     for element in root.iter("h1", "h2", "h3", "h4", "h5", "h6"))
    images = tuple((str(element.get("src", "")), _optional_text(element.get("alt"))) for element in root.iter("img"))
    return Outline(headings, images)


def _optional_text(value: Any) -> str | None:
    return None if value is None else str(value)
