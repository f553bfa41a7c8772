"""Plain text stays plain text in feeds and pages: titles, summaries and descriptions read back exactly.

Every feed is built through the real pipeline and read with feedparser, as a reader would: a field that
feedparser hands over as HTML is read as HTML (by lxml), and must show the text as written, with no element.
Expected texts are the parsed ones (French typography adds narrow no-break spaces), never raw markup.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import feedparser
import lxml.etree
import lxml.html
import pytest

from hospiblog.build import build, parse_all
from hospiblog.config import SiteConfig, load_config
from hospiblog.content.discover import discover
from hospiblog.model import PostMeta
from tests.conftest import NOW, SITE_TOML, SiteMaker

TEXTS = {
    "enfants": ("Chez les enfants < 6 ans, la tension <b>compte</b>",
                "Chez les enfants < 6 ans, la tension <b>compte</b> & le reste > 0"),
    "script": ("</script><script>alert(1)</script> Vaccins",
               "</script><script>alert('résumé')</script><!-- fin --> <img src=x onerror=alert(1)>"),
    "entites": ("R&D &amp;co, &eacute;t&eacute; & <i>italique</i>",
                "Pas une entité : &lt;b&gt; ni &#60;, mais du texte ; &copy;2026"),
    "guillemets": ("« Bien manger » : les \"vrais\" conseils !",
                   "Il a dit « oui » ; elle a dit \"non\" ? <p>Fin</p>"),
}
"""Posts by file name: (title, summary), hostile and ordinary."""
SITE_TITLE = "Blog <b>santé</b> & « vous »"
SITE_DESCRIPTION = "Soins < 6 ans & </script><script>x</script> « test »"
CATEGORY_DESCRIPTION = "Les <em>soins</em> expliqués & &amp; détaillés"
Built = tuple[Path, SiteConfig, dict[str, PostMeta]]
"""The output folder, the loaded config, and each post's parsed meta by source path."""


def front_matter(title: str, summary: str, date: str) -> str:
    # JSON strings are YAML double-quoted strings: quotes and backslashes reach the parser intact.
    return (f"---\ntitle: {json.dumps(title, ensure_ascii=False)}\ndate: {date}\n"
            f"summary: {json.dumps(summary, ensure_ascii=False)}\ntags: [\"R&D\", \"<b>gras</b>\"]\n"
            "author: cmartin\n---\nUn texte avec un [lien](/medecine/).\n")


def site_toml(full_content: bool) -> str:
    toml = SITE_TOML.replace('title = "Blog de test"', f"title = {json.dumps(SITE_TITLE, ensure_ascii=False)}")
    toml = toml.replace('description = "Un blog pour les tests"',
                        f"description = {json.dumps(SITE_DESCRIPTION, ensure_ascii=False)}")
    toml = toml.replace('description = "Les soins expliqués."',
                        f"description = {json.dumps(CATEGORY_DESCRIPTION, ensure_ascii=False)}")
    return f"feed_full_content = {str(full_content).lower()}\n" + toml


def shown(detail: Any) -> str:
    """A feedparser text field as a reader shows it: plain text as it is, HTML as its text (with no element)."""
    if detail.type == "text/plain":
        return str(detail.value)
    assert detail.type == "text/html", detail
    if not detail.value:
        return ""
    wrapper = lxml.html.fragment_fromstring(detail.value, create_parent="div")
    assert [element.tag for element in wrapper] == [], f"markup in a plain-text field: {detail.value!r}"
    return wrapper.text or ""


def rss_titles(data: bytes) -> dict[str, str]:
    """An RSS feed's titles as its XML holds them: the channel's under "", each item's under its guid.

    RSS cannot say a title is text, and feedparser guesses: a title holding a closed tag it knows (``<i>…</i>``)
    or something like an entity (``&eacute;``) is read as HTML. Publishers and most readers take RSS titles as
    plain text (escaping them twice would show ``&amp;`` for every ampersand there), so the check is that the
    character data is the text itself; Atom titles, which say ``text``, are checked through feedparser.
    """
    channel = lxml.etree.fromstring(data).find("channel")
    assert channel is not None
    titles = {"": channel.findtext("title") or ""}
    titles |= {item.findtext("guid") or "": item.findtext("title") or "" for item in channel.iter("item")}
    return titles


def title_of(kind: str, data: bytes, detail: Any, key: str) -> str:
    """A title as written: Atom's through feedparser, RSS's from the XML (and feedparser's too when it reads text)."""
    if kind == "rss":
        written = rss_titles(data)[key]
        assert detail.type == "text/html" or detail.value == written, (detail, written)
        return written
    assert detail.type == "text/plain", detail
    return str(detail.value)


@pytest.fixture(params=[True, False], ids=["full-content", "summary-only"])
def built(request: pytest.FixtureRequest, make_site: SiteMaker, tmp_path: Path) -> Built:
    files = {f"posts/{'medicine' if number % 2 else 'news'}/{name}.md": front_matter(title, summary,
                                                                                    f"2026-10-0{number + 1}")
             for number, (name, (title, summary)) in enumerate(TEXTS.items())}
    site = make_site(files, config=site_toml(request.param))
    build(site, output=tmp_path / "out", now=NOW)
    config = load_config(site)
    posts, errors = parse_all(discover(config), config, cache=None, workers=1)
    assert not errors
    return tmp_path / "out", config, {post.relative: post.meta for post in posts}


def test_every_plain_text_field_of_every_feed_reads_back_exactly(built: Built) -> None:
    out, config, metas = built
    feeds = sorted(out.rglob("rss.xml")) + sorted(out.rglob("atom.xml"))
    assert len(feeds) == 10
    medicine = config.categories["medicine"]
    assert "<b>" in config.title and "</script>" in config.description and "<em>" in medicine.description
    seen = 0
    for path in feeds:
        kind, folder = path.stem, path.parent.relative_to(out).as_posix()
        data = path.read_bytes()
        feed = feedparser.parse(data)
        assert not feed.bozo, (path, feed.bozo_exception)
        category = next((item for item in config.categories.values() if item.slug == folder), None)
        title = f"{config.title} – {category.label}" if category else config.title
        assert title_of(kind, data, feed.feed.title_detail, "") == title, path
        description = (category.description if category else config.description) or title
        assert shown(feed.feed.subtitle_detail) == description, path
        for entry in feed.entries:
            meta = metas[entry.id.rsplit(":", 1)[1]]
            assert title_of(kind, data, entry.title_detail, entry.id) == meta.title, (path, entry.id)
            assert shown(entry.summary_detail) == meta.summary, (path, entry.id)
            if kind == "atom":
                assert entry.summary_detail.type == "text/plain"
            assert {tag.term for tag in entry.tags} >= {"R&D", "<b>gras</b>"}
            seen += 1
    assert seen == 4 * len(TEXTS)  # each post in the site's two feeds and its category's two


def test_full_content_stays_html(built: Built) -> None:
    out, config, metas = built
    for name in ("rss.xml", "atom.xml"):
        for entry in feedparser.parse((out / name).read_bytes()).entries:
            if not config.feed_full_content:
                assert "content" not in entry or shown(entry.content[0]) == metas[entry.id.rsplit(":", 1)[1]].summary
                continue
            html = entry.content[0]
            assert html.type == "text/html"
            assert '<a href="https://blog.test.example/medecine/">lien</a>' in html.value


def test_article_pages_show_the_same_text(built: Built) -> None:
    out, config, metas = built
    for meta in metas.values():
        page = lxml.html.fromstring((out / config.categories[meta.category].slug / meta.slug / "index.html")
                                    .read_text("utf-8"))
        head = {(tag.get("property") or tag.get("name")): tag.get("content") for tag in page.iter("meta")}
        assert page.findtext(".//title") == f"{meta.title} – {config.title}"
        assert page.xpath("string(//h1)") == meta.title
        assert page.xpath("string(//p[@class='lede'])") == meta.summary
        assert head["description"] == head["og:description"] == head["twitter:description"] == meta.summary
        assert head["og:title"] == head["twitter:title"] == meta.title
        assert head["og:site_name"] == config.title
        share = page.xpath("//button[@data-share-native]")[0]
        assert (share.get("data-title"), share.get("data-text")) == (meta.title, meta.summary)
        mail = page.xpath("//a[starts-with(@href, 'mailto:')]/@href")[0]
        assert parse_qs(urlsplit(mail).query)["subject"] == [meta.title]
        graph = json.loads(page.xpath("string(//script[@type='application/ld+json'])"))["@graph"]
        posting = next(node for node in graph if node["@type"] == "BlogPosting")
        assert (posting["headline"], posting["description"]) == (meta.title, meta.summary)
        assert not page.xpath("//script[not(@type='application/ld+json')][contains(., 'alert')] | //@onerror")
