"""A site in several languages: site.toml's translations, each language's pages under its prefix, the links
between the versions of a page, the rules, ``hospiblog new --translation-of`` and a one-language site unchanged."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

import feedparser
import lxml.etree
import lxml.html
import pytest

from hospiblog.build import build
from hospiblog.checks import errors_of, warnings_of
from hospiblog.checks.command import check_site
from hospiblog.cli import main
from hospiblog.config import load_config
from hospiblog.errors import BuildFailed, ConfigError, HospiblogError
from tests.conftest import GERMAN_TOML, SITE_TOML, SiteMaker, post

REPO = Path(__file__).resolve().parents[1]
NOW = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
BILINGUAL = SITE_TOML + GERMAN_TOML
FILES = {
    "posts/prevention/sommeil.md": post("Bien dormir", "2026-10-01", tags="[sommeil]", author="cmartin",
                                        translation_key="sommeil"),
    "posts/prevention/schlaf.md": post("Gut schlafen", "2026-10-02", tags="[Schlaf]", author="cmartin", lang="de",
                                       translation_key="sommeil"),
    "posts/news/fete.md": post("La fête de l'hôpital", "2026-09-01"),
    "posts/news/nur-deutsch.md": post("Nur auf Deutsch", "2026-09-02", lang="de"),
}


def page(out: Path, url: str) -> lxml.html.HtmlElement:
    return lxml.html.parse(str(out / url.lstrip("/") / "index.html")).getroot()


def alternates(tree: lxml.html.HtmlElement) -> dict[str, str]:
    return {link.get("hreflang"): link.get("href") for link in tree.xpath("//link[@rel='alternate'][@hreflang]")}


def switcher(tree: lxml.html.HtmlElement) -> list[tuple[str, str, str, str]]:
    return [(link.get("lang"), link.get("hreflang"), link.get("href"), link.text_content())
            for link in tree.xpath("//nav[@class='languages wrap']//a")]


@pytest.fixture
def bilingual(make_site: SiteMaker, tmp_path: Path) -> Path:
    site = make_site(files=FILES, config=BILINGUAL)
    out = tmp_path / "out"
    build(site, output=out, now=NOW, use_cache=False)
    return out


def test_site_toml_gives_each_language_its_texts_and_urls(make_site: SiteMaker) -> None:
    config = load_config(make_site(config=BILINGUAL))
    assert config.site_languages == ("fr", "de") and config.multilingual
    german = config.edition("de")
    assert (german.title, german.categories["medicine"].label, german.categories["medicine"].slug) == \
        ("Testblog", "Medizin", "medizin")
    assert german.authors["cmartin"].role == "Leitende Ärztin"
    assert german.authors["cmartin"].bio == config.authors["cmartin"].bio  # not translated: the French text
    assert (german.paths.tags, german.paths.search, german.paths.not_found) == \
        ("/de/themen/", "/de/suche/", "/de/404.html")
    assert config.post_url("medicine", "x", "de-CH") == "/de/medizin/x/"
    assert config.post_url("medicine", "x", None) == "/medecine/x/"
    assert german.edition("fr") is config


@pytest.mark.parametrize(("extra", "message", "line_text"), [
    ("\n[languages.de]\ntitle = \"T\"\ndescription = \"D\"\n", "category 'medicine' has no translation into de",
     "[categories.medicine]"),
    (GERMAN_TOML.replace('slug = "medizin"', 'slug = "themen"'), 'category slug "themen" cannot be used',
     'slug = "themen"'),
    (GERMAN_TOML + "\n[languages.it]\ntitle = \"T\"\ndescription = \"D\"\n", 'unsupported language "it"',
     "[languages.it]"),
    ("\n[categories.news.en]\nslug = \"news\"\nlabel = \"News\"\n",
     "a translation into en, which the site does not list", "[categories.news.en]"),
])
def test_a_missing_or_wrong_translation_is_an_error_at_its_line(make_site: SiteMaker, extra: str, message: str,
                                                                 line_text: str) -> None:
    text = SITE_TOML + extra
    with pytest.raises((ConfigError, BuildFailed)) as caught:
        load_config(make_site(config=text))
    errors = caught.value.errors if isinstance(caught.value, BuildFailed) else [caught.value]
    found = [error for error in errors if message in error.message]
    assert found, [error.message for error in errors]
    assert found[0].location is not None and found[0].location.line is not None
    assert text.splitlines()[found[0].location.line - 1].startswith(line_text)


def test_a_missing_interface_string_is_an_error_naming_the_catalogue_and_the_key(make_site: SiteMaker) -> None:
    site = make_site(files={"themes/mine/theme.toml": 'extends = "default"\n',
                            "themes/mine/i18n/de.toml": 'appointment = "Termin"\n'},
                     config=BILINGUAL.replace('posts_per_page = 2', 'posts_per_page = 2\ntheme = "mine"'))
    with pytest.raises(HospiblogError) as caught:
        build(site, output=site.parent / "out", now=NOW)
    assert "the interface catalogue fr.toml has no string 'appointment'" in str(caught.value.message)


def test_each_language_lists_only_its_posts(bilingual: Path) -> None:
    french, german = page(bilingual, "/"), page(bilingual, "/de/")
    assert french.get("lang") == "fr" and german.get("lang") == "de"
    assert sorted(french.xpath("//h2[@class='card-title']/a/@href")) == \
        ["/actualites/la-fete-de-l-hopital/", "/prevention/bien-dormir/"]
    assert sorted(german.xpath("//h2[@class='card-title']/a/@href")) == \
        ["/de/aktuelles/nur-auf-deutsch/", "/de/praevention/gut-schlafen/"]
    assert german.xpath("//a[@href='/de/abonnieren/']/text()")[0] == "Abonnieren"
    for folder in ("de/themen/schlaf", "de/autoren/cmartin", "de/archiv/2026", "de/abonnieren", "de/suche"):
        assert (bilingual / folder / "index.html").is_file(), folder
    assert (bilingual / "de" / "404.html").is_file()


def test_translations_point_at_each_other_with_x_default(bilingual: Path) -> None:
    base = "https://blog.test.example"
    french, german = page(bilingual, "/prevention/bien-dormir/"), page(bilingual, "/de/praevention/gut-schlafen/")
    expected = {"fr": f"{base}/prevention/bien-dormir/", "de": f"{base}/de/praevention/gut-schlafen/",
                "x-default": f"{base}/prevention/bien-dormir/"}
    assert alternates(french) == alternates(german) == expected
    assert french.xpath("//meta[@property='og:locale:alternate']/@content") == ["de_CH"]
    assert german.xpath("//meta[@property='og:locale']/@content") == ["de_CH"]
    # Pages of the same kind are versions of each other: a category, the tag paired in site.toml, the home.
    assert alternates(page(bilingual, "/sujets/sommeil/"))["de"] == f"{base}/de/themen/schlaf/"
    assert alternates(page(bilingual, "/de/aktuelles/"))["fr"] == f"{base}/actualites/"
    # An article in one language only has no alternates.
    assert alternates(page(bilingual, "/de/aktuelles/nur-auf-deutsch/")) == {}


def test_the_switcher_goes_to_the_translation_else_says_where_it_leads(bilingual: Path) -> None:
    assert switcher(page(bilingual, "/prevention/bien-dormir/")) == [
        ("fr", "fr", "/prevention/bien-dormir/", "Français"),
        ("de", "de", "/de/praevention/gut-schlafen/", "Deutsch")]
    assert switcher(page(bilingual, "/actualites/la-fete-de-l-hopital/"))[1] == \
        ("de", "de", "/de/aktuelles/", "Deutsch (Aktuelles)")
    assert switcher(page(bilingual, "/de/aktuelles/nur-auf-deutsch/"))[0] == \
        ("fr", "fr", "/actualites/", "Français (Actualités)")
    assert switcher(page(bilingual, "/de/abonnieren/"))[0][2] == "/s-abonner/"


def test_the_sitemap_carries_the_alternates(bilingual: Path) -> None:
    tree = lxml.etree.parse(str(bilingual / "sitemap.xml"))
    spaces = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    entry = tree.xpath("//s:url[s:loc='https://blog.test.example/de/praevention/gut-schlafen/']", namespaces=spaces)[0]
    links = {link.get("hreflang"): link.get("href") for link in entry.xpath("x:link", namespaces=spaces)}
    assert links == alternates(page(bilingual, "/de/praevention/gut-schlafen/"))


def test_the_german_feed_holds_german_entries(bilingual: Path) -> None:
    feed = feedparser.parse((bilingual / "de" / "rss.xml").read_bytes())
    assert not feed.bozo and feed.feed.language == "de" and feed.feed.title == "Testblog"
    assert sorted(entry.link for entry in feed.entries) == [
        "https://blog.test.example/de/aktuelles/nur-auf-deutsch/",
        "https://blog.test.example/de/praevention/gut-schlafen/"]
    french = feedparser.parse((bilingual / "rss.xml").read_bytes())
    assert french.feed.language == "fr" and all("/de/" not in entry.link for entry in french.entries)


def test_cards_are_drawn_in_the_posts_language(bilingual: Path) -> None:
    assert (bilingual / "cards" / "de" / "praevention" / "gut-schlafen-og.jpg").is_file()
    assert (bilingual / "cards" / "de" / "site-og.jpg").is_file()
    og = page(bilingual, "/de/praevention/gut-schlafen/").xpath("//meta[@property='og:image']/@content")
    assert og == ["https://blog.test.example/cards/de/praevention/gut-schlafen-og.jpg"]


def test_rules_on_translations(make_site: SiteMaker) -> None:
    files = {**FILES,
             "posts/prevention/schlaf-zwei.md": post("Gut schlafen, zwei", "2026-10-03", lang="de",
                                                     translation_key="sommeil"),
             "posts/news/english.md": post("In English", "2026-10-03", lang="en")}
    findings = check_site(make_site(files=files, config=BILINGUAL), today=NOW.date(), use_cache=False)
    rules = sorted(finding.rule for finding in errors_of(findings))
    assert rules == ["translation-duplicate", "translation-duplicate", "unknown-language"]
    assert not [finding for finding in findings if finding.rule == "translation-missing"]  # off by default


def test_a_missing_translation_is_reported_when_asked(make_site: SiteMaker) -> None:
    config = BILINGUAL.replace("[organization]", '[checks.rules]\n"translation-missing" = "warning"\n\n[organization]')
    findings = check_site(make_site(files=FILES, config=config), today=NOW.date(), use_cache=False)
    missing = sorted(str(finding.location.path.name) for finding in warnings_of(findings)  # type: ignore[union-attr]
                     if finding.rule == "translation-missing")
    assert missing == ["fete.md", "nur-deutsch.md"]


def test_a_one_language_site_keeps_any_lang(make_site: SiteMaker, tmp_path: Path) -> None:
    site = make_site(files={"posts/news/a.md": post("Auf Deutsch", lang="de")})
    report = build(site, output=tmp_path / "out", now=NOW, use_cache=False)
    assert report.posts == 1 and not (tmp_path / "out" / "de").exists()


def test_new_starts_a_translation_with_the_shared_key(make_site: SiteMaker, monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    site = make_site(files={"posts/prevention/sommeil.md": post(
        "Bien dormir", tags="[sommeil]", image="/images/logo.png", image_alt='"Un logo"', author="cmartin")},
        config=BILINGUAL)
    monkeypatch.chdir(site)
    assert main(["new", "Gut schlafen", "--lang", "de", "--translation-of", "posts/prevention/sommeil.md",
                 "--date", "2026-10-05"]) == 0
    created = (site / "posts" / "prevention" / "gut-schlafen.md").read_text()
    assert "lang: de\ntranslation_key: \"sommeil\"\n" in created and "draft: true" in created
    assert "author: cmartin" in created and "image_alt: \"Un logo\"" in created and "Un texte." in created
    assert "translation_key: \"sommeil\"" in (site / "posts" / "prevention" / "sommeil.md").read_text()
    assert main(["new", "--lang", "de", "--translation-of", "posts/prevention/sommeil.md"]) == 1
    assert "already the de translation" in capsys.readouterr().err
    # The draft builds (with --drafts) as the German version of the original.
    build(site, output=site.parent / "out", now=NOW, drafts=True, use_cache=False)
    assert alternates(page(site.parent / "out", "/de/praevention/gut-schlafen/"))["fr"].endswith(
        "/prevention/bien-dormir/")


def test_the_social_kit_of_one_language(make_site: SiteMaker, tmp_path: Path) -> None:
    from hospiblog.kit import make_kit

    site = make_site(files=FILES, config=BILINGUAL)
    report = make_kit(site, language="de", output=tmp_path / "kit", now=NOW)
    folders = sorted(path.name for path in (tmp_path / "kit").iterdir() if path.is_dir())
    assert report.posts == 2 and folders == ["2026-09-02-nur-auf-deutsch-de", "2026-10-02-gut-schlafen-de"]
    texts = json.loads((tmp_path / "kit" / "2026-10-02-gut-schlafen-de" / "texts.json").read_text())
    assert texts["url"] == "https://blog.test.example/de/praevention/gut-schlafen/"
    with pytest.raises(HospiblogError, match="no language 'it'"):
        make_kit(site, language="it", output=tmp_path / "kit2", now=NOW)


GOLDEN = Path(__file__).parent / "golden" / "one-language-demo.json"


def one_language_copy(folder: Path) -> Path:
    """The demo as it was before it had a second language: its French articles without translation keys and
    site.toml without the German tables."""
    shutil.copytree(REPO / "static", folder / "static")
    for path in (REPO / "posts").rglob("*.md"):
        text = path.read_text("utf-8")
        if re.search(r"^lang: de$", text, flags=re.MULTILINE):
            continue
        target = folder / path.relative_to(REPO)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(re.sub(r"^translation_key: .*\n", "", text, flags=re.MULTILINE), "utf-8")
    tables = re.split(r"(?m)^(?=\[)", (REPO / "site.toml").read_text("utf-8"))
    kept = [table for table in tables if not re.match(r"\[(languages\.de|[a-z]+\.[a-z0-9-]+\.de)[.\]]", table)]
    (folder / "site.toml").write_text("".join(kept), "utf-8")
    return folder


VARIANT = re.compile(rb"(images/[^\s\"',]+?-\d+)\.[0-9a-f]{10}\.(jpg|png|webp|avif)")
"""An image variant's name: its hash is of its key, which holds the code of imaging.py (any edit of it renames
every variant). The golden digests are taken with that hash left out, of names and of the pages naming them."""


def output_digests(out: Path) -> dict[str, str]:
    """Each output file's digest by path, image variants' hashes left out."""
    def normal(data: bytes) -> bytes:
        return VARIANT.sub(rb"\1.#.\2", data)

    return {normal(path.relative_to(out).as_posix().encode()).decode():
            hashlib.blake2b(normal(path.read_bytes()), digest_size=16).hexdigest()
            for path in sorted(out.rglob("*")) if path.is_file()}


@pytest.mark.slow
def test_a_one_language_site_builds_byte_for_byte_as_before(tmp_path: Path) -> None:
    """The digests of tests/golden/one-language-demo.json were taken of the demo built by the code before sites had
    several languages (commit a02a92c), then written again once, by HOSPIBLOG_UPDATE_GOLDEN=1, when builds stopped
    publishing the square and story cards (issue 16: 64 cards fewer, and the 32 article pages' JSON-LD without the
    square card; nothing else), and when search.js learnt to merge an index in parts and RSS channels got their page
    as link (the 12 feeds, search.js and the search page naming it; nothing else), and when plain cards were spliced
    from their frame's rows and large photos decoded at a smaller scale (the site's card: the same pixels, other
    bytes; the card over a 2800×1867 photo: mean difference 0.49 of 255; nothing else), and when the theme's fonts
    lost their hinting (the 33 cards and the video poster, whose glyphs changed; nothing else). Write them again that
    way only for a change meant to change the output, having checked which files it changes."""
    out = tmp_path / "out"
    build(one_language_copy(tmp_path / "site"), output=out, now=NOW, use_cache=False)
    digests = output_digests(out)
    if os.environ.get("HOSPIBLOG_UPDATE_GOLDEN"):
        GOLDEN.write_text(json.dumps(digests, indent=0, sort_keys=True) + "\n")
    expected = json.loads(GOLDEN.read_text())
    assert sorted(set(digests) ^ set(expected)) == []
    assert [path for path in expected if digests[path] != expected[path]] == []
