"""The assemble stage: parsed posts to a :class:`Site` with listings, neighbours and related posts."""

from __future__ import annotations

import hashlib
import heapq
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import date, datetime
from typing import Protocol

from .config import SiteConfig
from .content.images import image_paths, size_images
from .model import Author, BodyLinks, Campaign, Category, Post, Site, Tag
from .urls import POST_LINK_PREFIX, tag_slug

RELATED_COUNT = 3
_RELATED_WINDOW = 12
"""Candidates looked at on each side of a post in each of its tag and category lists (keeps it linear)."""
_POST_LINK = re.compile(re.escape(POST_LINK_PREFIX) + r"([^\"#]+)")
_POST_LINK_UTF8 = re.compile(_POST_LINK.pattern.encode())
Related = dict[str, tuple[str, ...]]
"""The related posts of each post, by relative path."""


class RelatedMemo(Protocol):
    """Where the related posts of a site are kept between builds, by :func:`related_key` (the build's
    ``.hospiblog-cache/related.pack``): they depend only on the posts' order, categories and tags, which an edit of
    a body leaves as they were, and scoring them is most of assembling a large site."""

    def get(self, key: str) -> Related | None: ...

    def put(self, key: str, value: Related) -> None: ...


def is_published(post: Post, *, now: datetime, drafts: bool, future: bool) -> bool:
    """Whether a post goes into this build: drafts and scheduled posts only when asked."""
    if post.meta.draft and not drafts:
        return False
    return future or post.meta.date <= now


def is_withdrawn(post: Post, *, today: date) -> bool:
    """Whether a testimonial's consent has ended by ``today`` (in the site's time zone): it leaves the site."""
    consent = post.meta.consent
    return consent is not None and consent.ended(today)


def assemble_site(
    posts: Iterable[Post],
    config: SiteConfig,
    *,
    now: datetime,
    urls: Mapping[str, str],
    image_sizes: Mapping[str, tuple[int, int]],
    drafts: bool = False,
    future: bool = False,
    memo: RelatedMemo | None = None,
) -> Site:
    """Resolves links and images of the published posts, and indexes them.

    The content rules (:func:`hospiblog.checks.run_checks`) have checked the posts and measured what this needs:
    ``urls``, each post's URL by relative path, and ``image_sizes``, by URL path (``CheckContext.urls`` and
    ``.image_sizes``). What a rule turned off lets through is published as well as it can be: a link to an article
    that is not published leads to ``#``, an image without a size is published without width and height, an
    author unknown to site.toml is not named, a campaign unknown to site.toml is not shown. ``memo`` keeps the
    related posts between builds (the same whether it is given or not).
    """
    every_post = sorted(posts, key=lambda post: post.relative)
    chosen = [post for post in every_post if is_published(post, now=now, drafts=drafts, future=future)]
    # A testimonial whose consent ended leaves the site; its URL keeps a notice page, so links still lead there.
    today = now.astimezone(config.zone).date()
    published = {post.relative: urls[post.relative] for post in chosen}
    _assert_one_post_per_url(published)
    live = [resolve_post(post, published, image_sizes) for post in chosen if not is_withdrawn(post, today=today)]
    withdrawn = [post for post in chosen if is_withdrawn(post, today=today)]
    site = _edition(live, withdrawn, config, published, dict(image_sizes), now, memo)
    if not config.multilingual:
        return site
    # Each language's pages list only its posts: an edition is a site of its own, sharing the store of posts (serve
    # replaces a post once) and which job offers are closed (the planner's fingerprints read it).
    editions = {}
    for language in config.site_languages:
        edition = config.edition(language)
        mine = [post for post in live if config.edition_of(post.meta.lang) == language]
        gone = [post for post in withdrawn if config.edition_of(post.meta.lang) == language]
        editions[language] = replace(_edition(mine, gone, edition, published, site.image_sizes, now, memo),
                                     current=site.current, closed_jobs=site.closed_jobs)
    return replace(site, editions=editions)


def _edition(live: list[Post], withdrawn: list[Post], config: SiteConfig, urls: Mapping[str, str],
             image_sizes: dict[str, tuple[int, int]], now: datetime, memo: RelatedMemo | None) -> Site:
    """The listings of ``live`` posts and the notices of ``withdrawn`` ones."""
    today = now.astimezone(config.zone).date()
    ordered = tuple(sorted(live, key=lambda post: (post.meta.date, post.relative), reverse=True))
    return replace(_index(ordered, config, image_sizes, now, memo),
                   withdrawn=tuple(sorted(urls[post.relative] for post in withdrawn)),
                   open_jobs=tuple(post for post in ordered if post.meta.job and not post.meta.job.closed(today)),
                   closed_jobs=frozenset(post.relative for post in ordered
                                         if post.meta.job and post.meta.job.closed(today)))


def _assert_one_post_per_url(urls: Mapping[str, str]) -> None:
    # The duplicate-url rule, which cannot be turned off, stops the build before: this only guards the writer
    # against a caller that skipped the rules (an article would silently replace another).
    taken = [url for url, count in Counter(urls.values()).items() if count > 1]
    if taken:
        raise ValueError(f"two published posts at {taken[0]}: run the content rules before assemble_site")


def _index(posts: tuple[Post, ...], config: SiteConfig,
           image_sizes: dict[str, tuple[int, int]], now: datetime, memo: RelatedMemo | None) -> Site:
    by_category: dict[str, list[Post]] = defaultdict(list)
    by_author: dict[str, list[Post]] = defaultdict(list)
    by_tag: dict[str, list[Post]] = defaultdict(list)
    tag_names: dict[str, set[str]] = defaultdict(set)
    by_year: dict[int, list[Post]] = defaultdict(list)
    for post in posts:
        by_category[post.meta.category].append(post)
        if post.meta.author:
            by_author[post.meta.author].append(post)
        for tag in post.meta.tags:
            by_tag[tag_slug(tag)].append(post)
            tag_names[tag_slug(tag)].add(tag)
        by_year[post.meta.date.year].append(post)
    previous = {post.relative: (posts[index + 1] if index + 1 < len(posts) else None)
                for index, post in enumerate(posts)}
    following = {post.relative: (posts[index - 1] if index > 0 else None) for index, post in enumerate(posts)}
    return Site(
        posts=posts,
        categories=tuple(Category(category, tuple(by_category[key])) for key, category in config.categories.items()),
        tags=tuple(Tag(slug, min(tag_names[slug]), tuple(by_tag[slug])) for slug in sorted(by_tag)),
        authors=tuple(Author(author, tuple(by_author[key])) for key, author in config.authors.items()),
        campaigns=_campaigns(posts, config),
        years=tuple((year, tuple(by_year[year])) for year in sorted(by_year, reverse=True)),
        previous=previous,
        next=following,
        related=_remembered_related(posts, by_category, by_tag, memo),
        image_sizes=image_sizes,
        built_at=now,
    )


def _campaigns(posts: tuple[Post, ...], config: SiteConfig) -> tuple[Campaign, ...]:
    """Each campaign of site.toml with its posts oldest first (``posts`` are newest first)."""
    by_campaign: dict[str, list[Post]] = defaultdict(list)
    for post in reversed(posts):
        if post.meta.campaign:
            by_campaign[post.meta.campaign].append(post)
    return tuple(Campaign(campaign, tuple(by_campaign[key])) for key, campaign in config.campaigns.items())


def related_key(posts: Iterable[Post]) -> str:
    """What the related posts of ``posts`` (newest first) depend on besides this module's code: their order, each
    one's category and tags."""
    hasher = hashlib.blake2b(f"{RELATED_COUNT}|{_RELATED_WINDOW}".encode(), digest_size=16)
    for post in posts:
        hasher.update("\0".join((post.relative, post.meta.category, *post.meta.tags, "\1")).encode())
    return hasher.hexdigest()


def _remembered_related(posts: tuple[Post, ...], by_category: dict[str, list[Post]], by_tag: dict[str, list[Post]],
                        memo: RelatedMemo | None) -> dict[str, tuple[Post, ...]]:
    """The related posts of each post, from ``memo`` when it holds those of the same order, categories and tags."""
    if memo is None:
        return _related(posts, by_category, by_tag)
    key = related_key(posts)
    kept = memo.get(key)
    by_relative = {post.relative: post for post in posts}
    if kept is not None and kept.keys() == by_relative.keys():
        return {relative: tuple(by_relative[other] for other in others) for relative, others in kept.items()}
    related = _related(posts, by_category, by_tag)
    memo.put(key, {relative: tuple(other.relative for other in others) for relative, others in related.items()})
    return related


def _related(posts: tuple[Post, ...], by_category: dict[str, list[Post]],
             by_tag: dict[str, list[Post]]) -> dict[str, tuple[Post, ...]]:
    """A few posts sharing tags (2 points each) and the category (1 point), nearest in time first.

    Only a window of neighbours in each list is scored, so the cost grows linearly with the site. Posts are
    counted by their rank in ``posts`` (newest first): the scores and the distance in time are plain integers.
    """
    rank = {post.relative: index for index, post in enumerate(posts)}
    lists = {f"c:{key}": [rank[post.relative] for post in members] for key, members in by_category.items()}
    lists.update({f"t:{key}": [rank[post.relative] for post in members] for key, members in by_tag.items()})
    place = {name: {member: index for index, member in enumerate(members)} for name, members in lists.items()}
    related: dict[str, tuple[Post, ...]] = {}
    for me, post in enumerate(posts):
        scores: dict[int, int] = defaultdict(int)
        names = [(f"c:{post.meta.category}", 1)] + [(f"t:{tag_slug(tag)}", 2) for tag in post.meta.tags]
        for name, weight in names:
            members = lists[name]
            here = place[name][me]
            for other in members[max(0, here - _RELATED_WINDOW): here + _RELATED_WINDOW + 1]:
                scores[other] += weight
        scores.pop(me, None)
        best = heapq.nsmallest(RELATED_COUNT, [(-score, abs(other - me), posts[other].relative, other)
                                               for other, score in scores.items()])
        related[post.relative] = tuple(posts[other] for *_order, other in best)
    return related


def resolve_post(post: Post, urls: Mapping[str, str], sizes: Mapping[str, tuple[int, int]]) -> Post:
    """Finds what links to other posts lead to (``#`` for one not in ``urls``: the broken-link rule said so, unless
    it is off) and the size of each local image; :func:`body_html` applies them as a page shows the body, so the
    site holds each body once. The post's fingerprint then covers them: the page changes when they do."""
    if not post.post_links and not post.local_images:
        return post
    body = post.html_utf8
    linked = sorted({match.group(1).decode() for match in _POST_LINK_UTF8.finditer(body)}) if post.post_links else []
    shown = sorted(set(image_paths(body))) if post.local_images else []
    found = BodyLinks(urls=tuple((target, urls[target]) for target in linked if target in urls),
                      sizes=tuple((path, sizes[path]) for path in shown if path in sizes))
    # A video's transcript may be a link to an article, resolved as the body's links are.
    videos = tuple(replace(video, transcript=_resolve_links(video.transcript, urls)) for video in post.videos)
    fingerprint = hashlib.blake2b(f"{post.fingerprint}|{found!r}".encode(), digest_size=16).hexdigest()
    return replace(post, resolved=found, fingerprint=fingerprint, videos=videos)


def body_html(post: Post) -> str:
    """The body as published: links to other posts lead to their URLs, local images have their size (what
    :func:`resolve_post` found; the body as parsed for a post that was not resolved)."""
    body, found = post.html_utf8, post.resolved
    if found is not None:
        # On the body's UTF-8 bytes: decoding and encoding every body would cost more than the rest.
        if post.post_links:
            urls = dict(found.urls)
            body = _POST_LINK_UTF8.sub(lambda match: urls.get(match.group(1).decode(), "#").encode(), body)
        if post.local_images:
            body = size_images(body, dict(found.sizes))
    return body.decode()


def _resolve_links(text: str, urls: Mapping[str, str]) -> str:
    return _POST_LINK.sub(lambda match: urls.get(match.group(1), "#"), text)
