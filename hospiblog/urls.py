"""The only place that turns slugs into URLs and output paths.

Every URL of the site is root-relative (``/medecine/varices/``) inside the
site and absolute (``base_url`` + path) in feeds, cards and meta tags.
"""

from __future__ import annotations

import functools
import os
import posixpath
import re
from dataclasses import astuple, dataclass
from pathlib import Path
from urllib.parse import SplitResult, urlsplit

from unidecode import unidecode

from .errors import OutputError

SEARCH_BUNDLE = "pagefind"
"""The folder of the search index and of Pagefind's script, at the root of the site (one for every language:
Pagefind keeps an index per language inside it)."""
CALENDAR_SUFFIX = ".ics"
POST_LINK_PREFIX = "hospiblog-post:"
"""Marks a link to another post in a parsed body until the site knows that post's URL (``site.body_html``)."""


@dataclass(frozen=True)
class Segments:
    """The words of a language's URLs for the site's own pages (``/sujets/``, ``/de/themen/``)."""

    tags: str
    authors: str
    archive: str
    subscribe: str
    campaigns: str
    agenda: str
    """The agenda page (``/agenda/``) and its calendar (``/agenda.ics``)."""
    jobs: str
    search: str


SEGMENTS = {
    "fr": Segments("sujets", "auteurs", "archives", "s-abonner", "campagnes", "agenda", "emplois", "recherche"),
    "de": Segments("themen", "autoren", "archiv", "abonnieren", "kampagnen", "agenda", "stellen", "suche"),
    "en": Segments("topics", "authors", "archive", "subscribe", "campaigns", "agenda", "jobs", "search"),
}
"""By language; a site's default language uses its own words at the root, the others under their prefix."""
SEARCH_SHARDS_MAX = 16
"""The most bundles the search index is cut into (``pagefind/``, ``pagefind-2/`` … ``pagefind-16/``)."""
RESERVED_SEGMENTS = frozenset({"page", "static", "cards", SEARCH_BUNDLE, *SEGMENTS,
                               *(f"{SEARCH_BUNDLE}-{number}" for number in range(2, SEARCH_SHARDS_MAX + 1)),
                               *(word for segments in SEGMENTS.values() for word in astuple(segments))})
"""What a category's slug may not be: a page of the site's own, a language's prefix or a published folder."""
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})
"""German writes an umlaut as its letter and e when it cannot show it (``Prävention`` → ``praevention``)."""


def split_url(text: str) -> SplitResult | None:
    """The parts of an address an editor wrote, or None for one Python cannot read (an unbalanced ``[`` or ``]``
    in its host: ``http://[``), which is then neither a link to a post, a local image nor a web address."""
    try:
        return urlsplit(text)
    except ValueError:
        return None


@functools.lru_cache(maxsize=8192)
def slugify(text: str) -> str:
    """ASCII slug of a text: ``Santé à l'école`` → ``sante-a-l-ecole``, ``Hände waschen`` → ``haende-waschen``."""
    return _NOT_SLUG.sub("-", unidecode(text.translate(_UMLAUTS)).lower()).strip("-")


MAX_SLUG = 80
"""Longest slug made from a title or a tag: any text gives a URL and a file name the system accepts."""


@functools.lru_cache(maxsize=8192)
def short_slug(text: str) -> str:
    """The text's slug, cut at a word to at most :data:`MAX_SLUG` characters."""
    slug = slugify(text)
    if len(slug) <= MAX_SLUG:
        return slug
    cut = slug[: MAX_SLUG + 1].rsplit("-", 1)[0]
    return cut or slug[:MAX_SLUG]


def tag_slug(tag: str) -> str:
    """The URL segment of a tag's page."""
    return short_slug(tag)


def join_url(*segments: str) -> str:
    """A root-relative folder URL from segments: ``("medecine", "x")`` → ``/medecine/x/``."""
    inner = "/".join(segment.strip("/") for segment in segments if segment.strip("/"))
    return f"/{inner}/" if inner else "/"


def paginated(url: str, page: int) -> str:
    """URL of page ``page`` (1-based) of the listing at ``url``."""
    return url if page == 1 else join_url(url, "page", str(page))


@dataclass(frozen=True)
class Paths:
    """The URLs of one language of the site: its prefix (``""`` for the default language, ``"de"``) and words."""

    prefix: str = ""
    segments: Segments = SEGMENTS["fr"]

    @classmethod
    def of(cls, language: str, prefix: str = "") -> Paths:
        """The paths of a language (English words for one hospiblog has none for)."""
        return cls(prefix, SEGMENTS.get(language, SEGMENTS["en"]))

    def page(self, *segments: str) -> str:
        """A folder URL of this language: ``("medizin",)`` → ``/de/medizin/``."""
        return join_url(self.prefix, *segments)

    @property
    def home(self) -> str:
        return self.page()

    def post(self, category_slug: str, post_slug: str) -> str:
        """URL of an article (slugs hold no slash: made here without :func:`join_url`, the plan asks for many)."""
        return f"/{self.prefix}/{category_slug}/{post_slug}/" if self.prefix else f"/{category_slug}/{post_slug}/"

    @property
    def tags(self) -> str:
        return self.page(self.segments.tags)

    def tag(self, tag_slug: str) -> str:
        """URL of a tag's listing."""
        return self.page(self.segments.tags, tag_slug)

    @property
    def authors(self) -> str:
        return self.page(self.segments.authors)

    def author(self, author_key: str) -> str:
        """URL of an author's page."""
        return self.page(self.segments.authors, slugify(author_key))

    @property
    def campaigns(self) -> str:
        return self.page(self.segments.campaigns)

    def campaign(self, campaign_key: str) -> str:
        """URL of a campaign's page (the key is a slug: site.toml's check says so)."""
        return self.page(self.segments.campaigns, slugify(campaign_key))

    @property
    def archive(self) -> str:
        return self.page(self.segments.archive)

    def year(self, year: int) -> str:
        """URL of a year's archive."""
        return self.page(self.segments.archive, str(year))

    @property
    def subscribe(self) -> str:
        return self.page(self.segments.subscribe)

    @property
    def search(self) -> str:
        """URL of the search page."""
        return self.page(self.segments.search)

    @property
    def agenda(self) -> str:
        """URL of the agenda page: upcoming events, then past ones."""
        return self.page(self.segments.agenda)

    @property
    def agenda_calendar(self) -> str:
        """URL of the calendar of upcoming events that phones and Outlook subscribe to."""
        return self.agenda.rstrip("/") + CALENDAR_SUFFIX

    @property
    def jobs(self) -> str:
        """URL of the jobs page, which lists the open job offers."""
        return self.page(self.segments.jobs)

    @property
    def not_found(self) -> str:
        """The 404 page (``/404.html``, ``/de/404.html``)."""
        return self.home + "404.html"


def search_bundle_url(shard: int = 0) -> str:
    """URL of the folder of one part of the search index: ``/pagefind/`` (with ``pagefind.js``), ``/pagefind-2/``…"""
    return join_url(SEARCH_BUNDLE if shard == 0 else f"{SEARCH_BUNDLE}-{shard + 1}")


def event_calendar_url(post_url: str, post_slug: str) -> str:
    """URL of one event's calendar file, beside its article: ``/actualites/x/x.ics`` (saved as ``x.ics``)."""
    return f"{post_url}{post_slug}{CALENDAR_SUFFIX}"


def absolute(base_url: str, url: str) -> str:
    """An absolute URL from a root-relative one."""
    return base_url.rstrip("/") + "/" + url.lstrip("/")


def output_path(url: str) -> str:
    """The file behind a URL: folders get ``index.html``; never leaves the output folder."""
    path = url.split("#", 1)[0].split("?", 1)[0]
    relative = path.lstrip("/")
    if path.endswith("/") or not relative:
        relative += "index.html"  # relative is "" or ends with "/"
    return safe_relative(relative)


def safe_relative(relative: str) -> str:
    """Proves a relative output path stays inside the output folder."""
    normal = posixpath.normpath(relative)
    # After normpath, ".." can only remain as leading segments.
    if normal.startswith("/") or normal in (".", "", "..") or normal.startswith("../"):
        raise OutputError(f"output path {relative!r} would leave the output folder")
    return normal


def inside(folder: Path, relative: str) -> Path:
    """The file ``relative`` under ``folder``."""
    return Path(os.path.join(folder, safe_relative(relative)))
