"""The demo site built as a whole and read back with real clients: feedparser and lxml."""

from __future__ import annotations

import itertools
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import frontmatter
import lxml.etree
import lxml.html
import pytest

from hospiblog.build import BuildReport, build
from hospiblog.config import load_config
from hospiblog.urls import slugify
from tests.conftest import NOW, REPO

pytestmark = pytest.mark.slow
BASE = "https://blog.hopital-valclair.example"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BuildReport]:
    out = tmp_path_factory.mktemp("demo") / "public"
    return out, build(REPO, output=out, now=NOW)


def sources() -> list[tuple[Path, frontmatter.Post]]:
    return [(path, frontmatter.load(path)) for path in sorted((REPO / "posts").rglob("*.md"))]


def published() -> list[tuple[Path, frontmatter.Post]]:
    return [(path, meta) for path, meta in sources()
            if not meta.get("draft") and str(meta["date"])[:10] <= NOW.date().isoformat()]


def language_of(meta: frontmatter.Post) -> str:
    """The post's language: French (the site's default) unless its front matter says otherwise."""
    return str(meta.get("lang") or "fr")


def url_of(path: Path, meta: frontmatter.Post) -> str:
    """French posts at the root, German ones under /de/ with their category's German slug (site.toml)."""
    category = load_config(REPO).categories[path.parent.name]
    language = language_of(meta)
    slug = meta.get("slug") or slugify(str(meta["title"]))
    if language == "fr":
        return f"/{category.slug}/{slug}/"
    return f"/{language}/{category.translations[language].slug}/{slug}/"


def html_pages(out: Path) -> list[Path]:
    return sorted(out.rglob("*.html"))


def local_target(out: Path, url: str) -> Path | None:
    parts = urlsplit(url)
    if parts.scheme in ("mailto", "tel") or (parts.netloc and parts.netloc != urlsplit(BASE).netloc):
        return None
    path = parts.path
    if not path:
        return None
    target = out / path.lstrip("/")
    return target / "index.html" if path.endswith("/") else target


def as_typed(text: str) -> str:
    """A shown title as the editor typed it: French typography's narrow spaces and apostrophes undone."""
    return text.replace("\u202f", " ").replace("\u2019", "'").strip()


def test_every_published_post_has_its_page(built: tuple[Path, BuildReport]) -> None:
    out, report = built
    posts = published()
    assert report.posts == len(posts) >= 18
    for path, meta in posts:
        page = lxml.html.parse(str(out / url_of(path, meta).lstrip("/") / "index.html")).getroot()
        (heading,) = page.xpath("//h1")
        assert as_typed(heading.text_content()) == str(meta["title"]).strip(), path
        assert page.xpath("//link[@rel='canonical']/@href") == [BASE + url_of(path, meta)]


def test_drafts_and_scheduled_posts_are_absent(built: tuple[Path, BuildReport]) -> None:
    out, _ = built
    hidden = [(path, meta) for path, meta in sources() if (path, meta) not in published()]
    hidden = [(path, meta) for path, meta in sources() if path not in {p for p, _ in published()}]
    assert len(hidden) >= 2
    everything = b"".join(path.read_bytes() for path in out.rglob("*") if path.is_file())
    for path, meta in hidden:
        assert not (out / url_of(path, meta).lstrip("/")).exists()
        assert url_of(path, meta).encode() not in everything


def test_category_listings_are_newest_first_and_paginated(built: tuple[Path, BuildReport]) -> None:
    out, _ = built
    config = load_config(REPO)
    # Each language's category page lists the category's posts in that language only.
    for (key, category), language in itertools.product(config.categories.items(), config.site_languages):
        expected = sorted((meta for path, meta in published()
                           if path.parent.name == key and language_of(meta) == language),
                          key=lambda meta: str(meta["date"]), reverse=True)
        folder = out / category.slug if language == "fr" else out / language / category.translations[language].slug
        titles: list[str] = []
        page, number = folder / "index.html", 1
        while page.exists():
            tree = lxml.html.parse(str(page)).getroot()
            links = tree.xpath("//h2[@class='card-title']/a")
            on_page = [as_typed(node.text_content()) for node in links]
            assert len(on_page) <= config.posts_per_page
            titles += on_page
            number += 1
            page = folder / "page" / str(number) / "index.html"
        assert titles == [str(meta["title"]).strip() for meta in expected], (key, language)


def test_feeds_read_back(built: tuple[Path, BuildReport]) -> None:
    out, _ = built
    feeds = sorted(out.rglob("rss.xml")) + sorted(out.rglob("atom.xml"))
    assert len(feeds) == 24  # in each language: the site's, one per category, and the jobs page's
    for feed_path in feeds:
        feed = feedparser.parse(feed_path.read_bytes())
        assert not feed.bozo, (feed_path, feed.bozo_exception)
        dates = [entry.published_parsed for entry in feed.entries]
        assert dates == sorted(dates, reverse=True)
        for entry in feed.entries:
            target = local_target(out, entry.link)
            assert entry.link.startswith(BASE) and target is not None and target.exists()
            content = entry.content[0].value
            fragment = lxml.html.fromstring(f"<div>{content}</div>")
            for url in fragment.xpath("//a/@href | //img/@src"):
                assert urlsplit(url).scheme in ("https", "mailto", "tel"), (entry.link, url)
                local = local_target(out, url)
                assert local is None or local.exists(), url
    site_feed = feedparser.parse((out / "rss.xml").read_bytes())
    assert len(site_feed.entries) == min(20, len([meta for _path, meta in published() if language_of(meta) == "fr"]))
    entry = site_feed.entries[0]
    assert entry.summary and entry.author and entry.tags and entry.id.startswith("tag:")
    atom = feedparser.parse((out / "atom.xml").read_bytes())
    assert atom.feed.links[-1].rel == "self" or any(link.rel == "self" for link in atom.feed.links)


def test_entry_ids_do_not_change_across_builds(built: tuple[Path, BuildReport], tmp_path: Path) -> None:
    out, _ = built
    build(REPO, output=tmp_path / "again", now=NOW, use_cache=False)
    for name in ("rss.xml", "atom.xml"):
        first = [entry.id for entry in feedparser.parse((out / name).read_bytes()).entries]
        second = [entry.id for entry in feedparser.parse((tmp_path / "again" / name).read_bytes()).entries]
        assert first == second and len(set(first)) == len(first)
    assert (out / "rss.xml").read_bytes() == (tmp_path / "again" / "rss.xml").read_bytes()


def test_sitemap_lists_every_page(built: tuple[Path, BuildReport]) -> None:
    out, _ = built
    tree = lxml.etree.parse(str(out / "sitemap.xml"))
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    listed = {loc.text for loc in tree.xpath("//s:loc", namespaces=namespace)}
    pages = {BASE + "/" + str(path.relative_to(out).parent).replace(".", "").strip("/") for path in html_pages(out)
             if path.name == "index.html"}
    pages = {page if page.endswith("/") else page + "/" for page in pages}
    assert listed == pages
    assert all(node.text for node in tree.xpath("//s:lastmod", namespaces=namespace))
    assert (out / "robots.txt").read_text().endswith(f"Sitemap: {BASE}/sitemap.xml\n")


def test_no_broken_internal_link_or_image(built: tuple[Path, BuildReport]) -> None:
    out, _ = built
    broken: list[str] = []
    for page in html_pages(out):
        tree = lxml.html.parse(str(page)).getroot()
        for url in tree.xpath("//a/@href | //img/@src | //link/@href | //script/@src"):
            target = local_target(out, url)
            if target is not None and not target.exists():
                broken.append(f"{page.relative_to(out)} → {url}")
    assert broken == []


def test_dates_are_written_the_french_way(built: tuple[Path, BuildReport]) -> None:
    out, _ = built
    page = (out / "actualites" / "index.html").read_text()
    assert "octobre 2026" in page
    text = (out / "medecine" / "index.html").read_text()
    assert "juin 2026" in text
