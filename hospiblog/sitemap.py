"""``sitemap.xml`` and ``robots.txt``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from xml.etree import ElementTree

from .config import SiteConfig
from .urls import absolute

SITEMAP_NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"


@dataclass(frozen=True)
class SitemapEntry:
    """A page listed in the sitemap, with the last time its content changed."""

    url: str
    lastmod: datetime | None


def render_sitemap(entries: Sequence[SitemapEntry], config: SiteConfig) -> bytes:
    """The sitemap in the sitemaps.org 0.9 format."""
    root = ElementTree.Element("urlset", xmlns=SITEMAP_NAMESPACE)
    for entry in sorted(entries, key=lambda item: item.url):
        url = ElementTree.SubElement(root, "url")
        ElementTree.SubElement(url, "loc").text = absolute(config.base_url, entry.url)
        if entry.lastmod is not None:
            ElementTree.SubElement(url, "lastmod").text = entry.lastmod.isoformat(timespec="seconds")
    ElementTree.indent(root)
    data: bytes = ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)
    return data + b"\n"


def render_robots(config: SiteConfig) -> bytes:
    """Allows every crawler and points at the sitemap."""
    return f"User-agent: *\nAllow: /\n\nSitemap: {absolute(config.base_url, '/sitemap.xml')}\n".encode()
