"""The site model: frozen dataclasses passed between the stages of a build."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from .config import AuthorConfig, CampaignConfig, CategoryConfig


@dataclass(frozen=True)
class SourceFile:
    """A Markdown file found under ``posts/``."""

    path: Path
    """Absolute path."""
    relative: str
    """Path relative to the site folder, with forward slashes (``posts/news/x.md``)."""
    folder_category: str | None
    """The category named by the folder, or None for a file directly in ``posts/``."""
    data: bytes | None = field(repr=False, compare=False)
    """The file's bytes; None when discovery knew them unchanged and did not read them."""
    fingerprint: str = ""
    """Hash of the bytes."""


@dataclass(frozen=True)
class Consent:
    """The recorded consent of the person who tells a testimonial."""

    given: dt.date
    scope: tuple[str, ...]
    expires: dt.date | None = None
    """The last day the consent covers."""
    withdrawn: dt.date | None = None
    """The day the person withdrew their consent: from then on the testimonial is off the site."""

    @property
    def ends_on(self) -> dt.date | None:
        """The first day the consent no longer covers, or None while it has no end."""
        ends = [self.withdrawn] if self.withdrawn is not None else []
        if self.expires is not None and self.expires < dt.date.max:
            ends.append(self.expires + dt.timedelta(days=1))
        return min(ends, default=None)

    def ended(self, today: dt.date) -> bool:
        """Whether the consent no longer covers ``today``: the testimonial must leave the site."""
        ends = self.ends_on
        return ends is not None and ends <= today


EVENT_STATUSES = ("scheduled", "cancelled", "postponed", "online")
"""What ``event.status`` may say: as planned, cancelled, postponed (no new date yet), moved online."""


@dataclass(frozen=True)
class Place:
    """Where an event takes place."""

    name: str
    address: str = ""
    """Postal address on one line (``Route de l'Hôpital 12, 1700 Val-Clair``)."""


@dataclass(frozen=True)
class Event:
    """The event a post announces (its front matter's ``event:`` block)."""

    start: dt.datetime
    """Aware; for an all-day event, midnight of its first day in the site's time zone."""
    end: dt.datetime | None = None
    """Aware; for an all-day event, midnight of its last day (that day included). None when not given."""
    all_day: bool = False
    location: Place | None = None
    online: str = ""
    """The http(s) address of the online event (a hybrid event has a location too)."""
    registration: str = ""
    """As written: an http(s) address or an e-mail address (the check says when it is neither)."""
    price: str = ""
    """As written; empty when the event is free."""
    status: str = "scheduled"
    """One of :data:`EVENT_STATUSES`."""

    @property
    def ends_at(self) -> dt.datetime:
        """When the event is over: its end; for an all-day event, the midnight after its last day; without an end,
        its start (or the midnight after its one day)."""
        if self.all_day:
            last = (self.end or self.start).date()
            return dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0, 0), tzinfo=self.start.tzinfo)
        return self.end or self.start

    def upcoming(self, now: dt.datetime) -> bool:
        """Whether the event is still to come (or under way) at ``now``: the agenda lists it first."""
        return now < self.ends_at


@dataclass(frozen=True)
class Source:
    """A work a medical article rests on, as its front matter ``sources:`` lists it."""

    title: str
    publisher: str = ""
    """The organisation or journal that published it."""
    year: str = ""
    """Four digits; empty when not given."""
    url: str = ""
    """An http(s) address; empty for a printed work."""
SALARY_UNITS = ("year", "month", "hour")
"""What a salary is paid per."""


@dataclass(frozen=True)
class Salary:
    """The pay of a job offer: a range, or one bound of it, in a currency, per year, month or hour."""

    minimum: float | None
    maximum: float | None
    unit: str
    """One of :data:`SALARY_UNITS`."""
    currency: str = "CHF"
    """ISO 4217 code."""


@dataclass(frozen=True)
class JobOffer:
    """A post's ``job:`` block: a position the hospital recruits for."""

    title: str
    """The position, as candidates search for it."""
    service: str = ""
    employment: tuple[str, ...] = ()
    """schema.org's employment types (``FULL_TIME``, ``PART_TIME``…), whatever words the editor wrote."""
    rate: str = ""
    """The activity rate as written (``80–100 %``)."""
    salary: Salary | None = None
    start: dt.date | None = None
    start_text: str = ""
    """A start written as words (``à convenir``), when it is not a date."""
    closes: dt.date | None = None
    """The last day candidates can apply."""
    apply: str = ""
    """Where to apply: an http(s) URL or an e-mail address."""
    location: str = ""
    """Where the job is; empty: the organisation's address."""
    contact: str = ""

    @property
    def ends_on(self) -> dt.date | None:
        """The first day the offer is closed (the day after ``closes``), or None while it has no closing date."""
        if self.closes is None or self.closes >= dt.date.max:
            return None
        return self.closes + dt.timedelta(days=1)

    def closed(self, today: dt.date) -> bool:
        """Whether applications are closed on ``today`` (in the site's time zone)."""
        ends = self.ends_on
        return ends is not None and ends <= today

    @property
    def apply_is_url(self) -> bool:
        """Whether ``apply`` is a web address (else it is an e-mail address, or empty)."""
        return self.apply.startswith(("https://", "http://"))


@dataclass(frozen=True)
class PostMeta:
    """Validated front matter."""

    title: str
    date: dt.datetime
    category: str
    slug: str
    summary: str = ""
    author: str | None = None
    tags: tuple[str, ...] = ()
    image: str | None = None
    image_alt: str = ""
    draft: bool = False
    updated: dt.datetime | None = None
    lang: str | None = None
    translation_key: str | None = None
    """Shared by the posts that translate each other (``hospiblog new --translation-of`` writes it)."""
    reviewed_by: str | None = None
    last_reviewed: dt.date | None = None
    consent: Consent | None = None
    share_image: str | None = None
    social: tuple[tuple[str, str], ...] = ()
    campaign: str | None = None
    """The key of a ``[campaigns.<key>]`` table of site.toml."""
    sources: tuple[Source, ...] = ()
    event: Event | None = None
    job: JobOffer | None = None
    lines: tuple[tuple[str, int], ...] = ()
    """Line of each front-matter key in the file, for messages; keys inside a block by their dotted path
    (``event.end``, ``job.closes``)."""

    def line_of(self, key: str) -> int | None:
        """The line a front-matter key is written on."""
        return dict(self.lines).get(key)


@dataclass(frozen=True)
class Heading:
    """A heading of an article's body, as rendered."""

    level: int
    text: str


@dataclass(frozen=True)
class Outline:
    """What the content rules need from a rendered body: its headings and its images, in order."""

    headings: tuple[Heading, ...]
    images: tuple[tuple[str, str | None], ...]
    """``(src, alt)``; alt is None when the attribute is missing."""


@dataclass(frozen=True)
class Video:
    """A YouTube or Vimeo video in an article's body (``:::video``), shown behind a local poster until the reader
    asks for it (:mod:`hospiblog.videos`)."""

    host: str
    """``youtube`` or ``vimeo``: a key of ``hospiblog.videos.HOSTS``."""
    video_id: str
    """The host's identifier of the video, checked against the host's pattern."""
    title: str
    anchor: str
    """The ``id`` of the video's place in the rendered body (``video-youtube-AbCdEfGhIjK``)."""
    poster: str | None = None
    """URL path of the editor's poster image under static/; None for one drawn at build time."""
    transcript: str = ""
    """Where the transcript is: a URL (a link to an article's file is resolved with the other links)."""
    upload_date: dt.date | None = None
    """When the host published it (VideoObject's ``uploadDate``); None leaves the video out of JSON-LD."""
    line: int = field(default=1, compare=False)
    """Line of the ``:::video`` opening; not compared, so text written above a video leaves it equal."""


@dataclass(frozen=True)
class BodyLinks:
    """What a body's links to other posts and its local images resolve to on the site being built: found at
    assemble (:func:`hospiblog.site.resolve_post`) and applied as a page or a feed shows the body
    (:func:`hospiblog.site.body_html`), so that a site holds each body once (assembling a copy of every body with
    links was the peak of a large build's memory)."""

    urls: tuple[tuple[str, str], ...] = ()
    """The URL of each linked post that is published, by its path relative to the site (any other leads to ``#``)."""
    sizes: tuple[tuple[str, tuple[int, int]], ...] = ()
    """The width and height of each local image the body shows that has one, by URL path."""


@dataclass(frozen=True)
class Post:
    """A parsed article: front matter and rendered Markdown."""

    source_path: Path
    relative: str
    meta: PostMeta
    html_utf8: bytes = field(repr=False)
    """The rendered body as parsed, kept as UTF-8: French typography's narrow no-break spaces would make a Python
    string of the same HTML take two bytes a character (measured: 120 MB instead of 63 MB at 10,000 posts). Its
    links to other posts and its images' sizes are resolved only as a page shows it
    (:func:`hospiblog.site.body_html`, with :attr:`resolved`)."""
    toc_html: str
    word_count: int
    fingerprint: str
    """Hash of the source and of everything that affects the parse."""
    listing_fingerprint: str
    """Hash of what a page listing the post shows of it (its path, front matter and reading time): listings and
    the pages naming it as a neighbour depend on this, not on its body."""
    body_line: int = 1
    """Line of the file where the Markdown body starts."""
    post_links: tuple[tuple[str, int], ...] = ()
    """Links to other posts: (target path relative to the site, line)."""
    local_images: tuple[tuple[str, int], ...] = ()
    """Local images in the body: (URL path, line)."""
    outline: Outline | None = None
    """Headings and images of the body, made with the parse (cached and over the cores with it)."""
    videos: tuple[Video, ...] = ()
    """The videos of the body, in order (``:::video`` blocks)."""
    resolved: BodyLinks | None = None
    """What the body's links and images resolve to on the site being built (set at assemble); None as parsed."""

    @property
    def parsed_html(self) -> str:
        """The rendered body as parsed: links to other posts still name their file (what the content rules read)."""
        return self.html_utf8.decode()

    @property
    def reading_minutes(self) -> int:
        """Reading time at 200 words a minute, at least one."""
        return reading_minutes(self.word_count)


def reading_minutes(words: int) -> int:
    """Reading time of ``words`` words at 200 words a minute, at least one."""
    return max(1, round(words / 200))


@dataclass(frozen=True)
class Category:
    """A category with its published posts, newest first."""

    config: CategoryConfig
    posts: tuple[Post, ...]


@dataclass(frozen=True)
class Tag:
    """A tag with its published posts, newest first."""

    slug: str
    name: str
    posts: tuple[Post, ...]


@dataclass(frozen=True)
class Author:
    """An author with their published posts, newest first."""

    config: AuthorConfig
    posts: tuple[Post, ...]


@dataclass(frozen=True)
class Campaign:
    """A campaign with its published posts, oldest first: a campaign reads as a sequence, from its opening."""

    config: CampaignConfig
    posts: tuple[Post, ...]


@dataclass(frozen=True)
class Site:
    """The assembled site: what every output is planned from."""

    posts: tuple[Post, ...]
    """Published posts, newest first."""
    categories: tuple[Category, ...]
    tags: tuple[Tag, ...]
    authors: tuple[Author, ...]
    years: tuple[tuple[int, tuple[Post, ...]], ...]
    previous: dict[str, Post | None]
    """Older neighbour of each post, by relative path."""
    next: dict[str, Post | None]
    """Newer neighbour of each post, by relative path."""
    related: dict[str, tuple[Post, ...]]
    """A few related posts for each post, by relative path."""
    image_sizes: dict[str, tuple[int, int]]
    """Pixel size of each local image used, by URL path."""
    built_at: dt.datetime
    """The instant the build considers "now" (scheduled posts)."""
    campaigns: tuple[Campaign, ...] = ()
    """Every campaign of site.toml, in its order, with its published posts."""
    withdrawn: tuple[str, ...] = ()
    """URLs of the testimonials whose consent ended: a short notice without their content stands there."""
    open_jobs: tuple[Post, ...] = ()
    """Published job offers still open at ``built_at``, newest first: the jobs page and its feed."""
    closed_jobs: frozenset[str] = frozenset()
    """Relative paths of the published job offers whose closing date has passed: their pages say so."""
    current: dict[str, Post] = field(default_factory=dict)
    """The store of the published posts' current versions, by relative path. The listings above give the site's
    structure (which posts, in which order); a post's content (body, reading time, fingerprint) is read here, so
    that serve's fast path updates an edited body by replacing its entry. Made by ``assemble_site``."""

    editions: dict[str, Site] = field(default_factory=dict)
    """A site in several languages: each language's own site (its posts, listings, neighbours, related posts),
    by language code; empty for a site in one language, which is its own only edition."""

    def __post_init__(self) -> None:
        if not self.current:
            self.current.update((post.relative, post) for post in self.posts)

    def by_language(self, default: str) -> dict[str, Site]:
        """Each language's site: the editions, or this site alone as the edition in ``default``."""
        return self.editions or {default: self}

    @property
    def has_jobs(self) -> bool:
        """Whether the site publishes job offers, open or closed: it then has a jobs page and feed."""
        return bool(self.open_jobs or self.closed_jobs)
