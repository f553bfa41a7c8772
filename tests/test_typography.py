"""French apostrophes: ``'`` becomes U+2019 in the text readers see, never in code, URLs, attributes or slugs."""

from __future__ import annotations

import json
from pathlib import Path

import feedparser
import lxml.html

from hospiblog.build import build
from hospiblog.config import load_config
from hospiblog.content.discover import read_source
from hospiblog.content.parse import ParseSettings, parse_post
from hospiblog.content.typography import french_apostrophes, french_typography
from hospiblog.model import Post
from hospiblog.new import new_post
from tests.conftest import NOW, SITE_TOML, SiteMaker, post

APOSTROPHE = "\u2019"
NARROW_NBSP = "\u202f"

SITE_TEXTS = """\
title = "Le blog de l'Hôpital du Val-Clair"
description = "La vie de l'hôpital, racontée par ses équipes."
base_url = "https://blog.test.example"
{language}
[organization]
name = "Hôpital de l'Arc"
url = "https://www.hopital.example/l'arc"
address = "Route de l'Hôpital 12"
phone = "+41 26 000 00 00"

[categories.news]
slug = "actualites"
label = "Vie de l'hôpital"
description = "Ce qu'il se passe au Val-Clair."

[authors.cmartin]
name = "Dre Claire d'Arc"
role = "Cheffe d'équipe"
service = "Service d'angiologie"
bio = "Elle soigne aujourd'hui les veines."
"""


def parse(make_site: SiteMaker, text: str, config: str = SITE_TOML) -> Post:
    site = make_site({"posts/news/article.md": text}, config=config)
    settings = load_config(site)
    return parse_post(read_source(site / "posts/news/article.md", settings), ParseSettings.of(settings))


def test_every_straight_apostrophe_becomes_the_typographic_one() -> None:
    assert french_apostrophes("l'Hôpital d'aujourd'hui, qu'il") == f"l{APOSTROPHE}Hôpital d{APOSTROPHE}aujourd" \
        f"{APOSTROPHE}hui, qu{APOSTROPHE}il"
    # French quotes with « »: a pair of ' is two apostrophes, never turned into ‘ ’.
    assert french_apostrophes("'sic'") == f"{APOSTROPHE}sic{APOSTROPHE}"
    assert french_apostrophes("sans apostrophe") == "sans apostrophe"


def test_typography_spaces_then_curls() -> None:
    assert french_typography("Qu'est-ce ?") == f"Qu{APOSTROPHE}est-ce{NARROW_NBSP}?"
    # Spacing still sees the straight ' after ? as closing the sentence.
    assert french_typography("« Quoi ?' »") == f"«{NARROW_NBSP}Quoi{NARROW_NBSP}?{APOSTROPHE}{NARROW_NBSP}»"


def test_title_and_summary_are_curled_and_the_slug_is_made_from_the_title_as_written(make_site: SiteMaker) -> None:
    parsed = parse(make_site, post("Titre de l'article", summary="\"Ce qu'il faut savoir : l'essentiel.\""))
    assert parsed.meta.title == f"Titre de l{APOSTROPHE}article"
    assert parsed.meta.summary == f"Ce qu{APOSTROPHE}il faut savoir{NARROW_NBSP}: l{APOSTROPHE}essentiel."
    assert parsed.meta.slug == "titre-de-l-article"


def test_the_body_is_curled_in_text_only(make_site: SiteMaker) -> None:
    body = """\
        ## Qu'en dire ?

        L'accueil d'aujourd'hui, voir [l'entrée](https://www.hopital.example/l'entree "l'entrée principale").
        Tapez `echo 'bonjour'` ou <https://www.hopital.example/d'ici>.

        ![L'entrée de l'hôpital](https://www.hopital.example/l'image.png "vue d'ensemble")

        <span title="d'accord">l'avis</span>

        ```
        print('du code')
        ```
        """
    html = parse(make_site, post("Un titre", body=body)).parsed_html
    assert f'<h2 id="qu-en-dire">Qu{APOSTROPHE}en dire{NARROW_NBSP}?</h2>' in html
    assert f"L{APOSTROPHE}accueil d{APOSTROPHE}aujourd{APOSTROPHE}hui" in html
    assert f">l{APOSTROPHE}entrée</a>" in html
    assert f">l{APOSTROPHE}avis</span>" in html
    tree = lxml.html.fragment_fromstring(html, create_parent="div")
    link = tree.xpath("//a[contains(@href, 'entree')]")[0]
    assert (link.get("href"), link.get("title")) == ("https://www.hopital.example/l'entree", "l'entrée principale")
    image = tree.xpath("//img")[0]
    assert (image.get("alt"), image.get("title")) == ("L'entrée de l'hôpital", "vue d'ensemble")
    assert image.get("src") == "https://www.hopital.example/l'image.png"
    assert tree.xpath("//span/@title") == ["d'accord"]
    assert [code.text for code in tree.xpath("//code")] == ["echo 'bonjour'", "print('du code')\n"]
    autolink = tree.xpath("//a[contains(@href, 'ici')]")[0]
    assert autolink.text == autolink.get("href") == "https://www.hopital.example/d'ici"


def test_only_french_text_is_curled(make_site: SiteMaker) -> None:
    english = parse(make_site, post("A patient's guide", lang="en", summary="\"What's next\"",
                                    body="It's here."))
    assert (english.meta.title, english.meta.summary) == ("A patient's guide", "What's next")
    assert "It's here." in english.parsed_html
    german_site = 'language = "de"\n' + SITE_TOML
    assert parse(make_site, post("Geht's gut", body="Wie geht's?"), german_site).meta.title == "Geht's gut"
    french_post = parse(make_site, post("L'hôpital", lang="fr", body="L'accueil."), german_site)
    assert french_post.meta.title == f"L{APOSTROPHE}hôpital"
    assert f"L{APOSTROPHE}accueil." in french_post.parsed_html


def test_site_texts_of_a_french_site_are_curled(make_site: SiteMaker) -> None:
    config = load_config(make_site(config=SITE_TEXTS.format(language='language = "fr"')))
    assert config.title == f"Le blog de l{APOSTROPHE}Hôpital du Val-Clair"
    assert config.description == f"La vie de l{APOSTROPHE}hôpital, racontée par ses équipes."
    organization = config.organization
    assert (organization.name, organization.address) == (f"Hôpital de l{APOSTROPHE}Arc",
                                                          f"Route de l{APOSTROPHE}Hôpital 12")
    category = config.categories["news"]
    assert (category.label, category.description) == (f"Vie de l{APOSTROPHE}hôpital",
                                                      f"Ce qu{APOSTROPHE}il se passe au Val-Clair.")
    author = config.authors["cmartin"]
    assert (author.name, author.role, author.service, author.bio) == (
        f"Dre Claire d{APOSTROPHE}Arc", f"Cheffe d{APOSTROPHE}équipe", f"Service d{APOSTROPHE}angiologie",
        f"Elle soigne aujourd{APOSTROPHE}hui les veines.")
    # Not prose: a URL, a slug, a key, a phone number stay as written.
    assert organization.url == "https://www.hopital.example/l'arc"
    assert (category.slug, category.key, author.key) == ("actualites", "news", "cmartin")


def test_site_texts_of_other_languages_stay_as_written(make_site: SiteMaker) -> None:
    config = load_config(make_site(config=SITE_TEXTS.format(language='language = "en"')))
    assert config.title == "Le blog de l'Hôpital du Val-Clair"
    assert config.authors["cmartin"].bio == "Elle soigne aujourd'hui les veines."


def test_site_texts_and_articles_follow_one_rule(make_site: SiteMaker) -> None:
    """site.toml's texts and articles' titles get the same French typography, spaces included."""
    text = "Le blog de l'Hôpital d'aujourd'hui : 'entre guillemets' !"
    config_text = f'title = "{text}"\n' + SITE_TOML.split("\n", 1)[1]
    assert parse(make_site, post(text), config_text).meta.title == load_config(
        make_site(config=config_text)).title == french_typography(text)


def test_hospiblog_new_keeps_the_slug_of_the_title_as_written(make_site: SiteMaker) -> None:
    config = load_config(make_site())
    path = new_post(config, "Titre de l'article", category="news", author=None, date=None, now=NOW)
    assert path.name == "titre-de-l-article.md"
    assert 'title: "Titre de l\'article"' in path.read_text("utf-8")  # the editor's file keeps what they typed
    parsed = parse_post(read_source(path, config), ParseSettings.of(config))
    assert (parsed.meta.title, parsed.meta.slug) == (f"Titre de l{APOSTROPHE}article", "titre-de-l-article")


def test_built_pages_feeds_and_structured_data_show_the_curled_texts(make_site: SiteMaker, tmp_path: Path) -> None:
    site = make_site({"posts/news/article.md": post(
        "L'accueil de l'Hôpital", author="cmartin", summary="\"Ce qu'il faut savoir.\"",
        body="![L'entrée](https://www.hopital.example/e.png)\n\nL'accueil.")},
        config=SITE_TEXTS.format(language='language = "fr"'))
    out = tmp_path / "out"
    build(site, output=out, now=NOW)
    page = lxml.html.parse(str(out / "actualites/l-accueil-de-l-hopital/index.html")).getroot()
    title, site_title = f"L{APOSTROPHE}accueil de l{APOSTROPHE}Hôpital", f"Le blog de l{APOSTROPHE}Hôpital du Val-Clair"
    assert page.findtext(".//title") == f"{title} – {site_title}"
    assert [h1.text_content().strip() for h1 in page.xpath("//h1")] == [title]
    meta = {node.get("property") or node.get("name"): node.get("content") for node in page.xpath("//meta")}
    assert (meta["og:title"], meta["og:site_name"]) == (title, site_title)
    assert meta["og:description"] == f"Ce qu{APOSTROPHE}il faut savoir."
    assert page.xpath("//article//img/@alt") == ["L'entrée"]  # an attribute the editor wrote
    posting = json.loads(page.xpath("//script[@type='application/ld+json']")[0].text)["@graph"][0]
    assert (posting["headline"], posting["articleSection"]) == (title, f"Vie de l{APOSTROPHE}hôpital")
    assert (posting["publisher"]["name"], posting["author"]["name"]) == (f"Hôpital de l{APOSTROPHE}Arc",
                                                                         f"Dre Claire d{APOSTROPHE}Arc")
    assert posting["publisher"]["url"] == "https://www.hopital.example/l'arc"
    feed = feedparser.parse((out / "rss.xml").read_bytes())
    assert (feed.feed.title, feed.entries[0].title) == (site_title, title)
    home = (out / "index.html").read_text("utf-8")
    assert f"Vie de l{APOSTROPHE}hôpital" in home and "Vie de l&#39;hôpital" not in home


def test_the_themes_french_strings_get_french_typography(make_site: SiteMaker, tmp_path: Path) -> None:
    """Interface strings are French text too: « S’abonner », « Qu’est-ce qu’un fil RSS ? » with its narrow space."""
    site = make_site({"posts/news/a.md": post("A")})
    build(site, output=tmp_path / "out", now=NOW)
    page = (tmp_path / "out" / "s-abonner" / "index.html").read_text("utf-8")
    assert f"S{APOSTROPHE}abonner" in page and "S'abonner" not in page
    assert f"Qu{APOSTROPHE}est-ce qu{APOSTROPHE}un fil RSS{NARROW_NBSP}?" in page
