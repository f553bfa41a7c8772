"""The only place that turns slugs into URLs and output paths.

Every URL of the site is root-relative (``/medecine/varices/``) inside the
site and absolute (``base_url`` + path) in feeds, cards and meta tags.
"""

from __future__ import annotations

import functools
import os
import posixpath
import re
from pathlib import Path
from urllib.parse import SplitResult, urlsplit

from unidecode import unidecode

from .errors import OutputError

TAGS_SEGMENT = "sujets"
AUTHORS_SEGMENT = "auteurs"
ARCHIVE_SEGMENT = "archives"
SUBSCRIBE_SEGMENT = "s-abonner"
CAMPAIGNS_SEGMENT = "campagnes"
AGENDA_SEGMENT = "agenda"
"""The agenda page (``/agenda/``) and its calendar (``/agenda.ics``)."""
CALENDAR_SUFFIX = ".ics"
JOBS_SEGMENT = "emplois"
SEARCH_SEGMENT = "recherche"
SEARCH_BUNDLE = "pagefind"
"""The folder of the search index and of Pagefind's script, at the root of the site (one for every language:
Pagefind keeps an index per language inside it)."""
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def split_url(text: str) -> SplitResult | None:
    """The parts of an address an editor wrote, or None for one Python cannot read (an unbalanced ``[`` or ``]``
    in its host: ``http://[``), which is then neither a link to a post, a local image nor a web address."""
    try:
        return urlsplit(text)
    except ValueError:
        return None


@functools.lru_cache(maxsize=8192)
def slugify(text: str) -> str:
    """ASCII slug of a text: ``Santé à l'école`` → ``sante-a-l-ecole``."""
    return _NOT_SLUG.sub("-", unidecode(text).lower()).strip("-")


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


def post_url(category_slug: str, post_slug: str) -> str:
    """URL of an article."""
    return join_url(category_slug, post_slug)


def tag_url(tag_slug: str) -> str:
    """URL of a tag's listing."""
    return join_url(TAGS_SEGMENT, tag_slug)


def author_url(author_key: str) -> str:
    """URL of an author's page."""
    return join_url(AUTHORS_SEGMENT, slugify(author_key))


def campaign_url(campaign_key: str) -> str:
    """URL of a campaign's page (the key is a slug: site.toml's check says so)."""
    return join_url(CAMPAIGNS_SEGMENT, slugify(campaign_key))


def search_url(language_prefix: str = "") -> str:
    """URL of the search page (``/recherche/``; a site in several languages gives each its prefix)."""
    return join_url(language_prefix, SEARCH_SEGMENT)


def search_bundle_url() -> str:
    """URL of the folder holding the search index and ``pagefind.js``."""
    return join_url(SEARCH_BUNDLE)


def year_url(year: int) -> str:
    """URL of a year's archive."""
    return join_url(ARCHIVE_SEGMENT, str(year))


def agenda_url() -> str:
    """URL of the agenda page: upcoming events, then past ones."""
    return join_url(AGENDA_SEGMENT)


def agenda_calendar_url() -> str:
    """URL of the calendar of upcoming events that phones and Outlook subscribe to."""
    return f"/{AGENDA_SEGMENT}{CALENDAR_SUFFIX}"


def event_calendar_url(post_url: str, post_slug: str) -> str:
    """URL of one event's calendar file, beside its article: ``/actualites/x/x.ics`` (saved as ``x.ics``)."""
    return f"{post_url}{post_slug}{CALENDAR_SUFFIX}"
def jobs_url() -> str:
    """URL of the jobs page, which lists the open job offers."""
    return join_url(JOBS_SEGMENT)


def absolute(base_url: str, url: str) -> str:
    """An absolute URL from a root-relative one."""
    return base_url.rstrip("/") + "/" + url.lstrip("/")


def output_path(url: str) -> str:
    """The file behind a URL: folders get ``index.html``; never leaves the output folder."""
    path = url.split("#", 1)[0].split("?", 1)[0]
    relative = path.lstrip("/")
    if path.endswith("/") or not relative:
        relative = posixpath.join(relative, "index.html")
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
