"""Plain view objects for templates: templates never see the model's internals."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from markupsafe import Markup

from .config import MEDICAL_CATEGORIES, AuthorConfig, CampaignConfig, CategoryConfig, SiteConfig
from .content.images import responsive_images
from .dates import amount_text, long_date
from .events import registration_link, when_text
from .model import JobOffer, Post, Site, Video
from .posters import POSTER_SIZE, poster_url
from .responsive import ImagePlan, ImageSettings, ImageSource, published_path
from .security import PolicyAdditions, content_security_policy
from .site import body_html
from .social import ShareLink, hashtag, share_links
from .urls import Paths, absolute, event_calendar_url, paginated, search_bundle_url, tag_slug
from .videos import HOSTS, split_at_videos

SOCIAL_LABELS = {"facebook": "Facebook", "instagram": "Instagram", "linkedin": "LinkedIn",
                 "x": "X", "youtube": "YouTube"}


@dataclass(frozen=True)
class Link:
    """A labelled URL."""

    label: str
    url: str


@dataclass(frozen=True)
class FeedLink:
    """A feed offered to readers and announced with ``<link rel="alternate">``."""

    title: str
    url: str
    media_type: str
    absolute_url: str


@dataclass(frozen=True)
class ImageView:
    """An image with the size and alternative text a page needs, and the other widths and formats it is
    published in (``partials/picture.html`` writes them)."""

    url: str
    """The published original (a HEIC photo's JPEG), without metadata."""
    alt: str
    width: int
    height: int
    absolute_url: str
    srcset: str = ""
    """Candidates in the original's format (``/images/x-480.<hash>.jpg 480w, …``); empty for SVG or GIF."""
    sources: tuple[ImageSource, ...] = ()
    """Modern formats, best first, each with its ``type`` and ``srcset``: ``<source>`` elements."""


@dataclass(frozen=True)
class CategoryView:
    key: str
    label: str
    description: str
    color: str
    url: str
    feeds: tuple[FeedLink, ...]


@dataclass(frozen=True)
class CampaignView:
    """A campaign as its page, its posts' badges and the campaigns' index show it."""

    key: str
    label: str
    description: str
    url: str
    start_iso: str
    """``2026-11-01``; empty when site.toml gives no start."""
    start_display: str
    end_iso: str
    end_display: str
    hashtags: tuple[str, ...]
    """As shown and posted: ``#MoisSansTabac``."""
    partner: Link | None
    """The partner organisation; its ``url`` is empty when site.toml gives none."""
    count: int = 0
    """Published posts of the campaign."""


@dataclass(frozen=True)
class SourceView:
    """A work a medical article rests on."""

    title: str
    publisher: str
    year: str
    url: str


@dataclass(frozen=True)
class AuthorView:
    key: str
    name: str
    role: str
    service: str
    bio: str
    url: str
    portrait: ImageView | None


@dataclass(frozen=True)
class TagView:
    name: str
    slug: str
    url: str
    count: int = 0


@dataclass(frozen=True)
class SalaryView:
    """A job offer's salary, its amounts written for the site's language; the template words it
    (``t('salary_range', …)``, ``t('salary_per_month')``)."""

    minimum: str
    """"" when the offer gives no minimum."""
    maximum: str
    """"" when the offer gives no maximum."""
    currency: str
    unit: str
    """year, month or hour."""


@dataclass(frozen=True)
class JobView:
    """What a page shows of a job offer."""

    title: str
    service: str
    employment: tuple[str, ...]
    """schema.org's types (``FULL_TIME``…): the template shows ``t('employment_' ~ type)``."""
    rate: str
    salary: SalaryView | None
    start_iso: str
    start_display: str
    """The start date in words, or the start as the editor wrote it (``à convenir``); "" when not given."""
    closes_iso: str
    closes_display: str
    apply_url: str
    """The application form's URL; "" when candidates apply by e-mail (``apply_email``) or the offer says nothing."""
    apply_email: str
    location: str
    """Where the job is: the offer's location, else the organisation's address."""
    contact: str
    open: bool
    """False once the closing date has passed: the page says applications are closed and offers no button."""


@dataclass(frozen=True)
class PostSummary:
    """What a listing shows of a post."""

    title: str
    url: str
    absolute_url: str
    date_iso: str
    date_display: str
    summary: str
    category: CategoryView
    author: AuthorView | None
    image: ImageView | None
    reading_minutes: int
    draft: bool
    scheduled: bool
    campaign: CampaignView | None = None
    event_status: str = ""
    """The status of the event the post announces (``scheduled``, ``cancelled``…); empty for other posts."""
    job: JobView | None = None
    """The post's job offer, when it has a ``job:`` block."""


@dataclass(frozen=True)
class EventView:
    """The event a post announces, as its box and the agenda show it."""

    status: str
    """``scheduled``, ``cancelled``, ``postponed`` or ``online``: in templates ``t('event_status_' ~ status)``."""
    when: str
    """``jeudi 8 avril 2027, 18:30 – 20:00``, in the page's language."""
    start_iso: str
    past: bool
    """Over when the site was built: the agenda lists it with the past events."""
    place: str
    address: str
    online_url: str
    registration_url: str
    """The registration's link (a web address or ``mailto:``), empty when it is neither."""
    registration_text: str
    price: str
    """Empty for a free event."""
    calendar_url: str
    """The event's ``.ics`` file."""


@dataclass(frozen=True)
class AgendaEntry:
    """One line of the agenda: the post and its event."""

    post: PostSummary
    event: EventView


@dataclass(frozen=True)
class VideoView:
    """A video of an article (``partials/video.html``): its poster, and the player shown only when asked for."""

    anchor: str
    """The ``id`` of its place in the article."""
    title: str
    host: str
    """The host's name: YouTube, Vimeo."""
    watch_url: str
    """The video's page on the host: the plain link readers without JavaScript follow."""
    player_url: str
    """The player (youtube-nocookie.com, player.vimeo.com with dnt=1), put in place by static/video.js."""
    embed_url: str
    """The same player without autoplay (JSON-LD's ``embedUrl``)."""
    poster: ImageView
    transcript_url: str
    upload_date_iso: str


@dataclass(frozen=True)
class BodyPart:
    """A piece of an article's body: its HTML, then the video that follows it (None for the last piece)."""

    html: Markup
    video: VideoView | None


@dataclass(frozen=True)
class PostView:
    """Everything a post page shows."""

    summary_view: PostSummary
    content: Markup
    toc: Markup
    updated_iso: str
    updated_display: str
    tags: tuple[TagView, ...]
    previous: PostSummary | None
    next: PostSummary | None
    related: tuple[PostSummary, ...]
    lang: str
    reviewed_by: str
    last_reviewed_display: str
    share_links: tuple[ShareLink, ...] = ()
    medical: bool = False
    """A medicine or prevention article: it shows who reviewed it and when, its sources and the medical notice."""
    sources: tuple[SourceView, ...] = ()
    event: EventView | None = None
    videos: tuple[VideoView, ...] = ()
    """The videos of the body, in order: the page loads static/video.js when there are any."""
    body: tuple[BodyPart, ...] = ()
    """``content`` cut at its videos, for templates that show each video with ``partials/video.html``;
    ``content`` itself shows a plain link in each video's place."""

    def __getattr__(self, name: str) -> object:
        # Post pages use the summary's fields too (title, url, date…).
        if name.startswith("__") or name == "summary_view":
            raise AttributeError(name)
        return getattr(self.summary_view, name)


@dataclass(frozen=True)
class Pagination:
    page: int
    pages: int
    previous_url: str | None
    next_url: str | None
    links: tuple[Link, ...]


@dataclass(frozen=True)
class Alternate:
    """A version of a page in one language (``hreflang="de"``), or the one for other languages (``x-default``)."""

    hreflang: str
    url: str
    absolute_url: str


@dataclass(frozen=True)
class LanguageLink:
    """One language of the site in the switcher."""

    language: str
    name: str
    """The language's name in itself: Deutsch."""
    url: str
    current: bool
    """The page's own language: shown, not linked."""
    note: str = ""
    """"" when ``url`` is the page's translation; else the title of the page it leads to instead (in that
    language: « Startseite », « Medizin und Pflege »), shown beside the name."""


@dataclass(frozen=True)
class PageView:
    """The page being rendered: its kind, title, canonical URL and feeds."""

    kind: str
    title: str
    description: str
    url: str
    canonical_url: str
    feeds: tuple[FeedLink, ...]
    accent: str = ""
    csp: PolicyAdditions = ()
    """What the page needs beyond the site-wide Content-Security-Policy (the search page: WebAssembly)."""
    alternates: tuple[Alternate, ...] = ()
    """The page in every language it exists in, and ``x-default`` (a site in several languages):
    ``<link rel="alternate" hreflang>``, the sitemap's ``xhtml:link``."""
    languages: tuple[LanguageLink, ...] = ()
    """The language switcher: every language of the site, each to this page's translation or the nearest page
    of the same kind; empty on a site in one language."""

    @property
    def content_security_policy(self) -> str:
        """The page's policy, for its ``<meta http-equiv>``."""
        return content_security_policy(self.csp)


@dataclass(frozen=True)
class OrganizationView:
    name: str
    url: str
    logo: ImageView | None
    address: str
    phone: str


@dataclass(frozen=True)
class SiteView:
    """The site-wide values every template sees as ``site``."""

    title: str
    description: str
    base_url: str
    language: str
    organization: OrganizationView
    categories: tuple[CategoryView, ...]
    social: tuple[Link, ...]
    feeds: tuple[FeedLink, ...]
    category_stylesheet: str
    """URL of the generated stylesheet giving each category (``.cat-<key>``) and campaign (``.campaign-<key>``)
    its colour."""
    dev: bool = False
    """True in ``hospiblog serve``: drafts and scheduled posts are labelled."""
    campaigns: tuple[CampaignView, ...] = ()
    medical_notice: str = ""
    """The notice shown on medicine and prevention articles; empty for none."""
    agenda_url: str = ""
    """The agenda page; empty when the site announces no event."""
    jobs_url: str = ""
    """The jobs page's URL, when the site publishes job offers; "" otherwise."""
    jobs_feeds: tuple[FeedLink, ...] = ()
    """The jobs page's feeds (RSS, Atom), when there is one."""
    search_url: str = ""
    """URL of the search page; empty when the site has none (``[search] enabled = false``)."""
    image_sizes: Mapping[str, str] = field(default_factory=lambda: dict(ImageSettings.sizes))
    """The theme's ``sizes`` attribute for ``hero``, ``body`` and ``card`` images (``images.toml``)."""
    urls: Paths = field(default_factory=Paths)
    """The URLs of this language's own pages: ``site.urls.home``, ``.subscribe``, ``.archive``, ``.tags``,
    ``.authors``, ``.campaigns``, ``.year(2026)``."""


@dataclass(frozen=True)
class SearchView:
    """What the search page needs: where the index is, and whether there is one."""

    bundle_url: str
    """The folder of ``pagefind.js`` and the index's first part."""
    indexed: bool
    """False in ``hospiblog serve``, which makes no index."""
    merged: tuple[str, ...] = ()
    """The folders of the index's other parts, which the search page merges (``pagefind.mergeIndex``)."""


@dataclass
class ViewFactory:
    """Builds views once per object and reuses them across pages."""

    config: SiteConfig
    site: Site
    image_sizes: dict[str, tuple[int, int]]
    dev: bool = False
    default_medical_notice: str = ""
    """The theme's notice (``medical_disclaimer``), shown when site.toml's ``[medical] notice`` is not set."""
    jobs_title: str = ""
    """The jobs page's title in the theme's language (« Nous recrutons »), for its feeds' titles."""
    images: ImagePlan | None = None
    """The published images' widths and formats; None when static images are copied as they are."""
    _summaries: dict[str, PostSummary] = field(default_factory=dict)
    _categories: dict[str, CategoryView] = field(default_factory=dict)
    _authors: dict[str, AuthorView] = field(default_factory=dict)
    _campaigns: dict[str, CampaignView] = field(default_factory=dict)
    _feed_links: dict[tuple[str, str], tuple[FeedLink, ...]] = field(default_factory=dict)

    def feed_links(self, base: str, title: str) -> tuple[FeedLink, ...]:
        """The RSS and Atom links of a feed, made once: every page of the plan names the site's (10 MiB of
        equal tuples at 10,000 posts when each page had its own)."""
        key = (base, title)
        if key not in self._feed_links:
            rss, atom = base + "rss.xml", base + "atom.xml"
            self._feed_links[key] = (
                FeedLink(f"{title} (RSS)", rss, "application/rss+xml", absolute(self.config.base_url, rss)),
                FeedLink(f"{title} (Atom)", atom, "application/atom+xml", absolute(self.config.base_url, atom)),
            )
        return self._feed_links[key]

    def category(self, key: str) -> CategoryView:
        if key not in self._categories:
            category: CategoryConfig = self.config.categories[key]
            url = self.config.paths.page(category.slug)
            self._categories[key] = CategoryView(
                key, category.label, category.description, category.color, url,
                self.feed_links(url, f"{self.config.title} – {category.label}"),
            )
        return self._categories[key]

    def author(self, key: str | None) -> AuthorView | None:
        if key is None or key not in self.config.authors:
            return None
        if key not in self._authors:
            author: AuthorConfig = self.config.authors[key]
            portrait = self.image(author.portrait, author.name) if author.portrait else None
            self._authors[key] = AuthorView(key, author.name, author.role, author.service, author.bio,
                                            self.config.paths.author(key), portrait)
        return self._authors[key]

    def campaign(self, key: str | None) -> CampaignView | None:
        """The campaign a post names, or None (none named, or one unknown to site.toml: the rule said so)."""
        if key is None or key not in self.config.campaigns:
            return None
        if key not in self._campaigns:
            campaign: CampaignConfig = self.config.campaigns[key]
            partner = campaign.partner
            count = next((len(found.posts) for found in self.site.campaigns if found.config.key == key), 0)
            self._campaigns[key] = CampaignView(
                key=key, label=campaign.label, description=campaign.description, url=self.config.paths.campaign(key),
                start_iso=campaign.start.isoformat() if campaign.start else "",
                start_display=self.date_text(campaign.start) if campaign.start else "",
                end_iso=campaign.end.isoformat() if campaign.end else "",
                end_display=self.date_text(campaign.end) if campaign.end else "",
                hashtags=tuple(dict.fromkeys(filter(None, map(hashtag, campaign.hashtags)))),
                partner=Link(partner.name, partner.url) if partner else None,
                count=count,
            )
        return self._campaigns[key]

    def image(self, path: str, alt: str) -> ImageView:
        source = "/" + path.lstrip("/")
        width, height = self.image_sizes.get(source, (0, 0))
        url = published_path(source) if self.images else source
        responsive = self.images.get(source) if self.images else None
        if responsive is None:
            return ImageView(url, alt, width, height, absolute(self.config.base_url, url))
        return ImageView(url, alt, width, height, absolute(self.config.base_url, url), responsive.srcset,
                         responsive.sources)

    def forget(self, relative: str) -> None:
        """Drops the cached summary of a post that serve's fast path updated."""
        self._summaries.pop(relative, None)

    def post_url(self, post: Post) -> str:
        return self.config.paths.post(self.config.categories[post.meta.category].slug, post.meta.slug)

    def summary(self, post: Post) -> PostSummary:
        if post.relative not in self._summaries:
            meta = post.meta
            url = self.post_url(post)
            self._summaries[post.relative] = PostSummary(
                title=meta.title,
                url=url,
                absolute_url=absolute(self.config.base_url, url),
                date_iso=meta.date.isoformat(),
                date_display=self.date_text(meta.date),
                summary=meta.summary,
                category=self.category(meta.category),
                author=self.author(meta.author),
                image=self.image(meta.image, meta.image_alt) if meta.image else None,
                reading_minutes=self.site.current[post.relative].reading_minutes,
                draft=meta.draft,
                scheduled=meta.date > self.site.built_at,
                campaign=self.campaign(meta.campaign),
                event_status=meta.event.status if meta.event else "",
                job=self.job(meta.job, closed=post.relative in self.site.closed_jobs) if meta.job else None,
            )
        return self._summaries[post.relative]

    def job(self, offer: JobOffer, *, closed: bool) -> JobView:
        """A job offer as pages show it."""
        salary = offer.salary
        email = "" if offer.apply_is_url else offer.apply
        return JobView(
            title=offer.title,
            service=offer.service,
            employment=offer.employment,
            rate=offer.rate,
            salary=SalaryView(self.amount_text(salary.minimum), self.amount_text(salary.maximum), salary.currency,
                              salary.unit) if salary else None,
            start_iso=offer.start.isoformat() if offer.start else "",
            start_display=self.date_text(offer.start) if offer.start else offer.start_text,
            closes_iso=offer.closes.isoformat() if offer.closes else "",
            closes_display=self.date_text(offer.closes) if offer.closes else "",
            apply_url=offer.apply if offer.apply_is_url else "",
            apply_email=email,
            location=offer.location or self.config.organization.address,
            contact=offer.contact,
            open=not closed,
        )

    def amount_text(self, value: float | None) -> str:
        """An amount of money written for the site's language ("6 350"); "" for None."""
        return amount_text(value, self.config.language) if value is not None else ""

    def jobs_feeds(self) -> tuple[FeedLink, ...]:
        """The jobs page's RSS and Atom feeds."""
        return self.feed_links(self.config.paths.jobs, f"{self.config.title} – {self.jobs_title}")

    def summaries(self, posts: Sequence[Post]) -> list[PostSummary]:
        return [self.summary(post) for post in posts]

    def video(self, video: Video, post: Post) -> VideoView:
        """The view of a video of ``post``, with its poster (the editor's image, or the one drawn for it)."""
        host = HOSTS[video.host]
        if video.poster:  # published like the article's images: cleaned, in the theme's widths and formats
            poster = self.image(video.poster, "")
        else:
            url = poster_url(video, self.config.categories[post.meta.category].color)
            poster = ImageView(url, "", *POSTER_SIZE, absolute(self.config.base_url, url))
        return VideoView(video.anchor, video.title, host.name, host.watch_url(video.video_id),
                         host.player_url(video.video_id), host.embed_url(video.video_id), poster, video.transcript,
                         video.upload_date.isoformat() if video.upload_date else "")

    def post(self, post: Post) -> PostView:
        meta = post.meta
        current = self.site.current[post.relative]  # the body as last edited (serve's fast path)
        previous = self.site.previous.get(post.relative)
        following = self.site.next.get(post.relative)
        content = self.body(current, hero=bool(meta.image))
        videos = {video.anchor: self.video(video, current) for video in current.videos}
        body = tuple(BodyPart(Markup(html), videos[anchor] if anchor else None)
                     for html, anchor in split_at_videos(content, videos))
        return PostView(
            summary_view=self.summary(post),
            content=Markup(content),
            toc=Markup(current.toc_html),
            updated_iso=meta.updated.isoformat() if meta.updated else "",
            updated_display=self.date_text(meta.updated) if meta.updated else "",
            tags=tuple(TagView(tag, tag_slug(tag), self.config.paths.tag(tag_slug(tag))) for tag in meta.tags),
            previous=self.summary(previous) if previous else None,
            next=self.summary(following) if following else None,
            related=tuple(self.summary(other) for other in self.site.related.get(post.relative, ())),
            lang=meta.lang or self.config.language,
            reviewed_by=meta.reviewed_by or "",
            last_reviewed_display=self.date_text(meta.last_reviewed) if meta.last_reviewed else "",
            share_links=tuple(share_links(self.summary(post).absolute_url, meta.title, meta.summary,
                                          self.config.sharing)),
            medical=meta.category in MEDICAL_CATEGORIES,
            sources=tuple(SourceView(source.title, source.publisher, source.year, source.url)
                          for source in meta.sources),
            event=self.event(post),
            videos=tuple(videos.values()),
            body=body,
        )

    def event(self, post: Post) -> EventView | None:
        """The box of the event a post announces, or None."""
        event = post.meta.event
        if event is None:
            return None
        url = self.post_url(post)
        location = event.location
        return EventView(
            status=event.status,
            when=when_text(event, self.config.language, self.config.zone),
            start_iso=event.start.astimezone(self.config.zone).isoformat(),
            past=not event.upcoming(self.site.built_at),
            place=location.name if location else "",
            address=location.address if location else "",
            online_url=event.online,
            registration_url=registration_link(event.registration),
            registration_text=event.registration.removeprefix("mailto:"),
            price=event.price,
            calendar_url=event_calendar_url(url, post.meta.slug),
        )

    def agenda(self, posts: Sequence[Post]) -> list[AgendaEntry]:
        """The agenda's entries for posts announcing an event."""
        entries = []
        for post in posts:
            event = self.event(post)
            assert event is not None
            entries.append(AgendaEntry(self.summary(post), event))
        return entries

    def body(self, post: Post, *, hero: bool) -> str:
        """The post's body with its images offered in every published width and format; the first is loaded at
        once when the page has no hero image above it."""
        published = body_html(post)
        if self.images is None or not post.local_images:
            return published
        return responsive_images(published, self.images.get, self.images.settings.sizes_of("body"),
                                 eager_first=not hero)

    def date_text(self, value: date | datetime) -> str:
        """A date the way readers of the site's language write it ("22 novembre 2026", "1er mars 2026")."""
        if isinstance(value, datetime):
            value = value.astimezone(self.config.zone).date()
        return long_date(value, self.config.language)

    def site_view(self) -> SiteView:
        config = self.config
        organization = config.organization
        logo = self.image(organization.logo, organization.name) if organization.logo else None
        social = tuple(Link(SOCIAL_LABELS[name], getattr(config.social, name))
                       for name in SOCIAL_LABELS if getattr(config.social, name))
        return SiteView(
            title=config.title,
            description=config.description,
            base_url=config.base_url.rstrip("/"),
            language=config.language,
            organization=OrganizationView(organization.name, organization.url, logo,
                                          organization.address, organization.phone),
            categories=tuple(self.category(key) for key in config.categories),
            social=social,
            feeds=self.feed_links(config.paths.home, config.title),
            category_stylesheet="/" + category_stylesheet_name(config),
            dev=self.dev,
            campaigns=tuple(view for key in config.campaigns if (view := self.campaign(key)) is not None),
            medical_notice=self.default_medical_notice if config.medical.notice is None else config.medical.notice,
            agenda_url=config.paths.agenda if any(post.meta.event for post in self.site.posts) else "",
            jobs_url=config.paths.jobs if self.site.has_jobs else "",
            jobs_feeds=self.jobs_feeds() if self.site.has_jobs else (),
            search_url=config.paths.search if config.search.enabled else "",
            urls=config.paths,
            image_sizes=dict((self.images.settings if self.images else ImageSettings()).sizes),
        )

    def search(self, bundles: Sequence[str] = ()) -> SearchView:
        """The search page's view: the index's parts (``bundles``, the first with ``pagefind.js``)."""
        first, *others = bundles or (search_bundle_url(),)
        return SearchView(first, indexed=not self.dev, merged=tuple(others))

    def pagination(self, url: str, page: int, pages: int) -> Pagination:
        """Previous/next and a window of page numbers: first, last, two around the current one, gaps as "…"."""
        shown = sorted({1, pages, *range(max(1, page - 2), min(pages, page + 2) + 1)})
        links: list[Link] = []
        for number in shown:
            if links and number - int(links[-1].label) > 1:
                links.append(Link("…", ""))
            links.append(Link(str(number), paginated(url, number)))
        return Pagination(
            page=page,
            pages=pages,
            previous_url=paginated(url, page - 1) if page > 1 else None,
            next_url=paginated(url, page + 1) if page < pages else None,
            links=tuple(links),
        )


def category_css(config: SiteConfig) -> str:
    """Each category's and campaign's colour as a custom property, so pages need no inline style (CSP)."""
    rules = [f".cat-{key} {{ --accent: {category.color}; }}" for key, category in config.categories.items()]
    rules += [f".campaign-{key} {{ --campaign: {campaign.color}; }}" for key, campaign in config.campaigns.items()]
    return "\n".join(rules) + "\n"


def category_stylesheet_name(config: SiteConfig) -> str:
    """The generated stylesheet's file name, with a hash of its content."""
    text = category_css(config)
    return f"categories.{hashlib.blake2b(text.encode(), digest_size=5).hexdigest()}.css"
