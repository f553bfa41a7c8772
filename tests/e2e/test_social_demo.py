"""The demo site's social layer read back as networks read it: Open Graph, X cards, JSON-LD, share cards,
share links, and the `hospiblog social` kit (texts within each network's limit, image sizes, Hootsuite CSV).

Expectations come from the sources (front matter read with python-frontmatter, site.toml) and from the
files themselves (pixel sizes read with Pillow), not from hospiblog's own functions.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import frontmatter
import lxml.html
import pytest
from PIL import Image
from twitter_text import parse_tweet

from hospiblog.build import build
from hospiblog.config import SiteConfig, load_config
from hospiblog.kit import make_kit
from hospiblog.social import NETWORK_LIMITS
from hospiblog.urls import slugify
from tests.conftest import NOW, REPO

pytestmark = pytest.mark.slow
BASE = "https://blog.hopital-valclair.example"
HOST = urlsplit(BASE).netloc
CARD_SIZES = {"og": (1200, 630), "square": (1080, 1080), "story": (1080, 1920)}
OG_MAX_BYTES = 300_000
SHARE_HOSTS = {"facebook": "www.facebook.com", "linkedin": "www.linkedin.com", "x": "x.com", "whatsapp": "wa.me"}
SHARE_NETWORKS = ("facebook", "linkedin", "x", "whatsapp", "email")
KIT_NETWORKS = ("facebook", "instagram", "linkedin", "x", "whatsapp")
KIT_IMAGES = {"facebook.jpg": CARD_SIZES["og"], "linkedin.jpg": CARD_SIZES["og"], "x.jpg": CARD_SIZES["og"],
              "whatsapp.jpg": CARD_SIZES["og"], "instagram-square.jpg": CARD_SIZES["square"],
              "instagram-story.jpg": CARD_SIZES["story"]}
SCHEDULED = ("facebook", "linkedin", "x")
ISO_WITH_OFFSET = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?[+-]\d{2}:\d{2}$")
# RFC 3986 characters; anything else (a space, a quote, a non-ASCII letter…) must be percent-encoded.
URL_CHARACTERS = re.compile(r"^[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+$")
BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")


@dataclass(frozen=True)
class Source:
    """A published post as its Markdown file describes it."""

    path: Path
    meta: dict[str, Any]
    url: str
    """Absolute canonical URL."""

    @property
    def id(self) -> str:
        return f"{self.path.parent.name}/{self.path.stem}"

    @property
    def page(self) -> str:
        return urlsplit(self.url).path.lstrip("/") + "index.html"

    @property
    def title(self) -> str:
        return str(self.meta["title"]).strip()

    @property
    def tags(self) -> list[str]:
        return [str(tag) for tag in self.meta.get("tags") or []]


@cache
def config() -> SiteConfig:
    return load_config(REPO)


def edition(source: Source) -> SiteConfig:
    """The site as the post's readers see it (its texts in the post's language)."""
    return config().edition(str(source.meta.get("lang") or "fr"))


def language_prefix(meta: dict[str, object]) -> str:
    """"" for a post in the site's default language (French), "/de" for one in German."""
    lang = str(meta.get("lang") or "fr")
    return "" if lang == "fr" else f"/{lang}"


def category_slug(path: Path, meta: dict[str, object]) -> str:
    """The slug of the post's category in its language, as site.toml writes it."""
    category = config().categories[path.parent.name]
    lang = str(meta.get("lang") or "fr")
    return category.slug if lang == "fr" else category.translations[lang].slug


@cache
def published() -> tuple[Source, ...]:
    found = []
    for path in sorted((REPO / "posts").rglob("*.md")):
        meta = dict(frontmatter.load(path).metadata)
        if meta.get("draft") or str(meta["date"])[:10] > NOW.date().isoformat():
            continue
        slug = meta.get("slug") or slugify(str(meta["title"]))
        found.append(Source(path, meta, f"{BASE}{language_prefix(meta)}/{category_slug(path, meta)}/{slug}/"))
    return tuple(found)


@cache
def shared() -> tuple[Source, ...]:
    """The published posts the social kit offers: a job offer whose closing date has passed is left out."""
    def closed(source: Source) -> bool:
        closes = (source.meta.get("job") or {}).get("closes")
        return isinstance(closes, date) and closes < NOW.date()

    return tuple(source for source in published() if not closed(source))


def local_datetime(value: object) -> datetime:
    """A front-matter date as the site reads it: bare dates and local times in the site's zone."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)
    else:
        moment = datetime.fromisoformat(str(value).strip().replace(" ", "T"))
    return moment if moment.tzinfo else moment.replace(tzinfo=config().zone)


def expected_reminders(source: Source) -> list[datetime]:
    """A week and a day before an event that is not cancelled, at 9:00, when the post is already out then."""
    event = source.meta.get("event")
    if not event or event.get("status") in ("cancelled", "postponed"):
        return []
    start = local_datetime(event["start"]).replace(tzinfo=None)
    published_at = local_datetime(source.meta["date"]).replace(tzinfo=None)
    moments = [datetime.combine(start.date() - timedelta(days=days), datetime.min.time().replace(hour=9))
               for days in (7, 1)]
    return [moment for moment in moments if published_at < moment < start]


def plain(text: str) -> str:
    """Text with French typography's no-break spaces and apostrophes as typed, for comparing with the sources."""
    text = unicodedata.normalize("NFC", text).replace("\u202f", " ").replace("\u00a0", " ")
    return text.replace("\u2019", "'").strip()


def image_info(path: Path) -> tuple[str, tuple[int, int]]:
    """(format, (width, height)) of an image file, after Pillow checked it is not truncated."""
    with Image.open(path) as image:
        image.verify()
    with Image.open(path) as image:
        image.load()
        return str(image.format), image.size


def image_size(path: Path) -> tuple[int, int]:
    return image_info(path)[1]


def output_file(out: Path, url: str) -> Path:
    """The built file behind an absolute URL of the site."""
    parts = urlsplit(url)
    assert parts.scheme == "https" and parts.netloc == HOST, url
    target = out / unquote(parts.path).lstrip("/")
    return target / "index.html" if parts.path.endswith("/") else target


def decode_query(query: str) -> dict[str, str]:
    """A query string decoded as RFC 3986 percent-encoding ('+' is not a space, as in mailto:)."""
    pairs = [part.split("=", 1) for part in query.split("&") if part]
    assert all(len(pair) == 2 for pair in pairs), query
    decoded = {unquote(key): unquote(value) for key, value in pairs}
    assert len(decoded) == len(pairs), f"repeated parameter in {query}"
    return decoded


def assert_tracked(shared: str, source: Source, network: str) -> None:
    """``shared`` is the post's canonical URL plus its utm_* parameters for ``network``."""
    parts = urlsplit(shared)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == source.url, (network, shared)
    assert not parts.fragment, shared
    sharing = config().sharing
    assert parse_qs(parts.query, strict_parsing=True) == {
        "utm_source": [network], "utm_medium": [sharing.utm_medium], "utm_campaign": [sharing.utm_campaign],
    }, (network, shared)


class Page:
    """A built HTML page, parsed once."""

    def __init__(self, file: Path) -> None:
        self.file = file
        self.tree = lxml.html.parse(str(file)).getroot()

    def properties(self, key: str) -> list[str]:
        return [str(value) for value in self.tree.xpath("//head/meta[@property=$key]/@content", key=key)]

    def names(self, key: str) -> list[str]:
        return [str(value) for value in self.tree.xpath("//head/meta[@name=$key]/@content", key=key)]

    def one(self, key: str) -> str:
        values = self.properties(key) or self.names(key)
        assert len(values) == 1, f"{self.file}: {key} appears {len(values)} times: {values}"
        assert values[0].strip(), f"{self.file}: {key} is empty"
        return values[0]

    def canonical(self) -> str:
        (url,) = self.tree.xpath("//head/link[@rel='canonical']/@href")
        return str(url)

    def json_ld(self) -> list[dict[str, Any]]:
        """Every node of every JSON-LD block (a top-level ``@graph`` is flattened)."""
        nodes: list[dict[str, Any]] = []
        scripts = self.tree.xpath("//script[@type='application/ld+json']")
        assert scripts, f"{self.file}: no JSON-LD"
        for script in scripts:
            data = json.loads(script.text)
            for item in data if isinstance(data, list) else [data]:
                assert item.get("@context") in ("https://schema.org", "https://schema.org/"), item.get("@context")
                nodes += item.get("@graph", [item])
        return nodes


def of_type(nodes: list[dict[str, Any]], kind: str) -> dict[str, Any]:
    def types(node: dict[str, Any]) -> list[str]:
        kinds = node.get("@type") or []
        return [kinds] if isinstance(kinds, str) else list(kinds)

    found = [node for node in nodes if kind in types(node)]
    assert len(found) == 1, f"{len(found)} {kind} nodes in {[node.get('@type') for node in nodes]}"
    return found[0]


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("social-demo") / "public"
    report = build(REPO, output=output, now=NOW)
    assert report.posts == len(published())
    return output


@pytest.fixture(scope="module")
def kit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("social-kit") / "kit"
    report = make_kit(REPO, output=output, now=NOW)
    assert report.posts == len(shared()) < len(published())
    return report.output_dir


each_post = pytest.mark.parametrize("source", published(), ids=lambda source: source.id)
each_shared = pytest.mark.parametrize("source", shared(), ids=lambda source: source.id)


def test_the_demo_has_posts_to_check(out: Path) -> None:
    assert len(published()) >= 18
    articles = sorted(path.relative_to(out).as_posix() for path in out.rglob("*.html")
                      if Page(path).properties("og:type") == ["article"])
    assert articles == sorted(source.page for source in published())


# ---------------------------------------------------------------- Open Graph and X cards


@each_post
def test_open_graph(out: Path, source: Source) -> None:
    page = Page(out / source.page)
    site = edition(source)
    assert page.one("og:type") == "article"
    assert plain(page.one("og:title")) == source.title
    assert plain(page.one("og:description")) == plain(str(source.meta["summary"]))
    assert page.one("og:url") == page.canonical() == source.url
    assert page.one("og:site_name") == site.title
    assert re.fullmatch(rf"{site.language}_[A-Z]{{2}}", page.one("og:locale")), page.one("og:locale")

    image_url = page.one("og:image")
    image_file = output_file(out, image_url)
    assert image_file.is_file(), image_url
    image_format, (width, height) = image_info(image_file)
    assert (int(page.one("og:image:width")), int(page.one("og:image:height"))) == (width, height), image_url
    assert page.one("og:image:alt").strip()
    assert page.properties("og:image:type") in ([], [Image.MIME[image_format]])
    if not source.meta.get("share_image"):
        assert (width, height) == CARD_SIZES["og"]

    published_time = page.one("article:published_time")
    modified_time = page.one("article:modified_time")
    for value in (published_time, modified_time):
        assert ISO_WITH_OFFSET.match(value), value
    assert datetime.fromisoformat(published_time) == local_datetime(source.meta["date"])
    updated = source.meta.get("updated")
    expected_modified = local_datetime(updated) if updated else local_datetime(source.meta["date"])
    assert datetime.fromisoformat(modified_time) == expected_modified
    assert datetime.fromisoformat(modified_time) >= datetime.fromisoformat(published_time)
    assert page.one("article:section") == site.categories[source.path.parent.name].label
    assert page.properties("article:tag") == source.tags


@each_post
def test_x_card(out: Path, source: Source) -> None:
    page = Page(out / source.page)
    assert page.one("twitter:card") == "summary_large_image"
    assert page.one("twitter:title") == page.one("og:title")
    assert page.one("twitter:description") == page.one("og:description")
    assert page.one("twitter:image") == page.one("og:image")
    assert page.one("twitter:image:alt") == page.one("og:image:alt")
    assert page.one("twitter:site") == "@" + urlsplit(config().social.x).path.strip("/")


def test_every_page_offers_a_share_image_of_its_real_size(out: Path) -> None:
    for file in sorted(out.rglob("*.html")):
        page = Page(file)
        image_url = page.one("og:image")
        image_file = output_file(out, image_url)
        assert image_file.is_file(), (file, image_url)
        size = (int(page.one("og:image:width")), int(page.one("og:image:height")))
        assert size == image_size(image_file), (file, image_url)
        assert page.one("twitter:image") == image_url and page.one("og:image:alt")
        assert page.one("og:url").startswith(BASE + "/")


# ---------------------------------------------------------------- JSON-LD


@each_post
def test_json_ld_of_a_post(out: Path, source: Source) -> None:
    page = Page(out / source.page)
    nodes = page.json_ld()
    posting = of_type(nodes, "BlogPosting")
    assert plain(posting["headline"]) == source.title
    assert plain(posting["description"]) == plain(str(source.meta["summary"]))
    assert posting["datePublished"] == page.one("article:published_time")
    assert posting["dateModified"] == page.one("article:modified_time")
    main = posting["mainEntityOfPage"]
    assert (main["@id"] if isinstance(main, dict) else main) == source.url

    images = posting["image"] if isinstance(posting["image"], list) else [posting["image"]]
    assert images, "no image"
    first = images[0]["url"] if isinstance(images[0], dict) else images[0]
    assert first == page.one("og:image")
    for image in images:
        if isinstance(image, dict):
            size = image_size(output_file(out, image["url"]))
            assert "width" not in image or (image["width"], image["height"]) == size, image
        else:
            assert output_file(out, image).is_file(), image

    author = posting["author"]
    person = edition(source).authors[str(source.meta["author"])]
    assert author["@type"] == "Person" and author["name"] == person.name
    if person.role:
        assert author.get("jobTitle") == person.role, author

    publisher = posting["publisher"]
    assert publisher["@type"] == "Organization" and publisher["name"] == edition(source).organization.name
    logo = publisher["logo"]
    logo_url = logo["url"] if isinstance(logo, dict) else logo
    assert output_file(out, logo_url).is_file(), logo_url

    crumbs = of_type(nodes, "BreadcrumbList")["itemListElement"]
    assert [crumb["position"] for crumb in crumbs] == list(range(1, len(crumbs) + 1))
    assert crumbs[0]["item"] == BASE + language_prefix(source.meta) + "/"
    assert crumbs[-1]["item"] == source.url
    assert plain(crumbs[-1]["name"]) == source.title


def test_json_ld_of_the_home_page(out: Path) -> None:
    page = Page(out / "index.html")
    nodes = page.json_ld()
    organization = of_type(nodes, "Organization")
    assert organization["name"] == config().organization.name
    assert organization["url"] == config().organization.url
    logo = organization["logo"]
    assert output_file(out, logo["url"] if isinstance(logo, dict) else logo).is_file()
    website = of_type(nodes, "WebSite")
    assert website["url"] == BASE + "/" and website["name"] == config().title
    assert page.one("og:type") == "website" and page.one("og:url") == page.canonical() == BASE + "/"


def test_every_json_ld_block_parses(out: Path) -> None:
    for file in sorted(out.rglob("*.html")):
        for script in lxml.html.parse(str(file)).getroot().xpath("//script[@type='application/ld+json']"):
            json.loads(script.text)  # raises with the position of the problem


# ---------------------------------------------------------------- cards


@each_post
def test_cards_of_a_post(out: Path, source: Source) -> None:
    """A build publishes a post's og card (none with a share_image); the Instagram sizes are the kit's alone."""
    category = language_prefix(source.meta).lstrip("/") + "/" + category_slug(source.path, source.meta)
    category = category.lstrip("/")
    slug = urlsplit(source.url).path.rstrip("/").rsplit("/", 1)[-1]
    for name, size in CARD_SIZES.items():
        card = out / "cards" / category / f"{slug}-{name}.jpg"
        if name != "og" or source.meta.get("share_image"):
            assert not card.exists(), card
            continue
        assert card.is_file(), card
        assert image_size(card) == size, card
    if not source.meta.get("share_image"):
        og = out / "cards" / category / f"{slug}-og.jpg"
        assert og.stat().st_size < OG_MAX_BYTES and Page(out / source.page).one("og:image").endswith(
            f"/cards/{category}/{slug}-og.jpg")


def test_every_card_file_has_its_size(out: Path) -> None:
    cards = sorted((out / "cards").rglob("*"))
    files = [card for card in cards if card.is_file()]
    # The og card of every post without a share_image, and the site's card in each language.
    assert len(files) == sum(not source.meta.get("share_image") for source in published()) + 2
    for card in files:
        name = card.stem.rsplit("-", 1)[-1]
        assert card.suffix == ".jpg" and name in CARD_SIZES, card
        with Image.open(card) as image:
            assert image.format == "JPEG", card
        assert image_size(card) == CARD_SIZES[name], card
        if name == "og":
            assert card.stat().st_size < OG_MAX_BYTES, (card, card.stat().st_size)


# ---------------------------------------------------------------- share links


@each_post
def test_share_links(out: Path, source: Source) -> None:
    page = Page(out / source.page)
    links = page.tree.xpath("//section[contains(concat(' ', normalize-space(@class), ' '), ' share ')]//a")
    assert links, "no share link"
    seen: list[str] = []
    for link in links:
        href = str(link.get("href"))
        assert URL_CHARACTERS.match(href) and not BAD_PERCENT.search(href), f"unencoded character in {href!r}"
        assert link.text_content().strip(), href
        parts = urlsplit(href)
        query = decode_query(parts.query)
        if parts.scheme == "mailto":
            network = "email"
            assert parts.path == "" and not parts.fragment, href
            assert set(query) == {"subject", "body"}, href
            assert plain(query["subject"]) == source.title
            summary, shared = query["body"].rsplit("\r\n\r\n", 1)
            assert plain(summary) == plain(str(source.meta["summary"]))
        else:
            assert parts.scheme == "https" and not parts.fragment, href
            network = next((name for name, host in SHARE_HOSTS.items() if host == parts.netloc), "")
            assert network, f"share link to an unexpected host: {href}"
            if network == "facebook":
                assert parts.path == "/sharer/sharer.php" and set(query) == {"u"}, href
                shared = query["u"]
            elif network == "linkedin":
                assert parts.path == "/sharing/share-offsite/" and set(query) == {"url"}, href
                shared = query["url"]
            elif network == "x":
                assert parts.path == "/intent/post" and set(query) == {"text", "url"}, href
                shared = query["url"]
                assert parse_tweet(f"{query['text']} {shared}").valid, query["text"]
            else:
                assert parts.path == "/" and set(query) == {"text"}, href
                text, shared = query["text"].rsplit(" ", 1)
                assert plain(text) == source.title
        assert_tracked(shared, source, network)
        seen.append(network)
    assert sorted(seen) == sorted(SHARE_NETWORKS)
    (field,) = page.tree.xpath("//section[contains(@class, 'share')]//input[@data-share-url]")
    assert field.get("value") == source.url


# ---------------------------------------------------------------- nothing from another host


def test_no_page_loads_anything_from_another_host(out: Path) -> None:
    foreign: list[str] = []
    for file in sorted(out.rglob("*.html")):
        tree = lxml.html.parse(str(file)).getroot()
        urls = [str(url) for url in tree.xpath("//script/@src | //iframe/@src | //link/@href | //img/@src"
                                               " | //source/@src | //embed/@src | //object/@data")]
        urls += [candidate.split()[0] for srcset in tree.xpath("//img/@srcset | //source/@srcset")
                 for candidate in str(srcset).split(",") if candidate.strip()]
        for url in urls:
            parts = urlsplit(url)
            if parts.scheme not in ("", "https") or parts.netloc not in ("", HOST):
                foreign.append(f"{file.relative_to(out)}: {url}")
    assert foreign == []


# ---------------------------------------------------------------- the social kit


def kit_folder(kit: Path, source: Source) -> Path:
    day = local_datetime(source.meta["date"]).date().isoformat()
    slug = urlsplit(source.url).path.rstrip("/").rsplit("/", 1)[-1]
    language = language_prefix(source.meta).replace("/", "-")  # a German post's folder ends with -de
    return kit / f"{day}-{slug}{language}"


def test_kit_has_one_folder_per_post(kit: Path) -> None:
    folders = sorted(path.name for path in kit.iterdir() if path.is_dir())
    assert folders == sorted(kit_folder(kit, source).name for source in shared())


@each_shared
def test_kit_texts(kit: Path, source: Source) -> None:
    folder = kit_folder(kit, source)
    data = json.loads((folder / "texts.json").read_text("utf-8"))
    assert data["url"] == source.url and plain(data["title"]) == source.title
    assert set(data["networks"]) == set(KIT_NETWORKS)
    for network, entry in data["networks"].items():
        text = entry["text"]
        limit = NETWORK_LIMITS[network]
        assert text.strip(), network
        if network == "x":
            assert parse_tweet(text).weightedLength <= 280, text
            assert parse_tweet(text).valid, text
        else:
            assert len(unicodedata.normalize("NFC", text)) <= limit.characters, network
        if limit.hashtags:
            assert len(re.findall(r"(?<!\S)#\w+", text)) <= limit.hashtags, text
        assert_tracked(entry["link"], source, network)
        if limit.links:
            assert entry["link"] in text, (network, text)
        else:
            assert "http://" not in text and "https://" not in text, (network, text)
        for image in entry["images"]:
            assert (folder / image).is_file(), (network, image)
    assert (folder / "texts.txt").read_text("utf-8").strip()


@each_shared
def test_kit_images(kit: Path, source: Source) -> None:
    folder = kit_folder(kit, source)
    images = {path.stem: path for path in folder.iterdir() if path.suffix in (".jpg", ".png", ".webp")}
    assert sorted(images) == sorted(name.removesuffix(".jpg") for name in KIT_IMAGES)
    for stem, path in images.items():
        image_format, size = image_info(path)
        if source.meta.get("share_image") and not stem.startswith("instagram"):
            continue  # the editor's own image, at its own size
        assert path.suffix == ".jpg" and image_format == "JPEG", path
        assert size == KIT_IMAGES[path.name], path
    whatsapp = images["whatsapp"]
    assert whatsapp.stat().st_size < OG_MAX_BYTES, whatsapp.stat().st_size
    assert image_info(whatsapp)[0] == "JPEG"


@pytest.mark.parametrize("network", SCHEDULED)
def test_kit_schedule_csv(kit: Path, network: str) -> None:
    raw = (kit / f"schedule-{network}.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf"), "byte-order mark"
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8"), newline=""), strict=True))
    assert len(rows) == len(shared()) + sum(len(expected_reminders(source)) for source in shared())
    by_url = {source.url: source for source in shared()}
    announced: set[str] = set()
    for when, text, link in rows:
        moment = datetime.strptime(when, "%d/%m/%Y %H:%M")
        assert moment.minute % 5 == 0, when
        assert text.strip() and "\n" not in text and "\r" not in text, text
        source = by_url[link.split("?", 1)[0]]
        assert_tracked(link, source, network)
        published_at = local_datetime(source.meta["date"]).astimezone(config().zone).replace(tzinfo=None)
        if source.url in announced:  # an event's reminder follows its announcement
            assert moment in expected_reminders(source), (when, source.id)
            assert plain(source.title) in plain(text) or network == "x", text
            continue
        announced.add(source.url)
        assert published_at <= moment < published_at + timedelta(minutes=5), (when, published_at)
        if network == "x":
            assert parse_tweet(f"{text} {link}").weightedLength <= 280, text
        else:
            assert len(f"{text} {link}") <= NETWORK_LIMITS[network].characters
