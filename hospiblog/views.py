"""Plain view objects for templates: templates never see the model's internals."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from babel import Locale
from babel.dates import format_date
from markupsafe import Markup

from .config import AuthorConfig, CategoryConfig, SiteConfig
from .content.images import responsive_images
from .model import Post, Site
from .responsive import ImagePlan, ImageSettings, ImageSource, published_path
from .social import ShareLink, share_links
from .urls import absolute, author_url, join_url, paginated, post_url, tag_slug, tag_url

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
class PageView:
    """The page being rendered: its kind, title, canonical URL and feeds."""

    kind: str
    title: str
    description: str
    url: str
    canonical_url: str
    feeds: tuple[FeedLink, ...]
    accent: str = ""


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
    """URL of the generated stylesheet giving each category its colour (``.cat-<key>``)."""
    dev: bool = False
    """True in ``hospiblog serve``: drafts and scheduled posts are labelled."""
    image_sizes: Mapping[str, str] = field(default_factory=lambda: dict(ImageSettings.sizes))
    """The theme's ``sizes`` attribute for ``hero``, ``body`` and ``card`` images (``images.toml``)."""


@dataclass
class ViewFactory:
    """Builds views once per object and reuses them across pages."""

    config: SiteConfig
    site: Site
    image_sizes: dict[str, tuple[int, int]]
    dev: bool = False
    images: ImagePlan | None = None
    """The published images' widths and formats; None when static images are copied as they are."""
    _summaries: dict[str, PostSummary] = field(default_factory=dict)
    _categories: dict[str, CategoryView] = field(default_factory=dict)
    _authors: dict[str, AuthorView] = field(default_factory=dict)

    def feed_links(self, base: str, title: str) -> tuple[FeedLink, ...]:
        rss, atom = base + "rss.xml", base + "atom.xml"
        return (
            FeedLink(f"{title} (RSS)", rss, "application/rss+xml", absolute(self.config.base_url, rss)),
            FeedLink(f"{title} (Atom)", atom, "application/atom+xml", absolute(self.config.base_url, atom)),
        )

    def category(self, key: str) -> CategoryView:
        if key not in self._categories:
            category: CategoryConfig = self.config.categories[key]
            url = join_url(category.slug)
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
                                            author_url(key), portrait)
        return self._authors[key]

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
        return post_url(self.config.categories[post.meta.category].slug, post.meta.slug)

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
            )
        return self._summaries[post.relative]

    def summaries(self, posts: Sequence[Post]) -> list[PostSummary]:
        return [self.summary(post) for post in posts]

    def post(self, post: Post) -> PostView:
        meta = post.meta
        current = self.site.current[post.relative]  # the body as last edited (serve's fast path)
        previous = self.site.previous.get(post.relative)
        following = self.site.next.get(post.relative)
        return PostView(
            summary_view=self.summary(post),
            content=Markup(self.body(current, hero=bool(meta.image))),
            toc=Markup(current.toc_html),
            updated_iso=meta.updated.isoformat() if meta.updated else "",
            updated_display=self.date_text(meta.updated) if meta.updated else "",
            tags=tuple(TagView(tag, tag_slug(tag), tag_url(tag_slug(tag))) for tag in meta.tags),
            previous=self.summary(previous) if previous else None,
            next=self.summary(following) if following else None,
            related=tuple(self.summary(other) for other in self.site.related.get(post.relative, ())),
            lang=meta.lang or self.config.language,
            reviewed_by=meta.reviewed_by or "",
            last_reviewed_display=self.date_text(meta.last_reviewed) if meta.last_reviewed else "",
            share_links=tuple(share_links(self.summary(post).absolute_url, meta.title, meta.summary,
                                          self.config.sharing)),
        )

    def body(self, post: Post, *, hero: bool) -> str:
        """The post's body with its images offered in every published width and format; the first is loaded at
        once when the page has no hero image above it."""
        if self.images is None or not post.local_images:
            return post.content_html
        return responsive_images(post.content_html, self.images.get, self.images.settings.sizes_of("body"),
                                 eager_first=not hero)

    def date_text(self, value: date | datetime) -> str:
        """A date the way readers of the site's language write it ("22 novembre 2026", "1er mars 2026")."""
        if isinstance(value, datetime):
            value = value.astimezone(self.config.zone).date()
        pattern = self._locale.date_formats["long"].pattern
        if value.day == 1 and self._locale.language == "fr" and pattern.startswith("d "):
            # French writes the first day of a month as an ordinal, "1er" (Imprimerie nationale's rules);
            # CLDR's pattern, which Babel follows, has a plain "1".
            return format_date(value, format="'1er'" + pattern[1:], locale=self._locale)
        return format_date(value, format=pattern, locale=self._locale)

    @functools.cached_property
    def _locale(self) -> Locale:
        return Locale.parse(self.config.language)

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
            feeds=self.feed_links("/", config.title),
            category_stylesheet="/" + category_stylesheet_name(config),
            dev=self.dev,
            image_sizes=dict((self.images.settings if self.images else ImageSettings()).sizes),
        )

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
    """Each category's colour as a custom property, so pages need no inline style (CSP)."""
    rules = [f".cat-{key} {{ --accent: {category.color}; }}" for key, category in config.categories.items()]
    return "\n".join(rules) + "\n"


def category_stylesheet_name(config: SiteConfig) -> str:
    """The generated stylesheet's file name, with a hash of its content."""
    text = category_css(config)
    return f"categories.{hashlib.blake2b(text.encode(), digest_size=5).hexdigest()}.css"
