"""The bilingual demo (French at the root, German under /de/) built once and read back with lxml and feedparser.

Each language is an edition: its own listings, feeds, interface strings and dates. Pages with a version in the
other language say so (hreflang alternates, x-default, og:locale:alternate, the sitemap's xhtml:link) and the
language switcher leads to that version, or to the page that stands for it. Expectations come from the sources
(front matter read with python-frontmatter, site.toml read with tomllib, the theme's i18n catalogues), not from
hospiblog's own functions.
"""

from __future__ import annotations

import csv
import json
import re
import tomllib
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import feedparser
import frontmatter
import lxml.etree
import lxml.html
import pytest

from hospiblog.build import build
from hospiblog.kit import make_kit
from hospiblog.urls import slugify
from tests.conftest import NOW, REPO

pytestmark = pytest.mark.slow
BASE = "https://blog.hopital-valclair.example"
LANGUAGES = ("fr", "de")
PREFIX = {"fr": "", "de": "/de"}
NAMES = {"fr": "Français", "de": "Deutsch"}
LOCALES = {"fr": "fr_CH", "de": "de_CH"}
# The URL words of each edition's listings (the German ones as issue #14 names them).
WORDS = {"fr": {"tags": "sujets", "authors": "auteurs", "archive": "archives", "jobs": "emplois"},
         "de": {"tags": "themen", "authors": "autoren", "archive": "archiv", "jobs": "stellen"}}
HIRING = datetime(2026, 11, 10, 12, 0, tzinfo=UTC)
"""A moment when the German job offer (closing 2026-11-15) is open; on NOW it is closed."""
NARROW_SPACE = "\u202f"
SITEMAP = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "xhtml": "http://www.w3.org/1999/xhtml"}
MONTHS = {
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre"),
    "de": ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
           "November", "Dezember"),
}
DATE_SHAPES = {
    "fr": re.compile(rf"\b(1er|\d{{1,2}}) ({'|'.join(MONTHS['fr'])}) \d{{4}}\b"),
    "de": re.compile(rf"\b\d{{1,2}}\. ({'|'.join(MONTHS['de'])}) \d{{4}}\b"),
}
PAGINATED = re.compile(r"(^|/)page/\d+/index\.html$")


# ---------------------------------------------------------------------------------------------------- sources


@cache
def site_toml() -> dict[str, Any]:
    return tomllib.loads((REPO / "site.toml").read_text("utf-8"))


def category_slug(key: str, language: str) -> str:
    category = site_toml()["categories"][key]
    return str(category["slug"] if language == "fr" else category[language]["slug"])


def category_label(key: str, language: str) -> str:
    category = site_toml()["categories"][key]
    return str(category["label"] if language == "fr" else category[language]["label"])


@dataclass(frozen=True)
class Source:
    """A published post as its Markdown file describes it."""

    path: Path
    meta: dict[str, Any]

    @property
    def language(self) -> str:
        return str(self.meta.get("lang") or "fr")

    @property
    def category(self) -> str:
        return self.path.parent.name

    @property
    def translation_key(self) -> str | None:
        key = self.meta.get("translation_key")
        return str(key) if key else None

    @property
    def url(self) -> str:
        """The post's URL path: its edition's prefix, its category's slug in its language, its slug."""
        slug = self.meta.get("slug") or slugify(str(self.meta["title"]))
        return f"{PREFIX[self.language]}/{category_slug(self.category, self.language)}/{slug}/"

    @property
    def title(self) -> str:
        return str(self.meta["title"]).strip()

    def closed_on(self, day: date) -> bool:
        closes = (self.meta.get("job") or {}).get("closes")
        return isinstance(closes, date) and closes < day


@cache
def published(moment: datetime = NOW) -> tuple[Source, ...]:
    found = []
    for path in sorted((REPO / "posts").rglob("*.md")):
        meta = dict(frontmatter.load(path).metadata)
        if not meta.get("draft") and str(meta["date"])[:10] <= moment.date().isoformat():
            found.append(Source(path, meta))
    return tuple(found)


def versions() -> dict[str, dict[str, Source]]:
    """Each translation key's published posts by language."""
    found: dict[str, dict[str, Source]] = defaultdict(dict)
    for source in published():
        if source.translation_key:
            found[source.translation_key][source.language] = source
    return found


def translation_of(source: Source, language: str) -> Source | None:
    return versions().get(source.translation_key or "", {}).get(language)


def translated() -> list[Source]:
    return [source for source in published() if len(versions().get(source.translation_key or "", {})) > 1]


def untranslated() -> list[Source]:
    return [source for source in published() if len(versions().get(source.translation_key or "", {})) < 2]


@cache
def catalogue(language: str) -> dict[str, str]:
    text = (REPO / "themes" / "default" / "i18n" / f"{language}.toml").read_text("utf-8")
    return {key: value for key, value in tomllib.loads(text).items() if isinstance(value, str)}


def plain(text: str) -> str:
    """Text with typography's no-break spaces and apostrophes as typed, and runs of spaces as one."""
    text = text.replace(NARROW_SPACE, " ").replace("\u00a0", " ").replace("\u2019", "'")
    return re.sub(r"\s+", " ", text)


@cache
def interface_words(language: str) -> frozenset[str]:
    """The distinctive pieces of the language's interface strings: each literal part of 6+ characters (between
    ``{placeholders}``) of a string the other language says differently, and that the other catalogue lacks."""
    other = "fr" if language == "de" else "de"
    theirs = plain(" | ".join(catalogue(other).values()))
    words = set()
    for key, value in catalogue(language).items():
        if value == catalogue(other).get(key):
            continue
        for part in re.split(r"\{[^}]*\}", value):
            part = plain(part).strip(" :·,.…")
            if len(part) >= 6 and part not in theirs:
                words.add(part)
    return frozenset(words)


# ---------------------------------------------------------------------------------------------------- the build


@dataclass
class Built:
    """An output folder, its HTML pages parsed once."""

    out: Path

    def __post_init__(self) -> None:
        files = [path for path in sorted(self.out.rglob("*.html")) if "pagefind" not in path.parts]
        self.pages = {str(path.relative_to(self.out)): lxml.html.parse(str(path)).getroot() for path in files}

    def file_of(self, url: str) -> Path:
        """The file behind a URL of the site (absolute or a path)."""
        parts = urlsplit(url)
        assert not parts.netloc or f"{parts.scheme}://{parts.netloc}" == BASE, url
        path = parts.path.lstrip("/")
        return self.out / (path + "index.html" if not path or path.endswith("/") else path)

    def page(self, url: str) -> Any:
        return self.pages[str(self.file_of(url).relative_to(self.out))]

    def items(self) -> Iterator[tuple[str, Any]]:
        return iter(self.pages.items())


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    out = tmp_path_factory.mktemp("languages") / "public"
    build(REPO, output=out, now=NOW)
    return Built(out)


@pytest.fixture(scope="module")
def hiring(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The demo built while the German offer is open (the parse and card caches make this build quick)."""
    out = tmp_path_factory.mktemp("languages-hiring") / "public"
    build(REPO, output=out, now=HIRING)
    return Built(out)


def language_of_file(relative: str) -> str:
    return "de" if relative.startswith("de/") else "fr"


def alternates(tree: Any) -> set[tuple[str, str]]:
    """The page's (hreflang, href) alternates from its <head>."""
    links = tree.xpath("/html/head/link[@rel='alternate'][@hreflang]")
    return {(link.get("hreflang"), link.get("href")) for link in links}


def canonical(tree: Any) -> str:
    (url,) = tree.xpath("/html/head/link[@rel='canonical']/@href")
    return str(url)


def switcher(tree: Any) -> dict[str, Any]:
    """The language switcher's links, by their lang attribute."""
    links = tree.xpath("//header[@class='site-header']/nav[contains(@class, 'languages')]//a")
    return {link.get("lang"): link for link in links}


def note(link: Any) -> str | None:
    notes = link.xpath("span[@class='language-note']")
    return notes[0].text_content() if notes else None


def titles(tree: Any) -> list[str]:
    """What a page shows as titles: <title>, og:title, <h1>, its post cards' titles."""
    found = [node.text_content() for node in tree.xpath("//title | //h1 | //h2[@class='card-title']")]
    return found + [str(value) for value in tree.xpath("//meta[@property='og:title']/@content")]


# ---------------------------------------------------------------------------------------------------- alternates


def test_the_demo_has_translations_and_posts_in_one_language() -> None:
    assert len({source.translation_key for source in translated()}) == 6
    assert [source.language for source in untranslated()].count("de") == 2
    assert [source.language for source in untranslated()].count("fr") >= 20


def test_every_alternate_is_a_built_page_that_points_back(built: Built) -> None:
    problems: list[str] = []
    with_alternates = 0
    for relative, tree in built.items():
        found = alternates(tree)
        if not found:
            continue
        with_alternates += 1
        language = language_of_file(relative)
        by_language = dict(found)
        languages = [hreflang for hreflang, _ in found if hreflang != "x-default"]
        if tree.get("lang") != language or (language, canonical(tree)) not in found:
            problems.append(f"{relative}: not among its own alternates as {language}: {sorted(found)}")
        if len(by_language) != len(found) or len(set(languages)) < 2:
            problems.append(f"{relative}: alternates need one link per language and at least two: {sorted(found)}")
        if "fr" in by_language and by_language.get("x-default") != by_language["fr"]:
            problems.append(f"{relative}: x-default is not the French version: {sorted(found)}")
        if tree.xpath("//meta[@property='og:locale']/@content") != [LOCALES[language]] or sorted(
                tree.xpath("//meta[@property='og:locale:alternate']/@content")) != sorted(
                LOCALES[other] for other in languages if other != language):
            problems.append(f"{relative}: og:locale and og:locale:alternate do not match {sorted(languages)}")
        for hreflang, href in found:
            target = built.file_of(href)
            if not href.startswith(BASE + "/") or not target.is_file():
                problems.append(f"{relative}: {hreflang} → {href} is not a built page")
                continue
            other = built.page(href)
            if alternates(other) != found:
                problems.append(f"{relative}: {href} lists other alternates: {sorted(alternates(other) ^ found)}")
            if hreflang != "x-default" and other.get("lang") != hreflang:
                problems.append(f"{relative}: {href} is <html lang={other.get('lang')!r}>, not {hreflang}")
    assert not problems, "\n".join(problems)
    assert with_alternates >= 2 * (6 + 4 + 1)  # at least the posts, categories and homes of both languages


def test_posts_have_alternates_exactly_when_translated(built: Built) -> None:
    for source in published():
        found = alternates(built.page(source.url))
        others = versions().get(source.translation_key or "", {})
        if len(others) < 2:
            assert found == set(), (source.path, "a post in one language has no hreflang")
            continue
        expected = {(language, BASE + other.url) for language, other in others.items()}
        assert found == expected | {("x-default", BASE + others["fr"].url)}, source.path


def test_tags_and_years_in_both_languages_are_alternates(built: Built) -> None:
    paired = 0
    for french, german in site_toml()["languages"]["de"]["tags"].items():
        urls = {"fr": f"/{WORDS['fr']['tags']}/{slugify(french)}/",
                "de": f"/de/{WORDS['de']['tags']}/{slugify(german)}/"}
        if all(built.file_of(url).is_file() for url in urls.values()):
            paired += 1
            assert ("de", BASE + urls["de"]) in alternates(built.page(urls["fr"])), urls
    assert paired >= 10
    years = {str(source.meta["date"])[:4] for source in published() if source.language == "de"}
    for year in years:
        french, german = f"/{WORDS['fr']['archive']}/{year}/", f"/de/{WORDS['de']['archive']}/{year}/"
        assert alternates(built.page(german)) == alternates(built.page(french)) == {
            ("fr", BASE + french), ("de", BASE + german), ("x-default", BASE + french)}


def test_the_sitemap_carries_the_same_alternates_as_the_pages(built: Built) -> None:
    tree = lxml.etree.parse(str(built.out / "sitemap.xml"))  # parses as XML, or raises
    assert tree.getroot().nsmap.get("xhtml") == SITEMAP["xhtml"]
    listed: dict[str, set[tuple[str, str]]] = {}
    for entry in tree.xpath("/s:urlset/s:url", namespaces=SITEMAP):
        (location,) = entry.xpath("s:loc/text()", namespaces=SITEMAP)
        links = entry.xpath("xhtml:link", namespaces=SITEMAP)
        assert all(link.get("rel") == "alternate" for link in links), location
        listed[location] = {(link.get("hreflang"), link.get("href")) for link in links}
    assert listed
    for location, found in listed.items():
        assert found == alternates(built.page(location)), location
    for relative, page in built.items():
        if alternates(page):
            assert listed.get(canonical(page)) == alternates(page), f"{relative} is not in the sitemap with them"


# ---------------------------------------------------------------------------------------------------- feeds


def german_feeds() -> list[str]:
    folders = ["de/", *(f"de/{category_slug(key, 'de')}/" for key in site_toml()["categories"]),
               f"de/{WORDS['de']['jobs']}/"]
    return [folder + name for folder in folders for name in ("rss.xml", "atom.xml")]


def read_feed(out: Path, name: str) -> Any:
    feed = feedparser.parse((out / name).read_bytes())
    assert not feed.bozo, (name, feed.get("bozo_exception"))
    return feed


def assert_feed_is_german(built: Built, name: str) -> list[str]:
    """Checks the feed's language and every entry; gives the entries' links."""
    feed = read_feed(built.out, name)
    assert feed.feed.language == "de", name  # RSS <language>, Atom xml:lang
    if name.endswith("atom.xml"):
        assert lxml.etree.parse(str(built.out / name)).getroot().get(
            "{http://www.w3.org/XML/1998/namespace}lang") == "de"
    links = []
    for entry in feed.entries:
        assert entry.link.startswith(f"{BASE}/de/"), (name, entry.link)
        assert built.page(entry.link).get("lang") == "de", (name, entry.link)
        assert NARROW_SPACE not in entry.title, (name, entry.title)
        links.append(entry.link)
    return links


@pytest.mark.parametrize("name", german_feeds())
def test_german_feeds(built: Built, name: str) -> None:
    links = assert_feed_is_german(built, name)
    german = [source for source in published() if source.language == "de"]
    folder = name.rsplit("/", 1)[0]
    if folder == "de":
        expected = german
    elif folder == f"de/{WORDS['de']['jobs']}":
        expected = [source for source in german if "job" in source.meta and not source.closed_on(NOW.date())]
    else:
        expected = [source for source in german if category_slug(source.category, "de") == folder[3:]]
    assert sorted(links) == sorted(BASE + source.url for source in expected), name


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_the_german_jobs_feed_while_hiring(hiring: Built, kind: str) -> None:
    links = assert_feed_is_german(hiring, f"de/{WORDS['de']['jobs']}/{kind}.xml")
    offers = [source for source in published(HIRING) if source.language == "de" and "job" in source.meta]
    assert offers and links == [BASE + source.url for source in offers]
    jobs_page = hiring.page(f"/de/{WORDS['de']['jobs']}/")
    assert [BASE + href for href in jobs_page.xpath("//main//h2/a/@href")] == links


def test_french_feeds_hold_no_german_entry(built: Built) -> None:
    names = [str(path.relative_to(built.out)) for path in sorted(built.out.rglob("*.xml"))
             if path.name in ("rss.xml", "atom.xml") and path.relative_to(built.out).parts[0] != "de"]
    assert len(names) == len(german_feeds())
    for name in names:
        feed = read_feed(built.out, name)
        assert feed.feed.language == "fr", name
        for entry in feed.entries:
            assert "/de/" not in entry.link and built.page(entry.link).get("lang") == "fr", (name, entry.link)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_rss_channel_links_to_its_editions_home(built: Built, language: str) -> None:
    feed = read_feed(built.out, f"{PREFIX[language]}/rss.xml".lstrip("/"))
    assert feed.feed.link == f"{BASE}{PREFIX[language]}/"


# ---------------------------------------------------------------------------------------------------- listings


def listing_pattern(language: str) -> re.Pattern[str]:
    """The home, category, tag, author and year pages of an edition (with their further pages)."""
    words = WORDS[language]
    categories = "|".join(category_slug(key, language) for key in site_toml()["categories"])
    prefix = "de/" if language == "de" else ""
    listed = rf"(({categories})/|{words['tags']}/[^/]+/|{words['authors']}/[^/]+/)?(page/\d+/)?"
    kinds = rf"{listed}|{words['archive']}/\d{{4}}/"
    return re.compile(rf"^{prefix}({kinds})index\.html$")


@pytest.mark.parametrize("language", LANGUAGES)
def test_listings_show_only_their_languages_posts(built: Built, language: str) -> None:
    post_urls = {source.url for source in published()}
    pattern = listing_pattern(language)
    kinds = set()
    for relative, tree in built.items():
        if not pattern.match(relative):
            continue
        cards = tree.xpath("//h2[@class='card-title']/a/@href")
        in_main = [href for href in tree.xpath("//main//a/@href") if href in post_urls]  # the archive's lists too
        assert cards or in_main, f"{relative} lists no post"
        kinds.add(relative.removeprefix("de/").split("/")[0])
        for href in [*cards, *in_main]:
            assert href.startswith("/de/") == (language == "de"), f"{relative} lists {href}"
    words = WORDS[language]
    assert {"index.html", "page", words["tags"], words["authors"], words["archive"]} <= kinds, kinds
    assert {category_slug(key, language) for key in site_toml()["categories"]} <= kinds, kinds


# ---------------------------------------------------------------------------------------------------- switcher


def test_the_switcher_leads_to_the_translation(built: Built) -> None:
    for source in translated():
        page = built.page(source.url)
        for language in LANGUAGES:
            link = switcher(page)[language]
            target = translation_of(source, language)
            assert target is not None
            assert link.get("href") == target.url and note(link) is None, (source.path, language)
            assert link.text_content() == NAMES[language]


def test_the_switcher_leads_from_an_untranslated_post_to_its_category(built: Built) -> None:
    for source in untranslated():
        other = "fr" if source.language == "de" else "de"
        link = switcher(built.page(source.url))[other]
        assert link.get("href") == f"{PREFIX[other]}/{category_slug(source.category, other)}/", source.path
        assert note(link) == f" ({category_label(source.category, other)})", source.path
        assert link.text_content() == NAMES[other] + note(link)


def test_the_switcher_leads_from_a_french_tag_alone_to_the_german_tags(built: Built) -> None:
    german_tags = {slugify(tag) for tag in site_toml()["languages"]["de"]["tags"]}
    alone = [relative for relative in built.pages
             if re.match(rf"^{WORDS['fr']['tags']}/[^/]+/index\.html$", relative)
             and relative.split("/")[1] not in german_tags]
    assert alone
    for relative in alone:
        link = switcher(built.pages[relative])["de"]
        assert link.get("href") == f"/de/{WORDS['de']['tags']}/", relative
        assert note(link) == f" ({catalogue('de')['tags']})", relative


def test_every_switcher_link_says_its_language(built: Built) -> None:
    """Every page (but further pages of a listing: see the xfail below) has the switcher in its header: one link
    per language, each with lang and hreflang, exactly one aria-current (the page's own language, its own URL)."""
    checked = 0
    for relative, tree in built.items():
        if PAGINATED.search(relative):
            continue
        language = language_of_file(relative)
        (nav,) = tree.xpath("//header[@class='site-header']/nav[contains(@class, 'languages')]")
        assert nav.get("aria-label") == catalogue(language)["languages"], relative
        links = nav.xpath(".//a")
        assert [link.get("lang") for link in links] == list(LANGUAGES), relative
        assert all(link.get("hreflang") == link.get("lang") for link in links), relative
        current = [link for link in links if link.get("aria-current")]
        assert [link.get("lang") for link in current] == [language] == [tree.get("lang")], relative
        assert current[0].get("aria-current") == "true" and note(current[0]) is None, relative
        href = current[0].get("href")
        assert (built.out / relative) == built.file_of(href), (relative, href)
        assert all(built.file_of(link.get("href")).is_file() for link in links), relative
        checked += 1
    assert checked >= 140


def test_further_pages_of_a_listing_have_the_switcher(built: Built) -> None:
    further = [relative for relative in built.pages if PAGINATED.search(relative)]
    assert len(further) >= 10
    lacking = [relative for relative in further if set(switcher(built.pages[relative])) != set(LANGUAGES)]
    assert not lacking, f"no language switcher on {lacking}"


# ---------------------------------------------------------------------------------------------------- language


def interface_text(tree: Any) -> str:
    """The page's text and attributes a reader meets, without the article's body and the switcher (which names
    the other language in that language)."""
    copy = lxml.html.fromstring(lxml.html.tostring(tree))
    left_out = "//script | //style | //nav[contains(@class, 'languages')] | //div[contains(@class, 'post-body')]"
    for node in copy.xpath(left_out):
        node.drop_tree()
    attributes = copy.xpath("//@aria-label | //@alt | //@title | //@placeholder | //meta/@content")
    return plain(copy.text_content() + " " + " ".join(attributes))


@pytest.mark.parametrize("language", LANGUAGES)
def test_pages_speak_their_editions_language(built: Built, language: str) -> None:
    other = "fr" if language == "de" else "de"
    foreign = interface_words(other)
    assert len(foreign) >= 100
    problems = []
    for relative, tree in built.items():
        if language_of_file(relative) != language:
            continue
        text = interface_text(tree)
        if tree.get("lang") != language:
            problems.append(f"{relative}: <html lang={tree.get('lang')!r}>")
        if sum(word in text for word in interface_words(language)) < 5:
            problems.append(f"{relative}: fewer than 5 of its own language's interface strings")
        found = sorted(word for word in foreign if word in text)
        if found:
            problems.append(f"{relative}: {other} interface strings {found}")
        for shown in tree.xpath("//time"):
            if not DATE_SHAPES[language].search(shown.text_content()):
                problems.append(f"{relative}: <time> {shown.text_content()!r} is not a {language} date")
        months = [month for month in MONTHS[other] if re.search(rf"\b{month}\b", text)]
        if months:
            problems.append(f"{relative}: {other} months {months}")
    assert not problems, "\n".join(problems)


def test_a_german_post_shows_a_german_date_and_no_french_word(built: Built) -> None:
    (source,) = [source for source in published() if source.path.name == "gut-schlafen.md"]
    page = built.page(source.url)
    assert page.get("lang") == "de"
    assert page.xpath("//main//time")[0].text_content() == "14. Oktober 2025"
    text = interface_text(page)
    for french in ("Accueil", "Publié", "Lire aussi", "S'abonner", "Partager", "Rechercher"):
        assert french not in text, french
    assert catalogue("de")["home"] in text and catalogue("de")["subscribe"] in text


def test_french_typography_only_on_french_pages(built: Built) -> None:
    colon_titles = [source for source in published() if ":" in source.title]
    assert {source.language for source in colon_titles} == set(LANGUAGES)
    for source in colon_titles:
        page = built.page(source.url)
        shown = [titles(page)[0], *page.xpath("//h1/text()")]
        for title in shown:
            if source.language == "fr":
                assert NARROW_SPACE + ":" in title and " :" not in title, (source.path, title)
            else:
                assert NARROW_SPACE not in title and re.search(r"\S:", title), (source.path, title)
    for relative, tree in built.items():
        if language_of_file(relative) == "de":
            assert not [title for title in titles(tree) if NARROW_SPACE in title], relative


# ---------------------------------------------------------------------------------------------------- social kit


@pytest.fixture(scope="module")
def kit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("kit-de")
    report = make_kit(REPO, language="de", output=output, now=NOW)
    assert report.output_dir == output.resolve()
    return output


def kit_posts() -> dict[str, Source]:
    """The German posts the kit offers (a closed job offer stays out), by the folder the kit names after them."""
    return {f"{str(source.meta['date'])[:10]}-{source.url.rstrip('/').rsplit('/', 1)[1]}-de": source
            for source in published() if source.language == "de" and not source.closed_on(NOW.date())}


def test_the_german_kit_has_a_folder_per_german_post_only(kit: Path) -> None:
    folders = {path.name for path in kit.iterdir() if path.is_dir()}
    assert folders == set(kit_posts())
    assert len(folders) == 7 and all(folder.endswith("-de") for folder in folders)


def test_the_german_kit_texts_are_german(kit: Path) -> None:
    for folder, source in kit_posts().items():
        texts = json.loads((kit / folder / "texts.json").read_text("utf-8"))
        assert texts["url"] == BASE + source.url and plain(texts["title"]) == plain(source.title), folder
        for network, text in texts["networks"].items():
            assert text["link"].startswith(BASE + source.url + "?"), (folder, network)
        assert "Link in der Bio" in texts["networks"]["instagram"]["text"], folder
        plain_text = (kit / folder / "texts.txt").read_text("utf-8")
        assert "\nBilder: " in plain_text and "\nLink: " in plain_text, folder
        assert "Images :" not in plain_text and "Lien en bio" not in plain_text, folder
        assert NARROW_SPACE not in plain_text, folder
    for schedule in kit.glob("schedule-*.csv"):
        with schedule.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
        assert rows and all(any(cell.startswith(f"{BASE}/de/") for cell in row) for row in rows), schedule.name


def test_german_posts_share_their_german_cards(built: Built, kit: Path) -> None:
    for source in published():
        page = built.page(source.url)
        (image,) = page.xpath("//meta[@property='og:image']/@content")
        german_card = f"{BASE}/cards/de/{category_slug(source.category, 'de')}/"
        assert image.startswith(german_card) == (source.language == "de"), (source.path, image)
        assert built.file_of(image).is_file(), image
    for relative, tree in built.items():
        (image,) = tree.xpath("//meta[@property='og:image']/@content")
        if language_of_file(relative) == "de":
            assert image.startswith(f"{BASE}/cards/de/"), (relative, image)
    for folder, source in kit_posts().items():
        (image,) = built.page(source.url).xpath("//meta[@property='og:image']/@content")
        assert (kit / folder / "facebook.jpg").read_bytes() == built.file_of(image).read_bytes(), folder
