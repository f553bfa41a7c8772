"""Atom and RSS 2.0 feeds through feedgen, with full content and absolute links.

Plain text stays plain text in both formats. Atom says so (``type="text"``, the default for titles).
RSS cannot: readers take an item's or channel's ``<description>`` as HTML (feedparser does), so plain text
goes in HTML-escaped (then XML-escaped by the serializer), and a summary such as ``la tension <b>compte</b>``
shows its brackets instead of a bold word. RSS titles are plain text in practice and are written as such.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import lxml.html

from .config import SiteConfig
from .model import Post
from .site import body_html
from .urls import absolute

if TYPE_CHECKING:
    from feedgen.entry import FeedEntry
    from feedgen.feed import FeedGenerator

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class FeedSpec:
    """One feed family (RSS + Atom) and the posts it carries."""

    title: str
    description: str
    page_url: str
    """Root-relative URL of the page the feed follows (``/`` or ``/medecine/``)."""
    posts: tuple[Post, ...]
    """Newest first, already cut to the feed size."""
    category_label: str = ""
    updated: datetime = EPOCH
    """When the feed last changed: its newest entry, or the site's newest post for an empty feed."""
    leads: tuple[tuple[str, str], ...] = ()
    """Plain text put before an entry's summary and content, by the post's relative path (a job offer's key
    facts in the jobs feed)."""

    def lead_of(self, post: Post) -> str:
        """The text put before the post's summary and content, or ""."""
        return dict(self.leads).get(post.relative, "")


def post_id(config: SiteConfig, post: Post) -> str:
    """A stable entry id: a tag URI made of the host, the post's first date and its source path.

    It does not change when the title, slug or category changes, so no reader sees an old post as new.
    """
    host = config.base_url.split("://", 1)[1].split("/", 1)[0]
    return f"tag:{host},{post.meta.date.date().isoformat()}:{post.relative}"


@functools.lru_cache(maxsize=512)
def absolute_links(html: str, page_url: str) -> str:
    """Every relative link and image in ``html`` made absolute against ``page_url``.

    The article is parsed once inside a wrapper element (one pass over the document, however long it is).
    """
    if not html.strip():
        return html
    wrapper = lxml.html.fragment_fromstring(html, create_parent="div")
    wrapper.make_links_absolute(page_url, resolve_base_href=False)
    inner = lxml.html.tostring(wrapper, encoding="unicode")
    return xml_safe(inner[len("<div>"): -len("</div>")])


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """The text without the characters XML 1.0 forbids (a reference such as &#1; in an article gives one)."""
    return _NOT_XML.sub("", text)


def html_text(text: str) -> str:
    """Plain text as an HTML fragment that shows exactly that text (for RSS descriptions)."""
    return html.escape(text, quote=False)


def render_feed(spec: FeedSpec, config: SiteConfig, kind: str) -> bytes:
    """The feed as bytes; ``kind`` is ``rss`` or ``atom``."""
    from feedgen.feed import FeedGenerator  # with dateutil, 10 ms of import that a build rendering no feed spares

    generator = FeedGenerator()
    generator.load_extension("dc", atom=False, rss=True)
    feed_url = absolute(config.base_url, f"{spec.page_url}{kind}.xml")
    generator.id(absolute(config.base_url, spec.page_url))
    generator.title(spec.title)
    subtitle = spec.description or spec.title
    generator.subtitle(html_text(subtitle) if kind == "rss" else subtitle)
    # feedgen writes RSS's one <link> from the last link given: the page the feed follows, as RSS 2.0 asks (its
    # atom:link rel="self" names the feed).
    generator.link(href=feed_url, rel="self")
    generator.link(href=absolute(config.base_url, spec.page_url), rel="alternate")
    generator.language(config.language)
    generator.author({"name": config.organization.name})
    generator.generator("hospiblog")
    if config.organization.logo:
        generator.logo(absolute(config.base_url, config.organization.logo))
    # Never "now": a feed's bytes change only when its content does.
    generator.updated(spec.updated)
    generator.lastBuildDate(spec.updated)
    # feedgen prepends added entries; adding oldest first leaves the newest at the top.
    for post in reversed(spec.posts):
        _add_entry(generator, post, config, kind, spec.lead_of(post))
    data = generator.rss_str(pretty=True) if kind == "rss" else generator.atom_str(pretty=True)
    return bytes(data)


def _changed(post: Post) -> datetime:
    return post.meta.updated or post.meta.date


def newest_change(posts: Sequence[Post], default: datetime = EPOCH) -> datetime:
    """The latest publication or update among ``posts``."""
    return max((_changed(post) for post in posts), default=default)


def _add_entry(generator: FeedGenerator, post: Post, config: SiteConfig, kind: str, lead: str = "") -> None:
    meta = post.meta
    category = config.categories[meta.category]
    link = absolute(config.base_url, config.post_url(meta.category, meta.slug, meta.lang))
    entry = generator.add_entry()
    entry.id(post_id(config, post))
    entry.guid(post_id(config, post), permalink=False)
    entry.title(meta.title)
    entry.link(href=link, rel="alternate")
    entry.published(meta.date)
    entry.updated(_changed(post))
    _add_texts(entry, post, config, link, kind, lead)
    author = config.authors.get(meta.author or "")
    if author is not None:
        entry.author({"name": author.name})
        entry.dc.dc_creator(author.name)
    entry.category([{"term": category.label, "label": category.label}]
                   + [{"term": tag, "label": tag} for tag in meta.tags])


def _add_texts(entry: FeedEntry, post: Post, config: SiteConfig, link: str, kind: str, lead: str = "") -> None:
    """The summary (plain text) and the article (HTML), each marked or escaped as what it is; ``lead`` (plain
    text) goes before both.

    feedgen ties RSS and Atom fields together (``description`` also sets Atom content), so each kind
    sets only its own fields: the generator renders one kind.
    """
    summary = " ".join(text for text in (lead, post.meta.summary) if text)
    if kind == "rss":
        if summary:
            entry.description(html_text(summary))
    elif summary:
        entry.summary(summary, type="text")
        if not config.feed_full_content:
            entry.content(summary, type="text")  # for readers that show only an entry's content
    if config.feed_full_content:
        opening = f"<p>{html_text(lead)}</p>" if lead else ""
        entry.content(opening + absolute_links(body_html(post), link), type="html")


def feed_specs(config: SiteConfig, posts: Sequence[Post], by_category: dict[str, tuple[Post, ...]]) -> list[FeedSpec]:
    """The site's feed and one per category (even an empty one, so no subscriber gets a 404)."""
    size = config.feed_size
    site_updated = newest_change(posts[:size])
    paths = config.paths
    specs = [FeedSpec(config.title, config.description, paths.home, tuple(posts[:size]), updated=site_updated)]
    for key, category in config.categories.items():
        entries = by_category.get(key, ())[:size]
        specs.append(FeedSpec(
            f"{config.title} – {category.label}", category.description, paths.page(category.slug),
            entries, category.label, newest_change(entries, site_updated),
        ))
    return specs
