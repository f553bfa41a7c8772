"""Open Graph, X card and JSON-LD: tags with absolute URLs, and JSON-LD that no title can break out of."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import lxml.html

from hospiblog.build import parse_all
from hospiblog.checks.context import make_context
from hospiblog.config import SiteConfig, load_config
from hospiblog.content.discover import discover
from hospiblog.model import Post, Site
from hospiblog.seo import (
    ArticleInfo,
    PageInfo,
    ShareImage,
    json_ld,
    meta_tags,
    og_locale,
    script_safe_json,
    seo_view,
    x_handle,
)
from hospiblog.site import assemble_site
from hospiblog.theme import load_theme, make_environment
from tests.conftest import NOW, SiteMaker, post

BASE = "https://blog.test.example"
HOSTILE = "</script><script>alert(1)</script> <!-- « ligne\u2028séparée\u2029» & co"


def assembled(site_dir: Path) -> tuple[SiteConfig, Site]:
    config = load_config(site_dir)
    posts, errors = parse_all(discover(config), config, cache=None, workers=1)
    assert not errors
    theme = load_theme(config)
    context = make_context(posts, config, static_lookup=theme.static_file, today=NOW.date())
    return config, assemble_site(posts, config, now=NOW, urls=context.urls, image_sizes=context.image_sizes)


def article_page(config: SiteConfig, article: Post) -> tuple[PageInfo, ArticleInfo]:
    url = f"{BASE}/medecine/{article.meta.slug}/"
    image = ShareImage(f"{BASE}/cards/medecine/{article.meta.slug}-og.jpg", 1200, 630, "La carte")
    square = ShareImage(f"{BASE}/cards/medecine/{article.meta.slug}-square.jpg", 1080, 1080, "La carte")
    page = PageInfo("post", article.meta.title, article.meta.summary, url, (image, square))
    return page, ArticleInfo(article, f"{BASE}/medecine/", f"{BASE}/auteurs/cmartin/")


def one_post(make_site: SiteMaker, title: str = "Varices : quand consulter ?",
             **fields: str) -> tuple[SiteConfig, Post]:
    defaults = {"summary": '"Un résumé."', "author": "cmartin", "tags": "[veines, santé mentale]",
                "updated": "2026-11-02", "reviewed_by": '"Dr Jean Dupont"', "last_reviewed": "2026-10-20"}
    config, site = assembled(make_site({"posts/medicine/a.md": post(title, "2026-10-14", **(defaults | fields))}))
    return config, site.posts[0]


def tags_by_key(tags: list[tuple[str, str, str]]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for _, key, content in tags:
        found.setdefault(key, []).append(content)
    return found


def test_article_tags_are_complete_and_absolute(make_site: SiteMaker) -> None:
    config, article = one_post(make_site)
    page, info = article_page(config, article)
    tags = meta_tags(config, page, article=info)
    found = tags_by_key(tags)
    assert found["og:type"] == ["article"] and found["og:locale"] == ["fr_CH"]
    assert found["og:title"] == ["Varices\u202f: quand consulter\u202f?"]
    assert found["og:site_name"] == ["Blog de test"]
    for key in ("og:url", "og:image", "twitter:image", "article:author"):
        assert found[key][0].startswith(BASE + "/"), key
    assert found["og:image"] == [f"{BASE}/cards/medecine/{article.meta.slug}-og.jpg"]
    assert found["og:image:width"] == ["1200"] and found["og:image:height"] == ["630"]
    assert found["og:image:alt"] == found["twitter:image:alt"] == ["La carte"]
    assert found["article:tag"] == ["veines", "santé mentale"]
    assert found["article:section"] == ["Médecine et soins"]
    assert found["article:published_time"][0].startswith("2026-10-14T00:00:00")
    assert found["article:modified_time"][0].startswith("2026-11-02T")
    assert found["twitter:card"] == ["summary_large_image"] and found["twitter:site"] == ["@hopitaltest"]
    attributes = {(attribute, key.split(":")[0]) for attribute, key, _ in tags}
    assert attributes <= {("property", "og"), ("property", "article"), ("name", "twitter")}


def test_home_page_is_a_website_with_organization(make_site: SiteMaker) -> None:
    config, _ = one_post(make_site)
    page = PageInfo("home", config.title, config.description, BASE + "/",
                    (ShareImage(BASE + "/cards/site-og.jpg", 1200, 630, "Blog de test"),))
    assert ("property", "og:type", "website") in meta_tags(config, page)
    graph = json.loads(json_ld(config, page))["@graph"]
    assert [node["@type"] for node in graph] == ["Organization", "WebSite"]
    organization = graph[0]
    assert organization["name"] == "Hôpital de Test"
    assert organization["logo"] == {"@type": "ImageObject", "url": BASE + "/images/logo.png"}
    assert organization["sameAs"] == ["https://x.com/hopitaltest"]
    assert graph[1]["publisher"] == {"@id": organization["@id"]} and graph[1]["inLanguage"] == "fr-CH"


def test_blog_posting_and_breadcrumbs(make_site: SiteMaker) -> None:
    config, article = one_post(make_site)
    page, info = article_page(config, article)
    logo = ShareImage(BASE + "/images/logo.png", 64, 64)
    posting, breadcrumbs = json.loads(json_ld(config, page, article=info, logo=logo, home_label="Accueil"))["@graph"]
    assert posting["@type"] == "BlogPosting" and posting["headline"] == article.meta.title
    assert posting["description"] == "Un résumé." and posting["inLanguage"] == "fr-CH"
    assert posting["datePublished"].startswith("2026-10-14") and posting["dateModified"].startswith("2026-11-02")
    assert posting["author"] == {"@type": "Person", "name": "Dre Claire Martin", "jobTitle": "Médecin adjointe",
                                 "url": f"{BASE}/auteurs/cmartin/", "worksFor": {"@id": f"{BASE}/#organization"}}
    assert posting["publisher"]["@type"] == "Organization"
    assert posting["publisher"]["logo"] == {"@type": "ImageObject", "url": logo.url, "width": 64, "height": 64}
    assert posting["mainEntityOfPage"]["@id"] == page.canonical_url
    assert posting["mainEntityOfPage"]["reviewedBy"]["name"] == "Dr Jean Dupont"
    assert posting["articleSection"] == "Médecine et soins" and posting["keywords"] == "veines, santé mentale"
    assert [image["width"] for image in posting["image"]] == [1200, 1080]
    assert [(item["position"], item["name"], item["item"]) for item in breadcrumbs["itemListElement"]] == [
        (1, "Accueil", BASE + "/"), (2, "Médecine et soins", BASE + "/medecine/"),
        (3, article.meta.title, page.canonical_url)]


def test_json_ld_cannot_leave_its_script_element(make_site: SiteMaker) -> None:
    # The title goes through the real front-matter parser; YAML's "\u2028" escape gives the character itself.
    config, article = one_post(make_site)
    hostile = replace(article, meta=replace(article.meta, title=HOSTILE, summary=HOSTILE, tags=(HOSTILE,)))
    page, info = article_page(config, hostile)
    page = replace(page, title=HOSTILE, description=HOSTILE)
    text = json_ld(config, page, article=info)
    for forbidden in ("<", ">", "&", "\u2028", "\u2029"):
        assert forbidden not in text
    environment = make_environment(load_theme(config))
    view = seo_view(config, page, article=info)
    assert view.json_ld == text and list(view.meta_tags) == meta_tags(config, page, article=info)
    html = environment.get_template("partials/meta.html").render(seo=view)
    document = lxml.html.document_fromstring(f"<html><head>{html}</head><body><p>fin</p></body></html>")
    (script,) = document.xpath("//script")
    assert script.get("type") == "application/ld+json"
    data = json.loads(script.text)
    assert data["@graph"][0]["headline"] == HOSTILE
    assert data["@graph"][0]["keywords"] == HOSTILE
    assert document.xpath("//body/p/text()") == ["fin"]
    contents = {meta.get("property") or meta.get("name"): meta.get("content") for meta in document.xpath("//meta")}
    assert contents["og:title"] == HOSTILE and contents["twitter:description"] == HOSTILE


def test_parsed_title_with_script_and_line_separator(make_site: SiteMaker) -> None:
    config, article = one_post(make_site, title="</script><script>alert(1)</script>\\u2028x")
    assert "\u2028" in article.meta.title
    page, info = article_page(config, article)
    text = json_ld(config, page, article=info)
    assert "</" not in text and json.loads(text)["@graph"][0]["headline"] == article.meta.title


def test_script_safe_json_round_trips() -> None:
    value = {"a": "</script>", "b": "<!--", "c": "x\u2028y\u2029z", "d": "& > <"}
    text = script_safe_json(value)
    assert json.loads(text) == value and "</" not in text and "\u2028" not in text


def test_locales_and_x_handle(make_site: SiteMaker) -> None:
    assert [og_locale(code) for code in ("fr", "de", "en", "it", "fr-CH")] == ["fr_CH", "de_CH", "en_GB", "it_CH",
                                                                               "fr_CH"]
    config, _ = one_post(make_site)
    assert x_handle(config) == "@hopitaltest"
    assert x_handle(replace(config, sharing=replace(config.sharing, x_handle="valclair"))) == "@valclair"
    no_x = replace(config, social=replace(config.social, x=""))
    assert x_handle(no_x) == ""
    page = PageInfo("tags", "Sujets", "Tous les sujets", BASE + "/sujets/")
    found = tags_by_key(meta_tags(no_x, page))
    assert "twitter:site" not in found and found["twitter:card"] == ["summary"] and "og:image" not in found
    assert json.loads(json_ld(no_x, page))["@graph"][0]["@type"] == "WebPage"


def test_post_language_overrides_site_language(make_site: SiteMaker) -> None:
    config, article = one_post(make_site, lang="de")
    page, info = article_page(config, article)
    assert ("property", "og:locale", "de_CH") in meta_tags(config, page, article=info)
    assert json.loads(json_ld(config, page, article=info))["@graph"][0]["inLanguage"] == "de-CH"
