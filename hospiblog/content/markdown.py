"""The Markdown instance and our extensions: links between posts, local images, callouts, typography."""

from __future__ import annotations

import posixpath
import xml.etree.ElementTree as etree
from dataclasses import dataclass, field

from markdown import Markdown
from markdown.extensions import Extension
from markdown.extensions.attr_list import AttrListExtension
from markdown.extensions.fenced_code import FencedCodeExtension
from markdown.extensions.footnotes import FootnoteExtension
from markdown.extensions.md_in_html import MarkdownInHtmlExtension
from markdown.extensions.sane_lists import SaneListExtension
from markdown.extensions.tables import TableExtension
from markdown.extensions.toc import TocExtension
from markdown.treeprocessors import Treeprocessor

from ..model import Video
from ..urls import POST_LINK_PREFIX, slugify, split_url
from .callouts import CalloutExtension
from .images import local_path
from .typography import FrenchTypographyExtension
from .video import VideoExtension


@dataclass
class RenderedMarkdown:
    """What rendering a post's body gives."""

    html: str
    toc_html: str
    post_links: list[str] = field(default_factory=list)
    local_images: list[str] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)
    """(message, text to find the line by)."""
    hinted_problems: list[tuple[str, str, str]] = field(default_factory=list)
    """(message, text to find the line by, how to fix): problems that say their own fix (``:::video``)."""
    videos: list[tuple[Video, str]] = field(default_factory=list)
    """The ``:::video`` blocks: (video, its opening line, to find the line by)."""


def post_link_target(href: str, post_folder: str) -> tuple[str, str] | None:
    """For a link to an article's Markdown file: its path relative to the site and the link's fragment."""
    parts = split_url(href)
    if parts is None or parts.scheme or parts.netloc or not parts.path.lower().endswith((".md", ".markdown")):
        return None
    return posixpath.normpath(posixpath.join(post_folder, parts.path)), parts.fragment


def marked_post_link(target: str, fragment: str) -> str:
    """A link to an article, marked until the site knows the article's URL."""
    return f"{POST_LINK_PREFIX}{target}" + (f"#{fragment}" if fragment else "")


class _References(Treeprocessor):
    """Records links to other posts and local images, and marks them for later resolution."""

    def __init__(self, md: Markdown, renderer: _Renderer) -> None:
        super().__init__(md)
        self.renderer = renderer

    def run(self, root: etree.Element) -> None:
        for element in root.iter("a"):
            self._link(element)
        for element in root.iter("img"):
            self._image(element)

    def _link(self, element: etree.Element) -> None:
        found = post_link_target(element.get("href", ""), self.renderer.post_folder)
        if found is None:
            return
        self.renderer.state.post_links.append(found[0])
        element.set("href", marked_post_link(*found))

    def _image(self, element: etree.Element) -> None:
        path = local_path(element.get("src", ""))
        if path is None:
            return
        element.set("src", path)
        self.renderer.state.local_images.append(path)
        element.set("loading", "lazy")
        element.set("decoding", "async")


class _ReferencesExtension(Extension):
    def __init__(self, renderer: _Renderer) -> None:
        super().__init__()
        self.renderer = renderer

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (python-markdown's API name)
        md.treeprocessors.register(_References(md, self.renderer), "hospiblog_refs", 4)


_TOC_TITLE = {"fr": "Sommaire", "de": "Inhalt", "en": "Contents"}


class _Renderer:
    """One configured Markdown instance, reused for every post of a language (building one costs
    more than converting a short post)."""

    def __init__(self, language: str) -> None:
        self.state = RenderedMarkdown(html="", toc_html="")
        self.post_folder = ""
        # Instances rather than names: a name makes python-markdown look through every installed package's
        # entry points first (about 10 ms in each new process).
        extensions: list[Extension] = [
            # align="" rather than style="": pages carry no inline style (Content-Security-Policy).
            TableExtension(use_align_attribute=True),
            FootnoteExtension(BACKLINK_TITLE="", SUPERSCRIPT_TEXT="{}"),
            AttrListExtension(), FencedCodeExtension(), SaneListExtension(), MarkdownInHtmlExtension(),
            VideoExtension(language, self),
            CalloutExtension(language, self),
            _ReferencesExtension(self),
        ]
        if language == "fr":
            extensions.append(FrenchTypographyExtension())
        extensions.append(TocExtension(slugify=lambda value, separator: slugify(value), toc_depth="2-3",
                                       marker="[TOC]", title=_TOC_TITLE.get(language, "Contents"), toc_class="toc"))
        self.markdown = Markdown(extensions=extensions, output_format="html")

    @property
    def problems(self) -> list[tuple[str, str]]:
        return self.state.problems

    @property
    def hinted_problems(self) -> list[tuple[str, str, str]]:
        return self.state.hinted_problems

    @property
    def videos(self) -> list[tuple[Video, str]]:
        return self.state.videos

    def post_link(self, href: str) -> str | None:
        """The address of a link to an article's file, marked until the site knows its URL; None for others."""
        found = post_link_target(href, self.post_folder)
        return marked_post_link(*found) if found is not None else None

    def render(self, text: str, post_folder: str) -> RenderedMarkdown:
        self.state = RenderedMarkdown(html="", toc_html="")
        self.post_folder = post_folder
        self.markdown.reset()
        self.state.html = self.markdown.convert(text)
        self.state.toc_html = getattr(self.markdown, "toc", "")
        return self.state


_RENDERERS: dict[str, _Renderer] = {}


def render_markdown(text: str, *, language: str, post_folder: str) -> RenderedMarkdown:
    """Renders a post's Markdown body; ``post_folder`` resolves relative links to other posts."""
    renderer = _RENDERERS.get(language)
    if renderer is None:
        renderer = _RENDERERS[language] = _Renderer(language)
    return renderer.render(text, post_folder)
