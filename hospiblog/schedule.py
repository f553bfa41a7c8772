"""When the site changes by itself, with no source changing: a scheduled post falls due, a consent ends.

A publisher who builds every day (cron, a CI schedule) gets those changes on time; the build's summary
says when the next one comes, and a no-op build must not skip that moment.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time

from .config import SiteConfig
from .model import Post


@dataclass(frozen=True, order=True)
class Change:
    """A moment at which the published site changes by itself."""

    moment: datetime
    what: str
    """What happens then, for the summary line: ``posts/news/x.md is published``."""


def next_site_change(posts: Iterable[Post], config: SiteConfig, *, now: datetime, drafts: bool = False,
                     future: bool = False) -> Change | None:
    """The first change after ``now`` among the posts a build with these options publishes."""
    changes: list[Change] = []
    today = now.astimezone(config.zone).date()
    for post in posts:
        if post.meta.draft and not drafts:
            continue
        if not future and post.meta.date > now:
            changes.append(Change(post.meta.date, f"{post.relative} is published"))
        consent = post.meta.consent
        ends = consent.ends_on if consent is not None else None
        if ends is not None and ends > today:
            changes.append(Change(datetime.combine(ends, time(0, 0), tzinfo=config.zone),
                                  f"the consent of {post.relative} ends"))
    return min(changes, default=None)


def describe(change: Change, config: SiteConfig) -> str:
    """``next change by itself on 2027-02-11 00:00 (the consent of posts/x.md ends)``."""
    local = change.moment.astimezone(config.zone)
    return f"next change by itself on {local:%Y-%m-%d %H:%M} ({change.what})"
