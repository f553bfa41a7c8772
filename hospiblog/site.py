"""The assemble stage: parsed posts to a :class:`Site` with listings, neighbours and related posts."""

from __future__ import annotations

import hashlib
import heapq
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from .config import SiteConfig
from .content.images import size_images
from .content.markdown import POST_LINK_PREFIX
from .errors import BuildFailed, ConfigError, ContentError, HospiblogError, SourceLocation
from .model import Author, Category, Post, Site, Tag
from .urls import post_url, tag_slug

RELATED_COUNT = 3
_RELATED_WINDOW = 12
"""Candidates looked at on each side of a post in each of its tag and category lists (keeps it linear)."""
_POST_LINK = re.compile(re.escape(POST_LINK_PREFIX) + r"([^\"#]+)")

StaticLookup = Callable[[str], Path | None]


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
    static_lookup: StaticLookup,
    drafts: bool = False,
    future: bool = False,
) -> Site:
    """Checks cross-references, resolves links and images, and indexes the published posts."""
    every_post = sorted(posts, key=lambda post: post.relative)
    errors: list[HospiblogError] = []
    _check_authors(every_post, config, errors)
    _check_collisions(every_post, config, errors)
    chosen = [post for post in every_post if is_published(post, now=now, drafts=drafts, future=future)]
    # A testimonial whose consent ended leaves the site; its URL keeps a notice page, so links still lead there.
    today = now.astimezone(config.zone).date()
    withdrawn = [post for post in chosen if is_withdrawn(post, today=today)]
    live = [post for post in chosen if not is_withdrawn(post, today=today)]
    image_sizes = _image_sizes(live, static_lookup, errors)
    image_sizes.update(_config_image_sizes(config, static_lookup, errors))
    urls = {post.relative: post_url(config.categories[post.meta.category].slug, post.meta.slug)
            for post in chosen}
    unpublished = {post.relative for post in every_post} - set(urls)
    resolved = [resolve_post(post, urls, unpublished, image_sizes, errors) for post in live]
    if errors:
        raise BuildFailed(errors)
    ordered = tuple(sorted(resolved, key=lambda post: (post.meta.date, post.relative), reverse=True))
    return replace(_index(ordered, config, image_sizes, now),
                   withdrawn=tuple(sorted(urls[post.relative] for post in withdrawn)))


def _index(posts: tuple[Post, ...], config: SiteConfig,
           image_sizes: dict[str, tuple[int, int]], now: datetime) -> Site:
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
        years=tuple((year, tuple(by_year[year])) for year in sorted(by_year, reverse=True)),
        previous=previous,
        next=following,
        related=_related(posts, by_category, by_tag),
        image_sizes=image_sizes,
        built_at=now,
    )


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


def _check_authors(posts: list[Post], config: SiteConfig, errors: list[HospiblogError]) -> None:
    valid = ", ".join(config.authors) or "(none: add [authors.<key>] tables to site.toml)"
    for post in posts:
        if post.meta.author and post.meta.author not in config.authors:
            errors.append(ContentError(
                f"unknown author '{post.meta.author}'",
                location=SourceLocation(post.source_path, post.meta.line_of("author")),
                hint=f"use one of the authors of site.toml: {valid}",
            ))


def _check_collisions(posts: list[Post], config: SiteConfig, errors: list[HospiblogError]) -> None:
    owners: dict[str, Post] = {}
    for post in posts:
        category = config.categories[post.meta.category]
        url = post_url(category.slug, post.meta.slug)
        if post.meta.slug == "page":
            errors.append(ContentError("the slug 'page' is reserved for listing pages",
                                       location=SourceLocation(post.source_path, post.meta.line_of("title")),
                                       hint="add `slug:` with another value"))
        if url in owners:
            other = owners[url]
            errors.append(ContentError(
                f"this article and {other.relative} would both be published at {url}",
                location=SourceLocation(post.source_path, post.meta.line_of("slug") or post.meta.line_of("title")),
                hint="give one of them another title or a `slug:` of its own",
            ))
        owners[url] = post


def _image_sizes(posts: list[Post], lookup: StaticLookup,
                 errors: list[HospiblogError]) -> dict[str, tuple[int, int]]:
    sizes: dict[str, tuple[int, int]] = {}
    missing: set[str] = set()
    for post in posts:
        wanted = [(image, line) for image, line in post.local_images]
        for key in ("image", "share_image"):
            value = getattr(post.meta, key)
            if value:
                wanted.append((value, post.meta.line_of(key) or 1))
        for image, line in wanted:
            path = _url_path(image)
            # Many posts share an image: each file is opened once.
            size = sizes.get(path) or (None if path in missing else _image_size(image, lookup))
            if size is None:
                missing.add(path)
                errors.append(ContentError(
                    f"image not found: {image}",
                    location=SourceLocation(post.source_path, line),
                    hint="put the image under static/ (e.g. static/images/photo.jpg) "
                         "and write its path from there: /images/photo.jpg",
                ))
            else:
                sizes[_url_path(image)] = size
    return sizes


def _config_image_sizes(config: SiteConfig, lookup: StaticLookup,
                        errors: list[HospiblogError]) -> dict[str, tuple[int, int]]:
    """The logo's and the portraits' sizes (meta tags and JSON-LD give them); a missing file is an error."""
    wanted = [("organization.logo", config.organization.logo)]
    wanted += [(f"authors.{key}.portrait", author.portrait) for key, author in config.authors.items()]
    sizes: dict[str, tuple[int, int]] = {}
    for key, image in wanted:
        if not image:
            continue
        size = _image_size(image, lookup)
        if size is None:
            errors.append(ConfigError(f"{key}: image not found: {image}", location=SourceLocation(config.source_path),
                                      hint="put the file under static/ and write its path from there"))
        else:
            sizes[_url_path(image)] = size
    return sizes


def _url_path(image: str) -> str:
    return "/" + image.lstrip("/")


def _image_size(image: str, lookup: StaticLookup) -> tuple[int, int] | None:
    path = lookup(_url_path(image))
    if path is None:
        return None
    if path.suffix.lower() == ".svg":
        return (0, 0)
    try:
        with Image.open(path) as picture:
            return picture.size
    except (UnidentifiedImageError, OSError):
        return None


def resolve_post(post: Post, urls: dict[str, str], unpublished: set[str],
             sizes: dict[str, tuple[int, int]], errors: list[HospiblogError]) -> Post:
    """Replaces links to other posts by their URLs and gives local images their size."""
    if not post.post_links and not post.local_images:
        return post
    html = post.content_html
    for target, line in post.post_links:
        if target not in urls:
            reason = "is not published yet (draft or scheduled)" if target in unpublished else "does not exist"
            errors.append(ContentError(
                f"link to {target}: that article {reason}",
                location=SourceLocation(post.source_path, line),
                hint="link to the .md file of a published article, with a path relative to this file",
            ))
    html = _POST_LINK.sub(lambda match: urls.get(match.group(1), "#"), html)
    if post.local_images:
        html = size_images(html, sizes)
    digest = hashlib.blake2b(f"{post.fingerprint}|{html}".encode(), digest_size=16).hexdigest()
    return replace(post, html_utf8=html.encode(), fingerprint=digest)
