"""Serve's fast path: an edit to the body of existing posts updates the served site in O(what changed).

``hospiblog serve`` keeps what its last full rebuild made (:class:`Served`, from the pipeline's
:class:`~hospiblog.build.Built`). When the files of a burst of events are all existing posts and each one's front
matter, links, images and videos are as before, the site's structure (order, listings, tags, URLs, neighbours) cannot
have changed: only those posts' bodies did. Then the posts are parsed and checked alone, their new versions
replace the old ones in the site's store (``Site.current``), the planner makes again the digests of the jobs that
show them, and the writer renders those jobs. Anything else (a new, removed or renamed file, a changed title or
date, a template, site.toml, a parse error, a content error, a new day or a scheduled post falling due) returns
None and the full pipeline runs, which is the reference: ``tests/test_incremental.py`` checks that any sequence
of edits gives the bytes of a clean build.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from .build import Built, Pipeline, parse_all, raw_html_warnings
from .content.discover import read_source
from .errors import HospiblogError
from .model import Post, SourceFile
from .report import BuildReport, Stages

if TYPE_CHECKING:
    from .checks import CheckRun, Finding
    from .plan import RenderJob


@dataclass
class Served:
    """What the last full rebuild of serve made, kept to update it after a small edit."""

    built: Built
    output_dir: Path
    counts: tuple[int, int, int]
    """Posts, pages and feeds of that rebuild: the fast path changes none of them."""
    day: date = field(init=False)
    """The site's date at that rebuild: checks and labels depend on it."""
    fingerprints: dict[str, str] = field(init=False)
    """Source fingerprint of every post file, by absolute path, as last read."""
    parsed: dict[str, Post] = field(init=False)
    """Every parsed post (before links are resolved), by relative path, as last parsed."""
    checks: CheckRun = field(init=False)
    """The findings now."""

    def __post_init__(self) -> None:
        loaded = self.built.loaded
        self.day = loaded.site.built_at.astimezone(loaded.config.zone).date()
        self.fingerprints = dict(self.built.fingerprints)
        self.parsed = {post.relative: post for post in loaded.parsed}
        self.checks = loaded.checks


@dataclass
class Update:
    """What the fast path changed: the jobs to render again and the findings now."""

    jobs: list[RenderJob]
    findings: list[Finding]
    parsed: int


def update(served: Served, pipeline: Pipeline, changed: Collection[Path], *, now: datetime) -> BuildReport | None:
    """Updates the served site after an edit of existing posts' bodies; None when the full pipeline must run."""
    from .checks import warnings_of
    from .render import render
    from .writer import publish

    report = BuildReport(served.output_dir)
    stages = Stages(report)
    config, theme = served.built.loaded.config, served.built.loaded.theme
    made = stages.run("update", try_update, served, changed, now=now,
                      parse=lambda sources: parse_all(sources, config, cache=pipeline.posts_cache, workers=1))
    if made is None:
        return None
    report.parsed = made.parsed
    report.warnings = [*warnings_of(made.findings), *raw_html_warnings(config)]
    environment = pipeline.environment(config, theme)
    jobs = served.built.planner.jobs
    report.write = stages.run("write", publish, jobs, lambda job: render(job, environment), served.output_dir,
                              served.built.manifest, in_place=True, candidates=made.jobs)
    report.write.unchanged = len(jobs) - len(report.write.written)
    report.posts, report.pages, report.feeds = served.counts
    return report


def try_update(served: Served, changed: Collection[Path], *, now: datetime,
               parse: Callable[[list[SourceFile]], tuple[list[Post], list[HospiblogError]]]) -> Update | None:
    """Updates ``served`` for an edit of existing posts' bodies; None when the full pipeline must run."""
    config = served.built.loaded.config
    if not changed or now.astimezone(config.zone).date() != served.day:
        return None
    if served.built.valid_until is not None and now >= served.built.valid_until:
        return None
    # A folder's own event (its listing changed) comes with the events of the files concerned.
    paths = [str(path) for path in changed if not path.is_dir()]
    if not paths or any(path not in served.fingerprints for path in paths):
        return None  # a new file, a template, site.toml, a static file…
    sources = _read_changed(paths, served)
    if sources is None:
        return None
    if not sources:
        return Update([], served.checks.findings, 0)
    posts, errors = parse(sources)
    if errors:
        return None
    checked = _check_and_resolve(served, posts)
    if checked is None:
        return None
    new_findings, resolved = checked
    # From here on nothing can fail: commit the update.
    for source, post in zip(sources, posts, strict=True):
        served.fingerprints[str(source.path)] = source.fingerprint
        served.parsed[post.relative] = post
    served.built.loaded.site.current.update(resolved)  # every page, listing and feed planned with them reads them here
    served.built.planner.forget(resolved)  # the views of every language
    jobs = served.built.planner.refresh(resolved)
    paths_done = {str(source.path) for source in sources}
    findings = [finding for finding in served.checks.findings
                if finding.location is None or str(finding.location.path) not in paths_done]
    findings = sorted([*findings, *new_findings], key=lambda finding: finding.sort_key)
    served.checks = dataclasses.replace(served.checks, findings=findings)
    return Update(jobs, findings, len(posts))


def _check_and_resolve(served: Served, posts: list[Post]) -> tuple[list[Finding], dict[str, Post]] | None:
    """The edited posts' findings and their resolved versions; None when the edit is more than a body's."""
    from .checks import check_post, errors_of
    from .site import resolve_post

    site = served.built.loaded.site
    findings: list[Finding] = []
    for post in posts:
        if not _same_structure(served.parsed[post.relative], post):
            return None
        findings += check_post(post, served.checks.context, served.checks.levels)
    if errors_of(findings):
        return None  # the full pipeline reports them, with everything else
    resolved: dict[str, Post] = {}
    for post in posts:
        if post.relative in site.current:
            urls = _target_urls(post, served)
            if any(target not in urls for target, _line in post.post_links):
                return None  # the full pipeline resolves it (a withdrawn testimonial's notice) or leads it to #
            resolved[post.relative] = resolve_post(post, urls, site.image_sizes)
    return findings, resolved


def _read_changed(paths: Iterable[str], served: Served) -> list[SourceFile] | None:
    """The changed posts whose bytes differ from the last rebuild's; None when one cannot be read."""
    sources: list[SourceFile] = []
    for path in sorted(paths):
        try:
            source = read_source(Path(path), served.built.loaded.config, is_link=Path(path).is_symlink())
        except HospiblogError:
            return None
        if source.fingerprint != served.fingerprints[path]:
            sources.append(source)
    return sources


def _same_structure(old: Post, new: Post) -> bool:
    """True when the edit left everything but the body's content as it was (front matter, links, images and
    videos: a video added, removed or changed changes the page's Content-Security-Policy, its JSON-LD and the
    posters to draw, which the full pipeline makes)."""
    def targets(links: tuple[tuple[str, int], ...]) -> list[str]:
        return [target for target, _line in links]

    return (old.meta == new.meta and targets(old.post_links) == targets(new.post_links)
            and targets(old.local_images) == targets(new.local_images) and old.videos == new.videos)


def _target_urls(post: Post, served: Served) -> dict[str, str]:
    site, config = served.built.loaded.site, served.built.loaded.config
    urls: dict[str, str] = {}
    for target, _line in post.post_links:
        linked = served.parsed.get(target)
        if linked is None:
            continue
        url = config.post_url(linked.meta.category, linked.meta.slug, linked.meta.lang)
        if target in site.current or url in site.withdrawn:  # a withdrawn testimonial's link leads to its notice
            urls[target] = url
    return urls
