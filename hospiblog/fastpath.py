"""Serve's fast path: an edit to the body of existing posts updates the served site in O(what changed).

``hospiblog serve`` keeps what its last full rebuild made (:class:`Served`). When the files of a burst of
events are all existing posts and each one's front matter, links and images are as before, the site's
structure (order, listings, tags, URLs, neighbours) cannot have changed: only those posts' bodies did.
Then the posts are parsed and checked alone, their site copies take the new content, the planner makes
again the digests of the jobs that show them, and the writer renders those jobs. Anything else (a new,
removed or renamed file, a changed title or date, a template, site.toml, a parse error, a content error,
a new day or a scheduled post falling due) returns None and the full pipeline runs, which is the reference:
``tests/test_incremental.py`` checks that any sequence of edits gives the bytes of a clean build.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .content.discover import read_source
from .errors import HospiblogError
from .model import Post, Site, SourceFile
from .urls import post_url

if TYPE_CHECKING:
    from .checks import CheckRun, Finding
    from .config import SiteConfig
    from .plan import Planner, RenderJob
    from .theme import Theme
    from .writer import Manifest


@dataclass
class Served:
    """What the last full rebuild of serve made, kept to update it after a small edit."""

    config: SiteConfig
    theme: Theme
    day: date
    """The site's date at that rebuild: checks and labels depend on it."""
    valid_until: datetime | None
    """When the site changes by itself (a scheduled post due, a consent or review date reached)."""
    fingerprints: dict[str, str]
    """Source fingerprint of every post file, by absolute path."""
    parsed: dict[str, Post]
    """Every parsed post (before links are resolved), by relative path."""
    site: Site
    checks: CheckRun
    planner: Planner
    output_dir: Path
    manifest: Manifest
    """The writer's record of the served folder (kept in memory: serve's output is a temporary folder)."""
    counts: tuple[int, int, int]
    """Posts, pages and feeds of that rebuild: the fast path changes none of them."""
    site_posts: dict[str, Post] = field(init=False)
    """The site's own copy of each published post, by relative path (the objects pages and feeds show)."""

    def __post_init__(self) -> None:
        self.site_posts = {post.relative: post for post in self.site.posts}


@dataclass
class Update:
    """What the fast path changed: the jobs to render again and the findings now."""

    jobs: list[RenderJob]
    findings: list[Finding]
    parsed: int


Parse = Callable[[list[SourceFile]], "tuple[list[Post], list[HospiblogError]]"]


def try_update(served: Served, changed: Collection[Path], *, now: datetime, parse: Parse,
               cache_entries: dict[str, Any] | None) -> Update | None:
    """Updates ``served`` for an edit of existing posts' bodies; None when the full pipeline must run."""
    from .checks import check_post, errors_of
    from .site import resolve_post

    config = served.config
    if not changed or now.astimezone(config.zone).date() != served.day:
        return None
    if served.valid_until is not None and now >= served.valid_until:
        return None
    # A folder's own event (its listing changed) comes with the events of the files concerned.
    paths = [str(path) for path in changed if not path.is_dir()]
    if not paths or any(path not in served.fingerprints for path in paths):
        return None  # a new file, a template, site.toml, a static file…
    sources = _read_changed(paths, served, config)
    if sources is None:
        return None
    if not sources:
        return Update([], served.checks.findings, 0)
    posts, errors = parse(sources)
    if errors:
        return None
    new_findings: list[Finding] = []
    for post in posts:
        old = served.parsed[post.relative]
        if not _same_structure(old, post):
            return None
        new_findings += check_post(post, served.checks.context, served.checks.levels)
    if errors_of(new_findings):
        return None  # the full pipeline reports them, with everything else
    resolved: dict[str, Post] = {}
    for post in posts:
        if post.relative in served.site_posts:
            urls = _target_urls(post, served)
            if any(target not in urls for target, _line in post.post_links):
                return None  # the full pipeline resolves it (a withdrawn testimonial's notice) or leads it to #
            resolved[post.relative] = resolve_post(post, urls, served.site.image_sizes)
    # From here on nothing can fail: commit the update.
    for source, post in zip(sources, posts, strict=True):
        served.fingerprints[str(source.path)] = source.fingerprint
        served.parsed[post.relative] = post
    for relative, post in resolved.items():
        _take_content(served.site_posts[relative], post, cache_entries)
        served.planner.views.forget(relative)
    jobs = served.planner.refresh(resolved)
    paths_done = {str(source.path) for source in sources}
    findings = [finding for finding in served.checks.findings
                if finding.location is None or str(finding.location.path) not in paths_done]
    findings = sorted([*findings, *new_findings], key=lambda finding: finding.sort_key)
    served.checks = dataclasses.replace(served.checks, findings=findings)
    return Update(jobs, findings, len(posts))


def _read_changed(paths: Iterable[str], served: Served, config: SiteConfig) -> list[SourceFile] | None:
    """The changed posts whose bytes differ from the last rebuild's; None when one cannot be read."""
    sources: list[SourceFile] = []
    for path in sorted(paths):
        try:
            source = read_source(Path(path), config, is_link=Path(path).is_symlink())
        except HospiblogError:
            return None
        if source.fingerprint != served.fingerprints[path]:
            sources.append(source)
    return sources


def _same_structure(old: Post, new: Post) -> bool:
    """True when the edit left everything but the body's content as it was (front matter, links, images)."""
    def targets(links: tuple[tuple[str, int], ...]) -> list[str]:
        return [target for target, _line in links]

    return (old.meta == new.meta and targets(old.post_links) == targets(new.post_links)
            and targets(old.local_images) == targets(new.local_images))


def _target_urls(post: Post, served: Served) -> dict[str, str]:
    urls: dict[str, str] = {}
    for target, _line in post.post_links:
        linked = served.site_posts.get(target)
        if linked is not None:
            urls[target] = post_url(served.config.categories[linked.meta.category].slug, linked.meta.slug)
    return urls


def _take_content(site_post: Post, new: Post, cache_entries: dict[str, Any] | None) -> None:
    """Gives the site's copy of a post the new content, in place, so that every page, listing and feed
    planned with it shows the new content (their digests are made again by the planner)."""
    if cache_entries is not None and cache_entries.get(site_post.fingerprint) is site_post:
        # A post without links or images is published as parsed: the parse cache holds this very object under
        # its key (the parsed post's fingerprint). Keep a copy there, untouched by the new content.
        cache_entries[site_post.fingerprint] = dataclasses.replace(site_post)
    for item in dataclasses.fields(Post):
        object.__setattr__(site_post, item.name, getattr(new, item.name))
