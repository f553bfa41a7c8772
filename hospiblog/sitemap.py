"""``sitemap.xml`` and ``robots.txt``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from xml.etree import ElementTree

from .config import SiteConfig
from .urls import absolute

SITEMAP_NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NAMESPACE = "http://www.w3.org/1999/xhtml"
"""Of ``<xhtml:link rel="alternate" hreflang>``: a page's versions in other languages (Google's sitemap extension)."""


@dataclass(frozen=True)
class SitemapEntry:
    """A page listed in the sitemap, with the last time its content changed."""

    url: str
    lastmod: datetime | None
    alternates: tuple[tuple[str, str], ...] = ()
    """``(hreflang, absolute URL)`` of each version of the page, itself and ``x-default`` included; empty for a
    page in one language."""


def render_sitemap(entries: Sequence[SitemapEntry], config: SiteConfig) -> bytes:
    """The sitemap in the sitemaps.org 0.9 format, with each page's versions in other languages."""
    root = ElementTree.Element("urlset", xmlns=SITEMAP_NAMESPACE)
    if any(entry.alternates for entry in entries):
        root.set("xmlns:xhtml", XHTML_NAMESPACE)
    for entry in sorted(entries, key=lambda item: item.url):
        url = ElementTree.SubElement(root, "url")
        ElementTree.SubElement(url, "loc").text = absolute(config.base_url, entry.url)
        if entry.lastmod is not None:
            ElementTree.SubElement(url, "lastmod").text = entry.lastmod.isoformat(timespec="seconds")
        for hreflang, href in entry.alternates:
            ElementTree.SubElement(url, "xhtml:link", rel="alternate", hreflang=hreflang, href=href)
    ElementTree.indent(root)
    data: bytes = ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)
    return data + b"\n"


def render_robots(config: SiteConfig) -> bytes:
    """Allows every crawler and points at the sitemap."""
    return f"User-agent: *\nAllow: /\n\nSitemap: {absolute(config.base_url, '/sitemap.xml')}\n".encode()
