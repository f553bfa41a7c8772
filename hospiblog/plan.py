"""The plan: every output the site needs, with a digest of everything its bytes depend on.

A job whose digest is the one recorded for the file already published is not
rendered again. Full builds, rebuilds in ``serve`` and parallel builds run the
same plan, so they give the same bytes.
"""

from __future__ import annotations

import functools
import hashlib
import html
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

from . import events
from .cards import CardSettings, PlannedCard, card_bytes, post_share_images, settings_digest, site_share_image
from .config import SiteConfig
from .feeds import FeedSpec, feed_specs, newest_change, render_feed
from .ics import agenda_calendar, event_calendar
from .model import Post, Site
from .posters import VideoPosters, poster_bytes
from .responsive import ImagePlan
from .search import IndexedPage, shards
from .security import WASM, PolicyAdditions, render_headers_file
from .seo import ArticleInfo, JobInfo, PageInfo, SeoView, ShareImage, VideoInfo, media_type, seo_view
from .site import body_html
from .sitemap import SitemapEntry, render_robots, render_sitemap
from .theme import Theme
from .urls import absolute, event_calendar_url, output_path, paginated, search_bundle_url, tag_slug
from .videos import frame_policy
from .views import PageView, TagView, ViewFactory, category_css, category_stylesheet_name

LANGUAGES_STYLESHEET = "languages.css"
"""The language switcher's styles, in a file of their own that only a site in several languages publishes."""


@dataclass(frozen=True)
class RenderJob:
    """One output file: where it goes, what it depends on and how to make it."""

    output: str
    """Path inside the output folder."""
    digest: str
    """Hash of every input of the bytes."""
    template: str | None = None
    context: Mapping[str, Any] = field(default_factory=dict)
    lazy: Mapping[str, Callable[[], Any]] = field(default_factory=dict)
    """Context values made only when the page is rendered (a job left alone costs nothing)."""
    produce: Callable[[], bytes] | None = None
    """For outputs that are not templates: feeds, sitemap, static files."""
    url: str | None = None
    """Set for pages listed in the sitemap."""
    lastmod: datetime | None = None
    kind: str = "page"
    """page, feed, static or meta (sitemap, robots)."""


@dataclass(frozen=True)
class DerivedJob:
    """Files made from other outputs' bytes once those are rendered: the search index from the article pages.

    Their names are known only once they are made, so the writer asks for them after rendering and publishes
    them with the pages, atomically. While the manifest holds files of ``folder`` made with the same ``digest``
    (its settings and which outputs it reads) and none of those outputs changes its bytes in this publication,
    they are kept and nothing is made: a page rendered again to the same bytes (a neighbour's title shown, say)
    costs no index.
    """

    name: str
    """What it makes, as a stage of the build's report ("index")."""
    folder: str
    """Output folder of every file it makes, at the top of the output (``pagefind/``); nothing else is published
    there."""
    digest: str
    inputs: tuple[str, ...]
    """The outputs whose bytes it reads."""
    settings: str
    """Everything else its bytes depend on (the indexer's version)."""
    produce: Callable[[Callable[[str], bytes]], Mapping[str, bytes]]
    """Makes the files (by path inside ``folder``) from the outputs' bytes, read through the function given."""


def digest(*parts: object) -> str:
    """A short hash of the given parts."""
    hasher = hashlib.blake2b(digest_size=16)
    for part in parts:
        hasher.update(str(part).encode())
        hasher.update(b"\0")
    return hasher.hexdigest()


def _fingerprints(site: Site, relatives: Iterable[str], listed: Iterable[str] = ()) -> str:
    # The current versions' (serve's fast path replaces edited posts in the store): the whole post's fingerprint for
    # the posts whose content a job shows, the listing fingerprint for those it lists or names as neighbours. The
    # draft flag is part of the view ("Brouillon" label) and of both. A job offer closes with no file changing:
    # every page and feed showing it must be made again then ("Candidatures closes", no JobPosting).
    current, closed = site.current, site.closed_jobs
    whole = [current[relative].fingerprint + (":closed" if relative in closed else "") for relative in relatives]
    shown = [current[relative].listing_fingerprint + (":closed" if relative in closed else "") for relative in listed]
    return ",".join(whole) + ("|" + ",".join(shown) if shown else "")


def _newest(posts: Sequence[Post]) -> datetime | None:
    return max((post.meta.updated or post.meta.date for post in posts), default=None)


@dataclass(frozen=True)
class ShareCards:
    """The share cards of this build: their settings, the cards to publish and where drawn cards are kept."""

    settings: CardSettings
    planned: tuple[PlannedCard, ...]
    cache_dir: Path | None


@dataclass(frozen=True)
class ImageFiles:
    """The image files of this build: the plan, and where the made ones are kept (:mod:`hospiblog.imaging`)."""

    plan: ImagePlan
    cache_dir: Path


@dataclass
class Planner:
    """Builds the list of jobs for one site."""

    site: Site
    config: SiteConfig
    theme: Theme
    views: ViewFactory
    cards: ShareCards | None = None
    images: ImageFiles | None = None
    """None: static images are copied as they are (plans made without the images stage, in tests)."""
    posters: VideoPosters | None = None
    by_output: dict[str, RenderJob] = field(default_factory=dict)
    """Every job, by output path, in the order planned."""
    site_view: Any = None
    logo: ShareImage | None = None
    recipes: dict[str, tuple[tuple[object, ...], tuple[str, ...], tuple[str, ...]]] = field(default_factory=dict)
    """How each of those digests is made, by output: its fixed parts, the posts whose fingerprints follow, and the
    posts whose listing fingerprints follow."""
    derived: list[DerivedJob] = field(default_factory=list)
    """Files made from rendered outputs (the search index), published with them."""
    pages: dict[tuple[str, ...], dict[str, str]] = field(default_factory=dict)
    """A site in several languages: the output of each language's version of a page, by what the page is
    (``("category", "medicine")``, ``("post", <translation key>)``) and language: :mod:`hospiblog.languages` links
    them."""
    identity: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """What each page is (the keys of ``pages``), by output."""
    search_bundles: tuple[str, ...] = ()
    """The folders of the search index's parts, the first with ``pagefind.js`` (the search page merges the others)."""
    index_cache: Path | None = None
    """Where each part of the search index is kept between builds (:class:`hospiblog.search.KeptIndex`); None: not
    kept (a build without cache)."""
    parents: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """The page the language switcher leads to when a page has no translation (a post's category), by output."""
    view_factories: list[ViewFactory] = field(default_factory=list)
    """The views of every language's planner, this one's first: serve's fast path makes an edited post's views
    again in each (:meth:`forget`)."""

    def edition(self, site: Site, config: SiteConfig, theme: Theme, views: ViewFactory) -> Planner:
        """A planner for one language of the site, adding its jobs to this one's."""
        return Planner(site, config, theme, views, self.cards, self.images, self.posters, self.by_output,
                       logo=self.logo, recipes=self.recipes, derived=self.derived,
                       pages=self.pages, identity=self.identity, parents=self.parents, index_cache=self.index_cache,
                       search_bundles=self.search_bundles, view_factories=self.view_factories)

    def __post_init__(self) -> None:
        self.view_factories.append(self.views)
        self.site_view = self.views.site_view()
        logo = self.site_view.organization.logo
        if logo is not None and self.logo is None:
            self.logo = ShareImage(logo.absolute_url, logo.width, logo.height, logo.alt, media_type(logo.url))

    @property
    def jobs(self) -> list[RenderJob]:
        """Every job, in the order planned."""
        return list(self.by_output.values())

    def hand_over(self) -> list[RenderJob]:
        """Every job, in the order planned, no longer held here: the writer lets them go once rendered
        (``publish(release=True)``). The jobs refer back to this planner (its methods make their context), a
        cycle a build's paused collector would not free; emptied, the planner no longer closes it, and the site
        goes with the last job."""
        jobs = self.jobs
        self.by_output.clear()
        self.recipes.clear()
        return jobs

    def add(self, job: RenderJob) -> None:
        """Plans one output; two jobs for one output would be a bug (URLs collide only through a check)."""
        assert job.output not in self.by_output, f"two jobs for {job.output}"
        self.by_output[job.output] = job

    def share_images(self, post: Post | None) -> tuple[ShareImage, ...]:
        """The images networks show for a page: its cards, else the post's own image."""
        if self.cards is not None:
            if post is None:
                return (site_share_image(self.config, self.cards.settings),)
            return post_share_images(post, self.config, self.cards.settings, image_sizes=self.site.image_sizes)
        if post is not None and post.meta.image:
            image = self.views.image(post.meta.image, post.meta.image_alt)
            return (ShareImage(image.absolute_url, image.width, image.height, image.alt, media_type(image.url)),)
        return ()

    def seo(self, page: PageView, post: Post | None = None) -> SeoView:
        """The page's meta tags and JSON-LD; made only when the page is rendered."""
        info = PageInfo(page.kind, page.title, page.description, page.canonical_url, self.share_images(post),
                        tuple(alternate.hreflang for alternate in page.alternates
                              if alternate.hreflang not in ("x-default", self.config.language)))
        article = None
        if post is not None:
            summary = self.views.summary(post)
            author = summary.author
            article = ArticleInfo(post, absolute(self.config.base_url, summary.category.url),
                                  absolute(self.config.base_url, author.url) if author else "",
                                  job=self.job_info(post), videos=self.video_infos(post))
        return seo_view(self.config, info, article=article, logo=self.logo, home_label=self.theme.translate("home"))

    def job_info(self, post: Post) -> JobInfo | None:
        """What the JobPosting of an open offer's page needs: the offer and its description (the current body)."""
        offer = post.meta.job
        if offer is None or post.relative in self.site.closed_jobs:
            return None
        summary = f"<p>{html.escape(post.meta.summary)}</p>" if post.meta.summary else ""
        return JobInfo(offer, summary + body_html(self.site.current[post.relative]))

    def video_infos(self, post: Post) -> tuple[VideoInfo, ...]:
        """The videos of a post that JSON-LD describes: those whose upload date the editor gave."""
        current = self.site.current[post.relative]
        views = [self.views.video(video, current) for video in current.videos if video.upload_date]
        return tuple(VideoInfo(view.anchor, view.title, view.poster.absolute_url, view.upload_date_iso,
                               view.embed_url) for view in views)

    @functools.cached_property
    def base_digest(self) -> str:
        # "now" matters only where scheduled posts are shown with a label (--future). Every page links to the jobs
        # page once the site has job offers (the footer).
        cards = settings_digest(self.cards.settings) if self.cards else "no cards"
        images = self.images.plan.digest() if self.images else "images copied"
        return digest(self.config.fingerprint, self.theme.digest, self.views.dev, cards, images,
                      self.site.built_at.date() if self.views.dev else "", self.site_view.agenda_url,
                      *(("jobs",) if self.site.has_jobs else ()))

    def tracked_digest(self, output: str, parts: tuple[object, ...], posts: Iterable[Post],
                       listed: Iterable[Post] = ()) -> str:
        """The digest of the job for ``output``, made of ``parts``, the fingerprints of ``posts`` (whose content it
        shows) and the listing fingerprints of ``listed`` (which it lists, or names as neighbours), remembered so
        that :meth:`refresh` can make it again when some of those posts change."""
        relatives = tuple(post.relative for post in posts)
        shown = tuple(post.relative for post in listed)
        self.recipes[output] = (parts, relatives, shown)
        return digest(*parts, _fingerprints(self.site, relatives, shown))

    @functools.cached_property
    def dependents(self) -> dict[str, list[str]]:
        """The outputs whose digest holds a post's fingerprint, by the post's relative path: made from the recipes
        the first time serve's fast path asks (a build never does)."""
        found: dict[str, list[str]] = {}
        for output, (_parts, relatives, listed) in self.recipes.items():
            for relative in dict.fromkeys((*relatives, *listed)):
                found.setdefault(relative, []).append(output)
        return found

    def forget(self, relatives: Iterable[str]) -> None:
        """Drops what every language's views keep of these posts (their summaries), which serve's fast path
        replaced in the site's store."""
        for relative in relatives:
            for views in self.view_factories:
                views.forget(relative)

    def refresh(self, relatives: Iterable[str]) -> list[RenderJob]:
        """Makes again the digests of the jobs that show the given posts, after serve's fast path replaced
        them in the site's store; returns the jobs whose digest changed, in the order planned."""
        outputs = {output for relative in relatives for output in self.dependents.get(relative, ())}
        changed: list[RenderJob] = []
        for output, job in self.by_output.items():
            if output not in outputs:
                continue
            renewed = self.recipe_digest(output)
            if renewed != job.digest:
                self.by_output[output] = replace(job, digest=renewed)
                changed.append(self.by_output[output])
        self.derived = [replace(job, digest=self.derived_digest(job.name, job.settings, job.inputs))
                        for job in self.derived]
        return changed

    def recipe_digest(self, output: str) -> str:
        """The digest of the job for ``output`` from its recipe and the current fingerprints of its posts."""
        parts, posts, listed = self.recipes[output]
        return digest(*parts, _fingerprints(self.site, posts, listed))

    def derived_digest(self, name: str, settings: str, inputs: Iterable[str]) -> str:
        """The digest of a derived job: its settings and the outputs it reads (whose bytes the writer compares)."""
        return digest(name, settings, *inputs)

    def page(self, template: str, url: str, page: PageView, depends: str, *,
             posts: Iterable[Post] = (), listed: Iterable[Post] = (), lastmod: datetime | None = None,
             sitemap: bool = True,
             lazy: Mapping[str, Callable[[], Any]] | None = None, post: Post | None = None,
             identity: tuple[str, ...] | None = None, parent: tuple[str, ...] = ("home",),
             **context: Any) -> None:
        """A page job; ``posts`` are the posts whose content it shows (their fingerprints join its digest), ``listed``
        those it only lists or names (title, summary, image, date: their listing fingerprints join it);
        ``identity`` says what the page is, for its versions in the site's other languages, and ``parent`` which
        page stands for it in a language it is not written in."""
        lazy = {"seo": partial(self.seo, page, post), **(lazy or {})}
        output = output_path(url)
        if identity is not None:
            self.identity[output] = identity
            self.parents[output] = parent
            self.pages.setdefault(identity, {})[self.config.language] = output
        self.add(RenderJob(
            output=output,
            digest=self.tracked_digest(output, (self.base_digest, template, url, depends), posts, listed),
            template=template,
            context={"site": self.site_view, "page": page, "t": self.theme.translate, **context},
            lazy=lazy,
            url=url if sitemap else None,
            lastmod=lastmod,
        ))

    def page_view(self, kind: str, title: str, url: str, description: str = "",
                  feeds: tuple[Any, ...] = (), accent: str = "", csp: PolicyAdditions = ()) -> PageView:
        site_feeds = self.views.feed_links(self.config.paths.home, self.config.title)
        return PageView(kind, title, description or self.config.description, url,
                        absolute(self.config.base_url, url), tuple(feeds) + site_feeds, accent, csp)

    def listing(self, kind: str, url: str, title: str, posts: Sequence[Post], *,
                description: str = "", feeds: tuple[Any, ...] = (), accent: str = "",
                template: str = "list.html", identity: tuple[str, ...] | None = None,
                parent: tuple[str, ...] = ("home",), **context: Any) -> None:
        """A paginated listing; page 1 of an empty listing is still made."""
        per_page = self.config.posts_per_page
        pages = max(1, math.ceil(len(posts) / per_page))
        for number in range(1, pages + 1):
            chunk = posts[(number - 1) * per_page: number * per_page]
            page_url = paginated(url, number)
            view = self.page_view(kind, title, page_url, description, feeds, accent)
            # The listing's size joins each page's digest: a tag's page says how many articles it has in all.
            self.page(template, page_url, view, f"{number}/{pages}/{len(posts)}", listed=chunk,
                      # A further page has no translation (no alternates) but the switcher leads to what stands
                      # for it in each language: the listing's first page there, else its parent.
                      lastmod=_newest(chunk), identity=identity if number == 1 else ("page:", page_url),
                      parent=(identity or parent) if number > 1 else parent,
                      lazy={"posts": partial(self.views.summaries, chunk),
                            "pagination": partial(self.views.pagination, url, number, pages)},
                      **context)


def plan(site: Site, config: SiteConfig, theme: Theme, *, dev: bool = False,
         cards: ShareCards | None = None, images: ImageFiles | None = None,
         posters: VideoPosters | None = None) -> list[RenderJob]:
    """Every output of the site: pages, feeds, share cards, images, video posters, sitemap, robots.txt and static
    files."""
    return make_planner(site, config, theme, dev=dev, cards=cards, images=images, posters=posters).jobs


def make_planner(site: Site, config: SiteConfig, theme: Theme, *, dev: bool = False,
                 cards: ShareCards | None = None, images: ImageFiles | None = None,
                 posters: VideoPosters | None = None, index_cache: Path | None = None) -> Planner:
    """The planner after planning every output; serve keeps it to refresh a few digests after a small edit.

    A site in several languages plans each language's pages, feeds and calendars with that language's site,
    texts and strings (an edition), then links the versions of each page (:mod:`hospiblog.languages`); files
    shared by every language (images, cards, static files, sitemap) are planned once."""
    editions = site.by_language(config.main_language)

    def views_of(language: str) -> ViewFactory:
        speaking = theme.in_language(language)
        return ViewFactory(config.edition(language), editions[language], site.image_sizes, dev=dev,
                           jobs_title=speaking.translate("jobs"),
                           default_medical_notice=speaking.translate("medical_disclaimer"),
                           images=images.plan if images else None)

    main = config.main_language
    planner = Planner(editions[main], config, theme, views_of(main), cards, images=images, posters=posters,
                      index_cache=index_cache)
    parts = search_shards(config, site.posts) if config.search.enabled else []
    planner.search_bundles = tuple(search_bundle_url(number) for number, _pages in parts)
    _plan_cards(planner)
    _plan_images(planner)
    _plan_posters(planner)
    for language, edition in editions.items():
        speaking = planner if language == main else planner.edition(
            edition, config.edition(language), theme.in_language(language), views_of(language))
        _plan_edition(speaking)
    if config.search.enabled and not dev:
        _plan_search_index(planner, parts)
    if config.multilingual:
        from .languages import link_languages

        link_languages(planner, config, theme)
    _plan_static(planner)
    _plan_category_stylesheet(planner)
    _plan_meta(planner)
    return planner


def _plan_edition(planner: Planner) -> None:
    """The pages, feeds and calendars of one language of the site."""
    _plan_posts(planner)
    _plan_events(planner)
    _plan_withdrawn(planner)
    _plan_listings(planner)
    _plan_jobs(planner)
    _plan_search(planner)
    _plan_feeds(planner)


def _plan_posts(planner: Planner) -> None:
    site, views = planner.site, planner.views
    for post in site.posts:
        # Not views.summary(post): it formats dates, which only a rendered page needs.
        url = views.post_url(post)
        category = views.category(post.meta.category)
        neighbours = [site.previous.get(post.relative), site.next.get(post.relative),
                      *site.related.get(post.relative, ())]
        # A page showing videos lets in their players' frames, and no other (its meta policy and _headers rule).
        view = planner.page_view("post", post.meta.title, url, post.meta.summary, category.feeds, category.color,
                                 csp=frame_policy(post.videos))
        # An event's box says when it is over: time alone changes the page then.
        phase = f"|{events.phase(post.meta.event, site.built_at)}" if post.meta.event else ""
        planner.page("post.html", url, view,
                     f"post{phase}", posts=[post], listed=[other for other in neighbours if other],
                     lastmod=post.meta.updated or post.meta.date, lazy={"post": partial(views.post, post)}, post=post,
                     identity=post_identity(post), parent=("category", post.meta.category))


def post_identity(post: Post) -> tuple[str, ...]:
    """What a post's page is: its translation key, which its translations share, else its own file."""
    return ("post", post.meta.translation_key) if post.meta.translation_key else ("post:", post.relative)


def _plan_events(planner: Planner) -> None:
    """Each event's calendar file, the agenda page and its calendar of upcoming events, when the site has events.

    Which events are upcoming depends on the moment of the build: that split is part of the agenda's digests, so
    a build after an event ended makes them again (and :mod:`hospiblog.schedule` makes that moment end a no-op
    build's validity)."""
    site, config = planner.site, planner.config
    upcoming, past = events.agenda(site.posts, site.built_at)
    if not upcoming and not past:
        return
    for post in upcoming + past:
        url = planner.views.post_url(post)
        output = output_path(event_calendar_url(url, post.meta.slug))
        planner.add(RenderJob(
            output=output,
            digest=planner.tracked_digest(output, (config.fingerprint, "event.ics", url), [post]),
            produce=partial(event_calendar, post, config, absolute(config.base_url, url)),
            kind="calendar",
        ))
    split = "|".join(post.relative for post in upcoming) + "||" + "|".join(post.relative for post in past)
    translate, paths = planner.theme.translate, config.paths
    page = planner.page_view("agenda", translate("agenda"), paths.agenda, translate("agenda_intro"))
    calendar = absolute(config.base_url, paths.agenda_calendar)
    planner.page("agenda.html", page.url, page, split, listed=upcoming + past,
                 lazy={"upcoming": partial(planner.views.agenda, upcoming),
                       "past": partial(planner.views.agenda, past)},
                 calendar_url=paths.agenda_calendar, calendar_address=calendar,
                 subscribe_url="webcal://" + calendar.split("://", 1)[1], identity=("agenda",))
    output = output_path(paths.agenda_calendar)
    planner.add(RenderJob(
        output=output,
        digest=planner.tracked_digest(output, (planner.base_digest, "agenda.ics", split), upcoming + past),
        produce=partial(agenda_calendar, upcoming, config, name=f"{config.title} – {translate('agenda')}",
                        description=translate("agenda_intro"), url=calendar,
                        urls=[absolute(config.base_url, planner.views.post_url(post)) for post in upcoming],
                        zone_posts=past[:1]),
        kind="calendar",
    ))


def _plan_withdrawn(planner: Planner) -> None:
    """A notice, without name or content, where a testimonial stood: shared links do not end on a bare 404."""
    translate = planner.theme.translate
    for url in planner.site.withdrawn:
        view = planner.page_view("withdrawn", translate("withdrawn_title"), url, translate("withdrawn_text"))
        planner.page("withdrawn.html", url, view, "withdrawn", sitemap=False, identity=("withdrawn:", url))


def _plan_listings(planner: Planner) -> None:
    site, views, config = planner.site, planner.views, planner.config
    paths, translate = config.paths, planner.theme.translate
    planner.listing("home", paths.home, config.title, site.posts, template="index.html", identity=("home",))
    for category in site.categories:
        view = views.category(category.config.key)
        planner.listing("category", view.url, view.label, category.posts, description=view.description,
                        feeds=view.feeds, accent=view.color, category=view, identity=("category", category.config.key))
    tags = [TagView(tag.name, tag.slug, paths.tag(tag.slug), len(tag.posts)) for tag in site.tags]
    tag_identity = tag_identities(config)
    for tag, tag_view in zip(site.tags, tags, strict=False):
        planner.listing("tag", tag_view.url, tag.name, tag.posts, tag=tag_view,
                        identity=("tag", tag_identity(tag.slug)), parent=("tags",))
    tag_index = planner.page_view("tags", translate("tags"), paths.tags)
    planner.page("tags.html", tag_index.url, tag_index,
                 "|".join(f"{tag.slug}:{tag.name}:{tag.count}" for tag in tags), tags=tags, identity=("tags",))
    for author in site.authors:
        author_view = views.author(author.config.key)
        planner.listing("author", paths.author(author.config.key), author.config.name, author.posts,
                        description=author.config.bio, template="author.html", author=author_view,
                        identity=("author", author.config.key), parent=("authors",))
    authors_index = planner.page_view("authors", translate("authors"), paths.authors)
    planner.page("authors.html", authors_index.url, authors_index,
                 "|".join(f"{author.config.key}:{len(author.posts)}" for author in site.authors),
                 authors=[views.author(author.config.key) for author in site.authors], identity=("authors",))
    _plan_archive(planner)
    _plan_campaigns(planner)
    subscribe = planner.page_view("subscribe", translate("subscribe"), paths.subscribe)
    planner.page("subscribe.html", subscribe.url, subscribe, "", identity=("subscribe",))
    not_found = planner.page_view("404", translate("not_found_title"), paths.not_found)
    planner.page("404.html", not_found.url, not_found, "", sitemap=False, identity=("404",))


def tag_identities(config: SiteConfig) -> Callable[[str], str]:
    """What a tag's page of this edition is across languages, from its slug: the default language's tag slug, which
    site.toml's ``[languages.<code>.tags]`` pairs with this language's (``sommeil = "Schlaf"``); else the slug in
    its language. The pairs are read once per edition, not once per tag."""
    if not config.prefix:
        return lambda slug: slug
    known = {tag_slug(theirs): tag_slug(ours) for ours, theirs in config.languages[config.language].tags.items()}
    return lambda slug: known.get(slug, f"{config.language}:{slug}")


def _plan_archive(planner: Planner) -> None:
    site, views, paths = planner.site, planner.views, planner.config.paths
    counts = [(year, len(posts)) for year, posts in site.years]
    index = planner.page_view("archive", planner.theme.translate("archive"), paths.archive)
    planner.page("archive.html", index.url, index, str(counts), years=counts, identity=("archive",))
    for year, posts in site.years:
        view = planner.page_view("year", str(year), paths.year(year))
        planner.page("year.html", view.url, view, str(year), listed=posts, lastmod=_newest(posts),
                     year=year, lazy={"posts": partial(views.summaries, posts)}, years=counts,
                     identity=("year", str(year)), parent=("archive",))


def _plan_campaigns(planner: Planner) -> None:
    """Each campaign's page, its posts oldest first, and the index of campaigns (when site.toml has any)."""
    site, views = planner.site, planner.views
    if not site.campaigns:
        return
    shown = []
    for campaign in site.campaigns:
        view = views.campaign(campaign.config.key)
        assert view is not None
        shown.append(view)
        planner.listing("campaign", view.url, view.label, campaign.posts, description=view.description,
                        template="campaign.html", campaign=view, identity=("campaign", view.key),
                        parent=("campaigns",))
    index = planner.page_view("campaigns", planner.theme.translate("campaigns"), planner.config.paths.campaigns)
    planner.page("campaigns.html", index.url, index, "|".join(f"{view.key}:{view.count}" for view in shown),
                 campaigns=shown, identity=("campaigns",))


def _plan_jobs(planner: Planner) -> None:
    """The jobs page: the open offers, newest first; made once the site has job offers (open or closed), so that
    its address and feeds stay when the last offer closes."""
    site, views = planner.site, planner.views
    if not site.has_jobs:
        return
    translate = planner.theme.translate
    feeds = views.jobs_feeds()
    planner.listing("jobs", planner.config.paths.jobs, translate("jobs"), site.open_jobs,
                    description=translate("jobs_intro"), feeds=feeds, template="jobs.html", jobs_feeds=feeds,
                    identity=("jobs",))


def _plan_search(planner: Planner) -> None:
    """The search page and, except in serve (whose fast path keeps no index up to date), its index."""
    if not planner.config.search.enabled:
        return
    translate = planner.theme.translate
    view = planner.page_view("search", translate("search_title"), planner.config.paths.search,
                             translate("search_intro"), csp=(("script-src", WASM),))
    search = planner.views.search(planner.search_bundles)
    planner.page("search.html", view.url, view, repr(search), search=search, identity=("search",))


def search_shards(config: SiteConfig, posts: Sequence[Post]) -> list[tuple[int, tuple[IndexedPage, ...]]]:
    """The article pages of each part of the search index, every language together (Pagefind keeps an index per
    language in each part)."""
    urls = [config.post_url(post.meta.category, post.meta.slug, post.meta.lang) for post in posts]
    return shards([IndexedPage(output_path(url), url) for url in urls])


def _plan_search_index(planner: Planner, parts: Sequence[tuple[int, tuple[IndexedPage, ...]]]) -> None:
    """Each part of the search index, made from its article pages once they are rendered."""
    from .search import KeptIndex, indexer_fingerprint, kept_index_path, make_index, require_pagefind
    from .state import code_fingerprint

    executable = require_pagefind(planner.config)
    settings = f"{indexer_fingerprint(planner.config)}|{code_fingerprint('search.py')}"
    for number, pages in parts:
        inputs = tuple(page.output for page in pages)
        folder = search_bundle_url(number).lstrip("/")
        cache = planner.index_cache
        kept = KeptIndex(kept_index_path(cache, folder), f"{settings}|{folder}") if cache else None
        planner.derived.append(DerivedJob(
            name="index", folder=folder, digest=planner.derived_digest("index", f"{settings}|{folder}", inputs),
            inputs=inputs, settings=f"{settings}|{folder}", produce=partial(make_index, executable, pages, kept=kept),
        ))


def _plan_feeds(planner: Planner) -> None:
    by_category = {category.config.key: category.posts for category in planner.site.categories}
    specs = feed_specs(planner.config, planner.site.posts, by_category)
    if planner.site.has_jobs:
        specs.append(_jobs_feed_spec(planner))
    for spec in specs:
        for kind in ("rss", "atom"):
            _feed_job(planner, spec, kind)


def _jobs_feed_spec(planner: Planner) -> FeedSpec:
    """The open offers for job boards and aggregators: each entry's summary starts with the offer's key facts."""
    site, config, translate = planner.site, planner.config, planner.theme.translate
    offers = site.open_jobs[: config.feed_size]
    every_offer = [post for post in site.posts if post.meta.job is not None]
    return FeedSpec(f"{config.title} – {translate('jobs')}", translate("jobs_intro"), config.paths.jobs, offers,
                    updated=newest_change(offers, newest_change(every_offer)),
                    leads=tuple((post.relative, _job_lead(planner, post)) for post in offers))


def _job_lead(planner: Planner, post: Post) -> str:
    """An offer's key facts in plain text: "Infirmier·ère en soins intensifs, Service de soins intensifs,
    80–100 %. Candidatures jusqu’au 31 janvier 2027."."""
    job = planner.views.summary(post).job
    assert job is not None
    facts = ", ".join(fact for fact in (job.title, job.service, job.rate) if fact)
    until = planner.theme.translate("job_apply_until", date=job.closes_display) if job.closes_display else ""
    return " ".join(sentence + "." for sentence in (facts, until) if sentence)


def _feed_job(planner: Planner, spec: FeedSpec, kind: str) -> None:
    output = output_path(f"{spec.page_url}{kind}.xml")
    # Leads are worded with the theme's strings.
    leads = (planner.theme.digest, spec.leads) if spec.leads else ()
    planner.add(RenderJob(
        output=output,
        digest=planner.tracked_digest(output, (planner.config.fingerprint, "feed", kind, spec.page_url,
                                               spec.updated, *leads), spec.posts),
        produce=partial(_render_current_feed, planner.site, spec, planner.config, kind),
        kind="feed",
    ))


def _render_current_feed(site: Site, spec: FeedSpec, config: SiteConfig, kind: str) -> bytes:
    """The feed with the current version of each post (serve's fast path may have replaced some)."""
    return render_feed(replace(spec, posts=tuple(site.current[post.relative] for post in spec.posts)), config, kind)


def _plan_static(planner: Planner) -> None:
    cleaned = planner.images.plan.replaced if planner.images else frozenset()
    for logical, asset in planner.theme.assets.items():
        if asset.output in cleaned:
            continue  # published by _plan_images, without its metadata
        if logical == LANGUAGES_STYLESHEET and not planner.config.multilingual:
            continue  # the language switcher's: a site in one language publishes what it did before it existed
        planner.add(RenderJob(output=asset.output, digest=digest("static", asset.digest),
                                      produce=asset.source.read_bytes, kind="static"))


def _plan_images(planner: Planner) -> None:
    """Every raster image of static/ cleaned of its metadata, and the widths and formats of those pages show."""
    if planner.images is None:
        return
    from .imaging import image_bytes  # Pillow: loaded by the stage that made the files already

    plan, cache_dir = planner.images.plan, planner.images.cache_dir
    for image in plan.images:
        for variant in image.files:
            planner.add(RenderJob(output=variant.output, digest=digest("image", variant.key),
                                  produce=partial(image_bytes, image, variant, plan.settings, cache_dir),
                                  kind="static"))


def _plan_cards(planner: Planner) -> None:
    if planner.cards is None:
        return
    settings, cache_dir = planner.cards.settings, planner.cards.cache_dir
    for card in planner.cards.planned:
        planner.add(RenderJob(output=card.output, digest=digest("card", card.key),
                                      produce=partial(card_bytes, card.spec, settings, cache_dir), kind="static"))


def _plan_posters(planner: Planner) -> None:
    if planner.posters is None:
        return
    settings, cache_dir = planner.posters.settings, planner.posters.cache_dir
    for poster in planner.posters.planned:
        planner.add(RenderJob(output=poster.output, digest=digest("poster", poster.key),
                              produce=partial(poster_bytes, poster.spec, settings, cache_dir), kind="static"))


def _plan_category_stylesheet(planner: Planner) -> None:
    css = category_css(planner.config).encode()
    planner.add(RenderJob(output=category_stylesheet_name(planner.config), digest=digest("static", css),
                                  produce=lambda: css, kind="static"))


def _plan_meta(planner: Planner) -> None:
    entries = [SitemapEntry(job.url, job.lastmod, _alternates_of(job)) for job in planner.jobs if job.url is not None]
    config = planner.config
    planner.add(RenderJob(
        output="sitemap.xml",
        digest=digest(config.fingerprint, "sitemap",
                      *(f"{entry.url}@{entry.lastmod}@{entry.alternates}" for entry in entries)),
        produce=partial(render_sitemap, entries, config),
        kind="meta",
    ))
    planner.add(RenderJob(output="robots.txt", digest=digest(config.fingerprint, "robots"),
                                  produce=partial(render_robots, config), kind="meta"))
    headers = render_headers_file({page.url: page.csp for page in _page_views(planner) if page.csp})
    planner.add(RenderJob(output="_headers", digest=digest("headers", headers), produce=lambda: headers,
                                  kind="meta"))


def _alternates_of(job: RenderJob) -> tuple[tuple[str, str], ...]:
    page = job.context.get("page")
    return tuple((alternate.hreflang, alternate.absolute_url) for alternate in page.alternates) \
        if isinstance(page, PageView) else ()


def _page_views(planner: Planner) -> Iterable[PageView]:
    """The view of every page planned."""
    for job in planner.jobs:
        page = job.context.get("page")
        if isinstance(page, PageView):
            yield page
