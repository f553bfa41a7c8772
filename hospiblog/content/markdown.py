"""The Markdown instance and our extensions: links between posts, local images, callouts, typography."""

from __future__ import annotations

import posixpath
import xml.etree.ElementTree as etree
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from ..urls import slugify
from .callouts import CalloutExtension
from .typography import FrenchTypographyExtension

POST_LINK_PREFIX = "hospiblog-post:"
"""Marks a link to another post until the site knows that post's URL."""


@dataclass
class RenderedMarkdown:
    """What rendering a post's body gives."""

    html: str
    toc_html: str
    post_links: list[str] = field(default_factory=list)
    local_images: list[str] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)
    """(message, text to find the line by)."""


class _References(Treeprocessor):
    """Records links to other posts and local images, and marks them for later resolution."""

    def __init__(self, md: Markdown, state: RenderedMarkdown, post_folder: str) -> None:
        super().__init__(md)
        self.state = state
        self.post_folder = post_folder

    def run(self, root: etree.Element) -> None:
        for element in root.iter("a"):
            self._link(element)
        for element in root.iter("img"):
            self._image(element)

    def _link(self, element: etree.Element) -> None:
        href = element.get("href", "")
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.path.lower().endswith((".md", ".markdown")):
            return
        target = posixpath.normpath(posixpath.join(self.post_folder, parts.path))
        self.state.post_links.append(target)
        fragment = f"#{parts.fragment}" if parts.fragment else ""
        element.set("href", f"{POST_LINK_PREFIX}{target}{fragment}")

    def _image(self, element: etree.Element) -> None:
        src = element.get("src", "")
        parts = urlsplit(src)
        if parts.scheme or parts.netloc or not parts.path:
            return
        path = "/" + posixpath.normpath(parts.path).lstrip("/")
        element.set("src", path)
        self.state.local_images.append(path)
        element.set("loading", "lazy")
        element.set("decoding", "async")


class _ReferencesExtension(Extension):
    def __init__(self, state: RenderedMarkdown, post_folder: str) -> None:
        super().__init__()
        self.state = state
        self.post_folder = post_folder

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (python-markdown's API name)
        md.treeprocessors.register(_References(md, self.state, self.post_folder), "hospiblog_refs", 4)


def render_markdown(text: str, *, language: str, post_folder: str) -> RenderedMarkdown:
    """Renders a post's Markdown body; ``post_folder`` resolves relative links to other posts."""
    state = RenderedMarkdown(html="", toc_html="")
    extensions: list[Extension | str] = [
        "tables", "footnotes", "attr_list", "fenced_code", "sane_lists", "md_in_html",
        CalloutExtension(language, state.problems),
        _ReferencesExtension(state, post_folder),
    ]
    if language == "fr":
        extensions.append(FrenchTypographyExtension())
    md = Markdown(
        extensions=[*extensions, "toc"],
        extension_configs={
            "toc": {"slugify": lambda value, separator: slugify(value), "toc_depth": "2-3",
                    "marker": "[TOC]", "title": _TOC_TITLE.get(language, "Contents"),
                    "toc_class": "toc"},
            "footnotes": {"BACKLINK_TITLE": "", "SUPERSCRIPT_TEXT": "{}"},
        },
        output_format="html",
    )
    state.html = md.convert(text)
    state.toc_html = getattr(md, "toc", "")
    return state


_TOC_TITLE = {"fr": "Sommaire", "de": "Inhalt", "en": "Contents"}
