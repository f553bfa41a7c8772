"""When the site changes by itself, with no source changing: a scheduled post falls due, a consent ends, an event
is over (the agenda lists it with the past ones), a job offer closes.

A publisher who builds every day (cron, a CI schedule) gets those changes on time; the build's summary
says when the next one comes, and a no-op build must not skip that moment (:func:`upcoming` gives the one
``valid_until`` of a build's state).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
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
        event = post.meta.event
        if event is not None and event.ends_at > now:
            changes.append(Change(event.ends_at, f"the event of {post.relative} is over"))
        closes = post.meta.job.ends_on if post.meta.job is not None else None
        if closes is not None and closes > today:
            # The day after the closing date, at midnight: the offer leaves the jobs page, its feed and its data.
            changes.append(Change(datetime.combine(closes, time(0, 0), tzinfo=config.zone),
                                  f"the job offer {post.relative} closes"))
    return min(changes, default=None)


def describe(change: Change, config: SiteConfig) -> str:
    """``next change by itself on 2027-02-11 00:00 (the consent of posts/x.md ends)``."""
    local = change.moment.astimezone(config.zone)
    return f"next change by itself on {local:%Y-%m-%d %H:%M} ({change.what})"


@dataclass(frozen=True)
class Upcoming:
    """Until when a build's result holds, and the next change a reader will see."""

    valid_until: datetime | None
    """The first moment the same inputs give another site or other findings; None: never by itself."""
    change: Change | None
    """The next change of the published site, for the summary line."""

    def describe(self, config: SiteConfig) -> str:
        return describe(self.change, config) if self.change else ""


def upcoming(posts: Sequence[Post], config: SiteConfig, *, now: datetime, drafts: bool = False,
             future: bool = False, dev: bool = False) -> Upcoming:
    """The one ``valid_until`` of a build: the next change of the site, the next day a date-based content
    rule (a consent's warning, a review's age) speaks, and in serve the next scheduled post (its label)."""
    from .checks import next_change

    change = next_site_change(posts, config, now=now, drafts=drafts, future=future)
    moments = [change.moment if change else None,
               next_change(posts, config, today=now.astimezone(config.zone).date()),
               min((post.meta.date for post in posts if post.meta.date > now), default=None) if dev else None]
    return Upcoming(min((moment for moment in moments if moment), default=None), change)
